"""Answers files: read, validate against the knowledge base, and write.

Format (the README's answers-file contract):
{"questionnaire": "self-check",
 "runner": {"name": ..., "sessions_per_week": 3, "minutes_per_session": 60,
            "height_cm": 176, "goal_distance_km": 42.195},
 "answers": {"<observation id>": "yes" | "no" | "unknown" | number | "<choice>"}}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import RunformError, brief, cut
from .files import read_json, write_text_atomically
from .knowledge import KnowledgeBase
from .knowledge.models import suggest
from .knowledge.questionnaires import RUNNER_FIELDS


def _week(ident: str) -> Any:
    """A field of the runner's week with the bounds the questionnaires ask it with: the
    week is defined once, in RUNNER_FIELDS."""
    field = RUNNER_FIELDS[ident]
    return Field(None, ge=field.min, le=field.max, description=field.description)


class Runner(BaseModel):
    """Who is running, and their real training week."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    sessions_per_week: int | None = _week("sessions_per_week")
    minutes_per_session: int | None = _week("minutes_per_session")
    height_cm: float | None = _week("height_cm")
    goal_distance_km: float | None = _week("goal_distance_km")
    notes: str | None = Field(None, max_length=5000)

    @field_validator("name")
    @classmethod
    def _one_line(cls, name: str | None) -> str | None:
        """A name is one line: line breaks and runs of spaces become one space."""
        return " ".join(name.split()) if name is not None else None


def check_runner_field(ident: str, value: Any) -> None:
    """ValueError unless `value` is one the answers file accepts for runner.<ident>, so an
    interview never saves a file that `runform diagnose` would then refuse."""
    try:
        Runner.model_validate({ident: value})
    except ValidationError as error:
        raise ValueError(f"{brief(value)} is not accepted: {error.errors()[0]['msg']}") from None


class Meta(BaseModel):
    """What an interview keeps beside the answers so a resumed one can go `back`; other
    keys (who saved it, when) are free."""

    model_config = ConfigDict(extra="allow")

    asked: list[str] = Field(default_factory=list, description="ids, in the order asked")
    unknown_week: list[str] = Field(
        default_factory=list, description="week questions answered unknown"
    )
    health_rechecked: list[str] = Field(
        default_factory=list, description="health questions asked a second time"
    )


class AnswersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    questionnaire: str | None = Field(None, max_length=100)
    runner: Runner = Field(default_factory=Runner)
    answers: dict[str, Any]
    meta: Meta | None = None


@dataclass
class Answers:
    values: dict[str, Any]  # observation id -> canonical value
    runner: dict[str, Any] = field(default_factory=dict)  # only the fields given
    questionnaire: str | None = None
    source: str | None = None
    meta: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.questionnaire:
            out["questionnaire"] = self.questionnaire
        out["runner"] = self.runner
        out["answers"] = self.values
        if self.meta:
            out["meta"] = self.meta
        return out


def _loc(parts: tuple[Any, ...]) -> str:
    return ".".join(cut(p) for p in parts) or "(top level)"


def parse_answers(data: Any, kb: KnowledgeBase, source: str) -> Answers:
    """Validate decoded JSON; every problem is reported as `source: field: message`."""
    problems: list[str] = []
    parsed: AnswersFile | None = None
    try:
        parsed = AnswersFile.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            if error["type"] == "model_type":
                where = str(error["loc"][0]) if error["loc"] else ""
                inside = {"runner": Runner, "meta": Meta}.get(where, AnswersFile)
                message = "expected a JSON object with " + (
                    "an 'answers' object"
                    if inside is AnswersFile
                    else "fields such as " + ", ".join(list(inside.model_fields)[:3])
                )
            elif error["type"] == "extra_forbidden":
                fields = AnswersFile.model_fields if len(error["loc"]) == 1 else Runner.model_fields
                message = "unknown field" + suggest(cut(error["loc"][-1]), fields)
            else:
                message = error["msg"]
            problems.append(f"{source}: {_loc(error['loc'])}: {message}")
    # The answers themselves are checked even when the rest is wrong: report everything.
    given = data.get("answers") if isinstance(data, dict) else None
    values: dict[str, Any] = {}
    for obs_id, value in given.items() if isinstance(given, dict) else ():
        obs = kb.observations.get(obs_id)
        if obs is None:
            problems.append(
                f"{source}: answers.{cut(obs_id)}: unknown observation"
                + suggest(obs_id, kb.observations)
            )
            continue
        try:
            values[obs_id] = obs.coerce(value)
        except ValueError as exc:
            problems.append(f"{source}: answers.{cut(obs_id)}: {exc}")
    if problems or parsed is None:
        raise RunformError(problems[0], problems)
    return Answers(
        values=values,
        runner=parsed.runner.model_dump(exclude_none=True),
        questionnaire=parsed.questionnaire,
        source=source,
        meta=parsed.meta.model_dump(exclude_defaults=True) if parsed.meta else None,
    )


def read_answers(
    path: str | os.PathLike[str], kb: KnowledgeBase, shown: str | None = None
) -> Answers:
    """Read one answers file; any problem becomes a RunformError naming the file."""
    shown = shown or str(path)
    return parse_answers(read_json(path, shown), kb, shown)


def write_answers(path: str | os.PathLike[str], answers: Answers) -> None:
    write_text_atomically(path, json.dumps(answers.to_json(), indent=2, ensure_ascii=False) + "\n")
