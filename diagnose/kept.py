"""A diagnosis as the client database keeps it (the JSON `diagnose --format json`
writes), read back as typed records for the commands that look back: history,
compare, progress, clients. What was stored is kept as it was, for export."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import RunformError

KINDS = ("red_flags", "defects", "causes")  # the findings a client's progress follows


@dataclass(frozen=True)
class KeptSupport:
    """One reason a finding was concluded: its rule and the facts it fired on."""

    rule: str
    facts: tuple[str, ...]

    def answers(self) -> list[str]:
        """The observation ids among the facts ("heel_strike = yes" -> heel_strike)."""
        return [fact.split(" = ", 1)[0] for fact in self.facts if " = " in fact]


@dataclass(frozen=True)
class KeptFinding:
    id: str
    name: str
    certainty: float
    because: tuple[KeptSupport, ...] = ()


@dataclass(frozen=True)
class KeptDiagnosis:
    red_flags: tuple[KeptFinding, ...]
    defects: tuple[KeptFinding, ...]
    causes: tuple[KeptFinding, ...]
    # observation id -> value, for what the runner's watch measured (`--activity`), and
    # the pace of the steady running it rests on (seconds a km)
    watch_values: dict[str, float] = field(default_factory=dict)
    watch_pace: float | None = None
    stored: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def of(self, kind: str) -> tuple[KeptFinding, ...]:
        return getattr(self, kind)

    def find(self, kind: str, ident: str) -> KeptFinding | None:
        return next((f for f in self.of(kind) if f.id == ident), None)

    @classmethod
    def read(cls, stored: dict[str, Any], where: str = "a stored diagnosis") -> KeptDiagnosis:
        """The typed record of a stored diagnosis; a RunformError saying where when it is
        not one runform wrote (a record edited by hand inside the database)."""
        try:
            findings = {kind: tuple(_finding(f) for f in stored.get(kind, [])) for kind in KINDS}
            watch = stored.get("watch") or {}
            values = {str(k): float(v) for k, v in (watch.get("values") or {}).items()}
            pace = watch.get("pace_s_per_km")
            # the pace of runs whose values were used (too fast ones are only shown)
            pace = float(pace) if pace is not None and values else None
        except (AttributeError, KeyError, TypeError, ValueError):
            raise RunformError(f"{where} is damaged: not as runform writes it") from None
        return cls(**findings, watch_values=values, watch_pace=pace, stored=stored)


def _finding(data: dict[str, Any]) -> KeptFinding:
    return KeptFinding(
        str(data["id"]),
        str(data["name"]),
        float(data["certainty"]),
        tuple(
            KeptSupport(str(s.get("rule", "")), tuple(map(str, s.get("facts", []))))
            for s in data.get("because", [])
        ),
    )
