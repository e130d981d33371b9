"""Progress between two assessments: what resolved, what persists, what is new."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .kept import KINDS, KeptDiagnosis, KeptFinding


@dataclass(frozen=True)
class Change:
    id: str
    name: str
    before: float | None  # certainty then (None: not found then)
    after: float | None  # certainty now
    # gone now, but the later assessment left open the questions that would show it:
    # not seen, which is not the same as resolved
    unchecked: bool = False
    # still found, but some of the rules that found it before went unasked: the change
    # in certainty may only be the questions that were skipped
    partly_checked: bool = False

    @property
    def status(self) -> str:
        if self.after is None:
            return "not checked" if self.unchecked else "resolved"
        if self.before is None:
            return "new"
        return "persisting"

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "before": self.before,
            "after": self.after,
            "change": self.delta,
            "partly_checked": self.partly_checked,
        }


def compare(
    before: KeptDiagnosis, after: KeptDiagnosis, later_answers: dict[str, Any]
) -> dict[str, list[Change]]:
    """Per kind (red flags, defects, causes): resolved first, then persisting, then new,
    then what the later assessment did not check. A finding is resolved only when the
    later assessment answered again everything it rested on, through the chain (the
    answers behind the defects a cause rested on included); otherwise, gone, it is not
    checked, and still there, it is marked as partly checked."""
    order = {"resolved": 0, "persisting": 1, "new": 2, "not checked": 3}
    result: dict[str, list[Change]] = {}
    for kind in KINDS:
        then = {f.id: f for f in before.of(kind)}
        now = {f.id: f for f in after.of(kind)}
        changes = []
        for ident in {*then, *now}:
            checked = ident not in then or _checked_again(then[ident], before, later_answers)
            changes.append(
                Change(
                    ident,
                    (now.get(ident) or then[ident]).name,
                    then[ident].certainty if ident in then else None,
                    now[ident].certainty if ident in now else None,
                    unchecked=ident not in now and not checked,
                    partly_checked=ident in now and ident in then and not checked,
                )
            )
        changes.sort(key=lambda c: (order[c.status], -(c.after or c.before or 0), c.id))
        result[kind] = changes
    return result


# watch runs this far apart in pace measure a runner differently (contact time, cadence
# and bounce all change with speed)
PACE_APART = 0.05


def pace_caveat(paces: list[float | None]) -> str | None:
    """A warning when the watch's runs behind the assessments were at clearly different
    paces (seconds a km), so a change may be only the pace."""
    from .watch import pace_words

    known = [p for p in paces if p]
    if len(known) < 2 or max(known) <= min(known) * (1 + PACE_APART):
        return None
    return (
        f"The watch's runs were at different paces ({pace_words(min(known))} to"
        f" {pace_words(max(known))}): contact time, cadence and bounce change with pace, so"
        " part of a change in them, or in what they show, may be the pace."
    )


def method_caveat(names: list[str]) -> str | None:
    """A warning when measurements were taken one way at one assessment and another way
    at another (the watch, then typed in, or the reverse): a watch's figure over steady
    running and a count by hand differ, so a change may be only the method."""
    if not names:
        return None
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    one = len(names) == 1
    return (
        f"{listed[0].upper()}{listed[1:]} came from the watch at one assessment and "
        f"{'was' if one else 'were'} typed in at another: a "
        f"watch and a count by hand can differ, so part of a change in {'it' if one else 'them'}, "
        f"or in what {'it shows' if one else 'they show'} (such as a resolved low cadence), may "
        f"be the way {'it was' if one else 'they were'} measured. Measure "
        f"{'it' if one else 'them'} the same way each time."
    )


def measured_differently(series: list[tuple[str, list[tuple[Any, bool]]]]) -> list[str]:
    """Names of the measurements known at two or more assessments, from the watch at some
    and typed in at others: (name, [(value, by the watch) at each assessment])."""
    return [
        name
        for name, taken in series
        if len({by_watch for value, by_watch in taken if _known(value)}) > 1
    ]


def _known(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# a fact of a trace that names a conclusion, e.g. "defect heel_strike", -> its kind
FACT_KINDS = {"red flag": "red_flags", "defect": "defects", "cause": "causes"}


def _checked_again(
    finding: KeptFinding,
    diagnosis: KeptDiagnosis,
    answers: dict[str, Any],
    seen: frozenset[str] = frozenset(),
) -> bool:
    """Every answer the finding rested on (through the conclusions it used) was given
    again, known, in the later assessment."""
    for support in finding.because:
        for fact in support.facts:
            if " = " in fact:
                if answers.get(fact.split(" = ", 1)[0], "unknown") == "unknown":
                    return False
                continue
            noun, _, ident = fact.rpartition(" ")
            kind = FACT_KINDS.get(noun)
            if kind is None or ident in seen:
                continue  # "not established: ...", a readiness, or a loop: nothing to ask
            used = diagnosis.find(kind, ident)
            if used is not None and not _checked_again(used, diagnosis, answers, seen | {ident}):
                return False
    return True


# ---------------------------------------------------------------- across all assessments


@dataclass(frozen=True)
class Series:
    """One line of the progress report: a finding's certainty, or a measurement, at each
    assessment (None: not found, or not measured, that time)."""

    kind: str  # "defect" | "cause" | "red flag" | "measurement"
    id: str
    name: str
    values: tuple[float | None, ...]
    unit: str = ""  # for measurements
    status: str = ""  # first to last: resolved | persisting | new | not checked | ""
    # for findings: False where it was not found and that assessment did not ask again
    # what it had rested on (not seen is not the same as gone)
    checked: tuple[bool, ...] = ()
    # for measurements: True where the runner's watch measured it (`--activity`)
    by_watch: tuple[bool, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "values": list(self.values),
            "checked": list(self.checked),
            "unit": self.unit,
            "status": self.status,
            **({"by_watch": list(self.by_watch)} if self.by_watch else {}),
        }


@dataclass(frozen=True)
class ProgressReport:
    client: str
    assessments: tuple[tuple[int, str], ...]  # (number, date)
    findings: tuple[Series, ...]
    measurements: tuple[Series, ...]

    @property
    def title(self) -> str:
        return f"Progress of {self.client}"

    def named(self, status: str) -> list[str]:
        return [s.name for s in self.findings if s.status == status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "assessments": [{"number": n, "date": d} for n, d in self.assessments],
            "findings": [s.to_dict() for s in self.findings],
            "measurements": [s.to_dict() for s in self.measurements],
        }


def _checked_each_time(kind: str, ident: str, assessments: list[Any]) -> tuple[bool, ...]:
    """For each assessment: was the finding there, or was what it last rested on asked
    again (so its absence means gone, not unseen)?"""
    out = []
    last = None  # (finding, diagnosis) where it was last found
    for assessment in assessments:
        found = assessment.diagnosis.find(kind, ident)
        if found is not None or last is None:
            out.append(True)
        else:
            out.append(_checked_again(last[0], last[1], assessment.answers))
        if found is not None:
            last = (found, assessment.diagnosis)
    return tuple(out)


def progress_report(
    client: str, assessments: list[Any], measured: dict[str, tuple[str, str]]
) -> ProgressReport:
    """Every assessment of a client side by side: each defect, cause and red flag with
    its certainty each time and its status from the first to the last (through the same
    rules as `compare`), and each measurement or test result given (`measured`: id ->
    (name, unit), in the knowledge base's order)."""
    first, last = assessments[0].diagnosis, assessments[-1].diagnosis
    # one assessment: nothing to compare with yet, so no status (not "persisting")
    statuses = {
        (kind, change.id): change.status
        for kind, changes in compare(first, last, assessments[-1].answers).items()
        for change in changes
        if len(assessments) > 1
    }
    findings = []
    for kind in KINDS:
        names: dict[str, str] = {}
        for assessment in assessments:
            for finding in assessment.diagnosis.of(kind):
                names.setdefault(finding.id, finding.name)
        for ident, name in names.items():
            values = tuple(
                found.certainty if (found := a.diagnosis.find(kind, ident)) else None
                for a in assessments
            )
            status = statuses.get((kind, ident), "")
            if len(assessments) > 1 and status == "" and values[0] is None and values[-1] is None:
                status = "came and went"
            checked = _checked_each_time(kind, ident, assessments)
            findings.append(
                Series(kind[:-1].replace("_", " "), ident, name, values, "", status, checked)
            )
    measurements = []
    for ident, (name, unit) in measured.items():
        values = tuple(
            float(a.answers[ident]) if isinstance(a.answers.get(ident), (int, float)) else None
            for a in assessments
        )
        by_watch = tuple(ident in a.diagnosis.watch_values for a in assessments)
        if any(v is not None for v in values):
            measurements.append(
                Series(
                    "measurement",
                    ident,
                    name,
                    values,
                    unit,
                    by_watch=by_watch if any(by_watch) else (),
                )
            )
    paces = tuple(a.diagnosis.watch_pace for a in assessments)
    if any(p is not None for p in paces):
        # measurements change with pace: the pace they were measured at, beside them
        measurements.append(
            Series(
                "measurement",
                "watch_pace",
                "Pace of the watch's steady running",
                paces,
                "s/km",
                by_watch=tuple(p is not None for p in paces),
            )
        )
    return ProgressReport(
        client,
        tuple((a.number, a.taken_at[:10]) for a in assessments),
        tuple(findings),
        tuple(measurements),
    )
