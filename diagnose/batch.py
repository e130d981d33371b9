"""Diagnose many answers files: expand folders, keep going past bad files, keep order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .answers import read_answers
from .diagnosis import Diagnosis
from .engine import Engine
from .errors import RunformError
from .knowledge import KnowledgeBase


@dataclass
class Outcome:
    source: str
    diagnosis: Diagnosis | None = None
    error: RunformError | None = None


def expand(paths: list[str]) -> list[tuple[str, Path]]:
    """(shown name, path) for every file: a folder stands for every *.json in it, sorted."""
    found: list[tuple[str, Path]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend((str(path / f.name), f) for f in sorted(path.glob("*.json")))
        else:
            found.append((given, path))
    return found


def diagnose_file(path: Path, shown: str, kb: KnowledgeBase, engine: Engine) -> Diagnosis:
    answers = read_answers(path, kb, shown)
    return engine.run(answers.values, answers.runner, answers.questionnaire, shown)


def diagnose_files(
    files: list[tuple[str, Path]], kb: KnowledgeBase, engine: Engine
) -> Iterator[Outcome]:
    for shown, path in files:
        try:
            yield Outcome(shown, diagnosis=diagnose_file(path, shown, kb, engine))
        except RunformError as exc:
            yield Outcome(shown, error=exc)
