"""The validator's fast excerpt search (kb.store.validate.ExcerptFinder) answers exactly as
`contains_excerpt` does, for excerpts cut from the text and for ones that are not in it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.store.validate import ExcerptFinder
from kb.text.passages import contains_excerpt, normalise_whitespace

TEXT = st.text(alphabet="ab 推論\n.", min_size=0, max_size=200)


@pytest.mark.parametrize(("gram", "stride"), [(3, 2), (4, 3), (12, 8)])
@settings(max_examples=60, deadline=None)
@given(text=TEXT, data=st.data())
def test_the_finder_agrees_with_contains_excerpt(gram: int, stride: int, text: str, data: st.DataObject) -> None:
    normalised = normalise_whitespace(text)
    finder = ExcerptFinder(normalised)
    finder.GRAM, finder.STRIDE, finder.EXCERPTS_BEFORE_INDEX, finder.MIN_TEXT = gram, stride, 0, 0
    finder.MAX_CANDIDATES = data.draw(st.sampled_from([1, 64]))
    excerpts = data.draw(st.lists(st.one_of(TEXT, _cuts(text)), min_size=1, max_size=20))
    for excerpt in excerpts:
        assert finder.contains(excerpt) == contains_excerpt(normalised, excerpt), excerpt


def _cuts(text: str) -> st.SearchStrategy[str]:
    if not text:
        return st.just("")
    return st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(lambda ab: text[min(ab) : max(ab)])


def test_many_excerpts_of_one_long_text_are_found_without_scanning_it_each_time() -> None:
    text = " ".join(f"Paragraph {n} says the chip number {n} is fast." for n in range(20_000))
    finder = ExcerptFinder(text)
    for n in range(0, 20_000, 97):
        assert finder.contains(f"Paragraph {n} says the chip number {n} is")
        assert not finder.contains(f"Paragraph {n} says the chip number {n + 1} is")
    assert finder.index is not None
