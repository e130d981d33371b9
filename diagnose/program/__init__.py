"""The corrective program: a diagnosis laid over the runner's real week.

knowledge → engine → diagnosis → **program** → render. This package decides everything
about the program (what, where, how long, why) and holds no rendering: `build_program`
gives the model; `printout.write_program` hands it to a renderer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from ..diagnosis import INCOMPLETE, Diagnosis
from ..knowledge import KnowledgeBase, vocabulary
from .findings import could_change, found, measured, watch_notes
from .model import Item, LaterStep, Note, Program, Session, Worth
from .planning import (
    MAIN_CERTAINTY,
    MORE_TIME,
    candidates,
    choose,
    items_of,
    later_steps,
    waiting_reason,
)
from .week import PROGRAM_WEEKS, SESSION_KINDS, week_of
from .worth import worth_of

__all__ = [
    "Item",
    "LaterStep",
    "Note",
    "Program",
    "Session",
    "Worth",
    "build_program",
]


# With a red flag, the sessions carry only what a clinician would let through.
HELD_SESSION = "Run only as your clinician allows."


def _yet(diagnosis: Diagnosis) -> str:
    """Nothing found is not the all-clear while questions that could change it are open."""
    if not diagnosis.unanswered:
        return ""
    return " yet, but questions left unknown or not asked could change that (below)"


def _headline(diagnosis: Diagnosis, planned: bool, letting_be: bool = False) -> str:
    if diagnosis.health == INCOMPLETE:
        count = len(diagnosis.screen_open)
        them = "them" if count != 1 else "it"
        unanswered = (
            f"{count} health question{'s are' if count != 1 else ' is'} still unanswered"
            " (listed above)"
        )
        if not planned and not diagnosis.held_back:
            return (
                f"{unanswered}: answer {them} before adding new training; nothing else in"
                f" these answers calls for corrective work{_yet(diagnosis)}."
            )
        kept = "only the gentle work below is planned" if planned else "nothing is planned yet"
        return (
            f"{unanswered}: until you answer {them}, {kept}; drills, strides, strength work"
            " and jumps wait."
        )
    if diagnosis.red_flags:
        kept = (
            "only the gentle stretches below are kept; "
            if planned
            else "nothing is added to your runs: "
        )
        return (
            f"See a clinician before starting this program. Until you are cleared, {kept}"
            "drills, jumps and strength work wait."
        )
    if not planned:
        if diagnosis.unanswered:
            return f"Nothing in these answers calls for corrective work{_yet(diagnosis)}."
        return "Nothing in these answers calls for corrective work: keep running as you do."
    if letting_be:
        return (
            "Do these few exercises easily, without correcting anything; while running, let "
            "things be and notice what already works."
        )
    return (
        "Start with these simple exercises and repeat them until they feel natural; "
        "then move on to the later steps."
    )


def _focus(diagnosis: Diagnosis, kb: KnowledgeBase) -> list[str]:
    """Things to think about while running, most certain first; one per session, so no
    run asks for several changes at once (balanced-runner-stuck)."""
    return [
        advice.name
        for advice in diagnosis.advice
        if advice.id in kb.prescriptions and "during_run" in kb.prescriptions[advice.id].when
    ]


# balanced-runner-stuck: a runner stuck in corrections gets only a few drills.
STUCK_DRILLS = 3


def _at_home(per_session: list[list[Item]], kb: KnowledgeBase, diagnosis: Diagnosis) -> list:
    """While a red flag is open: the kept gentle stretches, once each, at home."""
    seen: dict[str, Item] = {}
    for items in per_session:
        for item in items:
            rx = kb.prescriptions[item.exercise]
            dose = (rx.dose_after_run or rx.dose).text() if rx.dose else item.dose
            seen.setdefault(item.exercise, replace(item, part="home", dose=dose))
    if not seen:
        return []
    name, about = SESSION_KINDS["home"]
    return [Session(1, "home", name, about, 0, list(seen.values()))]


def _strength_once(candidate, placements) -> bool:
    return "strength_day" in candidate.entity.when and len(placements) == 1


def build_program(
    diagnosis: Diagnosis,
    kb: KnowledgeBase,
    runner: dict[str, Any] | None = None,
    today: dt.date | None = None,
    start: dt.date | None = None,
) -> Program:
    """The program for a diagnosis; `runner` (sessions_per_week, minutes_per_session,
    goal_distance_km, name) defaults to the one the diagnosis was made with; `start` is
    the day of the first session (the next Monday when not given)."""
    today = today or dt.date.today()
    start = start or today + dt.timedelta(days=7 - today.weekday())
    runner = dict(diagnosis.runner if runner is None else runner)
    no_speed = diagnosis.answers.get(vocabulary.NO_SPEED_WORK)
    speed_work = {"yes": "no", "no": "yes"}.get(no_speed)
    if diagnosis.health == INCOMPLETE:
        speed_work = "no"  # par-q-plus: no hard running until every health answer is in
    week = week_of(runner, speed_work)
    pool = candidates(diagnosis, kb)
    targets = sorted(
        (*diagnosis.causes, *diagnosis.defects),
        key=lambda f: (-round(f.certainty, 6), f.namespace != "cause", f.id),
    )
    # balanced-runner-stuck: a runner stuck in corrections lets things be: a few drills
    # at most, no cues to think about, no next steps, no gains sold
    letting_be = any(a.id == vocabulary.LET_IT_BE for a in diagnosis.advice)
    plan = choose(
        pool,
        targets,
        week,
        cautious=bool(diagnosis.red_flags),
        max_drills=STUCK_DRILLS if letting_be else None,
    )
    per_session = items_of(plan, kb, diagnosis, week.sessions, cues=not letting_be)
    focus = [] if diagnosis.red_flags else _focus(diagnosis, kb)
    sessions = []
    for index, kind in enumerate(week.kinds):
        name, about = SESSION_KINDS[kind]
        sessions.append(
            Session(
                number=index + 1,
                kind=kind,
                name=name,
                about=HELD_SESSION if diagnosis.red_flags else about,
                minutes=week.minutes,
                items=per_session[index],
                focus=focus[index % len(focus)] if focus else None,
            )
        )

    if diagnosis.red_flags:
        # no week of runs while a clinician has not cleared the runner: the gentle
        # stretches kept are done at home, held long, with no run before them
        sessions = _at_home(per_session, kb, diagnosis)
    elif not plan.placed:
        sessions = []  # no grid of empty sessions when there is nothing to add
    notes = []
    notes += watch_notes(diagnosis.watch)
    if diagnosis.red_flags:
        notes.append(
            "While a red flag is open the plan stays far below the budget: a few gentle "
            "stretches at most. Ask for a new program once a clinician has cleared you."
        )
    elif diagnosis.health == INCOMPLETE:
        notes.append(
            "While health questions are unanswered the plan keeps to gentle work, well "
            "below the budget, and every run stays easy: no faster session is laid out. "
            "Answer them and make the program again for the full plan."
        )
    elif plan.over_budget:
        notes.append(
            f"{week.budget:g} min a week is less than the shortest exercise takes, so one "
            "exercise is kept anyway; a longer session or one more a week makes room for more."
        )
    # why what waits waits, said only where it is true (below: later steps, also useful)
    reasons = {c.id: waiting_reason(c, plan, kb) for c in plan.waiting}
    no_time = MORE_TIME.format(budget=plan.budget)
    if diagnosis.red_flags or diagnosis.health == INCOMPLETE or plan.over_budget:
        pass  # said above
    elif no_time in reasons.values():
        notes.append(
            f"Not everything fits in {week.budget:g} min a week; the rest waits below, most "
            "useful first."
        )
    elif any(r.startswith("while you let things be") for r in reasons.values()):
        notes.append(
            f"While you let things be, the plan keeps to {STUCK_DRILLS} drills at most; the "
            "rest waits below."
        )
    elif any(r.startswith("once the simpler") for r in reasons.values()):
        notes.append("The hardest exercises wait below until the simpler ones feel easy.")
    covered = {t for c, _ in plan.placed for t in c.treats}
    untreated = [
        t.name
        for t in targets
        if t.certainty >= MAIN_CERTAINTY
        and t.id not in covered
        and any(t.id in c.treats and reasons.get(c.id) == no_time for c in pool)
    ]
    if untreated:
        notes.append(
            f"No room this week for work on {'; '.join(untreated)}: what treats "
            f"{'them' if len(untreated) > 1 else 'it'} waits below."
        )
    once = [c.entity.name for c, placements in plan.placed if _strength_once(c, placements)]
    if once:
        notes.append(
            f"Strength work planned once a week for now ({'; '.join(once)}): twice a week"
            " is the aim once there is time for it."
        )

    # with a red flag the next steps come from a new program once cleared; a runner
    # letting things be gets none either; what the diagnosis keeps is still listed
    later, also_useful = later_steps(
        plan, kb, diagnosis, progressions=not (diagnosis.red_flags or letting_be)
    )
    # advice about the strength circuit only with strength work in the week; otherwise it
    # waits with what it is about
    strength_planned = any(
        "strength_day" in kb.prescriptions[i.exercise].when
        for session in sessions
        for i in session.items
    )
    advice = []
    for finding in diagnosis.advice:
        if "strength_day" in kb.prescriptions[finding.id].when and not strength_planned:
            also_useful.append(
                Note(finding.id, finding.name, "once strength exercises join the plan")
            )
        else:
            advice.append(finding)
    return Program(
        runner_name=runner.get("name"),
        date=today.isoformat(),
        starts=start.isoformat(),
        weeks=PROGRAM_WEEKS,
        sessions_per_week=week.sessions,
        minutes_per_session=week.minutes,
        # a red flag lays out no runs, so nothing about their kind is assumed
        assumptions=[a for a in week.assumptions if not (diagnosis.red_flags and "faster" in a)],
        weekly_minutes=week.weekly_minutes,
        budget_minutes=week.budget,
        sessions=sessions,
        # a red flag may stop the running itself, a runner with nothing to correct or
        # stuck in corrections needs no gains sold: the arithmetic only with a plan
        worth=None
        if diagnosis.red_flags or letting_be or not plan.placed
        else worth_of(
            runner,
            diagnosis.answers,
            overstriding=max(
                (d.certainty for d in diagnosis.defects if d.id == vocabulary.OVERSTRIDING),
                default=0.0,
            ),
            short_stride=any(d.id == vocabulary.SHORT_STRIDE for d in diagnosis.defects),
            cadence_advised=any(a.id == vocabulary.CADENCE_RETRAINING for a in diagnosis.advice),
        ),
        headline=_headline(diagnosis, bool(plan.placed), letting_be),
        red_flags=[Note(f.id, f.name, f.details.advice) for f in diagnosis.red_flags],
        held_back=[Note(f.id, f.name, f.held_back_because or "") for f in diagnosis.held_back]
        + [
            Note(ident, name, gate.words)
            for gate in diagnosis.gates
            for ident, name in gate.waiting
        ],
        health_open=[
            Note(o, kb.observations[o].name, kb.observations[o].description)
            for o in diagnosis.screen_open
        ],
        later=later,
        also_useful=also_useful,
        advice=[Note(a.id, a.name, a.details.text) for a in advice],
        causes=found(diagnosis.causes, kb, diagnosis.answers),
        defects=found(diagnosis.defects, kb, diagnosis.answers),
        measured=measured(diagnosis, kb),
        could_change=could_change(diagnosis, kb),
        # (with a red flag, nothing to test again before a clinician has seen it)
        disagree=[]
        if diagnosis.red_flags
        else [Note(d.id, d.name) for d in diagnosis.disagreements],
        notes=notes,
        source=diagnosis.source,
        goal_distance_km=runner.get("goal_distance_km"),
        watch=diagnosis.watch,
    )
