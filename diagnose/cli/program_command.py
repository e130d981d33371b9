"""`runform program`: the corrective program as a printout (text, JSON, Markdown, HTML, PDF)."""

from __future__ import annotations

import click

from ..render.formats import PROGRAM_FORMATS
from .options import (
    DateType,
    activity_option,
    claim_output,
    database_files,
    db_option,
    echo_printout,
    engine_of,
    force_option,
    kb_option,
    open_store,
    printout_destination,
    unused_activities,
    watch_summary,
)


@click.command("program")
@click.argument(
    "answers_file", required=False, metavar="[ANSWERS_FILE]", type=click.Path(dir_okay=False)
)
@click.option("--client", metavar="NAME", help="Use a client's assessment from the database.")
@click.option(
    "--assessment",
    "number",
    type=int,
    metavar="N",
    help="With --client: which assessment (1, 2, ...; -1 the last). Default: the latest.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(PROGRAM_FORMATS)),
    help="Default: from -o's extension (.txt .json .md .html .pdf .ics); text without -o.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the printout here (atomically) instead of to the terminal. PDF needs it."
    " An existing file is replaced only with --force.",
)
@click.option(
    "--start",
    type=DateType(),
    metavar="DATE",
    help="The day of the first session (YYYY-MM-DD; the calendar starts there). "
    "Default: next Monday.",
)
@activity_option
@force_option
@kb_option
@db_option
def program_command(
    answers_file: str | None,
    client: str | None,
    number: int | None,
    fmt: str | None,
    output: str | None,
    start,
    activities: tuple[str, ...],
    force: bool,
    kb_dir: str | None,
    db_path: str | None,
) -> None:
    """Build the corrective program from an answers file or a client's assessment.

    The diagnosis is laid over the runner's week: about 10 % of the training time
    goes to mobility, activation, technique and strength work, placed session by
    session, with doses, cues, pitfalls and the reason for each exercise.
    A client's program is rebuilt from the stored answers with the current
    knowledge base.

    \b
    runform program examples/lea.json
    runform program examples/lea.json -o lea.pdf
    runform program --client "Marc Dupont" --assessment 1 -o marc.html
    runform program examples/lea.json -o week.ics --start 2026-12-07
    runform program examples/lea.json --activity monday.fit -o lea.pdf
    """
    from ..errors import RunformError
    from ..program.printout import format_for

    if (answers_file is None) == (client is None):
        raise click.UsageError("give an ANSWERS_FILE or --client NAME (one of them)")
    if number is not None and client is None:
        raise click.UsageError("--assessment goes with --client")
    try:
        fmt = format_for(output, fmt)
    except RunformError as exc:
        raise click.BadParameter(
            f"{exc}, or give --format", param_hint="'-o' / '--output'"
        ) from None
    to_stdout = printout_destination(fmt, output)
    claim_output(output, force, answers_file, *(database_files(db_path) if client else []))

    from ..answers import read_answers
    from ..knowledge import load_kb
    from ..program.printout import render_program, save_program
    from ..usecases import program_for, stored_answers, stored_watch

    kb = load_kb(kb_dir)
    kept = None
    if answers_file is not None:
        answers = read_answers(answers_file, kb)
    else:
        with open_store(db_path) as store:
            answers = stored_answers(store, client, number, kb)
            kept = stored_watch(store, client, number)
    watch = watch_summary(activities)
    program = program_for(answers, kb, engine_of(kb), start, watch, kept)

    if to_stdout:
        echo_printout(render_program(program, fmt))
    else:
        from ..render.safe import printable

        save_program(program, output, fmt)
        who = f" for {program.runner_name}" if program.runner_name else ""
        click.echo(printable(f"Wrote the program{who} to {output} ({fmt})."), err=True)
    unused_activities(watch)
