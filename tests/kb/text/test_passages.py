"""The passage rules called directly (kb/text/passages.py): paragraphs keep their own lines and
where they start; the verbatim check ignores only whitespace; the passage shown around an excerpt
is the whole paragraphs it touches."""

from __future__ import annotations

from kb.text.passages import (
    Passage,
    contains_excerpt,
    find_excerpt,
    normalise_whitespace,
    paragraph_ranges,
    paragraphs,
    passage_around,
)


def test_paragraphs_keep_their_lines_and_the_line_they_start_on() -> None:
    text = "first line\nsecond line\n\n\nthird\nfourth\n  \nlast"
    assert paragraphs(text) == [(0, "first line\nsecond line"), (4, "third\nfourth"), (7, "last")]
    assert [text[a:b] for a, b in paragraph_ranges(text)] == ["first line\nsecond line", "third\nfourth", "last"]
    assert paragraphs("one\n\ntwo\nthree") == [(0, "one"), (2, "two\nthree")]  # the last, with no blank line after


def test_the_verbatim_check_ignores_whitespace_and_nothing_else() -> None:
    text = normalise_whitespace("AWSは  推論\n特化チップを\t開発した。")
    assert contains_excerpt(text, "推論 特化チップを 開発")
    assert contains_excerpt(text, "AWSは\n推論")
    assert not contains_excerpt(text, "AWSは推論")  # a space is not nothing
    assert not contains_excerpt(text, "推論特化チップ を開発した。。")
    assert not contains_excerpt(text, "   ")
    assert find_excerpt("a  b\nc", "b c") == (3, 6)
    assert find_excerpt("a b", "") is None


def test_the_passage_around_an_excerpt_is_the_whole_paragraphs_it_touches() -> None:
    text = "Intro.\n\nThe chip is fast.\nIt ships in May.\n\nPrices follow.\n\nThe end."
    fast = text.index("fast")
    assert passage_around(text, (fast, fast + 4)) == Passage(
        "The chip is fast.\nIt ships in May.", text.index("The chip"), (12, 16)
    )
    across = (text.index("May"), text.index("Prices") + len("Prices"))  # from one paragraph into the next
    assert passage_around(text, across) == Passage(
        "The chip is fast.\nIt ships in May.\n\nPrices follow.", text.index("The chip"), (30, 42)
    )
    whole = (0, len("Intro."))  # a span that is a whole paragraph is that paragraph
    assert passage_around(text, whole) == Passage("Intro.", 0, whole)
    end = (text.index("end"), len(text) - 1)
    assert passage_around(text, end) == Passage("The end.", text.index("The end."), (4, 7))
