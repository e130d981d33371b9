"""The one error type the library raises; the CLI turns it into `Error: …` and an exit code."""

from __future__ import annotations

from typing import Any


def brief(value: Any, width: int = 40) -> str:
    """A value as given, quoted (control characters escaped by repr) and cut short: one
    long answer must not fill the screen."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]  # as JSON spells them
    if isinstance(value, str) and len(value) > width:
        value = value[:width]
    try:
        shown = repr(value)
    except (RecursionError, ValueError):  # deeply nested, or an int too long to print
        shown = f"<a {type(value).__name__} too long to show>"
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def cut(text: Any, width: int = 60) -> str:
    """A name as given (a field, a key), cut short: not quoted, as it stands in a path."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


class RunformError(Exception):
    """A problem the user can fix: bad input, a broken knowledge base, an unknown client.

    `problems` holds one line per finding (already prefixed with file and field), so a
    caller can print them all; `str(error)` joins them.
    """

    def __init__(self, message: str | None = None, problems: list[str] | None = None):
        self.problems = list(problems or ([message] if message else []))
        super().__init__(message or "\n".join(self.problems))
