"""Coach records through the CLI: intake --no-input, clients, history, compare, export, import."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from diagnose.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "clients.db")


def run(cli_runner, *args):
    return cli_runner.invoke(cli, [str(a) for a in args])


def intake(cli_runner, db, name, example):
    return run(
        cli_runner, "intake", name, "--answers", EXAMPLES / example, "--no-input", "--db", db
    )


def test_two_intakes_then_clients_history_compare(cli_runner, db):
    first = intake(cli_runner, db, "Marc Dupont", "marc-intake-1.json")
    assert first.exit_code == 0, first.output
    assert "Saved as assessment 1 of Marc Dupont" in first.output
    second = intake(cli_runner, db, "marc dupont", "marc-intake-2.json")
    assert second.exit_code == 0, second.output
    assert "Saved as assessment 2 of Marc Dupont" in second.output

    clients = run(cli_runner, "clients", "--db", db)
    assert clients.exit_code == 0
    assert "Marc Dupont" in clients.output and " 2 " in clients.output

    history = run(cli_runner, "history", "Marc Dupont", "--db", db)
    assert history.exit_code == 0
    assert "#1" in history.output and "#2" in history.output
    assert "Heel strike" in history.output

    compare = run(cli_runner, "compare", "Marc Dupont", "--db", db)
    assert compare.exit_code == 0, compare.output
    assert "assessment 1" in compare.output and "→ 2" in compare.output
    resolved = next(line for line in compare.output.splitlines() if line.startswith("Resolved:"))
    assert "Heel strike" in resolved

    data = json.loads(
        run(cli_runner, "compare", "Marc Dupont", "--db", db, "--format", "json").output
    )
    statuses = {c["id"]: c["status"] for c in data["defects"]}
    assert statuses["heel_strike"] == "resolved"
    assert statuses["seated_running"] == "persisting"


def test_compare_chosen_assessments(cli_runner, db):
    for example in ("marc-intake-1.json", "marc-intake-2.json", "marc-intake-1.json"):
        assert intake(cli_runner, db, "Marc", example).exit_code == 0
    result = run(
        cli_runner, "compare", "Marc", "--from", 1, "--to", 3, "--db", db, "--format", "json"
    )
    data = json.loads(result.output)
    assert (data["from"], data["to"]) == (1, 3)
    assert all(c["status"] == "persisting" and c["change"] == 0 for c in data["defects"])
    bad = run(cli_runner, "compare", "Marc", "--from", 7, "--db", db)
    assert bad.exit_code == 1
    assert "Marc has no assessment 7 (there are: 1, 2, 3)" in bad.output


def test_compare_needs_two(cli_runner, db):
    intake(cli_runner, db, "Ana", "lea.json")
    result = run(cli_runner, "compare", "Ana", "--db", db)
    assert result.exit_code == 1
    assert "Error: Ana has 1 assessment; comparing needs two" in result.output


def test_unknown_client_suggests(cli_runner, db):
    intake(cli_runner, db, "Léa Martin", "lea.json")
    result = run(cli_runner, "history", "Lea Martine", "--db", db)
    assert result.exit_code == 1
    assert "Error: no client named 'Lea Martine'; did you mean 'Léa Martin'?" in result.output
    assert "Traceback" not in result.output


def test_no_input_leaves_the_rest_unknown(cli_runner, db, tmp_path):
    answers = tmp_path / "few.json"
    answers.write_text(json.dumps({"answers": {"heel_strike": "yes"}}))
    result = run(cli_runner, "intake", "Few", "--answers", answers, "--no-input", "--db", db)
    assert result.exit_code == 0, result.output
    history = json.loads(run(cli_runner, "history", "Few", "--db", db, "--format", "json").output)
    (assessment,) = history["assessments"]
    assert assessment["answers"] == {"heel_strike": "yes"}
    assert assessment["questionnaire"] == "coach-intake"
    assert "cadence_spm" in assessment["diagnosis"]["unanswered"]


def test_db_from_environment(cli_runner, db):
    result = cli_runner.invoke(
        cli,
        ["intake", "Env", "--answers", str(EXAMPLES / "lea.json"), "--no-input"],
        env={"RUNFORM_DB": db},
    )
    assert result.exit_code == 0, result.output
    assert Path(db).exists()


def test_export_and_import(cli_runner, db, tmp_path):
    intake(cli_runner, db, "Zoë d'Arc", "lea.json")
    out = tmp_path / "zoe.json"
    assert run(cli_runner, "export", "zoe d'arc", "-o", out, "--db", db).exit_code == 0
    other = str(tmp_path / "other.db")
    result = run(cli_runner, "import", out, "--db", other)
    assert result.exit_code == 0, result.output
    assert "Zoë d'Arc: 1 assessment imported, 0 already there." in result.output
    again = run(cli_runner, "import", out, "--db", other)
    assert "0 assessments imported, 1 already there" in again.output


def test_import_bad_file(cli_runner, db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    result = run(cli_runner, "import", bad, "--db", db)
    assert result.exit_code == 1
    assert f"Error: {bad}: line 1 column 2: invalid JSON" in result.output


def test_unusable_database_path(cli_runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(
        cli_runner,
        "intake",
        "A",
        "--answers",
        EXAMPLES / "lea.json",
        "--no-input",
        "--db",
        blocker / "sub" / "r.db",
    )
    assert result.exit_code == 1
    assert "cannot open the client database" in result.output


def test_reading_commands_never_create_a_database(cli_runner, tmp_path):
    typo = tmp_path / "typo.db"
    for command in (["clients"], ["history", "A"], ["compare", "A"], ["export", "A"]):
        result = run(cli_runner, *command, "--db", typo)
        assert result.exit_code == 1, command
        assert f"no client database at {typo} yet" in result.output
    assert not typo.exists()


def test_concurrent_intake_processes(tmp_path):
    """Several `runform intake` processes at once into one database: nothing lost."""
    db = str(tmp_path / "shared.db")
    runform = Path(sys.executable).parent / "runform"
    command = [str(runform)] if runform.exists() else [sys.executable, "-m", "diagnose"]
    processes = [
        subprocess.Popen(
            [
                *command,
                "intake",
                f"Runner {i % 2}",
                "--answers",
                str(EXAMPLES / "lea.json"),
                "--no-input",
                "--db",
                db,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(6)
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, (process.returncode, err.decode(), out.decode()[-2000:])
    from diagnose.store import Store

    with Store(db) as store:
        counts = sorted(c.assessments for c in store.clients())
    assert counts == [3, 3]


def test_interactive_intake_is_stored(cli_runner, kb, engine, db, tmp_path, monkeypatch):
    from interview_script import LEA, plan

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    script = [line for _, line in plan(kb, engine, "coach-intake", LEA)]
    result = cli_runner.invoke(
        cli, ["intake", "Léa Martin", "--db", db], input="".join(f"{s}\n" for s in script)
    )
    assert result.exit_code == 0, result.output
    assert "Coach intake" in result.output
    assert "Saved as assessment 1 of Léa Martin" in result.output
    history = json.loads(
        run(cli_runner, "history", "lea martin", "--db", db, "--format", "json").output
    )
    (assessment,) = history["assessments"]
    assert assessment["runner"]["sessions_per_week"] == 3
    assert assessment["answers"]["heel_strike"] == "yes"


def test_interrupted_intake_stores_nothing_and_says_how_to_resume(
    cli_runner, db, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    result = cli_runner.invoke(cli, ["intake", "Half Way", "--db", db], input="4\n60\n")
    assert result.exit_code == 1
    assert "Stopped. Your 2 answers are saved in" in result.output
    assert "runform intake 'Half Way' --answers" in result.output
    assert run(cli_runner, "clients", "--db", db).output.startswith("No clients yet")


def test_intake_printout_and_program_hint(cli_runner, db, tmp_path):
    out = tmp_path / "marc.md"
    result = run(
        cli_runner,
        "intake",
        "Marc Dupont",
        "--answers",
        EXAMPLES / "marc-intake-1.json",
        "--no-input",
        "--db",
        db,
        "--printout",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "runform program --client 'Marc Dupont' -o program.pdf" in result.output
    assert "Marc Dupont" in out.read_text(encoding="utf-8")


def test_compare_tells_not_checked_from_resolved(cli_runner, db, tmp_path):
    assert intake(cli_runner, db, "Marc", "marc-intake-1.json").exit_code == 0
    few = tmp_path / "few.json"
    # only the heel looked at again: heel strike resolved, the rest not checked
    few.write_text(json.dumps({"answers": {"heel_strike": "no", "seated_posture": "yes"}}))
    result = run(cli_runner, "intake", "Marc", "--answers", few, "--no-input", "--db", db)
    assert result.exit_code == 0, result.output
    data = json.loads(run(cli_runner, "compare", "Marc", "--db", db, "--format", "json").output)
    statuses = {c["id"]: c["status"] for c in data["defects"]}
    assert statuses["heel_strike"] == "resolved"
    assert statuses["locked_arms"] == "not checked"
    assert statuses["seated_running"] == "persisting"
    text = run(cli_runner, "compare", "Marc", "--db", db).output
    assert "Not checked this time:" in text
    assert all(len(line) <= 80 for line in text.splitlines()), text
    # the client list does not read "nothing open" into a visit that checked little
    listing = " ".join(run(cli_runner, "clients", "--db", db).output.split())
    assert "not checked: " in listing and "Arms locked along the body" in listing


def test_compare_the_first_assessment_alone(cli_runner, db):
    for example in ("marc-intake-1.json", "marc-intake-2.json"):
        intake(cli_runner, db, "Marc", example)
    result = run(cli_runner, "compare", "Marc", "--to", 1, "--db", db)
    assert result.exit_code == 1
    assert "assessment 1 is the first" in result.output


def test_no_input_needs_an_answers_file(cli_runner, db):
    result = run(cli_runner, "intake", "Nobody", "--no-input", "--db", db)
    assert result.exit_code == 2
    assert "--no-input needs --answers FILE" in result.output
    assert not Path(db).exists()  # nothing stored, not even an empty database


def test_the_client_named_is_the_runner_on_record(cli_runner, db):
    # the example file says "Marc Dupont"; the coach files it under another spelling
    intake(cli_runner, db, "Marc Dupont-Lefèvre", "marc-intake-1.json")
    history = json.loads(
        run(cli_runner, "history", "marc dupont-lefevre", "--db", db, "--format", "json").output
    )
    assert history["assessments"][0]["runner"]["name"] == "Marc Dupont-Lefèvre"
    # a later intake typed in lower case keeps the stored spelling
    intake(cli_runner, db, "marc dupont-lefevre", "marc-intake-2.json")
    history = json.loads(
        run(cli_runner, "history", "Marc Dupont-Lefèvre", "--db", db, "--format", "json").output
    )
    assert history["assessments"][1]["runner"]["name"] == "Marc Dupont-Lefèvre"


def test_follow_up_command_keeps_the_database(cli_runner, db):
    result = intake(cli_runner, db, "Ana", "lea.json")
    hint = next(line for line in result.output.splitlines() if "runform program --client" in line)
    assert f"--db {db}" in hint


def test_import_refuses_a_broken_record_and_stores_nothing(cli_runner, db, tmp_path):
    intake(cli_runner, db, "Ana", "lea.json")
    out = tmp_path / "ana.json"
    run(cli_runner, "export", "Ana", "-o", out, "--db", db)
    data = json.loads(out.read_text())
    data["client"] = "Bea"
    data["assessments"][0]["diagnosis"] = {}
    out.write_text(json.dumps(data))
    result = run(cli_runner, "import", out, "--db", db)
    assert result.exit_code == 1
    assert "assessments.0.diagnosis.defects: Field required" in result.output
    assert "Traceback" not in result.output
    clients = run(cli_runner, "clients", "--db", db)
    assert clients.exit_code == 0 and "Bea" not in clients.output


def test_compare_marks_changes_that_rest_on_questions_skipped(cli_runner, db, tmp_path):
    assert intake(cli_runner, db, "Marc", "marc-intake-1.json").exit_code == 0
    sparse = tmp_path / "sparse.json"
    # the seated posture seen again, but not the hip and desk questions behind its causes
    sparse.write_text(json.dumps({"answers": {"seated_posture": "yes"}}))
    run(cli_runner, "intake", "Marc", "--answers", sparse, "--no-input", "--db", db)
    data = json.loads(run(cli_runner, "compare", "Marc", "--db", db, "--format", "json").output)
    persisting = [c for kind in ("defects", "causes") for c in data[kind]]
    persisting = [c for c in persisting if c["status"] == "persisting"]
    assert any(c["partly_checked"] for c in persisting)
    text = run(cli_runner, "compare", "Marc", "--db", db).output
    assert "* Part of what this rested on was not asked again" in text


def test_compare_goes_forward_only(cli_runner, db):
    for example in ("marc-intake-1.json", "marc-intake-2.json"):
        intake(cli_runner, db, "Marc", example)
    for args in (["--from", 2, "--to", 1], ["--from", 2, "--to", 2], ["--from", 2]):
        result = run(cli_runner, "compare", "Marc", *args, "--db", db)
        assert result.exit_code == 2, args
        assert "compare goes from an earlier assessment to a later one" in result.output


def test_compare_shows_a_red_flag_that_cleared(cli_runner, db, tmp_path):
    flagged = tmp_path / "flag.json"
    flagged.write_text(json.dumps({"answers": {"swelling": "yes", "heel_strike": "yes"}}))
    cleared = tmp_path / "clear.json"
    cleared.write_text(json.dumps({"answers": {"swelling": "no", "heel_strike": "yes"}}))
    for answers in (flagged, cleared):
        run(cli_runner, "intake", "Rita", "--answers", answers, "--no-input", "--db", db)
    data = json.loads(run(cli_runner, "compare", "Rita", "--db", db, "--format", "json").output)
    assert [c["status"] for c in data["red_flags"]] == ["resolved"]
    text = run(cli_runner, "compare", "Rita", "--db", db).output
    assert "Red flags" in text and "Swelling" in text
    negative = run(cli_runner, "compare", "Rita", "--from", -1, "--db", db)
    assert negative.exit_code == 2


def test_a_cause_is_resolved_only_when_all_it_rested_on_was_checked_again(cli_runner, db, tmp_path):
    """Coordination rested on "drills feel clumsy" and on locked arms; the later intake
    answers the first (no) but leaves the arms unasked: through the chain, not checked."""
    first = tmp_path / "first.json"
    first.write_text(
        json.dumps({"answers": {"coordination_difficulty": "yes", "rigid_arms": "yes"}})
    )
    later = tmp_path / "later.json"
    later.write_text(json.dumps({"answers": {"coordination_difficulty": "no"}}))
    for answers in (first, later):
        result = run(cli_runner, "intake", "Ina", "--answers", answers, "--no-input", "--db", db)
        assert result.exit_code == 0, result.output
    data = json.loads(run(cli_runner, "compare", "Ina", "--db", db, "--format", "json").output)
    causes = {c["id"]: c["status"] for c in data["causes"]}
    assert causes["poor_motor_coordination"] == "not checked"
    assert {c["id"]: c["status"] for c in data["defects"]}["locked_arms"] == "not checked"


def test_history_tells_when_todays_knowledge_concludes_differently(cli_runner, db, tmp_path):
    from diagnose.store import Store

    with Store(db) as store:
        store.add_assessment(
            "Old Record",
            runner={},
            answers={"heel_strike": "yes"},
            diagnosis={
                "defects": [],
                "causes": [{"id": "muscle_weakness", "name": "Muscle weakness", "certainty": 0.5}],
            },
            kb_version="0123456789ab",
        )
    text = " ".join(run(cli_runner, "history", "Old Record", "--db", db).output.split())
    assert "Today's knowledge base" in text and "would conclude differently" in text
    assert "adds defect Heel strike (0.80)" in text and "drops cause Muscle weakness" in text
    data = json.loads(
        run(cli_runner, "history", "Old Record", "--db", db, "--format", "json").output
    )
    assert data["assessments"][0]["kb_version"] == "0123456789ab"
    assert data["assessments"][0]["today_differs"]
    # an intake made today records today's knowledge base, and history finds nothing to say
    assert intake(cli_runner, db, "New Record", "lea.json").exit_code == 0
    fresh = json.loads(
        run(cli_runner, "history", "New Record", "--db", db, "--format", "json").output
    )
    assert fresh["assessments"][0]["kb_version"] == fresh["knowledge_base"]
    assert fresh["assessments"][0]["today_differs"] == []


def test_import_refuses_a_different_assessment_at_the_same_time(cli_runner, db, tmp_path):
    assert intake(cli_runner, db, "Marc", "marc-intake-1.json").exit_code == 0
    exported = tmp_path / "marc.json"
    assert run(cli_runner, "export", "Marc", "-o", exported, "--db", db).exit_code == 0
    data = json.loads(exported.read_text())
    data["assessments"][0]["answers"]["heel_strike"] = "no"
    data["assessments"][0]["kb_version"] = None  # an older record: not re-checked
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data))
    result = run(cli_runner, "import", changed, "--db", db)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "differs from the one stored for Marc at that time (heel_strike: yes → no;" in said
    assert "kb_version: " in said  # the record names another knowledge base too
    # the same file, unchanged, imports as already there
    again = run(cli_runner, "import", exported, "--db", db)
    assert again.exit_code == 0 and "0 assessments imported, 1 already there" in again.output
    # a stored diagnosis that does not follow from its answers under today's knowledge
    data["assessments"][0]["kb_version"] = json.loads(exported.read_text())["assessments"][0][
        "kb_version"
    ]
    data["assessments"][0]["taken_at"] = "2026-01-01T00:00:00+00:00"
    changed.write_text(json.dumps(data))
    result = run(cli_runner, "import", changed, "--db", db)
    assert result.exit_code == 1 and "does not follow from its own answers" in result.output


def test_import_says_when_an_assessment_predates_the_last_on_record(cli_runner, db, tmp_path):
    """Numbered after the last, as documented, but the coach is told it is older."""
    assert intake(cli_runner, db, "Marc", "marc-intake-1.json").exit_code == 0
    exported = tmp_path / "marc.json"
    assert run(cli_runner, "export", "Marc", "-o", exported, "--db", db).exit_code == 0
    data = json.loads(exported.read_text())
    data["assessments"][0]["taken_at"] = "2020-01-01T00:00:00+00:00"
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data))
    result = run(cli_runner, "import", older, "--db", db)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "1 assessment imported" in said
    assert "Note: 1 imported assessment (2020-01-01) predates the last one already" in said
    again = run(cli_runner, "import", exported, "--db", str(tmp_path / "new.db"))
    assert "predate" not in again.output  # nothing on record there before


def test_an_assessment_whose_answers_disagree_is_kept_exported_and_imported(
    cli_runner, db, tmp_path
):
    answers = EXAMPLES.parent / "cases" / "knee-in-despite-steady-squat.json"
    result = run(cli_runner, "intake", "Ines", "--answers", answers, "--no-input", "--db", db)
    assert result.exit_code == 0, result.output
    exported = tmp_path / "ines.json"
    assert run(cli_runner, "export", "Ines", "-o", exported, "--db", db).exit_code == 0
    kept = json.loads(exported.read_text())["assessments"][0]["diagnosis"]["disagreements"]
    assert [d["id"] for d in kept] == ["unstable_stance"]
    assert kept[0]["for"] and kept[0]["against"]
    again = run(cli_runner, "import", exported, "--db", str(tmp_path / "other.db"))
    assert again.exit_code == 0, again.output
    # work waiting for a readiness is kept too, and travels
    near = EXAMPLES.parent / "cases" / "masters-61-hops-untested.json"
    result = run(cli_runner, "intake", "Gérard", "--answers", near, "--no-input", "--db", db)
    assert result.exit_code == 0, result.output
    gerard = tmp_path / "gerard.json"
    assert run(cli_runner, "export", "Gérard", "-o", gerard, "--db", db).exit_code == 0
    gates = json.loads(gerard.read_text())["assessments"][0]["diagnosis"]["waiting_for_readiness"]
    assert gates and gates[0]["readiness"] == "ready_for_plyometrics"
    other = str(tmp_path / "other.db")
    assert run(cli_runner, "import", gerard, "--db", other).exit_code == 0
    back = tmp_path / "back.json"
    assert run(cli_runner, "export", "Gérard", "-o", back, "--db", other).exit_code == 0
    kept = json.loads(back.read_text())["assessments"][0]["diagnosis"]["waiting_for_readiness"]
    assert kept == gates
    # an older record, made before disagreements were said, still imports
    data = json.loads(exported.read_text())
    del data["assessments"][0]["diagnosis"]["disagreements"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data))
    result = run(cli_runner, "import", older, "--db", str(tmp_path / "third.db"))
    assert result.exit_code == 0, result.output


def test_a_progress_report_of_one_assessment_gives_no_status(cli_runner, db):
    """Nothing to compare with yet: no finding is called persisting, resolved or new."""
    intake(cli_runner, db, "Marc", "marc-intake-1.json")
    data = json.loads(run(cli_runner, "progress", "Marc", "--db", db, "--format", "json").output)
    assert data["findings"] and all(f["status"] == "" for f in data["findings"])
    text = run(cli_runner, "progress", "Marc", "--db", db).output
    assert "persisting" not in text and "Resolved" not in text


def test_a_progress_report_across_all_assessments(cli_runner, db, tmp_path):
    third = json.loads((EXAMPLES / "marc-intake-2.json").read_text())
    third["answers"].update(cadence_spm=172, plank_hold_s=80, calf_raise_reps=30)
    later = tmp_path / "third.json"
    later.write_text(json.dumps(third))
    for example in (EXAMPLES / "marc-intake-1.json", EXAMPLES / "marc-intake-2.json", later):
        result = run(cli_runner, "intake", "Marc", "--answers", example, "--no-input", "--db", db)
        assert result.exit_code == 0, result.output

    data = json.loads(run(cli_runner, "progress", "Marc", "--db", db, "--format", "json").output)
    assert [a["number"] for a in data["assessments"]] == [1, 2, 3]
    cadence = next(m for m in data["measurements"] if m["id"] == "cadence_spm")
    assert cadence["values"] == [162, 168, 172] and cadence["unit"] == "spm"
    findings = {f["id"]: f for f in data["findings"]}
    assert findings["heel_strike"]["values"] == [0.8, None, None]
    assert findings["heel_strike"]["status"] == "resolved"
    assert findings["seated_running"]["status"] == "persisting"

    text = run(cli_runner, "progress", "Marc", "--db", db).output
    assert "Measurements and tests" in text and "Resolved: Heel strike" in " ".join(text.split())
    assert all(len(line) <= 80 for line in text.splitlines()), text

    page = tmp_path / "marc.html"
    assert run(cli_runner, "progress", "Marc", "--db", db, "-o", page).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == len(data["findings"]) + len(data["measurements"])
    assert "<polyline" in html and "<img" not in html  # vector charts, not pictures

    pdf = tmp_path / "marc.pdf"
    assert run(cli_runner, "progress", "Marc", "--db", db, "-o", pdf).exit_code == 0
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    words = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Progress of Marc" in words and "Cadence (spm)" in words and "172" in words
    first = reader.pages[0]
    assert not first.images  # the charts are drawn, not embedded pictures
    assert b" l\n" in first.get_contents().get_data() or b" l " in first.get_contents().get_data()

    markdown = run(cli_runner, "progress", "Marc", "--db", db, "--format", "markdown").output
    assert "| Cadence | spm | 162 | 168 | 172 |" in markdown

    nobody = run(cli_runner, "progress", "Nobody", "--db", db)
    assert nobody.exit_code == 1 and "no client named" in nobody.output
    assert run(cli_runner, "progress", "Marc", "--db", db, "-o", tmp_path / "x.ics").exit_code == 2


def test_a_finding_re_tested_in_full_is_resolved_and_progress_agrees(cli_runner, db):
    """Marc's second intake answers again everything the first rested on: his weak side
    of the hip (side plank and single-leg squat, both tested again) is resolved, in
    compare and in the progress report alike."""
    for example in ("marc-intake-1.json", "marc-intake-2.json"):
        assert intake(cli_runner, db, "Marc", example).exit_code == 0
    data = json.loads(run(cli_runner, "compare", "Marc", "--db", db, "--format", "json").output)
    causes = {c["id"]: c["status"] for c in data["causes"]}
    assert causes["weak_lateral_hip"] == "resolved"
    report = json.loads(run(cli_runner, "progress", "Marc", "--db", db, "--format", "json").output)
    hip = next(f for f in report["findings"] if f["id"] == "weak_lateral_hip")
    assert hip["status"] == "resolved" and hip["checked"] == [True, True]


@pytest.mark.parametrize(
    "edited",
    ['{"defects": [{"name": "no id"}]}', '{"defects": "heel strike"}', "[1, 2]"],
)
def test_a_diagnosis_edited_inside_the_database_is_said_not_a_traceback(cli_runner, db, edited):
    import sqlite3

    assert intake(cli_runner, db, "Marc Dupont", "marc-intake-1.json").exit_code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE assessments SET diagnosis = ?", (edited,))
    for command in (["history"], ["progress"], ["compare", "--from", "1", "--to", "1"]):
        result = run(cli_runner, *command, "Marc Dupont", "--db", db)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert "Marc Dupont's assessment 1 is damaged: not as runform writes it" in result.output
    listed = run(cli_runner, "clients", "--db", db)
    assert listed.exit_code == 1 and "Traceback" not in listed.output
    assert "Marc Dupont's last assessment is damaged" in listed.output
