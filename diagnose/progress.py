"""Progress between two assessments: what resolved, what persists, what is new."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("defects", "causes")


@dataclass(frozen=True)
class Change:
    id: str
    name: str
    before: float | None  # certainty then (None: not found then)
    after: float | None  # certainty now

    @property
    def status(self) -> str:
        if self.after is None:
            return "resolved"
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
        }


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Change]]:
    """Per kind (defects, causes): resolved first, then persisting, then new."""
    order = {"resolved": 0, "persisting": 1, "new": 2}
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
            )
            for ident in {*then, *now}
        ]
        changes.sort(key=lambda c: (order[c.status], -(c.after or c.before or 0), c.id))
        result[kind] = changes
    return result
