"""The answers file's schema, checked in full: every problem found, each said with its
place. Most files are plainly valid and never come here (`answers._plainly_valid`);
the interview checks each runner field it asks against the same schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import brief, cut
from .knowledge.kinds import RUNNER_FIELDS, suggest


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
    easy_pace_s_per_km: float | None = _week("easy_pace_s_per_km")
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
        raise ValueError(f"{brief(value)} is not accepted: {_plainly(error.errors()[0])}") from None


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


# pydantic's words for the common mistakes, said as the rest of runform says them
_PLAIN = {
    "int_from_float": "expected a whole number, not {input}",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "string_type": "expected text in quotes",
    "greater_than_equal": "expected at least {ge}",
    "less_than_equal": "expected at most {le}",
    "string_too_long": "too long (at most {max_length} characters)",
    "missing": "missing",
    "finite_number": "expected a number",
    "dict_type": "expected a JSON object",
    "list_type": "expected a JSON array",
}


def _plainly(error: Any) -> str:
    words = _PLAIN.get(error["type"])
    if words is None:
        return error["msg"]
    limits = {
        name: f"{value:g}" if isinstance(value, (int, float)) else value
        for name, value in error.get("ctx", {}).items()
    }
    return words.format(input=brief(error.get("input")), **limits)


def _loc(parts: tuple[Any, ...]) -> str:
    return ".".join(cut(p) for p in parts) or "(top level)"


def check_file(
    data: Any, source: str, problems: list[str]
) -> tuple[str | None, dict[str, Any], dict | None] | None:
    """(questionnaire, runner, meta) of a valid file; otherwise None, with every problem
    added to `problems` (the answers themselves are checked by the caller)."""
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
                message = _plainly(error)
            problems.append(f"{source}: {_loc(error['loc'])}: {message}")
        return None
    return (
        parsed.questionnaire,
        parsed.runner.model_dump(exclude_none=True),
        parsed.meta.model_dump(exclude_defaults=True) if parsed.meta else None,
    )
