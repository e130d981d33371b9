"""Measured evidence from the runner's watch: FIT activity files, read with Garmin's own
FIT SDK, summarised over steady running only.

What counts as steady running: the records of running sessions, outside laps the watch
marks as warm-up, cool-down, rest, recovery or interval; not standing (under 1.5 m/s)
or walking (under 140 steps a minute, unless moving faster than a walk); and, in each
activity, within 8 % of its typical speed (a 30 s rolling median, so GPS noise does not
count), which leaves out strides, unmarked efforts, hills and a slow start or end. A
file without speed (a treadmill without a foot pod) is judged on its cadence instead,
within 4 % of its typical one. A session with much of its running well above its usual
speed (unmarked intervals) is no reference, and is left out; so is the same run given
twice. Contact time, cadence and bounce all change with pace, so when the activities
were run at different paces only those within 10 % of the slowest are used (the easy
runs), and the others are named; runs clearly faster than the runner's easy pace, when
known, are shown but not used (`measure`). The summary says what it rests on ("38 min
of steady running at 5:40/km, from 2 activities") and what the files did not have.

Values (FIT's own units and scales, as the SDK gives them): cadence in strides a minute
plus fractional cadence (runform counts steps: twice that), stance time in ms, step
length in mm, vertical oscillation in mm, vertical ratio in %, stance time balance as
the left foot's share in %.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .errors import RunformError, cut


def _median(ordered: list[float]) -> float:
    """The median of values in order (statistics is a heavy import for one function)."""
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


# a 24-hour race at one record a second, running dynamics included, is about 4 MB; the
# SDK decodes some 20,000 records a second, so this also bounds the wait
MAX_FIT_BYTES = 8_000_000
MAX_ACTIVITIES = 20

# What is not steady running (docs/sources.md: garmin-running-dynamics).
NOT_STEADY_LAPS = {"warmup", "cooldown", "rest", "recovery", "interval"}
WALKING_SPM = 140  # below this many steps a minute, and slower than a jog: walking
JOGGING_MS = 2.0  # m/s: 7.2 km/h; a slow runner may step under 140 a minute above it
STOPPED_MS = 1.5  # m/s: 5.4 km/h, a walk or a stop
# an activity with this share of its running well above its typical speed (by 15 %) is
# an interval or mixed session, not a reference for easy running
EFFORTS_SHARE = 0.15
EFFORT_ABOVE = 0.15
STEADY_BAND = 0.08  # within 8 % of the activity's typical speed
STEADY_CADENCE_BAND = 0.04  # without speed: within 4 % of its typical cadence
SAME_PACE = 0.10  # activities within 10 % of the slowest one's speed are used together
SMOOTHING_S = 30  # the rolling median that speed is judged on
LONGEST_RECORD_S = 10  # a gap longer than this is a pause, counted as this much
ENOUGH_MINUTES = 5  # less steady running than this is not enough to go on
ENOUGH_METRIC_MINUTES = 2  # a measure needs at least this much of the steady running

# observation id -> (the record's field(s), how to make runform's value, decimals, words)
MEASURES: dict[str, tuple[str, Any, int, str]] = {
    "cadence_spm": ("cadence", None, 0, "cadence"),
    "ground_contact_ms": ("stance_time", None, 0, "ground contact time"),
    "stride_length_m": ("step_length", lambda mm: mm / 1000, 2, "step length"),
    "vertical_oscillation_cm": (
        "vertical_oscillation",
        lambda mm: mm / 10,
        1,
        "vertical oscillation",
    ),
    "vertical_ratio_pct": ("vertical_ratio", None, 1, "vertical ratio"),
    "contact_balance_left_pct": ("stance_time_balance", None, 1, "contact time balance"),
}


@dataclass
class _Record:
    when: datetime
    seconds: float  # how long this record stands for
    speed: float | None  # m/s
    values: dict[str, float]  # runform's measure -> the record's value, FIT units
    run: str = ""  # the activity file it comes from


@dataclass
class Activity:
    """One activity file, decoded: its running records, each with its lap's intensity."""

    shown: str
    records: list[_Record]  # those of laps that may be steady running
    started: datetime | None
    minutes: float  # the whole activity's running time, marked laps included
    first: datetime | None = None  # its first record: the same run twice has the same
    notes: list[str] = field(default_factory=list)


@dataclass
class WatchSummary:
    """What the activities measured over their steady running."""

    files: list[str]
    minutes: float  # of steady running used
    pace_s_per_km: float | None
    values: dict[str, float | int]  # observation id -> runform's value
    minutes_of: dict[str, float]  # observation id -> minutes of steady running it rests on
    missing: list[str]  # measures no file had (in words)
    notes: list[str]  # per file: what was left out, or why it gave nothing
    # the files that could not be used at all, each "FILE: why" (the others still were)
    problems: list[str] = field(default_factory=list)
    pace_minutes: float = 0.0  # of the steady running the pace rests on (some has no speed)

    @property
    def described(self) -> str:
        pace = f" at {pace_words(self.pace_s_per_km)}" if self.pace_s_per_km else ""
        if pace and self.minutes - self.pace_minutes >= 1:
            pace += f" (pace from {self.pace_minutes:.0f} of the {self.minutes:.0f} min)"
        count = len(self.files)
        return (
            f"{self.minutes:.0f} min of steady running{pace}, from {count} "
            f"{'activity' if count == 1 else 'activities'}"
        )

    def how(self, obs: str) -> str:
        """How one value was measured, for the trace: "measured by the watch over 38 min
        at 5:40/km" (contact time, cadence and bounce all change with pace)."""
        return _how(self.minutes_of[obs], self.pace_s_per_km)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.described,
            "files": list(self.files),
            "minutes": round(self.minutes, 1),
            "pace_s_per_km": round(self.pace_s_per_km) if self.pace_s_per_km else None,
            "values": dict(self.values),
            "minutes_of": {k: round(v, 1) for k, v in self.minutes_of.items()},
            "missing": list(self.missing),
            "notes": list(self.notes),
            "unusable": list(self.problems),  # files that could not be read, and why
        }


def _how(minutes: float, pace_s_per_km: float | None) -> str:
    pace = f" at {pace_words(pace_s_per_km)}" if pace_s_per_km else ""
    return f"measured by the watch over {minutes:.0f} min{pace}"


def kept_measurements(report: dict[str, Any]) -> Measured:
    """The measurements of a summary kept with an assessment (`Measured.report`), to
    diagnose its stored answers (which hold them) with the watch said again."""
    how = {obs: _how(m, report.get("pace_s_per_km")) for obs, m in report["minutes_of"].items()}
    return Measured(dict(report["values"]), how, report)


def pace_words(seconds_per_km: float) -> str:
    whole = round(seconds_per_km)
    return f"{whole // 60}:{whole % 60:02d}/km"


# ---------------------------------------------------------------- reading one file


def read_activity(path: Any, shown: str | None = None) -> Activity:
    """One FIT activity file, or a RunformError that names the file and says what is
    wrong with it (not a FIT file, damaged, cut short, not an activity, not a run...)."""
    from .files import read_bytes

    shown = shown or str(path)
    data = read_bytes(path, shown, MAX_FIT_BYTES)
    messages = _decode(data, shown)
    kinds = {m.get("type") for m in messages.get("file_id_mesgs", [])}
    if kinds and "activity" not in kinds:
        kind = ", ".join(sorted(str(k) for k in kinds))
        raise RunformError(f"{shown}: a FIT {kind} file, not an activity")
    sessions = messages.get("session_mesgs", [])
    running = [s for s in sessions if s.get("sport") == "running"]
    if sessions and not running:
        sports = sorted({str(s.get("sport", "unknown")).replace("_", " ") for s in sessions})
        raise RunformError(f"{shown}: a {' and '.join(sports)} activity, not a run")
    records, minutes = _records(messages, running)
    for record in records:
        record.run = shown
    if not minutes:
        raise RunformError(f"{shown}: no running records in the file")
    started = running[0].get("start_time") if running else None
    first = min((r.when for r in records), default=None)
    return Activity(
        shown, records, started if isinstance(started, datetime) else None, minutes, first
    )


def _decode(data: bytes, shown: str) -> dict[str, list[dict]]:
    from garmin_fit_sdk import Decoder, Stream

    if not Decoder(Stream.from_byte_array(bytearray(data))).is_fit():
        raise RunformError(f"{shown}: not a FIT file")
    if not Decoder(Stream.from_byte_array(bytearray(data))).check_integrity():
        raise RunformError(f"{shown}: damaged or cut short (its checksum does not match)")
    try:
        messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
            convert_datetimes_to_dates=True, merge_heart_rates=False
        )
    except Exception as exc:  # noqa: BLE001  (the SDK's own failure on a bad file)
        errors = [exc]
    if errors:
        said = str(errors[0])
        # the SDK's own account of a bad record; anything else is its code tripping
        # over the damage, which says nothing to a runner
        why = said.removeprefix("FIT Runtime Error ") if "FIT Runtime Error" in said else ""
        raise RunformError(
            f"{shown}: damaged, could not be read as FIT ({cut(why or 'a record is cut short')})"
        )
    return messages


class _Windows:
    """The time windows of laps or sessions (start_time to timestamp), to find the one a
    record falls in without going through them all for each record."""

    def __init__(self, messages: Iterable[dict]):
        found = []
        for message in messages:
            start, end = message.get("start_time"), message.get("timestamp")
            if isinstance(start, datetime) and isinstance(end, datetime):
                found.append((end, start, message))
        found.sort(key=lambda window: (window[0], window[1]))
        self._windows = found
        self._ends = [end for end, _, _ in found]

    def __bool__(self) -> bool:
        return bool(self._windows)

    def at(self, when: datetime) -> dict | None:
        """The earliest-ending window holding `when` (at a lap's end, that lap rather
        than the next, which starts there); windows do not overlap in a watch's file."""
        index = bisect.bisect_left(self._ends, when)
        if index == len(self._windows):
            return None
        _, start, message = self._windows[index]
        return message if start <= when else None


def _records(messages: dict[str, list[dict]], running: list[dict]) -> tuple[list[_Record], float]:
    """The records of the running sessions (all of them when the file names no session),
    each standing for the time to the next one (a pause counts as at most 10 s), with
    the laps marked as other than steady running left out; and the minutes of all."""
    sessions = _Windows(running)
    laps = _Windows(messages.get("lap_mesgs", []))
    timed = [
        r for r in messages.get("record_mesgs", []) if isinstance(r.get("timestamp"), datetime)
    ]
    timed.sort(key=lambda r: r["timestamp"])
    found: list[_Record] = []
    total = 0.0
    for index, record in enumerate(timed):
        when = record["timestamp"]
        if sessions and sessions.at(when) is None:
            continue
        after = timed[index + 1]["timestamp"] if index + 1 < len(timed) else when
        seconds = min(max((after - when).total_seconds(), 0.0), LONGEST_RECORD_S) or 1.0
        total += seconds
        lap = laps.at(when)
        if lap is not None and lap.get("intensity") in NOT_STEADY_LAPS:
            continue
        found.append(_Record(when, seconds, _speed(record), _values(record)))
    return found, total / 60


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _speed(record: dict) -> float | None:
    speed = _number(record.get("enhanced_speed"))
    return speed if speed is not None else _number(record.get("speed"))


def _values(record: dict) -> dict[str, float]:
    values: dict[str, float] = {}
    strides = _number(record.get("cadence"))
    if strides is not None and strides > 0:
        values["cadence_spm"] = 2 * (strides + (_number(record.get("fractional_cadence")) or 0))
    for obs, (name, _, _, _) in MEASURES.items():
        if obs == "cadence_spm":
            continue
        value = _number(record.get(name))
        if value is not None and value > 0:
            values[obs] = value
    return values


# ---------------------------------------------------------------- steady running


def _running(record: _Record) -> bool:
    """Not standing or walking: a walk is slow and short-stepped; a slow runner may take
    under 140 steps a minute, but moves faster than a walk."""
    speed = record.speed
    if speed is not None and speed < STOPPED_MS:
        return False
    cadence = record.values.get("cadence_spm")
    if cadence is not None and cadence < WALKING_SPM:
        return speed is not None and speed >= JOGGING_MS
    return True


def _smoothed(records: list[_Record], value) -> list[float | None]:
    """Each record's value (its speed, or its cadence) as the median of the 30 s around
    it (GPS speed jumps about from one second to the next); None for a record without
    one. A window slides over the records, kept sorted, so a long file stays quick."""
    half = timedelta(seconds=SMOOTHING_S / 2)
    window: list[float] = []  # the values around the current record, sorted
    smoothed: list[float | None] = []
    low = high = 0  # records[low:high] are in the window
    for record in records:
        while high < len(records) and records[high].when <= record.when + half:
            if (v := value(records[high])) is not None:
                bisect.insort(window, v)
            high += 1
        while records[low].when < record.when - half:
            if (v := value(records[low])) is not None:
                del window[bisect.bisect_left(window, v)]
            low += 1
        known = value(record) is not None and window
        smoothed.append(_median(window) if known else None)
    return smoothed


def _speed_of(record: _Record) -> float | None:
    return record.speed


def _cadence_of(record: _Record) -> float | None:
    return record.values.get("cadence_spm")


def _steady_in(activity: Activity) -> list[_Record]:
    """An activity's records of steady running: within 8 % of its typical speed, or of
    its typical cadence when it has no speed."""
    running = [r for r in activity.records if _running(r)]
    value, band = (_speed_of, STEADY_BAND)
    if not any(r.speed for r in running):
        value, band = (_cadence_of, STEADY_CADENCE_BAND)
    smoothed = _smoothed(running, value)
    known = [v for v in smoothed if v is not None]
    if not known:
        return running
    typical = _median(sorted(known))
    if value is _speed_of:
        fast = [
            r.seconds
            for r, v in zip(running, smoothed, strict=True)
            if v and v > typical * (1 + EFFORT_ABOVE)
        ]
        if sum(fast) >= EFFORTS_SHARE * sum(r.seconds for r in running):
            activity.notes.append(
                f"{activity.shown}: left out, an interval or mixed-pace session (about"
                f" {sum(fast) / 60:.0f} min well above its usual speed): use an easy run"
            )
            return []
    return [
        r
        for r, v in zip(running, smoothed, strict=True)
        if v is None or abs(v - typical) <= band * typical
    ]


def _mean_speed(records: list[_Record]) -> float | None:
    timed = [(r.speed, r.seconds) for r in records if r.speed]
    return sum(v * s for v, s in timed) / sum(s for _, s in timed) if timed else None


def steady(activities: list[Activity]) -> tuple[list[_Record], list[str]]:
    """The records of steady running, from the activities run at an easy pace (within
    10 % of the slowest one's: contact time and cadence change with pace), and the
    activities they come from."""
    kept_by: list[list[_Record]] = [_steady_in(activity) for activity in activities]
    speeds = [_mean_speed(records) for records in kept_by]
    slowest = min((v for v in speeds if v), default=None)
    kept: list[_Record] = []
    used: list[str] = []
    for activity, inside, speed in zip(activities, kept_by, speeds, strict=True):
        minutes = sum(r.seconds for r in inside) / 60
        if not inside:
            if not activity.notes:
                activity.notes.append(f"{activity.shown}: no steady running in it")
            continue
        if slowest and speed and speed > slowest * (1 + SAME_PACE):
            activity.notes.append(
                f"{activity.shown}: left out, run faster ({pace_words(1000 / speed)} against"
                f" {pace_words(1000 / slowest)}): contact time, cadence and bounce change"
                " with pace"
            )
            continue
        if activity.minutes - minutes >= 1:
            activity.notes.append(
                f"{activity.shown}: {minutes:.0f} of {activity.minutes:.0f} min used (the rest"
                " was not steady running: warm-up, walking, stops, hills, strides or efforts)"
            )
        kept.extend(inside)
        used.append(activity.shown)
    return kept, used


# runs whose contact time balance differs by more than this (percentage points) do not
# show one lasting balance: a strap moved, a cambered road, a tired day
BALANCE_SPREAD = 2.0


def _unlike_runs(kept: list[_Record], obs: str) -> str | None:
    """Why a measure that should be the runner's own is not used: the runs that have
    enough of it disagree (None when they agree, or only one run has it)."""
    by_run: dict[str, list[tuple[float, float]]] = {}
    for record in kept:
        if obs in record.values:
            by_run.setdefault(record.run, []).append((record.values[obs], record.seconds))
    means = {
        run: sum(v * s for v, s in pairs) / sum(s for _, s in pairs)
        for run, pairs in by_run.items()
        if sum(s for _, s in pairs) >= ENOUGH_METRIC_MINUTES * 60
    }
    if len(means) < 2 or max(means.values()) - min(means.values()) <= BALANCE_SPREAD:
        return None
    shown = ", ".join(f"{v:.1f} % in {run}" for run, v in means.items())
    return (
        f"contact time balance not used: the runs disagree ({shown}), so it is not a lasting"
        " balance (a strap moved, a sloping road or a tired day)"
    )


def _once_each(activities: list[Activity]) -> tuple[list[Activity], list[str]]:
    """Each run once: the same activity given twice (or a copy of its file) is counted
    once, and said."""
    first_given: dict[datetime, str] = {}
    once: list[Activity] = []
    notes: list[str] = []
    for activity in activities:
        if activity.first is not None and activity.first in first_given:
            notes.append(
                f"{activity.shown}: the same run as {first_given[activity.first]}, counted once"
            )
            continue
        if activity.first is not None:
            first_given[activity.first] = activity.shown
        once.append(activity)
    return once, notes


def activity_files(given: list[str]) -> list[tuple[str, str]]:
    """(shown name, path) of each activity file given; a folder stands for every *.fit
    in it, sorted."""
    from pathlib import Path

    files: list[tuple[str, str]] = []
    for name in given:
        if Path(name).is_dir():
            found = sorted(f for f in Path(name).iterdir() if f.suffix.lower() == ".fit")
            if not found:
                raise RunformError(f"{name}: no *.fit activity files in this folder")
            files += [(str(f), str(f)) for f in found]
        else:
            files.append((name, name))
    return files


def summarise(paths: list[tuple[str, Any]]) -> WatchSummary:
    """(shown name, path) of each activity file -> what they measured over their steady
    running. A file that cannot be used is left out and said (`problems`); when none
    can, or they hold too little steady running, a RunformError says why."""
    if len(paths) > MAX_ACTIVITIES:
        raise RunformError(f"{len(paths)} activity files (at most {MAX_ACTIVITIES})")
    activities: list[Activity] = []
    problems: list[str] = []
    for shown, path in paths:
        try:
            activities.append(read_activity(path, shown))
        except RunformError as exc:
            problems.extend(exc.problems)
    if not activities:
        raise RunformError(problems[0], problems)
    activities, repeated = _once_each(activities)
    kept, used = steady(activities)
    minutes = sum(r.seconds for r in kept) / 60
    if minutes < ENOUGH_MINUTES:
        files = ", ".join(a.shown for a in activities)
        problem = (
            f"{files}: only {minutes:.0f} min of steady running (runform needs at least"
            f" {ENOUGH_MINUTES}: an easy run, not intervals or a walk)"
        )
        # why files gave nothing, when they say more than the total does
        said = repeated + [n for a in activities for n in a.notes if "no steady running" not in n]
        if len(activities) == 1 and said:  # one file: one line, its reason and the total
            said, problem = [], f"{said[-1]}; only {minutes:.0f} min of steady running left"
        raise RunformError(problem, [*problems, *said, problem])
    values: dict[str, float | int] = {}
    minutes_of: dict[str, float] = {}
    missing: list[str] = []
    notes: list[str] = []
    for obs, (_, convert, decimals, words) in MEASURES.items():
        measured = [(r.values[obs], r.seconds) for r in kept if obs in r.values]
        seconds = sum(s for _, s in measured)
        if seconds < ENOUGH_METRIC_MINUTES * 60:
            missing.append(words)
            continue
        mean = sum(v * s for v, s in measured) / seconds
        if obs == "contact_balance_left_pct" and (uneven := _unlike_runs(kept, obs)):
            notes.append(uneven)
            continue
        value = round(convert(mean) if convert else mean, decimals)
        values[obs] = int(value) if decimals == 0 else value
        minutes_of[obs] = seconds / 60
    speed = _mean_speed(kept)
    pace = 1000 / speed if speed else None
    pace_minutes = sum(r.seconds for r in kept if r.speed) / 60
    notes = repeated + [note for a in activities for note in a.notes] + notes
    return WatchSummary(
        files=used,
        minutes=minutes,
        pace_s_per_km=pace,
        values=values,
        minutes_of=minutes_of,
        missing=missing,
        notes=notes,
        problems=problems,
        pace_minutes=pace_minutes,
    )


# ---------------------------------------------------------------- into the answers


@dataclass
class Measured:
    """The answers with the watch's measurements in them: what the engine runs on."""

    values: dict[str, Any]  # observation id -> canonical value, measurements included
    how: dict[str, str]  # observation id -> how it was measured (said in the trace)
    report: dict[str, Any]  # the summary, as the diagnosis shows and keeps it


# runs more than this much faster than the runner's easy pace are not easy runs
EASY_MARGIN = 0.08


def measure(
    summary: WatchSummary,
    answers: dict[str, Any],
    kb: Any,
    runner: dict[str, Any] | None = None,
) -> Measured:
    """Put the measurements into the answers. A measurement outweighs what was typed
    (both are shown); one the knowledge base does not accept (out of its range, or an
    observation it does not have) is left out and said. Runs clearly faster than the
    runner's easy pace (`runner`) are not easy runs: their values are shown, not used."""
    values = dict(answers)
    how: dict[str, str] = {}
    used: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    notes = list(summary.notes)
    easy = (runner or {}).get("easy_pace_s_per_km")
    pace = summary.pace_s_per_km
    if isinstance(easy, (int, float)) and pace and pace < easy * (1 - EASY_MARGIN):
        notes.append(
            f"not used: the steady running was at {pace_words(pace)}, faster than the easy"
            f" pace of {pace_words(easy)}, and contact time, cadence and bounce change with"
            " pace; give the watch an easy run"
        )
        report = summary.to_dict()
        report.update(values={}, minutes_of={}, typed={}, notes=notes)
        return Measured(values, how, report)
    for obs, value in summary.values.items():
        observation = kb.observations.get(obs)
        if observation is None:
            continue  # a knowledge base without this measure: nothing to say it to
        try:
            value = observation.coerce(value)
        except ValueError:
            notes.append(
                f"{observation.name.lower()} {value} {observation.unit}: outside what runform"
                " reads, not used"
            )
            continue
        given = answers.get(obs)
        if given is not None and given != "unknown" and given != value:
            typed[obs] = given
        values[obs] = value
        used[obs] = value
        how[obs] = summary.how(obs)
    report = summary.to_dict()
    report["values"] = used
    report["minutes_of"] = {k: v for k, v in report["minutes_of"].items() if k in used}
    report["typed"] = typed
    report["notes"] = notes
    return Measured(values, how, report)


def diagnose_answers(
    engine: Any, answers: Any, kb: Any, watch: WatchSummary | None, source: str | None
) -> Any:
    """One diagnosis of an answers file, with what the watch measured when given: the
    measurements go into the answers, the trace says how each was measured, and the
    diagnosis carries the summary."""
    if watch is None:
        return engine.run(answers.values, answers.runner, answers.questionnaire, source)
    measured = measure(watch, answers.values, kb, answers.runner)
    return diagnose_measured(
        engine, measured.values, answers.runner, answers.questionnaire, source, measured
    )


def diagnose_measured(
    engine: Any,
    values: dict[str, Any],
    runner: dict[str, Any],
    questionnaire: str | None,
    source: str | None,
    measured: Measured,
) -> Any:
    """A diagnosis of answers that hold the watch's measurements (`measure`): the trace
    says how each was measured, and the diagnosis carries the summary."""
    diagnosis = engine.run(values, runner, questionnaire, source, measured.how)
    diagnosis.watch = measured.report
    return diagnosis
