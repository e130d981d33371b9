"""Every rule's own examples, run through the real engine on the real knowledge base."""

import pytest

from diagnose.engine import engine_for
from diagnose.kbtest import run_examples
from diagnose.knowledge import load_kb

_KB = load_kb()
_OUTCOMES = run_examples(_KB, engine_for(_KB))


@pytest.mark.parametrize("outcome", _OUTCOMES, ids=[f"{o.rule}-{o.index}" for o in _OUTCOMES])
def test_rule_example(outcome):
    assert outcome.passed, outcome.describe()


def test_every_rule_has_both_kinds_of_example(kb):
    for rule in kb.rules:
        if rule.id in kb.implied_rules:
            continue
        kinds = {example.fires for example in rule.examples}
        assert kinds == {True, False}, rule.id


def test_a_passed_test_rules_its_exercise_out(kb):
    """Each catalogue item's passed_when stands for a rule that rules the item out."""
    tested = {i for i, item in kb.prescriptions.items() if item.passed_when is not None}
    assert tested and kb.implied_rules == {f"passed_{i}" for i in tested}
    for ident in kb.implied_rules:
        rule = kb.rule(ident)
        assert rule.cf == -1.0 and rule.then.namespace == "prescription"
