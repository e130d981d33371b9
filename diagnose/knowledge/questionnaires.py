"""Questionnaires: the interview scripts in questionnaires/*.yaml.

A question's id is the observation it sets (its kind, unit, range and choices come from
the observation, so a question cannot disagree with the rules), or one of the runner's
training-week fields, which the program needs and the rules do not.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from . import kinds
from .kinds import RUNNER_FIELDS
from .models import Condition, Id, Strict, Text, _known, suggest

__all__ = ["RUNNER_FIELDS", "Question", "Questionnaire", "Section"]


class Section(kinds.Section, Strict):
    id: Id
    title: Text
    intro: str | None = None


class Question(kinds.Question, Strict):
    id: Id
    text: Text
    help: Text = Field(description='the answer to "why are you asking this?"')
    section: Id
    audience: Literal["runner", "coach"]
    how_to: str | None = Field(None, description="for tests: how to run it, pass/fail criteria")
    ask_when: Condition | None = Field(None, description="a follow-up: asked only once this holds")
    always: bool = Field(
        False,
        description="ask even when the answer can no longer change the conclusions: a "
        "test or measurement the coach wants on record to compare assessments",
    )

    @field_validator("id")
    @classmethod
    def _sets_something(cls, ident: str, info: ValidationInfo) -> str:
        known = _known(info)
        if known is not None and ident not in known.observations and ident not in RUNNER_FIELDS:
            choices = [*known.observations, *RUNNER_FIELDS]
            raise ValueError(
                f"unknown observation or runner field '{ident}'{suggest(ident, choices)}"
            )
        return ident

    @field_validator("section")
    @classmethod
    def _section_known(cls, section: str, info: ValidationInfo) -> str:
        known = _known(info)
        if known is not None and known.sections is not None and section not in known.sections:
            raise ValueError(f"unknown section '{section}'{suggest(section, known.sections)}")
        return section


class Questionnaire(kinds.Questionnaire, Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: Text
    audience: Literal["runner", "coach"]
    intro: Text
    sections: list[Section] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
