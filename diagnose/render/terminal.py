"""Tables and paragraphs for an 80-column terminal (tabulate and textwrap)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from tabulate import tabulate

from .safe import printable

WIDTH = 80
# tabulate's "simple" format: two spaces between columns, and each column at least two
# wider than its header
GAP = 2
HEADER_PADDING = 2


def fit(widths: Sequence[int], headers: Sequence[str], width: int = WIDTH) -> list[int]:
    """Column widths that keep a table inside `width`: the widest column gives way first."""
    fitted = list(widths)

    def total() -> int:
        shown = [max(w, len(h) + HEADER_PADDING) for w, h in zip(fitted, headers, strict=True)]
        return sum(shown) + GAP * (len(shown) - 1)

    while total() > width and max(fitted) > 4:
        widest = fitted.index(max(fitted))
        fitted[widest] -= 1
    return fitted


def table(
    rows: Sequence[Sequence[object]],
    headers: Sequence[str],
    widths: Sequence[int],
    align: Sequence[str] | None = None,
) -> str:
    """A plain table whose cells are user-safe text, wrapped to fit 80 columns."""
    return tabulate(
        [["" if cell is None else printable(cell) for cell in row] for row in rows],
        headers,
        tablefmt="simple",
        maxcolwidths=fit(widths, headers),
        disable_numparse=True,
        colalign=align,
    )


def wrap(text: str, indent: str = "", hang: str = "") -> str:
    """One paragraph, words kept whole, lines hanging under the first by `hang`."""
    return textwrap.fill(
        " ".join(printable(text).split()),
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_on_hyphens=False,
    )
