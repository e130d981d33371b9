"""Pydantic models of the knowledge files.

Every model forbids unknown keys. References to other ids are checked against the
`KnownIds` passed as validation context, so a misspelled id is reported at the exact
key path (and, through the loader, at the exact line) with a suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from . import kinds
from .kinds import (  # noqa: F401  (the models' vocabulary, re-exported)
    CATEGORIES,
    EVIDENCE,
    LOADS,
    NAMESPACES,
    SCALE_MAX,
    SLOTS,
    UNKNOWN,
    suggest,
)

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
IdOrAny = Annotated[str, Field(pattern=r"^([a-z][a-z0-9_]*|\*)$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]
# Strict: `true` is not 1, `.nan` and `.inf` are not numbers, "0.5" is text.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Whole = Annotated[int, Field(strict=True)]
Flag = Annotated[bool, Field(strict=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# ---------------------------------------------------------------- validation context


@dataclass
class KnownIds:
    """What references may point at; handed to pydantic as validation context."""

    observations: dict[str, Observation] = field(default_factory=dict)
    defect: set[str] = field(default_factory=set)
    cause: set[str] = field(default_factory=set)
    prescription: set[str] = field(default_factory=set)
    red_flag: set[str] = field(default_factory=set)
    readiness: set[str] = field(default_factory=set)
    sources: set[str] | None = None  # None: not checked (a knowledge base without a list)
    sections: set[str] | None = None  # of the questionnaire being read

    def of(self, namespace: str) -> set[str]:
        return getattr(self, namespace)


def _known(info: ValidationInfo) -> KnownIds | None:
    return info.context if isinstance(info.context, KnownIds) else None


# ---------------------------------------------------------------- sources

SourceId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _known_sources(ids: list[str], info: ValidationInfo) -> list[str]:
    known = _known(info)
    if known is not None and known.sources is not None:
        for ident in ids:
            if ident not in known.sources:
                raise ValueError(f"unknown source '{ident}'{suggest(ident, known.sources)}")
    return ids


# Where a piece of knowledge comes from: ids of rules/sources.yaml (docs/sources.md).
Sources = Annotated[list[SourceId], BeforeValidator(_as_list), AfterValidator(_known_sources)]


class Source(kinds.Source, Strict):
    """A coaching article, study, screen or practice the knowledge rests on."""

    id: SourceId
    kind: Literal["coaching article", "study", "manual", "screen", "practice"]
    title: Text
    by: Text
    teaches: Text = Field(description="what runform takes from it, in runform's own words")


# ---------------------------------------------------------------- entities


class Observation(kinds.Observation, Strict):
    """Something the runner feels, the coach sees, or a device measures."""

    id: Id
    name: Text
    kind: Literal["yesno", "scale", "choice", "number"]
    description: Text
    unit: str | None = None
    min: Number | None = None
    max: Number | None = None
    whole: Flag = Field(False, description="a count: only whole numbers are accepted")
    choices: list[Id] | None = None
    scale_labels: tuple[Text, Text] | None = Field(
        None, description="what 0 and 4 mean on a 0-4 scale"
    )
    evidence: Literal[EVIDENCE] = Field(  # type: ignore[valid-type]
        "felt", description="where the answer comes from; measured outweighs felt"
    )
    screen: Flag = Field(
        False,
        description="a health-screen question: until every one is answered, only gentle "
        "work is prescribed",
    )
    source: Sources = Field(default_factory=list)

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


class Defect(kinds.Defect, Strict):
    """A technique fault."""

    id: Id
    name: Text
    description: Text
    source: Sources = Field(default_factory=list)


class Cause(kinds.Cause, Strict):
    """A root cause behind one or more defects."""

    id: Id
    name: Text
    description: Text
    source: Sources = Field(default_factory=list)


class Dose(kinds.Dose, Strict):
    """How much: sets × (reps | metres | seconds), per side or not."""

    sets: Whole = Field(ge=1, le=10)
    reps: Whole | None = Field(None, ge=1, le=100)
    reps_max: Whole | None = Field(None, ge=1, le=100)
    metres: Whole | None = Field(None, ge=1, le=400)
    seconds: Whole | None = Field(None, ge=1, le=600)
    each_side: Flag = False
    rest: str | None = None

    @model_validator(mode="after")
    def _one_measure(self) -> Dose:
        measures = [m for m in (self.reps, self.metres, self.seconds) if m is not None]
        if len(measures) != 1:
            raise ValueError("a dose needs exactly one of reps, metres or seconds")
        if self.reps_max is not None and (self.reps is None or self.reps_max <= self.reps):
            raise ValueError("reps_max needs reps and must be above it")
        return self


class StartFrom(kinds.StartFrom, Strict):
    """Where a runner below the target starts: a share of their own test result."""

    obs: Id = Field(description="the number observation that measures this exercise")
    share: Number = Field(gt=0, le=1, description="start at this share of the runner's result")


class Prescription(kinds.Prescription, Strict):
    """An exercise or a piece of advice from the catalogue."""

    id: Id
    name: Text
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    description: Text
    dose: Dose | None = None
    dose_after_run: Dose | None = Field(
        None, description="a different dose when done after the run (e.g. 30 s holds)"
    )
    minutes: Number = Field(ge=0, le=30, description="time one dose takes, walking back included")
    when: list[Literal[SLOTS]] = Field(min_length=1)  # type: ignore[valid-type]
    cues: list[Text] = Field(default_factory=list)
    pitfalls: list[Text] = Field(default_factory=list)
    difficulty: Whole = Field(ge=1, le=3, description="1 simplest; learn these first")
    load: Literal[LOADS]  # type: ignore[valid-type]
    progression: Id | None = Field(None, description="what to move on to once learned")
    passed_when: Condition | None = Field(
        None,
        description="the runner already passes this exercise's own test: it is not "
        "prescribed (a side plank held 50 s needs no side-plank work)",
    )
    start_from: StartFrom | None = Field(
        None, description="a runner whose test falls short of the dose starts lower"
    )
    keep_with_red_flag: Flag = Field(
        False, description="advice that still stands while a red flag waits for a clinician"
    )
    off_feet: Flag = Field(
        False,
        description="done lying or sitting, no weight on the legs: the only exercises kept "
        "while a red flag waits for a clinician",
    )
    source: Sources = Field(default_factory=list)

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

    @field_validator("passed_when")
    @classmethod
    def _passed_when_few_ways(cls, condition: Any) -> Any:
        return condition if condition is None else _few_ways(condition)


class RedFlag(kinds.RedFlag, Strict):
    """A sign that the self-guided program must stop until a clinician has looked."""

    id: Id
    name: Text
    advice: Text
    # the questions whose "yes" shows it, each enough on its own: the safety check
    # holds the rules to them (a rule rewired to another answer is refused)
    signs: list[Id] = Field(min_length=1)
    source: Sources = Field(default_factory=list)

    @field_validator("signs")
    @classmethod
    def _signs_known(cls, signs: list[str], info: ValidationInfo) -> list[str]:
        known = _known(info)
        if known is not None and known.observations:
            for sign in signs:
                if sign not in known.observations:
                    raise ValueError(
                        f"unknown observation '{sign}'{suggest(sign, known.observations)}"
                    )
        return signs


class Readiness(kinds.Readiness, Strict):
    """Positive evidence that a runner is ready for a kind of work (docs/sources.md:
    readiness for load), concluded by rules from tests, never from a missing answer."""

    id: Id
    name: Text
    description: Text
    opens: Literal[LOADS] | None = Field(  # type: ignore[valid-type]
        None,
        description="the load level this readiness opens: every rule prescribing work of "
        "that level must require it, and the engine holds such work back without it",
    )
    source: Sources = Field(default_factory=list)


# ---------------------------------------------------------------- conditions


class ObservationTest(kinds.ObservationTest, Strict):
    """A test on one answer: `is` a value, `in` a set, or numeric bounds."""

    obs: Id
    is_: str | int | None = Field(None, alias="is")
    in_: list[str | int] | None = Field(None, alias="in", min_length=1)
    gte: Number | None = None
    gt: Number | None = None
    lte: Number | None = None
    lt: Number | None = None

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
            raise ValueError(
                "'unknown' never satisfies a test; write `unless:` for 'not answered yes,"
                " or not known'"
            )
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


class ConclusionTest(kinds.ConclusionTest, Strict):
    """True when a conclusion is established (certainty at or above the threshold).

    The id may be `*`: any conclusion of that namespace.
    """

    defect: IdOrAny | None = None
    cause: IdOrAny | None = None
    prescription: IdOrAny | None = None
    red_flag: IdOrAny | None = None
    readiness: IdOrAny | None = None

    @model_validator(mode="after")
    def _one_reference(self, info: ValidationInfo) -> ConclusionTest:
        given = [(ns, getattr(self, ns)) for ns in NAMESPACES if getattr(self, ns) is not None]
        if len(given) != 1:
            raise ValueError(f"name exactly one of: {', '.join(NAMESPACES)}")
        namespace, ident = given[0]
        known = _known(info)
        if known is not None and ident != "*" and ident not in known.of(namespace):
            ns_words = namespace.replace("_", " ")
            raise ValueError(f"unknown {ns_words} '{ident}'{suggest(ident, known.of(namespace))}")
        return self


class AllOf(kinds.AllOf, Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(kinds.AnyOf, Strict):
    any: list[Condition] = Field(min_length=1)


class NotOf(kinds.NotOf, Strict):
    """Three-valued negation: holds only when the answers show the inside is false. An
    unknown or unasked answer never makes a `not` true."""

    not_: Condition = Field(alias="not")

    @model_validator(mode="after")
    def _answers_only(self) -> NotOf:
        if _has_unless(self.not_):
            raise ValueError("`unless` cannot go inside `not`: say it the other way round")
        if any(isinstance(t, kinds.ConclusionTest) for t in _tests(self.not_)):
            raise ValueError(
                "`not` needs answers that show the opposite, and a conclusion is never shown"
                ' absent: test the answers (e.g. not: {obs: ..., is: "yes"}), require positive'
                " evidence (e.g. {readiness: ...}), or write `unless:` to accept 'not"
                " concluded, or not known'"
            )
        return self


class UnlessOf(kinds.UnlessOf, Strict):
    """Negation as failure, said explicitly: holds unless the inside is established, so
    an unknown or unasked answer counts as acceptable here."""

    unless: Condition


# A rule is matched as the alternative ways its condition can hold (experta expands
# `any` inside `all` into every combination, and so does `kb check`): far more than
# the bundled rules' 10 and a few nested lists take minutes.
MAX_WAYS = 64


def ways(condition: Any) -> tuple[int, int]:
    """(how many ways a condition can hold, how many ways it can fail), capped just
    past MAX_WAYS so that a hostile condition costs nothing to count."""
    if isinstance(condition, kinds.NotOf):
        hold, fail = ways(condition.not_)
        return fail, hold
    if isinstance(condition, kinds.UnlessOf):
        return min(len(_tests(condition.unless)), MAX_WAYS + 1), 1
    if isinstance(condition, (kinds.AllOf, kinds.AnyOf)):
        parts = [
            ways(c)
            for c in (condition.all if isinstance(condition, kinds.AllOf) else condition.any)
        ]
        product = [1, 1]
        total = [0, 0]
        for part in parts:
            for side in (0, 1):
                product[side] = min(product[side] * part[side], MAX_WAYS + 1)
                total[side] = min(total[side] + part[side], MAX_WAYS + 1)
        if isinstance(condition, kinds.AllOf):
            return product[0], total[1]
        return total[0], product[1]
    return 1, 1


def _few_ways(condition: Any) -> Any:
    hold, fail = ways(condition)
    if max(hold, fail) > MAX_WAYS:
        raise ValueError(
            f"this condition can hold or fail in more than {MAX_WAYS} different ways"
            " (lists of alternatives inside lists): split it into several rules"
        )
    return condition


def _tests(condition: Any) -> list[Any]:
    if isinstance(condition, kinds.AllOf):
        return [t for c in condition.all for t in _tests(c)]
    if isinstance(condition, kinds.AnyOf):
        return [t for c in condition.any for t in _tests(c)]
    if isinstance(condition, kinds.NotOf):
        return _tests(condition.not_)
    if isinstance(condition, kinds.UnlessOf):
        return _tests(condition.unless)
    return [condition]


def _has_unless(condition: Any) -> bool:
    if isinstance(condition, kinds.UnlessOf):
        return True
    if isinstance(condition, (kinds.AllOf, kinds.AnyOf)):
        parts = condition.all if isinstance(condition, kinds.AllOf) else condition.any
        return any(_has_unless(c) for c in parts)
    if isinstance(condition, kinds.NotOf):
        return _has_unless(condition.not_)
    return False


CONDITION_KEYS = ("all", "any", "not", "unless", "obs")


# Union tags are not keys of a condition, so an error's location reads as the key path
# (`when.all.0.gte`), never through a tag that looks like a key.
_TAGS = {AllOf: "all-of", AnyOf: "any-of", NotOf: "not-of", UnlessOf: "unless-of"}
_KEY_TAGS = {"all": "all-of", "any": "any-of", "not": "not-of", "unless": "unless-of"}


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        if isinstance(value, ObservationTest):
            return "answer-test"
        return _TAGS.get(type(value), "conclusion-test")
    if isinstance(value, dict):
        for key in CONDITION_KEYS:
            if key in value:
                return _KEY_TAGS.get(key, "answer-test")
        if any(ns in value for ns in NAMESPACES):
            return "conclusion-test"
    return None


Condition = Annotated[
    Union[
        Annotated[AllOf, Tag("all-of")],
        Annotated[AnyOf, Tag("any-of")],
        Annotated[NotOf, Tag("not-of")],
        Annotated[UnlessOf, Tag("unless-of")],
        Annotated[ObservationTest, Tag("answer-test")],
        Annotated[ConclusionTest, Tag("conclusion-test")],
    ],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message=(
            f"a condition needs one of: {', '.join((*CONDITION_KEYS, *NAMESPACES))}"
        ),
    ),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()
UnlessOf.model_rebuild()
Prescription.model_rebuild()


# ---------------------------------------------------------------- rules


class Conclusion(kinds.Conclusion, Strict):
    defect: Id | None = None
    cause: Id | None = None
    prescription: Id | None = None
    red_flag: Id | None = None
    readiness: Id | None = None

    @model_validator(mode="after")
    def _one_target(self, info: ValidationInfo) -> Conclusion:
        given = [(ns, getattr(self, ns)) for ns in NAMESPACES if getattr(self, ns) is not None]
        if len(given) != 1:
            raise ValueError(f"conclude exactly one of: {', '.join(NAMESPACES)}")
        namespace, ident = given[0]
        known = _known(info)
        if known is not None and ident not in known.of(namespace):
            ns_words = namespace.replace("_", " ")
            raise ValueError(f"unknown {ns_words} '{ident}'{suggest(ident, known.of(namespace))}")
        return self


class Example(kinds.Example, Strict):
    """Given these answers, the rule must (fires: true) or must not (false) fire."""

    given: dict[str, Any]
    fires: Flag
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


class KBRule(kinds.KBRule, Strict):
    """when (condition) → then (one conclusion) with a certainty factor, because (why)."""

    id: Id
    when: Condition
    then: Conclusion
    cf: Number = Field(ge=-1.0, le=1.0)
    because: Text
    group: Id | None = Field(
        None,
        description="rules for the same conclusion that read the same evidence share a "
        "group: when several of them fire, only the strongest counts",
    )
    examples: list[Example] = Field(min_length=2)
    source: Sources = Field(default_factory=list)

    @field_validator("when")
    @classmethod
    def _when_few_ways(cls, when: Any) -> Any:
        return _few_ways(when)

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


def passed_rule(item: Prescription) -> KBRule:
    """The rule a catalogue item's `passed_when` stands for: a runner who already passes
    the exercise's own test does not need it (certainty -1 rules it out, whatever else
    prescribes it). Built, not validated: its parts were validated with the item."""
    return KBRule.model_construct(
        id=f"passed_{item.id}",
        when=item.passed_when,
        then=Conclusion.model_construct(prescription=item.id),
        cf=-1.0,
        because=f"You already pass the test this exercise trains for, so {item.name.lower()}"
        " is not needed.",
        group=None,
        examples=[],
        source=[],
    )
