"""experta 1.9.4 imports on Python 3.10+ through the one compat module, and only there."""

import collections
import re
from pathlib import Path

import diagnose
from diagnose.experta_compat import Fact, KnowledgeEngine, Rule


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
