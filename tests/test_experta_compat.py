"""experta 1.9.4 imports on Python 3.10+ through the one compat module, and only there."""

import collections
import copy
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import answers

import diagnose
from diagnose.experta_compat import DepthStrategy, Fact, KnowledgeEngine, ReteMatcher, Rule


def test_two_rule_engine_chains():
    fired = []

    class Tiny(KnowledgeEngine):
        @Rule(Fact(step=1))
        def first(self):
            fired.append("first")
            self.declare(Fact(step=2))

        @Rule(Fact(step=2))
        def second(self):
            fired.append("second")

    engine = Tiny()
    engine.reset()
    engine.declare(Fact(step=1))
    engine.run()
    assert fired == ["first", "second"]


def test_alias_is_taken_away_again():
    assert not hasattr(collections, "Mapping")


def test_no_other_module_imports_experta():
    package = Path(diagnose.__file__).parent
    pattern = re.compile(r"^\s*(from|import)\s+experta\b", re.MULTILINE)
    importers = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert importers == ["experta_compat.py"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_quick_matcher_concludes_what_experta_s_own_does(kb, engine, data):
    """The shortcuts of QuickReteMatcher (indexes, dispatch by fact type, terminal nodes
    that report changes, partial reset) and QuickDepthStrategy change nothing in the
    result."""
    plain = copy.copy(engine)
    experta_own = {"__matcher__": ReteMatcher, "__strategy__": DepthStrategy}
    plain._engine = type("PlainRete", (type(engine._engine),), experta_own)()
    given_answers = data.draw(answers(kb))
    quick_result = engine.run(given_answers).to_dict()
    assert plain.run(given_answers).to_dict() == quick_result
