"""Safety checks every command makes before it uses a knowledge base.

`kb check` reports everything that could be better; these are the few things without
which runform would hand a runner who needs a clinician a normal week of exercises.
A knowledge base that fails one is refused by every command, not only by `kb check`.
"""

from __future__ import annotations

from ..logic import THRESHOLD
from .base import KnowledgeBase
from .kinds import KBRule, ObservationTest
from .soundness import conjunctions, consistent


def problems(kb: KnowledgeBase) -> list[str]:
    """Every red-flag rule raises its red flag, and every sign a red flag names (its
    `signs`) raises it through one rule from that one answer on its own, a question
    runform asks: a warning sign alone is enough. A red flag that also needed, say, a
    heel strike, or a rule rewired to another answer, would leave a runner who shows
    the sign with a normal program."""
    found: list[str] = []
    asked = _asked(kb)
    raised: dict[str, set[str]] = {}  # red flag -> the signs that raise it alone
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
        elif rule.cf >= THRESHOLD:
            raised.setdefault(ident, set()).update(_one_answer_raises(kb, rule, asked))
    for ident, red_flag in kb.red_flags.items():
        for sign in red_flag.signs:
            if sign not in raised.get(ident, set()):
                found.append(
                    f"{kb.where[('red_flag', ident)]}: red flag '{ident}': no rule raises it"
                    f" (certainty of at least {THRESHOLD:g}) from a yes to '{sign}' on its own"
                    f"{'' if sign in asked else ' (and no questionnaire asks it)'}, so a runner"
                    " with this sign could get a normal program"
                )
    return found


def _asked(kb: KnowledgeBase) -> set[str]:
    """Observations some questionnaire asks (all of them when there are none yet: a
    knowledge base being written is tried with answers files)."""
    if not kb.questionnaires:
        return set(kb.observations)
    return {q.id for questionnaire in kb.questionnaires.values() for q in questionnaire.questions}


def _one_answer_raises(kb: KnowledgeBase, rule: KBRule, asked: set[str]) -> set[str]:
    """The asked observations whose answer alone makes one way of the rule's condition
    hold (a "yes" for a yes/no question), needing no other answer and no conclusion."""
    found = set()
    for literals in conjunctions(rule.when):
        if len(literals) != 1:
            continue
        kind, test = literals[0]
        if kind not in ("is", "fails") or not isinstance(test, ObservationTest):
            continue  # `absent`: held without any answer, which shows no sign
        if test.obs not in asked:
            continue
        if kb.observations[test.obs].kind == "yesno" and test.matches("yes") != (kind == "is"):
            continue  # a "yes" would not make it hold
        if consistent(kb, literals):
            found.add(test.obs)
    return found
