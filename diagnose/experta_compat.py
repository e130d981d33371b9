"""The only module that imports experta.

experta 1.9.4 pins frozendict 1.2, whose class derives from `collections.Mapping`, an
alias removed in Python 3.10 (experta issue #34; the fix was merged but never released,
and pip cannot override the pin). We put the alias back only while frozendict's class is
created, then take it away again so nothing else comes to rely on it.
"""

import collections
import collections.abc
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
    from experta.matchers import ReteMatcher
finally:
    if not _had_alias:
        del collections.Mapping  # type: ignore[attr-defined]

if "experta.engine" not in sys.modules:  # experta's __init__ swallows ImportError
    raise ImportError("experta failed to import; is experta 1.9.4 installed?")


class QuickReteMatcher(ReteMatcher):
    """experta's Rete matcher, minus a cost that grows with rules × firings.

    After every firing experta asks every terminal node of the network for its new
    activations, even the many that have none. Asking only the nodes holding changes
    gives the same activations in the same order, for a fraction of the work.
    """

    def changes(self, adding=None, deleting=None):
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        added: list = []
        removed: list = []
        for node in self._get_conflict_set_nodes():
            if node.added or node.removed:
                node_added, node_removed = node.get_activations()
                added.extend(node_added)
                removed.extend(node_removed)
        return added, removed


__all__ = [
    "AND",
    "AS",
    "NOT",
    "OR",
    "Fact",
    "InitialFact",
    "KnowledgeEngine",
    "P",
    "QuickReteMatcher",
    "Rule",
]
