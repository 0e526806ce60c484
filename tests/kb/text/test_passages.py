"""The passage rules called directly (kb/text/passages.py): paragraphs keep their own lines and
where they start; the verbatim check ignores only whitespace."""

from __future__ import annotations

from kb.text.passages import contains_excerpt, find_excerpt, normalise_whitespace, paragraph_ranges, paragraphs


def test_paragraphs_keep_their_lines_and_the_line_they_start_on() -> None:
    text = "first line\nsecond line\n\n\nthird\nfourth\n  \nlast"
    assert paragraphs(text) == [(0, "first line\nsecond line"), (4, "third\nfourth"), (7, "last")]
    assert [text[a:b] for a, b in paragraph_ranges(text)] == ["first line\nsecond line", "third\nfourth", "last"]


def test_the_verbatim_check_ignores_whitespace_and_nothing_else() -> None:
    text = normalise_whitespace("AWSは  推論\n特化チップを\t開発した。")
    assert contains_excerpt(text, "推論 特化チップを 開発")
    assert contains_excerpt(text, "AWSは\n推論")
    assert not contains_excerpt(text, "AWSは推論")  # a space is not nothing
    assert not contains_excerpt(text, "推論特化チップ を開発した。。")
    assert not contains_excerpt(text, "   ")
    assert find_excerpt("a  b\nc", "b c") == (3, 6)
    assert find_excerpt("a b", "") is None
