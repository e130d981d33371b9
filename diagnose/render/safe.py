"""User text (names, notes, file names) shown as text: no control characters get through."""

from __future__ import annotations


def printable(text: object, replacement: str = "?", keep: str = "") -> str:
    """Replace control and other unprintable characters, which could move a terminal's
    cursor, clear its screen or break a document's layout."""
    return "".join(ch if ch.isprintable() or ch in keep else replacement for ch in str(text))
