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
