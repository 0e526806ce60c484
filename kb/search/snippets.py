"""Snippets: which words of a hit's text the query matched, and the stretch of text around the most
of them, made safe to print, with the matches' places in it."""

from __future__ import annotations

import re
from itertools import pairwise

from kb.search.analysis import raw_tokens, stem_word
from kb.text.terminal_safe import visible

SNIPPET_CHARS = 200
_CONTEXT_BEFORE = 40
_ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")


class Highlighter:
    """Which tokens of a hit's text to highlight: those the query's terms match."""

    def __init__(self) -> None:
        self.stemmed: set[str] = set()
        self.exact: set[str] = set()
        self.chars: set[str] = set()

    def spans(self, text: str) -> list[tuple[int, int]]:
        exact, chars, stemmed = self.exact, self.chars, self.stemmed
        # A stem starts with its word's first letter (kb.search.analysis.stem_word), so a word that starts
        # no stemmed term is never stemmed here: stemming every word of 20 hits was a third of the
        # time their highlights took in a fresh process.
        initials = {term[:1] for term in stemmed}
        found = sorted(
            (start, end)
            for term, _, start, end, is_word in raw_tokens(text, stem=False, unigrams="all")
            if term in exact
            or term in chars
            or (term[:1] in initials and (stem_word(term) if is_word else term) in stemmed)
        )
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


def _busiest_window(spans: list[tuple[int, int]], width: int) -> int:
    """Where the first window of `width` characters that starts _CONTEXT_BEFORE before a match
    and holds the most whole matches begins (0 without matches).

    One pass: the spans are sorted and do not overlap, so their ends are sorted too, and the
    spans inside a window are `spans[first:last]`, both bounds moving only forward as the
    window does (comparing every match with every other took 18 s for a word 20,000 times)."""
    begin, most = 0, 0
    first = last = 0
    for start, _ in spans:
        window = max(0, start - _CONTEXT_BEFORE)
        while spans[first][0] < window:
            first += 1
        while last < len(spans) and spans[last][1] <= window + width:
            last += 1
        if last - first > most:
            begin, most = window, last - first
    return begin


def snippet(
    text: str, spans: list[tuple[int, int]], width: int | None = SNIPPET_CHARS, *, escape: bool = True
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About `width` characters of `text` (all of it when width is None) around the most
    highlighted stretch, whitespace collapsed and control characters made visible, with the
    spans' places in the result.  `spans` are sorted and do not overlap (Highlighter.spans)."""
    begin, end = 0, len(text)
    if width is not None and len(text) > width and len(_SPACE.sub(" ", text.strip())) > width:
        begin = _busiest_window(spans, width)
        space = text.find(" ", begin, begin + 15)
        if begin and space != -1 and not any(begin <= s <= space for s, _ in spans):
            begin = space + 1  # start at a word, not inside one
        end = min(len(text), begin + width)
    inside = [(max(s, begin), min(e, end)) for s, e in spans if s < end and e > begin]
    cuts = sorted({begin, end, *(point for span in inside for point in span)})
    starts, ends = {s for s, _ in inside}, {e for _, e in inside}
    out = _ELLIPSIS if begin > 0 else ""
    marks: list[tuple[int, int]] = []
    opened = 0
    for a, b in pairwise(cuts):
        piece = _SPACE.sub(" ", text[a:b])
        if piece.startswith(" ") and (not out or out.endswith(" ")):
            piece = piece[1:]
        if a in starts:
            opened = len(out)
        out += visible(piece) if escape else piece
        if b in ends:
            marks.append((opened, len(out)))
    result = out.rstrip()
    if end < len(text):
        result += _ELLIPSIS
    return result, tuple((s, min(e, len(result))) for s, e in marks if s < len(result))
