"""Conditions as logic: certainty of a premise, three-valued truth, references, depth.

The engine (experta) decides which rules fire; these pure functions give a fired rule's
premise its certainty, tell which unanswered questions could still change a result, and
order the conclusions into layers so that certainty is final before it is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from .errors import RunformError
from .knowledge.kinds import (
    UNKNOWN,
    AllOf,
    AnyOf,
    ConclusionTest,
    KBRule,
    NotOf,
    ObservationTest,
    UnlessOf,
)

THRESHOLD = 0.2  # conclusions below this certainty are dropped (and count as absent)

Key = tuple[str, str]  # (namespace, id)


# ---------------------------------------------------------------- certainty factors


def combine(contributions: list[float]) -> float:
    """MYCIN/EMYCIN combination of several rules' certainties for one conclusion.

    Positives combine as a + b - ab, negatives as a + b + ab; the two totals then merge as
    (p + n) / (1 - min(|p|, |n|)). Grouping by sign first makes the result independent of
    the order the rules fired in (plain pairwise MYCIN is not associative for mixed signs),
    and sorting makes even the floating-point rounding independent of it.
    """
    positive = 0.0
    for cf in sorted(c for c in contributions if c > 0):
        positive = positive + cf - positive * cf
    negative = 0.0
    for cf in sorted((c for c in contributions if c < 0), reverse=True):
        negative = negative + cf + negative * cf
    if positive and negative:
        if min(positive, -negative) >= 1.0:
            return 0.0  # certain for and certain against: no usable conclusion
        return (positive + negative) / (1 - min(positive, -negative))
    return positive + negative


def counted_supports(supports: Iterable[tuple[str | None, str, float]]) -> dict[str, float]:
    """The contributions MYCIN may combine, from (group, rule, contribution) triples, by
    rule: rules in one evidence group read the same evidence, so only the strongest of
    them counts; a rule without a group is its own evidence."""
    strongest: dict[str, tuple[str, float]] = {}
    for group, rule, cf in supports:
        key = f"group:{group}" if group else f"rule:{rule}"
        if key not in strongest or abs(cf) > abs(strongest[key][1]):
            strongest[key] = (rule, cf)
    return dict(strongest.values())


def _undecided(test: ConclusionTest) -> bool | None:
    return None


Certainty = Callable[[Mapping[str, Any], Callable[[ConclusionTest], float]], float]


def premise_certainty(
    condition: Any, answers: Mapping[str, Any], certainty_of: Callable[[ConclusionTest], float]
) -> float:
    """How certain a premise is: all → min, any → max, answers → 1; `not` → 1 only when
    the answers show the inside false; `unless` → 1 when the inside is not established."""
    return compile_certainty(condition)(answers, certainty_of)


def compile_certainty(condition: Any) -> Certainty:
    """`premise_certainty` for one condition as a function, built once: the engine asks it
    of every rule that fires."""
    if isinstance(condition, ObservationTest):
        obs, matches = condition.obs, condition.matches
        return lambda answers, certainty_of: 1.0 if matches(answers.get(obs)) else 0.0
    if isinstance(condition, ConclusionTest):
        return lambda answers, certainty_of: certainty_of(condition)
    if isinstance(condition, NotOf):
        inner = compile_opening(condition.not_)
        return lambda answers, certainty_of: 1.0 if inner(answers, _undecided)[0] is False else 0.0
    if isinstance(condition, UnlessOf):
        shown = compile_certainty(condition.unless)
        return lambda answers, certainty_of: 0.0 if shown(answers, certainty_of) > 0 else 1.0
    parts = [compile_certainty(child) for child in children(condition)]
    if len(parts) == 1:
        return parts[0]
    pick = min if isinstance(condition, AllOf) else max
    return lambda answers, certainty_of: pick([part(answers, certainty_of) for part in parts])


# ---------------------------------------------------------------- three-valued truth


def truth(
    condition: Any,
    answers: Mapping[str, Any],
    status_of: Callable[[ConclusionTest], bool | None],
) -> bool | None:
    """Kleene logic: True, False, or None when unanswered questions could still decide it."""
    if isinstance(condition, ObservationTest):
        value = answers.get(condition.obs, UNKNOWN)
        return None if value == UNKNOWN else condition.matches(value)
    if isinstance(condition, ConclusionTest):
        return status_of(condition)
    if isinstance(condition, AllOf):
        parts = [truth(c, answers, status_of) for c in condition.all]
        if False in parts:
            return False
        return None if None in parts else True
    if isinstance(condition, AnyOf):
        parts = [truth(c, answers, status_of) for c in condition.any]
        if True in parts:
            return True
        return None if None in parts else False
    if isinstance(condition, (NotOf, UnlessOf)):
        # `unless` differs from `not` only once the answers are all in (an unknown then
        # counts as acceptable); while they can still come, both are open
        inner = truth(negated(condition), answers, status_of)
        return None if inner is None else not inner
    raise TypeError(condition)


def negated(condition: NotOf | UnlessOf) -> Any:
    return condition.not_ if isinstance(condition, NotOf) else condition.unless


Opening = Callable[
    [Mapping[str, Any], Callable[[ConclusionTest], bool | None]], tuple[bool | None, list[str]]
]


def open_observations(
    condition: Any,
    answers: Mapping[str, Any],
    status_of: Callable[[ConclusionTest], bool | None],
) -> tuple[bool | None, list[str]]:
    """`truth` of a condition, and the unanswered observations that could still decide it
    (only when it is undecided); one pass over the condition."""
    return compile_opening(condition)(answers, status_of)


def compile_opening(condition: Any) -> Opening:
    """`open_observations` for one condition as a function, built once: the engine asks
    it of every rule after every diagnosis and every interview answer."""
    if isinstance(condition, ObservationTest):
        obs, matches, missing = condition.obs, condition.matches, [condition.obs]

        def observation(answers, status_of):
            value = answers.get(obs, UNKNOWN)
            if value == UNKNOWN:
                return None, list(missing)
            return matches(value), []

        return observation
    if isinstance(condition, ConclusionTest):

        def conclusion(answers, status_of):
            return status_of(condition), []

        return conclusion
    if isinstance(condition, (NotOf, UnlessOf)):
        inner = compile_opening(negated(condition))

        def negation(answers, status_of):
            value, found = inner(answers, status_of)
            return (None, found) if value is None else (not value, [])

        return negation
    parts = [compile_opening(child) for child in children(condition)]
    deciding = not isinstance(condition, AllOf)  # the value that settles it

    def junction(answers, status_of):
        undecided: list[str] = []
        is_open = False
        for part in parts:
            value, found = part(answers, status_of)
            if value is deciding:
                return deciding, []
            if value is None:
                is_open = True
                undecided += found
        return (None, undecided) if is_open else (not deciding, [])

    return junction


# ---------------------------------------------------------------- structure


def children(condition: Any) -> list[Any]:
    if isinstance(condition, AllOf):
        return condition.all
    if isinstance(condition, AnyOf):
        return condition.any
    if isinstance(condition, (NotOf, UnlessOf)):
        return [negated(condition)]
    return []


def tests(condition: Any) -> Iterator[Any]:
    """Every observation and conclusion test in a condition."""
    if isinstance(condition, (ObservationTest, ConclusionTest)):
        yield condition
    for child in children(condition):
        yield from tests(child)


def observations_in(condition: Any) -> set[str]:
    return {t.obs for t in tests(condition) if isinstance(t, ObservationTest)}


def references(condition: Any, all_keys: Mapping[str, list[str]]) -> set[Key]:
    """The conclusions a condition depends on (a `*` stands for every id of its namespace)."""
    found: set[Key] = set()
    for test in tests(condition):
        if isinstance(test, ConclusionTest):
            if test.ident == "*":
                found.update((test.namespace, i) for i in all_keys.get(test.namespace, []))
            else:
                found.add((test.namespace, test.ident))
    return found


def layers(rules: list[KBRule], all_keys: Mapping[str, list[str]]) -> dict[Key, int]:
    """Depth of each concluded fact: 1 + the deepest fact its rules use (answers are 0).

    Rules fire shallowest first, so a conclusion's certainty is final before any rule
    uses it. A cycle makes depth undefined and is reported with the ids on it.
    """
    uses: dict[Key, set[Key]] = {}
    for rule in rules:
        uses.setdefault(rule.then.key, set()).update(references(rule.when, all_keys))
    depth: dict[Key, int] = {}
    visiting: list[Key] = []

    def visit(key: Key) -> int:
        if key in depth:
            return depth[key]
        if key in visiting:
            cycle = visiting[visiting.index(key) :] + [key]
            error = RunformError("rules form a cycle: " + " → ".join(f"{n} {i}" for n, i in cycle))
            error.cycle = cycle  # type: ignore[attr-defined]
            raise error
        visiting.append(key)
        depth[key] = 1 + max((visit(k) for k in uses.get(key, ())), default=0)
        visiting.pop()
        return depth[key]

    for key in sorted(uses):
        visit(key)
    return depth
