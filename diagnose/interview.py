"""The interview as a pure state machine: which question is next, answer, back, progress.

The engine drives it: after every answer the answers are diagnosed again, and the next
question is the first one in questionnaire order that (1) is not answered yet, (2) has
its `ask_when` satisfied, and (3) could still change the result (an observation the
engine reports as open). The runner's week is always worth asking (the program needs
it), and so is a question marked `always` (a test result a coach wants on record).
No terminal here: the prompting loop is in interview_session.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .answers import Answers
from .answers_file import check_runner_field
from .diagnosis import Diagnosis
from .engine import Engine
from .knowledge import KnowledgeBase
from .knowledge.kinds import (
    RUNNER_FIELDS,
    UNKNOWN,
    ConclusionTest,
    Observation,
    Question,
    Questionnaire,
)
from .logic import open_observations, premise_certainty


@dataclass(frozen=True)
class Progress:
    position: int  # 1-based number of the question being asked
    about: int  # position + questions still likely to come

    def __str__(self) -> str:
        return f"question {self.position} of about {self.about}"


# The share of follow-ups still waiting on an earlier answer that end up asked (measured
# on the case library: between a sixth and a third), for the progress estimate.
FOLLOW_UP_SHARE = 0.25

# What the program does with each week answer (none of them changes a conclusion).
WEEK_USES = {
    "sessions_per_week": "It sizes the program to your week",
    "minutes_per_session": "It sizes the program to your week",
    "goal_distance_km": "It sets the race that 'what it is worth' counts over",
    "height_cm": "It puts your step length in proportion",
    "easy_pace_s_per_km": "It tells whether the runs from your watch were easy ones",
}


class Interview:
    def __init__(
        self,
        questionnaire: Questionnaire,
        kb: KnowledgeBase,
        engine: Engine,
        given: Answers | None = None,
        measured: dict[str, Any] | None = None,
    ):
        self.questionnaire = questionnaire
        self.kb = kb
        self.engine = engine
        # what the runner's watch measured: known, so not asked, and used; not saved as
        # answers (the save file keeps what was typed; the watch is read again)
        self.measured: dict[str, Any] = dict(measured or {})
        self.typed: dict[str, Any] = dict(given.values) if given else {}
        self.values: dict[str, Any] = {**self.typed, **self.measured}
        self.runner: dict[str, Any] = dict(given.runner) if given else {}
        meta = dict(given.meta or {}) if given else {}
        # Runner fields answered "unknown" (the week has no unknown value to store).
        self.unknown_week: list[str] = [
            i for i in meta.get("unknown_week", []) if i in RUNNER_FIELDS and i not in self.runner
        ]
        # Ids answered in this interview, in order, for `back` (kept in the save file, so
        # `back` works after a resume too; pre-filled answers are not in it).
        self.asked: list[str] = [i for i in meta.get("asked", []) if self._known_id(i)]
        # Health questions answered unknown and asked once more before the end: the
        # program keeps to gentle work while any stays open, so the runner gets a second
        # chance to answer them (docs/sources.md: the health screen needs every answer).
        self.rechecked: list[str] = [
            i for i in meta.get("health_rechecked", []) if self._known_id(i)
        ]
        self._diagnosis: Diagnosis | None = None

    # ------------------------------------------------------------ state

    def observation(self, question: Question) -> Observation:
        """What a question sets: its kind, range and choices."""
        return RUNNER_FIELDS.get(question.id) or self.kb.observations[question.id]

    def _known_id(self, ident: Any) -> bool:
        return isinstance(ident, str) and any(q.id == ident for q in self.questionnaire.questions)

    def is_answered(self, question_id: str) -> bool:
        return (
            question_id in self.values
            or question_id in self.runner
            or question_id in self.unknown_week
        )

    def diagnosis(self) -> Diagnosis:
        if self._diagnosis is None:
            self._diagnosis = self.engine.run(self.values, self.runner, self.questionnaire.id, None)
        return self._diagnosis

    def _status(self):
        """Whether a conclusion is established now (for ask_when conditions)."""
        established = {(f.namespace, f.id) for f in self.diagnosis().findings()}

        def status(test: ConclusionTest) -> bool:
            if test.ident == "*":
                return any(ns == test.namespace for ns, _ in established)
            return (test.namespace, test.ident) in established

        return status

    def _ask_when(self, question: Question, seen: frozenset[str] = frozenset()) -> bool | None:
        """Whether a follow-up's condition holds: True, False, or None while it waits on
        a question still to be asked."""
        if question.ask_when is None:
            return True
        status = self._status()
        value, waiting = open_observations(question.ask_when, self.values, status)
        if value is not None:
            return value
        if all(self._settled(o, seen | {question.id}) for o in waiting):
            # only answers that will stay unknown are left: so `unless` holds (not known)
            # and a test or a `not` fails
            certainty = premise_certainty(question.ask_when, self.values, lambda t: status(t))
            return certainty > 0
        return None

    def _settled(self, ident: str, seen: frozenset[str]) -> bool:
        """An answer that will stay as it is in this interview: given (unknown too), not
        in the questionnaire, not worth asking, or a follow-up that will not come."""
        question = next((q for q in self.questionnaire.questions if q.id == ident), None)
        if question is None or self.is_answered(ident) or ident in seen:
            return True
        if ident not in set(self.diagnosis().unanswered) and not question.always:
            return True
        return self._ask_when(question, seen) is False

    def _ask_when_holds(self, question: Question) -> bool:
        # Not yet decidable (it depends on something not asked yet) means: not yet.
        return self._ask_when(question) is True

    def why(self, question: Question) -> list[str]:
        """What the answer could still change, from the rules it would decide now
        (beside the question's own help text): the expert system's "why"."""
        if question.id in RUNNER_FIELDS:
            return [f"{WEEK_USES[question.id]}; it changes no conclusion."]
        by_id = {rule.id: rule for rule in self.kb.rules}
        show: dict[str, None] = {}
        lower: dict[str, None] = {}
        for rule_id in sorted(self.engine.stakes(self.diagnosis(), question.id)):
            rule = by_id[rule_id]
            ns, ident = rule.then.key
            entity = self.kb.entities(ns)[ident]
            named = f"{entity.name} ({ns.replace('_', ' ')})"
            (show if rule.cf > 0 else lower)[named] = None
        lines = []
        if show:
            lines.append("Your answer could still show: " + ", ".join(show) + ".")
        if lower:
            lines.append("It could also weaken or rule out: " + ", ".join(lower) + ".")
        if not lines:
            lines.append("It changes nothing concluded so far; it is kept on record.")
        return lines

    def pending(self) -> list[Question]:
        """The questions still worth asking now, in questionnaire order; at the end, the
        health questions left unknown, once more."""
        open_ids = set(self.diagnosis().unanswered)
        pending = [
            question
            for question in self.questionnaire.questions
            if not self.is_answered(question.id)
            and (question.id in RUNNER_FIELDS or question.always or question.id in open_ids)
            and self._ask_when_holds(question)
        ]
        return pending or self.health_to_recheck()

    def health_to_recheck(self) -> list[Question]:
        """Health-screen questions answered unknown and not asked again yet."""
        return [
            question
            for question in self.questionnaire.questions
            if question.id in self.kb.observations
            and self.kb.observations[question.id].screen
            and self.values.get(question.id) == UNKNOWN
            and question.id not in self.rechecked
        ]

    def is_recheck(self, question: Question) -> bool:
        return self.values.get(question.id) == UNKNOWN and question in self.health_to_recheck()

    def current(self) -> Question | None:
        pending = self.pending()
        return pending[0] if pending else None

    def progress(self) -> Progress:
        """Where the interview is: the questions asked, those still to come, and a share
        of the follow-ups that may still be triggered (so the estimate does not grow as
        they come: "1 of about 25" ending at "32 of 32")."""
        position = len(self.asked) + 1
        pending = self.pending()
        waiting = [
            question
            for question in self.questionnaire.questions
            if question not in pending
            and not self.is_answered(question.id)
            and question.ask_when is not None
            and self._may_come(question)
        ]
        expected = math.ceil(len(waiting) * FOLLOW_UP_SHARE)
        # health questions left unknown come back once at the end: count them now
        rechecks = [q for q in self.health_to_recheck() if q not in pending]
        total = len(pending) + expected + len(rechecks)
        return Progress(position, len(self.asked) + max(total, 1))

    def _may_come(self, question: Question) -> bool:
        """A follow-up not asked yet whose trigger is still open, and whose answer could
        still matter."""
        open_ids = set(self.diagnosis().unanswered)
        if question.id not in open_ids and not question.always:
            return False
        return self._ask_when(question) is None

    # ------------------------------------------------------------ moves

    def answer(self, question: Question, raw: Any) -> Any:
        """Record an answer (text from a prompt, or a JSON value); ValueError if not accepted."""
        value = self.observation(question).coerce(_normalise(raw))
        if question.id in RUNNER_FIELDS:
            if value == UNKNOWN:
                self.unknown_week.append(question.id)
            else:
                check_runner_field(question.id, value)
                self.runner[question.id] = value
        else:
            if self.values.get(question.id) == UNKNOWN and question in self.health_to_recheck():
                self.rechecked.append(question.id)
            self.values[question.id] = value
        self.asked.append(question.id)
        self._diagnosis = None
        return value

    def back(self) -> Question | None:
        """Undo the last answer given in this interview; returns its question, or None."""
        if not self.asked:
            return None
        ident = self.asked.pop()
        if ident in self.rechecked:  # the second asking: back to its first answer
            self.rechecked.remove(ident)
            self.values[ident] = UNKNOWN
            self._diagnosis = None
            return self.questionnaire.question(ident)
        self.values.pop(ident, None)
        self.runner.pop(ident, None)
        if ident in self.unknown_week:
            self.unknown_week.remove(ident)
        self._diagnosis = None
        return self.questionnaire.question(ident)

    def answered(self) -> int:
        """How many questions have an answer (pre-filled or given here)."""
        week = sum(1 for ident in self.runner if ident in RUNNER_FIELDS)
        return len(self.values) + week + len(self.unknown_week)

    def answers(self) -> Answers:
        meta = {
            "asked": list(self.asked),
            "unknown_week": list(self.unknown_week),
            "health_rechecked": list(self.rechecked),
        }
        typed = {k: v for k, v in self.values.items() if k not in self.measured}
        typed.update((k, self.typed[k]) for k in self.measured if k in self.typed)
        return Answers(
            values=typed,
            runner=dict(self.runner),
            questionnaire=self.questionnaire.id,
            meta={k: v for k, v in meta.items() if v} or None,
        )


def _normalise(raw: Any) -> Any:
    """Prompt shortcuts: y/n for yes/no, u or ? ... (the session handles ? itself)."""
    if isinstance(raw, str):
        text = raw.strip().lower()
        return {"y": "yes", "n": "no", "u": UNKNOWN}.get(text, raw.strip())
    return raw
