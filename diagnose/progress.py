"""Progress between two assessments: what resolved, what persists, what is new."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("red_flags", "defects", "causes")


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
    before: dict[str, Any], after: dict[str, Any], open_rules: frozenset[str] = frozenset()
) -> dict[str, list[Change]]:
    """Per kind (defects, causes): resolved first, then persisting, then new, then what
    the later assessment did not check: a finding is resolved only when everything it
    rested on was decided again, through the chain (a cause that rested on a defect whose
    questions went unanswered is not resolved); when any rule that found it was left
    undecided (`open_rules`), it is not checked."""
    order = {"resolved": 0, "persisting": 1, "new": 2, "not checked": 3}
    result: dict[str, list[Change]] = {}
    for kind in KINDS:
        then = {f["id"]: f for f in before.get(kind, [])}
        now = {f["id"]: f for f in after.get(kind, [])}
        changes = [
            Change(
                ident,
                (now.get(ident) or then[ident])["name"],
                then[ident]["certainty"] if ident in then else None,
                now[ident]["certainty"] if ident in now else None,
                unchecked=ident not in now and _unchecked(then[ident], open_rules),
                partly_checked=ident in now
                and ident in then
                and _partly_unchecked(then[ident], open_rules),
            )
            for ident in {*then, *now}
        ]
        changes.sort(key=lambda c: (order[c.status], -(c.after or c.before or 0), c.id))
        result[kind] = changes
    return result


def _unchecked(finding: dict[str, Any], open_rules: frozenset[str]) -> bool:
    """Some rule that found it is undecided now (its own questions, or those of the
    conclusions it used, went unanswered): its absence proves nothing."""
    return any(support.get("rule") in open_rules for support in finding.get("because", []))


def _partly_unchecked(finding: dict[str, Any], open_rules: frozenset[str]) -> bool:
    return any(support.get("rule") in open_rules for support in finding.get("because", []))


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "values": list(self.values),
            "unit": self.unit,
            "status": self.status,
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


def progress_report(
    client: str,
    assessments: list[Any],
    measured: dict[str, tuple[str, str]],
    open_rules: frozenset[str] = frozenset(),
) -> ProgressReport:
    """Every assessment of a client side by side: each defect, cause and red flag with
    its certainty each time and its status from the first to the last (through the same
    rules as `compare`), and each measurement or test result given (`measured`: id ->
    (name, unit), in the knowledge base's order)."""
    first, last = assessments[0].diagnosis, assessments[-1].diagnosis
    statuses = {
        (kind, change.id): change.status
        for kind, changes in compare(first, last, open_rules).items()
        for change in changes
    }
    findings = []
    for kind in KINDS:
        names: dict[str, str] = {}
        for assessment in assessments:
            for finding in assessment.diagnosis.get(kind, []):
                names.setdefault(finding["id"], finding["name"])
        for ident, name in names.items():
            values = tuple(
                next(
                    (f["certainty"] for f in a.diagnosis.get(kind, []) if f["id"] == ident),
                    None,
                )
                for a in assessments
            )
            status = statuses.get((kind, ident), "")
            if len(assessments) > 1 and status == "" and values[0] is None and values[-1] is None:
                status = "came and went"
            findings.append(Series(kind[:-1].replace("_", " "), ident, name, values, "", status))
    measurements = []
    for ident, (name, unit) in measured.items():
        values = tuple(
            float(a.answers[ident]) if isinstance(a.answers.get(ident), (int, float)) else None
            for a in assessments
        )
        if any(v is not None for v in values):
            measurements.append(Series("measurement", ident, name, values, unit))
    return ProgressReport(
        client,
        tuple((a.number, a.taken_at[:10]) for a in assessments),
        tuple(findings),
        tuple(measurements),
    )
