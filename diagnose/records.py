"""The client export format (`runform export` / `runform import`), checked in full
before anything is stored: a hand-edited or foreign file is refused with the field at
fault, never half imported and never left to break `clients` or `compare` later."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from .answers import parse_answers
from .answers_file import Runner
from .errors import RunformError, brief, cut
from .kept import KINDS, KeptDiagnosis
from .knowledge import KnowledgeBase
from .knowledge.kinds import CATEGORIES, LOADS, SLOTS
from .plain import plain
from .store import EXPORT_FORMAT, EXPORT_VERSION

Certainty = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-1, le=1)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(plain)]
Text = Annotated[str, Field(max_length=2000), AfterValidator(plain)]
# an id of the knowledge base (it may since have been renamed: any word of this shape)
Id = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")]
Whole = Annotated[int, Field(strict=True)]
# 2026-03-01T09:30:00+00:00 (seconds, a fraction and the offset optional, Z for UTC)
TAKEN_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?")


class StoredSupport(BaseModel):
    """One reason for a finding, as `diagnose --format json` writes it (its "because")."""

    model_config = ConfigDict(extra="forbid")

    rule: Name
    reason: Text
    certainty: Certainty
    facts: list[Annotated[str, Field(max_length=500), AfterValidator(plain)]]
    counted: Annotated[bool, Field(strict=True)] = True


class StoredFinding(BaseModel):
    """A finding as `diagnose --format json` writes it; the details a kind has (dose,
    category, ...) are optional, and nothing else is accepted."""

    model_config = ConfigDict(extra="forbid")

    id: Id
    name: Name
    certainty: Annotated[Certainty, Field(ge=0)]
    because: list[StoredSupport] = Field(default_factory=list)
    category: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    dose: Text | None = None
    dose_after_run: Text | None = None
    minutes: Annotated[float, Field(allow_inf_nan=False, ge=0, le=600)] | None = None
    when: list[Literal[SLOTS]] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]
    load: Literal[LOADS] | None = None  # type: ignore[valid-type]
    difficulty: Annotated[Whole, Field(ge=0, le=10)] | None = None
    treats: list[Id] = Field(default_factory=list, max_length=200)
    follows: list[Id] = Field(default_factory=list, max_length=200)
    held_back_because: Text | None = None
    text: Text | None = None  # advice
    advice: Text | None = None  # a red flag's


class StoredDisagreement(BaseModel):
    """A conclusion the answers argued both ways, as `diagnose --format json` writes it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    namespace: Literal["defect", "cause", "readiness"]
    id: Id
    name: Name
    certainty: Certainty
    for_: list[StoredSupport] = Field(alias="for", max_length=50)
    against: list[StoredSupport] = Field(max_length=50)


class StoredWaiting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    name: Name


class StoredGate(BaseModel):
    """Work waiting for a readiness not yet shown, as `diagnose --format json` writes it."""

    model_config = ConfigDict(extra="forbid")

    readiness: Id
    name: Name
    waiting: list[StoredWaiting] = Field(max_length=50)
    missing: list[Text] = Field(max_length=50)


class StoredRunner(Runner):
    """The runner as kept with an assessment: an intake names them from the command
    line, where control characters are refused, so an import refuses them too."""

    name: Name | None = None


class HealthScreen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["clear", "incomplete", "red_flag"]
    unanswered: list[Id] = Field(default_factory=list, max_length=200)


Measure = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=100_000)]
Answer = Annotated[float, Field(strict=True, allow_inf_nan=False)] | Text


class StoredWatch(BaseModel):
    """What the runner's watch measured (`--activity`), as the diagnosis keeps it."""

    model_config = ConfigDict(extra="forbid")

    summary: Text
    files: list[Text] = Field(max_length=20)
    minutes: Measure
    pace_s_per_km: Measure | None = None
    values: dict[Id, Measure] = Field(max_length=50)
    minutes_of: dict[Id, Measure] = Field(max_length=50)
    missing: list[Text] = Field(default_factory=list, max_length=50)
    notes: list[Text] = Field(default_factory=list, max_length=50)
    typed: dict[Id, Answer] = Field(default_factory=dict, max_length=50)
    unusable: list[Text] = Field(default_factory=list, max_length=50)


class StoredDiagnosis(BaseModel):
    """What `compare`, `history`, `progress` and `clients` read back from an assessment:
    checked in full, so a hand-edited record cannot break them later, nor carry what
    runform would never have written into a printout or an export."""

    model_config = ConfigDict(extra="forbid")

    source: Text | None = None
    runner: StoredRunner = Field(default_factory=StoredRunner)
    watch: StoredWatch | None = None
    health_screen: HealthScreen | None = None
    defects: list[StoredFinding]
    causes: list[StoredFinding]
    prescriptions: list[StoredFinding] = Field(default_factory=list)
    red_flags: list[StoredFinding] = Field(default_factory=list)
    advice: list[StoredFinding] = Field(default_factory=list)
    readiness: list[StoredFinding] = Field(default_factory=list)
    held_back: list[StoredFinding] = Field(default_factory=list)
    unanswered: list[Id] = Field(default_factory=list)
    # (records made before disagreements were said have none)
    disagreements: list[StoredDisagreement] = Field(default_factory=list, max_length=100)
    waiting_for_readiness: list[StoredGate] = Field(default_factory=list, max_length=20)

    def stored(self) -> dict[str, Any]:
        """As given (no details a finding did not have), every list of findings there."""
        found = self.model_dump(exclude_unset=True, by_alias=True)
        for name, info in type(self).model_fields.items():
            if info.default_factory is list:
                found.setdefault(name, [])
        return found


class ExportedAssessment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: Annotated[Whole, Field(ge=1, le=1_000_000)] | None = None
    taken_at: str
    questionnaire: str | None = Field(None, max_length=100)
    runner: dict[str, Any]
    answers: dict[str, Any]
    diagnosis: StoredDiagnosis
    kb_version: str | None = Field(None, pattern=r"^[0-9a-f]{6,64}$")

    @field_validator("runner")
    @classmethod
    def _plain_name(cls, runner: dict[str, Any]) -> dict[str, Any]:
        name = runner.get("name")
        if isinstance(name, str):
            try:
                plain(name)
            except ValueError as exc:
                raise ValueError(f"name {exc}") from None
        return runner

    @field_validator("taken_at")
    @classmethod
    def _iso_time(cls, value: str) -> str:
        try:
            if not TAKEN_AT.fullmatch(value):  # as runform writes it, nothing looser
                raise ValueError(value)
            when = moment(value)
        except ValueError:
            raise ValueError("expected a date and time like 2026-03-01T09:30:00+00:00") from None
        if when > datetime.now(UTC) + timedelta(days=1):
            raise ValueError(f"{value} is in the future")
        if when.year < 1900:
            raise ValueError(f"{value} is before any runner's records (1900)")
        return value


class ClientExport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal[EXPORT_FORMAT]  # type: ignore[valid-type]
    version: Annotated[Whole, Field(ge=1, le=EXPORT_VERSION)]
    client: str = Field(min_length=1, max_length=200)
    assessments: list[ExportedAssessment] = Field(min_length=1)


def parse_export(data: Any, kb: KnowledgeBase, source: str) -> tuple[str, list[dict[str, Any]]]:
    """(client name, assessments oldest first) from a decoded export file."""
    if not isinstance(data, dict):
        raise RunformError(f"{source}: not a runform client export (expected a JSON object)")
    if data.get("format") != EXPORT_FORMAT:
        found = data.get("format")
        raise RunformError(
            f"{source}: format: expected '{EXPORT_FORMAT}'"
            + (f", found {brief(found)}" if found is not None else ", but there is none")
            + " (is this a file from `runform export`?)"
        )
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > EXPORT_VERSION:
        raise RunformError(
            f"{source}: version: {brief(version)} is from a newer runform (this one reads up to"
            f" {EXPORT_VERSION}); upgrade runform"
        )
    try:
        export = ClientExport.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{source}: {'.'.join(cut(p) for p in error['loc'])}: "
            + error["msg"].removeprefix("Value error, ")
            for error in exc.errors()
        ]
        raise RunformError(problems[0], problems) from None
    problems = []
    assessments = []
    for index, item in enumerate(export.assessments):
        at = f"{source}: assessments.{index}"
        if item.questionnaire is not None and item.questionnaire not in kb.questionnaires:
            problems.append(f"{at}.questionnaire: unknown questionnaire '{item.questionnaire}'")
        # the answers must read as an answers file does, so the record can be diagnosed
        # and printed again
        answers = parse_answers({"runner": item.runner, "answers": item.answers}, kb, at)
        # made with this very knowledge, it must say what its answers say; made with
        # another (or before runform recorded which), its findings stand as made, ids
        # since renamed included, and `history` tells what today's knowledge concludes
        if item.kb_version == kb.version:
            problems += _disagreements(item, answers, kb, at)
        problems += _watch_disagrees(item, answers, at)
        assessments.append(
            {
                "taken_at": item.taken_at,
                "questionnaire": item.questionnaire,
                "runner": answers.runner,
                "answers": answers.values,
                "diagnosis": item.diagnosis.stored(),
                "kb_version": item.kb_version,
            }
        )
    if problems:
        raise RunformError(problems[0], problems)
    assessments.sort(key=lambda a: moment(a["taken_at"]))
    return export.client, assessments


def conclusions(diagnosis: KeptDiagnosis) -> dict[str, dict[str, float]]:
    """Per kind, id -> certainty (two decimals, as stored)."""
    return {kind: {f.id: round(f.certainty, 2) for f in diagnosis.of(kind)} for kind in KINDS}


def differences(stored: KeptDiagnosis, now: KeptDiagnosis) -> list[str]:
    """What one diagnosis concludes that the other does not, or with another certainty,
    in words: "adds defect heel_strike (0.80)", "drops cause weak_trunk (0.60)"."""
    found = []
    before, after = conclusions(stored), conclusions(now)
    for kind in KINDS:
        noun = kind[:-1].replace("_", " ")
        names = {f.id: f.name for f in (*stored.of(kind), *now.of(kind))}
        for ident in sorted({*before[kind], *after[kind]}):
            old, new = before[kind].get(ident), after[kind].get(ident)
            name = names.get(ident, ident)
            if old is None:
                found.append(f"adds {noun} {name} ({new:.2f})")
            elif new is None:
                found.append(f"drops {noun} {name} ({old:.2f})")
            elif abs(old - new) > 0.01:
                found.append(f"{noun} {name} {old:.2f} → {new:.2f}")
    return found


def rediagnose(kb: KnowledgeBase, questionnaire, runner, answers) -> KeptDiagnosis:
    """Today's diagnosis of stored answers, as it would be kept."""
    from .engine import engine_for

    return KeptDiagnosis.read(engine_for(kb).run(answers, runner, questionnaire).to_dict())


def _watch_disagrees(item: ExportedAssessment, answers, at: str) -> list[str]:
    """What the watch measured is what the assessment's answers hold (the diagnosis was
    made from them): a measurement edited on one side only is refused."""
    watch = item.diagnosis.watch
    if watch is None:
        return []
    return [
        f"{at}.diagnosis.watch.values.{cut(obs)}: {value:g} is not the answer stored with"
        f" it ({brief(answers.values.get(obs, 'none'))})"
        for obs, value in watch.values.items()
        if answers.values.get(obs) != value
    ]


def _disagreements(item: ExportedAssessment, answers, kb: KnowledgeBase, at: str) -> list[str]:
    now = rediagnose(kb, item.questionnaire, answers.runner, answers.values)
    found = differences(KeptDiagnosis.read(item.diagnosis.stored()), now)
    if not found:
        return []
    return [
        f"{at}.diagnosis: does not follow from its own answers with the knowledge base it"
        f" names ({kb.version}): today's diagnosis {'; '.join(found[:4])}"
    ]


def today_differs(assessment, kb: KnowledgeBase) -> list[str]:
    """For a stored assessment made with another knowledge base: what today's knowledge
    concludes differently from the same answers (empty when it agrees, or when the
    answers no longer read)."""
    if assessment.kb_version == kb.version:
        return []
    try:
        answers = parse_answers(
            {"runner": assessment.runner, "answers": assessment.answers}, kb, "record"
        )
    except RunformError:
        return []
    now = rediagnose(kb, assessment.questionnaire, answers.runner, answers.values)
    return differences(assessment.diagnosis, now)


def moment(taken_at: str) -> datetime:
    """For ordering: a time without a zone is taken as UTC, as runform writes them."""
    moment = datetime.fromisoformat(taken_at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
