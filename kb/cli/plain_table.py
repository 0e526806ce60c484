"""Plain text tables for the terminal: columns padded to their widest cell (East Asian wide
characters count two), numbers right-aligned, every KB text through `terminal_safe.visible`."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence

from kb.text.terminal_safe import visible


def width(text: str) -> int:
    """How many terminal cells `text` takes."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def cell(text: str) -> str:
    """KB text as one table cell: one line, controls shown as visible escapes."""
    return visible(" ".join(text.split()))


def render(header: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[int] = ()) -> list[str]:
    """The table as lines: the header, then a row per row, columns two spaces apart."""
    table = [[cell(c) for c in header], *([cell(c) for c in row] for row in rows)]
    widths = [max(width(r[i]) for r in table) for i in range(len(header))]
    lines = []
    for row in table:
        cells = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - width(text))
            cells.append(pad + text if i in right else text + pad)
        lines.append("  ".join(cells).rstrip())
    return lines
