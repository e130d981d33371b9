"""`runform program` through the CLI: formats from -o, the client store, usage errors, and
`write_program` for the interview."""

import io
import json
import os
import sys
from pathlib import Path

import pytest

from diagnose.cli import cli
from diagnose.errors import RunformError
from diagnose.program.printout import write_program

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ANSWERS = {
    "sedentary_job": "yes",
    "tight_hip_flexors": "yes",
    "short_stride": "yes",
    "heel_strike": "yes",
    "no_pace_changes": "yes",
    "cadence_spm": 160,
}
RUNNER = {
    "name": "Léa Müller",
    "sessions_per_week": 3,
    "minutes_per_session": 60,
    "goal_distance_km": 42.195,
}


def run(cli_runner, *args):
    return cli_runner.invoke(cli, ["program", *map(str, args)])


@pytest.fixture
def answers(write_answers):
    return write_answers(ANSWERS, runner=RUNNER)


def pdf_words(path_or_bytes) -> str:
    from pypdf import PdfReader

    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    reader = PdfReader(source)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_text_by_default(cli_runner, answers):
    result = run(cli_runner, answers)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Running program for Léa Müller")
    assert "Session 1: Technique run" in out and "Session 3: Long easy run" in out
    assert "18 min" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def add_ons(kb) -> set[str]:
    """Exercises a rule prescribes because another exercise is prescribed."""
    from diagnose.logic import tests

    return {
        rule.then.ident
        for rule in kb.rules
        if any(getattr(t, "namespace", None) == "prescription" for t in tests(rule.when))
    }


def test_json_contract(cli_runner, answers, kb):
    result = run(cli_runner, answers, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["budget_minutes"] == 18 and 0 < data["total_minutes"] <= 18
    assert [s["day"] for s in data["sessions"]] == ["Session 1", "Session 2", "Session 3"]
    items = [i for s in data["sessions"] for i in s["items"]]
    assert items
    for item in items:
        rx = kb.prescriptions[item["exercise"]]
        assert item["name"] == rx.name and item["category"] == rx.category
        assert item["dose"] and item["minutes"] == rx.minutes
        assert item["cues"] == rx.cues and item["pitfalls"] == rx.pitfalls
        # what it treats, or, for a companion of another exercise, why it follows it
        assert item["treats"] or item["exercise"] in add_ons(kb), item
    # a short stride, its length not measured and no height: no made-up metres
    assert data["worth"]["step_length_source"] == "unknown"
    assert data["worth"]["step_length_m"] is None and data["worth"]["stride_gain_m"] == 0
    assert data["worth"]["target_cadence_spm"] == 168  # 160 + 5 %
    assert data["red_flags"] == [] and data["runner"]["name"] == "Léa Müller"


def test_pdf_from_the_extension(cli_runner, answers, tmp_path):
    out = tmp_path / "program.pdf"
    result = run(cli_runner, answers, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote the program for Léa Müller to {out} (pdf)." in result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    text = pdf_words(out)
    data = json.loads(run(cli_runner, answers, "--format", "json").stdout)
    assert "Léa Müller" in text
    for session in data["sessions"]:
        for item in session["items"]:
            for field in ("name", "dose", "why"):
                assert " ".join(item[field].split()) in text, item[field]


@pytest.mark.parametrize(
    "name,starts",
    [
        ("p.html", "<!DOCTYPE html>"),
        ("p.htm", "<!DOCTYPE html>"),
        ("p.md", "# Running program for Léa Müller"),
        ("p.markdown", "# Running program for Léa Müller"),
        ("p.json", "{"),
        ("p.txt", "Running program for Léa Müller"),
    ],
)
def test_format_from_the_extension(cli_runner, answers, tmp_path, name, starts):
    out = tmp_path / name
    result = run(cli_runner, answers, "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith(starts)
    assert "Low skipping" in text or "Kneeling hip-flexor stretch" in text


def test_format_option_wins_over_the_extension(cli_runner, answers, tmp_path):
    out = tmp_path / "program.txt"
    result = run(cli_runner, answers, "-o", out, "--format", "html")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_html_and_markdown_print_a_hostile_name_as_text(cli_runner, write_answers, tmp_path):
    path = write_answers(ANSWERS, runner={**RUNNER, "name": "<script>alert(1)</script>"})
    for name in ("p.html", "p.md"):
        out = tmp_path / name
        assert run(cli_runner, path, "-o", out).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert "<script>" not in text and "alert(1)" in text


def test_unknown_extension_is_a_usage_error(cli_runner, answers, tmp_path):
    result = run(cli_runner, answers, "-o", tmp_path / "program.docx")
    assert result.exit_code == 2
    assert "cannot tell the format from .docx" in result.stderr
    assert not (tmp_path / "program.docx").exists()


def test_pdf_to_standard_output_goes_to_a_file_or_pipe(cli_runner, answers):
    result = run(cli_runner, answers, "--format", "pdf")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF")


def test_pdf_can_be_piped(cli_runner, answers):
    result = run(cli_runner, answers, "--format", "pdf", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"%PDF-")
    assert "Léa Müller" in pdf_words(result.stdout_bytes)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("to_stdout", [[], ["-o", "-"]])
def test_pdf_is_refused_on_a_real_terminal(answers, tmp_path, to_stdout):
    pexpect = pytest.importorskip("pexpect")
    runform = Path(sys.executable).parent / "runform"
    command = [str(runform)] if runform.exists() else [sys.executable, "-m", "diagnose"]
    child = pexpect.spawn(
        command[0],
        [*command[1:], "program", str(answers), "--format", "pdf", *to_stdout],
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)},
        encoding="utf-8",
        timeout=60,
    )
    child.expect("a PDF is not for the terminal")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "%PDF" not in (child.before or "")


@pytest.mark.parametrize(
    "args,message",
    [
        ([], "give an ANSWERS_FILE or --client NAME"),
        (["x.json", "--client", "Léa"], "give an ANSWERS_FILE or --client NAME"),
        (["x.json", "--assessment", "2"], "--assessment goes with --client"),
    ],
)
def test_usage_errors(cli_runner, args, message):
    result = run(cli_runner, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_bad_answers_file_is_one_clear_error(cli_runner, write_answers, tmp_path):
    missing = run(cli_runner, tmp_path / "nope.json")
    assert missing.exit_code == 1
    assert f"Error: {tmp_path / 'nope.json'}: no such file" in missing.stderr
    bad = run(cli_runner, write_answers({"cadense_spm": 150}))
    assert bad.exit_code == 1
    assert "answers.cadense_spm: unknown observation (did you mean 'cadence_spm'?)" in bad.stderr
    assert "Traceback" not in bad.output


def test_unwritable_output_is_reported(cli_runner, answers, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run(cli_runner, answers, "-o", blocker / "program.pdf")
    assert result.exit_code == 1
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.output


def test_red_flag_program_opens_with_the_clinician(cli_runner, write_answers, tmp_path):
    path = write_answers({**ANSWERS, "swelling": "yes"}, runner=RUNNER)
    data = json.loads(run(cli_runner, path, "--format", "json").stdout)
    assert data["clinician_first"] and data["red_flags"]
    assert data["headline"].startswith("See a clinician before starting")
    out = tmp_path / "flag.pdf"
    assert run(cli_runner, path, "-o", out).exit_code == 0
    assert pdf_words(out).index("See a clinician") < pdf_words(out).index("Your week")


# ---------------------------------------------------------------- from the client store


@pytest.fixture
def db(cli_runner, tmp_path, write_answers):
    db = tmp_path / "clients.db"
    first = write_answers(ANSWERS, "a1.json")
    second = write_answers({"heel_strike": "no", "short_stride": "yes"}, "a2.json")
    for path in (first, second):
        result = cli_runner.invoke(
            cli, ["intake", "Léa Müller", "--answers", str(path), "--no-input", "--db", str(db)]
        )
        assert result.exit_code == 0, result.output
    return db


def test_client_latest_and_numbered_assessment(cli_runner, db):
    latest = json.loads(
        run(cli_runner, "--client", "lea muller", "--db", db, "-o", "-", "--format", "json").stdout
    )
    assert latest["source"].startswith("Léa Müller, assessment 2 (")
    assert latest["runner"]["name"] == "Léa Müller"
    first = json.loads(
        run(
            cli_runner, "--client", "Léa Müller", "--assessment", 1, "--db", db, "--format", "json"
        ).stdout
    )
    assert first["source"].startswith("Léa Müller, assessment 1 (")
    first_faults = {t for s in first["sessions"] for i in s["items"] for t in i["treats"]}
    latest_faults = {t for s in latest["sessions"] for i in s["items"] for t in i["treats"]}
    assert "heel_strike" in first_faults and "heel_strike" not in latest_faults


def test_client_errors(cli_runner, db):
    unknown = run(cli_runner, "--client", "Lea Mull", "--db", db)
    assert unknown.exit_code == 1
    assert "no client named 'Lea Mull'; did you mean 'Léa Müller'?" in unknown.stderr
    missing = run(cli_runner, "--client", "Léa Müller", "--assessment", 9, "--db", db)
    assert missing.exit_code == 1
    assert "has no assessment 9 (there are: 1, 2)" in missing.stderr


def test_example_file_to_pdf(cli_runner, tmp_path):
    example = EXAMPLES / "lea.json"
    if not example.exists():
        pytest.skip("examples/lea.json is not there")
    out = tmp_path / "program.pdf"
    result = run(cli_runner, example, "-o", out)
    assert result.exit_code == 0, result.output
    name = json.loads(example.read_text(encoding="utf-8"))["runner"]["name"]
    assert name in pdf_words(out)


# ---------------------------------------------------------------- the library call


def test_write_program_for_the_interview(kb, engine, tmp_path):
    diagnosis = engine.run({"heel_strike": "yes", "short_stride": "yes"}, RUNNER)
    program = write_program(diagnosis, None, tmp_path / "out" / "lea.pdf", kb=kb)
    assert program.runner_name == "Léa Müller" and program.items()
    text = pdf_words(tmp_path / "out" / "lea.pdf")
    assert program.items()[0].name in text
    other = write_program(
        diagnosis, {**RUNNER, "sessions_per_week": 6}, tmp_path / "lea.txt", "markdown", kb=kb
    )
    assert len(other.sessions) == 6
    assert (tmp_path / "lea.txt").read_text(encoding="utf-8").startswith("# Running program")
    with pytest.raises(RunformError, match="cannot tell the format from .doc"):
        write_program(diagnosis, None, tmp_path / "lea.doc", kb=kb)
    assert not (tmp_path / "lea.doc").exists()


def test_a_calendar_of_the_week(cli_runner, answers, tmp_path):
    """`-o week.ics`: one all-day event per session, weekly for the program's weeks, with
    the exercises, doses and cues in the description; it parses back, its recurrence
    expands (dateutil, independently of the writer) and it follows RFC 5545's shape."""
    import datetime as dt

    from dateutil.rrule import rrulestr
    from icalendar import Calendar

    out = tmp_path / "week.ics"
    result = run(cli_runner, answers, "-o", out, "--start", "2026-12-07")
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded lines
    data = json.loads(run(cli_runner, answers, "--format", "json", "--start", "2026-12-07").stdout)
    calendar = Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert len(events) == len(data["sessions"]) and data["weeks"] == 8
    days = []
    for event, session in zip(events, data["sessions"], strict=True):
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(event)
        start = event.decoded("DTSTART")
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)  # all day
        rule = rrulestr(
            event["RRULE"].to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time())
        )
        assert len(list(rule)) == 8
        days.append(start)
        text = str(event["DESCRIPTION"])
        for item in session["items"]:
            assert item["name"] in text and item["dose"] in text
            assert all(cue in text for cue in item["cues"])
        assert session["name"] in str(event["SUMMARY"])
    assert days[0] == dt.date(2026, 12, 7) and days == sorted(days)
    assert len({e["UID"] for e in events}) == len(events)
    # the same program again gives the same ids: a re-import replaces, not doubles
    again = tmp_path / "again.ics"
    run(cli_runner, answers, "-o", again, "--start", "2026-12-07")
    assert [e["UID"] for e in Calendar.from_ical(again.read_bytes()).walk("VEVENT")] == [
        e["UID"] for e in events
    ]


def test_a_calendar_of_nothing_is_refused_clearly(cli_runner, write_answers, tmp_path):
    nothing = write_answers({"heel_strike": "no"}, name="calm.json")
    result = run(cli_runner, nothing, "-o", tmp_path / "week.ics")
    assert result.exit_code == 1
    assert "nothing to put in a calendar" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "week.ics").exists()
    bad = run(cli_runner, nothing, "-o", tmp_path / "w.ics", "--start", "next week")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_the_calendar_carries_the_health_warnings(kb, engine):
    from diagnose.program import build_program
    from diagnose.render.program_ics import render_program as render_ics

    open_screen = engine.run({"heel_strike": "yes", "pain_sharp": "no"}, {"sessions_per_week": 3})
    text = " ".join(render_ics(build_program(open_screen, kb)).replace("\r\n ", "").split())
    assert "Health questions unanswered" in text and "gentle work only" in text
    flagged = engine.run(
        {"thomas_thigh_drifts_out": "yes", "swelling": "yes"}, {"sessions_per_week": 3}
    )
    text = " ".join(render_ics(build_program(flagged, kb)).replace("\r\n ", "").split())
    assert "SEE A CLINICIAN FIRST: Swelling" in text
