"""The knowledge as runform runs it: plain classes with the behaviour (coerce an answer,
match a test, word a dose), and no validation.

The pydantic models of `models.py` validate the knowledge files and derive from these
classes; once a knowledge base has passed its checks it is copied into instances of
these classes alone (`loader.as_run`), which is what every command uses and what the
cache keeps. A command that only runs the knowledge never imports pydantic.

These classes define no __init__, __eq__ or other dunder: they come before BaseModel in
the models' method order, and must not take its place.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from typing import Any

UNKNOWN = "unknown"
SCALE_MAX = 4

NAMESPACES = ("defect", "cause", "prescription", "red_flag", "readiness")
# How heavy an exercise is. Anything above gentle needs an answered health screen; a
# level that a readiness conclusion `opens` also needs that conclusion (docs/sources.md:
# readiness for load).
LOADS = ("gentle", "moderate", "loaded", "plyometric")
CATEGORIES = ("mobility", "activation", "strength", "technique", "advice")
# Where an answer comes from, weakest first: what the runner feels or reports, what a
# coach (or a video) sees, a screening test, a device measurement. Stronger evidence
# must be able to overrule weaker (`kb check`).
EVIDENCE = ("reported", "felt", "seen", "tested", "measured")
# Where in the week an item belongs (docs/sources.md: workshop-exercises, lepape-technique).
SLOTS = (
    "before_run",  # after the 5-10 min jog, before the run proper
    "after_run",  # once the run is done
    "warm_up_drills",  # drills at the end of the warm-up, before a speed session
    "mid_long_run",  # half-way through a long easy run
    "technique_day",  # the one technique-focused session of the week
    "strength_day",  # the twice-weekly strength circuit after a run
    "during_run",  # a cue or focus to keep while running
    "any_time",  # at home, or whenever
)

# Starting holds are rounded down to this many seconds, and never below the floor.
HOLD_STEP_S = 5
SHORTEST_START_S = 10


def suggest(name: str, known: Any) -> str:
    import difflib  # only when something is misspelled

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def brief_value(value: Any) -> str:
    from ..errors import brief

    return brief(value)


def make(cls: type, **fields: Any) -> Any:
    """An instance of a plain kind with these fields (no validation: for knowledge that
    has been validated, or constants a test validates)."""
    item = object.__new__(cls)
    item.__dict__.update(fields)
    return item


def _with(item: Any, **changes: Any) -> Any:
    """A copy with some fields changed (a validated model's copy stays unvalidated, as
    pydantic's model_copy(update=...) leaves it)."""
    changed = copy.copy(item)
    changed.__dict__.update(changes)
    return changed


# ---------------------------------------------------------------- entities


class Source:
    """A coaching article, study, screen or practice the knowledge rests on."""


class Observation:
    """Something the runner feels, the coach sees, or a device measures."""

    def accepted(self) -> str:
        """The accepted values, in words, for error messages and prompts."""
        if self.kind == "yesno":
            return "yes, no or unknown"
        if self.kind == "scale":
            return f"a whole number from 0 to {SCALE_MAX}, or unknown"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices or []) + ", or unknown"
        number = "a whole number" if self.whole else "a number"
        return f"{number} from {self.min:g} to {self.max:g} {self.unit}, or unknown"

    def coerce(self, value: Any) -> str | int | float:
        """The canonical form of an answer, or ValueError saying what is accepted."""
        if isinstance(value, str) and value.strip().lower() == UNKNOWN:
            return UNKNOWN
        if self.kind == "yesno":
            if value is True:
                return "yes"
            if value is False:
                return "no"
            if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
                return value.strip().lower()
        elif self.kind == "choice":
            if isinstance(value, str) and value.strip().lower() in (self.choices or []):
                return value.strip().lower()
        elif not isinstance(value, bool):
            number = _number(value)
            if self.kind == "scale":
                if number is not None and number == int(number) and 0 <= number <= SCALE_MAX:
                    return int(number)
            elif (
                number is not None
                and self.min <= number <= self.max
                and not (self.whole and number != int(number))
            ):
                return int(number) if number == int(number) else number
        raise ValueError(f"{brief_value(value)} is not accepted: expected {self.accepted()}")


_MINUTES_SECONDS = re.compile(r"^\s*(\d{1,2}):([0-5]\d)\s*$")


def _number(value: Any) -> float | None:
    """A number from an answer; "5:40" (minutes:seconds) is 340, as a pace or a hold is
    said."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str) and (clock := _MINUTES_SECONDS.match(value)):
            number = float(int(clock[1]) * 60 + int(clock[2]))
        elif isinstance(value, str):
            number = float(value.strip())
        else:
            return None
    except (ValueError, OverflowError):  # not a number, or past what a float holds
        return None
    return number if number == number and abs(number) != float("inf") else None


class Defect:
    """A technique fault."""


class Cause:
    """A root cause behind one or more defects."""


class Dose:
    """How much: sets × (reps | metres | seconds), per side or not."""

    def text_amount(self) -> str:
        if self.reps is not None:
            amount = f"{self.reps}–{self.reps_max}" if self.reps_max else f"{self.reps}"
            return amount + " reps"
        if self.metres is not None:
            return f"{self.metres} m"
        return f"{self.seconds} s"

    def text(self) -> str:
        amount = self.text_amount()
        side = " each side" if self.each_side else ""
        rest = f", {self.rest}" if self.rest else ""
        return f"{self.sets} × {amount}{side}{rest}"


class StartFrom:
    """Where a runner below the target starts: a share of their own test result."""


class Prescription:
    """An exercise or a piece of advice from the catalogue."""

    @property
    def allowed_with_red_flag(self) -> bool:
        """The one red-flag policy (red-flags, docs/sources.md): until a clinician has
        cleared the runner the self-guided program stops; only gentle mobility done off
        the feet stays, and only the advice marked to stand with a red flag (see a
        clinician)."""
        if self.category == "advice":
            return self.keep_with_red_flag
        return self.category == "mobility" and self.load == "gentle" and self.off_feet

    def dose_for(self, answers: Mapping[str, Any]) -> str:
        """The catalogue's dose, or, for a runner whose own test falls short of it, a
        start at a share of their result that builds to the target (a plank held 35 s
        starts at 3 × 25 s, not 3 × 60 s). The diagnosis and the printout both use it."""
        dose = self.dose
        if dose is None:
            return ""
        start = self.start_from
        own = answers.get(start.obs) if start else None
        if start is None or isinstance(own, bool) or not isinstance(own, (int, float)):
            return dose.text()
        if dose.seconds is not None and own < dose.seconds:
            step = HOLD_STEP_S
            begin = max(SHORTEST_START_S, int(own * start.share) // step * step)
            if begin < dose.seconds:
                started = _with(dose, seconds=begin)
                return f"{started.text()}, building to {dose.seconds} s"
        if dose.reps is not None and own * start.share < dose.reps:
            begin = max(1, int(own * start.share))
            started = _with(dose, reps=begin, reps_max=None)
            return f"{started.text()}, building to {dose.text_amount()}"
        return dose.text()


class RedFlag:
    """A sign that the self-guided program must stop until a clinician has looked."""


class Readiness:
    """Positive evidence that a runner is ready for a kind of work (docs/sources.md:
    readiness for load), concluded by rules from tests, never from a missing answer."""


# ---------------------------------------------------------------- conditions


class ObservationTest:
    """A test on one answer: `is` a value, `in` a set, or numeric bounds."""

    def values(self) -> frozenset[Any]:
        return frozenset([self.is_] if self.is_ is not None else self.in_ or [])

    def matches(self, value: Any) -> bool:
        """True when an answer (already coerced) passes this test; unknown never does."""
        if value == UNKNOWN or value is None:
            return False
        if self.is_ is not None or self.in_ is not None:
            return value in self.values()
        if isinstance(value, str):
            return False
        return (
            (self.gte is None or value >= self.gte)
            and (self.gt is None or value > self.gt)
            and (self.lte is None or value <= self.lte)
            and (self.lt is None or value < self.lt)
        )

    def words(self) -> str:
        if self.is_ is not None:
            return f"{self.obs} is {self.is_}"
        if self.in_ is not None:
            return f"{self.obs} is one of {', '.join(map(str, self.in_))}"
        parts = [
            f"{op} {bound:g}"
            for op, bound in (("≥", self.gte), (">", self.gt), ("≤", self.lte), ("<", self.lt))
            if bound is not None
        ]
        return f"{self.obs} {' and '.join(parts)}"


class _OneOfNamespaces:
    """A conclusion or a test on one: exactly one namespace field is set."""

    @functools.cached_property
    def namespace(self) -> str:
        return next(ns for ns in NAMESPACES if getattr(self, ns) is not None)

    @functools.cached_property
    def ident(self) -> str:
        return getattr(self, self.namespace)


class ConclusionTest(_OneOfNamespaces):
    """True when a conclusion is established (certainty at or above the threshold).

    The id may be `*`: any conclusion of that namespace.
    """

    def words(self) -> str:
        ns = self.namespace.replace("_", " ")
        return f"any {ns}" if self.ident == "*" else f"{ns} {self.ident}"


class AllOf:
    """Every part holds."""


class AnyOf:
    """At least one part holds."""


class NotOf:
    """Three-valued negation: holds only when the answers show the inside is false. An
    unknown or unasked answer never makes a `not` true."""


class UnlessOf:
    """Negation as failure, said explicitly: holds unless the inside is established, so
    an unknown or unasked answer counts as acceptable here."""


# ---------------------------------------------------------------- rules


class Conclusion(_OneOfNamespaces):
    """What a rule concludes: one defect, cause, prescription, red flag or readiness."""

    @functools.cached_property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.ident)


class Example:
    """Given these answers, the rule must (fires: true) or must not (false) fire."""


class KBRule:
    """when (condition) → then (one conclusion) with a certainty factor, because (why)."""


# ---------------------------------------------------------------- questionnaires


class Section:
    """A part of a questionnaire."""


class Question:
    """One question: it sets an observation or a field of the runner's week."""


class Questionnaire:
    """An interview script."""

    def question(self, ident: str) -> Question:
        return next(q for q in self.questions if q.id == ident)

    def section(self, ident: str) -> Section:
        return next(s for s in self.sections if s.id == ident)


def _week_field(ident: str, name: str, unit: str, low: float, high: float, **more: Any) -> Any:
    return make(
        Observation,
        id=ident,
        name=name,
        kind="number",
        unit=unit,
        min=float(low),
        max=float(high),
        whole=more.get("whole", False),
        description=more["description"],
        choices=None,
        scale_labels=None,
        evidence="felt",
        screen=False,
        source=[],
    )


# The runner's week, asked like observations but stored under "runner" in answers files
# (in the order the answers file's schema lists them).
# (A test validates each against the Observation model.)
RUNNER_FIELDS: dict[str, Observation] = {
    obs.id: obs
    for obs in (
        _week_field(
            "sessions_per_week",
            "Runs per week",
            "runs",
            1,
            14,
            whole=True,
            description="How many times a week you run.",
        ),
        _week_field(
            "minutes_per_session",
            "Minutes per run",
            "min",
            10,
            300,
            whole=True,
            description="How long a typical run lasts, warm-up included.",
        ),
        _week_field(
            "height_cm",
            "Height",
            "cm",
            100,
            230,
            description="Your height, to put stride length in proportion.",
        ),
        _week_field(
            "goal_distance_km",
            "Goal race distance",
            "km",
            1,
            250,
            description="The race you are training for (42.195 for a marathon).",
        ),
        _week_field(
            "easy_pace_s_per_km",
            "Easy pace",
            "s/km",
            150,
            900,
            description="Your usual easy pace per km (minutes:seconds, e.g. 5:40), so runs"
            " from your watch are read at the pace they were run.",
        ),
    )
}
