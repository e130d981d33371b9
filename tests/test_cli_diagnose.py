"""`runform diagnose` through the CLI: formats, batches, and every kind of bad input."""

import json
import os
import re
import subprocess
import sys

import pytest

from diagnose.cli import cli

GOOD = {
    "heel_strike": "yes",
    "tight_hip_flexors": "yes",
    "sedentary_job": "yes",
    "cadence_spm": 150,
}
CONTRACT = {"defects", "causes", "prescriptions", "red_flags", "advice", "unanswered"}


def invoke(cli_runner, *args):
    return cli_runner.invoke(cli, ["diagnose", *map(str, args)])


def test_text_shows_defects_causes_prescriptions(cli_runner, write_answers):
    result = invoke(cli_runner, write_answers(GOOD))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Defects") < out.index("Causes") < out.index("Prescriptions")
    assert "Heel" in out and "certainty" in out
    assert all(len(line) <= 80 for line in out.splitlines()), out


def test_explain_shows_how(cli_runner, write_answers):
    result = invoke(cli_runner, write_answers(GOOD), "--explain")
    assert result.exit_code == 0, result.output
    assert "How runform concluded this" in result.stdout
    assert "from rule" in result.stdout and "heel_strike = yes" in result.stdout


def test_json_follows_the_contract(cli_runner, write_answers, kb):
    result = invoke(cli_runner, write_answers(GOOD), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert CONTRACT <= set(data)
    assert data["source"].endswith("answers.json")
    assert data["defects"] and data["causes"] and data["prescriptions"]
    for key in ("defects", "causes", "prescriptions", "red_flags", "advice"):
        for item in data[key]:
            assert {"id", "name", "certainty", "because"} <= set(item)
            assert 0.2 <= item["certainty"] <= 1
            for support in item["because"]:
                assert {"rule", "reason"} <= set(support)
                kb.rule(support["rule"])  # a real rule id
    for item in data["prescriptions"]:
        assert {"category", "dose", "treats"} <= set(item)
        assert item["category"] in ("mobility", "activation", "strength", "technique")
    assert all(isinstance(o, str) for o in data["unanswered"])


def test_json_is_deterministic(cli_runner, write_answers):
    path = write_answers(GOOD)
    first = invoke(cli_runner, path, "--format", "json").stdout
    assert invoke(cli_runner, path, "--format", "json").stdout == first


def test_markdown_document(cli_runner, write_answers):
    path = write_answers(GOOD, runner={"name": "<script>alert(1)</script>"})
    result = invoke(cli_runner, path, "--format", "markdown", "--explain")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Diagnosis for \\<script\\>alert(1)\\</script\\>")
    assert "<script>" not in result.stdout
    assert "| certainty" in result.stdout


def test_batch_folder_keeps_going_past_bad_files(cli_runner, tmp_path, write_answers):
    folder = tmp_path / "batch"
    folder.mkdir()
    write_answers(GOOD, name="batch/a.json")
    write_answers({"pain_sharp": "yes"}, name="batch/c.json")
    (folder / "b.json").write_text("{not json", encoding="utf-8")
    (folder / "notes.txt").write_text("ignored", encoding="utf-8")
    result = invoke(cli_runner, folder, "--format", "jsonl")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [json.loads(line)["source"] for line in lines] == [
        str(folder / "a.json"),
        str(folder / "c.json"),
    ]
    assert f"Error: {folder / 'b.json'}: line 1 column 2: invalid JSON" in result.stderr
    assert "1 of 3 file(s) could not be diagnosed" in result.stderr


def test_batch_json_is_an_array(cli_runner, write_answers):
    a = write_answers(GOOD, name="a.json")
    b = write_answers({"heel_strike": "no"}, name="b.json")
    result = invoke(cli_runner, a, b, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["source"] for d in data] == [str(a), str(b)]


def test_true_false_are_yes_no(cli_runner, write_answers):
    yes = invoke(cli_runner, write_answers({"heel_strike": True}), "--format", "json").stdout
    assert "heel_strike" in [d["id"] for d in json.loads(yes)["defects"]]


BAD_ANSWERS = [
    (
        {"cadense_spm": 150},
        "answers.cadense_spm: unknown observation (did you mean 'cadence_spm'?)",
    ),
    (
        {"cadence_spm": "fast"},
        "answers.cadence_spm: 'fast' is not accepted: expected a number from",
    ),
    (
        {"cadence_spm": 400},
        "answers.cadence_spm: 400 is not accepted: expected a number from 100 to 240 spm",
    ),
    ({"heel_strike": 5}, "answers.heel_strike: 5 is not accepted: expected yes, no or unknown"),
    ({"tension": 7}, "answers.tension: 7 is not accepted: expected a whole number from 0 to 4"),
    ({"tension": [1]}, "answers.tension: [1] is not accepted"),
    # JSON's own spelling, not Python's
    ({"tension": True}, "answers.tension: true is not accepted: expected a whole number"),
    ({"heel_strike": None}, "answers.heel_strike: null is not accepted: expected yes, no"),
]


@pytest.mark.parametrize("answers,message", BAD_ANSWERS)
def test_bad_answers_name_file_and_field(cli_runner, write_answers, answers, message):
    path = write_answers(answers)
    result = invoke(cli_runner, path)
    assert result.exit_code == 1
    assert f"Error: {path}: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.output


BAD_FILES = [
    (b'{"answers": {"heel_strike": "yes",}}', "line 1 column 35: invalid JSON"),
    (b"[1, 2]", "(top level): expected a JSON object with an 'answers' object"),
    (b'{"runner": {}}', "answers: missing"),
    (b'{"answers": []}', "answers: expected a JSON object"),
    (
        b'{"answers": {}, "runner": {"sessions_per_week": 40}}',
        "runner.sessions_per_week: expected at most 14",
    ),
    (
        b'{"answers": {}, "runner": {"sessions_per_week": 3.5}}',
        "runner.sessions_per_week: expected a whole number, not 3.5",
    ),
    (b'{"answers": {}, "runnr": {}}', "runnr: unknown field (did you mean 'runner'?)"),
    (b'{"answers": {"cadence_spm": NaN}}', "invalid JSON: NaN is not a JSON number"),
    (b"\xff\xfe\x00{", "not UTF-8 text"),
    (b"", "line 1 column 1: invalid JSON"),
]


@pytest.mark.parametrize("content,message", BAD_FILES)
def test_bad_files_name_file_and_problem(cli_runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = invoke(cli_runner, path)
    assert result.exit_code == 1
    assert f"Error: {path}: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_missing_file(cli_runner, tmp_path):
    result = invoke(cli_runner, tmp_path / "nope.json")
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'nope.json'}: no such file" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(cli_runner, write_answers):
    path = write_answers(GOOD)
    path.chmod(0)
    result = invoke(cli_runner, path)
    assert result.exit_code == 1
    assert f"Error: {path}: cannot read: Permission denied" in result.stderr


def test_unreadable_entry_in_folder(cli_runner, tmp_path):
    folder = tmp_path / "batch"
    (folder / "dir.json").mkdir(parents=True)  # a folder named like a file cannot be read
    result = invoke(cli_runner, folder)
    assert result.exit_code == 1
    assert "is a folder, not a file" in result.stderr


def test_empty_folder_is_a_usage_error(cli_runner, tmp_path):
    result = invoke(cli_runner, tmp_path)
    assert result.exit_code == 2
    assert "no *.json answers files found" in result.output


def test_python_dash_m_works(write_answers):
    path = write_answers(GOOD)
    done = subprocess.run(
        [sys.executable, "-m", "diagnose", "diagnose", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["defects"]


def test_jobs_keep_the_order_and_the_bytes(cli_runner, tmp_path, write_answers):
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(12):
        answers = {"heel_strike": "yes" if index % 2 else "no", "cadence_spm": 150 + index}
        write_answers(answers, name=f"many/r{index:02d}.json")
    (folder / "r05.json").write_text("{", encoding="utf-8")
    single = invoke(cli_runner, folder, "--format", "jsonl")
    double = invoke(cli_runner, folder, "--format", "jsonl", "--jobs", "2")
    assert single.exit_code == double.exit_code == 1
    assert double.stdout == single.stdout
    assert len(double.stdout.splitlines()) == 11
    assert "r05.json: line 1 column 2: invalid JSON" in double.stderr


def test_progress_bar_on_a_terminal_only_while_results_go_elsewhere(tmp_path, write_answers):
    pexpect = pytest.importorskip("pexpect")
    folder = tmp_path / "batch"
    folder.mkdir()
    for index in range(3):
        write_answers(GOOD, name=f"batch/r{index}.json")
    (folder / "r9.json").write_text("{")
    command = [sys.executable, "-m", "diagnose", "diagnose", str(folder), "--format", "jsonl"]
    out = tmp_path / "out.jsonl"
    shell = f"bash -c '{' '.join(command)} > {out}'"
    output = pexpect.run(shell, encoding="utf-8", timeout=60)
    assert "Diagnosing" in output  # stderr is the terminal, the results go to a file
    assert len(out.read_text().splitlines()) == 3
    # a bad file is said after the bar, on a line of its own
    assert re.search(r"(^|\n)Error: \S*r9\.json: line 1", output), output
    together = pexpect.run(" ".join(command), encoding="utf-8", timeout=60)
    assert "Diagnosing" not in together  # results on the terminal: no bar drawn over them
    piped = subprocess.run(command, capture_output=True, text=True, check=False)
    assert piped.returncode == 1
    assert "Diagnosing" not in piped.stderr and len(piped.stdout.splitlines()) == 3


def test_a_key_given_twice_is_refused(cli_runner, tmp_path):
    path = tmp_path / "twice.json"
    path.write_text('{"answers": {"heel_strike": "yes", "heel_strike": "no"}}')
    result = cli_runner.invoke(cli, ["diagnose", str(path)])
    assert result.exit_code == 1
    assert "the key 'heel_strike' appears twice" in result.output
