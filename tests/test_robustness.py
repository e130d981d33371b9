"""Bad input of every shape: a clear error or a valid diagnosis, never a traceback."""

import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnose.cli import cli

EXAMPLE = (Path(__file__).resolve().parent.parent / "examples" / "marc-intake-1.json").read_bytes()
LOCATED = re.compile(r"^(Error: )?\S+?:(\d+:)? ")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
observation_ids = st.sampled_from(
    ["heel_strike", "cadence_spm", "tension", "plank_hold_s", "pain_sharp", "cadense", "x"]
)
answers_files = st.fixed_dictionaries(
    {"answers": st.dictionaries(observation_ids, json_values, max_size=5)},
    optional={
        "runner": st.dictionaries(
            st.sampled_from(["name", "sessions_per_week", "minutes_per_session", "nme"]),
            json_values,
            max_size=3,
        ),
        "questionnaire": json_values,
    },
)


def check_clean(result):
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert errors, result.output


def run_files(paths, *options):
    return CliRunner().invoke(cli, ["diagnose", *map(str, paths), *options])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=answers_files)
def test_random_answer_files(tmp_path, data):
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run_files([path], "--format", "json")
    check_clean(result)
    if result.exit_code == 0:
        assert {"defects", "causes", "prescriptions"} <= set(json.loads(result.stdout))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.integers(0, len(EXAMPLE)),
    noise=st.binary(max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]),
)
def test_truncated_noisy_and_re_encoded_files(tmp_path, cut, noise, encoding):
    text = EXAMPLE.decode("utf-8").replace("Marc", "Marc Müller")
    raw = text.encode(encoding)[:cut] + noise
    good = tmp_path / "good.json"
    good.write_bytes(EXAMPLE)
    bad = tmp_path / "fuzz.json"
    bad.write_bytes(raw)
    result = run_files([good, bad], "--format", "jsonl")
    check_clean(result)
    lines = result.stdout.splitlines()
    assert json.loads(lines[0])["source"] == str(good)  # the good file is always diagnosed


def mutate(text: str, rnd: random.Random) -> str:
    lines = text.splitlines()
    index = rnd.randrange(len(lines))
    kind = rnd.choice(["drop", "dup", "indent", "id", "type", "chars"])
    if kind == "drop":
        del lines[index]
    elif kind == "dup":
        lines.insert(index, lines[index])
    elif kind == "indent":
        lines[index] = " " + lines[index]
    elif kind == "id":
        lines[index] = re.sub(
            r"\b([a-z]+_[a-z_]+)\b", lambda m: m.group(1)[::-1], lines[index], count=1
        )
    elif kind == "type":
        lines[index] = re.sub(r": .+$", ": [1, {a: 2}]", lines[index], count=1)
    else:
        line = lines[index]
        at = rnd.randrange(len(line) + 1)
        lines[index] = line[:at] + rnd.choice([":", "{", "'", "- ", "\t", "#"]) + line[at:]
    return "\n".join(lines) + "\n"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10**9))
def test_mutated_knowledge_files(kb_copy, seed):
    rnd = random.Random(seed)
    files = sorted((kb_copy / "rules").glob("*.yaml"))
    target = rnd.choice(files)
    original = target.read_text(encoding="utf-8")
    try:
        target.write_text(mutate(original, rnd), encoding="utf-8")
        result = CliRunner().invoke(cli, ["kb", "check", "--kb", str(kb_copy)])
        check_clean(result)
        if result.exit_code == 1:
            findings = [
                line for line in result.output.splitlines() if not line.startswith("Error:")
            ]
            for line in findings:
                assert re.match(r"^(rules|questionnaires)/[\w-]+\.yaml(:\d+)?: ", line), line
    finally:
        target.write_text(original, encoding="utf-8")


def test_same_answers_give_the_same_bytes_whatever_the_order(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.json").write_bytes(EXAMPLE)
    forward = run_files(
        [folder / "a.json", folder / "b.json", folder / "c.json"], "--format", "jsonl"
    )
    backward = run_files(
        [folder / "c.json", folder / "b.json", folder / "a.json"], "--format", "jsonl"
    )
    by_source = lambda out: {json.loads(line)["source"]: line for line in out.splitlines()}  # noqa: E731
    assert by_source(forward.stdout) == by_source(backward.stdout)
    for fmt in ("json", "markdown", "text"):
        first = run_files([folder / "a.json"], "--format", fmt, "--explain").stdout
        assert run_files([folder / "a.json"], "--format", fmt, "--explain").stdout == first


def test_control_characters_in_names_are_neutralised(tmp_path):
    data = json.loads(EXAMPLE)
    data["runner"]["name"] = "Evil\x1b[2J\x07 <b>*bold*</b> | pipe"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    text = run_files([path]).stdout
    assert "\x1b" not in text and "\x07" not in text
    markdown = run_files([path], "--format", "markdown").stdout
    assert "\x1b" not in markdown and "<b>" not in markdown and "\\*bold\\*" in markdown


def test_printouts_take_any_name_as_text(tmp_path, caplog):
    from pypdf import PdfReader

    data = json.loads(EXAMPLE)
    data["runner"]["name"] = "Evil\x1b[2J\x07 <b>*x*</b> ≤ Müller 🏃"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for suffix in ("pdf", "html", "md", "txt"):
        out = tmp_path / f"p.{suffix}"
        result = CliRunner().invoke(cli, ["program", str(path), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]
    text = PdfReader(tmp_path / "p.pdf").pages[0].extract_text()
    assert "Evil?[2J? <b>*x*</b> ≤ Müller ?" in text
    assert "\x1b" not in (tmp_path / "p.txt").read_text(encoding="utf-8")
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<b>*x*</b>" not in html and "&lt;b&gt;*x*&lt;/b&gt;" in html


LONG_DIGITS = "9" * 400
ESCAPES = ["\x1b]0;title\x07", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x9b31m", "\u202e"]


def long_number_file(tmp_path):
    path = tmp_path / "long.json"
    path.write_text(
        '{"questionnaire": "self-check", "answers": {"cadence_spm": %s, "tension": %s}}'
        % (LONG_DIGITS, LONG_DIGITS)
    )
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["diagnose"],
        ["program"],
        ["interview", "--answers"],
        ["intake", "Bob", "--no-input", "--answers"],
    ],
)
def test_a_400_digit_number_is_an_answer_out_of_range(tmp_path, command):
    path = long_number_file(tmp_path)
    database = ["--db", str(tmp_path / "r.db")] if command[0] == "intake" else []
    result = CliRunner().invoke(cli, [*command, str(path), *database], input="")
    check_clean(result)
    assert result.exit_code == 1
    assert "answers.cadence_spm: 999999999999999999" in result.stderr
    assert "… is not accepted: expected a number from 100 to 240 spm" in result.stderr
    assert LONG_DIGITS not in result.stderr


def test_one_file_that_breaks_runform_does_not_stop_the_batch(tmp_path, monkeypatch):
    from diagnose import batch

    folder = tmp_path / "batch"
    folder.mkdir()
    for index in range(20):
        (folder / f"{index:02}.json").write_bytes(EXAMPLE)
    real = batch.read_answers

    def breaks_on_the_fifth(path, kb, shown):
        if path.name == "04.json":
            raise ZeroDivisionError("a fault of runform's own")
        if path.name == "05.json":
            raise RecursionError
        return real(path, kb, shown)

    monkeypatch.setattr(batch, "read_answers", breaks_on_the_fifth)
    result = run_files([folder], "--format", "jsonl")
    check_clean(result)
    assert len(result.stdout.splitlines()) == 18
    assert "04.json: could not be diagnosed: runform failed on it (ZeroDivisionError)" in (
        result.stderr
    )
    assert "05.json: nested too deeply to read" in result.stderr
    assert "2 of 20 file(s) could not be diagnosed" in result.stderr


@pytest.mark.parametrize("escape", ESCAPES)
def test_escape_sequences_never_reach_the_terminal_through_a_message(tmp_path, escape):
    named = tmp_path / f"runner{escape}.json"
    named.write_text(
        json.dumps(
            {
                "questionnaire": "self-check",
                "runner": {f"na{escape}me": "x"},
                "answers": {f"cad{escape}ence": 1, "cadence_spm": escape},
            }
        )
    )
    for args in (["diagnose", str(named)], ["program", str(named)], ["diagnose", str(tmp_path)]):
        result = CliRunner().invoke(cli, args)
        check_clean(result)
        assert result.exit_code == 1
        assert escape not in result.output, result.output
        assert "unknown observation" in result.stderr


def test_json_output_writes_terminal_controls_as_escapes(tmp_path):
    data = json.loads(EXAMPLE)
    data["runner"]["name"] = "Ann\x9b2J\u202eX\x1b"
    path = tmp_path / "ann.json"
    path.write_text(json.dumps(data))
    for fmt in ("json", "jsonl"):
        out = run_files([path], "--format", fmt).stdout
        assert "\x9b" not in out and "\u202e" not in out and "\x1b" not in out
        assert "\\u009b" in out and "\\u202e" in out
        first = out if fmt == "json" else out.splitlines()[0]
        assert json.loads(first)["runner"]["name"] == "Ann\x9b2J\u202eX\x1b"


def test_ctrl_c_during_a_parallel_batch_stops_cleanly(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(2000):
        (folder / f"{index:04}.json").write_bytes(EXAMPLE)
    command = [sys.executable, "-m", "diagnose", "diagnose", "-j", "2", str(folder)]
    process = subprocess.Popen(
        [*command, "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group: Ctrl-C at a terminal signals them all
    )
    process.stdout.readline()  # the workers are running
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert b"Traceback" not in stderr and b"KeyboardInterrupt" not in stderr
    assert b"Stopped: Ctrl-C before the last of 2000 file(s)." in stderr


def test_small_things_said_well(tmp_path):
    twice = tmp_path / "twice.json"
    twice.write_text(
        '{"runner": {"name": "A"},\n "answers": {\n  "heel_strike": "yes",\n  "heel_strike": "no"}}'
    )
    said = run_files([twice]).stderr
    assert f"{twice}: line 4: the key 'heel_strike' appears twice in one object" in said
    listed = tmp_path / "listed.json"
    listed.write_text('{"runner": [], "answers": {}}')
    assert "runner: expected a JSON object with fields such as name, sessions_per_week" in (
        run_files([listed]).stderr
    )
    too_long = CliRunner().invoke(cli, ["interview", "--name", "x" * 201], input="")
    assert too_long.exit_code == 2
    assert "'--name': 'xxxxxxx" in too_long.stderr
    assert "too long (at most 200 characters)" in too_long.stderr


def test_a_name_is_one_line_and_a_name_the_pdf_cannot_show_is_said(tmp_path, caplog):
    from pypdf import PdfReader

    data = json.loads(EXAMPLE)
    data["runner"]["name"] = "Ann\nLee"
    path = tmp_path / "ann.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(cli, ["program", str(path), "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 0
    assert "Wrote the program for Ann Lee" in result.stderr
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]
    data["runner"]["name"] = "王小明 🏃"
    path.write_text(json.dumps(data))
    CliRunner().invoke(cli, ["program", str(path), "-o", str(tmp_path / "w.pdf")])
    text = PdfReader(tmp_path / "w.pdf").pages[0].extract_text()
    assert "Running program for ??? ?" in text
    assert "Some characters of the name are not in this PDF's font and show as ?" in text
    plain = CliRunner().invoke(
        cli, ["program", str(tmp_path / "ann.json"), "-o", str(tmp_path / "w.html")]
    )
    assert plain.exit_code == 0
    assert "王小明 🏃" in (tmp_path / "w.html").read_text()


# ---------------------------------------------------------------- a second hostile look

MARC = Path(__file__).resolve().parent.parent / "examples" / "marc-intake-1.json"


@pytest.mark.parametrize("start", ["9999-12-31", "9999-12-28", "1066-10-14"])
def test_a_start_date_outside_any_training_calendar_is_a_usage_error(tmp_path, start):
    result = CliRunner().invoke(
        cli,
        ["program", str(MARC), "--format", "ics", "-o", str(tmp_path / "p.ics"), "--start", start],
    )
    assert result.exit_code == 2
    assert "give a date from the year 1900 to 2999" in result.stderr


def test_long_field_names_are_cut_short_in_messages(tmp_path):
    path = tmp_path / "long.json"
    path.write_text(
        json.dumps({"answers": {"x" * 10_000: "yes"}, "runner": {"y" * 10_000: 1}, "z" * 10_000: 1})
    )
    result = CliRunner().invoke(cli, ["diagnose", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 4 and all(len(line) < 200 for line in lines)


@pytest.mark.parametrize(
    ("where", "value", "said"),
    [
        (("diagnosis", "health_screen", "status"), "\x1b]0;t\x07", "health_screen.status"),
        (("diagnosis", "health_screen", "status"), "", "health_screen.status"),
        (("diagnosis", "prescriptions", 0, "minutes"), 10**400, "prescriptions.0.minutes"),
        (("diagnosis", "prescriptions", 0, "load"), "x" * 1000, "prescriptions.0.load"),
        (("diagnosis", "evil"), "x", "diagnosis.evil"),
        (("number",), True, "assessments.0.number"),
        (("number",), 0, "assessments.0.number"),
        (("number",), 10**400, "assessments.0.number"),
        (("diagnosis", "defects", 0, "because", 0, "reason"), "x\x1b[2Jy", "because.0.reason"),
        (("diagnosis", "defects", 0, "because", 0, "reason"), "a\u202eb", "because.0.reason"),
        (("diagnosis", "defects", 0, "name"), "Heel\x9b31m", "defects.0.name"),
        (("diagnosis", "prescriptions", 0, "category"), "junk", "prescriptions.0.category"),
        (("diagnosis", "prescriptions", 0, "when"), ["junk"], "prescriptions.0.when.0"),
        (("diagnosis", "runner", "zz"), 1, "diagnosis.runner.zz"),
        (("diagnosis", "x" * 10_000), 1, "diagnosis.xxxx"),
        (("taken_at",), "0001-01-01T00:00:00+00:00", "taken_at"),
        (("taken_at",), "20261126T070715Z", "taken_at"),
        (("taken_at",), "2026-W01-1", "taken_at"),
        (("runner", "name"), "Marc \x1b[31mRED", "assessments.0.runner: name holds control"),
        (("diagnosis", "runner", "name"), "Marc \u202eX", "diagnosis.runner.name"),
    ],
)
def test_an_import_checks_every_field_of_a_stored_diagnosis(tmp_path, where, value, said):
    db = tmp_path / "r.db"
    runner = CliRunner()
    intake = ["intake", "Bob", "--answers", str(MARC), "--no-input", "--db", str(db)]
    assert runner.invoke(cli, intake).exit_code == 0
    exported = json.loads(runner.invoke(cli, ["export", "Bob", "--db", str(db)]).stdout)
    place = exported["assessments"][0]
    for key in where[:-1]:
        place = place[key]
    place[where[-1]] = value
    path = tmp_path / "bob.json"
    path.write_text(json.dumps(exported))
    result = runner.invoke(cli, ["import", str(path), "--db", str(tmp_path / "new.db")])
    assert result.exit_code == 1
    assert said in result.stderr
    assert len(result.stderr) < 2000


def test_an_export_version_that_is_not_a_number_is_refused(tmp_path):
    for version, said in (
        (True, "version: Input should be a valid integer"),
        (10**400, "is from a newer runform"),
    ):
        path = tmp_path / "bob.json"
        path.write_text(
            json.dumps(
                {"format": "runform-client", "version": version, "client": "Bob", "assessments": []}
            )
        )
        result = CliRunner().invoke(cli, ["import", str(path), "--db", str(tmp_path / "n.db")])
        assert result.exit_code == 1 and said in result.stderr
        assert len(result.stderr) < 300
