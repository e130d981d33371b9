"""The knowledge base as runform runs it: the validated knowledge in plain classes
(`kinds`), where each piece is defined, and the hash that names its content. Nothing
here needs pydantic or a YAML parser: a command that runs a cached knowledge base
imports neither."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RunformError
from ..files import read_bytes
from .kinds import (
    Cause,
    Defect,
    KBRule,
    Observation,
    Prescription,
    Questionnaire,
    Readiness,
    RedFlag,
    Source,
)

# Limits well past any real knowledge base (see loader.py for the others).
MAX_FILE_BYTES = 1_000_000
MAX_FILES = 100


@dataclass(frozen=True)
class Where:
    file: str  # relative to the knowledge-base root, e.g. rules/defects.yaml
    line: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(eq=False)  # hashable by identity: compiled engines are cached per KB
class KnowledgeBase:
    root: Path
    sources: dict[str, Source] = field(default_factory=dict)
    observations: dict[str, Observation] = field(default_factory=dict)
    defects: dict[str, Defect] = field(default_factory=dict)
    causes: dict[str, Cause] = field(default_factory=dict)
    prescriptions: dict[str, Prescription] = field(default_factory=dict)
    red_flags: dict[str, RedFlag] = field(default_factory=dict)
    readiness: dict[str, Readiness] = field(default_factory=dict)
    rules: list[KBRule] = field(default_factory=list)
    # ("observation" | "defect" | ... | "rule", id) -> where it is defined
    where: dict[tuple[str, str], Where] = field(default_factory=dict)
    # (rule id, example index) -> where that example is
    example_where: dict[tuple[str, int], Where] = field(default_factory=dict)
    questionnaires: dict[str, Questionnaire] = field(default_factory=dict)
    # rules the knowledge implies rather than states (a catalogue item's passed_when)
    implied_rules: set[str] = field(default_factory=set)
    # what the knowledge says, as a short hash of its files: stored with each assessment,
    # so a record tells which knowledge base diagnosed it
    version: str = ""
    # runform's engine compiled for these rules, as experta built the network
    # (engine.network_image): the cache keeps it so that a later process reads it
    # back instead of building it again
    network: bytes | None = field(default=None, repr=False)

    def entities(self, namespace: str) -> dict[str, Any]:
        return {
            "source": self.sources,
            "observation": self.observations,
            "defect": self.defects,
            "cause": self.causes,
            "prescription": self.prescriptions,
            "red_flag": self.red_flags,
            "readiness": self.readiness,
        }[namespace]

    def entity(self, namespace: str, ident: str) -> Any:
        return self.entities(namespace)[ident]

    def rule(self, rule_id: str) -> KBRule:
        return self._rules_by_id()[rule_id]

    def _rules_by_id(self) -> dict[str, KBRule]:
        if not hasattr(self, "_by_id"):
            self._by_id = {r.id: r for r in self.rules}
        return self._by_id


def yaml_files(folder: Path) -> list[Path]:
    found = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if len(found) > MAX_FILES:
        raise RunformError(f"{folder}: {len(found)} knowledge files (at most {MAX_FILES})")
    return found


def content_hash(root: Path) -> str:
    """A hash of every knowledge file's name and bytes (a file that cannot be read,
    or is not a regular file, counts as such: loading it then says why)."""
    digest = hashlib.sha256()
    for folder in ("rules", "questionnaires"):
        for path in yaml_files(root / folder):
            digest.update(f"{folder}/{path.name}".encode() + b"\0")
            try:
                digest.update(read_bytes(path, path.name, MAX_FILE_BYTES))
            except RunformError:
                digest.update(b"unreadable")
    return digest.hexdigest()
