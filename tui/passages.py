"""Where a claim's excerpt sits in its source's text, and the paragraph around it.

The validator accepts an excerpt when it matches the source text up to whitespace, so the
excerpt is found here the same way: its words in order, any run of whitespace between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.validate import paragraphs


def find_excerpt(text: str, excerpt: str) -> tuple[int, int] | None:
    """The (start, end) offsets of `excerpt` in `text`, whitespace-insensitive, or None."""
    words = excerpt.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(word) for word in words)
    match = re.search(pattern, text)
    return (match.start(), match.end()) if match else None


@dataclass(frozen=True)
class Passage:
    """The paragraphs holding an excerpt: their text, where they start in the source, and the
    excerpt's span inside `text`."""

    text: str
    start: int
    span: tuple[int, int]


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of each blank-line separated paragraph of `text`."""
    line_starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
    return [(line_starts[line], line_starts[line] + len(paragraph)) for line, paragraph in paragraphs(text)]


def passage_around(text: str, span: tuple[int, int]) -> Passage:
    """The whole paragraphs that the span touches (an excerpt may run over several)."""
    first, last = span
    for begin, end in paragraph_ranges(text):
        if begin <= span[0] < end:
            first = begin
        if begin < span[1] <= end:
            last = end
    return Passage(text[first:last], first, (span[0] - first, span[1] - first))
