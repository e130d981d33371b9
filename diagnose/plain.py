"""What counts as plain text: what runform accepts from knowledge files and stored
records, and shows as it is."""

from __future__ import annotations

import unicodedata

# control, format (bidi overrides, zero-width), surrogate, private-use, line and
# paragraph separator characters: they move a terminal's cursor, reorder or hide text
_UNPLAIN = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def unprintable(text: str) -> bool:
    """Whether text holds anything but plain characters (new lines and tabs aside)."""
    return any(unicodedata.category(ch) in _UNPLAIN and ch not in "\n\t" for ch in text)


def plain(text: str) -> str:
    """A pydantic validator: plain text, or a ValueError saying why not."""
    if unprintable(text):
        raise ValueError("holds control or text-direction characters")
    return text
