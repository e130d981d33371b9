"""The program as Markdown, through a jinja2 template that escapes every value as text."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ..program.model import KINDS, Program, minutes_text
from .markdown import escape

TEMPLATES = Path(__file__).resolve().parent / "templates"
BAR = 20


class Literal(str):
    """Text this renderer made itself (numbers, bars): printed as it is."""


def _finalize(value: Any) -> str:
    """Markdown's autoescape: every value from the model prints as text, never markup."""
    if value is None:
        return ""
    if isinstance(value, (Literal, int, float)) and not isinstance(value, bool):
        return str(value)
    return escape(str(value))


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # HTML escaping would be wrong here; _finalize escapes Markdown
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["minutes"] = lambda m: Literal(minutes_text(m))
    env.filters["minutes_or_dot"] = lambda m: Literal(minutes_text(m) if m else "·")
    env.filters["certainty"] = lambda c: Literal(f"{c:.2f}")
    env.filters["bar"] = lambda c: Literal("█" * round(c * BAR) or "▏")
    return env


def render_program(program: Program) -> str:
    text = _environment().get_template("program.md.j2").render(p=program, kinds=KINDS)
    return text.rstrip() + "\n"
