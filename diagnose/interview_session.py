"""The interview at a prompt: ask, explain (?), unknown (u), back (b), re-ask bad input.

The prompter is a small interface so tests can drive a session without a terminal; the
CLI passes one built on click.prompt. Every accepted answer (and every `back`) is handed
to `save` at once, so an interruption loses nothing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Protocol

from .answers import Answers
from .diagnosis import Diagnosis
from .interview import Interview
from .knowledge.kinds import SCALE_MAX, Observation, Question

WIDTH = 78
RECHECK = "health recheck"
RECHECK_INTRO = (
    "You answered these with u (unknown). Until every health question has an answer, "
    "runform keeps your program to gentle work. Answer them now if you can; u leaves "
    "one open."
)
HINTS = "? why · u unknown · b back"


class Prompter(Protocol):
    def ask(self, prompt: str) -> str:
        """Return the typed line; raise EOFError or KeyboardInterrupt to stop."""

    def say(self, text: str = "") -> None: ...


def wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(
        " ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent
    )


def accepted_hint(obs: Observation) -> str:
    if obs.kind == "yesno":
        return "y/n"
    if obs.kind == "scale":
        low, high = obs.scale_labels or ("low", "high")
        return f"0 = {low} … {SCALE_MAX} = {high}"
    if obs.kind == "choice":
        return " / ".join(obs.choices or [])
    return f"{obs.min:g}–{obs.max:g} {obs.unit}"


def question_prompt(interview: Interview, question: Question) -> str:
    obs = interview.observation(question)
    lines = [wrap(question.text), wrap(f"({accepted_hint(obs)} · {HINTS})")]
    return "\n".join(lines)


def run_session(
    interview: Interview, prompter: Prompter, save: Callable[[Answers], None]
) -> Diagnosis:
    """Ask until nothing worth asking is left; return the diagnosis."""
    section = None
    while (question := interview.current()) is not None:
        if interview.is_recheck(question):
            if section != RECHECK:
                section = RECHECK
                prompter.say("")
                prompter.say("— Before your program: health questions still open —")
                prompter.say(wrap(RECHECK_INTRO))
        elif question.section != section:
            section = question.section
            heading = interview.questionnaire.section(section)
            prompter.say("")
            prompter.say(f"— {heading.title} —")
            if heading.intro:
                prompter.say(wrap(heading.intro))
        prompter.say("")
        prompter.say(f"[{interview.progress()}]")
        if question.how_to:
            prompter.say(wrap(question.how_to, "  "))
        raw = prompter.ask(question_prompt(interview, question))
        command = raw.strip().lower()
        if command in ("?", "why", "help"):
            prompter.say(wrap(f"Why: {question.help}", "  "))
            for line in interview.why(question):
                prompter.say(wrap(line, "  "))
            continue
        if command in ("b", "back"):
            previous = interview.back()
            if previous is None:
                prompter.say("  This is the first question; there is nothing to go back to.")
            else:
                save(interview.answers())
                prompter.say(
                    wrap(f"Going back: your answer to “{previous.text}” is withdrawn.", "  ")
                )
                section = None
            continue
        try:
            interview.answer(question, raw)
        except ValueError:
            accepted = interview.observation(question).accepted()
            prompter.say(
                wrap(f"Please answer {accepted}. (Type ? to see why this is asked.)", "  ")
            )
            continue
        save(interview.answers())
    return interview.diagnosis()
