"""`runform kb check` / `kb test` on the real knowledge base and on broken copies of it."""

import re
import textwrap
from pathlib import Path

import pytest

from diagnose.cli import cli
from diagnose.knowledge.checks import check
from diagnose.knowledge.models import NAMESPACES
from diagnose.logic import references

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sam-sore-shin.json"


def run_check(cli_runner, kb_dir):
    return cli_runner.invoke(cli, ["kb", "check", "--kb", str(kb_dir)])


def first_line_matching(kb_dir: Path, pattern: str) -> tuple[Path, int, str]:
    """(file, 1-based line, line text) of the first line matching `pattern` in rules/."""
    for path in sorted((kb_dir / "rules").glob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                return path, number, line
    raise AssertionError(f"nothing matches {pattern!r}")


def replace_line(path: Path, number: int, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def misspell(kb_dir: Path, pattern: str, old: str, new: str) -> tuple[Path, int]:
    """Replace `old` by `new` on the first line matching `pattern`: (file, line)."""
    path, number, line = first_line_matching(kb_dir, pattern)
    replace_line(path, number, line.replace(old, new))
    return path, number


def test_bundled_kb_is_clean(cli_runner, kb):
    assert check(kb) == []
    result = cli_runner.invoke(cli, ["kb", "check"])
    assert result.exit_code == 0, result.output
    assert "Knowledge base OK" in result.output


def test_bundled_examples_pass(cli_runner):
    result = cli_runner.invoke(cli, ["kb", "test"])
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ passed, 0 failed", result.output)


def test_misspelled_observation_is_located_with_a_suggestion(cli_runner, kb_copy):
    path, number = misspell(kb_copy, r"obs: cadence_spm\b", "cadence_spm", "cadense_spm")
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    expected = f"rules/{path.name}:{number}: rules."
    lines = [line for line in result.output.splitlines() if line.startswith(expected)]
    assert lines, result.output
    assert "unknown observation 'cadense_spm' (did you mean 'cadence_spm'?)" in lines[0]
    assert "Traceback" not in result.output


def test_misspelled_conclusion_is_located(cli_runner, kb_copy):
    path, number = misspell(kb_copy, r"then: \{defect: heel_strike\}", "heel_strike", "heel_strik")
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    assert f"rules/{path.name}:{number}:" in result.output
    assert "unknown defect 'heel_strik' (did you mean 'heel_strike'?)" in result.output


def test_errors_of_all_files_are_collected(cli_runner, kb_copy):
    (kb_copy / "rules" / "zz_broken.yaml").write_text("defects:\n  - id: x\n    nme: y\n")
    path, number = misspell(kb_copy, r"obs: heel_strike\b", "heel_strike", "heelstrike")
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    assert "rules/zz_broken.yaml:3: defects.0.nme: Extra inputs are not permitted" in result.output
    assert "rules/zz_broken.yaml:2: defects.0.name: Field required" in result.output
    assert f"rules/{path.name}:{number}:" in result.output


def test_broken_yaml_is_located(cli_runner, kb_copy):
    (kb_copy / "rules" / "zz_bad.yaml").write_text("defects:\n  - id: x\n    name: [unclosed\n")
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    assert re.search(r"rules/zz_bad\.yaml:\d+: invalid YAML", result.output), result.output


def test_an_unreadable_file_does_not_bury_its_error_under_follow_ons(cli_runner, kb_copy):
    catalogue = kb_copy / "rules" / "catalogue.yaml"
    lines = catalogue.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[20] = lines[20][:12] + ' "unterminated\n'
    catalogue.write_text("".join(lines), encoding="utf-8")
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    shown = [line for line in result.output.splitlines() if line.strip()]
    assert re.match(r"rules/catalogue\.yaml:\d+: invalid YAML", shown[0]), result.output
    assert "more problem(s) name ids that may be defined in rules/catalogue.yaml" in shown[1]
    assert len(shown) == 3  # the error, the follow-ons in one line, the summary


def test_duplicate_id_points_at_both(cli_runner, kb_copy, kb):
    some_defect = next(iter(kb.defects.values()))
    (kb_copy / "rules" / "zz_dup.yaml").write_text(
        f"defects:\n  - id: {some_defect.id}\n    name: Again\n    description: Twice.\n"
    )
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    assert (
        f"rules/zz_dup.yaml:2: defects.0.id: duplicate defect id '{some_defect.id}'"
        in result.output
    )
    assert f"first defined at {kb.where[('defect', some_defect.id)]}" in result.output


def test_cycle_is_reported_at_a_rule(cli_runner, kb_copy, kb):
    # take a rule defect → cause and add cause → defect: a circle
    all_keys = {ns: list(kb.entities(ns)) for ns in NAMESPACES}
    rule, used = next(
        (r, ident)
        for r in kb.rules
        if r.then.namespace == "cause"
        for ns, ident in sorted(references(r.when, all_keys))
        if ns == "defect"
    )
    (kb_copy / "rules" / "zz_cycle.yaml").write_text(
        textwrap.dedent(
            f"""\
            rules:
              - id: circular
                when: {{cause: {rule.then.ident}}}
                then: {{defect: {used}}}
                cf: 0.5
                because: This goes round in a circle.
                examples:
                  - {{given: {{}}, fires: false}}
                  - {{given: {{}}, fires: true}}
            """
        )
    )
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    assert re.search(r"rules/\w+\.yaml:\d+: rules form a cycle: ", result.output), result.output
    assert "Traceback" not in result.output


def test_orphans_are_reported(cli_runner, kb_copy):
    (kb_copy / "rules" / "zz_orphans.yaml").write_text(
        textwrap.dedent(
            """\
            observations:
              - id: lonely_question
                name: Nobody asks
                kind: yesno
                description: No rule uses this.
            prescriptions:
              - id: lonely_drill
                name: Nobody prescribes
                category: technique
                description: No rule prescribes this.
                dose: {sets: 3, metres: 20}
                minutes: 2
                when: [technique_day]
                cues: [Stay tall.]
                pitfalls: [Rushing.]
                difficulty: 1
                load: moderate
            causes:
              - id: lonely_cause
                name: Nothing concludes this
                description: No rule concludes it.
            """
        )
    )
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    out = result.output
    assert "rules/zz_orphans.yaml:2: observation 'lonely_question': used by no rule" in out
    assert (
        "rules/zz_orphans.yaml:7: prescription 'lonely_drill': never prescribed by any rule" in out
    )
    assert "rules/zz_orphans.yaml:19: cause 'lonely_cause': never concluded by any rule" in out
    assert "rules/zz_orphans.yaml:19: cause 'lonely_cause': leads to no prescription" in out


def test_a_failing_example_stops_every_command(cli_runner, kb_copy, tmp_path):
    """A rule that does not do what its examples say is not used: by `kb test`, which
    names the example, nor by any other command."""
    (kb_copy / "rules" / "zz_wrong.yaml").write_text(
        textwrap.dedent(
            """\
            rules:
              - id: wrong_examples
                when: {obs: no_speed_work, is: "yes"}
                then: {defect: heel_strike}
                cf: 0.5
                because: Examples can be wrong too.
                examples:
                  - {given: {no_speed_work: "yes"}, fires: true}
                  - {given: {no_speed_work: "no"}, fires: true}
                  - {given: {no_speed_work: "unknown"}, fires: false}
            """
        )
    )
    answers = tmp_path / "a.json"
    answers.write_text('{"answers": {"no_speed_work": "yes"}}')
    for args in (["kb", "test"], ["kb", "check"], ["diagnose", str(answers)]):
        result = cli_runner.invoke(cli, [*args, "--kb", str(kb_copy)])
        assert result.exit_code == 1
        assert (
            "rules/zz_wrong.yaml:9: rule 'wrong_examples' example 2: expects the rule"
            " to fire, but it did not fire (given no_speed_work=no)" in result.stderr
        )
        assert "1 rule example(s) fail: runform will not use the knowledge base" in (result.stderr)


@pytest.mark.parametrize("command", [["kb", "check"], ["kb", "test"], ["diagnose", "x.json"]])
def test_kb_option_rejects_a_folder_without_rules(cli_runner, tmp_path, command):
    result = cli_runner.invoke(cli, [*command, "--kb", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a knowledge base" in result.output


def test_cached_knowledge_follows_the_files(kb_copy):
    from diagnose.knowledge import load_kb

    first = load_kb(kb_copy)
    assert load_kb(kb_copy) is first  # same bytes: the same loaded knowledge
    path, number, line = first_line_matching(kb_copy, r"^\s+name: ")
    replace_line(path, number, line.split("name:")[0] + "name: Renamed On Purpose")
    second = load_kb(kb_copy)
    assert second is not first
    names = [
        e.name
        for ns in ("defect", "cause", "prescription", "red_flag", "observation")
        for e in second.entities(ns).values()
    ]
    assert "Renamed On Purpose" in names


def test_a_broken_cache_file_is_ignored(kb_copy):
    import os

    from diagnose.knowledge import _load_cached, load_kb

    load_kb(kb_copy)
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "runform"
    for pickled in cache.glob("kb-*.pickle"):
        pickled.write_bytes(b"not a pickle")
    _load_cached.cache_clear()
    assert load_kb(kb_copy).rules


@pytest.mark.parametrize("command", ["check", "test"])
def test_kb_commands_check_the_rules_folder_they_are_run_in(
    cli_runner, kb_copy, monkeypatch, command
):
    """Someone editing rules/ in their own folder checks those files, not the copy
    installed with runform."""
    path, number = misspell(kb_copy, r"obs: cadence_spm\b", "cadence_spm", "cadense_spm")
    monkeypatch.chdir(kb_copy)
    result = cli_runner.invoke(cli, ["kb", command])
    assert result.exit_code == 1
    assert f"rules/{path.name}:{number}:" in result.output


def test_the_cache_keeps_only_recent_copies(kb_copy):
    import os

    from diagnose.knowledge import KEEP_CACHED, load_kb

    path, number, line = first_line_matching(kb_copy, r"^\s+name: ")
    for edit in range(KEEP_CACHED + 3):
        replace_line(path, number, line.split("name:")[0] + f"name: Edit {edit}")
        load_kb(kb_copy)
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "runform"
    assert len(list(cache.glob("kb-*.pickle"))) <= KEEP_CACHED


def test_a_starting_dose_must_read_a_test_in_its_own_unit(cli_runner, kb_copy):
    path, number = misspell(
        kb_copy, r"start_from: \{obs: plank_hold_s", "plank_hold_s", "cadence_spm"
    )
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    assert f"rules/{path.name}:" in result.output
    assert "start_from: observation 'cadence_spm' (spm) does not measure this dose (s)" in (
        result.output
    )


def test_a_knowledge_base_without_red_flags_is_refused(cli_runner, kb_copy):
    (kb_copy / "rules" / "red_flags.yaml").unlink()
    for command in (["kb", "check"], ["diagnose", str(EXAMPLE)]):
        result = cli_runner.invoke(cli, [*command, "--kb", str(kb_copy)])
        assert result.exit_code == 1, command
        assert "no red flags are defined" in result.output


@pytest.mark.parametrize("content", ["", "defectz:\n  - id: heel_strike\n"])
def test_an_empty_or_misnamed_file_says_so_first(cli_runner, kb_copy, content):
    (kb_copy / "rules" / "defects.yaml").write_text(content, encoding="utf-8")
    result = run_check(cli_runner, kb_copy)
    shown = [line for line in result.output.splitlines() if line.strip()]
    assert shown[0].startswith("rules/defects.yaml:"), result.output
    assert "expected a mapping" in shown[0] or "did you mean 'defects'" in shown[0]
    assert "more problem(s) name ids that may be defined in rules/defects.yaml" in shown[1]
    assert shown[-1] == "Error: 1 problem(s) in the knowledge base"


def test_a_source_must_be_one_the_reader_can_find(cli_runner, kb_copy):
    path, number = misspell(kb_copy, r"source: \[souza-2016\]", "souza-2016", "souza-2061")
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    assert f"rules/{path.name}:{number}:" in result.output
    assert "unknown source 'souza-2061' (did you mean 'souza-2016'?)" in result.output


def test_a_source_nothing_cites_is_reported(cli_runner, kb_copy):
    sources = kb_copy / "rules" / "sources.yaml"
    sources.write_text(
        sources.read_text()
        + "  - {id: unused-paper, kind: study, title: t, by: b, teaches: nothing used}\n"
    )
    result = run_check(cli_runner, kb_copy)
    assert result.exit_code == 1
    assert "source 'unused-paper': cited by nothing" in result.output


def test_docs_sources_is_made_from_the_knowledge(kb):
    from diagnose.knowledge.sources import markdown

    docs = Path(__file__).resolve().parent.parent / "docs" / "sources.md"
    assert docs.read_text(encoding="utf-8") == markdown(kb), (
        "docs/sources.md is out of date: python -m diagnose.knowledge.sources > docs/sources.md"
    )


def test_an_id_runform_s_planner_reads_cannot_be_renamed_away(cli_runner, kb_copy):
    """The ids the Python code relies on (knowledge/vocabulary.py) are required by
    `kb check`: renamed, the knowledge base is refused instead of a feature silently
    lost (here the arithmetic of what a higher cadence is worth)."""
    observations = kb_copy / "rules" / "observations.yaml"
    observations.write_text(observations.read_text().replace("id: cadence_spm", "id: steps_a_min"))
    for rules in (kb_copy / "rules").glob("*.yaml"):
        rules.write_text(rules.read_text().replace("cadence_spm", "steps_a_min"))
    for questionnaire in (kb_copy / "questionnaires").glob("*.yaml"):
        questionnaire.write_text(questionnaire.read_text().replace("cadence_spm", "steps_a_min"))
    result = cli_runner.invoke(cli, ["kb", "check", "--kb", str(kb_copy)])
    assert result.exit_code == 1
    assert "observation 'cadence_spm': missing; runform relies on it" in result.stderr
