"""Reading JSON and writing files safely, with errors that name the file."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from .errors import RunformError, brief

MAX_BYTES = 5_000_000  # answers files and exports are small; anything this big is not one


def read_json(path: str | os.PathLike[str], shown: str | None = None) -> Any:
    """Decode a JSON file; any problem becomes one RunformError naming the file."""
    shown = shown or str(path)
    text = read_text(path, shown)
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_repeats)
    except json.JSONDecodeError as exc:
        raise RunformError(
            f"{shown}: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise RunformError(f"{shown}: invalid JSON: {exc}") from None


def read_text(path: str | os.PathLike[str], shown: str, limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes, or one RunformError."""
    raw = read_bytes(path, shown, limit)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RunformError(f"{shown}: not UTF-8 text (byte {exc.start})") from None


def read_bytes(path: str | os.PathLike[str], shown: str, limit: int = MAX_BYTES) -> bytes:
    """Read a regular file, at most `limit` bytes of it. A device (/dev/zero), a pipe
    (which would wait forever) or a file that grows while read is refused, not read."""
    try:
        # O_NONBLOCK: opening a pipe with no writer returns at once, so it can be refused
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise RunformError(f"{shown}: is a folder, not a file") from None
    except FileNotFoundError:
        raise RunformError(f"{shown}: no such file") from None
    except OSError as exc:
        raise RunformError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise RunformError(f"{shown}: is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise RunformError(f"{shown}: not a regular file (a device, pipe or socket)")
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise RunformError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(handle)
    if len(data) > limit:
        raise RunformError(f"{shown}: too large (over {limit:,} bytes)")
    return data


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key given twice is an editing slip; silently keeping the last would hide it."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the key {brief(key)} appears twice in one object")
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
