"""The case library: each realistic runner, diagnosed and printed, as a coach expects
(cases/*.expect.yaml and examples/*.expect.yaml, written before looking at the engine)."""

import json
import shutil
from pathlib import Path

import pytest

from diagnose.cases import load_cases, run_case
from diagnose.cli import cli
from diagnose.engine import engine_for
from diagnose.errors import RunformError
from diagnose.knowledge import load_kb

_KB = load_kb()
# the repository's cases and examples (an installed runform ships the cases only)
_CASES = load_cases(_KB, Path(__file__).resolve().parent.parent)


def test_the_library_covers_the_runners_a_coach_meets():
    names = {case.name for case in _CASES}
    assert len(names) >= 30 + 4
    assert {"lea", "marc-intake-1", "marc-intake-2", "sam-sore-shin"} <= names
    health = {case.expect.health for case in _CASES}
    assert health == {"clear", "incomplete", "red_flag"}


@pytest.mark.parametrize("case", _CASES, ids=[c.name for c in _CASES])
def test_runner_case(case):
    outcome = run_case(case, _KB, engine_for(_KB))
    assert outcome.passed, outcome.describe()


def test_a_case_that_fails_says_what_a_coach_would_dispute(tmp_path, cli_runner):
    root = tmp_path / "kb"
    shutil.copytree(_KB.root / "rules", root / "rules")
    shutil.copytree(_KB.root / "questionnaires", root / "questionnaires")
    (root / "cases").mkdir()
    answers = {
        "questionnaire": "self-check",
        "runner": {"name": "Tess"},
        "answers": {"heel_strike": "yes", "pain_sharp": "unknown"},
    }
    (root / "cases" / "tess.json").write_text(json.dumps(answers))
    (root / "cases" / "tess.expect.yaml").write_text(
        "runner: Tess, heel striker who skipped a health question.\n"
        "coach: A coach would want the heel strike named and strides planned.\n"
        "health: clear\n"
        "concluded: [{defect: heel_strike, at_least: 0.9}]\n"
        "planned: [strides]\n"
    )
    (case,) = load_cases(load_kb(root), root)
    failures = run_case(case, load_kb(root), engine_for(load_kb(root))).failures
    assert failures == (
        "health screen is incomplete, expected clear",
        "defect heel_strike at 0.80, expected at least 0.9",
        "strides is not planned in the week",
    )
    result = cli_runner.invoke(cli, ["kb", "test", "--kb", str(root)])
    assert result.exit_code == 1
    assert "FAIL  cases/tess.expect.yaml: runner case 'tess':" in result.output
    assert "1 runner cases: 0 as a coach expects, 1 not" in result.output


def test_a_case_naming_an_unknown_id_is_refused_with_its_file(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(_KB.root / "rules", root / "rules")
    shutil.copytree(_KB.root / "questionnaires", root / "questionnaires")
    (root / "cases").mkdir()
    (root / "cases" / "x.json").write_text('{"answers": {}}')
    (root / "cases" / "x.expect.yaml").write_text(
        "runner: r\ncoach: c\nhealth: clear\nnowhere: [bounding, boundng]\n"
        "not_concluded: [{cause: zz_unheard_of}]\n"
    )
    with pytest.raises(RunformError) as caught:
        load_cases(load_kb(root), root)
    assert sorted(caught.value.problems) == [
        "cases/x.expect.yaml: not_concluded: unknown cause 'zz_unheard_of'",
        "cases/x.expect.yaml: nowhere: unknown prescription 'boundng' (did you mean 'bounding'?)",
    ]
