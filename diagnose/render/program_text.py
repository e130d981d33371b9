"""The program for the terminal: tabulate tables that fit 80 columns."""

from __future__ import annotations

import textwrap

from ..program.model import KINDS, Program, Session, minutes_text
from .safe import printable
from .terminal import table, wrap

# when, exercise, dose, min, why (terminal.fit trims them to the screen)
SESSION_COLUMNS = [7, 20, 16, 3, 26]
GLANCE_COLUMNS = [20, 8, 10, 9, 8, 5]
BAR = 30


def _wrap(text: str, indent: str = "", hang: str = "") -> list[str]:
    return wrap(text, indent, hang).splitlines() or [indent.rstrip()]


def _heading(text: str, underline: str = "-") -> list[str]:
    lines = wrap(text).splitlines() or [""]
    return [*lines, underline * max(map(len, lines))]


def _glance(program: Program) -> list[str]:
    rows = []
    for session, kinds in program.glance():
        cells = [minutes_text(kinds[k]) if kinds[k] else "·" for k in KINDS]
        rows.append(
            [f"{session.number} {session.name}", *cells, minutes_text(session.planned_minutes)]
        )
    headers = ["session", *KINDS, "total"]
    align = ["left", *["right"] * (len(KINDS) + 1)]
    return [*_heading("Week at a glance (minutes)"), table(rows, headers, GLANCE_COLUMNS, align)]


def _session(session: Session) -> list[str]:
    out = _heading(f"{session.title} ({session.header_words})")
    out += _wrap(session.about)
    if session.items:
        rows = [
            [item.part_label, item.name, item.dose, minutes_text(item.minutes), item.why]
            for item in session.items
        ]
        headers = ["when", "exercise", "dose", "min", "why"]
        align = ["left", "left", "left", "right", "left"]
        out += ["", table(rows, headers, SESSION_COLUMNS, align)]
    if session.focus:
        out += [""] + _wrap(f"Focus while running: {session.focus}")
    return out


def _bars(title: str, notes) -> list[str]:
    out = _heading(title)
    for note in notes:
        filled = round(note.certainty * BAR)
        label = textwrap.shorten(printable(note.name), 36, placeholder="…")
        out.append(f"{label:<36}  {'█' * filled}{'░' * (BAR - filled)}  {note.certainty:.2f}")
    return out


def render_program(program: Program) -> str:
    out = _heading(program.title, "=")
    out += _wrap(f"Prepared {program.date}. {program.guidance}")
    out.append("")
    if program.red_flags:
        out.append("SEE A CLINICIAN BEFORE STARTING.")
        for flag in program.red_flags:
            out += _wrap(f"! {flag.name}: {flag.text}", "  ", "  ")
        out.append("")
    if program.health_open:
        out.append("HEALTH QUESTIONS UNANSWERED:")
        for note in program.health_open:
            out += _wrap(f"? {note.name}: {note.text}", "  ", "  ")
        out.append("")
    out += _wrap(program.headline) + [""]

    out += _heading("Your week")
    out += _wrap(program.week_line())
    for assumption in program.assumptions:
        out += _wrap(f"Assumed: {assumption}.")
    for note in program.notes:
        out += _wrap(note)
    out.append("")
    if program.sessions:
        out += _glance(program) + [""]

    for session in program.sessions:
        out += _session(session) + [""]

    for reason, names in program.held_back_groups():
        out += _wrap(f"Held back {reason}: {'; '.join(names)}.") + [""]

    exercises = program.exercises()
    if exercises:
        out += _heading("How to do each exercise")
        for item in exercises:
            out += _wrap(f"{item.name} ({item.category}, {item.dose})")
            out += _wrap(item.how, "  ")
            out += [line for cue in item.cues for line in _wrap(f"+ {cue}", "  ", "  ")]
            out += [line for pit in item.pitfalls for line in _wrap(f"- avoid: {pit}", "  ", "  ")]
        out.append("")

    if program.later:
        out += _heading("Later steps: once the first exercises feel easy")
        for step in program.later:
            out += _wrap(f"- {step.name} ({step.dose}; {step.when}). {step.why}", "", "  ")
        out.append("")
    if program.also_useful:
        out += _heading("Also useful")
        for reason, names in program.also_useful_groups():
            out += _wrap(f"- {reason[0].upper()}{reason[1:]}: {'; '.join(names)}.", "", "  ")
        out.append("")

    if program.advice:
        out += _heading("Advice")
        for note in program.advice:
            out += _wrap(f"- {note.name}: {note.text}", "", "  ")
        out.append("")

    if program.worth is not None:
        out += _heading(f"What it is worth over {program.worth.distance_words}")
        for line in program.worth.lines:
            out += _wrap(f"- {line}", "", "  ")
        out.append("")

    if program.shows_anything:
        out += _heading("What your answers show")
        for title, notes in (("Defects", program.defects), ("Causes", program.causes)):
            for note in notes:
                behind = f" (from: {note.text})" if note.text else ""
                out += _wrap(f"- {title[:-1]}: {note.name}, {note.certainty:.2f}{behind}", "", "  ")
        if program.measured:
            shown = "; ".join(f"{n.name} {n.text}" for n in program.measured)
            out += _wrap(f"Measured and tested: {shown}.")
        if program.disagree:
            out += _wrap(program.disagree_line())
        if program.could_change:
            out += _wrap(f"These questions could still change it: {program.could_change_line()}.")
        out.append("")
    if program.causes:
        out += _bars("Causes by certainty", program.causes) + [""]
    return "\n".join(out).rstrip() + "\n"
