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
finally:
    if not _had_alias:
        del collections.Mapping  # type: ignore[attr-defined]

if "experta.engine" not in sys.modules:  # experta's __init__ swallows ImportError
    raise ImportError("experta failed to import; is experta 1.9.4 installed?")

__all__ = ["AND", "AS", "NOT", "OR", "Fact", "InitialFact", "KnowledgeEngine", "P", "Rule"]
