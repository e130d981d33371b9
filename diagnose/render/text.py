"""Terminal text: tables (tabulate) that fit 80 columns, the HOW trace on request."""

from __future__ import annotations

import textwrap

from tabulate import tabulate

from ..diagnosis import Diagnosis
from ..knowledge import KnowledgeBase
from . import diagnosis_view as view
from .safe import printable

WIDTH = 80
# column widths that keep each table inside WIDTH (tabulate adds 2 spaces between columns)
COLUMNS = {3: [9, 22, 45], 5: [9, 22, 10, 16, 15]}


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def render_diagnosis(diagnosis: Diagnosis, kb: KnowledgeBase, explain: bool = False) -> str:
    out: list[str] = []
    heading = printable(view.title(diagnosis))
    out += [heading, "=" * min(len(heading), WIDTH)]
    if diagnosis.source:
        out.append(_wrap(f"Answers: {printable(diagnosis.source)}", ""))
    out += [view.GUIDANCE, ""]

    if diagnosis.red_flags:
        out.append("RED FLAGS: see a clinician before starting this program.")
        for flag in diagnosis.red_flags:
            out.append(_wrap(f"! {flag.name}: {flag.details['advice']}"))
        out.append("")

    for table in view.tables(diagnosis, kb):
        out.append(table.heading)
        if table.rows:
            widths = COLUMNS[len(table.headers)]
            out.append(
                tabulate(
                    table.rows,
                    table.headers,
                    tablefmt="simple",
                    maxcolwidths=widths,
                    disable_numparse=True,
                )
            )
        else:
            out.append(_wrap(table.empty))
        out.append("")

    if diagnosis.advice:
        out.append("Advice")
        for item in diagnosis.advice:
            out.append(_wrap(f"- {item.name}: {item.details['text']}"))
        out.append("")
    if diagnosis.held_back:
        names = ", ".join(f.name for f in diagnosis.held_back)
        out += [_wrap(f"Held back until a clinician has cleared you: {names}.", ""), ""]
    line = view.unanswered_line(diagnosis, kb)
    if line:
        out += [_wrap(line, ""), ""]

    if explain:
        out += ["How runform concluded this", "-" * 26]
        for heading_line, lines in view.explained(diagnosis):
            out.append(heading_line)
            out += [_wrap(f"• {line}") for line in lines]
        out.append("")
    elif diagnosis.findings():
        out += ["Add --explain to see how each conclusion was reached.", ""]
    return "\n".join(out).rstrip() + "\n"
