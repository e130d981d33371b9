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
        kinds = {example.fires for example in rule.examples}
        assert kinds == {True, False}, rule.id
