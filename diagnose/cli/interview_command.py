"""`runform interview` (a runner alone) and `runform intake` (a coach with a client)."""

from __future__ import annotations

import dataclasses
import shlex
import sys
from pathlib import Path

import click

from .options import (
    activity_option,
    answers_option,
    claim_printout,
    database_files,
    db_option,
    engine_of,
    force_option,
    kb_option,
    open_store,
    save_option,
    unused_activities,
    watch_summary,
)


def _measured(activities, given, kb, ask: bool = True):
    """(summary, measurements) of the activity files for the answers given, or None
    without any; said before the first question, with the questions it answers. The
    runs are read against the runner's easy pace, asked first when not given (`ask`),
    so a question the watch answers is never skipped and then found unusable."""
    watch = watch_summary(activities)
    if watch is None:
        return None
    from ..render.safe import printable
    from ..watch import measure

    if ask:
        _ask_easy_pace(given)
    measured = measure(watch, given.values, kb, given.runner)
    names = ", ".join(kb.observations[o].name.lower() for o in measured.how)
    notes = measured.report["notes"]
    said = f"not asked: {names}" if names else notes[-1] if notes else "it answers no question"
    click.echo(printable(f"Measured by the watch: {watch.described}; {said}."))
    return watch, measured


def _ask_easy_pace(given) -> None:
    """The runner's easy pace, before the questions, when the answers do not hold it."""
    from ..knowledge.kinds import RUNNER_FIELDS, UNKNOWN

    ident = "easy_pace_s_per_km"
    meta = given.meta or {}
    if ident in given.runner or ident in meta.get("unknown_week", []):
        return
    field = RUNNER_FIELDS[ident]
    while True:
        raw = click.prompt(
            "The watch's runs are read against your easy pace. Your usual easy pace per"
            " km (minutes:seconds, e.g. 5:40), or u if you do not know",
            default="u",
            show_default=False,
        )
        text = raw.strip().lower()
        try:
            value = field.coerce(UNKNOWN if text in ("u", "?", "") else text)
        except ValueError:
            click.echo("Please answer minutes:seconds from 2:30 to 15:00, or u.")
            continue
        if value == UNKNOWN:
            given.meta = {**meta, "unknown_week": [*meta.get("unknown_week", []), ident]}
        else:
            given.runner[ident] = value
        return


def _watch_values(measured) -> dict:
    """The answers the watch gave (the interview does not ask them)."""
    return {k: measured[1].values[k] for k in measured[1].how} if measured else {}


def _activity_places(activities) -> str:
    return "".join(f" --activity {shlex.quote(a)}" for a in activities)


def _diagnosed(engine, kb, values, runner, questionnaire, source, measured):
    """The diagnosis of the answers typed, with what the watch measured in them when it
    was read (against the answers as they now are: an easy pace given in the interview
    counts)."""
    if measured is None:
        return engine.run(values, runner, questionnaire, source)
    from ..watch import diagnose_measured, measure

    now = measure(measured[0], values, kb, runner)
    return diagnose_measured(engine, now.values, runner, questionnaire, source, now)


def _with_watch(diagnosis, engine, values, measured, kb):
    """An interview's final diagnosis, made again with what the watch measured in it."""
    if measured is None:
        return diagnosis
    return _diagnosed(
        engine, kb, values, diagnosis.runner, diagnosis.questionnaire, diagnosis.source, measured
    )


def _questionnaire(kb, ident: str):
    from ..errors import RunformError
    from ..knowledge.kinds import suggest

    if ident not in kb.questionnaires:
        raise RunformError(
            f"no questionnaire '{ident}'{suggest(ident, kb.questionnaires)}"
            f" (there are: {', '.join(sorted(kb.questionnaires)) or 'none'})"
        )
    return kb.questionnaires[ident]


def _show_result(
    diagnosis, kb, answers_path: Path | None, program_hint: str | None, explain: bool, places: str
) -> None:
    """The result at the end of an interview; `program_hint`: how to print the program
    (None when --printout writes it now; an intake keeps it: the records print it again)."""
    from ..program import build_program
    from ..render.summary import render_summary
    from ..render.text import render_diagnosis

    hint = "The whole diagnosis, and how each conclusion was reached:"
    if answers_path is not None:
        hint += f"\n  runform diagnose {shlex.quote(str(answers_path))} --explain{places}"
    else:
        hint += " add --explain next time."
    click.echo("")
    if explain:
        click.echo(render_diagnosis(diagnosis, kb, explain=True, hint=hint), nl=False)
    else:  # what a runner can use at once; the tables are a command away
        click.echo(render_summary(diagnosis, build_program(diagnosis, kb), kb), nl=False)
        click.echo(hint)
    if answers_path is not None:
        click.echo(f"\nYour answers are in {answers_path}.")
    if program_hint:
        click.echo(f"Your program as a printout:\n  {program_hint}")


def _printout(diagnosis, kb, printout: str | None, reads: list) -> None:
    """Write the program where --printout says (checked before the interview), or offer
    to when a person is typing."""
    from ..errors import RunformError
    from ..program.printout import write_program
    from ..render.safe import printable

    if printout is None:
        if not sys.stdin.isatty():
            return
        try:
            if not click.confirm("\nWrite your program to a file now?", default=True):
                return
            name = diagnosis.runner.get("name") or "my"
            default = f"{_slug(name)}-program.pdf"
            while True:
                printout = click.prompt("File (.pdf, .html, .md, .txt or .ics)", default=default)
                try:
                    claim_printout(printout, False, *reads)
                    break
                except RunformError as exc:
                    click.echo(printable(f"{exc} Another name, or Ctrl-C to skip."), err=True)
        except click.Abort:
            click.echo("")
            return
    program = write_program(diagnosis, diagnosis.runner, printout, kb=kb)
    who = program.runner_name or "you"
    click.echo(printable(f"Wrote the program for {who} to {printout}."))


def _fresh_save_path(save_file: str | None, instead: str) -> None:
    """An interview writes its save file from the first answer on: never over a file
    that is already there (it may hold someone's answers)."""
    if save_file and Path(save_file).exists():
        raise click.UsageError(
            f"{save_file} already exists; {instead}, or choose another --save file"
        )


def _check_name(name: str) -> None:
    """--name as the answers file will hold it, checked before the first question."""
    from ..answers_file import check_runner_field

    try:
        check_runner_field("name", name)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--name'") from None


def _same_places(**options: str | None) -> str:
    """The --db/--kb a follow-up command needs to find the same records and knowledge."""
    return "".join(
        f" --{flag} {shlex.quote(value)}" for flag, value in options.items() if value is not None
    )


def _slug(name: str) -> str:
    kept = "".join(ch if ch.isalnum() else "-" for ch in name.lower())
    return "-".join(part for part in kept.split("-") if part) or "runner"


explain_option = click.option(
    "--explain", is_flag=True, help="At the end, show how each conclusion was reached."
)

printout_option = click.option(
    "--printout",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="At the end, write the program here (.pdf, .html, .md, .txt, .json or .ics) without"
    " asking.",
)


@click.command("interview")
@click.option(
    "-q",
    "--questionnaire",
    metavar="NAME",
    help="self-check (the default) or coach-intake.",
)
@answers_option
@save_option
@click.option(
    "--resume",
    "resume_file",
    type=click.Path(dir_okay=False),
    help="Continue a saved interview from its next unanswered question.",
)
@click.option("--name", help="The runner's name, for the printout.")
@printout_option
@force_option
@explain_option
@activity_option
@kb_option
def interview_command(
    questionnaire,
    answers_file,
    save_file,
    resume_file,
    name,
    printout,
    force,
    explain,
    activities,
    kb_dir,
):
    """Answer the questionnaire at the terminal and get a diagnosis.

    Questions come one at a time, only those that can still change the result. Every
    answer is saved at once; Ctrl-C stops, and --resume continues later.
    """
    from ..answers import read_answers
    from ..interview import Interview
    from ..knowledge import load_kb
    from .interactive import default_save_path, interact

    if answers_file and resume_file:
        raise click.UsageError("use --answers or --resume, not both")
    if save_file and resume_file and Path(save_file) != Path(resume_file):
        raise click.UsageError("--resume saves to the file it continues; leave out --save")
    _fresh_save_path(
        save_file if not resume_file else None, f"continue it with --resume {save_file}"
    )
    if name is not None:
        _check_name(name)
    reads = [answers_file, save_file, resume_file]
    claim_printout(printout, force, *reads)
    kb = load_kb(kb_dir)
    given = read_answers(resume_file or answers_file, kb) if (resume_file or answers_file) else None
    if questionnaire is not None and questionnaire not in kb.questionnaires:
        from ..knowledge.kinds import suggest

        raise click.BadParameter(
            f"no questionnaire '{questionnaire}'{suggest(questionnaire, kb.questionnaires)}"
            f" (there are: {', '.join(sorted(kb.questionnaires))})",
            param_hint="'--questionnaire'",
        )
    if resume_file and questionnaire and given and given.questionnaire not in (None, questionnaire):
        raise click.UsageError(
            f"{resume_file} is a {given.questionnaire} interview; resume it without -q"
        )
    ident = questionnaire or (given.questionnaire if given and given.questionnaire else None)
    chosen = _questionnaire(kb, ident or "self-check")
    if name:
        if given is None:
            from ..answers import Answers

            given = Answers(values={})
        given.runner["name"] = " ".join(name.split())  # one line, as the file keeps it
    if activities and given is None:
        from ..answers import Answers

        given = Answers(values={})
    measured = _measured(activities, given, kb)
    save_path = Path(save_file or resume_file or default_save_path(chosen.id))
    engine = engine_of(kb)
    interview = Interview(chosen, kb, engine, given, _watch_values(measured))
    places = _same_places(kb=kb_dir) + _activity_places(activities)
    again = _same_places(
        questionnaire=questionnaire, answers=answers_file, save=save_file, name=name, kb=kb_dir
    )
    diagnosis = interact(
        interview,
        save_path,
        "runform interview --resume {path}" + places,
        f"runform interview{again}",
    )
    diagnosis = _with_watch(diagnosis, engine, interview.answers().values, measured, kb)
    # the answers are in the save file, or, when nothing new was asked, in the file given
    kept = save_path if save_path.exists() else Path(answers_file) if answers_file else None
    hint = (
        f"runform program {shlex.quote(str(kept))} -o program.pdf{places}"
        if kept
        else "nothing was answered, so there is no program to print"
    )
    _show_result(diagnosis, kb, kept, None if printout else hint, explain, places)
    _printout(diagnosis, kb, printout, [*reads, save_path])
    unused_activities(measured[0] if measured else None)


@click.command("intake")
@click.argument("name")
@answers_option
@click.option(
    "--no-input",
    is_flag=True,
    help="Ask nothing: what the answers file lacks stays unknown.",
)
@save_option
@printout_option
@force_option
@explain_option
@activity_option
@db_option
@kb_option
def intake_command(
    name, answers_file, no_input, save_file, printout, force, explain, activities, db_path, kb_dir
):
    """Run the coach's intake interview with a client and keep it as an assessment.

    The client (NAME) is created on the first intake; each intake adds a numbered
    assessment with its date, answers and diagnosis.
    """
    from ..answers import Answers, read_answers
    from ..interview import Interview
    from ..knowledge import load_kb
    from ..store import clean_name
    from ..usecases import keep_assessment
    from .interactive import default_save_path, interact

    if no_input and not answers_file:
        raise click.UsageError("--no-input needs --answers FILE: there would be nothing to assess")
    if not no_input:
        _fresh_save_path(save_file, f"pre-fill from it with --answers {save_file}")
    reads = [answers_file, save_file, *database_files(db_path)]
    claim_printout(printout, force, *reads)
    name = clean_name(name)
    kb = load_kb(kb_dir)
    chosen = _questionnaire(kb, "coach-intake")
    engine = engine_of(kb)
    given = read_answers(answers_file, kb) if answers_file else Answers(values={})
    measured = _measured(activities, given, kb, ask=not no_input)
    watched = _watch_values(measured)
    # opened first: a bad database fails before the interview
    with open_store(db_path, create=True) as store:
        # the client named on the command line is who this is, whatever the file says
        given.runner["name"] = store.known_name(name) or name
        save_path: Path | None = None
        if no_input:
            answers = given
            diagnosis = _diagnosed(
                engine, kb, answers.values, answers.runner, chosen.id, answers_file, measured
            )
        else:
            save_path = Path(save_file or default_save_path(chosen.id))
            interview = Interview(chosen, kb, engine, given, watched)
            hint = f"runform intake {shlex.quote(name)} --answers {{path}}" + _same_places(
                db=db_path, kb=kb_dir
            )
            again = f"runform intake {shlex.quote(name)}" + _same_places(
                answers=answers_file, save=save_file, db=db_path, kb=kb_dir
            )
            diagnosis = interact(interview, save_path, hint, again)
            answers = interview.answers()
            diagnosis = _with_watch(diagnosis, engine, answers.values, measured, kb)
        # the assessment keeps the answers the diagnosis was made from, measured ones
        # included (what was typed instead is in the diagnosis' watch summary)
        used = dataclasses.replace(answers, values=dict(diagnosis.answers))
        assessment = keep_assessment(store, name, used, diagnosis, chosen.id, kb)
        hint = f"runform program --client {shlex.quote(assessment.client)} -o program.pdf"
        hint += _same_places(db=db_path, kb=kb_dir)
        saved = save_path if save_path is not None and save_path.exists() else None
        shown = saved or (Path(answers_file) if answers_file else None)
        places = _same_places(kb=kb_dir) + _activity_places(activities)
        _show_result(diagnosis, kb, shown, hint, explain, places)
        click.echo(
            f"\nSaved as assessment {assessment.number} of {assessment.client} in {store.path}."
        )
    if not no_input or printout:
        _printout(diagnosis, kb, printout, [*reads, save_path])
    unused_activities(measured[0] if measured else None)
