"""Markdown: GitHub tables; every piece of user or knowledge text escaped as text."""

from __future__ import annotations

import re

from tabulate import tabulate

from ..diagnosis import Diagnosis
from ..knowledge import KnowledgeBase
from . import diagnosis_view as view
from .safe import printable

_SPECIAL = re.compile(r"([\\`*_{}\[\]#!|<>&~])")
_LIST_NUMBER = re.compile(r"^(\d+)([.)])(?=\s|$)")  # "1. " would start a numbered list


def escape(text: str) -> str:
    """Text that Markdown (and the HTML inside it) shows literally, on one line."""
    text = printable(text, " ")
    text = _SPECIAL.sub(r"\\\1", text)
    text = _LIST_NUMBER.sub(r"\1\\\2", text)
    return "\\" + text if text[:1] in ("-", "+", "=") else text


def render_diagnosis(diagnosis: Diagnosis, kb: KnowledgeBase, explain: bool = False) -> str:
    out = [f"# {escape(view.title(diagnosis))}", ""]
    if diagnosis.source:
        out += [f"Source: {escape(diagnosis.source)}", ""]
    out += [f"*{escape(view.GUIDANCE)}*", ""]
    if diagnosis.red_flags:
        out += ["## Red flags: see a clinician before starting this program", ""]
        out += [f"- **{escape(f.name)}**: {escape(f.details.advice)}" for f in diagnosis.red_flags]
        out.append("")
    health = view.health_lines(diagnosis, kb)
    if health:
        out += ["## Health questions unanswered", "", *[escape(line) for line in health], ""]
    measured = view.watch_lines(diagnosis, kb)
    if measured:
        summary = measured[0].removeprefix("Measured by the watch: ")
        out += ["## Measured by the watch", "", escape(summary[:1].upper() + summary[1:]), ""]
        out += [f"- {escape(line)}" for line in measured[1:]]
        out.append("")
    for table in view.tables(diagnosis, kb):
        out += [f"## {table.heading}", ""]
        if table.rows:
            rows = [[escape(cell) for cell in row] for row in table.rows]
            out.append(tabulate(rows, table.headers, tablefmt="github", disable_numparse=True))
        else:
            out.append(escape(table.empty))
        out.append("")
    if diagnosis.advice:
        out += ["## Advice", ""]
        out += [f"- **{escape(a.name)}**: {escape(a.details.text)}" for a in diagnosis.advice]
        out.append("")
    ready = view.readiness_line(diagnosis)
    if ready:
        out += [escape(ready), ""]
    if diagnosis.held_back or diagnosis.gates:
        out += ["## Held back", ""]
        out += [f"- {escape(line)}" for line in view.held_back_lines(diagnosis)]
        out.append("")
    if argued := view.disagreement_lines(diagnosis):
        out += [f"## {view.DISAGREE_HEADING}", ""]
        out += [f"- {escape(line)}" for line in argued]
        out.append("")
    for line in view.unanswered_lines(diagnosis, kb):
        out += [escape(line), ""]
    if explain:
        out += ["## How runform concluded this", ""]
        for heading, lines in view.explained(diagnosis):
            out.append(f"- **{escape(heading)}**")
            out += [f"  - {escape(line)}" for line in lines]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
