"""Compile the rule data into an experta KnowledgeEngine and run it on answers.

experta does the matching and the forward chaining (answers → defects → causes →
prescriptions, red flags beside them). Each KB rule becomes one experta rule whose
salience puts it in its conclusion's layer, so every rule concluding X fires before any
rule that uses X: X's certainty is final when it is used, and the result does not depend
on the order rules are declared or fire in.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from . import experta_compat
from .diagnosis import (
    CLEAR,
    INCOMPLETE,
    RED_FLAG,
    Advice,
    Details,
    Diagnosis,
    Disagreement,
    Exercise,
    Finding,
    Gate,
    RedFlagAdvice,
    Support,
)
from .experta_compat import (
    AND,
    AS,
    NOT,
    OR,
    Fact,
    KnowledgeEngine,
    P,
    QuickRunning,
    Rule,
)
from .knowledge import KnowledgeBase
from .knowledge.kinds import (
    LOADS,
    NAMESPACES,
    UNKNOWN,
    AllOf,
    AnyOf,
    ConclusionTest,
    KBRule,
    NotOf,
    ObservationTest,
    UnlessOf,
)
from .logic import (
    THRESHOLD,
    Key,
    children,
    combine,
    compile_certainty,
    compile_opening,
    counted_supports,
    layers,
    observations_in,
    premise_certainty,
    tests,
    truth,
)

# Evidence this strong on both sides of a conclusion is a disagreement worth saying (a
# hip seen dropping, cf 0.6, against a steady single-leg squat, cf -0.9): the sum alone
# would hide it. Our own threshold: the certainty of one clear sign.
DISAGREE = 0.5
ARGUED = ("defect", "cause", "readiness")
# A readiness this close (at most this many of its parts missing) is worth a line on what
# the work it opens waits for; further off, "the hardest exercises wait" says enough.
NEAR = 2
# How much an answer weighs against another of a different kind (docs/sources.md,
# DESIGN: measured > seen or tested > felt): answers of different weights are settled.
EVIDENCE_WEIGHT = {"reported": 0, "felt": 0, "seen": 1, "tested": 1, "measured": 2}


class Answer(Fact):
    """One answer: id (an observation id) and value (canonical, possibly 'unknown')."""


class Concluded(Fact):
    """An established conclusion (certainty at or above the threshold): ns and id."""


# ---------------------------------------------------------------- compiling


# The network's tests and actions are objects of this module's classes, not closures,
# so that a compiled network can be kept with the cached knowledge base (pickled).


class _Fails:
    """An answer known and failing a test: what a `not` on it matches."""

    def __init__(self, test: ObservationTest):
        self.test = test

    def __call__(self, value: Any) -> bool:
        return value != UNKNOWN and not self.test.matches(value)


class _OneOf:
    """An answer among a test's values (one predicate, never L(a) | L(b) | ...: those
    explode at reset, pyknow #7)."""

    def __init__(self, accepted: frozenset):
        self.accepted = accepted

    def __call__(self, value: Any) -> bool:
        return value in self.accepted


def _passing(test: ObservationTest, opposite: bool) -> Callable[[Any], bool]:
    """What an answer's value must be for a pattern on it to match it."""
    return _Fails(test) if opposite else test.matches


def _fact_pattern(test: Any, opposite: bool = False) -> Any:
    """One observation or conclusion test as an experta fact pattern; `opposite`: an
    answer that is known and fails the test (only answers can be known to fail)."""
    if isinstance(test, ObservationTest):
        if opposite:
            value: Any = P(_passing(test, opposite))
        elif test.is_ is not None:
            value = test.is_
        elif test.in_ is not None:
            value = P(_OneOf(frozenset(test.in_)))
        else:
            value = P(test.matches)
        return Answer(id=test.obs, value=value)
    fields = {"ns": test.namespace}
    if test.ident != "*":
        fields["id"] = test.ident
    return Concluded(**fields)


def _bound(pattern: Any, names: list[str]) -> Any:
    """A positive pattern, bound to a fresh name so the trace can see the fact it matched."""
    name = f"f{len(names)}"
    names.append(name)
    return getattr(AS, name) << pattern


# How a test is reached through the `not`s and `unless`es above it: as itself, as its
# known opposite (`not`: an answer that fails it), as not established (`unless`), or as
# its known opposite not established (`unless` over `not`).
AS_IS, OPPOSITE, ABSENT, OPPOSITE_ABSENT = "as is", "opposite", "absent", "opposite absent"
_THROUGH_NOT = {AS_IS: OPPOSITE, OPPOSITE: AS_IS, ABSENT: OPPOSITE_ABSENT, OPPOSITE_ABSENT: ABSENT}
_THROUGH_UNLESS = {AS_IS: ABSENT, ABSENT: AS_IS}  # the models keep `unless` out of `not`


def _element(condition: Any, names: list[str], mode: str = AS_IS) -> Any:
    """A condition as an experta conditional element, `not` and `unless` pushed down to
    the tests (De Morgan). `not` is three-valued: it becomes a positive match on an
    answer known to fail the test, so an unknown or unasked answer never satisfies it;
    `unless` is negation as failure: nothing established matches."""
    if isinstance(condition, NotOf):
        return _element(condition.not_, names, _THROUGH_NOT[mode])
    if isinstance(condition, UnlessOf):
        return _element(condition.unless, names, _THROUGH_UNLESS[mode])
    if isinstance(condition, (AllOf, AnyOf)):
        parts = [
            _element(c, names, mode)
            for c in (condition.all if isinstance(condition, AllOf) else condition.any)
        ]
        negated = mode in (OPPOSITE, ABSENT)
        conjunctive = isinstance(condition, AllOf) != negated  # De Morgan
        if len(parts) == 1:
            return parts[0]
        return AND(*parts) if conjunctive else OR(*parts)
    if isinstance(condition, ConclusionTest) and mode in (OPPOSITE, OPPOSITE_ABSENT):
        raise TypeError("a conclusion is never known to be absent")  # the models refuse it
    if mode == AS_IS:
        return _bound(_fact_pattern(condition), names)
    if mode == OPPOSITE:
        return _bound(_fact_pattern(condition, opposite=True), names)
    if mode == ABSENT:
        return NOT(_fact_pattern(condition))
    return NOT(_fact_pattern(condition, opposite=True))


def _answer_patterns(condition: Any, mode: str = AS_IS) -> Iterator[tuple[ObservationTest, bool]]:
    """The answer patterns `_element` makes of a condition: (test, on its opposite)."""
    if isinstance(condition, NotOf):
        yield from _answer_patterns(condition.not_, _THROUGH_NOT[mode])
    elif isinstance(condition, UnlessOf):
        yield from _answer_patterns(condition.unless, _THROUGH_UNLESS[mode])
    elif isinstance(condition, ObservationTest):
        yield condition, mode in (OPPOSITE, OPPOSITE_ABSENT)
    else:
        for child in children(condition):
            yield from _answer_patterns(child, mode)


class _Matchable:
    """Which answers some pattern of the network can match: only those are declared (a
    fact that matches no pattern only costs the network its tests)."""

    def __init__(self, rules: list[KBRule]):
        self.values: dict[str, set[Any]] = {}  # literal tests: the values they accept
        self.tests: dict[str, list[Callable[[Any], bool]]] = {}  # the others
        for rule in rules:
            for test, opposite in _answer_patterns(rule.when):
                if not opposite and (test.is_ is not None or test.in_ is not None):
                    self.values.setdefault(test.obs, set()).update(test.values())
                else:
                    self.tests.setdefault(test.obs, []).append(_passing(test, opposite))

    def __call__(self, obs: str, value: Any) -> bool:
        if value == UNKNOWN:
            return False
        accepted = self.values.get(obs)
        if accepted is not None and value in accepted:
            return True
        return any(test(value) for test in self.tests.get(obs, ()))


def _fire_shape(engine: _Run, **bound: Any) -> None:
    """The shape of every rule's action (below)."""


class _Fire:
    """A rule's action: the engine is told the rule fired, with the facts it matched."""

    # experta reads an action's signature for every copy it makes of the rule while
    # building the network (about 2,000 for the bundled rules: a third of the build);
    # given, inspect.signature returns it at once (the same signature)
    __signature__ = inspect.signature(_fire_shape)

    def __init__(self, rule_id: str):
        self.rule_id = rule_id
        self.__name__ = rule_id

    def __call__(self, engine: _Run, **bound: Any) -> None:
        engine.fired(self.rule_id, bound.values())


class _Run(KnowledgeEngine):
    """The compiled engine on experta as published (its own matcher and agenda); also
    keeps the certainty bookkeeping of the current run."""

    kb: KnowledgeBase
    by_id: dict[str, KBRule]
    # rule id -> what it concludes, its certainty factor, and its premise's certainty
    # compiled (None: a premise of answers only, certain once the network matched it)
    firing: dict[str, tuple[Key, float, Any]]
    tested: set[Key]  # the conclusions some rule tests

    @staticmethod
    def fact(cls, **fields):
        return cls(**fields)

    def start(self, answers: Mapping[str, Any]) -> None:
        self.answers = answers
        self.support: dict[Key, dict[str, float]] = {}
        # the facts each firing matched, described only for the conclusions kept
        self.trace_facts: dict[tuple[Key, str], list[Any]] = {}
        self.certainty: dict[Key, float] = {}
        self.declared: dict[Key, Any] = {}

    def certainty_of(self, test: ConclusionTest) -> float:
        if test.ident == "*":
            return max(
                (
                    cf
                    for (ns, _), cf in self.certainty.items()
                    if ns == test.namespace and cf >= THRESHOLD
                ),
                default=0.0,
            )
        cf = self.certainty.get((test.namespace, test.ident), 0.0)
        return cf if cf >= THRESHOLD else 0.0

    def fired(self, rule_id: str, facts: Any) -> None:
        key, cf, premise = self.firing[rule_id]
        if premise is not None:
            premise = premise(self.answers, self.certainty_of)
            if premise <= 0:
                return
            cf *= premise
        supports = self.support.setdefault(key, {})
        supports[rule_id] = cf
        self.trace_facts.setdefault((key, rule_id), []).extend(facts)
        if len(supports) > 1:
            by_id = self.by_id
            counted = counted_supports((by_id[r].group, r, c) for r, c in supports.items())
            cf = combine(list(counted.values()))
        self.certainty[key] = cf
        # Only established conclusions are facts: one below the threshold (or pushed
        # under it by negative evidence) is not there for other rules to use; and only
        # those some rule tests.
        if key not in self.tested:
            return
        fact = self.declared.get(key)
        if cf >= THRESHOLD and fact is None:
            self.declared[key] = self.declare(self.fact(Concluded, ns=key[0], id=key[1]))
        elif cf < THRESHOLD and fact is not None:
            self.retract(self.declared.pop(key))


class _Record:
    """What one run leaves for its findings' traces, which are written only when read:
    the run's own bookkeeping (the engine starts afresh for the next run)."""

    def __init__(self, engine: _Run, answers: Mapping[str, Any]):
        self.answers = dict(answers)  # as they were: a trace written later says the same
        self.certainty = engine.certainty
        self.support = engine.support
        self.trace_facts = engine.trace_facts
        self.measured = dict(engine.measured)

    certainty_of = _Run.certainty_of  # the same reading, of this run's certainties


class _QuickRun(QuickRunning, _Run):
    """The same, on runform's quicker matcher, agenda and run loop (experta_compat): what
    runform runs. A differential test holds it to _Run's results."""


# ---------------------------------------------------------------- the engine


class Engine:
    """A knowledge base compiled into experta, reused for every diagnosis in the process
    (`quick=False`: on experta as published, which the differential test compares with)."""

    def __init__(self, kb: KnowledgeBase, rules: list[KBRule] | None = None, *, quick: bool = True):
        self.kb = kb
        self.rules = list(kb.rules if rules is None else rules)
        self.all_keys = {ns: list(kb.entities(ns)) for ns in NAMESPACES}
        self.depth = layers(self.rules, self.all_keys)
        attributes: dict[str, Any] = {
            "kb": kb,
            "by_id": {r.id: r for r in self.rules},
            "firing": {
                r.id: (
                    r.then.key,
                    r.cf,
                    None if _certain_once_matched(r.when) else compile_certainty(r.when),
                )
                for r in self.rules
            },
            "tested": self._tested_conclusions(),
        }
        # the network kept with a cached knowledge base: built for all its rules
        network = kb.network if rules is None and quick else None
        if network is not None:
            attributes["network"] = network
        for position, rule in enumerate(self.rules if network is None else ()):
            names: list[str] = []
            element = _element(rule.when, names)
            elements = element if isinstance(element, AND) else (element,)
            salience = -self.depth[rule.then.key]
            # experta collects rules by attribute name (sorted), so the name keeps list order.
            attributes[f"rule_{position:05d}"] = Rule(*elements, salience=salience)(_Fire(rule.id))
        base = _QuickRun if quick else _Run
        self._engine: _Run = type("CompiledKnowledge", (base,), attributes)()
        self._rules_for: dict[Key, list[KBRule]] = {}
        for rule in self.rules:
            self._rules_for.setdefault(rule.then.key, []).append(rule)
        # Answers the network can use: a pattern can match them ("unknown" matches none,
        # not even a `not`'s: like a missing answer, it is not a fact).
        self._matchable = _Matchable(self.rules)
        self._opening = {rule.id: compile_opening(rule.when) for rule in self.rules}
        self._with_unless = {rule.id for rule in self.rules if _has_unless(rule.when)}
        self._rules_reading: dict[str, list[KBRule]] = {}  # by the answers they read
        for rule in self.rules:
            for obs in sorted(observations_in(rule.when)):
                self._rules_reading.setdefault(obs, []).append(rule)
        self._screen = [o.id for o in kb.observations.values() if o.screen]
        # readiness -> the prescription rules that require it (work it would open)
        self._gated_by: dict[Key, list[KBRule]] = {}
        for rule in self.rules:
            if rule.then.key[0] == "prescription" and rule.cf > 0:
                for test in tests(rule.when):
                    if isinstance(test, ConclusionTest) and test.namespace == "readiness":
                        self._gated_by.setdefault((test.namespace, test.ident), []).append(rule)
        # load level -> the readiness conclusions that open it
        self._gates: dict[str, list[str]] = {}
        for readiness in kb.readiness.values():
            if readiness.opens:
                self._gates.setdefault(readiness.opens, []).append(readiness.id)

    def _tested_conclusions(self) -> set[Key]:
        found: set[Key] = set()
        for rule in self.rules:
            for test in tests(rule.when):
                if isinstance(test, ConclusionTest):
                    idents = self.all_keys[test.namespace] if test.ident == "*" else [test.ident]
                    found.update((test.namespace, ident) for ident in idents)
        return found

    # -- running

    def run(
        self,
        answers: Mapping[str, Any],
        runner: Mapping[str, Any] | None = None,
        questionnaire: str | None = None,
        source: str | None = None,
        measured: Mapping[str, str] | None = None,
    ) -> Diagnosis:
        """Diagnose canonical answers (observation id → value, as `Observation.coerce`
        gives); `measured`: the answers a device measured, and how (said in the trace)."""
        engine = self._engine
        engine.reset()
        engine.start(answers)
        engine.measured = measured or {}
        facts = [
            engine.fact(Answer, id=obs, value=value)
            for obs, value in sorted(answers.items())
            if self._matchable(obs, value)
        ]
        if facts:
            engine.declare(*facts)
        engine.run()
        return self._diagnosis(engine, dict(answers), dict(runner or {}), questionnaire, source)

    # -- assembling the result

    def _finding(self, engine: _Run, key: Key, record: _Record) -> Finding:
        namespace, ident = key
        entity = self.kb.entity(namespace, ident)
        inputs = self._used(engine, key)
        details: Details = None
        treats = sorted(i for ns, i in inputs if ns in ("defect", "cause", "red_flag"))
        if namespace == "prescription" and entity.category == "advice":
            details = Advice(entity.description, treats)
        elif namespace == "prescription":
            details = Exercise(
                category=entity.category,
                dose=entity.dose_for(engine.answers) or None,
                dose_after_run=entity.dose_after_run.text() if entity.dose_after_run else None,
                minutes=entity.minutes,
                when=list(entity.when),
                load=entity.load,
                difficulty=entity.difficulty,
                treats=treats,
                follows=sorted(i for ns, i in inputs if ns == "prescription"),
            )
        elif namespace == "red_flag":
            details = RedFlagAdvice(entity.advice)
        return Finding(
            namespace,
            ident,
            entity.name,
            engine.certainty[key],
            details,
            functools.partial(self._supports, record, key),
        )

    def _supports(self, record: _Record, key: Key) -> tuple[Support, ...]:
        """A finding's trace: each rule's contribution, the facts it fired on and the
        `unless` parts that held; the counted ones first, strongest first."""
        by_id = self._engine.by_id
        counted = counted_supports((by_id[r].group, r, c) for r, c in record.support[key].items())
        supports = []
        for rule_id, contribution in record.support[key].items():
            rule = by_id[rule_id]
            facts = sorted(_described(record.trace_facts[(key, rule_id)], record.measured))
            if rule_id in self._with_unless:
                facts += self._negations(rule.when, record)
            supports.append(
                Support(rule_id, rule.because, contribution, tuple(facts), rule_id in counted)
            )
        supports.sort(key=lambda s: (not s.counted, -s.certainty, s.rule))
        return tuple(supports)

    def _disagreements(self, record: _Record) -> list[Disagreement]:
        """Defects, causes and readiness that counted evidence argues both ways, each
        way with DISAGREE or more (evidence of one group counts once, as in the sum)."""
        by_id = self._engine.by_id
        found = []
        for key, supports in record.support.items():
            if key[0] not in ARGUED or not (
                max(supports.values()) >= DISAGREE and min(supports.values()) <= -DISAGREE
            ):
                continue
            counted = counted_supports((by_id[r].group, r, c) for r, c in supports.items())
            if max(counted.values()) < DISAGREE or min(counted.values()) > -DISAGREE:
                continue
            # where the answers themselves disagree: a rule on a conclusion (a red flag
            # closing the health screen) is policy, not a second opinion
            trace = [
                s
                for s in self._supports(record, key)
                if s.counted and _on_answers(by_id[s.rule].when)
            ]
            pro = tuple(s for s in trace if s.certainty >= DISAGREE)
            con = tuple(s for s in trace if s.certainty <= -DISAGREE)
            # a measurement against a feeling, or a coach's eye against a feeling, is
            # settled by the knowledge base (measured > seen or tested > felt): not said
            if pro and con and self._weight(pro) == self._weight(con):
                found.append(
                    Disagreement(
                        key[0],
                        key[1],
                        self.kb.entity(*key).name,
                        record.certainty.get(key, 0.0),
                        pro,
                        con,
                    )
                )
        found.sort(key=lambda d: (NAMESPACES.index(d.namespace), d.id))
        # one pair of answers said once (a hip seen dropping against a steady squat
        # argues both the unstable leg and the control readiness)
        said: set[frozenset[str]] = set()
        once = []
        for disagreement in found:
            facts = frozenset(
                f for s in (*disagreement.for_, *disagreement.against) for f in s.facts
            )
            if facts not in said:
                said.add(facts)
                once.append(disagreement)
        return once

    def _waiting_for_readiness(self, record: _Record, health: str) -> list[Gate]:
        """For each readiness that opens a load and is nearly shown (NEAR parts missing
        at most): the prescriptions its rules would give were it shown (bounding for a
        lack of power), and the parts of its own rule still missing, each said as not
        tested, not passed, not answered or as answered. None while the health screen
        is not clear: the clinician, or the health questions, come first."""
        if health != CLEAR:
            return []
        gates = []
        for readiness in self.kb.readiness.values():
            key = ("readiness", readiness.id)
            if not readiness.opens or record.certainty.get(key, 0.0) >= THRESHOLD:
                continue

            def assumed(test: ConclusionTest, key: Key = key) -> float:
                shown = (test.namespace, test.ident) == key
                return 1.0 if shown else record.certainty_of(test)

            waiting = sorted(
                {
                    rule.then.key[1]
                    for rule in self._gated_by.get(key, [])
                    if premise_certainty(rule.when, record.answers, assumed) > 0
                }
            )
            missing = self._lacking(key, record) if waiting else []
            if waiting and len(missing) <= NEAR:
                named = tuple((i, self.kb.prescriptions[i].name) for i in waiting)
                gates.append(Gate(readiness.id, readiness.name, named, tuple(missing)))
        return gates

    def _lacking(self, key: Key, record: _Record) -> list[str]:
        """The parts of a readiness's rule that do not hold, in words."""
        lacking: list[str] = []
        for rule in self._rules_for.get(key, []):
            if rule.cf <= 0:
                continue
            parts = rule.when.all if isinstance(rule.when, AllOf) else [rule.when]
            for part in parts:
                if premise_certainty(part, record.answers, record.certainty_of) >= THRESHOLD:
                    continue
                if isinstance(part, ConclusionTest):
                    entity = self.kb.entity(part.namespace, part.ident)
                    lacking.append(
                        f"{entity.name}: {self._how_short((part.namespace, part.ident), record)}"
                    )
                elif isinstance(part, ObservationTest):
                    name = self.kb.observations[part.obs].name
                    given = record.answers.get(part.obs, UNKNOWN)
                    lacking.append(f"{name}: {'not answered' if given == UNKNOWN else given}")
                else:
                    lacking.append(_words(part))
        return lacking

    def _how_short(self, key: Key, record: _Record) -> str:
        """Why a conclusion the readiness needs is not there: its tests failed ("not
        passed": a hop test answered no, whatever was left unasked after it), some are
        still to do ("not fully tested"), or none was done ("not tested")."""
        rules = [rule for rule in self._rules_for.get(key, []) if rule.cf > 0]

        def status(test: ConclusionTest) -> bool:
            return record.certainty_of(test) >= THRESHOLD

        if all(truth(rule.when, record.answers, status) is False for rule in rules):
            return "not passed"
        read = set().union(*(observations_in(rule.when) for rule in rules))
        tried = any(record.answers.get(o, UNKNOWN) != UNKNOWN for o in read)
        return "not fully tested" if tried else "not tested"

    def _weight(self, supports: tuple[Support, ...]) -> int:
        """The strongest kind of evidence among the answers behind some supports."""
        by_id = self._engine.by_id
        return max(
            EVIDENCE_WEIGHT[self.kb.observations[test.obs].evidence]
            for support in supports
            for test in _stated(by_id[support.rule].when)
        )

    def _used(self, engine: _Run, key: Key) -> set[Key]:
        """The conclusions a finding rests on directly. A companion that follows another
        exercise (ankle circles after the foot walks) treats nothing of its own: it is
        not a first choice for anything, and goes only with what it follows."""
        found: set[Key] = set()
        for rule_id in engine.support[key]:
            for fact in engine.trace_facts[(key, rule_id)]:
                if isinstance(fact, Concluded):
                    found.add((fact["ns"], fact["id"]))
        return found

    def _negations(self, condition: Any, record: _Record) -> list[str]:
        """Words for the `unless` parts that held, so the trace shows what was not
        established (a `not` matched answers, which the trace already shows)."""
        if isinstance(condition, UnlessOf):
            if premise_certainty(condition.unless, record.answers, record.certainty_of) == 0:
                return [f"not established: {_words(condition.unless)}"]
            return []
        if isinstance(condition, NotOf):
            return []
        found: list[str] = []
        for child in (
            condition.all
            if isinstance(condition, AllOf)
            else condition.any
            if isinstance(condition, AnyOf)
            else []
        ):
            found += self._negations(child, record)
        return found

    def _diagnosis(
        self,
        engine: _Run,
        answers: dict[str, Any],
        runner: dict[str, Any],
        questionnaire: str | None,
        source: str | None,
    ) -> Diagnosis:
        established = sorted(
            (key for key, cf in engine.certainty.items() if cf >= THRESHOLD),
            key=lambda k: (-round(engine.certainty[k], 6), k),
        )
        found: dict[str, list[Finding]] = {ns: [] for ns in NAMESPACES}
        record = _Record(engine, answers)
        for key in established:
            found[key[0]].append(self._finding(engine, key, record))
        red_flags = found["red_flag"]
        screen_open = [o for o in self._screen if answers.get(o, UNKNOWN) == UNKNOWN]
        health = RED_FLAG if red_flags else INCOMPLETE if screen_open else CLEAR
        ready = {f.id for f in found["readiness"]}
        open_loads = self._open_loads(health, ready)
        prescriptions, advice, held_back = [], [], []
        for finding in found["prescription"]:
            entity = self.kb.prescriptions[finding.id]
            reason = self._held_back_because(entity, health, open_loads)
            if reason:
                finding.details.held_back_because = reason
                held_back.append(finding)
            elif entity.category == "advice":
                advice.append(finding)
            else:
                prescriptions.append(finding)
        # a companion waits with what it goes with (ankle circles after held-back walks)
        waiting = {f.id: f.held_back_because for f in held_back}
        for finding in list(prescriptions):
            follows = finding.details.follows
            if follows and not finding.treats and all(f in waiting for f in follows):
                finding.details.held_back_because = waiting[follows[0]]
                prescriptions.remove(finding)
                held_back.append(finding)
        return Diagnosis(
            defects=found["defect"],
            causes=found["cause"],
            prescriptions=prescriptions,
            red_flags=red_flags,
            advice=advice,
            held_back=held_back,
            open_questions=functools.partial(
                self.unanswered, answers, engine.certainty, questionnaire
            ),
            argued=functools.partial(self._disagreements, record),
            gated=functools.partial(self._waiting_for_readiness, record, health),
            answers=answers,
            runner=runner,
            questionnaire=questionnaire,
            source=source,
            fired=frozenset(rule for supports in engine.support.values() for rule in supports),
            readiness=found["readiness"],
            health=health,
            screen_open=screen_open,
            open_loads=open_loads,
            ruled_out=frozenset(
                ident
                for (ns, ident), cf in engine.certainty.items()
                if ns == "prescription" and cf < 0
            ),
        )

    def _open_loads(self, health: str, ready: set[str]) -> frozenset[str]:
        """The one load policy (docs/sources.md, readiness for load): a red flag stops the
        self-guided program (gentle mobility aside, see Prescription); an open health
        screen keeps to gentle work; a load level that a readiness opens needs it shown."""
        if health == RED_FLAG:
            return frozenset()
        if health == INCOMPLETE:
            return frozenset({"gentle"})
        return frozenset(
            load for load in LOADS if all(r in ready for r in self._gates.get(load, ()))
        )

    def _held_back_because(
        self, entity: Any, health: str, open_loads: frozenset[str]
    ) -> str | None:
        """Why a prescription waits, as "until ..." (None: it does not wait)."""
        if health == RED_FLAG:
            return None if entity.allowed_with_red_flag else "until a clinician has cleared you"
        if entity.load in open_loads:
            return None
        if health == INCOMPLETE:
            return "until every health question is answered"
        names = "; ".join(self.kb.readiness[r].name.lower() for r in self._gates[entity.load])
        return f"until readiness is shown ({names})"

    # -- what could still change the result

    def unanswered(
        self,
        answers: Mapping[str, Any],
        certainty: Mapping[Key, float],
        questionnaire: str | None = None,
    ) -> list[str]:
        """The observations not yet answered (or unknown) whose answer could still change
        the result: add a conclusion, or remove one through a rule with a negative
        certainty factor. Evidence that could only raise the certainty of a conclusion
        already drawn does not count: the interview does not ask for it."""
        open_now = _Openness(self, answers, certainty)
        # a follow-up the questionnaire would no longer ask (no pain, so no night pain)
        # cannot change anything through this questionnaire: it is not left open
        follow_up = {
            q.id: q.ask_when
            for q in getattr(self.kb.questionnaires.get(questionnaire or ""), "questions", [])
            if q.ask_when is not None
        }
        return [
            obs
            for obs in self.kb.observations
            if answers.get(obs, UNKNOWN) == UNKNOWN
            and any(True for _ in open_now.deciding(obs))
            and not (obs in follow_up and truth(follow_up[obs], answers, open_now.status) is False)
        ]

    def stakes(self, diagnosis: Diagnosis, obs: str) -> list[str]:
        """The rules an unanswered question's answer could still decide, in knowledge-base
        order: the interview's "why are you asking?"."""
        certainty = {(f.namespace, f.id): f.certainty for f in diagnosis.findings()}
        return list(_Openness(self, diagnosis.answers, certainty).deciding(obs))


class _Openness:
    """Three-valued truth of rule premises and conclusions over answers still to come,
    worked out lazily and once per rule for one diagnosis."""

    def __init__(self, engine: Engine, answers: Mapping[str, Any], certainty: Mapping[Key, float]):
        self.engine = engine
        self.answers = answers
        self.certainty = certainty
        self.known: dict[Key, bool | None] = {}
        self.decided: dict[str, tuple[bool | None, list[str]]] = {}

    def state_of(self, rule: KBRule) -> tuple[bool | None, list[str]]:
        """(truth of the rule's premise, the unanswered observations that could decide it)."""
        if rule.id not in self.decided:
            self.decided[rule.id] = self.engine._opening[rule.id](self.answers, self.status)
        return self.decided[rule.id]

    def status_of_key(self, key: Key) -> bool | None:
        if key not in self.known:
            if self.certainty.get(key, 0.0) >= THRESHOLD:
                self.known[key] = True
            else:
                could = any(
                    self.state_of(rule)[0] is None
                    for rule in self.engine._rules_for.get(key, [])
                    if rule.cf > 0
                )
                self.known[key] = None if could else False
        return self.known[key]

    def status(self, test: ConclusionTest) -> bool | None:
        if test.ident != "*":
            return self.status_of_key((test.namespace, test.ident))
        states = [
            self.status_of_key((test.namespace, i)) for i in self.engine.all_keys[test.namespace]
        ]
        return True if True in states else None if None in states else False

    def deciding(self, obs: str) -> Iterator[str]:
        """The rules whose premise the observation's answer could still decide, except
        those that could only add support to a conclusion already drawn."""
        for rule in self.engine._rules_reading.get(obs, ()):
            if rule.cf > 0 and self.status_of_key(rule.then.key) is True:
                continue
            if obs in self.state_of(rule)[1]:
                yield rule.id


def _certain_once_matched(condition: Any) -> bool:
    """Whether a premise is certain (1) whenever the network matches it: it reads only
    answers, which are certain, and the network matched each test it needs (a `not`: an
    answer known to fail). A conclusion's certainty, or an `unless` (nothing matched),
    must be worked out."""
    return all(isinstance(t, ObservationTest) for t in tests(condition)) and not _has_unless(
        condition
    )


def _has_unless(condition: Any) -> bool:
    return isinstance(condition, UnlessOf) or any(_has_unless(c) for c in children(condition))


def _stated(condition: Any) -> Iterator[Any]:
    """The tests a rule fires on: all but those of an `unless`, which only has to fail."""
    if isinstance(condition, UnlessOf):
        return
    if isinstance(condition, (ObservationTest, ConclusionTest)):
        yield condition
        return
    for child in children(condition):
        yield from _stated(child)


def _on_answers(condition: Any) -> bool:
    """A rule that fires on answers alone, not on another conclusion."""
    stated = list(_stated(condition))
    return bool(stated) and all(isinstance(t, ObservationTest) for t in stated)


def _described(facts: list[Any], measured: Mapping[str, str]) -> set[str]:
    described = set()
    for fact in facts:
        if isinstance(fact, Answer):
            how = measured.get(fact["id"])
            said = f" ({how})" if how else ""
            described.add(f"{fact['id']} = {fact['value']}{said}")
        elif isinstance(fact, Concluded):
            described.add(f"{fact['ns'].replace('_', ' ')} {fact['id']}")
    return described


def _words(condition: Any) -> str:
    if isinstance(condition, (ObservationTest, ConclusionTest)):
        return condition.words()
    if isinstance(condition, NotOf):
        return f"not ({_words(condition.not_)})"
    if isinstance(condition, UnlessOf):
        return f"unless ({_words(condition.unless)})"
    joiner, parts = (
        (" and ", condition.all) if isinstance(condition, AllOf) else (" or ", condition.any)
    )
    return joiner.join(_words(c) for c in parts)


@functools.lru_cache(maxsize=8)
def engine_for(kb: KnowledgeBase) -> Engine:
    """The compiled engine of a knowledge base, built once per process. (The entry points
    freeze it out of the garbage collector's scans: see cli.options.engine_of.)"""
    return Engine(kb)


def network_image(kb: KnowledgeBase) -> bytes:
    """The network of kb's rules as experta builds it, kept with the cached knowledge
    base (`KnowledgeBase.network`), which Engine then reads instead of building it."""
    return experta_compat.network_image(Engine(kb, quick=False)._engine)
