"""Printouts: pick a renderer for a format, and write a program to a file.

The renderers (and jinja2, fpdf2 behind them) are imported only when used, so nothing
heavy loads at `runform --help` time.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from pathlib import Path
from typing import Any

from ..diagnosis import Diagnosis
from ..errors import RunformError
from ..files import write_atomically
from ..knowledge import KnowledgeBase
from ..render.formats import EXTENSIONS, PROGRAM_FORMATS
from . import Program, build_program

FORMATS = tuple(PROGRAM_FORMATS)


def format_for(path: str | os.PathLike[str] | None, fmt: str | None) -> str:
    """The format asked for, or the one the file name's extension says; text by default."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise RunformError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        return fmt
    if path is None or str(path) == "-":
        return "text"
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(sorted(EXTENSIONS))
        raise RunformError(
            f"{path}: cannot tell the format from {suffix or 'a name without an extension'}; "
            f"use one of {known}"
        )
    return EXTENSIONS[suffix]


def render_program(program: Program, fmt: str) -> str | bytes:
    """The program in one format: text for text, json, markdown, html and ics; bytes for
    pdf. The renderer comes from the one registry (render/formats.py), imported when used."""
    if fmt not in PROGRAM_FORMATS:
        raise RunformError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    module = PROGRAM_FORMATS[fmt]
    if module is None:
        from ..render.jsonout import to_json

        return to_json(program.to_dict()) + "\n"
    render = importlib.import_module(f"..render.{module}", __package__).render_program
    return render(program)


def save_program(program: Program, path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """Render and write atomically (a crash leaves the old file or the new one); returns
    the format used."""
    fmt = format_for(path, fmt)
    rendered = render_program(program, fmt)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    write_atomically(path, data, shared=True)  # a printout is to share, not 0600
    return fmt


def write_program(
    diagnosis: Diagnosis,
    runner: dict[str, Any] | None,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    kb: KnowledgeBase | None = None,
    today: dt.date | None = None,
) -> Program:
    """Build the program for a diagnosis and write its printout (the interview's "write
    the printout?" offer). The format comes from `fmt` or the file's extension; `runner`
    defaults to the diagnosis' runner, `kb` to the bundled knowledge base. Raises
    RunformError for an unknown format or a file that cannot be written."""
    if kb is None:
        from ..knowledge import load_kb

        kb = load_kb()
    fmt = format_for(path, fmt)  # before the work: a bad name fails fast
    program = build_program(diagnosis, kb, runner=runner, today=today)
    save_program(program, path, fmt)
    return program
