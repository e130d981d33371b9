"""The only module that imports experta.

experta 1.9.4 pins frozendict 1.2, whose class derives from `collections.Mapping`, an
alias removed in Python 3.10 (experta issue #34; the fix was merged but never released,
and pip cannot override the pin). We put the alias back only while frozendict's class is
created, then take it away again so nothing else comes to rely on it.
"""

import collections
import collections.abc
import io
import pickle
import sys

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
    from experta.activation import Activation
    from experta.agenda import Agenda
    from experta.conditionalelement import ConditionalElement
    from experta.factlist import FactList
    from experta.matchers import ReteMatcher
    from experta.matchers.rete.abstract import OneInputNode, TwoInputNode
    from experta.matchers.rete.check import FactCapture, FeatureCheck, TypeCheck
    from experta.matchers.rete.mixins import NoMemory
    from experta.matchers.rete.nodes import (
        BusNode,
        ConflictSetNode,
        FeatureTesterNode,
        OrdinaryMatchNode,
    )
    from experta.matchers.rete.token import Token, TokenInfo
    from experta.strategies import DepthStrategy
finally:
    if not _had_alias:
        del collections.Mapping  # type: ignore[attr-defined]

if "experta.engine" not in sys.modules:  # experta's __init__ swallows ImportError
    raise ImportError("experta failed to import; is experta 1.9.4 installed?")


class QuickToken(Token):
    """experta's Token without its per-token assertions (every fact's type checked again
    on every copy, a third of the matching time): tokens are only made by the network
    itself, from facts it was given. Only runform's quick network makes them."""

    def __new__(cls, tag, data, context=None):
        return tuple.__new__(
            cls,
            (
                tag,
                {data} if isinstance(data, Fact) else set(data),
                {} if context is None else context,
            ),
        )

    def copy(self):
        return _copy(self)


def _copy(token) -> QuickToken:
    """A token's copy, as a QuickToken whatever token it is (experta's join nodes make
    plain Tokens)."""
    return tuple.__new__(QuickToken, (token.tag, token.data.copy(), token.context.copy()))


class QuickDepthStrategy(DepthStrategy):
    """experta's default agenda order (salience, then the most recent facts), with the
    sort key worked out directly: experta caches it in a 128-entry lru_cache keyed by
    the activation, and hashing activations (rule, facts, context) costs more than the
    key itself."""

    def get_key(self, activation):
        facts = sorted([f["__factid__"] for f in activation.facts], reverse=True)
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
    4. Tokens are made without re-checking their facts' types and copied only where a
       test binds a name in them; a plain field is tested in place; activations are
       hashed once, from what the terminal node froze; no log lines per token or test.
    All of it lives in this network's own nodes (their classes are swapped for quick
    subclasses once the network is built): experta as published is left untouched, and
    a differential test holds the two to the same results.
    """

    INDEX_FROM = 4  # index a node's literal tests on one field when there are this many

    def build_network(self):
        # a network experta built before for the same rules, kept as an image (see
        # network_image): read back in a few milliseconds instead of built again
        image = getattr(self.engine, "network", None)
        if image is not None:
            self.root_node = pickle.loads(image)
        else:
            super().build_network()
        nodes = _all_nodes(self.root_node)
        # the nodes with a memory say when a token reaches them: reset wipes only those
        self._used: dict[int, object] = {}
        for node in nodes:
            remembers = type(node)._reset is not NoMemory._reset
            _quicken(node, self._used if remembers else None)
        for node in nodes:
            # children hold bound methods taken while the network was built: take them
            # again from the quick classes
            node.children[:] = [
                child._replace(callback=getattr(child.node, child.callback.__name__))
                for child in node.children
            ]
        for node in nodes:
            if isinstance(node, FeatureTesterNode):
                node._pass_on = _pass_on(node, self.INDEX_FROM)
            elif isinstance(node, ConflictSetNode):
                node._matcher = self  # where it reports a change (see _terminal_activate)
        _dispatch_by_type(self.root_node)
        self._touched: dict[int, object] = {}

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
        # experta walks the whole network (shared nodes many times over) to wipe the
        # nodes that have a memory; wipe just those a token reached since the last reset.
        for node in self._used.values():
            node._reset()
        self._used.clear()
        self._touched = {}


class QuickFactList(FactList):
    """experta's fact list for facts made by QuickRunning.fact: the same bookkeeping
    (ids in order, a fact already there not declared again), without validating a
    schema runform's facts do not have, and without a log line per fact."""

    @staticmethod
    def _get_fact_id(fact):
        # what the fact says: its class and fields, its special keys (`__factid__`,
        # kept among them) aside, as experta has it
        return (fact.__class__, frozenset(i for i in dict.items(fact) if not Fact.is_special(i[0])))

    def declare(self, fact):
        fact_id = self._get_fact_id(fact)
        if not self.duplication and fact_id in self.reference_counter:
            return None
        fact.__factid__ = index = self.last_index
        self[index] = fact
        self.last_index = index + 1
        self.added.append(fact)
        self.reference_counter[fact_id] += 1
        return fact


class QuickRunning:
    """A KnowledgeEngine mixin for runform's engine: its quick matcher, agenda and fact
    list; experta's run loop without formatting every fired rule's facts for a log line
    that is never shown (the arguments are built before the logger looks at its level);
    the deffacts looked up once per class and called without reading their signatures
    again (experta inspects every member and signature on each reset; runform's never
    change: just the initial fact; a reset given arguments for them is experta's own);
    and facts declared without checking them for patterns (they are made by `fact`, of
    plain values)."""

    __matcher__ = QuickReteMatcher
    __strategy__ = QuickDepthStrategy

    def get_deffacts(self):
        cls = type(self)
        if "_deffacts" not in cls.__dict__:
            cls._deffacts = super().get_deffacts()
        return cls._deffacts

    def reset(self, **kwargs):
        if kwargs:
            return super().reset(**kwargs)
        self.agenda = Agenda()
        self.facts = QuickFactList()
        self.matcher.reset()
        self.declare(*(fact for deffacts in self.get_deffacts() for fact in deffacts()))
        self.running = False
        return None

    def declare(self, *facts):
        last = None
        for fact in facts:
            last = self.facts.declare(fact)
        if not self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
        return last

    @staticmethod
    def fact(cls, **fields):
        """A fact of runform's, made without experta's freezing of every value (they are
        text and numbers, immutable already) and its per-field bookkeeping."""
        fact = dict.__new__(cls)
        dict.update(fact, fields)
        fact._Fact__defaults = {}
        return fact

    def run(self, steps=float("inf")):
        self.running = True
        while steps > 0 and self.running:
            added, removed = self.matcher.changes(*self.facts.changes)
            self.strategy._update_agenda(self.agenda, added, removed)  # no log lines
            activation = self.agenda.get_next()
            if activation is None:
                break
            steps -= 1
            rule = activation.rule
            context = {k: v for k, v in activation.context.items() if not k.startswith("__")}
            if rule._wrapped_self is None and not rule._wrapped_args:
                rule._wrapped(self, **context)  # what the rule's __call__ comes to
            else:
                rule(self, **context)
        self.running = False


def _all_nodes(root) -> list:
    """Every node of a network once, the bus first."""
    seen: set[int] = set()
    found = []
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.append(node)
        todo.extend(child.node for child in node.children)
    return found


# ---------------------------------------------------------------- quick node classes

# experta copies a token at every node it enters, in case the node changes it. Of the
# network's nodes only a feature tester does, when it binds a name; the others read
# the token (a join or a `not` makes new tokens of its own, a terminal node freezes
# it into an activation). So a token is copied only where a binding is added to it.


def _one_input_activate(self, token):
    return self._activate(token)


def _left(self, token):
    return self._activate_left(token)


def _right(self, token):
    return self._activate_right(token)


# The same for nodes with a memory, which note that they were reached (see reset).
def _one_input_activate_noted(self, token):
    self._used[id(self)] = self
    return self._activate(token)


def _left_noted(self, token):
    self._used[id(self)] = self
    return self._activate_left(token)


def _right_noted(self, token):
    self._used[id(self)] = self
    return self._activate_right(token)


def _join_left(self, token):
    self._used[id(self)] = self
    _join(self, token, self.left_memory, self.right_memory, True)


def _join_right(self, token):
    self._used[id(self)] = self
    _join(self, token, self.right_memory, self.left_memory, False)


def _join(self, token, memory, other_memory, from_left: bool) -> None:
    """OrdinaryMatchNode's activation (experta's, step for step) without a log line per
    match or re-checking the facts of each token it makes."""
    context = token.context
    info = tuple.__new__(TokenInfo, (frozenset(token.data), frozenset(context.items())))
    if token.tag is Token.TagType.VALID:
        memory.append(info)
    else:
        try:
            memory.remove(info)
        except ValueError:  # as experta has it
            pass
    for other_data, other_items in other_memory:
        other_context = dict(other_items)
        if from_left:
            match = self.matcher(context, other_context)
        else:
            match = self.matcher(other_context, context)
        if match:
            joined = {k: v for k, v in context.items() if isinstance(k, str)}
            for k, v in other_context.items():
                if not isinstance(k, tuple):  # negated values are not needed further
                    joined[k] = v
            new = tuple.__new__(QuickToken, (token.tag, token.data | other_data, joined))
            for child in self.children:
                child.callback(new)


def _tester_activate(self, token):
    """FeatureTesterNode.activate: test the fact, and copy the token only when the test
    binds a name in it (experta copies it for every node it visits), then hand it on
    through the node's index when it has one."""
    fact = next(iter(token.data))
    match = self._test(fact)
    if not match:
        return None
    if match is not True:  # bindings (a mapping): the token is copied to hold them
        token = _copy(token)
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
    self._pass_on(token)
    return None


class QuickActivation(Activation):
    """experta's Activation with its hash given (experta hashes the rule, the facts and
    the context again each time the activation is looked up in a set): the same hash,
    of the frozen facts and context the terminal node has already made."""

    def __init__(self, rule, facts, context, hashed):
        self.rule = rule
        self.facts = facts  # frozen: nothing changes an activation's facts
        self.key = None
        self.context = context
        self._hash = hashed

    def __hash__(self):
        return self._hash

    __eq__ = Activation.__eq__


def _terminal_activate(self, token):
    """A terminal node's entry point: it notes that a token reached it (see reset), and
    reports itself to the matcher when it gains or loses an activation, so that only
    the nodes that changed are asked for their activations after a firing."""
    self._used[id(self)] = self
    _conflict_set_activate(self, token)
    if self.added or self.removed:
        self._matcher._touched[id(self)] = self


def _conflict_set_activate(self, token):
    """ConflictSetNode._activate, making QuickActivations (the same bookkeeping)."""
    info = tuple.__new__(TokenInfo, (frozenset(token.data), frozenset(token.context.items())))
    context = info.context
    for key in token.context:
        if type(key) is not str:  # a negated binding: not kept in the activation
            context = frozenset((k, v) for k, v in context if isinstance(k, str))
            break
    activation = QuickActivation(
        self.rule, info.data, dict(context), hash((self._rule_hash, info.data, context))
    )
    if token.tag is Token.TagType.VALID:
        if info not in self.memory:
            self.memory.add(info)
            if activation in self.removed:
                self.removed.remove(activation)
            else:
                self.added.add(activation)
    else:
        try:
            self.memory.remove(info)
        except ValueError:  # as experta has it
            pass
        else:
            if activation in self.added:
                self.added.remove(activation)
            else:
                self.removed.add(activation)


_QUICK: dict[tuple[type, bool], type] = {}


def _quick_class(cls: type, noted: bool) -> type:
    """A subclass of an experta node class with runform's quick entry points (`noted`:
    for a node with a memory, which notes when a token reaches it)."""
    if (cls, noted) not in _QUICK:
        methods: dict = {}
        if issubclass(cls, FeatureTesterNode):
            methods["activate"] = _tester_activate
        elif issubclass(cls, ConflictSetNode) and noted:
            methods["activate"] = _terminal_activate
        elif issubclass(cls, OneInputNode):
            methods["activate"] = _one_input_activate_noted if noted else _one_input_activate
        if issubclass(cls, OrdinaryMatchNode) and noted:
            methods["activate_left"] = _join_left
            methods["activate_right"] = _join_right
        elif issubclass(cls, TwoInputNode):
            methods["activate_left"] = _left_noted if noted else _left
            methods["activate_right"] = _right_noted if noted else _right
        if issubclass(cls, ConflictSetNode):
            methods["_activate"] = _conflict_set_activate
        _QUICK[(cls, noted)] = type(f"Quick{cls.__name__}", (cls,), methods)
    return _QUICK[(cls, noted)]


def _quicken(node, used: dict | None) -> None:
    """`used`: where a node with a memory notes that a token reached it."""
    if not isinstance(node, (OneInputNode, TwoInputNode)):
        return  # the bus: its entry points are replaced by _dispatch_by_type
    if used is not None and isinstance(node, FeatureTesterNode):
        raise TypeError("a feature tester with a memory")  # experta's have none
    node.__class__ = _quick_class(type(node), used is not None)
    if used is not None:
        node._used = used
    if isinstance(node, ConflictSetNode):
        node._rule_hash = hash(node.rule)  # a rule never changes: hashed once
    if isinstance(node, FeatureTesterNode):
        node._test = _quick_test(node.matcher)


def _quick_test(check):
    """A node's test. FeatureCheck on a plain field of a fact (`id`, `value`, `ns`), the
    usual case, is one lookup: experta splits the name on '__' and logs every test; a
    literal or a predicate that binds no name is tested in place. A fact bound to a
    name (`AS.f0 << ...`) is bound without a log line."""
    if isinstance(check, FactCapture):
        bind = check.bind
        return lambda fact: {bind: fact}
    what = getattr(check, "what", None)
    if not (isinstance(check, FeatureCheck) and type(what) is str) or "__" in what:
        return check
    if what.isnumeric():
        return check
    test, expected = check.check, check.expected
    kind = getattr(test, "__name__", "")
    if kind == "equal_literal" and expected.__bind__ is None:
        literal = expected.value

        def equals(fact):
            try:
                return True if literal == fact[what] else False
            except (IndexError, KeyError, TypeError):
                return False

        return equals
    if kind == "match_predicate" and expected.__bind__ is None:
        predicate = expected.match

        def satisfies(fact):
            try:
                record = fact[what]
            except (IndexError, KeyError, TypeError):
                return False
            return True if predicate(record) else False

        return satisfies

    def quick(fact):
        try:
            record = fact[what]
        except (IndexError, KeyError, TypeError):
            return False
        return test(record, expected)

    return quick


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

    callbacks = [child.callback for child in others]
    by_type_on = {kind: [node._pass_on for node in nodes] for kind, nodes in by_type.items()}
    valid, invalid = Token.TagType.VALID, Token.TagType.INVALID

    def send(fact, tag) -> None:
        token = tuple.__new__(QuickToken, (tag, {fact}, {}))
        for callback in callbacks:
            callback(token)
        for pass_on in by_type_on.get(type(fact), ()):
            pass_on(token)

    bus.add = lambda fact: send(fact, valid)
    bus.remove = lambda fact: send(fact, invalid)


def _literal_field(child) -> str | None:
    """The field a child node tests for equality with a literal, or None. Only a literal
    a lookup finds exactly when `==` holds is indexed: hashable, and equal to itself (a
    dict finds NaN by identity, where NaN == NaN is false)."""
    check = child.node.matcher if isinstance(child.node, FeatureTesterNode) else None
    if not (
        isinstance(check, FeatureCheck)
        and getattr(check.check, "__name__", "") == "equal_literal"
        and check.expected.__bind__ is None
        and isinstance(check.what, str)
        and "__" not in check.what
    ):
        return None
    literal = check.expected.value
    try:
        hash(literal)
    except TypeError:
        return None
    return check.what if literal == literal else None


def _pass_on(node, threshold: int):
    """How a tester node hands a passed token to its children: to each in turn, or,
    when `threshold` or more of them test one field for a literal, through an index on
    that field's value: only the children whose literal the value is get the token, and
    they hand it straight on (their test, which binds nothing, is the lookup itself)."""
    by_field: dict[str, list] = {}
    for child in node.children:
        field = _literal_field(child)
        if field is not None:
            by_field.setdefault(field, []).append(child)
    indexed = {f: group for f, group in by_field.items() if len(group) >= threshold}
    in_tables = {id(child) for group in indexed.values() for child in group}
    others = [child.callback for child in node.children if id(child) not in in_tables]
    if not indexed:

        def pass_on_to_each(token) -> None:
            for callback in others:
                callback(token)

        return pass_on_to_each
    tables = []
    for field, group in indexed.items():
        table: dict = {}
        for child in group:
            table.setdefault(child.node.matcher.expected.value, []).append(child.node)
        tables.append((field, table))

    def pass_on(token) -> None:
        fact = next(iter(token.data))
        for callback in others:
            callback(token)
        for field, table in tables:
            try:  # as the test reads it (a field's default included)
                passed = table.get(fact[field], ())
            except (IndexError, KeyError, TypeError):  # not there, or unhashable
                continue
            for tester in passed:
                tester._pass_on(token)

    return pass_on


# ---------------------------------------------------------------- keeping a network


def _tuple_again(cls, items):
    return tuple.__new__(cls, items)


def _fact_again(cls, items):
    # the values were frozen when the pattern was made: put them back as they are
    # (pickle's default sets each item through Fact.__setitem__, which freezes it again)
    fact = cls.__new__(cls)
    dict.update(fact, items)
    return fact


class _NetworkPickler(pickle.Pickler):
    """Pickles a network as experta built it. experta's conditional elements (rules,
    patterns, constraints) are tuples whose __new__ takes the items one by one, and its
    feature checks hold a function made when they were: both are kept as what makes
    them again. Patterns (facts) are dicts whose values experta froze: they are read
    back without freezing them again, and without the hash a fact keeps once asked for
    it (a string's hash changes from one process to the next)."""

    def reducer_override(self, obj):
        if isinstance(obj, FeatureCheck):
            return (FeatureCheck, (obj.what, obj.how))
        if isinstance(obj, Fact):
            state = {name: value for name, value in vars(obj).items() if name != "_hash"}
            return (_fact_again, (type(obj), dict(obj)), state or None)
        if isinstance(obj, ConditionalElement):
            return (_tuple_again, (type(obj), tuple(obj)), getattr(obj, "__dict__", None) or None)
        return NotImplemented


def network_image(engine) -> bytes:
    """The network experta built for an engine (on experta's own matcher: runform's
    quick one changes its nodes), as bytes that QuickReteMatcher reads back when the
    engine's class has them as `network`. The rules' tests and actions must be
    picklable: objects of module-level classes, not closures."""
    if type(engine.matcher) is not ReteMatcher:
        raise TypeError("only a network as experta built it can be kept")
    image = io.BytesIO()
    _NetworkPickler(image, protocol=pickle.HIGHEST_PROTOCOL).dump(engine.matcher.root_node)
    return image.getvalue()


# experta's own methods that runform's quick network replaces, in its own subclasses or
# on its own nodes only: they must stay experta's for everyone else (a test checks)
REPLACED_IN_SUBCLASSES = {
    Token: ("__new__", "copy"),
    FeatureTesterNode: ("activate", "_activate"),
    FeatureCheck: ("__call__",),
    OneInputNode: ("activate",),
    TwoInputNode: ("activate_left", "activate_right"),
    BusNode: ("add", "remove"),
    ConflictSetNode: ("activate", "_activate"),
    OrdinaryMatchNode: ("activate_left", "activate_right"),
    Activation: ("__init__", "__hash__"),
    FactCapture: ("__call__",),
    FactList: ("_get_fact_id", "declare"),
    KnowledgeEngine: ("reset", "declare", "run"),
}

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
    "QuickRunning",
    "ReteMatcher",
    "REPLACED_IN_SUBCLASSES",
    "network_image",
    "Rule",
]
