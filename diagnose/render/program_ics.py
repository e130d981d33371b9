"""The week as a calendar (iCalendar, RFC 5545, through the icalendar package): one
all-day event per session, repeating weekly for the length of the program, with the
session's exercises, doses, cues and reasons in its description."""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event, vRecur

from ..errors import RunformError
from ..program.model import Program, Session, minutes_text
from .safe import printable

PRODID = "-//runform//corrective running program//EN"


def _description(program: Program, session: Session) -> str:
    lines = []
    for flag in program.red_flags:  # what matters first, in every event
        lines.append(f"SEE A CLINICIAN FIRST: {flag.name}. {flag.text}")
    if program.health_open:
        names = "; ".join(note.name for note in program.health_open)
        lines.append(f"Health questions unanswered ({names}): gentle work only until answered.")
    lines += [f"Assumed: {assumption}." for assumption in program.assumptions]
    lines += [session.about, ""]
    for item in session.items:
        minutes = minutes_text(item.minutes)
        lines.append(f"{item.part_label.upper()}: {item.name}, {item.dose} ({minutes} min)")
        lines += [f"  + {cue}" for cue in item.cues]
        lines += [f"  - avoid: {pitfall}" for pitfall in item.pitfalls]
        lines.append(f"  {item.why}")
    if session.focus:
        lines += ["", f"Focus while running: {session.focus}"]
    lines += ["", f"Program of {program.date}, {program.weeks} weeks. {program.guidance}"]
    return printable("\n".join(lines), keep="\n")


def _summary(session: Session) -> str:
    if session.kind == "home":
        return f"{session.name}: {minutes_text(session.planned_minutes)} min of gentle stretches"
    added = f" + {minutes_text(session.planned_minutes)} min of work" if session.items else ""
    return f"{session.name} ({session.minutes} min){added}"


def render_program(program: Program) -> str:
    if not program.sessions:
        raise RunformError("nothing to put in a calendar: this program adds no work to the week")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = printable(program.title)
    calendar.add("x-wr-calname", title)
    start = dt.date.fromisoformat(program.starts or program.date)
    stamp = dt.datetime.combine(dt.date.fromisoformat(program.date), dt.time(), dt.timezone.utc)
    # the same program gives the same events (and ids): a re-import replaces, not doubles
    seed = hashlib.sha256(f"{program.runner_name}|{program.starts}".encode()).hexdigest()[:16]
    for session in program.sessions:
        day = start + dt.timedelta(days=program.session_day(session))
        event = Event()
        event.add("uid", f"{seed}-session-{session.number}@runform")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", printable(_summary(session)))
        event.add("description", _description(program, session))
        event.add("rrule", vRecur(freq="weekly", count=program.weeks))
        event.add("transp", "TRANSPARENT")  # all-day training, not busy time
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
