"""The program as one self-contained HTML page (jinja2, autoescaped), ready to print on A4."""

from __future__ import annotations

import functools
from pathlib import Path

from ..program.model import KINDS, Program, minutes_text
from .safe import printable

TEMPLATES = Path(__file__).resolve().parent / "templates"
# grey levels for the week-at-a-glance cells: light for a little work, dark for a lot
LIGHTEST, DARKEST = 0xE8, 0x50


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value prints as text, never as markup
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # and no control character reaches the page (a name is text, not a form feed)
        finalize=lambda value: printable(value) if isinstance(value, str) else value,
    )
    env.filters["minutes"] = minutes_text
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def _grey(level: float) -> int:
    return round(LIGHTEST - (LIGHTEST - DARKEST) * level)


def render_program(program: Program) -> str:
    env = _environment()
    busiest = max((m for _, kinds in program.glance() for m in kinds.values()), default=0.0)

    def level(minutes: float) -> float:
        return minutes / busiest if busiest else 0.0

    env = env.overlay()
    env.filters["shade"] = lambda m: "#{0:02x}{0:02x}{0:02x}".format(_grey(level(m)))
    env.filters["shade_ink"] = lambda m: "#fff" if level(m) > 0.55 else "#111"
    budget = program.budget_minutes
    width = min(100.0, 100.0 * program.total_minutes / budget) if budget else 0.0
    return env.get_template("program.html.j2").render(
        p=program, kinds=KINDS, budget_width=round(width, 1)
    )
