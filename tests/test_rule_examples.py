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


def test_a_rule_without_both_kinds_of_example_is_refused(tmp_path):
    """Examples that all fire (or none) cannot tell a rule that fires for everyone from
    a sound one: such a knowledge base does not load."""
    from tiny_kb import write_tiny_kb

    from diagnose.errors import RunformError
    from diagnose.knowledge.loader import load

    root = write_tiny_kb(tmp_path)
    rules = root / "rules" / "rules.yaml"
    text = rules.read_text()
    assert "fires: false" in text
    rules.write_text(text.replace("fires: false", "fires: true"))
    with pytest.raises(RunformError) as caught:
        load(root)
    assert any(
        "give at least one example that fires and one that does not" in problem
        for problem in caught.value.problems
    )


def test_a_passed_test_rules_its_exercise_out(kb):
    """Each catalogue item's passed_when stands for a rule that rules the item out."""
    tested = {i for i, item in kb.prescriptions.items() if item.passed_when is not None}
    assert tested and kb.implied_rules == {f"passed_{i}" for i in tested}
    for ident in kb.implied_rules:
        rule = kb.rule(ident)
        assert rule.cf == -1.0 and rule.then.namespace == "prescription"
