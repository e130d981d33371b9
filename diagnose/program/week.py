"""The runner's week: how many sessions, what each is for, and the time budget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# lepape-technique: technique, coordination and strength take about a tenth of training time
# (10 minutes of a 1 h 30 session).
BUDGET_SHARE = 0.10
# workshop-exercises: the strength circuit twice a week, after a run.
STRENGTH_SESSIONS = 2
# strength-training-guidance: the same muscles about 48 h apart.
STRENGTH_GAP_DAYS = 2
# strength-training-guidance: 8-12 weeks of regular work improve running economy; the
# program runs for the shorter end, then the runner is assessed again.
PROGRAM_WEEKS = 8
# Assumed when the answers do not give the runner's week (a common recreational week).
DEFAULT_SESSIONS = 3
DEFAULT_MINUTES = 60
# lepape-technique gives the tenth per workout (10 min of 1 h 30), so the work is spread over the
# week: a session takes at most 1.5 times its own tenth, the technique run twice (it is
# the technique-focused day, technique-drills). These multipliers are our own rule of thumb.
SESSION_STRETCH = 1.5
TECHNIQUE_STRETCH = 2.0

# What each kind of session is, in the runner's words.
SESSION_KINDS = {
    "technique": (
        "Technique run",
        "An easy run with the week's technique work at the end of the warm-up. One "
        "technique session a week is enough for a recreational runner; the strength "
        "circuit can join it.",
    ),
    "speed": (
        "Faster session",
        "Intervals, tempo or hills. Only warm-up work is added to this hard day: short "
        "stretch holds and activation drills before it, nothing after.",
    ),
    "long": (
        "Long easy run",
        "The longest run of the week, at an easy pace you could chat at.",
    ),
    "easy": ("Easy run", "An easy, relaxed run."),
    "home": (
        "At home",
        "Gentle stretches on any day, no run needed: nothing here asks you to run before "
        "a clinician has cleared you.",
    ),
}


@dataclass(frozen=True)
class Week:
    kinds: tuple[str, ...]  # one kind per session, in week order
    minutes: int  # per session
    assumptions: tuple[str, ...]

    @property
    def sessions(self) -> int:
        return len(self.kinds)

    @property
    def weekly_minutes(self) -> int:
        return self.sessions * self.minutes

    @property
    def budget(self) -> float:
        return round(self.weekly_minutes * BUDGET_SHARE, 1)

    def session_cap(self, index: int) -> float:
        stretch = TECHNIQUE_STRETCH if self.kinds[index] == "technique" else SESSION_STRETCH
        return self.minutes * BUDGET_SHARE * stretch

    def of_kind(self, kind: str) -> list[int]:
        return [i for i, k in enumerate(self.kinds) if k == kind]

    @property
    def technique(self) -> int:
        return self.of_kind("technique")[0]

    def day(self, index: int) -> int:
        """The day of the week (0-6) a session falls on, the runs spread evenly."""
        return index * 7 // self.sessions

    def days_apart(self, first: int, second: int) -> int:
        """Days between two sessions, either way round the week."""
        gap = abs(self.day(first) - self.day(second))
        return min(gap, 7 - gap)

    def _after_hard(self, index: int) -> bool:
        """The session falls on the day after the faster session or the long run."""
        return any(
            (self.day(index) - self.day(other)) % 7 == 1
            for other, kind in enumerate(self.kinds)
            if other != index and kind in ("speed", "long")
        )

    @property
    def strength(self) -> list[int]:
        """Where the strength circuit goes first: the best of `strength_pairs`."""
        return list(self.strength_pairs[0])

    @property
    def strength_pairs(self) -> list[tuple[int, ...]]:
        """Where the strength circuit can go, best first (workshop-exercises: twice a week
        after a run; technique-drills: it can join the technique day): never after the
        faster session; 48 h apart or more when the week allows (strength-training-
        guidance), and then only such pairs; after the long run only when no two other
        runs are that far apart, and then off the day after the hard runs. A later pair
        takes what a full session of the first cannot."""
        pool = [i for i, k in enumerate(self.kinds) if k != "speed"]
        if len(pool) <= STRENGTH_SESSIONS:
            return [tuple(pool)]
        pairs = [(a, b) for a in pool for b in pool if a < b]
        pairs.sort(
            key=lambda p: (
                min(self.days_apart(*p), STRENGTH_GAP_DAYS),  # 48 h is enough
                -sum(self.kinds[i] == "long" for i in p),  # easy-paced runs first
                -sum(self._after_hard(i) for i in p),  # not the day after the hard one
                -(self.kinds[p[0]] != "technique"),  # the technique day first
                -p[0],
                -p[1],
            ),
            reverse=True,
        )
        spaced = [p for p in pairs if self.days_apart(*p) >= STRENGTH_GAP_DAYS]
        return spaced or pairs[:1]


def session_kinds(count: int, speed: bool = True) -> tuple[str, ...]:
    """The week's shape: the technique run first, the faster session in the middle, the
    long run last, easy runs in between (one of each at most; technique-drills: one
    technique day); never the technique run the day after the long run."""
    if count == 1:
        return ("technique",)
    if count == 2:
        return ("technique", "long")
    kinds = ["technique", *["easy"] * (count - 3), "long"]
    kinds.insert(count // 2, "speed" if speed else "easy")
    if count == 7:
        # a run every day: the technique run (strides, drills, jumps when ready) would
        # fall the day after the long run; an easy recovery run goes there instead
        kinds[0], kinds[1] = kinds[1], kinds[0]
    return tuple(kinds)


def week_of(runner: dict[str, Any], speed_work: str | None = None) -> Week:
    """The runner's week; `speed_work` is the answer to "no speed work" turned round:
    "no" means the runner does none, so no faster session is laid out (an easy run
    instead); unknown keeps one and says it was assumed."""
    assumptions = []
    sessions = runner.get("sessions_per_week")
    if not sessions:
        sessions = DEFAULT_SESSIONS
        assumptions.append(f"{DEFAULT_SESSIONS} sessions a week (the answers did not say)")
    minutes = runner.get("minutes_per_session")
    if not minutes:
        minutes = DEFAULT_MINUTES
        assumptions.append(f"{DEFAULT_MINUTES} minutes a session (the answers did not say)")
    speed = speed_work != "no"
    if speed_work is None and int(sessions) >= 3:
        assumptions.append("one faster session a week (the answers did not say)")
    return Week(session_kinds(int(sessions), speed), int(minutes), tuple(assumptions))
