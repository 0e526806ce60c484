"""A source text as passages: paragraphs, whitespace, and where a claim's excerpt sits.

One rule for every reader: the validator accepts an excerpt, the search index splits a source
into passages, and the app highlights an excerpt, all by what is here. An excerpt is found when
its words appear in the text in order with any run of whitespace between them; `contains_excerpt`
and `find_excerpt` say the same thing, the first on texts already normalised (the validator checks
many excerpts against one text), the second with offsets into the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WHITESPACE = re.compile(r"\s+")


def normalise_whitespace(text: str) -> str:
    """Every run of whitespace as one space, none at the ends."""
    return _WHITESPACE.sub(" ", text).strip()


def contains_excerpt(normalised_text: str, excerpt: str) -> bool:
    """Whether `excerpt` is in a text already passed through `normalise_whitespace`."""
    wanted = normalise_whitespace(excerpt)
    return bool(wanted) and wanted in normalised_text


def find_excerpt(text: str, excerpt: str) -> tuple[int, int] | None:
    """The (start, end) offsets of `excerpt` in `text`, whitespace-insensitive, or None."""
    words = excerpt.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(word) for word in words)
    match = re.search(pattern, text)
    return (match.start(), match.end()) if match else None


def paragraphs(text: str) -> list[tuple[int, str]]:
    """The blank-line separated paragraphs of `text`, each with the line (from 0) it starts on."""
    found: list[tuple[int, str]] = []
    start, lines = 0, []
    for number, line in enumerate(text.split("\n")):
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            found.append((start, "\n".join(lines)))
            lines = []
    if lines:
        found.append((start, "\n".join(lines)))
    return found


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of each blank-line separated paragraph of `text`."""
    line_starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
    return [(line_starts[line], line_starts[line] + len(paragraph)) for line, paragraph in paragraphs(text)]


@dataclass(frozen=True)
class Passage:
    """The paragraphs holding an excerpt: their text, where they start in the source, and the
    excerpt's span inside `text`."""

    text: str
    start: int
    span: tuple[int, int]


def passage_around(text: str, span: tuple[int, int]) -> Passage:
    """The whole paragraphs that the span touches (an excerpt may run over several)."""
    first, last = span
    for begin, end in paragraph_ranges(text):
        if begin <= span[0] < end:
            first = begin
        if begin < span[1] <= end:
            last = end
    return Passage(text[first:last], first, (span[0] - first, span[1] - first))
