"""The result of one inference run, and its JSON-ready form (the contract in the README)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Support:
    """One rule's part in a conclusion: the HOW trace."""

    rule: str
    reason: str  # the rule's `because`
    certainty: float  # what this rule contributed (cf × premise certainty)
    facts: tuple[str, ...]  # the facts it fired on, e.g. "heel_strike = yes", "defect heel_strike"
    # a rule of an evidence group that a stronger rule of the same group outweighs: it
    # read the same evidence, so it is shown but not counted again
    counted: bool = True

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule,
            "reason": self.reason,
            "certainty": round(self.certainty, 2),
            "facts": list(self.facts),
        }
        if not self.counted:
            out["counted"] = False
        return out


@dataclass
class Exercise:
    """What a prescribed exercise carries beside its certainty: as the JSON shows it."""

    category: str
    dose: str | None  # from the runner's own test result when the catalogue says so
    dose_after_run: str | None
    minutes: float | None
    when: list[str]
    load: str
    difficulty: int
    treats: list[str]  # defect, cause and red flag ids it answers
    follows: list[str]  # the exercises a companion goes with (ankle circles after walks)
    held_back_because: str | None = None  # "until ...": set when it waits


@dataclass
class Advice:
    """A piece of advice (let it be, see a clinician...)."""

    text: str
    treats: list[str]
    held_back_because: str | None = None


@dataclass
class RedFlagAdvice:
    advice: str


Details = Exercise | Advice | RedFlagAdvice | None


def _details_dict(details: Details) -> dict[str, Any]:
    if details is None:
        return {}
    found = dict(details.__dict__)
    if found.get("held_back_because", "") is None:
        del found["held_back_because"]  # said only of what waits
    return found


@dataclass(frozen=True)
class Finding:
    """A defect, cause, prescription, advice item or red flag, with its certainty and trace."""

    namespace: str
    id: str
    name: str
    certainty: float
    details: Details = None  # by kind: an exercise's dose..., an advice's text...
    # how to write the trace (`because`), only when something reads it (a printout,
    # JSON, --explain): the interview's next question and `kb test` do not
    trace: Callable[[], tuple[Support, ...]] | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def because(self) -> tuple[Support, ...]:
        """The rules that concluded it, counted and strongest first: the HOW trace."""
        return self.trace() if self.trace is not None else ()

    def __getstate__(self) -> dict[str, Any]:
        # a copy for another process carries the trace, not the way to write it
        state = dict(self.__dict__)
        state["because"] = self.because
        state["trace"] = None
        return state

    @property
    def treats(self) -> list[str]:
        return getattr(self.details, "treats", [])

    @property
    def held_back_because(self) -> str | None:
        return getattr(self.details, "held_back_because", None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "certainty": round(self.certainty, 2),
            **_details_dict(self.details),
            "because": [s.to_dict() for s in self.because],
        }


@dataclass(frozen=True)
class Disagreement:
    """A conclusion the answers argue both ways, strongly each way (a hip seen dropping,
    a steady single-leg squat): the balance of certainty hides that, so it is said, for
    the coach to test again rather than trust the sum."""

    namespace: str  # "defect" | "cause" | "readiness"
    id: str
    name: str
    certainty: float  # the balance (below the threshold: not concluded)
    for_: tuple[Support, ...]
    against: tuple[Support, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "namespace": self.namespace,
            "id": self.id,
            "name": self.name,
            "certainty": round(self.certainty, 2),
            "for": [s.to_dict() for s in self.for_],
            "against": [s.to_dict() for s in self.against],
        }


@dataclass(frozen=True)
class Gate:
    """Work the rules would prescribe once a readiness is shown (bounding, once ready for
    jumps), and what that readiness still lacks: the expert system's "why not"."""

    readiness: str  # the readiness id (it opens a load)
    name: str
    waiting: tuple[tuple[str, str], ...]  # (prescription id, name) it would open
    missing: tuple[str, ...]  # "Hopping without pain: not tested", ...

    @property
    def words(self) -> str:
        """Why the work waits: "until ready for jumps and bounding (still missing:
        Hopping without pain: not tested)"."""
        missing = "; ".join(self.missing)
        return f"until {self.name[0].lower()}{self.name[1:]}" + (
            f" (still missing: {missing})" if missing else ""
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "readiness": self.readiness,
            "name": self.name,
            "waiting": [{"id": i, "name": n} for i, n in self.waiting],
            "missing": list(self.missing),
        }


# The health screen (docs/sources.md: readiness questions): every screen question answered
# and none a yes; some still open (unknown or not asked), no yes; or a red flag.
CLEAR, INCOMPLETE, RED_FLAG = "clear", "incomplete", "red_flag"


@dataclass
class Diagnosis:
    defects: list[Finding]
    causes: list[Finding]
    prescriptions: list[Finding]
    red_flags: list[Finding]
    advice: list[Finding]
    # prescriptions withheld (a red flag, an open health screen, or readiness not shown);
    # each says why in its held_back_because
    held_back: list[Finding]
    answers: dict[str, Any]
    runner: dict[str, Any] = field(default_factory=dict)
    questionnaire: str | None = None
    source: str | None = None
    fired: frozenset[str] = frozenset()  # every rule that fired, kept or not (for kb test)
    # positive evidence of readiness for load (a controlled single-leg squat, ...)
    readiness: list[Finding] = field(default_factory=list)
    health: str = CLEAR  # CLEAR | INCOMPLETE | RED_FLAG
    screen_open: list[str] = field(default_factory=list)  # health questions not answered
    # the load levels this runner may be given (a red flag: none but gentle mobility)
    open_loads: frozenset[str] = frozenset({"gentle", "moderate", "loaded"})
    # prescriptions the rules argue against (a test the runner passes): never offered
    ruled_out: frozenset[str] = frozenset()
    # how to find the questions whose answer could still change the result: worked out
    # only when asked for (printouts and the interview ask; the engine alone does not)
    open_questions: Callable[[], list[str]] | None = field(default=None, repr=False, compare=False)
    # what the runner's watch measured (watch.Measured.report), when activity files were
    # given: the summary, the values used, and typed answers they outweighed
    watch: dict[str, Any] | None = None
    # how to find the conclusions the answers argue both ways: when something reads them
    argued: Callable[[], list[Disagreement]] | None = field(default=None, repr=False, compare=False)
    # how to find the work that waits for a readiness not yet shown, and what it lacks
    gated: Callable[[], list[Gate]] | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def unanswered(self) -> list[str]:
        """Observation ids, not answered or unknown, whose answer could still change the
        result."""
        return self.open_questions() if self.open_questions is not None else []

    @functools.cached_property
    def disagreements(self) -> list[Disagreement]:
        """Conclusions the answers argue both ways, strongly each way."""
        return self.argued() if self.argued is not None else []

    @functools.cached_property
    def gates(self) -> list[Gate]:
        """Work waiting for a readiness not yet shown, with what the readiness lacks."""
        return self.gated() if self.gated is not None else []

    def __getstate__(self) -> dict[str, Any]:
        # a copy for another process carries what was worked out, not the way to
        state = dict(self.__dict__)
        state["unanswered"] = self.unanswered
        state["open_questions"] = None
        state["disagreements"] = self.disagreements
        state["argued"] = None
        state["gates"] = self.gates
        state["gated"] = None
        return state

    def findings(self) -> list[Finding]:
        return [
            *self.red_flags,
            *self.defects,
            *self.causes,
            *self.readiness,
            *self.prescriptions,
            *self.advice,
            *self.held_back,
        ]

    def find(self, ident: str) -> Finding | None:
        return next((f for f in self.findings() if f.id == ident), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.source is not None:
            out["source"] = self.source
        if self.runner:
            out["runner"] = self.runner
        if self.watch is not None:
            out["watch"] = self.watch
        out.update(
            {
                "defects": [f.to_dict() for f in self.defects],
                "causes": [f.to_dict() for f in self.causes],
                "prescriptions": [f.to_dict() for f in self.prescriptions],
                "red_flags": [f.to_dict() for f in self.red_flags],
                "readiness": [f.to_dict() for f in self.readiness],
                "health_screen": {"status": self.health, "unanswered": list(self.screen_open)},
                "advice": [f.to_dict() for f in self.advice],
                "held_back": [f.to_dict() for f in self.held_back],
                "unanswered": list(self.unanswered),
                "disagreements": [d.to_dict() for d in self.disagreements],
                "waiting_for_readiness": [g.to_dict() for g in self.gates],
            }
        )
        return out
