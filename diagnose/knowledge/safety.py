"""Safety checks every command makes before it uses a knowledge base.

`kb check` reports everything that could be better; these are the few things without
which runform would hand a runner who needs a clinician a normal week of exercises.
A knowledge base that fails one is refused by every command, not only by `kb check`.
"""

from __future__ import annotations

from ..logic import THRESHOLD
from .loader import KnowledgeBase
from .models import ConclusionTest, KBRule, ObservationTest
from .soundness import conjunctions, consistent


def problems(kb: KnowledgeBase) -> list[str]:
    """Every red-flag rule raises its red flag, and every red flag can be raised, by one
    rule on its own, from answers to questions runform asks."""
    found: list[str] = []
    asked = _asked(kb)
    raised_somewhere = {rule.then.key for rule in kb.rules if rule.cf > 0}
    raisable: set[str] = set()
    for rule in kb.rules:
        namespace, ident = rule.then.key
        if namespace != "red_flag":
            continue
        if rule.cf <= 0:
            found.append(
                f"{kb.where[('rule', rule.id)]}: rule '{rule.id}': cf {rule.cf:g}: a red-flag"
                " rule may only raise its red flag (a positive certainty); nothing may talk a"
                " runner out of seeing a clinician"
            )
        elif rule.cf >= THRESHOLD and _can_hold(kb, rule, asked, raised_somewhere):
            raisable.add(ident)
    for ident in kb.red_flags:
        if ident not in raisable:
            found.append(
                f"{kb.where[('red_flag', ident)]}: red flag '{ident}': no rule can raise it"
                f" (certainty of at least {THRESHOLD:g}) from the answers to asked questions,"
                " so a runner with this sign would get a normal program"
            )
    return found


def _raised(test: ConclusionTest, raised: set[tuple[str, str]]) -> bool:
    if test.ident == "*":
        return any(namespace == test.namespace for namespace, _ in raised)
    return (test.namespace, test.ident) in raised


def _asked(kb: KnowledgeBase) -> set[str]:
    """Observations some questionnaire asks (all of them when there are none yet: a
    knowledge base being written is tried with answers files)."""
    if not kb.questionnaires:
        return set(kb.observations)
    return {q.id for questionnaire in kb.questionnaires.values() for q in questionnaire.questions}


def _can_hold(
    kb: KnowledgeBase, rule: KBRule, asked: set[str], raised: set[tuple[str, str]]
) -> bool:
    """One way of the rule's condition is possible, its answers are asked, and the
    conclusions it needs are raised by some rule."""
    for literals in conjunctions(rule.when):
        needed = [
            test
            for kind, test in literals
            if isinstance(test, ObservationTest)
            or (kind == "is" and isinstance(test, ConclusionTest))
        ]
        if all(
            test.obs in asked if isinstance(test, ObservationTest) else _raised(test, raised)
            for test in needed
        ) and consistent(kb, literals):
            return True
    return False
