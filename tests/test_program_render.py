"""One program model, five printouts: each lays out the same content, none decides it.

The PDF is read back with pypdf; HTML and Markdown must print any name as text."""

import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from markupsafe import escape as html_escape

from diagnose.answers import parse_answers
from diagnose.program import build_program
from diagnose.program.printout import render_program
from diagnose.render.markdown import escape as md_escape

ANSWERS = {
    "sedentary_job": "yes",
    "tight_hip_flexors": "yes",
    "seated_posture": "yes",
    "short_stride": "yes",
    "heel_strike": "yes",
    "no_pace_changes": "yes",
    "tension": 3,
    "cadence_spm": 158,
}
RUNNER = {"sessions_per_week": 4, "minutes_per_session": 60, "goal_distance_km": 21.1}
SCRIPT = "<script>alert(1)</script>"
A4 = (595.28, 841.89)  # points


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def make(kb, engine):
    def make(name="Léa Müller ≤ 3", answers=ANSWERS, **runner):
        data = {"runner": {"name": name, **RUNNER, **runner}, "answers": answers}
        parsed = parse_answers(data, kb, "answers.json")
        diagnosis = engine.run(parsed.values, parsed.runner, source="answers.json")
        return build_program(diagnosis, kb, today=dt.date(2026, 3, 2))

    return make


@pytest.fixture(scope="module")
def program(make):
    return make()


def pdf_text(data: bytes) -> tuple[list[str], list]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages], reader.pages


# ---------------------------------------------------------------- text


def test_text_fits_80_columns_and_shows_every_item(program):
    out = render_program(program, "text")
    assert all(len(line) <= 80 for line in out.splitlines())
    assert out.startswith("Running program for Léa Müller ≤ 3\n")
    flat = words(out)
    for session in program.sessions:
        assert session.title in out
    for item in program.exercises():
        assert words(f"{item.name} ({item.category}, {item.dose})") in flat
        for cue in item.cues:
            assert words(cue) in flat
    assert "Week at a glance" in out and "Causes by certainty" in out
    assert f"{program.budget_minutes:g} min" in flat


def test_text_keeps_control_characters_out_of_the_terminal(make):
    out = render_program(make(name="Eve\x1b[31m red"), "text")
    assert "\x1b" not in out and "Eve?[31m red" in out


# ---------------------------------------------------------------- Markdown


def test_markdown_tables_and_escaping(make):
    program = make(name=SCRIPT)
    out = render_program(program, "markdown")
    assert "<script>" not in out and "</script>" not in out
    assert out.startswith("# Running program for \\<script\\>alert(1)\\</script\\>\n")
    for session in program.sessions:
        assert f"## {md_escape(session.title)}" in out
        for item in session.items:
            minutes = f"{item.minutes:g}"
            row = f"| {item.part_label} | {md_escape(item.name)} | {md_escape(item.dose)} | "
            assert row + f"{minutes} | {md_escape(item.why)} |" in out
    assert "| Session | Mobility | Activation | Technique | Strength | Total |" in out


def test_markdown_escapes_knowledge_text_too(program):
    out = render_program(program, "markdown")
    seated = next(i for i in program.items() if '"' in i.why or "(" in i.name or "," in i.why)
    assert md_escape(seated.why) in out


def test_markdown_lists_each_finding_on_its_own_line(program):
    """Each defect and cause a list item of its own, the measurements a paragraph after."""
    out = render_program(program, "markdown")
    lines = out.splitlines()
    for note in (*program.defects, *program.causes):
        kind = "Defect" if note in program.defects else "Cause"
        assert any(line.startswith(f"- {kind}: **{md_escape(note.name)}**") for line in lines)
    assert out.count("- Defect:") == sum(line.startswith("- Defect:") for line in lines)
    measured = lines.index(next(line for line in lines if line.startswith("Measured and tested")))
    assert lines[measured - 1] == ""


def test_every_printout_says_where_the_answers_disagree(make):
    """A hip seen dropping against a steady single-leg squat: the program names it in
    every format."""
    program = make(answers={**ANSWERS, "pelvis_drops": "yes", "single_leg_squat_wobble": 0})
    assert [n.id for n in program.disagree] == ["unstable_stance"]  # one pair of answers, once
    said = "The answers disagree on: Unstable support leg"
    for fmt in ("text", "markdown", "html"):
        assert said in words(render_program(program, fmt)), fmt
    pages, _ = pdf_text(render_program(program, "pdf"))
    assert said in words(" ".join(pages))
    assert json.loads(render_program(program, "json"))["disagree"][0]["id"] == "unstable_stance"
    # with a red flag, nothing is to be tested again before a clinician has seen it
    flagged = make(
        answers={
            **ANSWERS,
            "pelvis_drops": "yes",
            "single_leg_squat_wobble": 0,
            "pain_sharp": "yes",
        }
    )
    assert flagged.disagree == [] and "disagree" not in words(render_program(flagged, "text"))


# ---------------------------------------------------------------- HTML


def test_html_is_one_self_contained_printable_page(program):
    out = render_program(program, "html")
    assert out.lstrip().startswith("<!DOCTYPE html>")
    assert "<link" not in out and " src=" not in out and "http" not in out
    assert "@page { size: A4" in out
    assert ".session { break-inside: avoid" in out  # a session never splits across pages
    for session in program.sessions:
        for item in session.items:
            for text in (item.name, item.dose, item.why):
                assert str(html_escape(text)) in out
    assert out.count('<section class="session">') == len(program.sessions)


def test_html_prints_a_hostile_name_as_text(make):
    out = render_program(make(name=SCRIPT), "html")
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_html_pictures_week_grid_and_causes_chart(program):
    out = render_program(program, "html")
    grid = out[out.index('<table class="glance">') : out.index("</table>", out.index("glance"))]
    rows = grid.split("<tbody>")[1].split("<tr>")[1:]
    assert len(rows) == len(program.sessions)
    for row, (session, kinds) in zip(rows, program.glance(), strict=True):
        assert f"{session.number}. {session.name}" in row
        shaded = [cell for cell in row.split("<td")[2:-1] if "background" in cell]
        assert len(shaded) == sum(1 for minutes in kinds.values() if minutes)
    chart = out[out.index('<table class="chart">') :]
    for cause in program.causes:
        assert str(html_escape(cause.name)) in chart
        assert f'style="width: {round(cause.certainty * 100, 1)}%"' in chart
        assert f"{cause.certainty:.2f}" in chart


# ---------------------------------------------------------------- PDF


def test_pdf_is_a4_and_reads_back(program):
    data = render_program(program, "pdf")
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")
    pages, raw = pdf_text(data)
    assert len(pages) >= 2
    for page in raw:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, 0.1)
    for text in pages:  # the header on every page
        assert "Léa Müller ≤ 3" in text and "Prepared 2026-03-02" in text
    flat = words(" ".join(pages))
    assert "Running program for Léa Müller ≤ 3" in flat
    for session in program.sessions:
        assert session.name in flat
        for item in session.items:
            for text in (item.name, item.dose, item.why):
                assert words(text) in flat, text
    assert "See a clinician" not in flat
    assert "Week at a glance" in flat and "Causes by certainty" in flat
    for cause in program.causes:
        assert cause.name in flat and f"{cause.certainty:.2f}" in flat
    assert "not a medical diagnosis" in flat


def test_pdf_red_flag_opens_with_the_clinician(make):
    program = make(answers={**ANSWERS, "pain_sharp": "yes"})
    pages, _ = pdf_text(render_program(program, "pdf"))
    first = words(pages[0])
    assert first.index("See a clinician before starting") < first.index("Your week")
    assert program.red_flags[0].name in first


def test_pdf_prints_a_hostile_name_as_text_and_is_reproducible(make):
    program = make(name=SCRIPT)
    data = render_program(program, "pdf")
    pages, _ = pdf_text(data)
    assert SCRIPT in pages[0]
    assert render_program(program, "pdf") == data


# ---------------------------------------------------------------- JSON and the one model


def test_json_is_the_model(program):
    data = json.loads(render_program(program, "json"))
    assert data == json.loads(json.dumps(program.to_dict()))
    assert {"budget_minutes", "total_minutes", "sessions", "worth", "red_flags"} <= set(data)
    assert data["budget_minutes"] == 24 and data["total_minutes"] <= 24
    for session in data["sessions"]:
        assert {"day", "name", "items"} <= set(session)


def test_every_format_shows_the_same_exercises(program):
    names = {item.name for item in program.items()}
    assert names
    text = words(render_program(program, "text"))
    markdown = render_program(program, "markdown")
    html = render_program(program, "html")
    pdf = words(" ".join(pdf_text(render_program(program, "pdf"))[0]))
    data = json.loads(render_program(program, "json"))
    assert {i["name"] for s in data["sessions"] for i in s["items"]} == names
    for name in names:
        assert words(name) in text and words(name) in pdf
        assert md_escape(name) in markdown and str(html_escape(name)) in html


def test_help_does_not_load_the_printout_libraries():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from diagnose.cli import cli\n"
        "assert CliRunner().invoke(cli, ['--help']).exit_code == 0\n"
        "assert CliRunner().invoke(cli, ['program', '--help']).exit_code == 0\n"
        "print(sorted(m for m in ('jinja2', 'fpdf', 'pypdf') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "case", ["lea", "marc-intake-1", "sam-sore-shin", "restricted-ankle", "weak-hips"]
)
def test_every_kept_prescription_is_in_the_pdf(kb, engine, case):
    """Nothing the diagnosis keeps vanishes from the PDF either (the other formats are
    checked over random answers in test_program)."""
    from pathlib import Path

    from pypdf import PdfReader

    from diagnose.answers import read_answers

    root = Path(__file__).resolve().parent.parent
    path = next(
        p
        for p in (root / "examples" / f"{case}.json", root / "cases" / f"{case}.json")
        if p.exists()
    )
    given = read_answers(path, kb)
    diagnosis = engine.run(given.values, given.runner, given.questionnaire)
    reader = PdfReader(io.BytesIO(render_program(build_program(diagnosis, kb), "pdf")))
    words = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    words = words.replace("- ", "")  # words hyphenated across lines
    for finding in [*diagnosis.prescriptions, *diagnosis.held_back]:
        if kb.prescriptions[finding.id].category == "advice":
            continue
        assert finding.name in words, (case, finding.name)


def test_a_measurement_whose_name_holds_a_colon_keeps_its_value(kb, engine):
    answers = parse_answers({"answers": {**ANSWERS, "thomas_knee_bend_deg": 70}}, kb, "t")
    diagnosis = engine.run(answers.values, RUNNER)
    program = build_program(diagnosis, kb, today=dt.date(2026, 11, 26))
    shown = {note.name: note.text for note in program.measured}
    assert shown["Thomas test: knee bend"] == "70 degrees"
