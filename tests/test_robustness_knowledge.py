"""A bad knowledge base is refused, never half-loaded: hostile YAML, numbers that are
not numbers, files that are not files, sizes past any real knowledge base, and a knowledge
base that is well formed but would miss a runner who needs a clinician."""

import json
import os
import shutil

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from tiny_kb import write_tiny_kb

from diagnose.cli import cli
from diagnose.errors import RunformError
from diagnose.knowledge import load_kb
from diagnose.knowledge.loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_ITEMS, load

LONG_DIGITS = "1" + "0" * 400


def refused(root) -> str:
    """The problems every command would print for this knowledge base."""
    with pytest.raises(RunformError) as caught:
        load_kb(root)
    return "\n".join(caught.value.problems)


def test_the_tiny_knowledge_base_loads(tmp_path):
    assert load(write_tiny_kb(tmp_path)).red_flags


def test_kb_check_says_it_in_one_clean_error(tmp_path):
    root = write_tiny_kb(tmp_path)
    (root / "rules" / "extra.yaml").write_text("a: !!binary aGVsbG8=\n")
    result = CliRunner().invoke(cli, ["kb", "check", "--kb", str(root)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "rules/extra.yaml:1: binary data: knowledge files hold plain data only",
        "Error: 1 problem(s) in the knowledge base",
    ]


@pytest.mark.parametrize(
    ("fragment", "said"),
    [
        ("a: !custom {x: 1}", "rules/extra.yaml:1: a tag ('!custom')"),
        ("a: !!binary aGVsbG8=", "rules/extra.yaml:1: binary data"),
        ("a: !!str 3", "rules/extra.yaml:1: a tag"),
        ("rules:\n  -\n  - {id: x}", "rules/extra.yaml:2: an empty list item"),
        ("a: 2024-01-01", "rules/extra.yaml:1: datetime.date(2024, 1, 1): a date"),
        ("? [a, b]\n: c", "a key must be a word"),
        ("a: " + "[" * 300 + "]" * 300, f"nested too deeply (at most {MAX_DEPTH} levels)"),
        (
            "a:\n" + "".join("  " * i + "-\n" for i in range(1, 60)),
            f"nested too deeply (at most {MAX_DEPTH} levels)",
        ),
        (
            # the "billion laughs": ten aliases to ten aliases to ... written out
            "a0: &a0 [x]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)),
            "too many items",
        ),
    ],
)
def test_knowledge_files_hold_plain_data_only(tmp_path, fragment, said):
    root = write_tiny_kb(tmp_path)
    (root / "rules" / "extra.yaml").write_text(fragment + "\n")
    assert said in refused(root)


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("cf: 0.7", "cf: true", "rules.3.cf: Input should be a valid number"),
        ("cf: 0.7", "cf: .nan", "rules.3.cf: Input should be a finite number"),
        ("cf: 0.7", "cf: .inf", "rules.3.cf: Input should be a finite number"),
        ("cf: 0.7", 'cf: "0.7"', "rules.3.cf: Input should be a valid number"),
        ("cf: 0.7", f"cf: {LONG_DIGITS}", "rules.3.cf:"),
        (
            "sets: 3, metres: 20}\n    minutes: 2\n    when: [technique_day]\n    cues: [c]\n"
            "    pitfalls: [p]\n    difficulty: 1",
            "sets: true, metres: 20}\n    minutes: 2\n    when: [technique_day]\n    cues: [c]\n"
            "    pitfalls: [p]\n    difficulty: 1",
            "prescriptions.0.dose.sets: Input should be a valid integer",
        ),
        ("max: 300", "max: .nan", "observations.3.max: Input should be a finite number"),
        ("screen: true", "screen: 1", "observations.4.screen: Input should be a valid boolean"),
    ],
)
def test_numbers_and_flags_are_what_they_say(tmp_path, old, new, said):
    root = write_tiny_kb(tmp_path)
    for name in ("entities.yaml", "rules.yaml"):
        path = root / "rules" / name
        text = path.read_text()
        path.write_text(text.replace(old, new, 1))
    assert said in refused(root)


def test_a_long_number_in_a_test_or_an_example_is_an_answer_out_of_range(tmp_path):
    root = write_tiny_kb(
        tmp_path,
        f"""
- id: long_numbers
  when: {{obs: test_result, gte: 10}}
  then: {{defect: fault}}
  cf: 0.2
  because: b
  examples: [{{given: {{test_result: {LONG_DIGITS}}}, fires: true}},
             {{given: {{test_result: 5}}, fires: false}}]
""",
    )
    said = refused(root)
    assert "test_result: '" not in said  # cut short, not 400 digits
    assert "is not accepted: expected a number from 0 to 300 s" in said


def test_a_condition_with_too_many_ways_to_hold_is_refused(tmp_path):
    either = '{any: [{obs: felt_sign, is: "yes"}, {obs: seen_sign, is: "yes"}]}'
    root = write_tiny_kb(
        tmp_path,
        f"""
- id: explosive
  when: {{all: [{", ".join([either] * 8)}]}}
  then: {{defect: fault}}
  cf: 0.2
  because: b
  examples: [{{given: {{felt_sign: "yes"}}, fires: true}},
             {{given: {{felt_sign: "no", seen_sign: "no"}}, fires: false}}]
""",
    )
    assert "more than 64 different ways" in refused(root)


def test_files_that_are_not_regular_files_are_refused_without_reading(tmp_path):
    root = write_tiny_kb(tmp_path)
    (root / "rules" / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "rules" / "pipe.yaml")  # reading it would wait for ever
    said = refused(root)
    assert "rules/zero.yaml: not a regular file" in said
    assert "rules/pipe.yaml: not a regular file" in said


def test_a_file_or_a_knowledge_base_past_the_size_caps_is_refused(tmp_path):
    root = write_tiny_kb(tmp_path)
    big = root / "rules" / "big.yaml"
    big.write_text("# " + "x" * MAX_FILE_BYTES + "\n")
    assert f"rules/big.yaml: too large (over {MAX_FILE_BYTES:,} bytes)" in refused(root)
    big.write_text("defects:\n" + "  - {id: d, name: n, description: d}\n" * (MAX_ITEMS + 1))
    assert f"more than {MAX_ITEMS:,} items" in refused(root)


def without_red_flag_rules(root):
    path = root / "rules" / "red_flags.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("\nrules:")] + "\n")


def test_every_command_refuses_red_flags_that_nothing_can_raise(kb_copy, tmp_path):
    without_red_flag_rules(kb_copy)
    answers = tmp_path / "sharp.json"
    answers.write_text(
        json.dumps({"questionnaire": "self-check", "answers": {"pain_sharp": "yes"}})
    )
    runner = CliRunner()
    for args in (
        ["diagnose", str(answers)],
        ["program", str(answers)],
        ["kb", "check"],
        ["kb", "test"],
    ):
        result = runner.invoke(cli, [*args, "--kb", str(kb_copy)])
        assert result.exit_code == 1, (args, result.output)
        assert "safety problem(s) in the knowledge base: runform will not use it" in result.stderr
        assert "red flag 'sharp_pain': no rule raises it" in result.stderr


def test_a_red_flag_nobody_is_asked_about_is_refused(kb_copy):
    for name in ("self-check.yaml", "coach-intake.yaml"):
        path = kb_copy / "questionnaires" / name
        yaml = YAML()
        data = yaml.load(path)
        data["questions"] = [q for q in data["questions"] if q["id"] != "pain_sharp"]
        yaml.dump(data, path)
    with pytest.raises(RunformError) as caught:
        load_kb(kb_copy)
    assert any("red flag 'sharp_pain': no rule raises it" in p for p in caught.value.problems)


def test_a_red_flag_that_also_needs_an_unrelated_sign_is_refused(tmp_path):
    """Pain must be enough on its own: a rule that raised the red flag only with another
    sign would give a runner in pain without that sign a normal week."""
    root = _tiny_rules_with(
        tmp_path,
        'when: {obs: pain, is: "yes"}\n    then: {red_flag: hurts}',
        'when: {all: [{obs: pain, is: "yes"}, {obs: seen_sign, is: "yes"}]}\n'
        "    then: {red_flag: hurts}",
    )
    said = refused(root)
    assert "red flag 'hurts': no rule raises it" in said
    assert "from a yes to 'pain' on its own" in said


def test_a_red_flag_rule_that_lowers_its_red_flag_is_refused(tmp_path):
    root = _tiny_rules_with(
        tmp_path, "then: {red_flag: hurts}\n    cf: 1.0", "then: {red_flag: hurts}\n    cf: -0.5"
    )
    said = refused(root)
    assert "rule 'hurts_flag': cf -0.5: a red-flag rule may only raise its red flag" in said


# ---------------------------------------------------------------- fuzzing

nasty = st.sampled_from(
    [
        int(LONG_DIGITS),
        float("nan"),
        True,
        None,
        "\x1b]52;c;aGk=\x07",
        "\x1b[2J",
        "/dev/zero",
        "x" * 5000,
        [[[[[[[[[[]]]]]]]]]],
        {"all": [{"any": [{"not": {"obs": "pain", "is": "yes"}}]}]},
        {"obs": "pain", "is": LONG_DIGITS},
        -1e308,
    ]
)


def _paths(value, here=()):
    yield here
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*here, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*here, index))


def _replace(value, path, new):
    if not path:
        return new
    copy = value.copy()
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_knowledge_files_with_a_nasty_value_anywhere_load_or_are_refused(tmp_path, data):
    """Any value anywhere in a knowledge file: a knowledge base or one RunformError."""
    root = tmp_path / "fuzz"
    shutil.rmtree(root, ignore_errors=True)
    write_tiny_kb(root)
    path = root / "kb" / "rules" / data.draw(st.sampled_from(["entities.yaml", "rules.yaml"]))
    parsed = json.loads(json.dumps(YAML(typ="safe").load(path)))
    where = data.draw(st.sampled_from(list(_paths(parsed))[1:]))
    changed = _replace(parsed, where, data.draw(nasty))
    path.write_text(json.dumps(changed, allow_nan=True))  # JSON is YAML
    try:
        load(root / "kb")
    except RunformError as exc:
        assert exc.problems
        assert all(len(problem) < 2000 for problem in exc.problems)


# ---------------------------------------------------------------- a second hostile look


def _tiny_rules_with(tmp_path, old: str, new: str):
    root = write_tiny_kb(tmp_path)
    rules = root / "rules" / "rules.yaml"
    text = rules.read_text()
    assert old in text
    rules.write_text(text.replace(old, new, 1))
    return root


def test_an_integer_too_long_for_python_to_read_is_refused(tmp_path):
    root = _tiny_rules_with(tmp_path, "cf: 1.0", "cf: " + "9" * 5000)
    assert "rules/rules.yaml: a number too long to read" in refused(root)


def test_a_yaml_merge_key_is_refused(tmp_path):
    root = _tiny_rules_with(tmp_path, "cf: 1.0", "<<: {cf: 1.0}")
    assert "a merge key (<<): write the keys out in full" in refused(root)


@pytest.mark.parametrize(
    "text", ["\x1b]0;PWN\x07", "\x1b[2J", "\u202e", "a\x9b31m", "\u200b", "\u2028"]
)
def test_knowledge_text_with_terminal_controls_is_refused(tmp_path, text):
    quoted = json.dumps("Hurts " + text)  # a JSON string is a YAML double-quoted one
    root = _tiny_rules_with(tmp_path, "because: ", f"because: {quoted} #")
    assert "control or text-direction characters" in refused(root)


def test_a_damaged_cached_copy_is_read_again_from_the_files(kb_copy, tmp_path, monkeypatch):
    from diagnose.knowledge import _load_cached

    monkeypatch.delenv("RUNFORM_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = kb_copy
    assert CliRunner().invoke(cli, ["kb", "check", "--kb", str(root)]).exit_code == 0
    copies = list((tmp_path / "cache" / "runform").glob("kb-*.pickle"))
    assert copies
    for damage in (b"\x80\x09", b"\x80\x04K", b"garbage", b""):
        for copy in copies:
            copy.write_bytes(damage)
        _load_cached.cache_clear()
        result = CliRunner().invoke(cli, ["kb", "check", "--kb", str(root)])
        assert result.exit_code == 0, (damage, result.output)


def test_every_command_refuses_what_kb_check_refuses(kb_copy, tmp_path):
    """Not only the safety checks: a knowledge base `kb check` fails is used by no
    command (bounding without its readiness gate, here)."""
    rules = kb_copy / "rules" / "prescription_rules.yaml"
    text = rules.read_text()
    gate = "        - {readiness: ready_for_plyometrics}\n    then: {prescription: bounding}"
    assert gate in text
    rules.write_text(text.replace(gate, "    then: {prescription: bounding}", 1))
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"answers": {"short_stride": "yes"}}))
    for args in (["diagnose", str(answers)], ["program", str(answers)], ["kb", "check"]):
        result = CliRunner().invoke(cli, [*args, "--kb", str(kb_copy)])
        assert result.exit_code == 1, args
        assert "problem(s) in the knowledge base" in result.stderr
        assert "bounding_for_power" in result.stderr


@pytest.mark.parametrize(
    "rewired",
    [
        '{obs: swelling, is: "yes"}',
        '{not: {obs: pain_sharp, is: "yes"}}',
        '{obs: pain_sharp, is: "no"}',
    ],
)
def test_a_red_flag_rule_rewired_against_its_examples_is_refused(kb_copy, tmp_path, rewired):
    """Sharp pain raised by swelling instead, or by its absence: the rule's own examples
    fail, and no command uses the knowledge base (a runner in sharp pain would get a
    normal week)."""
    path = kb_copy / "rules" / "red_flags.yaml"
    text = path.read_text()
    original = 'when: {obs: pain_sharp, is: "yes"}'
    assert original in text
    path.write_text(text.replace(original, f"when: {rewired}", 1))
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"answers": {"pain_sharp": "yes"}}))
    for args in (["diagnose", str(answers)], ["program", str(answers)]):
        result = CliRunner().invoke(cli, [*args, "--kb", str(kb_copy)])
        assert result.exit_code == 1, args
        assert "red flag 'sharp_pain': no rule raises it" in result.stderr
        assert "from a yes to 'pain_sharp' on its own" in result.stderr


def test_a_red_flag_rule_rewired_with_its_examples_is_still_refused(kb_copy, tmp_path):
    """The examples rewritten to match the rewiring: the red flag still names the sign
    that shows it (`signs`), and no rule raises it from that sign any more."""
    path = kb_copy / "rules" / "red_flags.yaml"
    text = path.read_text().replace(
        'when: {obs: pain_sharp, is: "yes"}', 'when: {obs: swelling, is: "yes"}', 1
    )
    text = text.replace('given: {pain_sharp: "yes"}', 'given: {swelling: "yes"}')
    text = text.replace('given: {pain_sharp: "no"}', 'given: {swelling: "no"}')
    path.write_text(text)
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"answers": {"pain_sharp": "yes"}}))
    result = CliRunner().invoke(cli, ["program", str(answers), "--kb", str(kb_copy)])
    assert result.exit_code == 1
    assert "red flag 'sharp_pain': no rule raises it" in result.stderr
