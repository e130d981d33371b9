"""Measured evidence from the runner's watch: FIT files written with Garmin's own SDK
(tests/fit_files.py) and two kept in tests/data, summarised over steady running only,
checked against the values encoded; and `runform diagnose --activity` as a user runs it."""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fit_files import START, Segment, fit_bytes, steady_run, write_fit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnose.cli import cli
from diagnose.errors import RunformError
from diagnose.watch import summarise

DATA = Path(__file__).parent / "data"
MANGLED = (DATA / "easy-run-with-strides.fit").read_bytes()
CASES = Path(__file__).resolve().parent.parent / "cases"

NO_DYNAMICS = dict(
    contact_ms=None, oscillation_mm=None, ratio_pct=None, balance_left_pct=None, step_mm=None
)


def _summary(tmp_path, *runs):
    """The summary of runs on successive days (the same start would be the same run)."""
    paths = []
    for index, segments in enumerate(runs):
        start = START + datetime.timedelta(days=index)
        path = write_fit(tmp_path / f"run{index}.fit", segments, start=start)
        paths.append((f"run{index}.fit", path))
    return summarise(paths)


def _problems(tmp_path, name: str, data: bytes) -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(RunformError) as caught:
        summarise([(name, path)])
    return caught.value.problems


# ---------------------------------------------------------------- the summary


def test_a_steady_run_gives_the_values_encoded_without_its_warm_up_and_cool_down(tmp_path):
    summary = _summary(tmp_path, steady_run(38, cadence=158, contact_ms=288, balance_left_pct=52.9))
    assert summary.values == {
        "cadence_spm": 158,
        "ground_contact_ms": 288,
        "stride_length_m": 1.09,
        "vertical_oscillation_cm": 8.6,
        "vertical_ratio_pct": 7.9,
        "contact_balance_left_pct": 52.9,
    }
    assert round(summary.minutes) == 38  # not the 8 min warm-up, not the 5 min cool-down
    assert summary.described == "38 min of steady running at 5:40/km, from 1 activity"
    assert summary.missing == []
    assert summary.notes == [
        "run0.fit: 38 of 51 min used (the rest was not steady running:"
        " warm-up, walking, stops, hills, strides or efforts)"
    ]


def test_unmarked_warm_up_strides_walking_and_stops_are_left_out(tmp_path):
    fast = dict(speed=4.6, cadence=192, contact_ms=205, oscillation_mm=95)
    summary = _summary(
        tmp_path,
        [
            Segment(6, speed=2.3, cadence=150, contact_ms=300),  # a slow start, no lap
            Segment(20),
            Segment(0.33, **fast),  # a stride
            Segment(1.5, speed=1.2, cadence=112, contact_ms=None),  # walking back
            Segment(0.33, **fast),
            Segment(15),
            Segment(2, speed=0.0, cadence=None, **NO_DYNAMICS),  # stopped, watch running
        ],
    )
    assert round(summary.minutes) == 35
    assert summary.values["cadence_spm"] == 162
    assert summary.values["ground_contact_ms"] == 262
    assert summary.values["vertical_oscillation_cm"] == 8.6
    assert summary.pace_s_per_km == pytest.approx(340, abs=1)


def test_interval_laps_are_left_out(tmp_path):
    reps = []
    for _ in range(5):
        reps += [
            Segment(3, speed=4.2, cadence=182, contact_ms=215, lap="interval"),
            Segment(2, speed=2.9, cadence=160, lap="recovery"),
        ]
    summary = _summary(tmp_path, [Segment(10, lap="active"), *reps, Segment(10, lap="active")])
    assert round(summary.minutes) == 20
    assert summary.values["ground_contact_ms"] == 262
    assert summary.values["cadence_spm"] == 162


def test_a_faster_run_is_left_out_and_named_contact_time_changes_with_pace(tmp_path):
    summary = _summary(
        tmp_path,
        steady_run(40, speed=2.94, contact_ms=290),  # easy, 5:40/km
        steady_run(30, speed=3.7, cadence=176, contact_ms=215),  # tempo, 4:30/km
    )
    assert summary.files == ["run0.fit"]
    assert summary.described == "40 min of steady running at 5:40/km, from 1 activity"
    assert round(summary.minutes) == 40
    assert summary.values["ground_contact_ms"] == 290
    assert "run1.fit: left out, run faster (4:30/km against 5:40/km)" in " ".join(summary.notes)


def test_a_treadmill_run_without_speed_is_judged_on_its_cadence(tmp_path):
    summary = _summary(
        tmp_path,
        [
            Segment(6, speed=None, cadence=150, contact_ms=300),  # warming up
            Segment(25, speed=None, cadence=164, contact_ms=255),
            Segment(0.33, speed=None, cadence=190, contact_ms=205),  # a stride
            Segment(10, speed=None, cadence=164, contact_ms=255),
        ],
    )
    assert round(summary.minutes) == 35
    assert summary.values["ground_contact_ms"] == 255
    assert summary.pace_s_per_km is None
    assert summary.described == "35 min of steady running, from 1 activity"
    with_outdoor = _summary(tmp_path, steady_run(20), [Segment(30, speed=None)])
    assert with_outdoor.described == (
        "50 min of steady running at 5:40/km (pace from 20 of the 50 min), from 2 activities"
    )


def test_a_file_without_running_dynamics_gives_cadence_and_says_what_it_lacks(tmp_path):
    summary = _summary(tmp_path, steady_run(30, cadence=171, **NO_DYNAMICS))
    assert summary.values == {"cadence_spm": 171}
    assert summary.missing == [
        "ground contact time",
        "step length",
        "vertical oscillation",
        "vertical ratio",
        "contact time balance",
    ]


def test_several_activities_are_combined_by_time(tmp_path):
    summary = _summary(
        tmp_path,
        steady_run(30, cadence=160, contact_ms=270),
        steady_run(10, cadence=168, **NO_DYNAMICS),
    )
    assert round(summary.minutes) == 40
    assert summary.values["cadence_spm"] == 162  # (30 x 160 + 10 x 168) / 40
    assert summary.values["ground_contact_ms"] == 270  # from the run that had it
    assert round(summary.minutes_of["ground_contact_ms"]) == 30
    assert summary.described.endswith("from 2 activities")


def test_the_kept_files_read_as_they_were_written():
    summary = summarise([("easy-run-with-strides.fit", DATA / "easy-run-with-strides.fit")])
    assert round(summary.minutes) == 9
    assert summary.values == {
        "cadence_spm": 166,
        "ground_contact_ms": 248,
        "stride_length_m": 1.1,
        "vertical_oscillation_cm": 7.8,
        "vertical_ratio_pct": 7.1,
        "contact_balance_left_pct": 48.6,
    }
    assert summary.pace_s_per_km == pytest.approx(1000 / 3.03, abs=1)


# ---------------------------------------------------------------- files that cannot be used


def test_a_bike_ride_is_not_a_run():
    with pytest.raises(RunformError, match=r"bike-ride.fit: a cycling activity, not a run"):
        summarise([("bike-ride.fit", DATA / "bike-ride.fit")])


def test_a_damaged_file_a_cut_one_and_a_text_file_are_refused(tmp_path):
    good = fit_bytes(steady_run(10))
    damaged = bytearray(good)
    damaged[len(good) // 2] ^= 0xFF
    assert _problems(tmp_path, "damaged.fit", bytes(damaged)) == [
        "damaged.fit: damaged or cut short (its checksum does not match)"
    ]
    assert _problems(tmp_path, "cut.fit", good[: len(good) // 3]) == [
        "cut.fit: damaged or cut short (its checksum does not match)"
    ]
    assert _problems(tmp_path, "notes.fit", b"these are my notes, not a FIT file") == [
        "notes.fit: not a FIT file"
    ]
    assert _problems(tmp_path, "empty.fit", b"") == ["empty.fit: not a FIT file"]


def test_a_course_is_not_an_activity_and_a_walk_has_no_steady_running(tmp_path):
    assert _problems(tmp_path, "course.fit", fit_bytes([Segment(10)], kind="course")) == [
        "course.fit: a FIT course file, not an activity"
    ]
    walk = fit_bytes([Segment(30, speed=1.4, cadence=118, **NO_DYNAMICS)])
    [problem] = _problems(tmp_path, "walk.fit", walk)
    assert problem.startswith("walk.fit: only 0 min of steady running")


def test_an_activity_without_records_says_so(tmp_path):
    assert _problems(tmp_path, "empty-run.fit", fit_bytes([])) == [
        "empty-run.fit: no running records in the file"
    ]


def _checksums_made_right(data: bytearray) -> None:
    """A mangled file whose checksums match again, so the parser itself is tried."""
    from garmin_fit_sdk import CrcCalculator

    if data[0] == 14:
        data[12:14] = CrcCalculator.calculate_crc(data, 0, 12).to_bytes(2, "little")
    data[-2:] = CrcCalculator.calculate_crc(data, 0, len(data) - 2).to_bytes(2, "little")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    st.booleans(),
)
def test_a_mangled_file_is_refused_or_read_never_a_crash(changes, checksums_right):
    data = bytearray(MANGLED)
    for where, byte in changes:
        data[14 + where % (len(data) - 16)] = byte  # the records, not the header
    if checksums_right:
        _checksums_made_right(data)
    path = Path(tempfile.mkdtemp()) / "mangled.fit"
    path.write_bytes(bytes(data))
    try:
        summarise([("mangled.fit", path)])
    except RunformError as exc:
        assert all(p.startswith("mangled.fit: ") for p in exc.problems)


def test_one_bad_file_among_good_ones_is_said_and_the_others_are_used(tmp_path):
    good = write_fit(tmp_path / "good.fit", steady_run(20))
    summary = summarise([("good.fit", good), ("bike-ride.fit", DATA / "bike-ride.fit")])
    assert summary.files == ["good.fit"]
    assert summary.problems == ["bike-ride.fit: a cycling activity, not a run"]


# ---------------------------------------------------------------- runform diagnose --activity


def _diagnose(*arguments):
    return CliRunner().invoke(cli, ["diagnose", *map(str, arguments)])


def _answers(tmp_path, **answers) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"questionnaire": "coach-intake", "answers": answers}))
    return path


def test_the_measurement_outweighs_the_typed_answer_and_both_are_shown(tmp_path):
    answers = _answers(tmp_path, cadence_spm=176, heel_strike="no")
    run = write_fit(tmp_path / "easy.fit", steady_run(38, cadence=150))
    result = _diagnose(answers, "--activity", run, "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    watch = found["watch"]
    assert watch["summary"] == "38 min of steady running at 5:40/km, from 1 activity"
    assert watch["values"]["cadence_spm"] == 150
    assert watch["typed"] == {"cadence_spm": 176}
    low = next(d for d in found["defects"] if d["id"] == "low_cadence")
    facts = [fact for support in low["because"] for fact in support["facts"]]
    assert "cadence_spm = 150 (measured by the watch over 38 min at 5:40/km)" in facts
    text = _diagnose(answers, "--activity", run).output
    assert "Measured by the watch: 38 min of steady running at 5:40/km" in text
    assert (
        "Cadence: 150 spm, over 38 min (answered 176 spm; the measurement is used: more than a"
        " tenth apart, so measure an easy run again to settle it)"
    ) in " ".join(text.split())


def test_uneven_contact_measured_by_the_watch_is_a_finding_with_its_advice(tmp_path):
    answers = CASES / "bouncy-stride.json"
    run = write_fit(
        tmp_path / "easy.fit",
        steady_run(30, balance_left_pct=53.6, oscillation_mm=118, ratio_pct=10.8),
    )
    found = json.loads(_diagnose(answers, "--activity", run, "--format", "json").output)
    defects = {d["id"]: d["certainty"] for d in found["defects"]}
    assert defects["uneven_contact"] >= 0.6
    advice = [a["id"] for a in found["advice"]]
    # Nina's single-leg tests came out alike on both sides: check the reading first
    assert "check_balance_reading" in advice and "compare_sides" not in advice
    assert defects["excessive_bounce"] >= 0.6  # 11.8 cm, 10.8 %: one bounce, counted once


def test_a_bad_activity_file_is_one_error_line_and_the_good_ones_are_still_used(tmp_path):
    answers = _answers(tmp_path, cadence_spm=170)
    run = write_fit(tmp_path / "easy.fit", steady_run(20, cadence=158))
    result = _diagnose(answers, "--activity", run, "--activity", DATA / "bike-ride.fit")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"Error: {DATA / 'bike-ride.fit'}: a cycling activity, not a run" in result.stderr
    assert "Cadence: 158 spm" in result.stdout
    as_json = _diagnose(
        answers, "--activity", run, "--activity", DATA / "bike-ride.fit", "--format", "json"
    )
    unusable = json.loads(as_json.stdout)["watch"]["unusable"]
    assert unusable == [f"{DATA / 'bike-ride.fit'}: a cycling activity, not a run"]


@pytest.mark.parametrize(
    "content, said",
    [
        (b"not a fit file at all", "not a FIT file"),
        (fit_bytes(steady_run(10))[:900], "damaged or cut short"),
    ],
)
def test_only_bad_activity_files_stop_with_one_clean_line(tmp_path, content, said):
    bad = tmp_path / "watch.fit"
    bad.write_bytes(content)
    result = _diagnose(_answers(tmp_path, cadence_spm=170), "--activity", bad)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == f"Error: {bad}: {said}" + (
        " (its checksum does not match)" if said.startswith("damaged") else ""
    )


def test_activities_go_with_one_answers_file(tmp_path):
    run = write_fit(tmp_path / "easy.fit", steady_run(20))
    result = _diagnose(CASES / "bouncy-stride.json", CASES, "--activity", run)
    assert result.exit_code == 2
    assert "goes with one answers file" in result.output


# ---------------------------------------------------------------- printouts, records, interview


def test_the_program_printout_says_what_the_watch_measured(tmp_path):
    run = write_fit(tmp_path / "easy.fit", steady_run(38, cadence=150))
    result = CliRunner().invoke(
        cli, ["program", str(_answers(tmp_path, cadence_spm=176)), "--activity", str(run)]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert (
        f"Measured by the watch: 38 min of steady running at 5:40/km, from 1 activity ({run})."
        in text
    )
    assert "Cadence 150 spm, by the watch over 38 min (answered 176 spm)" in text


def test_an_intake_keeps_the_watch_and_the_progress_report_marks_its_values(tmp_path):
    db = str(tmp_path / "clients.db")
    answers = str(CASES / "bouncy-stride.json")
    first = write_fit(tmp_path / "first.fit", steady_run(30, cadence=156, balance_left_pct=53.2))
    later = write_fit(tmp_path / "later.fit", steady_run(30, cadence=164, balance_left_pct=50.4))
    for run in (first, later):
        result = CliRunner().invoke(
            cli,
            ["intake", "Nina Hofmann", "--answers", answers, "--no-input", "--db", db]
            + ["--activity", str(run)],
        )
        assert result.exit_code == 0, result.output
    report = CliRunner().invoke(cli, ["progress", "Nina Hofmann", "--db", db])
    lines = {line.split("  ")[0]: line for line in report.output.splitlines()}
    assert "156 w" in lines["Cadence"] and "164 w" in lines["Cadence"]
    pace = next(line for line in report.output.splitlines() if line.startswith("Pace of"))
    assert pace.split()[-4:] == ["340", "w", "340", "w"]  # the pace they were measured at
    uneven = next(line for line in report.output.splitlines() if "Uneven left" in line)
    assert uneven.split()[-1] == "resolved"
    assert "w: measured by the runner's watch" in report.output
    exported = tmp_path / "nina.json"
    CliRunner().invoke(cli, ["export", "Nina Hofmann", "--db", db, "-o", str(exported)])
    [first_kept, _] = json.loads(exported.read_text())["assessments"]
    assert first_kept["diagnosis"]["watch"]["values"]["contact_balance_left_pct"] == 53.2
    again = CliRunner().invoke(cli, ["import", str(exported), "--db", str(tmp_path / "b.db")])
    assert again.exit_code == 0, again.output


def _kept_with_watch(tmp_path, **run) -> str:
    """Nina's intake kept with a run from her watch; the database's path."""
    db = str(tmp_path / "clients.db")
    fit = write_fit(tmp_path / "run.fit", steady_run(30, **run))
    answers = str(CASES / "bouncy-stride.json")
    result = CliRunner().invoke(
        cli,
        ["intake", "Nina", "--answers", answers, "--no-input", "--db", db, "--activity", str(fit)],
    )
    assert result.exit_code == 0, result.output
    return db


def _import_edited(tmp_path, db: str, cadence) -> Any:
    """Nina's export with the watch's cadence edited, imported into a new database."""
    exported = tmp_path / "nina.json"
    CliRunner().invoke(cli, ["export", "Nina", "--db", db, "-o", str(exported)])
    data = json.loads(exported.read_text())
    data["assessments"][0]["diagnosis"]["watch"]["values"]["cadence_spm"] = cadence
    exported.write_text(json.dumps(data))
    return CliRunner().invoke(cli, ["import", str(exported), "--db", str(tmp_path / "b.db")])


def test_an_import_refuses_a_watch_runform_would_not_have_written(tmp_path):
    result = _import_edited(tmp_path, _kept_with_watch(tmp_path), "fast")
    assert result.exit_code == 1
    assert "watch.values.cadence_spm" in result.output and "Traceback" not in result.output


def test_the_interview_does_not_ask_what_the_watch_measured(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    run = write_fit(tmp_path / "easy.fit", steady_run(30, cadence=158))
    save = tmp_path / "answers.json"
    for explain in ([], ["--explain"]):
        result = CliRunner().invoke(
            cli,
            ["interview", "--save", str(save), "--activity", str(run), "--force", *explain],
            input="u\n" * 200,
        )
        assert result.exit_code == 0, result.output
        assert "cadence at easy pace" not in result.output  # the watch answered it
        shown = " ".join(result.output.split())
        # the easy pace asked first, the watch said before the first question, and in
        # the result
        assert shown.startswith("The watch's runs are read against your easy pace.")
        said = shown.index("Measured by the watch: 30 min of steady running at 5:40/km")
        assert said < shown.index("Running technique self-check")
        assert shown.count("Measured by the watch: 30 min") == 2
        if not explain:  # the follow-up reads the same runs
            assert f"runform diagnose {save} --explain --activity {run}" in shown
        # the save file keeps what was typed: the watch is read again, not taken as typed
        assert "cadence_spm" not in json.loads(save.read_text())["answers"]
        save.unlink()


def test_the_same_run_given_twice_counts_once(tmp_path):
    run = write_fit(tmp_path / "easy.fit", steady_run(30))
    copy = tmp_path / "copy of easy.fit"
    copy.write_bytes(run.read_bytes())
    summary = summarise([("easy.fit", run), ("copy.fit", copy), ("easy.fit", run)])
    assert round(summary.minutes) == 30
    assert summary.described.endswith("from 1 activity")
    assert "copy.fit: the same run as easy.fit, counted once" in summary.notes


def test_an_unmarked_interval_session_is_left_out_as_a_reference(tmp_path):
    reps = []
    for _ in range(6):
        reps += [Segment(3, speed=4.2, cadence=182, contact_ms=215), Segment(2, speed=2.5)]
    path = write_fit(
        tmp_path / "intervals.fit", [Segment(12, speed=2.5), *reps, Segment(10, speed=2.5)]
    )
    with pytest.raises(RunformError) as caught:
        summarise([("intervals.fit", path)])
    assert "intervals.fit: left out, an interval or mixed-pace session" in caught.value.problems[0]
    later = START + datetime.timedelta(days=2)
    easy = write_fit(tmp_path / "easy.fit", steady_run(30), start=later)
    summary = summarise([("intervals.fit", path), ("easy.fit", easy)])
    assert summary.files == ["easy.fit"]


def test_a_slow_runner_with_a_low_cadence_is_running_not_walking(tmp_path):
    summary = _summary(tmp_path, [Segment(40, speed=2.3, cadence=138, contact_ms=305)])
    assert round(summary.minutes) == 40
    assert summary.values["cadence_spm"] == 138
    assert summary.values["ground_contact_ms"] == 305


def test_a_day_long_file_is_summarised_in_seconds(tmp_path):
    # 4 h at one record a second: the smoothing window slides, it is not rebuilt
    summary = _summary(tmp_path, [Segment(240)])
    assert round(summary.minutes) == 240


def test_an_import_refuses_a_measurement_edited_on_one_side_only(tmp_path):
    result = _import_edited(tmp_path, _kept_with_watch(tmp_path), 999)
    assert result.exit_code == 1
    assert "diagnosis.watch.values.cadence_spm: 999 is not the answer stored with it (162)" in (
        result.output
    )


def test_a_client_s_program_rebuilt_from_the_records_still_says_the_watch(tmp_path):
    db = _kept_with_watch(tmp_path, cadence=150)
    result = CliRunner().invoke(cli, ["program", "--client", "Nina", "--db", db])
    text = " ".join(result.output.split())
    assert "Measured by the watch: 30 min of steady running at 5:40/km" in text
    assert "Cadence 150 spm, by the watch over 30 min (answered 158 spm)" in text


def test_a_balance_the_runs_disagree_on_is_not_used(tmp_path):
    summary = _summary(
        tmp_path, steady_run(30, balance_left_pct=53.1), steady_run(30, balance_left_pct=50.2)
    )
    assert "contact_balance_left_pct" not in summary.values
    assert any(
        note.startswith(
            "contact time balance not used: the runs disagree (53.1 % in run0.fit,"
            " 50.2 % in run1.fit)"
        )
        for note in summary.notes
    )
    agreeing = _summary(
        tmp_path, steady_run(30, balance_left_pct=53.1), steady_run(30, balance_left_pct=52.7)
    )
    assert agreeing.values["contact_balance_left_pct"] == 52.9


def test_runs_faster_than_the_easy_pace_are_shown_not_used(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            {
                "questionnaire": "coach-intake",
                "runner": {"easy_pace_s_per_km": 340},
                "answers": {"ground_contact_ms": 310},
            }
        )
    )
    tempo = write_fit(tmp_path / "tempo.fit", steady_run(30, speed=3.7, contact_ms=215))
    found = json.loads(_diagnose(answers, "--activity", tempo, "--format", "json").output)
    assert found["watch"]["values"] == {}
    assert found["watch"]["notes"][-1].startswith(
        "not used: the steady running was at 4:30/km, faster than the easy pace of 5:40/km"
    )
    assert "long_ground_contact" in [d["id"] for d in found["defects"]]  # the typed 310 ms
    # kept, a summary of runs not used gives no pace for the progress report either
    from diagnose.kept import KeptDiagnosis

    assert KeptDiagnosis.read(found).watch_pace is None
    easy = write_fit(tmp_path / "easy.fit", steady_run(30, speed=2.9, contact_ms=305))
    found = json.loads(_diagnose(answers, "--activity", easy, "--format", "json").output)
    assert found["watch"]["values"]["ground_contact_ms"] == 305


def test_an_easy_pace_is_asked_as_minutes_and_seconds(kb):
    from diagnose.knowledge.kinds import RUNNER_FIELDS

    assert RUNNER_FIELDS["easy_pace_s_per_km"].coerce("5:40") == 340
    assert kb.observations["plank_hold_s"].coerce("1:30") == 90
    with pytest.raises(ValueError):
        RUNNER_FIELDS["easy_pace_s_per_km"].coerce("25:00")


def test_the_interview_says_when_the_runs_were_too_fast_to_use(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    answers = tmp_path / "slow.json"
    answers.write_text(json.dumps({"runner": {"easy_pace_s_per_km": 400}, "answers": {}}))
    run = write_fit(tmp_path / "easy.fit", steady_run(30))
    result = CliRunner().invoke(
        cli,
        ["interview", "--answers", str(answers), "--save", str(tmp_path / "s.json")]
        + ["--activity", str(run)],
        input="u\n" * 200,
    )
    assert result.exit_code == 0, result.output
    first = " ".join(result.output.split("\n\n")[0].split())
    assert first.startswith("Measured by the watch: 30 min of steady running at 5:40/km")
    assert "not used: the steady running was at 5:40/km, faster than the easy pace of 6:40/km" in (
        first
    )
    assert "cadence at easy pace" in result.output  # so the question is asked


def test_a_folder_stands_for_every_fit_file_in_it(tmp_path):
    answers = _answers(tmp_path, cadence_spm=170)
    result = _diagnose(answers, "--activity", DATA, "--format", "json")
    assert result.exit_code == 1  # the bike ride in it could not be used: said, not fatal
    watch = json.loads(result.stdout)["watch"]
    assert watch["files"] == [str(DATA / "easy-run-with-strides.fit")]
    assert watch["unusable"] == [f"{DATA / 'bike-ride.fit'}: a cycling activity, not a run"]
    empty = tmp_path / "no-runs"
    empty.mkdir()
    result = _diagnose(answers, "--activity", empty)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {empty}: no *.fit activity files in this folder"


def test_an_easy_pace_given_first_keeps_the_questions_of_runs_too_fast_to_use(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    run = write_fit(tmp_path / "easy.fit", steady_run(30))  # 5:40/km
    save = tmp_path / "s.json"
    result = CliRunner().invoke(
        cli,
        ["interview", "--save", str(save), "--activity", str(run)],
        input="7:00\n" + "u\n" * 200,
    )
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert "not used: the steady running was at 5:40/km, faster than the easy pace of 7:00/km" in (
        shown
    )
    assert "cadence at easy pace" in result.output  # asked, not skipped and then dropped
    assert json.loads(save.read_text())["runner"]["easy_pace_s_per_km"] == 420


def test_the_interview_result_shows_a_typed_answer_the_watch_contradicts(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    answers = tmp_path / "typed.json"
    answers.write_text(
        json.dumps({"runner": {"easy_pace_s_per_km": 345}, "answers": {"cadence_spm": 140}})
    )
    run = write_fit(tmp_path / "easy.fit", steady_run(30, cadence=163))
    result = CliRunner().invoke(
        cli,
        ["interview", "--answers", str(answers), "--save", str(tmp_path / "s.json")]
        + ["--activity", str(run)],
        input="u\n" * 200,
    )
    shown = " ".join(result.output.split())
    assert (
        "- Cadence: 163 spm, over 30 min (answered 140 spm; the measurement is used: more than a"
        " tenth apart, so measure an easy run again to settle it)"
    ) in shown


def test_compare_and_progress_warn_when_the_watch_runs_differ_in_pace(tmp_path):
    db = str(tmp_path / "clients.db")
    answers = str(CASES / "bouncy-stride.json")
    for day, speed in ((0, 2.94), (7, 2.6)):  # 5:40/km, then 6:25/km
        run = write_fit(
            tmp_path / f"run{day}.fit",
            steady_run(30, speed=speed),
            start=START + datetime.timedelta(days=day),
        )
        CliRunner().invoke(
            cli,
            [
                "intake",
                "Nina",
                "--answers",
                answers,
                "--no-input",
                "--db",
                db,
                "--activity",
                str(run),
            ],
        )
    said = "The watch's runs were at different paces (5:40/km to 6:25/km)"
    for command in (["compare", "Nina"], ["progress", "Nina"]):
        result = CliRunner().invoke(cli, [*command, "--db", db])
        assert result.exit_code == 0, result.output
        assert said in " ".join(result.output.split())


def test_compare_and_progress_warn_when_a_measurement_changed_method(tmp_path):
    """Typed 158 spm, then 166 from the watch: the low cadence that goes is not called
    progress without saying the method changed; the same method twice says nothing."""
    db = str(tmp_path / "clients.db")
    answers = str(CASES / "bouncy-stride.json")
    run = write_fit(tmp_path / "run.fit", steady_run(30, cadence=166))
    for extra in ([], ["--activity", str(run)]):
        result = CliRunner().invoke(
            cli, ["intake", "Nina", "--answers", answers, "--no-input", "--db", db, *extra]
        )
        assert result.exit_code == 0, result.output
    # (the run also measured contact time, step length and bounce, typed in before)
    said = (
        "Cadence, ground contact time, step length and vertical oscillation came from the"
        " watch at one assessment and were typed in at another"
    )
    for command in (["compare", "Nina"], ["progress", "Nina"]):
        result = CliRunner().invoke(cli, [*command, "--db", db])
        assert result.exit_code == 0, result.output
        assert said in " ".join(result.output.split()), result.output
    same = str(tmp_path / "same.db")
    for _ in range(2):
        CliRunner().invoke(
            cli, ["intake", "Nina", "--answers", answers, "--no-input", "--db", same]
        )
    for command in (["compare", "Nina"], ["progress", "Nina"]):
        result = CliRunner().invoke(cli, [*command, "--db", same])
        assert "came from the watch" not in result.output
