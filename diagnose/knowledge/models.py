"""Pydantic models of the knowledge files.

Every model forbids unknown keys. References to other ids are checked against the
`KnownIds` passed as validation context, so a misspelled id is reported at the exact
key path (and, through the loader, at the exact line) with a suggestion.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]

UNKNOWN = "unknown"
SCALE_MAX = 4

NAMESPACES = ("defect", "cause", "prescription", "red_flag")
# Where in the week an item belongs (REFERENCE.md "Doses and timing").
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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def suggest(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ---------------------------------------------------------------- validation context


@dataclass
class KnownIds:
    """What references may point at; handed to pydantic as validation context."""

    observations: dict[str, Observation] = field(default_factory=dict)
    defect: set[str] = field(default_factory=set)
    cause: set[str] = field(default_factory=set)
    prescription: set[str] = field(default_factory=set)
    red_flag: set[str] = field(default_factory=set)
    sections: set[str] | None = None  # of the questionnaire being read

    def of(self, namespace: str) -> set[str]:
        return getattr(self, namespace)


def _known(info: ValidationInfo) -> KnownIds | None:
    return info.context if isinstance(info.context, KnownIds) else None


# ---------------------------------------------------------------- entities


class Observation(Strict):
    """Something the runner feels, the coach sees, or a device measures."""

    id: Id
    name: Text
    kind: Literal["yesno", "scale", "choice", "number"]
    description: Text
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    whole: bool = Field(False, description="a count: only whole numbers are accepted")
    choices: list[Id] | None = None
    scale_labels: tuple[Text, Text] | None = Field(
        None, description="what 0 and 4 mean on a 0-4 scale"
    )
    source: str | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Observation:
        if self.kind == "number":
            if self.unit is None or self.min is None or self.max is None:
                raise ValueError("a number observation needs unit, min and max")
            if self.min >= self.max:
                raise ValueError(f"min ({self.min:g}) must be below max ({self.max:g})")
        elif self.unit is not None or self.min is not None or self.max is not None or self.whole:
            raise ValueError("unit, min, max and whole are only for number observations")
        if self.kind == "choice":
            if not self.choices or len(self.choices) < 2:
                raise ValueError("a choice observation needs at least two choices")
            if UNKNOWN in self.choices:
                raise ValueError("'unknown' is always accepted; do not list it as a choice")
        elif self.choices is not None:
            raise ValueError("choices are only for choice observations")
        if self.kind == "scale" and self.scale_labels is None:
            raise ValueError("a scale observation needs scale_labels for 0 and 4")
        if self.kind != "scale" and self.scale_labels is not None:
            raise ValueError("scale_labels are only for scale observations")
        return self

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
                and self.min <= number <= self.max  # type: ignore[operator]
                and not (self.whole and number != int(number))
            ):
                return int(number) if number == int(number) else number
        raise ValueError(f"{value!r} is not accepted: expected {self.accepted()}")


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None


class Defect(Strict):
    """A technique fault."""

    id: Id
    name: Text
    description: Text
    source: str | None = None


class Cause(Strict):
    """A root cause behind one or more defects."""

    id: Id
    name: Text
    description: Text
    source: str | None = None


class Dose(Strict):
    """How much: sets × (reps | metres | seconds), per side or not."""

    sets: int = Field(ge=1, le=10)
    reps: int | None = Field(None, ge=1, le=100)
    reps_max: int | None = Field(None, ge=1, le=100)
    metres: int | None = Field(None, ge=1, le=400)
    seconds: int | None = Field(None, ge=1, le=600)
    each_side: bool = False
    rest: str | None = None

    @model_validator(mode="after")
    def _one_measure(self) -> Dose:
        measures = [m for m in (self.reps, self.metres, self.seconds) if m is not None]
        if len(measures) != 1:
            raise ValueError("a dose needs exactly one of reps, metres or seconds")
        if self.reps_max is not None and (self.reps is None or self.reps_max <= self.reps):
            raise ValueError("reps_max needs reps and must be above it")
        return self

    def text(self) -> str:
        if self.reps is not None:
            amount = f"{self.reps}–{self.reps_max}" if self.reps_max else f"{self.reps}"
            amount += " reps"
        elif self.metres is not None:
            amount = f"{self.metres} m"
        else:
            amount = f"{self.seconds} s"
        side = " each side" if self.each_side else ""
        rest = f", {self.rest}" if self.rest else ""
        return f"{self.sets} × {amount}{side}{rest}"


class StartFrom(Strict):
    """Where a runner below the target starts: a share of their own test result."""

    obs: Id = Field(description="the number observation that measures this exercise")
    share: float = Field(gt=0, le=1, description="start at this share of the runner's result")


class Prescription(Strict):
    """An exercise or a piece of advice from the catalogue."""

    id: Id
    name: Text
    category: Literal["mobility", "activation", "strength", "technique", "advice"]
    description: Text
    dose: Dose | None = None
    dose_after_run: Dose | None = Field(
        None, description="a different dose when done after the run (e.g. 30 s holds)"
    )
    minutes: float = Field(ge=0, le=30, description="time one dose takes, walking back included")
    when: list[Literal[SLOTS]] = Field(min_length=1)  # type: ignore[valid-type]
    cues: list[Text] = Field(default_factory=list)
    pitfalls: list[Text] = Field(default_factory=list)
    difficulty: int = Field(ge=1, le=3, description="1 simplest; learn these first")
    load: Literal["gentle", "moderate", "loaded", "plyometric"]
    progression: Id | None = Field(None, description="what to move on to once learned")
    start_from: StartFrom | None = Field(
        None, description="a runner whose test falls short of the dose starts lower"
    )
    keep_with_red_flag: bool = Field(
        False, description="advice that still stands while a red flag waits for a clinician"
    )
    source: str | None = None

    @property
    def allowed_with_red_flag(self) -> bool:
        """The one red-flag policy (seed 004, REFERENCE.md): until a clinician has
        cleared the runner the self-guided program stops; only gentle mobility stays,
        and only the advice marked to stand with a red flag (see a clinician)."""
        if self.category == "advice":
            return self.keep_with_red_flag
        return self.category == "mobility" and self.load == "gentle"

    @model_validator(mode="after")
    def _exercise_fields(self) -> Prescription:
        if self.category != "advice":
            if self.dose is None:
                raise ValueError("an exercise needs a dose")
            if not self.cues:
                raise ValueError("an exercise needs at least one cue")
            if not self.pitfalls:
                raise ValueError("an exercise needs at least one pitfall")
        return self

    @field_validator("progression")
    @classmethod
    def _progression_known(cls, value: str | None, info: ValidationInfo) -> str | None:
        known = _known(info)
        if value is not None and known is not None and value not in known.prescription:
            raise ValueError(f"unknown prescription '{value}'{suggest(value, known.prescription)}")
        return value


class RedFlag(Strict):
    """A sign that the self-guided program must stop until a clinician has looked."""

    id: Id
    name: Text
    advice: Text
    source: str | None = None


# ---------------------------------------------------------------- conditions


class ObservationTest(Strict):
    """A test on one answer: `is` a value, `in` a set, or numeric bounds."""

    obs: Id
    is_: str | int | None = Field(None, alias="is")
    in_: list[str | int] | None = Field(None, alias="in", min_length=1)
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None

    @model_validator(mode="after")
    def _one_test(self, info: ValidationInfo) -> ObservationTest:
        bounds = [b for b in (self.gte, self.gt, self.lte, self.lt) if b is not None]
        kinds = sum((self.is_ is not None, self.in_ is not None, bool(bounds)))
        if kinds != 1:
            raise ValueError("test the answer with exactly one of: is, in, or gte/gt/lte/lt")
        known = _known(info)
        if known is None:
            return self
        obs = known.observations.get(self.obs)
        if obs is None:
            raise ValueError(
                f"unknown observation '{self.obs}'{suggest(self.obs, known.observations)}"
            )
        if UNKNOWN in [self.is_, *(self.in_ or [])]:
            raise ValueError("'unknown' never satisfies a test; use `not` for 'not answered yes'")
        try:
            # Store canonical values ("Yes" -> "yes", 3.0 -> 3) so matching is a set lookup.
            if self.is_ is not None:
                self.is_ = obs.coerce(self.is_)
            if self.in_ is not None:
                self.in_ = [obs.coerce(value) for value in self.in_]
        except ValueError as exc:
            raise ValueError(f"observation '{self.obs}': {exc}") from None
        if bounds and obs.kind not in ("number", "scale"):
            raise ValueError(f"observation '{self.obs}' is {obs.kind}, not a number or scale")
        return self

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


class ConclusionTest(Strict):
    """True when a conclusion is established (certainty at or above the threshold).

    The id may be `*`: any conclusion of that namespace.
    """

    defect: str | None = None
    cause: str | None = None
    prescription: str | None = None
    red_flag: str | None = None

    @model_validator(mode="after")
    def _one_reference(self, info: ValidationInfo) -> ConclusionTest:
        given = [(ns, getattr(self, ns)) for ns in NAMESPACES if getattr(self, ns) is not None]
        if len(given) != 1:
            raise ValueError("name exactly one of: defect, cause, prescription, red_flag")
        namespace, ident = given[0]
        known = _known(info)
        if known is not None and ident != "*" and ident not in known.of(namespace):
            ns_words = namespace.replace("_", " ")
            raise ValueError(f"unknown {ns_words} '{ident}'{suggest(ident, known.of(namespace))}")
        return self

    @functools.cached_property
    def namespace(self) -> str:
        return next(ns for ns in NAMESPACES if getattr(self, ns) is not None)

    @functools.cached_property
    def ident(self) -> str:
        return getattr(self, self.namespace)

    def words(self) -> str:
        ns = self.namespace.replace("_", " ")
        return f"any {ns}" if self.ident == "*" else f"{ns} {self.ident}"


class AllOf(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(Strict):
    any: list[Condition] = Field(min_length=1)


class NotOf(Strict):
    not_: Condition = Field(alias="not")


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {AllOf: "all", AnyOf: "any", NotOf: "not", ObservationTest: "obs"}.get(
            type(value), "fact"
        )
    if isinstance(value, dict):
        for key in ("all", "any", "not", "obs"):
            if key in value:
                return key
        if any(ns in value for ns in NAMESPACES):
            return "fact"
    return None


Condition = Annotated[
    Union[
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotOf, Tag("not")],
        Annotated[ObservationTest, Tag("obs")],
        Annotated[ConclusionTest, Tag("fact")],
    ],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message=(
            "a condition needs one of: all, any, not, obs, defect, cause, prescription, red_flag"
        ),
    ),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


# ---------------------------------------------------------------- rules


class Conclusion(Strict):
    defect: Id | None = None
    cause: Id | None = None
    prescription: Id | None = None
    red_flag: Id | None = None

    @model_validator(mode="after")
    def _one_target(self, info: ValidationInfo) -> Conclusion:
        given = [(ns, getattr(self, ns)) for ns in NAMESPACES if getattr(self, ns) is not None]
        if len(given) != 1:
            raise ValueError("conclude exactly one of: defect, cause, prescription, red_flag")
        namespace, ident = given[0]
        known = _known(info)
        if known is not None and ident not in known.of(namespace):
            ns_words = namespace.replace("_", " ")
            raise ValueError(f"unknown {ns_words} '{ident}'{suggest(ident, known.of(namespace))}")
        return self

    @functools.cached_property
    def namespace(self) -> str:
        return next(ns for ns in NAMESPACES if getattr(self, ns) is not None)

    @functools.cached_property
    def ident(self) -> str:
        return getattr(self, self.namespace)

    @functools.cached_property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.ident)


class Example(Strict):
    """Given these answers, the rule must (fires: true) or must not (false) fire."""

    given: dict[str, Any]
    fires: bool
    note: str | None = None

    @field_validator("given")
    @classmethod
    def _answers_known(cls, given: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        known = _known(info)
        if known is None:
            return given
        coerced = {}
        for obs_id, value in given.items():
            obs = known.observations.get(obs_id)
            if obs is None:
                raise ValueError(
                    f"unknown observation '{obs_id}'{suggest(obs_id, known.observations)}"
                )
            try:
                coerced[obs_id] = obs.coerce(value)
            except ValueError as exc:
                raise ValueError(f"{obs_id}: {exc}") from None
        return coerced


class KBRule(Strict):
    """when (condition) → then (one conclusion) with a certainty factor, because (why)."""

    id: Id
    when: Condition
    then: Conclusion
    cf: float = Field(ge=-1.0, le=1.0)
    because: Text
    examples: list[Example] = Field(min_length=2)
    source: str | None = None

    @field_validator("cf")
    @classmethod
    def _cf_not_zero(cls, cf: float) -> float:
        if cf == 0:
            raise ValueError("a certainty factor of 0 says nothing; use a value in [-1, 1]")
        return cf

    @field_validator("examples")
    @classmethod
    def _both_kinds(cls, examples: list[Example]) -> list[Example]:
        if not any(e.fires for e in examples) or all(e.fires for e in examples):
            raise ValueError("give at least one example that fires and one that does not")
        return examples
