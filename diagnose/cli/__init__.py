"""The click command line: parses options, calls the library, maps errors to exit codes.

Heavy modules (experta, pydantic, the knowledge base) are imported inside the commands,
so `runform --help` starts fast.
"""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..errors import RunformError
from ..render.safe import printable


class ReportedError(click.ClickException):
    """A RunformError for the terminal: each finding on its own line, then `Error: …`."""

    def __init__(self, error: RunformError):
        super().__init__(str(error).splitlines()[0] if str(error) else "failed")
        self.problems = error.problems

    def show(self, file=None) -> None:
        if self.message in self.problems:
            # the problems are the errors: each once, each marked
            for problem in self.problems:
                click.echo(f"Error: {printable(problem)}", err=True)
            return
        # the problems are findings (file:line, for an editor), the message sums them up
        for problem in self.problems:
            click.echo(printable(problem), err=True)
        click.echo(f"Error: {printable(self.message)}", err=True)


class RunformGroup(click.Group):
    """Every error reaches the terminal as `Error: …` with its user text (file names,
    answers, keys) made harmless: no escape sequence gets to set a title, clear the
    screen or write the clipboard."""

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            raise _harmless(exc) from None

    def invoke(self, ctx: click.Context):
        # a file name's bytes that are not UTF-8 are shown as \x.. escapes, never a
        # UnicodeEncodeError halfway through a result
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        try:
            return super().invoke(ctx)
        except RunformError as exc:
            raise ReportedError(exc) from None
        except click.ClickException as exc:
            raise _harmless(exc) from None


def _harmless(exc: click.ClickException) -> click.ClickException:
    exc.message = printable(exc.message, keep="\n")
    return exc


@click.group(cls=RunformGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="runform")
def cli() -> None:
    """runform: diagnose running technique and build a corrective program.

    Answers (from an interview or an answers file) go through a rule-based expert
    system: technique defects, their root causes, and the mobility, activation,
    strength and technique work that treats them.
    """


from . import (  # noqa: E402  (commands register on `cli`)
    clients_command,
    diagnose_command,
    interview_command,
    kb_command,
    program_command,
)

for _module in (diagnose_command, interview_command, clients_command, kb_command, program_command):
    _module.register(cli)


def main() -> None:
    try:
        cli.main(prog_name="runform")
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
