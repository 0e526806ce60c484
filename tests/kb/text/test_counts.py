"""Counts with their nouns, as people read them."""

from kb.text.counts import counted


def test_one_is_singular_and_every_other_number_plural() -> None:
    assert [counted(n, "error") for n in (0, 1, 2, 11)] == ["0 errors", "1 error", "2 errors", "11 errors"]
