"""Japanese line breaking (kinsoku) for the excerpt pane and the reader."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from kb.text.linebreak import NO_LINE_END, NO_LINE_START, cell_width, line_starts

JAPANESE = st.text(
    st.sampled_from("AWSの推論チップ、「特化」した。ーっゃ Trainium （開発）は！"), min_size=1, max_size=80
)


def rows(text: str, width: int) -> list[str]:
    starts = line_starts(text, width)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


@given(text=JAPANESE, width=st.integers(4, 30))
def test_no_row_starts_with_closing_punctuation_or_ends_with_opening(text: str, width: int) -> None:
    cut = rows(text, width)
    assert "".join(cut) == text
    for previous, row in pairwise(cut):
        # a rule gives way only where keeping it would leave a row with one character
        assert row[0] not in NO_LINE_START or len(previous) == 1, cut
        assert previous[-1] not in NO_LINE_END or len(previous) == 1, cut
    for row in cut:
        assert sum(cell_width(c) for c in row.rstrip(" ")) <= width, cut


def test_the_pane_breaks_before_the_character_that_would_start_a_row_with_a_comma() -> None:
    assert rows("あいうえおかきくけこ、さ", 10) == ["あいうえお", "かきくけ", "こ、さ"]
    assert rows("あいうえ「おかき」", 10) == ["あいうえ", "「おかき」"]


def test_latin_words_break_at_spaces() -> None:
    assert rows("The quick brown fox", 10) == ["The quick ", "brown fox"]
    assert rows("AWSのTrainium2チップ", 10) == ["AWSの", "Trainium2", "チップ"]
