"""Soundness checks of the rules (`runform kb check`): what a coach requires of every rule.

- Load needs positive evidence: a rule that prescribes work of a gated load level
  requires the readiness that opens it, and that readiness requires the health screen
  answered no.
- Evidence counts once: two rules for the same conclusion never read the same answer
  (directly or through the conclusions they use) unless they are in one evidence group
  or can never fire together.
- Chained links stay modest: a cause drawn only from other conclusions is a hint, not
  evidence, and all such hints together stay modest.
- Stronger evidence overrules weaker: a test or a measurement that contradicts a feeling
  wins, and a coach's explicit "no" to a sign counts against the defect.

(The three-valued `not` is enforced where rules are read: a `not` over a conclusion is
refused by the models, so no rule can read an unknown as a no without saying `unless`.)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from ..logic import THRESHOLD, combine, counted_supports
from .base import KnowledgeBase
from .kinds import (
    EVIDENCE,
    AllOf,
    AnyOf,
    ConclusionTest,
    KBRule,
    NotOf,
    ObservationTest,
    UnlessOf,
)

# A cause drawn only from other conclusions (a defect hints at it) carries at most this
# certainty, and all such hints for one cause together at most CHAINED_TOGETHER.
CHAINED_LINK = 0.5
CHAINED_TOGETHER = 0.6

Key = tuple[str, str]


def findings(kb: KnowledgeBase) -> list[str]:
    return [
        *_gates(kb),
        *_screen_before_load(kb),
        *_evidence_counted_once(kb),
        *_chained_links_modest(kb),
        *_stronger_evidence_wins(kb),
        *_seen_no_counts(kb),
    ]


def _at(kb: KnowledgeBase, rule: KBRule) -> str:
    return str(kb.where[("rule", rule.id)])


def _name(key: Key) -> str:
    return f"{key[0].replace('_', ' ')} '{key[1]}'"


# ---------------------------------------------------------------- structure of conditions


def implies(condition: Any, holds: Callable[[Any], bool]) -> bool:
    """Whenever `condition` holds, some test inside it for which `holds` is true holds too."""
    if isinstance(condition, AllOf):
        return any(implies(c, holds) for c in condition.all)
    if isinstance(condition, AnyOf):
        return all(implies(c, holds) for c in condition.any)
    if isinstance(condition, (NotOf, UnlessOf)):
        return False
    return holds(condition)


Literal = tuple[str, Any]  # ("is", test) | ("fails", test) | ("absent", conclusion test)


def conjunctions(condition: Any, negated: bool = False) -> list[list[Literal]]:
    """The condition in disjunctive normal form: each way it can hold, as literals."""
    if isinstance(condition, NotOf):
        return conjunctions(condition.not_, not negated)
    if isinstance(condition, UnlessOf):
        # as for co-firing, "not established" is only known to clash with "established"
        return [[("absent", t)] for t in _leaves(condition.unless)] if not negated else [[]]
    if isinstance(condition, (AllOf, AnyOf)):
        parts = [
            conjunctions(c, negated)
            for c in (condition.all if isinstance(condition, AllOf) else condition.any)
        ]
        if isinstance(condition, AllOf) != negated:
            return [sum(combo, []) for combo in itertools.product(*parts)]
        return [conj for part in parts for conj in part]
    return [[("fails" if negated else "is", condition)]]


def _leaves(condition: Any) -> Iterator[Any]:
    if isinstance(condition, (ObservationTest, ConclusionTest)):
        yield condition
        return
    for child in _children(condition):
        yield from _leaves(child)


def _children(condition: Any) -> list[Any]:
    if isinstance(condition, AllOf):
        return condition.all
    if isinstance(condition, AnyOf):
        return condition.any
    if isinstance(condition, NotOf):
        return [condition.not_]
    if isinstance(condition, UnlessOf):
        return [condition.unless]
    return []


def _candidates(kb: KnowledgeBase, obs_id: str, tests: list[ObservationTest]) -> list[Any]:
    """Answers that stand for every case the tests can tell apart."""
    obs = kb.observations[obs_id]
    if obs.kind == "yesno":
        return ["yes", "no"]
    if obs.kind == "choice":
        return list(obs.choices or [])
    if obs.kind == "scale":
        return list(range(5))
    points = {obs.min, obs.max}
    for test in tests:
        points.update(b for b in (test.gte, test.gt, test.lte, test.lt) if b is not None)
        points.update(v for v in test.values() if isinstance(v, (int, float)))
    ordered = sorted(p for p in points if obs.min <= p <= obs.max)
    middles = [(a + b) / 2 for a, b in zip(ordered, ordered[1:], strict=False)]
    return ordered + middles


def consistent(kb: KnowledgeBase, literals: list[Literal]) -> bool:
    """Can all these literals hold at once for some answers?"""
    by_obs: dict[str, list[tuple[bool, ObservationTest]]] = {}
    established, absent = set(), set()
    for kind, test in literals:
        if isinstance(test, ObservationTest):
            by_obs.setdefault(test.obs, []).append((kind == "is", test))
        elif kind == "absent":
            absent.add((test.namespace, test.ident))
        else:
            established.add((test.namespace, test.ident))
    if established & absent:
        return False
    for obs_id, tests in by_obs.items():
        options = _candidates(kb, obs_id, [t for _, t in tests])
        if not any(all(t.matches(v) == wanted for wanted, t in tests) for v in options):
            return False
    return True


def can_fire_together(kb: KnowledgeBase, first: KBRule, second: KBRule) -> bool:
    return any(
        consistent(kb, a + b) for a in conjunctions(first.when) for b in conjunctions(second.when)
    )


# ---------------------------------------------------------------- evidence


class Evidence:
    """The answers each conclusion and each rule rests on, through the conclusions used."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.rules_for: dict[Key, list[KBRule]] = {}
        for rule in kb.rules:
            self.rules_for.setdefault(rule.then.key, []).append(rule)
        self._of_key: dict[Key, frozenset[str]] = {}
        self._of_rule: dict[str, frozenset[str]] = {}

    def of_key(self, key: Key) -> frozenset[str]:
        if key not in self._of_key:
            self._of_key[key] = frozenset()  # the engine refuses cycles; this only guards
            found: set[str] = set()
            for rule in self.rules_for.get(key, []):
                if rule.cf > 0:
                    found |= self.of_rule(rule)
            self._of_key[key] = frozenset(found)
        return self._of_key[key]

    def of_rule(self, rule: KBRule) -> frozenset[str]:
        if rule.id not in self._of_rule:
            found: set[str] = set()
            for _, test in _positive_leaves(rule.when):
                if isinstance(test, ObservationTest):
                    found.add(test.obs)
                elif test.ident != "*":
                    found |= self.of_key((test.namespace, test.ident))
                else:
                    for ident in self.kb.entities(test.namespace):
                        found |= self.of_key((test.namespace, ident))
            self._of_rule[rule.id] = frozenset(found)
        return self._of_rule[rule.id]

    def level(self, rule: KBRule) -> int:
        """How strong the evidence a rule rests on is: its strongest answer's kind."""
        kinds = [self.kb.observations[o].evidence for o in self.of_rule(rule)]
        return max((EVIDENCE.index(k) for k in kinds), default=-1)


def _positive_leaves(condition: Any) -> Iterator[tuple[str, Any]]:
    """The tests a rule reads answers or conclusions through (an `unless` reads nothing:
    it holds when something is missing)."""
    if isinstance(condition, UnlessOf):
        return
    if isinstance(condition, (ObservationTest, ConclusionTest)):
        yield ("is", condition)
        return
    for child in _children(condition):
        yield from _positive_leaves(child)


# ---------------------------------------------------------------- the checks


def _gates(kb: KnowledgeBase) -> list[str]:
    """Every rule prescribing work of a gated load requires the readiness that opens it."""
    gates = {r.opens: r.id for r in kb.readiness.values() if r.opens}
    found = []
    for rule in kb.rules:
        if rule.then.namespace != "prescription" or rule.cf <= 0:
            continue
        item = kb.prescriptions[rule.then.ident]
        gate = gates.get(item.load)
        if gate and not implies(
            rule.when,
            lambda t, gate=gate: (
                isinstance(t, ConclusionTest) and (t.namespace, t.ident) == ("readiness", gate)
            ),
        ):
            found.append(
                f"{_at(kb, rule)}: rule '{rule.id}': prescribes {item.load} work"
                f" ('{item.id}') without requiring {{readiness: {gate}}}: load needs positive"
                " evidence that the runner is ready"
            )
    return found


def _screen_before_load(kb: KnowledgeBase) -> list[str]:
    """A readiness that opens a load requires every health-screen question answered no."""
    screen = [o.id for o in kb.observations.values() if o.screen]
    rules_for: dict[Key, list[KBRule]] = {}
    for rule in kb.rules:
        rules_for.setdefault(rule.then.key, []).append(rule)

    def answered_no(obs_id: str, condition: Any, seen: frozenset[Key]) -> bool:
        def holds(test: Any) -> bool:
            if isinstance(test, ObservationTest):
                return test.obs == obs_id and test.values() == frozenset({"no"})
            key = (test.namespace, test.ident)
            if test.namespace != "readiness" or key in seen:
                return False
            positive = [r for r in rules_for.get(key, []) if r.cf > 0]
            return bool(positive) and all(
                answered_no(obs_id, r.when, seen | {key}) for r in positive
            )

        return implies(condition, holds)

    found = []
    for readiness in kb.readiness.values():
        if not readiness.opens:
            continue
        for rule in rules_for.get(("readiness", readiness.id), []):
            if rule.cf <= 0:
                continue
            missing = [o for o in screen if not answered_no(o, rule.when, frozenset())]
            if missing:
                found.append(
                    f"{_at(kb, rule)}: rule '{rule.id}': readiness '{readiness.id}' opens"
                    f" {readiness.opens} work but does not require these health questions"
                    f" answered no: {', '.join(missing)}"
                )
    return found


def _evidence_counted_once(kb: KnowledgeBase) -> list[str]:
    evidence = Evidence(kb)
    found = []
    for key, rules in evidence.rules_for.items():
        for first, second in itertools.combinations(rules, 2):
            if (first.cf > 0) != (second.cf > 0):
                continue  # evidence for and against is weighed, not counted twice
            if first.group and first.group == second.group:
                continue
            shared = evidence.of_rule(first) & evidence.of_rule(second)
            if not shared or not can_fire_together(kb, first, second):
                continue
            found.append(
                f"{_at(kb, second)}: rule '{second.id}': concludes {_name(key)} from"
                f" {', '.join(sorted(shared))}, which rule '{first.id}' ({_at(kb, first)})"
                " already counts: merge them, or give both the same `group` so only the"
                " stronger counts"
            )
            if len(found) == MOST_REPORTED:  # every pair of many rules: say enough
                found.append(
                    f"{_at(kb, second)}: and more rules that count evidence twice; fix these first"
                )
                return found
    return found


# Findings of one kind reported at most: past that, the first ones say what to fix.
MOST_REPORTED = 50


def _chained_links_modest(kb: KnowledgeBase) -> list[str]:
    """A cause drawn from other conclusions, with no answer of its own beyond what those
    conclusions already read, is a hint: modest on its own and all together."""
    evidence = Evidence(kb)
    found = []
    chained: dict[Key, list[KBRule]] = {}
    for rule in kb.rules:
        if rule.then.namespace != "cause" or rule.cf <= 0:
            continue
        leaves = [t for _, t in _positive_leaves(rule.when)]
        direct = {t.obs for t in leaves if isinstance(t, ObservationTest)}
        through = set().union(
            *(
                evidence.of_key((t.namespace, t.ident))
                for t in leaves
                if isinstance(t, ConclusionTest) and t.ident != "*"
            )
        )
        if direct - through:
            continue  # an answer of its own backs the link
        chained.setdefault(rule.then.key, []).append(rule)
        if rule.cf > CHAINED_LINK:
            found.append(
                f"{_at(kb, rule)}: rule '{rule.id}': draws a cause from other conclusions"
                f" (and no answer they do not already read) with certainty {rule.cf:g}: such a"
                f" link is a hint and carries at most {CHAINED_LINK:g} unless an answer or a"
                " test of its own backs it"
            )
    for key, rules in chained.items():
        together = combine(list(counted_supports((r.group, r.id, r.cf) for r in rules).values()))
        if together > CHAINED_TOGETHER + 1e-9:
            found.append(
                f"{_at(kb, rules[0])}: {_name(key)}: its links from other conclusions"
                f" ({', '.join(r.id for r in rules)}) reach {together:.2f} together with no"
                f" direct evidence: keep them under {CHAINED_TOGETHER:g} (one `group`, or"
                " lower certainties) so a cause is not concluded from any defect"
            )
    return found


def _stronger_evidence_wins(kb: KnowledgeBase) -> list[str]:
    """A rule against a conclusion, resting on a test or a measurement, must overrule
    every rule for it that rests on weaker evidence and can fire with it."""
    evidence = Evidence(kb)
    found = []
    for key, rules in evidence.rules_for.items():
        for against in (r for r in rules if r.cf < 0):
            level = evidence.level(against)
            if level < EVIDENCE.index("tested"):
                continue
            weaker = [
                r
                for r in rules
                if r.cf > 0 and evidence.level(r) < level and can_fire_together(kb, r, against)
            ]
            if not weaker:
                continue
            most = combine(list(counted_supports((r.group, r.id, r.cf) for r in weaker).values()))
            if combine([most, against.cf]) >= THRESHOLD:
                found.append(
                    f"{_at(kb, against)}: rule '{against.id}': {EVIDENCE[level]} evidence"
                    f" against {_name(key)} (cf {against.cf:g}) does not overrule weaker"
                    f" evidence for it ({', '.join(r.id for r in weaker)}: up to {most:.2f});"
                    " make its certainty stronger"
                )
    return found


def _seen_no_counts(kb: KnowledgeBase) -> list[str]:
    """A sign a coach looks for counts against the defect when the coach answers no."""
    evidence = Evidence(kb)
    found = []
    for key, rules in evidence.rules_for.items():
        if key[0] != "defect":
            continue
        positive = [r for r in rules if r.cf > 0]
        negative = [r for r in rules if r.cf < 0]
        # a sign: a seen answer that is on its own one way the rule holds
        signs = {
            conj[0][1].obs: rule
            for rule in positive
            for conj in conjunctions(rule.when)
            if len(conj) == 1
            and conj[0][0] == "is"
            and isinstance(conj[0][1], ObservationTest)
            and kb.observations[conj[0][1].obs].evidence == "seen"
            and conj[0][1].values() == frozenset({"yes"})
        }
        for obs_id, rule in sorted(signs.items()):
            if all(obs_id in evidence.of_rule(r) for r in positive):
                continue  # nothing else could conclude it: a "no" already leaves it out
            counted = any(
                isinstance(test, ObservationTest)
                and test.obs == obs_id
                and ((kind == "is" and "no" in test.values()) or (kind == "fails"))
                for r in negative
                for conj in conjunctions(r.when)
                for kind, test in conj
            )
            if not counted:
                found.append(
                    f"{_at(kb, rule)}: {_name(key)}: '{obs_id}' is a sign someone watching"
                    f" looks for, but a 'no' to it counts against nothing: add a rule with a"
                    f" negative certainty for {obs_id} = no"
                )
    return found
