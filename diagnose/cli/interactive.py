"""Running an interview at the terminal: the click prompter, autosave, clean interruption."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from ..answers import write_answers
from ..diagnosis import Diagnosis
from ..errors import RunformError
from ..files import can_write_in
from ..interview import Interview
from ..interview_session import run_session, wrap
from .options import INTERRUPTED


class ClickPrompter:
    def ask(self, prompt: str) -> str:
        return click.prompt(prompt, prompt_suffix="\n> ", type=str)

    def say(self, text: str = "") -> None:
        click.echo(text)


def _answers(count: int) -> str:
    if count == 0:
        return "No answer given yet; the interview is"
    return f"Your {count} answer{'s are' if count != 1 else ' is'}"


def default_save_path(questionnaire: str) -> Path:
    """A new file in the app folder, named by the time (never one already there)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(click.get_app_dir("runform")) / "interviews"
    path = folder / f"{questionnaire}-{stamp}.json"
    count = 2
    while path.exists():
        path = folder / f"{questionnaire}-{stamp}-{count}.json"
        count += 1
    return path


def interact(
    interview: Interview, save_path: Path, resume_hint: str, restart_hint: str
) -> Diagnosis:
    """Run the interview, saving every answer to `save_path` from the first one on (a
    start stopped before any answer leaves no file behind); stopped, exit cleanly: 130
    for Ctrl-C, 1 for the end of the input."""

    def save(answers) -> None:
        write_answers(save_path, answers)

    try:
        can_write_in(save_path.parent)  # before the first question, not after it
    except RunformError as exc:
        raise RunformError(f"cannot save the answers: {exc}; choose another --save FILE") from None

    questionnaire = interview.questionnaire
    click.echo(questionnaire.title)
    click.echo("=" * len(questionnaire.title))
    click.echo(wrap(questionnaire.intro))
    click.echo(
        f"\nAnswers are saved as you go in {save_path}.\n"
        "At any question: ? shows why it is asked, u answers unknown, b goes back;\n"
        "Ctrl-C stops (nothing is lost; resume later)."
    )
    try:
        # nothing answered here (an answers file that was already complete): nothing new
        # to save, and no copy of that file is made
        return run_session(interview, ClickPrompter(), save)
    except click.Abort as stop:
        if save_path.exists():
            told = f"{_answers(interview.answered())} saved in {save_path}."
            hint = resume_hint.format(path=save_path)
        else:
            told, hint = "Nothing was answered, so nothing was saved.", restart_hint
        click.echo(f"\n\nStopped. {told}\nContinue with: {hint}", err=True)
        # click turns both Ctrl-C and the end of the input into Abort; the first is kept
        # as its context
        sys.exit(INTERRUPTED if isinstance(stop.__context__, KeyboardInterrupt) else 1)
