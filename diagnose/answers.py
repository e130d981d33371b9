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

from .errors import RunformError, cut
from .files import read_json, write_text_atomically
from .knowledge import KnowledgeBase
from .knowledge.kinds import RUNNER_FIELDS, suggest


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


# What an answers file may hold at its top level, and in its runner.
TOP_FIELDS = ("questionnaire", "runner", "answers", "meta")
TEXT_FIELDS = {"name": 200, "notes": 5000}  # runner text fields: longest accepted
META_LISTS = ("asked", "unknown_week", "health_rechecked")


def parse_answers(data: Any, kb: KnowledgeBase, source: str) -> Answers:
    """Validate decoded JSON; every problem is reported as `source: field: message`."""
    problems: list[str] = []
    top = _plainly_valid(data)
    if top is None:
        # something to report, or a form the quick check does not take: the full check
        # of the file's schema (answers_file.py) says what is wrong, or accepts it
        from .answers_file import check_file

        top = check_file(data, source, problems)
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
    if top is not None and top[0] is not None and top[0] not in kb.questionnaires:
        problems.append(
            f"{source}: questionnaire: unknown questionnaire '{cut(top[0])}'"
            + suggest(top[0], kb.questionnaires)
        )
    if problems or top is None:
        raise RunformError(problems[0], problems)
    questionnaire, runner, meta = top
    return Answers(
        values=values, runner=runner, questionnaire=questionnaire, source=source, meta=meta
    )


def _plainly_valid(data: Any) -> tuple[str | None, dict[str, Any], dict | None] | None:
    """(questionnaire, runner, meta) of a file in the plain form runform and most tools
    write, exactly as the full check (answers_file.py) gives them; None for anything
    else, which the full check then reads. Most files never need pydantic (a test holds
    the two checks to the same results)."""
    if type(data) is not dict or type(data.get("answers")) is not dict:
        return None
    if any(key not in TOP_FIELDS for key in data):
        return None
    questionnaire = data.get("questionnaire")
    if questionnaire is not None and (type(questionnaire) is not str or len(questionnaire) > 100):
        return None
    runner = _plain_runner(data.get("runner", {}))
    if runner is None:
        return None
    meta = data.get("meta")
    if meta is not None:
        meta = _plain_meta(meta)
        if meta is None:
            return None
    return questionnaire, runner, meta


def _plain_runner(given: Any) -> dict[str, Any] | None:
    if type(given) is not dict:
        return None
    runner: dict[str, Any] = {}
    for ident, value in given.items():
        if value is None and (ident in TEXT_FIELDS or ident in RUNNER_FIELDS):
            continue
        if ident in TEXT_FIELDS:
            if type(value) is not str or len(value) > TEXT_FIELDS[ident]:
                return None
            runner[ident] = " ".join(value.split()) if ident == "name" else value
            continue
        field = RUNNER_FIELDS.get(ident)
        if field is None:
            return None
        if field.whole:
            if type(value) is not int or not field.min <= value <= field.max:
                return None
        elif type(value) not in (int, float) or not field.min <= value <= field.max:
            return None  # (a NaN fails the bounds too)
        runner[ident] = value if field.whole else float(value)
    # in the order the full check gives them: the fields' own
    return {ident: runner[ident] for ident in _RUNNER_ORDER if ident in runner}


_RUNNER_ORDER = ("name", *RUNNER_FIELDS, "notes")  # as the full check gives them


def _plain_meta(given: Any) -> dict[str, Any] | None:
    if type(given) is not dict:
        return None
    meta: dict[str, Any] = {}
    for ident in META_LISTS:
        value = given.get(ident, [])
        if type(value) is not list or any(type(item) is not str for item in value):
            return None
        if value:
            meta[ident] = value
    meta.update((key, value) for key, value in given.items() if key not in META_LISTS)
    return meta


def read_answers(
    path: str | os.PathLike[str], kb: KnowledgeBase, shown: str | None = None
) -> Answers:
    """Read one answers file; any problem becomes a RunformError naming the file."""
    shown = shown or str(path)
    return parse_answers(read_json(path, shown), kb, shown)


def write_answers(path: str | os.PathLike[str], answers: Answers) -> None:
    write_text_atomically(path, json.dumps(answers.to_json(), indent=2, ensure_ascii=False) + "\n")
