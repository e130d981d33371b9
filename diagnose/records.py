"""The client export format (`runform export` / `runform import`), checked in full
before anything is stored: a hand-edited or foreign file is refused with the field at
fault, never half imported and never left to break `clients` or `compare` later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .answers import parse_answers
from .errors import RunformError
from .knowledge import KnowledgeBase
from .store import EXPORT_FORMAT, EXPORT_VERSION


class StoredFinding(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    certainty: float = Field(ge=0, le=1)
    because: list[dict[str, Any]] = Field(default_factory=list)


class StoredDiagnosis(BaseModel):
    """What `compare`, `history` and `clients` read back from an assessment."""

    model_config = ConfigDict(extra="allow")

    defects: list[StoredFinding]
    causes: list[StoredFinding]
    prescriptions: list[StoredFinding] = Field(default_factory=list)
    red_flags: list[StoredFinding] = Field(default_factory=list)
    advice: list[StoredFinding] = Field(default_factory=list)
    unanswered: list[str] = Field(default_factory=list)


class ExportedAssessment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int | None = None
    taken_at: str
    questionnaire: str | None = Field(None, max_length=100)
    runner: dict[str, Any]
    answers: dict[str, Any]
    diagnosis: StoredDiagnosis

    @field_validator("taken_at")
    @classmethod
    def _iso_time(cls, value: str) -> str:
        try:
            moment = _moment(value)
        except ValueError:
            raise ValueError("expected a date and time like 2026-03-01T09:30:00+00:00") from None
        if moment > datetime.now(UTC) + timedelta(days=1):
            raise ValueError(f"{value} is in the future")
        return value


class ClientExport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal[EXPORT_FORMAT]  # type: ignore[valid-type]
    version: int = Field(ge=1, le=EXPORT_VERSION)
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
            + (f", found {found!r}" if found is not None else ", but there is none")
            + " (is this a file from `runform export`?)"
        )
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > EXPORT_VERSION:
        raise RunformError(
            f"{source}: version: {version} is from a newer runform (this one reads up to"
            f" {EXPORT_VERSION}); upgrade runform"
        )
    try:
        export = ClientExport.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{source}: {'.'.join(str(p) for p in error['loc'])}: "
            + error["msg"].removeprefix("Value error, ")
            for error in exc.errors()
        ]
        raise RunformError(problems[0], problems) from None
    problems = []
    for index, item in enumerate(export.assessments):
        at = f"{source}: assessments.{index}"
        if item.questionnaire is not None and item.questionnaire not in kb.questionnaires:
            problems.append(f"{at}.questionnaire: unknown questionnaire '{item.questionnaire}'")
        for kind, known in (
            ("defects", kb.defects),
            ("causes", kb.causes),
            ("red_flags", kb.red_flags),
        ):
            for number, finding in enumerate(getattr(item.diagnosis, kind)):
                if finding.id not in known:
                    problems.append(
                        f"{at}.diagnosis.{kind}.{number}.id: unknown"
                        f" {kind[:-1].replace('_', ' ')} '{finding.id}'"
                    )
    if problems:
        raise RunformError(problems[0], problems)
    assessments = []
    for index, item in enumerate(export.assessments):
        # the answers must read as an answers file does, so the record can be diagnosed
        # and printed again
        answers = parse_answers(
            {"runner": item.runner, "answers": item.answers},
            kb,
            f"{source}: assessments.{index}",
        )
        assessments.append(
            {
                "taken_at": item.taken_at,
                "questionnaire": item.questionnaire,
                "runner": answers.runner,
                "answers": answers.values,
                "diagnosis": item.diagnosis.model_dump(),
            }
        )
    assessments.sort(key=lambda a: _moment(a["taken_at"]))
    return export.client, assessments


def _moment(taken_at: str) -> datetime:
    """For ordering: a time without a zone is taken as UTC, as runform writes them."""
    moment = datetime.fromisoformat(taken_at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
