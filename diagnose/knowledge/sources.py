"""docs/sources.md, made from rules/sources.yaml: what each source teaches and what in the
knowledge base rests on it. `python -m diagnose.knowledge.sources > docs/sources.md`."""

from __future__ import annotations

from collections import defaultdict

from . import KnowledgeBase, load_kb
from .kinds import NAMESPACES

KINDS = {
    "coaching article": "The coaching articles runform is built from",
    "study": "Studies",
    "manual": "Device manuals",
    "screen": "Screening tests and health questions",
    "practice": "Coaching and training practice",
}


def cited_by(kb: KnowledgeBase) -> dict[str, list[str]]:
    """source id -> what cites it, as 'defect Heel strike', 'rule heel_strike_seen'."""
    found: dict[str, list[str]] = defaultdict(list)
    for namespace in ("observation", *NAMESPACES):
        for entity in kb.entities(namespace).values():
            for source in entity.source:
                found[source].append(f"{namespace.replace('_', ' ')} {entity.name}")
    for rule in kb.rules:
        for source in rule.source:
            found[source].append(f"rule `{rule.id}`")
    return found


def markdown(kb: KnowledgeBase) -> str:
    citing = cited_by(kb)
    out = [
        "# Sources",
        "",
        "What runform's knowledge rests on, and what runform takes from each source, in its",
        "own words. Every `source:` in `rules/*.yaml` names ids from this list (checked by",
        "`runform kb check`). Made from `rules/sources.yaml` with",
        "`python -m diagnose.knowledge.sources > docs/sources.md`; do not edit by hand.",
        "",
    ]
    for kind, heading in KINDS.items():
        sources = [s for s in kb.sources.values() if s.kind == kind]
        if not sources:
            continue
        out += [f"## {heading}", ""]
        for source in sources:
            out += [f"### `{source.id}`: {source.title}", "", f"*{source.by}*", ""]
            out += [" ".join(source.teaches.split()), ""]
            users = citing.get(source.id, [])
            shown = "; ".join(users[:8]) + (f" and {len(users) - 8} more" if len(users) > 8 else "")
            out += [f"Cited by {len(users)}: {shown}.", ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(load_kb()), end="")
