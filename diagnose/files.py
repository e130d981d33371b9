"""Reading JSON and writing files safely, with errors that name the file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import RunformError

MAX_BYTES = 5_000_000  # answers files and exports are small; anything this big is not one


def read_json(path: str | os.PathLike[str], shown: str | None = None) -> Any:
    """Decode a JSON file; any problem becomes one RunformError naming the file."""
    path = Path(path)
    shown = shown or str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RunformError(f"{shown}: too large (over {MAX_BYTES:,} bytes)")
        raw = path.read_bytes()
    except IsADirectoryError:
        raise RunformError(f"{shown}: is a folder, not a file") from None
    except FileNotFoundError:
        raise RunformError(f"{shown}: no such file") from None
    except OSError as exc:
        raise RunformError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RunformError(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_repeats)
    except json.JSONDecodeError as exc:
        raise RunformError(
            f"{shown}: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise RunformError(f"{shown}: invalid JSON: {exc}") from None


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key given twice is an editing slip; silently keeping the last would hide it."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the key {key!r} appears twice in one object")
        found[key] = value
    return found


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    write_atomically(path, text.encode("utf-8"))


def write_atomically(path: str | os.PathLike[str], data: bytes, *, shared: bool = False) -> None:
    """A crash leaves the old file or the new one, never half of one. Files are private
    (0600, they hold health answers) unless `shared` (printouts: the umask decides)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise RunformError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if shared:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise RunformError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
