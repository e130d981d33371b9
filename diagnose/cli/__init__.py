"""The click command line: parses options, calls the library, maps errors to exit codes.

Each command's module is imported when the command runs (COMMANDS), and heavy modules
(experta, pydantic, the knowledge base) inside the commands, so `runform --help` and
each command start fast.
"""

from __future__ import annotations

import importlib
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


# Each command and the module it lives in, imported only when it is used (or when the
# help lists them all): `runform diagnose` does not load the interview or the records.
COMMANDS = {
    "clients": "clients_command:clients_command",
    "compare": "clients_command:compare_command",
    "diagnose": "diagnose_command:diagnose_command",
    "export": "clients_command:export_command",
    "history": "clients_command:history_command",
    "import": "clients_command:import_command",
    "intake": "interview_command:intake_command",
    "interview": "interview_command:interview_command",
    "kb": "kb_command:kb_group",
    "program": "program_command:program_command",
    "progress": "clients_command:progress_command",
}


class RunformGroup(click.Group):
    """runform's commands, loaded when used (see COMMANDS). Every error reaches the
    terminal as `Error: …` with its user text (file names, answers, keys) made
    harmless: no escape sequence gets to set a title, clear the screen or write the
    clipboard."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            # click (8.4 and later) suggests a command close to a mistyped one, from
            # the commands it holds: runform's are in COMMANDS until they are used
            no_such = getattr(click.exceptions, "NoSuchCommand", None)
            if no_such is not None and isinstance(exc, no_such) and not exc.possibilities:
                raise no_such(exc.command_name, possibilities=COMMANDS, ctx=ctx) from None
            raise

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        if command.name != cmd_name:
            raise RuntimeError(f"COMMANDS[{cmd_name!r}] is the command {command.name!r}")
        return command

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


def main() -> None:
    try:
        cli.main(prog_name="runform")
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
