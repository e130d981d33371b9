"""Plan the exact lines a scripted runner types, using the interview state machine itself."""

from __future__ import annotations

from diagnose.interview import Interview

LEA = {
    "sessions_per_week": 3,
    "minutes_per_session": 60,
    "goal_distance_km": 21.1,
    "height_cm": 168,
    "sedentary_job": "yes",
    "tight_hip_flexors": "yes",
    "short_stride": "yes",
    "heel_strike": "yes",
    "no_pace_changes": "yes",
    "tension": 3,
    "cadence_spm": 158,
    "easy_pace_s_per_km": "6:10",  # typed as a runner says it
}


def typed(obs_kind: str, value) -> str:
    if value is None:
        return {"yesno": "n", "scale": "1"}.get(obs_kind, "u")
    return str(value)


def plan(kb, engine, questionnaire: str, profile: dict, given=None) -> list[tuple[str, str]]:
    """(question id, typed line) for every question the interview will ask, in order."""
    interview = Interview(kb.questionnaires[questionnaire], kb, engine, given)
    lines = []
    while (question := interview.current()) is not None:
        line = typed(interview.observation(question).kind, profile.get(question.id))
        interview.answer(question, line)
        lines.append((question.id, line))
    return lines
