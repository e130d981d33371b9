"""The installed `runform` finds its bundled knowledge from any folder."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def runform_script() -> str:
    beside = Path(sys.executable).parent / "runform"
    found = str(beside) if beside.exists() else shutil.which("runform")
    if not found:
        pytest.skip("runform is not installed as a console script")
    return found


def test_console_script_from_another_folder(tmp_path):
    done = subprocess.run(
        [runform_script(), "kb", "check"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Knowledge base OK" in done.stdout


def test_help_lists_the_commands(tmp_path):
    done = subprocess.run(
        [runform_script(), "--help"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    for command in ("diagnose", "kb"):
        assert command in done.stdout


def test_a_mistyped_command_gets_the_close_one_suggested():
    """Commands are loaded when used; a typo is still met with the command it is close
    to (click 8.4 and later suggest one), and every command in the table is the command
    of that name."""
    import click
    from click.testing import CliRunner

    from diagnose.cli import COMMANDS, cli

    result = CliRunner().invoke(cli, ["diagnos", "x.json"])
    assert result.exit_code == 2
    assert "No such command 'diagnos'" in result.output
    if hasattr(click.exceptions, "NoSuchCommand"):
        assert "Did you mean 'diagnose'?" in result.output
    context = click.Context(cli)
    assert [cli.get_command(context, name).name for name in COMMANDS] == list(COMMANDS)


def test_every_command_is_documented_in_the_readme():
    """The sqlite-utils habit: a command the README does not mention is a bug."""
    import click

    from diagnose.cli import cli

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")

    def names(group, prefix):
        context = click.Context(group)
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            yield f"{prefix} {name}"
            if isinstance(command, click.Group):
                yield from names(command, f"{prefix} {name}")

    missing = [name for name in names(cli, "runform") if f"`{name}" not in readme]
    assert not missing, f"commands missing from the README: {missing}"


def test_the_readme_cli_reference_is_every_command_s_current_help():
    """The README's CLI reference is made by cog from the commands' own --help: run
    `cog -r README.md` after changing a command."""
    from cogapp import Cog

    readme = Path(__file__).resolve().parent.parent / "README.md"
    assert Cog().main(["cog", "--check", "--diff", str(readme)]) == 0, "run: cog -r README.md"
