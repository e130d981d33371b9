"""Safety checks every command makes before it uses a knowledge base.

`kb check` reports everything that could be better; these are the few things without
which runform would hand a runner who needs a clinician a normal week of exercises.
A knowledge base that fails one is refused by every command, not only by `kb check`.
"""

from __future__ import annotations

from ..logic import THRESHOLD
from .loader import KnowledgeBase
from .models import KBRule, ObservationTest
from .soundness import conjunctions, consistent


def problems(kb: KnowledgeBase) -> list[str]:
    """Every red-flag rule raises its red flag, and every red flag can be raised by one
    rule from one answer to a question runform asks: a warning sign on its own is
    enough (a red flag that also needed, say, a heel strike would leave a runner in
    sharp pain who lands on the forefoot with a normal program)."""
    found: list[str] = []
    asked = _asked(kb)
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
        elif rule.cf >= THRESHOLD and _one_answer_raises(kb, rule, asked):
            raisable.add(ident)
    for ident in kb.red_flags:
        if ident not in raisable:
            found.append(
                f"{kb.where[('red_flag', ident)]}: red flag '{ident}': no rule raises it"
                f" (certainty of at least {THRESHOLD:g}) from one answer to an asked question"
                " on its own, so a runner with this sign could get a normal program"
            )
    return found


def _asked(kb: KnowledgeBase) -> set[str]:
    """Observations some questionnaire asks (all of them when there are none yet: a
    knowledge base being written is tried with answers files)."""
    if not kb.questionnaires:
        return set(kb.observations)
    return {q.id for questionnaire in kb.questionnaires.values() for q in questionnaire.questions}


def _one_answer_raises(kb: KnowledgeBase, rule: KBRule, asked: set[str]) -> bool:
    """One way of the rule's condition holds on a single answer to an asked question,
    needing no other answer and no other conclusion."""
    for literals in conjunctions(rule.when):
        if (
            len(literals) == 1
            and literals[0][0] in ("is", "fails")  # an answer given, not one missing
            and isinstance(literals[0][1], ObservationTest)
            and literals[0][1].obs in asked
            and consistent(kb, literals)
        ):
            return True
    return False
