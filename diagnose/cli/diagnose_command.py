"""`runform diagnose FILE|DIR...`: diagnose answers files without asking anything."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from ..render.formats import DIAGNOSIS_FORMATS
from .options import (
    INTERRUPTED,
    activity_option,
    engine_of,
    kb_option,
    unused_activities,
    watch_summary,
)


@click.command("diagnose")
@click.argument("paths", nargs=-1, required=True, metavar="FILE|DIR...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(DIAGNOSIS_FORMATS)),
    default="text",
    show_default=True,
    help="text: tables; json: one object (an array for several files); jsonl: one line "
    "per file; markdown: a document.",
)
@click.option("--explain", is_flag=True, help="Show how each conclusion was reached (HOW).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes for a batch; results keep the order of the files.",
)
@activity_option
@kb_option
def diagnose_command(
    paths: tuple[str, ...],
    fmt: str,
    explain: bool,
    jobs: int,
    activities: tuple[str, ...],
    kb_dir: str | None,
) -> None:
    """Diagnose answers files (JSON); a folder means every *.json in it.

    Bad files are reported on stderr, one line each, and the good ones are still
    diagnosed; the exit code is 1 if any file was bad.
    """
    from ..batch import Layout, diagnose_files, expand
    from ..knowledge import load_kb

    # one file gives one JSON object; several files, or a folder, give an array
    batch = len(paths) > 1 or any(Path(p).is_dir() for p in paths)
    if activities and batch:
        raise click.BadParameter(
            "goes with one answers file: the runner whose runs the activities are",
            param_hint="--activity",
        )
    kb = load_kb(kb_dir)
    engine = engine_of(kb)
    files = expand(list(paths))
    if not files:
        raise click.BadParameter("no *.json answers files found", param_hint="FILE|DIR")
    watch = watch_summary(activities)
    outcomes = diagnose_files(files, kb, engine, jobs, Layout(fmt, explain), watch)
    # a bar only while the results go elsewhere (a file, a pipe): on one terminal the
    # two would share lines
    show_bar = len(files) > 1 and sys.stderr.isatty() and not sys.stdout.isatty()
    progress = (
        click.progressbar(outcomes, length=len(files), label="Diagnosing", file=sys.stderr)
        if show_bar
        else contextlib.nullcontext(outcomes)
    )
    problems: list[str] = []  # said after the bar is done, so they are not drawn over
    try:
        with progress as results:
            bad = _write_outcomes(results, fmt, batch, problems, show_bar)
        for problem in problems:
            click.echo(problem, err=True)
    except KeyboardInterrupt:
        sys.stdout.flush()
        click.echo(f"\nStopped: Ctrl-C before the last of {len(files)} file(s).", err=True)
        sys.exit(INTERRUPTED)
    if bad:
        click.echo(
            f"Error: {bad} of {len(files)} file(s) could not be diagnosed; see above.", err=True
        )
        sys.exit(1)
    unused_activities(watch)


def _write_outcomes(results, fmt: str, batch: bool, problems: list[str], later: bool) -> int:
    """Print each diagnosis as it comes (already laid out), and each bad file's problems
    on stderr (or into `problems`, to say `later`); returns how many files were bad."""
    from ..render.safe import printable

    written = bad = 0
    if fmt == "json" and batch:
        click.echo("[", nl=False)
    for outcome in results:
        if outcome.problems is not None:
            bad += 1
            for problem in outcome.problems:
                line = f"Error: {printable(problem)}"
                if later:
                    problems.append(line)
                else:
                    click.echo(line, err=True)
            continue
        text = outcome.output
        if fmt == "json" and batch:
            indented = "\n".join("  " + line for line in text.splitlines())
            click.echo(("," if written else "") + "\n" + indented, nl=False)
        elif fmt in ("json", "jsonl"):
            click.echo(text)
        else:
            if written:
                click.echo("---\n" if fmt == "markdown" else "")
            click.echo(text, nl=False)
        written += 1
    if fmt == "json" and batch:
        click.echo("\n]")
    return bad
