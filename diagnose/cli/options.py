"""Options shared by several commands."""

from __future__ import annotations

import click

kb_option = click.option(
    "--kb",
    "kb_dir",
    metavar="DIR",
    envvar="RUNFORM_KB",
    type=click.Path(file_okay=False),
    help="Knowledge base folder (holding rules/ and questionnaires/) instead of the bundled "
    "one. Also RUNFORM_KB.",
)
