"""Reading JSON and writing files safely, with errors that name the file."""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import re
import stat
import time
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
    except _Repeated:
        raise RunformError(f"{shown}: {_repeat_place(text)}") from None
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


class _Repeated(ValueError):
    """A key given twice in one object: an editing slip that silently keeping the last
    would hide."""


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Repeated
    return found


def _repeat_place(text: str) -> str:
    """Where the repeated key is, found by parsing again with the (slower) pure-Python
    scanner, which tells where each object starts: the fast one does not."""
    place = "a key appears twice in one object"

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        nonlocal place
        pairs, end = json.decoder.JSONObject(
            s_and_end, strict, scan_once, None, lambda pairs: pairs, memo
        )
        keys = [key for key, _ in pairs]
        repeated = next((key for key in keys if keys.count(key) > 1), None)
        if repeated is not None:
            text, start = s_and_end
            # the second time the key is written in the object (or, spelt another
            # way, the object's first line)
            written = re.compile(re.escape(json.dumps(repeated, ensure_ascii=False)) + r"\s*:")
            found = list(written.finditer(text, start, end))
            at = found[1].start() if len(found) > 1 else start
            line = text.count("\n", 0, at) + 1
            place = f"line {line}: the key {brief(repeated)} appears twice in one object"
            raise _Repeated
        return dict(pairs), end

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    with contextlib.suppress(ValueError, RecursionError):
        decoder.decode(text)
    return place


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    write_atomically(path, text.encode("utf-8"))


def write_atomically(path: str | os.PathLike[str], data: bytes, *, shared: bool = False) -> None:
    """A crash leaves the old file or the new one, never half of one. Files are private
    (0600, they hold health answers) unless `shared` (printouts: an existing file keeps
    its permissions, a new one gets the umask's). A symlink is followed and stays a
    link; a device or a pipe (`/dev/stdout`, a FIFO) is written as a stream, never
    replaced by a file."""
    try:
        mode: int | None = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise RunformError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise RunformError(f"{path}: is a folder, not a file")
    if mode is not None and not stat.S_ISREG(mode):
        _write_stream(path, data)
        return
    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(target)
        import tempfile  # only to write (a command that only reads never needs it)

        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise RunformError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if shared:
            keep = stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask()
            os.chmod(temporary, keep)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise RunformError(f"{path}: cannot write: {_reason(exc)}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_stream(path: str | os.PathLike[str], data: bytes) -> None:
    try:
        with open(path, "wb") as out:
            out.write(data)
    except OSError as exc:
        raise RunformError(f"{path}: cannot write: {_reason(exc)}") from None


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full; nothing was written"
    return exc.strerror or str(exc)


# A write takes milliseconds; a temporary file this old was left by a killed process.
STALE_SECONDS = 60


def _remove_stale_temporaries(target: Path) -> None:
    """The hidden copies a killed run left beside this file (they may hold answers)."""
    now = time.time()
    for left in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - left.lstat().st_mtime > STALE_SECONDS:
                left.unlink()


def can_write_in(folder: Path) -> None:
    """Make the folder if needed and prove a file can be created in it (a read-only
    home, a file where a folder should be, a full disk), or raise saying why."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile

        with tempfile.TemporaryFile(dir=folder):
            pass
    except (FileExistsError, NotADirectoryError):
        raise RunformError(f"{folder}: a file stands where a folder should be") from None
    except OSError as exc:
        raise RunformError(f"{folder}: {_reason(exc)}") from None


def same_file(first: str | os.PathLike[str], second: str | os.PathLike[str]) -> bool:
    """Do two names lead to one file (through links, `./`, another spelling)?"""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.realpath(first) == os.path.realpath(second)


def replaces_a_file(path: str | os.PathLike[str]) -> bool:
    """Would writing here replace a regular file that is already there?"""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
