"""`runform interview` through the CLI (CliRunner input) and in a real pseudo-terminal."""

import json
import os
import sys
from pathlib import Path

import pytest
from interview_script import LEA, plan

from diagnose.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def app_dir(tmp_path, monkeypatch):
    """Keep default save files out of the real home folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "runform"


def typed(lines):
    return "".join(f"{line}\n" for line in lines)


def test_complete_interview_shows_a_diagnosis(cli_runner, kb, engine, tmp_path):
    script = [line for _, line in plan(kb, engine, "self-check", LEA)]
    save = tmp_path / "lea.json"
    result = cli_runner.invoke(
        cli, ["interview", "--save", str(save), "--name", "Léa"], input=typed(script)
    )
    assert result.exit_code == 0, result.output
    assert "question 1 of about" in result.output
    # what a runner can use at once: the likeliest faults and causes and the week's plan,
    # in 80 columns; the tables and the trace are a command away
    end = result.output[result.output.index("Your result") :]
    assert "Faults most likely: General tension (0.90)" in end
    assert "Causes most likely:" in end and "- Session 1 (Technique run):" in end
    assert "Prescriptions" not in end and "certainty    exercise" not in end
    summary = end[: end.index("The whole diagnosis")]  # commands stay whole, to copy
    assert all(len(line) <= 80 for line in summary.splitlines())
    assert f"runform diagnose {save} --explain" in result.output
    explained = cli_runner.invoke(
        cli,
        ["interview", "--save", str(tmp_path / "again.json"), "--explain"],
        input=typed(script),
    )
    assert "How runform concluded this" in explained.output and "Defects" in explained.output
    saved = json.loads(save.read_text())
    assert saved["runner"]["sessions_per_week"] == 3
    assert saved["answers"]["heel_strike"] == "yes"
    # the saved file is a valid answers file
    again = cli_runner.invoke(cli, ["diagnose", str(save), "--format", "json"])
    assert again.exit_code == 0, again.output


def test_default_save_file_goes_to_the_app_folder(cli_runner, kb, engine, app_dir):
    script = [line for _, line in plan(kb, engine, "self-check", LEA)]
    result = cli_runner.invoke(cli, ["interview"], input=typed(script))
    assert result.exit_code == 0, result.output
    (saved,) = (app_dir / "interviews").glob("self-check-*.json")
    assert f"Answers are saved as you go in {saved}" in result.output


def test_why_unknown_back_and_bad_input(cli_runner, kb, engine, tmp_path):
    rest = [line for _, line in plan(kb, engine, "self-check", LEA)][1:]
    save = tmp_path / "a.json"
    lines = ["?", "four", "99", "3", "b", "u", *rest]
    result = cli_runner.invoke(cli, ["interview", "--save", str(save)], input=typed(lines))
    assert result.exit_code == 0, result.output
    first = kb.questionnaires["self-check"].questions[0]
    assert "Why:" in result.output and first.help.split()[0] in result.output
    assert result.output.count("Please answer a whole number from 1 to 14 runs") == 2
    assert "Going back" in result.output
    saved = json.loads(save.read_text())
    assert "sessions_per_week" not in saved["runner"]  # answered unknown after going back
    assert saved["meta"]["unknown_week"] == ["sessions_per_week"]


def test_end_of_input_saves_and_says_how_to_resume(cli_runner, kb, engine, tmp_path):
    script = [line for _, line in plan(kb, engine, "self-check", LEA)]
    save = tmp_path / "half.json"
    half = script[: len(script) // 2]
    stopped = cli_runner.invoke(cli, ["interview", "--save", str(save)], input=typed(half))
    assert stopped.exit_code == 1
    told = "answers are" if len(half) != 1 else "answer is"
    assert f"Stopped. Your {len(half)} {told} saved in {save}" in stopped.output
    assert f"runform interview --resume {save}" in stopped.output
    assert "Traceback" not in stopped.output
    assert cli_runner.invoke(cli, ["diagnose", str(save)]).exit_code == 0

    resumed = cli_runner.invoke(
        cli, ["interview", "--resume", str(save)], input=typed(script[len(half) :])
    )
    assert resumed.exit_code == 0, resumed.output
    assert f"question {len(half) + 1} of about" in resumed.output
    full = tmp_path / "full.json"
    cli_runner.invoke(cli, ["interview", "--save", str(full)], input=typed(script))
    assert json.loads(save.read_text())["answers"] == json.loads(full.read_text())["answers"]


@pytest.mark.parametrize("cut", [1, 3, 6, 10])
def test_interrupted_anywhere_resume_restores_every_answer(cli_runner, kb, engine, tmp_path, cut):
    script = [line for _, line in plan(kb, engine, "self-check", LEA)]
    save = tmp_path / "s.json"
    cli_runner.invoke(cli, ["interview", "--save", str(save)], input=typed(script[:cut]))
    data = json.loads(save.read_text())
    assert len(data["answers"]) + len(data["runner"]) == cut
    resumed = cli_runner.invoke(
        cli, ["interview", "--resume", str(save)], input=typed(script[cut:])
    )
    assert resumed.exit_code == 0, resumed.output


def test_prefilled_answers_only_ask_the_rest(cli_runner, kb, engine, tmp_path):
    prefill = tmp_path / "pre.json"
    prefill.write_text(
        json.dumps({"runner": {"sessions_per_week": 5}, "answers": {"heel_strike": "yes"}})
    )
    from diagnose.answers import read_answers

    given = read_answers(prefill, kb)
    script = [line for _, line in plan(kb, engine, "self-check", LEA, given)]
    save = tmp_path / "out.json"
    result = cli_runner.invoke(
        cli, ["interview", "--answers", str(prefill), "--save", str(save)], input=typed(script)
    )
    assert result.exit_code == 0, result.output
    assert "How many times a week" not in result.output
    saved = json.loads(save.read_text())
    assert saved["runner"]["sessions_per_week"] == 5 and saved["answers"]["heel_strike"] == "yes"


def test_bad_options(cli_runner, tmp_path):
    result = cli_runner.invoke(cli, ["interview", "-q", "self-chek"])
    assert result.exit_code == 2  # a usage error
    assert "no questionnaire 'self-chek' (did you mean 'self-check'?)" in result.output
    both = cli_runner.invoke(cli, ["interview", "--answers", "a.json", "--resume", "b.json"])
    assert both.exit_code == 2
    missing = cli_runner.invoke(cli, ["interview", "--resume", str(tmp_path / "none.json")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_save_never_overwrites_an_existing_file(cli_runner, tmp_path):
    kept = tmp_path / "lea.json"
    kept.write_text((EXAMPLES / "lea.json").read_text())
    before = kept.read_bytes()
    result = cli_runner.invoke(cli, ["interview", "--save", str(kept)], input="")
    assert result.exit_code == 2
    assert f"{kept} already exists; continue it with --resume {kept}" in result.output
    assert kept.read_bytes() == before
    intake = cli_runner.invoke(
        cli, ["intake", "Léa", "--save", str(kept), "--db", str(tmp_path / "c.db")], input=""
    )
    assert intake.exit_code == 2 and "pre-fill from it with --answers" in intake.output
    assert kept.read_bytes() == before


def test_interview_and_intake_take_explain(cli_runner, tmp_path):
    answers = str(EXAMPLES / "lea.json")
    result = cli_runner.invoke(
        cli,
        ["intake", "Léa", "--answers", answers, "--no-input", "--explain"]
        + ["--db", str(tmp_path / "c.db")],
    )
    assert result.exit_code == 0, result.output
    assert "How runform concluded this" in result.output


def test_several_problems_in_a_file_are_each_an_error_once(cli_runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"answers": {"heel_strike": 7, "tension": 9}}')
    result = cli_runner.invoke(cli, ["interview", "--answers", str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 2 and all(line.startswith(f"Error: {bad}: answers.") for line in lines)


def test_real_terminal_interview_and_ctrl_c(kb, engine, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    runform = Path(sys.executable).parent / "runform"
    command = [str(runform)] if runform.exists() else [sys.executable, "-m", "diagnose"]
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "COLUMNS": "80"}
    script = [line for _, line in plan(kb, engine, "self-check", LEA)]
    save = tmp_path / "tty.json"

    child = pexpect.spawn(
        command[0],
        [*command[1:], "interview", "--save", str(save)],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 100),
    )
    for line in script[:4]:
        child.expect("> ")
        child.sendline(line)
    child.expect("> ")
    child.sendintr()  # Ctrl-C
    child.expect("Stopped. Your 4 answer")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130  # the shell's code for Ctrl-C

    child = pexpect.spawn(
        command[0],
        [*command[1:], "interview", "--resume", str(save)],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 100),
    )
    child.expect("question 5 of about")
    for line in script[4:]:
        child.expect("> ")
        child.sendline(line)
    child.expect("Faults most likely")
    child.expect("Your program as a printout:")
    child.expect("runform program ")
    child.expect("Write your program to a file now")
    child.sendline("y")
    child.expect("File")
    printout = tmp_path / "my-program.html"
    child.sendline(str(printout))
    child.expect("Wrote the program")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert json.loads(save.read_text())["answers"]["heel_strike"] == "yes"
    assert "<html" in printout.read_text(encoding="utf-8")


def test_printout_option_writes_the_program(cli_runner, kb, engine, tmp_path):
    script = [line for _, line in plan(kb, engine, "self-check", LEA)]
    pdf = tmp_path / "lea.pdf"
    result = cli_runner.invoke(
        cli,
        ["interview", "--save", str(tmp_path / "a.json"), "--name", "Léa", "--printout", str(pdf)],
        input=typed(script),
    )
    assert result.exit_code == 0, result.output
    assert "Write your program to a file now" not in result.output  # not a terminal: no offer
    assert "Your program as a printout:" not in result.output  # written now: no command for it
    assert f"Wrote the program for Léa to {pdf}" in result.output
    assert pdf.read_bytes().startswith(b"%PDF")


def test_resume_keeps_the_questionnaire_it_was_started_with(cli_runner, tmp_path):
    saved = tmp_path / "coach.json"
    saved.write_text(json.dumps({"questionnaire": "coach-intake", "answers": {}}))
    result = cli_runner.invoke(cli, ["interview", "-q", "self-check", "--resume", str(saved)])
    assert result.exit_code == 2
    assert "is a coach-intake interview; resume it without -q" in result.output


def test_a_start_stopped_before_any_answer_leaves_no_file(cli_runner, tmp_path, kb):
    save = tmp_path / "never.json"
    stopped = cli_runner.invoke(cli, ["interview", "--save", str(save)], input="")
    assert stopped.exit_code == 1
    assert "Nothing was answered, so nothing was saved." in stopped.output
    assert f"Continue with: runform interview --save {save}" in stopped.output
    assert not save.exists()
    # from an answers file: the default save file appears only with a new answer
    app = tmp_path / "app"
    prefill = tmp_path / "mine.json"
    prefill.write_text(json.dumps({"answers": {"heel_strike": "yes"}}))
    for _ in range(3):
        again = cli_runner.invoke(
            cli,
            ["interview", "--answers", str(prefill)],
            input="",
            env={"XDG_CONFIG_HOME": str(app)},
        )
        assert again.exit_code == 1
        assert f"Continue with: runform interview --answers {prefill}" in again.output
    assert not list(app.rglob("*.json"))  # no pile of empty save files


def test_a_complete_answers_file_makes_no_copies(cli_runner, kb, engine, tmp_path):
    """Nothing left to ask: the answers file is the record, no new save file appears,
    however often it is run."""
    script = [line for _, line in plan(kb, engine, "self-check", LEA)]
    full = tmp_path / "full.json"
    assert (
        cli_runner.invoke(cli, ["interview", "--save", str(full)], input=typed(script)).exit_code
        == 0
    )
    app = tmp_path / "app"
    for _ in range(3):
        again = cli_runner.invoke(
            cli, ["interview", "--answers", str(full)], input="", env={"XDG_CONFIG_HOME": str(app)}
        )
        assert again.exit_code == 0, again.output
        assert f"runform program {full} -o program.pdf" in again.output
    assert not list(app.rglob("*.json"))
