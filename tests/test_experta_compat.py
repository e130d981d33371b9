"""experta 1.9.4 imports on Python 3.10+ through the one compat module, and only there."""

import collections
import dataclasses
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import answers

import diagnose
from diagnose import knowledge
from diagnose.answers import read_answers
from diagnose.engine import Engine, network_image
from diagnose.experta_compat import (
    REPLACED_IN_SUBCLASSES,
    DepthStrategy,
    Fact,
    KnowledgeEngine,
    ReteMatcher,
    Rule,
    _all_nodes,
)

REPO = Path(__file__).resolve().parent.parent
RUNNERS = sorted([*REPO.glob("cases/*.json"), *REPO.glob("examples/*.json")])


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


def test_an_indexed_literal_matches_as_experta_s_own_test_does():
    """runform's quick network finds a fact's literal through an index, not by testing
    each: it must match what experta's `==` matches, no more (NaN equals nothing, not
    even itself; a missing field equals no literal; 1, 1.0 and True are equal)."""
    from diagnose.experta_compat import AS, QuickRunning

    class Thing(Fact):
        pass

    nan = float("nan")  # the same object in the rule and the fact: a dict finds it
    literals = [nan, 1, 2, 3, 4, "yes", None]

    def engine(base):
        def rule(literal):
            return Rule(AS.f << Thing(x=literal))(lambda self, f: self.log.append(repr(literal)))

        rules = {f"r{i}": rule(literal) for i, literal in enumerate(literals)}
        return type("Things", (base,), rules)()

    quick_base = type("Quick", (QuickRunning, KnowledgeEngine), {})
    for fact in [{"x": nan}, {}, {"x": 1.0}, {"x": True}, {"x": "yes"}, {"x": None}]:
        fired = []
        for base in (KnowledgeEngine, quick_base):
            made = engine(base)
            made.log = []
            made.reset()
            made.declare(Thing(**fact))
            made.run()
            fired.append(sorted(made.log))
        assert fired[0] == fired[1], fact


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


@pytest.fixture(scope="module")
def experta_as_published(kb):
    """The real knowledge base compiled onto experta's own ReteMatcher and DepthStrategy,
    with none of runform's matcher, agenda or token classes."""
    return Engine(kb, quick=False)


def test_the_plain_engine_is_experta_as_published(engine, experta_as_published):
    network = experta_as_published._engine.matcher
    assert type(network) is ReteMatcher
    assert type(experta_as_published._engine.strategy) is DepthStrategy
    nodes = _all_nodes(network.root_node)
    assert all(type(node).__module__.startswith("experta.") for node in nodes)
    assert all(
        type(node).__name__.startswith("Quick")
        for node in _all_nodes(engine._engine.matcher.root_node)[1:]
    )


def test_runform_leaves_experta_s_classes_untouched(engine):
    """What runform changes of experta lives in its own subclasses, used only by its own
    network: nothing of experta's is patched for the whole process."""
    for cls, names in REPLACED_IN_SUBCLASSES.items():
        for name in names:
            function = inspect.getattr_static(cls, name)
            function = getattr(function, "__func__", function)
            assert function.__module__.startswith("experta."), (cls, name)


@pytest.fixture(scope="module")
def engine_from_image(kb):
    """runform's engine on a network read back from the image a cached knowledge base
    keeps, not built."""
    kept = Engine(dataclasses.replace(kb, network=network_image(kb)))
    assert "network" in type(kept._engine).__dict__
    return kept


def _same(engines, plain, given: dict, runner=None, questionnaire=None) -> None:
    expected = plain.run(given, runner, questionnaire).to_dict()
    for engine in engines:
        assert engine.run(given, runner, questionnaire).to_dict() == expected


@pytest.mark.parametrize("path", RUNNERS, ids=lambda p: p.stem)
def test_every_runner_of_the_library_gets_what_experta_as_published_gives(
    kb, engine, engine_from_image, experta_as_published, path
):
    given = read_answers(path, kb)
    engines = (engine, engine_from_image)
    _same(engines, experta_as_published, given.values, given.runner, given.questionnaire)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_answers_get_what_experta_as_published_gives(
    kb, engine, engine_from_image, experta_as_published, data
):
    """The differential test: runform's quick matcher, agenda and tokens change nothing
    in any diagnosis, on a network built or read back from a cached image."""
    _same((engine, engine_from_image), experta_as_published, data.draw(answers(kb)))


# ---------------------------------------------------------------- the kept network


def test_a_network_read_back_has_runform_s_quick_nodes(engine_from_image):
    nodes = _all_nodes(engine_from_image._engine.matcher.root_node)
    assert len(nodes) > 500
    assert all(type(node).__name__.startswith("Quick") for node in nodes[1:])


def test_a_network_read_back_has_the_patterns_experta_built(kb):
    """The rules' patterns come back equal, with their values as experta froze them and
    hashed as this process hashes them: the image is made by another process, whose
    string hashes differ, and a fact keeps its hash once asked for it."""
    made_elsewhere = subprocess.run(
        [sys.executable, "-c", MAKE_IMAGE],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "1"},
    ).stdout
    built = Engine(kb, quick=False)._engine
    read_back = Engine(dataclasses.replace(kb, network=made_elsewhere))._engine

    def patterns(engine) -> list:
        rules = [n.rule for n in _all_nodes(engine.matcher.root_node) if hasattr(n, "rule")]
        return [pattern for rule in rules for pattern in rule if isinstance(pattern, Fact)]

    def described(found: list) -> list:
        # (a predicate's repr names its object's address)
        return sorted(
            (re.sub(r"0x[0-9a-f]+", "", repr(p)), [type(v).__name__ for v in p.values()])
            for p in found
        )

    made, kept = patterns(built), patterns(read_back)
    assert len(kept) > 200 and described(kept) == described(made)
    assert all(hash(pattern) == hash(frozenset(pattern.items())) for pattern in kept)


MAKE_IMAGE = """
import sys
from diagnose.engine import network_image
from diagnose.knowledge import load_kb
sys.stdout.buffer.write(network_image(load_kb()))
"""


def test_the_cached_knowledge_base_keeps_its_network(tmp_path, monkeypatch):
    """A first process builds the network and keeps it with the cached knowledge base; a
    later one reads it back instead of building it, and never for other rules."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    root = knowledge.bundled_root()
    fingerprint = knowledge._fingerprint(root)
    first = knowledge._load_cached.__wrapped__(root, fingerprint)
    assert list(tmp_path.glob("runform/kb-*.pickle"))
    later = knowledge._load_cached.__wrapped__(root, fingerprint)
    assert later is not first and isinstance(later.network, bytes)
    assert "network" in type(Engine(later)._engine).__dict__
    assert "network" not in type(Engine(later, rules=later.rules[:5])._engine).__dict__
    assert "network" not in type(Engine(later, quick=False)._engine).__dict__
