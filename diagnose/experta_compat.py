"""The only module that imports experta.

experta 1.9.4 pins frozendict 1.2, whose class derives from `collections.Mapping`, an
alias removed in Python 3.10 (experta issue #34; the fix was merged but never released,
and pip cannot override the pin). We put the alias back only while frozendict's class is
created, then take it away again so nothing else comes to rely on it.
"""

import collections
import collections.abc
import sys
import types
from collections.abc import Mapping

_had_alias = hasattr(collections, "Mapping")
if not _had_alias:
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]
try:
    import frozendict  # noqa: F401  (created here, under the alias)
    from experta import (  # noqa: E402
        AND,
        AS,
        NOT,
        OR,
        Fact,
        InitialFact,
        KnowledgeEngine,
        P,
        Rule,
    )
    from experta.matchers import ReteMatcher
    from experta.matchers.rete.abstract import OneInputNode, TwoInputNode
    from experta.matchers.rete.check import FeatureCheck, TypeCheck
    from experta.matchers.rete.mixins import NoMemory
    from experta.matchers.rete.nodes import FeatureTesterNode
    from experta.matchers.rete.token import Token
    from experta.strategies import DepthStrategy
finally:
    if not _had_alias:
        del collections.Mapping  # type: ignore[attr-defined]

if "experta.engine" not in sys.modules:  # experta's __init__ swallows ImportError
    raise ImportError("experta failed to import; is experta 1.9.4 installed?")


def _token_new(cls, tag, data, context=None):
    """Token.__new__ without its per-token assertions (every fact's type checked again
    on every copy, a third of the matching time): tokens are only made by the network
    itself, from facts it was given."""
    return tuple.__new__(
        cls,
        (tag, {data} if isinstance(data, Fact) else set(data), {} if context is None else context),
    )


def _token_copy(self):
    return tuple.__new__(type(self), (self.tag, self.data.copy(), self.context.copy()))


Token.__new__ = _token_new
Token.copy = _token_copy


class QuickDepthStrategy(DepthStrategy):
    """experta's default agenda order (salience, then the most recent facts), with the
    sort key worked out directly: experta caches it in a 128-entry lru_cache keyed by
    the activation, and hashing activations (rule, facts, context) costs more than the
    key itself."""

    def get_key(self, activation):
        facts = sorted((f["__factid__"] for f in activation.facts), reverse=True)
        return (activation.rule.salience, facts)


class QuickReteMatcher(ReteMatcher):
    """experta's Rete matcher, minus costs that grow with the number of rules.

    1. After every firing experta asks every terminal node for new activations, even the
       many that have none; here terminal nodes report when they change, and only those
       are asked.
    2. Reset wipes only the nodes that hold a memory, each once.
    3. In the alpha network a node passes each fact to all its children, and most of
       them test one field for one literal (`id == 'heel_strike'`, then the next id...).
       Those children are indexed by the value they expect, so a fact reaches only the
       children that can match it; and the bus node sends a fact only down the branch of
       its own class.
    All give the same activations as experta's own matcher (a property test compares
    the two). Module-level patches above make tokens without re-checking their types,
    copy a token only when an alpha test passes, and skip a debug-logging check on
    every token.
    """

    INDEX_FROM = 4  # index a node's literal tests on one field when there are this many

    def build_network(self):
        super().build_network()
        seen: set[int] = set()
        todo = [self.root_node]
        self._with_memory = []
        while todo:
            node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            children = [child.node for child in node.children]
            todo.extend(children)
            if isinstance(node, FeatureTesterNode):
                _index_children(node, self.INDEX_FROM)
            if type(node)._reset is not NoMemory._reset:
                self._with_memory.append(node)
        _dispatch_by_type(self.root_node)
        # Terminal nodes report themselves when they gain or lose an activation.
        self._touched: dict[int, object] = {}
        for node in self._get_conflict_set_nodes():
            node._activate = types.MethodType(_reporting(type(node)._activate, self), node)

    def changes(self, adding=None, deleting=None):
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        added: list = []
        removed: list = []
        touched, self._touched = self._touched, {}
        for node in touched.values():
            node_added, node_removed = node.get_activations()
            added.extend(node_added)
            removed.extend(node_removed)
        return added, removed

    def reset(self):
        # experta walks the whole network (shared nodes many times over) to wipe the few
        # nodes that have a memory; wipe just those.
        for node in self._with_memory:
            node._reset()
        self._touched = {}


def _dispatch_by_type(bus) -> None:
    """The bus node hands each fact to a type test per fact class (Answer, Concluded,
    the initial fact), and all but one fail; send the fact straight past the test of its
    own class instead. A type test changes nothing in the token, so its children get
    the token it would have passed on."""
    by_type: dict[type, list] = {}
    others = []
    for child in bus.children:
        node = child.node
        if isinstance(node, FeatureTesterNode) and isinstance(node.matcher, TypeCheck):
            by_type.setdefault(node.matcher.fact_type, []).append(node)
        else:
            others.append(child)

    def send(token) -> None:
        fact = next(iter(token.data))
        for child in others:
            child.callback(token)
        for node in by_type.get(type(fact), ()):
            _hand_on(node, token)

    bus.add = lambda fact: send(Token.valid(fact))
    bus.remove = lambda fact: send(Token.invalid(fact))


def _reporting(activate, matcher):
    def reporting_activate(node, token):
        result = activate(node, token)
        if node.added or node.removed:
            matcher._touched[id(node)] = node
        return result

    return reporting_activate


def _literal_field(child) -> str | None:
    """The field a child node tests for equality with a literal, or None."""
    check = child.node.matcher if isinstance(child.node, FeatureTesterNode) else None
    if (
        isinstance(check, FeatureCheck)
        and getattr(check.check, "__name__", "") == "equal_literal"
        and check.expected.__bind__ is None
        and isinstance(check.what, str)
        and "__" not in check.what
    ):
        return check.what
    return None


def _index_children(node, threshold: int) -> None:
    by_field: dict[str, list] = {}
    for child in node.children:
        field = _literal_field(child)
        if field is not None:
            by_field.setdefault(field, []).append(child)
    indexed = {f: group for f, group in by_field.items() if len(group) >= threshold}
    if not indexed:
        return
    tables = []
    for field, group in indexed.items():
        table: dict = {}
        for child in group:
            table.setdefault(child.node.matcher.expected.value, []).append(child)
        tables.append((field, table))
    in_tables = {id(child) for group in indexed.values() for child in group}
    others = [child for child in node.children if id(child) not in in_tables]

    def pass_on(token) -> None:
        fact = next(iter(token.data))
        for child in others:
            child.callback(token)
        for field, table in tables:
            try:
                targets = table.get(fact.get(field), ())
            except TypeError:  # an unhashable value: no literal can equal it
                continue
            for child in targets:
                child.callback(token)

    node._pass_on = pass_on  # used by _tester_activate, for this node only


def _tester_activate(self, token):
    """FeatureTesterNode.activate: test the fact first and copy the token only when it
    passes (experta copies it for every node it visits), then hand it on through the
    node's index when it has one."""
    fact = next(iter(token.data))
    match = self.matcher(fact)
    if not match:
        return None
    token = token.copy()
    if isinstance(match, Mapping):
        for key, value in match.items():
            if isinstance(key, tuple):  # negated condition
                if key[1] in token.context and token.context[key[1]] == value:
                    return False
            else:
                if token.context.get(key, value) != value:
                    return False
                if (False, key) in token.context and token.context[(False, key)] == value:
                    return False
        token.context.update(match)
    _hand_on(self, token)
    return None


def _hand_on(node, token) -> None:
    """A passed token to a tester node's children: through its index when it has one."""
    pass_on = node.__dict__.get("_pass_on")
    if pass_on is not None:
        pass_on(token)
    else:
        for child in node.children:
            child.callback(token)


FeatureTesterNode.activate = _tester_activate


# The other nodes' entry points, without a debug-logging check on every token (the
# engine never turns experta's matcher logging on).
def _one_input_activate(self, token):
    return self._activate(token.copy())


def _left(self, token):
    return self._activate_left(token.copy())


def _right(self, token):
    return self._activate_right(token.copy())


_feature_check = FeatureCheck.__call__


def _quick_feature_check(self, data, is_fact=True):
    """FeatureCheck for the usual case, a plain field of a fact (`id`, `value`, `ns`):
    one lookup, without splitting the name on '__' and logging every test."""
    what = self.what
    if is_fact and type(what) is str and "__" not in what and not what.isnumeric():
        try:
            record = data[what]
        except (IndexError, KeyError, TypeError):
            return False
        return self.check(record, self.expected)
    return _feature_check(self, data, is_fact)


FeatureCheck.__call__ = _quick_feature_check
OneInputNode.activate = _one_input_activate
TwoInputNode.activate_left = _left
TwoInputNode.activate_right = _right


__all__ = [
    "AND",
    "AS",
    "DepthStrategy",
    "NOT",
    "OR",
    "Fact",
    "InitialFact",
    "KnowledgeEngine",
    "P",
    "QuickDepthStrategy",
    "QuickReteMatcher",
    "ReteMatcher",
    "Rule",
]
