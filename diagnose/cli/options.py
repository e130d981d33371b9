"""Options shared by several commands."""

from __future__ import annotations

import gc
import os
import sys

import click

from ..errors import brief

# Stopped by Ctrl-C, the shell's convention: 128 + SIGINT.
INTERRUPTED = 130

kb_option = click.option(
    "--kb",
    "kb_dir",
    metavar="DIR",
    envvar="RUNFORM_KB",
    type=click.Path(file_okay=False),
    help="Knowledge base folder (holding rules/ and questionnaires/) instead of the bundled "
    "one. Also RUNFORM_KB.",
)

db_option = click.option(
    "--db",
    "db_path",
    metavar="PATH",
    envvar="RUNFORM_DB",
    type=click.Path(dir_okay=False),
    help="Client database (SQLite). Default: runform.db in the user's app folder. Also RUNFORM_DB.",
)


def engine_of(kb):
    """The compiled engine, for a command. The knowledge and the compiled network live as
    long as the process and are most of its objects: frozen out of the garbage
    collector's sight, they are not scanned again on every collection the diagnoses
    trigger (that halves the time per intake on a 5,000-rule knowledge base). A setting
    for the whole process, so it is made here, at the entry point, not in the library."""
    from ..engine import engine_for

    engine = engine_for(kb)
    gc.freeze()
    return engine


def default_db() -> str:
    return os.path.join(click.get_app_dir("runform"), "runform.db")


def open_store(db_path: str | None, create: bool = False):
    """The client database; only commands that add records (intake, import) create it,
    so a mistyped --db is an error, not a new empty database."""
    from ..errors import RunformError
    from ..store import Store

    path = db_path or default_db()
    if not create and not os.path.exists(path):
        raise RunformError(
            f"no client database at {path} yet; `runform intake NAME` creates it"
            + (f" (with --db {path})" if db_path else "")
        )
    return Store(path, writable=create)


activity_option = click.option(
    "--activity",
    "activities",
    metavar="FIT",
    multiple=True,
    type=click.Path(),
    help="A FIT activity file from the runner's watch, or a folder of them (repeat for "
    "several runs): its steady running gives measured cadence, contact time, step "
    "length, bounce and left/right balance, which outweigh typed answers.",
)


def watch_summary(activities: tuple[str, ...]):
    """What the activity files measured (None without any); files that could not be
    used are said on stderr as they are found wrong."""
    if not activities:
        return None
    from ..render.safe import printable
    from ..watch import activity_files, summarise

    files = activity_files(list(activities))
    summary = summarise(files)
    for problem in summary.problems:
        click.echo(f"Error: {printable(problem)}", err=True)
    return summary


def unused_activities(watch) -> None:
    """Exit 1, once the work is done, when some activity files could not be used (each
    was said as it was found wrong)."""
    if watch is not None and watch.problems:
        count = len(watch.problems)
        click.echo(f"Error: {count} activity file(s) could not be used; see above.", err=True)
        sys.exit(1)


answers_option = click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False),
    help="Pre-fill from an answers file; only the rest is asked.",
)

save_option = click.option(
    "--save",
    "save_file",
    type=click.Path(dir_okay=False),
    help="Save answers here as they are given (default: a new file in the app folder).",
)


class DateType(click.ParamType):
    """A calendar day written YYYY-MM-DD."""

    name = "date"

    def convert(self, value, param, ctx):
        import datetime as dt

        if not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(f"{brief(value)} is not a date: write it as YYYY-MM-DD (e.g. 2026-12-07)")
        # a program runs for weeks from its start: keep every day of it a real date
        if not 1900 <= value.year <= 2999:
            self.fail(f"{value.isoformat()}: give a date from the year 1900 to 2999")
        return value


def printout_destination(fmt: str, output: str | None) -> bool:
    """True when the printout goes to standard output; a PDF is refused on a terminal
    (its bytes would garble it), fine into a pipe or a file."""
    import sys

    from ..render.formats import BINARY

    to_stdout = output is None or output == "-"
    on_terminal = sys.stdout.isatty() if to_stdout else _is_terminal(output)
    if fmt in BINARY and on_terminal:
        raise click.UsageError("a PDF is not for the terminal: write it with -o FILE.pdf")
    return to_stdout


def _is_terminal(path: str | None) -> bool:
    """Whether a path names a terminal (/dev/tty, /dev/stdout on one...)."""
    import stat

    try:
        if not stat.S_ISCHR(os.stat(path).st_mode):
            return False
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except (OSError, TypeError, ValueError):
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def echo_printout(rendered: str | bytes) -> None:
    """A printout on standard output: text as text, a PDF's bytes as they are."""
    import sys

    if isinstance(rendered, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(rendered)
        sys.stdout.buffer.flush()
    else:
        click.echo(rendered, nl=False)


force_option = click.option(
    "--force", is_flag=True, help="Replace the output file if it is already there."
)


def database_files(db_path: str | None) -> list[str]:
    """A client database and the journal files SQLite keeps beside it: all are read."""
    from ..store import JOURNALS

    db = db_path or default_db()
    return [db, *(db + suffix for suffix in JOURNALS)]


def claim_printout(path: str | None, force: bool, *reads: str | os.PathLike[str] | None) -> None:
    """claim_output for a program printout named by its file (--printout): its format
    must be one runform writes, and a PDF never goes to a terminal, whatever its name."""
    from ..errors import RunformError
    from ..program.printout import format_for
    from ..render.formats import BINARY

    claim_output(path, force, *reads)
    if path is None:
        return
    try:
        fmt = format_for(path, None)
    except RunformError as exc:  # a usage error, as `program -o` says it
        raise click.BadParameter(str(exc), param_hint="'--printout'") from None
    if fmt in BINARY and _is_terminal(path):
        raise RunformError(f"{path}: a terminal: a PDF is not for the terminal")
    if not os.path.exists(path):  # said now, not after every question
        from pathlib import Path

        from ..files import can_write_in

        can_write_in(Path(path).parent)


def claim_output(path: str | None, force: bool, *reads: str | os.PathLike[str] | None) -> None:
    """Before any work is done: never write over a file this command reads, and replace
    a file that is already there only with --force or when the person typing says so."""
    import sys

    from ..errors import RunformError
    from ..files import replaces_a_file, same_file
    from ..render.safe import printable

    if path is None or path == "-":
        return
    for read in reads:
        if read is not None and same_file(path, read):
            raise RunformError(f"{path}: this command reads it; write to another file")
    if force or not replaces_a_file(path):
        return
    if sys.stdin.isatty() and click.confirm(
        printable(f"{path} is already there. Replace it?"), default=False, err=True
    ):
        return
    raise RunformError(f"{path} is already there: add --force to replace it")
