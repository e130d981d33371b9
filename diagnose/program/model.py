"""The corrective program: one model that every printout lays out, and its JSON form.

Everything a printout shows is decided here or in `planning`/`worth` and stored as
plain values (words included); renderers only arrange them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

# Where in a session an item goes, in the order a session runs.
PARTS = ("before", "drills", "mid", "after", "home")
PART_WORDS = {
    "before": "before the run, after a 5–10 min easy jog",
    "drills": "at the end of the warm-up",
    "mid": "half-way through the run",
    "after": "after the run",
    "home": "at home, on any day, no run needed",
}
PART_LABELS = {
    "before": "before",
    "drills": "warm-up",
    "mid": "mid-run",
    "after": "after",
    "home": "at home",
}

# The kinds of work in the week-at-a-glance grid (catalogue categories, advice aside).
KINDS = ("mobility", "activation", "technique", "strength")


def minutes_text(minutes: float) -> str:
    """12 → '12', 1.5 → '1.5', 0.25 → '0.3': minutes as people read them."""
    return f"{minutes:.0f}" if float(minutes).is_integer() else f"{minutes:.1f}"


def number(value: float) -> float | int:
    """A whole float as an int, so JSON shows 18, not 18.0."""
    return int(value) if float(value).is_integer() else round(value, 1)


@dataclass(frozen=True)
class Treated:
    """A defect or cause an exercise works on."""

    id: str
    name: str
    kind: str  # "defect" | "cause"
    certainty: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "certainty": round(self.certainty, 2),
        }


@dataclass(frozen=True)
class Item:
    """One exercise at one place in one session."""

    exercise: str  # catalogue id
    name: str
    category: str
    part: str  # one of PARTS
    dose: str
    minutes: float
    cues: tuple[str, ...]
    pitfalls: tuple[str, ...]
    treats: tuple[Treated, ...]
    why: str  # the defects and causes it treats, in plain words
    how: str  # the catalogue's description
    difficulty: int

    @property
    def when(self) -> str:
        return PART_WORDS[self.part]

    @property
    def part_label(self) -> str:
        return PART_LABELS[self.part]

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "name": self.name,
            "category": self.category,
            "part": self.part,
            "when": self.when,
            "dose": self.dose,
            "minutes": number(self.minutes),
            "cues": list(self.cues),
            "pitfalls": list(self.pitfalls),
            "treats": [t.id for t in self.treats],
            "why": self.why,
            "how": self.how,
            "difficulty": self.difficulty,
        }


@dataclass
class Session:
    """One of the runner's training sessions, with the work laid over it."""

    number: int
    kind: str  # "technique" | "speed" | "long" | "easy"
    name: str
    about: str
    minutes: int  # the runner's own session length
    items: list[Item] = field(default_factory=list)
    # one thing to think about while running (balanced-runner-stuck: only one)
    focus: str | None = None

    @property
    def day(self) -> str:
        return f"Session {self.number}"

    @property
    def title(self) -> str:
        return f"{self.day}: {self.name}"

    @property
    def planned_minutes(self) -> float:
        return sum(item.minutes for item in self.items)

    @property
    def header_words(self) -> str:
        """What the session's heading says of its length."""
        planned = minutes_text(self.planned_minutes)
        if self.kind == "home":
            return f"{planned} min at home, no run needed"
        return f"{self.minutes} min; {planned} min of it planned here"

    @property
    def length_words(self) -> str:
        planned = minutes_text(self.planned_minutes)
        if self.kind == "home":
            return f"{planned} min at home · no run"
        return f"{self.minutes} min run · {planned} min added"

    def minutes_by_kind(self) -> dict[str, float]:
        found = dict.fromkeys(KINDS, 0.0)
        for item in self.items:
            found[item.category] = found.get(item.category, 0.0) + item.minutes
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "day": self.day,
            "kind": self.kind,
            "name": self.name,
            "about": self.about,
            "minutes": self.minutes,
            "planned_minutes": number(self.planned_minutes),
            "focus": self.focus,
            "items": [item.to_dict() for item in self.items],
        }


@dataclass(frozen=True)
class LaterStep:
    """What to add or move on to once the first exercises are learned."""

    exercise: str
    name: str
    category: str
    dose: str
    after: str | None  # the planned exercise this one follows on from (catalogue progression)
    why: str
    waits: str = ""  # why it is not in this week: "once the simpler exercises feel easy"

    @property
    def when(self) -> str:
        return f"once {self.after.lower()} feels easy" if self.after else self.waits

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "name": self.name,
            "category": self.category,
            "dose": self.dose,
            "after": self.after,
            "why": self.why,
            "waits": self.waits,
        }


@dataclass(frozen=True)
class Worth:
    """The stride length × frequency arithmetic of lepape-technique, for this runner."""

    distance_km: float
    distance_words: str  # "your 21.1 km race" or "a marathon (no goal race given)"
    step_length_m: float | None  # None: not measured, and too uncertain to assume
    step_length_known: bool
    step_length_source: str  # "measured" | "height" (an estimate) | "typical" | "unknown"
    steps: int
    stride_gain_cm: int
    stride_gain_m: int
    cadence_spm: float | None
    target_cadence_spm: int | None
    cadence_raise_percent: int
    extra_steps: int
    cadence_gain_m: int
    both_gain_m: int
    figures: tuple[tuple[str, str], ...]  # (headline figure, what it is) worth showing
    lines: tuple[str, ...]  # the arithmetic, sentence by sentence

    def to_dict(self) -> dict[str, Any]:
        return {
            "distance_km": number(self.distance_km),
            "distance": self.distance_words,
            "step_length_m": (
                round(self.step_length_m, 2) if self.step_length_m is not None else None
            ),
            "step_length_known": self.step_length_known,
            "step_length_source": self.step_length_source,
            "steps": self.steps,
            "stride_gain_cm": self.stride_gain_cm,
            "stride_gain_m": self.stride_gain_m,
            "cadence_spm": self.cadence_spm,
            "target_cadence_spm": self.target_cadence_spm,
            "cadence_raise_percent": self.cadence_raise_percent,
            "extra_steps": self.extra_steps,
            "cadence_gain_m": self.cadence_gain_m,
            "both_gain_m": self.both_gain_m,
            "figures": [{"figure": f, "what": w} for f, w in self.figures],
            "lines": list(self.lines),
        }


@dataclass(frozen=True)
class Note:
    """A named piece of text: a red flag, a piece of advice, a conclusion for the chart."""

    id: str
    name: str
    text: str = ""
    certainty: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.text:
            out["text"] = self.text
        if self.certainty is not None:
            out["certainty"] = round(self.certainty, 2)
        return out


@dataclass
class Program:
    runner_name: str | None
    date: str  # ISO date the program was made
    sessions_per_week: int
    minutes_per_session: int
    assumptions: list[str]  # what was assumed because the answers did not say
    weekly_minutes: int
    budget_minutes: float
    sessions: list[Session]
    worth: Worth | None  # none while a red flag stops the running itself
    headline: str  # the first thing the runner reads
    red_flags: list[Note] = field(default_factory=list)
    # health questions left unanswered: the program keeps to gentle work until they are
    health_open: list[Note] = field(default_factory=list)
    held_back: list[Note] = field(default_factory=list)  # text: "until ...", why it waits
    later: list[LaterStep] = field(default_factory=list)
    # the rest of what the diagnosis prescribes, briefly: name, and why it waits (text)
    also_useful: list[Note] = field(default_factory=list)
    advice: list[Note] = field(default_factory=list)
    # what the program rests on: each with certainty and the answers behind it (text)
    causes: list[Note] = field(default_factory=list)
    defects: list[Note] = field(default_factory=list)
    measured: list[Note] = field(default_factory=list)  # test results and measurements
    could_change: list[Note] = field(default_factory=list)  # text: "unknown" | "not asked"
    # conclusions the answers argue both ways (diagnosis.disagreements): look or test again
    disagree: list[Note] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # budget remarks, what the plan is not
    source: str | None = None
    goal_distance_km: float | None = None
    starts: str | None = None  # ISO date of the first session (the calendar starts there)
    watch: dict[str, Any] | None = None  # what the runner's watch measured (`--activity`)
    weeks: int = 8  # how long the program runs before the runner is assessed again
    guidance: str = (
        "Coaching guidance, not a medical diagnosis. Changing the form of an uninjured "
        "runner is guidance, not proven injury prevention."
    )

    @property
    def title(self) -> str:
        return f"Running program for {self.runner_name}" if self.runner_name else "Running program"

    @property
    def total_minutes(self) -> float:
        return sum(s.planned_minutes for s in self.sessions)

    @property
    def clinician_first(self) -> bool:
        return bool(self.red_flags)

    @property
    def shows_anything(self) -> bool:
        """Whether "What your answers show" has anything to say."""
        return bool(
            self.defects or self.causes or self.measured or self.could_change or self.disagree
        )

    def disagree_line(self) -> str:
        """The conclusions the answers argue both ways, in one line."""
        names = "; ".join(n.name for n in self.disagree)
        return f"The answers disagree on: {names} (look or test again)."

    def could_change_line(self, limit: int = 8) -> str:
        """The questions that could change the program, in one line (unknown first)."""
        names = [n.name for n in self.could_change[:limit]]
        more = len(self.could_change) - limit
        return "; ".join(names) + (f" and {more} more" if more > 0 else "")

    def also_useful_groups(self) -> list[tuple[str, list[str]]]:
        """(why they wait, the names) for the exercises listed briefly."""
        groups: dict[str, list[str]] = {}
        for note in self.also_useful:
            groups.setdefault(note.text, []).append(note.name)
        return list(groups.items())

    def held_back_groups(self) -> list[tuple[str, list[str]]]:
        """(why it waits, the names) for what is held back, one group per reason."""
        groups: dict[str, list[str]] = {}
        for note in self.held_back:
            groups.setdefault(note.text or "for now", []).append(note.name)
        return list(groups.items())

    def items(self) -> list[Item]:
        return [item for session in self.sessions for item in session.items]

    def exercises(self) -> list[Item]:
        """Each planned exercise once, in the order it first appears (for the how-to
        notes), with every dose the plan uses for it (short holds before a run, long
        ones after)."""
        seen: dict[str, list[Item]] = {}
        for item in self.items():
            seen.setdefault(item.exercise, []).append(item)
        cards = []
        for items in seen.values():
            doses = sorted(
                dict.fromkeys((item.dose, item.part) for item in items),
                key=lambda dose: PARTS.index(dose[1]),
            )
            dose = items[0].dose
            if len({d for d, _ in doses}) > 1:
                dose = "; ".join(f"{d} {PART_WORDS[part].split(',')[0]}" for d, part in doses)
            cards.append(replace(items[0], dose=dose))
        return cards

    def glance(self) -> list[tuple[Session, dict[str, float]]]:
        """The week at a glance: each session's minutes for each kind of work."""
        return [(session, session.minutes_by_kind()) for session in self.sessions]

    def session_day(self, session: Session) -> int:
        """Days from the start to a session: the runs spread evenly over the week (the
        home session of a red flag on the first day)."""
        if session.kind == "home":
            return 0
        return (session.number - 1) * 7 // self.sessions_per_week

    def week_line(self) -> str:
        if self.red_flags:
            return (
                f"Planned: {self.sessions_per_week} session"
                f"{'s' if self.sessions_per_week != 1 else ''} × {self.minutes_per_session} min"
                " a week. While a red flag is open, run only as your clinician allows."
            )
        return (
            f"{self.sessions_per_week} session{'s' if self.sessions_per_week != 1 else ''} "
            f"× {self.minutes_per_session} min = {self.weekly_minutes} min of running a week. "
            f"About 10 % of it, {minutes_text(self.budget_minutes)} min, goes to technique, "
            f"coordination and strength; this plan uses {minutes_text(self.total_minutes)} min."
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.source is not None:
            out["source"] = self.source
        out.update(
            {
                "runner": {
                    "name": self.runner_name,
                    "sessions_per_week": self.sessions_per_week,
                    "minutes_per_session": self.minutes_per_session,
                    "goal_distance_km": self.goal_distance_km,
                },
                "date": self.date,
                "starts": self.starts,
                "weeks": self.weeks,
                "headline": self.headline,
                "guidance": self.guidance,
                "assumptions": list(self.assumptions),
                "weekly_minutes": self.weekly_minutes,
                "budget_minutes": number(self.budget_minutes),
                "total_minutes": number(self.total_minutes),
                "clinician_first": self.clinician_first,
                "red_flags": [n.to_dict() for n in self.red_flags],
                "health_questions_unanswered": [n.to_dict() for n in self.health_open],
                "held_back": [
                    {"id": n.id, "name": n.name, "held_back_because": n.text}
                    for n in self.held_back
                ],
                "sessions": [s.to_dict() for s in self.sessions],
                "week_at_a_glance": [
                    {
                        "day": session.day,
                        "name": session.name,
                        **{kind: number(minutes) for kind, minutes in kinds.items()},
                    }
                    for session, kinds in self.glance()
                ],
                "later": [step.to_dict() for step in self.later],
                "also_useful": [
                    {"exercise": n.id, "name": n.name, "waits": n.text} for n in self.also_useful
                ],
                "advice": [n.to_dict() for n in self.advice],
                "causes": [n.to_dict() for n in self.causes],
                "defects": [n.to_dict() for n in self.defects],
                "measured": [n.to_dict() for n in self.measured],
                "could_change": [
                    {"id": n.id, "name": n.name, "answer": n.text} for n in self.could_change
                ],
                "disagree": [n.to_dict() for n in self.disagree],
                "worth": self.worth.to_dict() if self.worth else None,
                "notes": list(self.notes),
            }
        )
        if self.watch is not None:
            out["watch"] = self.watch
        return out
