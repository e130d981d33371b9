"""The end of an interview: what a runner can use at once, in a few lines that fit 80
columns: the likeliest faults and causes, the health screen, and the week's plan. The
full diagnosis (`--explain`) and the printout are a command away."""

from __future__ import annotations

from typing import Any

from ..diagnosis import Diagnosis
from ..program import Program
from .diagnosis_view import watch_lines
from .safe import printable
from .terminal import wrap

# How many defects and causes the summary names (the printout has them all).
TOP = 3


def _named(findings, limit: int = TOP) -> str:
    shown = [f"{f.name} ({f.certainty:.2f})" for f in findings[:limit]]
    more = len(findings) - limit
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def render_summary(diagnosis: Diagnosis, program: Program, kb: Any) -> str:
    out = ["Your result", "===========", "Coaching guidance, not a medical diagnosis.", ""]
    for flag in diagnosis.red_flags:
        out.append(wrap(f"! {flag.name}: {flag.details.advice}", "", "  "))
    if program.health_open:
        names = "; ".join(note.name for note in program.health_open)
        out.append(wrap(f"? Health questions unanswered: {names}.", "", "  "))
    out += [wrap(program.headline), ""]
    if diagnosis.watch is not None:
        out.append(wrap(f"Measured by the watch: {diagnosis.watch['summary']}.", "", "  "))
        # what it says against the answers given, and why it was not used, if it was not
        for line in watch_lines(diagnosis, kb)[1:]:
            if "answered" in line or line.startswith("not used"):
                out.append(wrap(f"- {line}", "", "  "))
        out.append("")
    if diagnosis.defects:
        out.append(wrap(f"Faults most likely: {_named(diagnosis.defects)}.", "", "  "))
    if diagnosis.causes:
        out.append(wrap(f"Causes most likely: {_named(diagnosis.causes)}.", "", "  "))
    if diagnosis.defects or diagnosis.causes:
        out.append("")
    if program.sessions:
        out.append(wrap(program.week_line()))
        for session in program.sessions:
            work = "; ".join(f"{item.name} {item.dose}" for item in session.items)
            line = f"{session.day} ({session.name}): {work or 'run as usual'}"
            if session.focus:
                line += f". While running: {session.focus.lower()}"
            out.append(wrap(f"- {line}.", "", "  "))
        waiting = len(program.later) + len(program.also_useful)
        if waiting:
            out.append(wrap(f"{waiting} more exercises wait under 'Later steps' in the printout."))
        out.append("")
    return printable("\n".join(out), keep="\n").rstrip() + "\n"
