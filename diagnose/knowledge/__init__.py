"""Knowledge: the models, the loader, the cross-file checks and where the bundled files are."""

from __future__ import annotations

import functools
import glob
import hashlib
import os
import pickle
import sys
from pathlib import Path

from .. import __version__
from ..errors import RunformError
from ..files import read_bytes
from .base import KnowledgeBase, Where, content_hash

MAX_CACHED_BYTES = 50_000_000  # the bundled knowledge base pickles to about 330 KB

__all__ = ["KnowledgeBase", "Where", "bundled_root", "load_kb", "resolve_root"]

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_root() -> Path:
    """The knowledge shipped with runform: inside the wheel, or the source checkout."""
    for candidate in (_PACKAGE / "_kb", _PACKAGE.parent):
        if (candidate / "rules").is_dir():
            return candidate
    raise RunformError("the bundled knowledge base is missing; reinstall runform")


def resolve_root(kb: str | os.PathLike[str] | None) -> Path:
    """`--kb DIR`: a folder holding rules/ (and questionnaires/), or the rules/ folder itself."""
    if kb is None:
        return bundled_root()
    path = Path(kb).expanduser().resolve()
    if (path / "rules").is_dir():
        return path
    if path.is_dir() and path.name == "rules":
        return path.parent
    raise RunformError(f"{kb}: not a knowledge base (expected a folder with rules/*.yaml)")


@functools.lru_cache(maxsize=8)
def _load_cached(root: Path, fingerprint: str) -> KnowledgeBase:
    """Parse and validate once; later processes read a pickled copy made from the same
    bytes (the YAML parse is most of a cold start). Any cache trouble: just parse."""
    if os.environ.get("RUNFORM_NO_CACHE"):
        return _load_safe(root)
    cached = _cache_dir() / f"kb-{fingerprint}.pickle"
    try:
        # a regular file of a sane size only (a pipe or a link to a device put there
        # must not hang or fill memory); any trouble: parse the files again
        kb = pickle.loads(read_bytes(cached, str(cached), MAX_CACHED_BYTES))
        if isinstance(kb, KnowledgeBase):
            return kb
    except Exception:  # noqa: BLE001  (a damaged copy of any kind: parse the files again)
        pass
    kb = _load_safe(root)
    try:
        from ..engine import network_image

        kb.network = network_image(kb)
    except Exception:  # noqa: BLE001  (not kept: later processes build it, as this one did)
        kb.network = None
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, cached)
        _prune(cached.parent)
    except OSError:
        pass
    return kb


def _load_safe(root: Path) -> KnowledgeBase:
    """Load, and refuse a knowledge base that is well formed but unsafe to run or that
    fails any of `kb check`'s cross-file checks: every command uses only a knowledge
    base `kb check` passes (the checks run once per content: a passed one is cached)."""
    from . import safety
    from .checks import check
    from .loader import as_run, load

    kb = load(root)
    unsafe = safety.problems(kb)
    if unsafe:
        raise RunformError(
            f"{len(unsafe)} safety problem(s) in the knowledge base: runform will not use it",
            unsafe,
        )
    unsound = check(kb)
    if unsound:
        raise RunformError(
            f"{len(unsound)} problem(s) in the knowledge base: runform will not use it", unsound
        )
    # from here on, the knowledge in runform's plain classes: what every command uses
    # and the cache keeps (reading it back needs neither pydantic nor a YAML parser)
    kb = as_run(kb)
    # each rule does what its examples say (a red-flag rule rewired to another answer,
    # or turned round, fails its own): 0.2 s, once per content
    from ..engine import engine_for
    from ..kbtest import run_examples

    failing = [o.describe() for o in run_examples(kb, engine_for(kb)) if not o.passed]
    if failing:
        raise RunformError(
            f"{len(failing)} rule example(s) fail: runform will not use the knowledge base",
            failing,
        )
    return kb


# Copies kept: the knowledge bases in use (bundled, a checkout, a test copy) stay
# cached; copies of files since edited go.
KEEP_CACHED = 8


def _prune(folder: Path) -> None:
    copies = sorted(folder.glob("kb-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in copies[KEEP_CACHED:]:
        stale.unlink(missing_ok=True)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "runform"


def _fingerprint(root: Path) -> str:
    """What the loaded knowledge depends on: every knowledge file's bytes, where they
    are, and the code that reads them."""
    digest = hashlib.sha256(f"{__version__}|{sys.version}|{root}".encode())
    # the code that a pickled copy was built with: the models, and the engine whose
    # network it keeps (an editable install changes them without changing the version)
    for code in sorted(
        glob.glob("*.py", root_dir=_PACKAGE) + glob.glob("*/*.py", root_dir=_PACKAGE)
    ):
        stat = os.stat(_PACKAGE / code)
        digest.update(f"{code}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    digest.update(content_hash(root).encode())
    return digest.hexdigest()[:40]


def load_kb(kb: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """Load and validate a knowledge base (once per process and content)."""
    root = resolve_root(kb)
    return _load_cached(root, _fingerprint(root))
