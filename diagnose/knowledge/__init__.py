"""Knowledge: the models, the loader, the cross-file checks and where the bundled files are."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ..errors import RunformError
from .loader import KnowledgeBase, Where, load

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
def _load_cached(root: Path) -> KnowledgeBase:
    return load(root)


def load_kb(kb: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """Load (once per process and folder) and validate a knowledge base."""
    return _load_cached(resolve_root(kb))
