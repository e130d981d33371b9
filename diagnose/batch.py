"""Diagnose many answers files: expand folders, keep going past bad files, keep order.

With jobs > 1 the files are shared among worker processes (each loads the knowledge base
and compiles its engine once); results come back in the order of the files.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .answers import read_answers
from .diagnosis import Diagnosis
from .engine import Engine, engine_for
from .errors import RunformError
from .knowledge import KnowledgeBase, load_kb
from .render.diagnosis_output import render

if TYPE_CHECKING:  # read only with --activity
    from .watch import WatchSummary


@dataclass
class Outcome:
    source: str
    diagnosis: Diagnosis | None = None
    problems: list[str] | None = None  # set when the file could not be diagnosed
    output: str | None = None  # the diagnosis laid out, when a format was asked for


@dataclass(frozen=True)
class Layout:
    """How each diagnosis is to be printed: laid out where it is made (in a worker),
    so only finished text crosses between processes."""

    fmt: str
    explain: bool = False


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


def diagnose_one(
    shown: str,
    path: Path,
    kb: KnowledgeBase,
    engine: Engine,
    layout: Layout | None = None,
    watch: WatchSummary | None = None,
) -> Outcome:
    """One file's diagnosis (laid out, given a layout) or its problems, with what the
    runner's watch measured in it when given. Whatever goes wrong with one file (even a
    fault of runform's) is that file's problem: the rest of the batch is still
    diagnosed."""
    try:
        answers = read_answers(path, kb, shown)
        if watch is None:
            diagnosis = engine.run(answers.values, answers.runner, answers.questionnaire, shown)
        else:
            from .watch import diagnose_answers

            diagnosis = diagnose_answers(engine, answers, kb, watch, shown)
        if layout is None:
            return Outcome(shown, diagnosis=diagnosis)
        return Outcome(shown, output=render(diagnosis, kb, layout.fmt, layout.explain))
    except RunformError as exc:
        return Outcome(shown, problems=exc.problems)
    except RecursionError:
        return Outcome(shown, problems=[f"{shown}: nested too deeply to read"])
    except Exception as exc:  # noqa: BLE001  (one bad file must not stop a batch)
        return Outcome(
            shown,
            problems=[
                f"{shown}: could not be diagnosed: runform failed on it"
                f" ({type(exc).__name__}); please report this with the file"
            ],
        )


def diagnose_files(
    files: list[tuple[str, Path]],
    kb: KnowledgeBase,
    engine: Engine,
    jobs: int = 1,
    layout: Layout | None = None,
    watch: WatchSummary | None = None,
) -> Iterator[Outcome]:
    if jobs <= 1 or len(files) < 2 or watch is not None:
        for shown, path in files:
            yield diagnose_one(shown, path, kb, engine, layout, watch)
        return
    import multiprocessing  # only for a batch shared among processes

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    with context.Pool(jobs, initializer=_start_worker, initargs=(str(kb.root),)) as pool:
        yield from pool.imap(_work, [(shown, path, layout) for shown, path in files], chunk)


_worker: tuple[KnowledgeBase, Engine] | None = None


def _start_worker(root: str) -> None:
    import signal  # a worker's only (not imported for a single file)

    global _worker
    # Ctrl-C reaches every process of the terminal's group: the parent stops the batch
    # and says so; a worker printing its own KeyboardInterrupt traceback would only add noise
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    kb = load_kb(root)  # cached: a forked worker already has it
    _worker = (kb, engine_for(kb))
    gc.freeze()  # the worker's entry point: keep the long-lived engine out of GC scans


def _work(item: tuple[str, Path, Layout | None]) -> Outcome:
    assert _worker is not None
    shown, path, layout = item
    return diagnose_one(shown, path, *_worker, layout)
