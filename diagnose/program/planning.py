"""Choosing the exercises and laying them over the runner's week.

The choice (lepape-technique): exercises for the most certain causes and defects first, the
simplest first; an exercise that treats several of them is planned once and counts for
all. The placement follows the catalogue's `when` slots (lepape-technique, 001, 004): strength
after easy-paced runs twice a week, technique drills on the one technique run,
activation drills in the warm-up of the faster session or half-way through the long
run, stretches held briefly after the jog before a run and long after it. The whole
stays within the weekly budget (about 10 % of training time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..diagnosis import Diagnosis, Finding
from ..knowledge import KnowledgeBase
from ..knowledge.kinds import Prescription
from .model import PARTS, Item, LaterStep, Note, Treated
from .week import Week

# Floating-point slack when adding up minutes such as 1.5.
EPSILON = 1e-9
# lepape-technique: learn the simplest exercises first. The hardest level waits for later weeks
# unless nothing simpler treats that cause or defect.
HARDEST = 3
# A handout, not a catalogue: the later steps give this many exercises in full (dose and
# why); the rest of what the diagnosis prescribes is listed briefly as "also useful".
MAX_LATER = 6
# Order within a part of a session: gentle walks, then brisk drills, then jumps; also
# how simple an exercise is, after its difficulty.
LOAD_ORDER = {"gentle": 0, "moderate": 1, "loaded": 2, "plyometric": 3}
# The findings a runner most likely has: each gets a first exercise, then a second,
# before the less certain ones get any (a coach works on the likely problems first).
MAIN_CERTAINTY = 0.5


@dataclass(frozen=True)
class Candidate:
    """A prescribed exercise the plan may use."""

    finding: Finding
    entity: Prescription
    treats: frozenset[str]  # defect and cause ids
    position: int  # in the catalogue: the sources' own order breaks ties (a series)
    follows: frozenset[str] = frozenset()  # a companion: the exercises it goes with

    @property
    def id(self) -> str:
        return self.finding.id


@dataclass(frozen=True)
class Placement:
    session: int
    part: str  # "before" | "drills" | "mid" | "after"
    long_hold: bool = False  # a stretch after the run: the catalogue's dose_after_run


@dataclass
class Plan:
    placed: list[tuple[Candidate, list[Placement]]]
    waiting: list[Candidate]  # prescribed but not planned this week
    over_budget: bool  # the budget was too small for even one exercise, so one was kept
    budget: float = 0.0
    cautious: bool = False  # a red flag: the first round only
    max_drills: int | None = None  # a runner letting things be: this many drills at most

    @property
    def planned_ids(self) -> set[str]:
        return {candidate.id for candidate, _ in self.placed}

    def drills_full(self) -> bool:
        drills = sum(1 for c, _ in self.placed if c.entity.category in DRILLS)
        return self.max_drills is not None and drills >= self.max_drills


def candidates(diagnosis: Diagnosis, kb: KnowledgeBase) -> list[Candidate]:
    """The exercises the plan may use (the engine has already held back what a red flag
    stops)."""
    conclusions = {f.id for f in (*diagnosis.defects, *diagnosis.causes)}
    position = {ident: index for index, ident in enumerate(kb.prescriptions)}
    usable = []
    for finding in diagnosis.prescriptions:
        entity = kb.prescriptions.get(finding.id)
        if entity is None or entity.category == "advice":
            continue
        treats = frozenset(t for t in finding.treats if t in conclusions)
        follows = frozenset(finding.details.follows)
        usable.append(Candidate(finding, entity, treats, position[finding.id], follows))
    return usable


class Planner:
    def __init__(self, week: Week):
        self.week = week
        self.load = [0.0] * week.sessions  # minutes planned per session
        self.total = 0.0

    # -- where an exercise can go

    def _least_loaded(self, options: list[Placement]) -> list[Placement]:
        return sorted(options, key=lambda p: (self.load[p.session], p.session))

    def variants(self, rx: Prescription) -> list[list[Placement]]:
        """Ways to place one exercise this week, the fullest first."""
        week, slots = self.week, set(rx.when)
        if "strength_day" in slots:
            # twice a week (workshop-exercises), in the best pair of days that has room;
            # once is the smallest form, completed later
            pairs = [[Placement(i, "after") for i in pair] for pair in week.strength_pairs]
            days = dict.fromkeys(p.session for pair in pairs for p in pair)
            once = [[Placement(i, "after")] for i in days]
            return [pair for pair in pairs if len(pair) > 1] + once
        if "technique_day" in slots:
            # The technique run first. Once it is full, a drill also fit for a warm-up goes
            # at the end of another run's warm-up (lepape-technique), the hard day's last.
            first = [[Placement(week.technique, "drills")]]
            if "warm_up_drills" not in slots:
                return first
            easy = self._least_loaded(
                [Placement(i, "drills") for i in (*week.of_kind("easy"), *week.of_kind("long"))]
            )
            hard = [Placement(i, "drills") for i in week.of_kind("speed")]
            return first + [[p] for p in (*easy, *hard)]
        if slots & {"warm_up_drills", "mid_long_run"}:
            # activation drills prepare a hard session or break up a long easy one
            options = []
            if "warm_up_drills" in slots:
                options += [Placement(i, "drills") for i in week.of_kind("speed")]
            if "mid_long_run" in slots:
                options += [Placement(i, "mid") for i in week.of_kind("long")]
            options = options or [Placement(week.technique, "drills")]
            return [[p] for p in self._least_loaded(options)]
        before = after = []
        sessions = range(week.sessions)
        if "before_run" in slots:
            before = self._least_loaded([Placement(i, "before") for i in sessions])
        if "after_run" in slots:
            after = self._least_loaded(self._after_holds())
        if not before and not after:
            return [[Placement(week.technique, "drills")]]
        variants = []
        if before and after:
            # short holds before one run, long holds after another where there are two
            elsewhere = [a for a in after if a.session != before[0].session] or after
            variants.append([before[0], elsewhere[0]])
        variants += [[p] for p in before] + [[p] for p in after]
        return variants

    def _after_holds(self) -> list[Placement]:
        """Long holds go after an easy-paced run: the faster session gets only its warm-up
        (its description promises nothing after it)."""
        easy = [i for i, kind in enumerate(self.week.kinds) if kind != "speed"]
        return [Placement(i, "after", long_hold=True) for i in easy or range(self.week.sessions)]

    # -- does it fit

    def fits(self, rx: Prescription, placements: list[Placement], strict: bool = True) -> bool:
        cost = rx.minutes * len(placements)
        if strict and self.total + cost > self.week.budget + EPSILON:
            return False
        per_session: dict[int, float] = {}
        for p in placements:
            per_session[p.session] = per_session.get(p.session, 0.0) + rx.minutes
        # a session takes up to its cap, or one exercise alone however long (a 5-minute
        # side plank after a 30-minute run, whose share is 4.5 minutes)
        return all(
            self.load[s] + added <= self.week.session_cap(s) + EPSILON
            or (self.load[s] == 0 and added == rx.minutes)
            for s, added in per_session.items()
        )

    def place(
        self,
        rx: Prescription,
        *,
        smallest: bool = False,
        strict: bool = True,
        within: set[int] | None = None,
    ) -> list[Placement] | None:
        """Take the fullest way that fits (or the smallest: short holds before a run only);
        not strict: over the budget if need be; `within`: in these sessions only."""
        variants = self.variants(rx)
        if within is not None:
            variants = [v for v in variants if {p.session for p in v} <= within]
        if smallest:
            variants = sorted(variants, key=len)  # stable: least-loaded order is kept
        for placements in variants:
            if self.fits(rx, placements, strict):
                self._take(rx, placements)
                return placements
        return None

    def extend(self, rx: Prescription, placements: list[Placement]) -> list[Placement]:
        """Complete what was placed in its smallest form: a strength exercise done once
        with its second session, a stretch held before a run with its long holds after
        another."""
        fullest = self.variants(rx)[0]
        if len(fullest) <= len(placements):
            return []
        if "strength_day" in rx.when:
            # its second session: the other day of any pair (48 h apart) it is part of
            taken = {p.session for p in placements}
            for pair in self.week.strength_pairs:
                if taken < set(pair):
                    extra = [Placement(i, "after") for i in pair if i not in taken]
                    if self.fits(rx, extra):
                        self._take(rx, extra)
                        return extra
            return []
        if "after_run" not in rx.when:
            return []
        taken = {p.session for p in placements}
        after = self._after_holds()
        extra = self._least_loaded(after)
        extra = [p for p in extra if p.session not in taken] or extra
        for p in extra:
            if self.fits(rx, [p]):
                self._take(rx, [p])
                return [p]
        return []

    def _take(self, rx: Prescription, placements: list[Placement]) -> None:
        for p in placements:
            self.load[p.session] += rx.minutes
            self.total += rx.minutes


def simpler_step(candidate: Candidate, pool: list[Candidate]) -> Candidate | None:
    """The prescribed exercise whose next step (catalogue progression) this one is."""
    return next((c for c in pool if c.entity.progression == candidate.id), None)


def _rank(candidate: Candidate, covered: set[str]) -> tuple[Any, ...]:
    """Simplest first (difficulty, then load: a walk before a skip before a lunge); then
    the one that treats most of what is still untreated; then the sources' order."""
    return (
        candidate.entity.difficulty,
        LOAD_ORDER[candidate.entity.load],
        -len(candidate.treats - covered),
        -candidate.finding.certainty,
        candidate.entity.minutes,
        candidate.position,
    )


def _most_indicated(candidate: Candidate) -> tuple[Any, ...]:
    return (-round(candidate.finding.certainty, 6), *_rank(candidate, set()))


DRILLS = ("technique", "activation")


def choose(
    pool: list[Candidate],
    targets: list[Finding],
    week: Week,
    cautious: bool = False,
    max_drills: int | None = None,
) -> Plan:
    """Go down the likely causes and defects (certainty MAIN_CERTAINTY or more), most
    certain first, giving each the simplest exercise that fits (in its smallest form, so
    more of them get something); then give the stretches their long holds after a run;
    then one more exercise each for the likely ones; then the less certain ones get
    theirs; then round again while the budget allows. `cautious` (a red flag): the first
    round only."""
    planner = Planner(week)
    placed: list[tuple[Candidate, list[Placement]]] = []
    left = list(pool)
    covered: set[str] = set()

    def drills_left() -> bool:
        planned = sum(1 for c, _ in placed if c.entity.category in DRILLS)
        return max_drills is None or planned < max_drills

    def after_its_simpler_step(candidate: Candidate) -> bool:
        """A next step waits while its simpler step is prescribed (lepape-technique: the
        simpler one is repeated until learned); it is offered among the later steps."""
        return simpler_step(candidate, pool) is not None

    def companion_sessions(candidate: Candidate) -> set[int] | None:
        """A companion (ankle circles after the foot walks) goes where what it follows
        is; anything else, anywhere."""
        if candidate.treats or not candidate.follows:
            return None
        return {p.session for c, ps in placed if c.id in candidate.follows for p in ps}

    def give(options: list[Candidate], smallest: bool = False, rank=None) -> bool:
        # not planned earlier in this round, nor waiting for its simpler step
        still = [c for c in options if c in left and not after_its_simpler_step(c)]
        if not drills_left():
            still = [c for c in still if c.entity.category not in DRILLS]
        for candidate in sorted(still, key=rank or (lambda c: _rank(c, covered))):
            placements = planner.place(
                candidate.entity, smallest=smallest, within=companion_sessions(candidate)
            )
            if placements is not None:
                placed.append((candidate, placements))
                left.remove(candidate)
                covered.update(candidate.treats)
                return True
        return False

    def simplest(options: list[Candidate]) -> list[Candidate]:
        easier = [c for c in options if c.entity.difficulty < HARDEST]
        return easier or options

    def first_for(chosen: list[Finding], likely: bool = True) -> None:
        """The simplest exercise for each; the hardest level only for a likely problem
        that nothing simpler treats (a less certain one is tested again first)."""
        for target in chosen:
            if target.id not in covered:
                treating = [c for c in pool if target.id in c.treats]
                options = simplest(treating)
                if not likely:
                    options = [c for c in options if c.entity.difficulty < HARDEST]
                give(options, smallest=True)

    def one_more_for(chosen: list[Finding]) -> bool:
        """A further exercise for each: the simplest came first, now the one the rules
        point to most (a desk worker's walking spiderman after the kneeling stretch)."""
        learnable = [c for c in left if c.entity.difficulty < HARDEST]
        return any(
            [give([c for c in learnable if t.id in c.treats], rank=_most_indicated) for t in chosen]
        )

    main = [t for t in targets if t.certainty >= MAIN_CERTAINTY]
    first_for(main)
    for candidate, placements in placed:
        placements += [] if cautious else planner.extend(candidate.entity, placements)
    if not cautious:
        one_more_for(main)
        first_for([t for t in targets if t.certainty < MAIN_CERTAINTY], likely=False)

    def with_company(candidate: Candidate) -> bool:
        """A companion comes only with something it follows."""
        planned = {c.id for c, _ in placed}
        return bool(candidate.treats) or bool(candidate.follows & planned)

    while not cautious:
        # then anything else prescribed, by its own rank, one at a time
        rest = [c for c in left if c.entity.difficulty < HARDEST and with_company(c)]
        if not one_more_for(targets) and not give(rest):
            break

    over_budget = False
    treating = [c for c in pool if c.treats]  # a companion alone is no program
    if not placed and treating:
        # Too little time for even one exercise: keep the shortest, simplest one rather
        # than hand out an empty program, and say so.
        firsts = [c for c in treating if not after_its_simpler_step(c)] or treating
        best = min(firsts, key=lambda c: (c.entity.minutes, *_rank(c, set())))
        placements = planner.place(best.entity, smallest=True, strict=False)
        if placements:
            placed.append((best, placements))
            left.remove(best)
            over_budget = True
    if not cautious:
        # a strength exercise first placed once (or a stretch before a run only) in a
        # later round gets its second session (or its long holds) when time is left
        for candidate, placements in placed:
            placements += planner.extend(candidate.entity, placements)
    left.sort(key=lambda c: _rank(c, covered))
    return Plan(placed, left, over_budget, week.budget, cautious, max_drills)


# ---------------------------------------------------------------- words


def _lower_first(name: str) -> str:
    return name[0].lower() + name[1:] if name[1:2].islower() else name


def treated(
    ids: frozenset[str] | set[str], kb: KnowledgeBase, diagnosis: Diagnosis
) -> list[Treated]:
    certainty = {f.id: f.certainty for f in (*diagnosis.defects, *diagnosis.causes)}
    found = []
    for ident in ids:
        kind = "defect" if ident in kb.defects else "cause"
        entity = kb.defects.get(ident) or kb.causes.get(ident)
        name = entity.name if entity else ident
        found.append(Treated(ident, name, kind, certainty.get(ident, 0.0)))
    return sorted(found, key=lambda t: (-t.certainty, t.kind != "cause", t.id))


def why(treats: list[Treated], finding: Finding | None = None) -> str:
    if not treats:
        # an add-on (ankle circles after the foot walks) says why it follows
        return (
            finding.because[0].reason
            if finding and finding.because
            else ("General preparation for the work that follows.")
        )
    names = [_lower_first(t.name) for t in treats]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"For {listed}."


def items_of(
    plan: Plan, kb: KnowledgeBase, diagnosis: Diagnosis, sessions: int, cues: bool = True
) -> list[list[Item]]:
    """The planned exercises as items, per session, in the order a session runs."""
    per_session: list[list[tuple[tuple[Any, ...], Item]]] = [[] for _ in range(sessions)]
    for rank, (candidate, placements) in enumerate(plan.placed):
        rx = candidate.entity
        treats = treated(candidate.treats, kb, diagnosis)
        for p in placements:
            if p.long_hold and rx.dose_after_run:
                dose_text = rx.dose_after_run.text()
            else:
                dose_text = rx.dose_for(diagnosis.answers)
            item = Item(
                exercise=rx.id,
                name=rx.name,
                category=rx.category,
                part=p.part,
                dose=dose_text,
                minutes=rx.minutes,
                cues=tuple(rx.cues) if cues else (),
                pitfalls=tuple(rx.pitfalls),
                treats=tuple(treats),
                why=why(treats, candidate.finding),
                how=" ".join(rx.description.split()),
                difficulty=rx.difficulty,
            )
            # within a part, a warm-up builds up: gentle walks, then brisk drills, the
            # longest (strides) last; after the run the strength circuit comes first and
            # the long holds close the session
            load = LOAD_ORDER[rx.load] * (-1 if p.part == "after" else 1)
            # a companion (ankle circles after the foot walks) follows what it goes with
            companion = 0 if candidate.treats else 1
            order = (PARTS.index(p.part), load, companion, rx.minutes, rx.difficulty, rank)
            per_session[p.session].append((order, item))
    return [[item for _, item in sorted(found, key=lambda x: x[0])] for found in per_session]


def _usefulness(candidate: Candidate, diagnosis: Diagnosis) -> tuple[Any, ...]:
    """Most useful first: what it treats is most certain, then the exercise itself."""
    certainty = {f.id: f.certainty for f in (*diagnosis.defects, *diagnosis.causes)}
    treated_most = max((certainty.get(t, 0.0) for t in candidate.treats), default=0.0)
    return (-round(treated_most, 6), -round(candidate.finding.certainty, 6), candidate.position)


MORE_TIME = "when there is more time than {budget:g} min a week"


def waiting_reason(candidate: Candidate, plan: Plan, kb: KnowledgeBase) -> str:
    """Why a prescribed exercise is not in this week: the true reason, said so."""
    if plan.cautious:
        return "until a clinician has cleared you"
    if not candidate.treats and candidate.follows:
        with_ = "; ".join(kb.prescriptions[f].name.lower() for f in sorted(candidate.follows))
        if not candidate.follows & plan.planned_ids:
            return f"with what it goes with ({with_})"
        # it goes only where what it follows is, and that session is full
        return f"when the session of what it goes with ({with_}) has room for it"
    if candidate.entity.category in DRILLS and plan.drills_full():
        return "while you let things be: a few drills at most"
    simpler = simpler_step(candidate, [c for c, _ in plan.placed] + plan.waiting)
    if simpler is not None:
        return f"once {simpler.entity.name.lower()} feels easy"
    if candidate.entity.difficulty >= HARDEST:
        return "once the simpler exercises feel easy"
    return MORE_TIME.format(budget=plan.budget)


def _simpler_first(waiting: list[Candidate]) -> list[Candidate]:
    """The same order, except that a next step comes right after its simpler step when
    both wait (quick tapping, then fast feet)."""
    ordered: list[Candidate] = []

    def add(candidate: Candidate) -> None:
        while candidate is not None and candidate not in ordered:
            ordered.append(candidate)
            candidate = next((c for c in waiting if c.id == candidate.entity.progression), None)

    for candidate in waiting:
        if simpler_step(candidate, waiting) is None:
            add(candidate)
    for candidate in waiting:  # (a loop of next steps, which the catalogue does not have)
        add(candidate)
    return ordered


def later_steps(
    plan: Plan,
    kb: KnowledgeBase,
    diagnosis: Diagnosis,
    progressions: bool = True,
) -> tuple[list[LaterStep], list[Note]]:
    """(later steps, also useful): the catalogue's next step for each planned exercise,
    then the prescribed exercises not planned this week, most useful first, each with
    why it waits. Nothing the diagnosis keeps is left out: beyond the first few, the rest
    is listed briefly as also useful. `progressions`: offer next steps at all (not while
    a red flag waits for a clinician, nor for a runner letting things be)."""
    planned = {candidate.id for candidate, _ in plan.placed}
    steps: list[LaterStep] = []
    offered: set[str] = set()
    for candidate, _ in plan.placed if progressions else []:
        rx = candidate.entity
        nxt = kb.prescriptions.get(rx.progression) if rx.progression else None
        if nxt is None or nxt.id in planned or nxt.id in offered:
            continue
        if nxt.load not in diagnosis.open_loads or nxt.id in diagnosis.ruled_out:
            continue  # not before the runner is ready for its load, nor once not needed
        offered.add(nxt.id)
        # what it carries on, and what it was itself prescribed for
        own = next((c.treats for c in plan.waiting if c.id == nxt.id), frozenset())
        treats = treated(candidate.treats | own, kb, diagnosis)
        steps.append(
            LaterStep(
                nxt.id,
                nxt.name,
                nxt.category,
                nxt.dose_for(diagnosis.answers),
                rx.name,
                why(treats),
                "once the one before it feels easy",
            )
        )
    waiting = _simpler_first(
        sorted(
            (c for c in plan.waiting if c.id not in offered),
            key=lambda c: _usefulness(c, diagnosis),
        )
    )
    room = max(0, MAX_LATER - len(steps)) if progressions else 0
    for candidate in waiting[:room]:
        rx = candidate.entity
        treats = treated(candidate.treats, kb, diagnosis)
        steps.append(
            LaterStep(
                rx.id,
                rx.name,
                rx.category,
                rx.dose_for(diagnosis.answers),
                None,
                why(treats, candidate.finding),
                waiting_reason(candidate, plan, kb),
            )
        )
    also = [Note(c.id, c.entity.name, waiting_reason(c, plan, kb)) for c in waiting[room:]]
    return steps, also
