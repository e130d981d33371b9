"""Realistic intakes for the benchmarks, made from the questionnaires themselves.

A rich intake walks one questionnaire in order, as an interview would: a follow-up is
answered only when its `ask_when` holds for the answers so far, and a question may go
unanswered (a coach does not run every test). Yes/no questions get about a third
"yes" overall: the health screen rarely (a yes there is a red flag, which real intakes
seldom have), the technique questions more often; a few answers are "unknown".
Numbers are plausible for recreational runners and kept inside each observation's own
min/max. A sparse intake has 5-10 answers, many of them unknown.

Intakes have the shape of examples/*.json (questionnaire, runner, answers), so they go
through the same reading and validation as `runform diagnose`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from diagnose.knowledge import KnowledgeBase
from diagnose.knowledge.kinds import RUNNER_FIELDS
from diagnose.logic import premise_certainty

# Chance that a question (not a follow-up) is answered at all: the coach intake asks
# about everything, and a coach checks only some of it in one session.
ANSWERED = {"self-check": 0.73, "coach-intake": 0.31}
SCREEN_YES = 0.04  # per health-screen question: about a third of intakes raise a flag
YES = 0.52  # other yes/no questions; with the screen, about a third of all yes/no
UNKNOWN_SHARE = 0.07  # "u": the runner does not know, the coach did not check

# Plausible values (low, high, decimals) for recreational runners; anything else gets
# the middle half of its observation's range.
NUMBERS: dict[str, tuple[float, float, int]] = {
    "cadence_spm": (150, 185, 0),
    "ground_contact_ms": (220, 320, 0),
    "plank_hold_s": (20, 120, 0),
    "side_plank_hold_s": (15, 90, 0),
    "calf_raise_reps": (8, 35, 0),
    "stride_length_m": (0.8, 1.4, 2),
    "vertical_oscillation_cm": (6, 12, 1),
    "age_years": (18, 72, 0),
    "knee_to_wall_cm": (4, 15, 1),
    "thomas_knee_bend_deg": (40, 90, 0),
    "hamstring_deficit_deg": (0, 30, 0),
    # the runner's week (stored under "runner")
    "sessions_per_week": (2, 6, 0),
    "minutes_per_session": (30, 90, 0),
    "height_cm": (155, 195, 0),
}
GOALS_KM = (5, 10, 21.1, 42.195)
SCALES = {  # weights for 0..4
    "tension": (2, 4, 3, 2, 1),
    "single_leg_squat_wobble": (3, 4, 3, 2, 0),  # a score of 0-3: a 4 is a fall
}


def _holds(condition: Any, answers: dict[str, Any]) -> bool:
    """An `ask_when` with the answers so far all in: unknown satisfies no test."""
    return condition is None or premise_certainty(condition, answers, lambda test: 0.0) > 0


def _always(kb: KnowledgeBase, ident: str) -> bool:
    if ident in kb.observations:
        return kb.observations[ident].screen
    return ident != "height_cm"  # runs a week, their length, the goal: every runner knows


def _number(rnd: random.Random, ident: str, low: float, high: float) -> int | float:
    plausible = NUMBERS.get(ident)
    if plausible is None:
        quarter = (high - low) / 4
        plausible = (low + quarter, high - quarter, 1)
    a, b, places = plausible
    value = round(min(high, max(low, rnd.uniform(a, b))), places)
    return int(value) if value == int(value) else value


def _answer(rnd: random.Random, obs: Any) -> Any:
    if rnd.random() < UNKNOWN_SHARE:
        return "unknown"
    if obs.kind == "yesno":
        return "yes" if rnd.random() < (SCREEN_YES if obs.screen else YES) else "no"
    if obs.kind == "scale":
        return rnd.choices(range(5), weights=SCALES.get(obs.id, (1, 1, 1, 1, 1)))[0]
    if obs.kind == "choice":
        return rnd.choice(obs.choices)
    return _number(rnd, obs.id, obs.min, obs.max)


def _runner_field(rnd: random.Random, ident: str) -> int | float:
    if ident == "goal_distance_km":
        return rnd.choice(GOALS_KM)
    field = RUNNER_FIELDS[ident]
    return _number(rnd, ident, field.min, field.max)


def rich_intake(kb: KnowledgeBase, rnd: random.Random, name: str) -> dict[str, Any]:
    questionnaire = kb.questionnaires[name]
    answers: dict[str, Any] = {}
    runner: dict[str, Any] = {}
    for question in questionnaire.questions:
        if question.ask_when is not None:
            if not _holds(question.ask_when, answers):
                continue  # the interview would not ask it
        elif not _always(kb, question.id) and rnd.random() > ANSWERED[name]:
            continue  # the health screen and the week are always asked; the rest not always
        if question.id in RUNNER_FIELDS:
            runner[question.id] = _runner_field(rnd, question.id)
        else:
            answers[question.id] = _answer(rnd, kb.observations[question.id])
    return {"questionnaire": name, "runner": runner, "answers": answers}


def sparse_intake(kb: KnowledgeBase, rnd: random.Random, name: str) -> dict[str, Any]:
    """A few answers, many unknown: a self-check abandoned early, a hurried coach."""
    asked = [q.id for q in kb.questionnaires[name].questions if q.id in kb.observations]
    answers = {}
    for ident in sorted(rnd.sample(asked, rnd.randint(5, 10)), key=asked.index):
        answers[ident] = "unknown" if rnd.random() < 0.45 else _answer(rnd, kb.observations[ident])
    return {"questionnaire": name, "runner": {}, "answers": answers}


def rich_intakes(kb: KnowledgeBase, count: int, seed: int = 21) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    names = sorted(kb.questionnaires)
    return [rich_intake(kb, rnd, names[i % len(names)]) for i in range(count)]


def sparse_intakes(kb: KnowledgeBase, count: int, seed: int = 22) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    names = sorted(kb.questionnaires)
    return [sparse_intake(kb, rnd, names[i % len(names)]) for i in range(count)]


def bundled(folder: Path) -> list[dict[str, Any]]:
    """The answers files of a folder (cases/, examples/), as they are."""
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def describe(kb: KnowledgeBase, intakes: list[dict[str, Any]]) -> dict[str, float]:
    """What a set of intakes holds on average, to show they are what they claim."""
    answered = yesno = yes = unknown = 0
    for intake in intakes:
        for ident, value in intake["answers"].items():
            answered += 1
            unknown += value == "unknown"
            if kb.observations[ident].kind == "yesno" and value != "unknown":
                yesno += 1
                yes += value == "yes"
    count = max(1, len(intakes))
    return {
        "answers_mean": round(answered / count, 1),
        "yesno_mean": round(yesno / count, 1),
        "yes_share": round(yes / max(1, yesno), 2),
        "unknown_share": round(unknown / max(1, answered), 2),
    }
