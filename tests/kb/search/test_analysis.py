"""The search analyzer: Latin words, CJK bigrams, NFKC, positions and offsets into the original text."""

from __future__ import annotations

from whoosh.analysis import Token

from kb.search.analysis import ChipTokenizer, raw_tokens, stem_word


def terms(text: str, *, stem: bool = True, unigrams: str = "none") -> list[str]:
    return [term for term, *_ in raw_tokens(text, stem=stem, unigrams=unigrams)]


def test_latin_words_are_lowercased_and_stemmed_but_short_words_and_names_with_digits_are_kept() -> None:
    assert terms("Trains training TRAINED") == ["train", "train", "train"]
    assert terms("AWS TPU v5e B200 MI300X HBM3e") == ["aws", "tpu", "v5e", "b200", "mi300x", "hbm3e"]
    assert stem_word("aws") == "aws"
    assert terms("Trains AWS", stem=False) == ["trains", "aws"]


def test_punctuation_splits_words_so_a_hyphenated_name_is_a_run_of_words() -> None:
    assert terms("Trn1-vs-A100 B200 (SXM) trn1.32xlarge") == ["trn1", "vs", "a100", "b200", "sxm", "trn1", "32xlarge"]


def test_a_japanese_run_becomes_overlapping_bigrams_at_consecutive_positions() -> None:
    tokens = list(raw_tokens("推論チップ", stem=True, unigrams="none"))
    assert [(t, pos, start, end) for t, pos, start, end, _ in tokens] == [
        ("推論", 0, 0, 2),
        ("論チ", 1, 1, 3),
        ("チッ", 2, 2, 4),
        ("ップ", 3, 3, 5),
    ]
    assert not any(is_word for *_, is_word in tokens)


def test_mixed_text_keeps_positions_in_order_across_scripts() -> None:
    tokens = [(t, pos) for t, pos, *_ in raw_tokens("AWSのAIチップ", stem=True, unigrams="none")]
    assert tokens == [("aws", 0), ("の", 1), ("ai", 2), ("チッ", 3), ("ップ", 4)]


def test_indexing_adds_the_last_character_of_a_run_and_highlighting_adds_every_character() -> None:
    assert terms("推論です", unigrams="last") == ["推論", "論で", "です", "す"]
    assert terms("推論", unigrams="all") == ["推論", "推", "論"]
    assert terms("推", unigrams="none") == ["推"]


def test_full_width_letters_are_normalised_and_offsets_point_into_the_original_text() -> None:
    text = "ＡＷＳと ＧＰＵ"
    tokens = list(raw_tokens(text, stem=True, unigrams="none"))
    assert [t for t, *_ in tokens] == ["aws", "と", "gpu"]
    assert [text[start:end] for _, _, start, end, _ in tokens] == ["ＡＷＳ", "と", "ＧＰＵ"]


def test_half_width_katakana_with_a_sound_mark_matches_full_width_katakana() -> None:
    text = "ｶﾞｿﾘﾝ"
    tokens = list(raw_tokens(text, stem=True, unigrams="none"))
    assert [t for t, *_ in tokens] == terms("ガソリン")
    # the first bigram ガソ covers the three original characters ｶ ﾞ ｿ
    assert text[tokens[0][2] : tokens[0][3]] == "ｶﾞｿ"


def test_combining_accents_stay_with_their_letter() -> None:
    decomposed = "e\u0301te\u0301"
    assert terms(decomposed, stem=False) == terms("été", stem=False) == ["été"]


def test_the_whoosh_tokenizer_gives_positions_and_characters_and_mode_decides_unigrams() -> None:
    tokenizer = ChipTokenizer(stem=True)
    indexed = [(t.text, t.pos, t.startchar, t.endchar) for t in tokenizer("推論 chips", positions=True, chars=True)]
    assert indexed == [("推論", 0, 0, 2), ("論", 1, 1, 2), ("chip", 1, 3, 8)]
    queried = [t.text for t in tokenizer("推論 chips", mode="query")]
    assert queried == ["推論", "chip"]


def test_a_whole_term_query_is_normalised_but_never_split_or_stemmed() -> None:
    tokens: list[Token] = list(ChipTokenizer(stem=True)("ＴＲＡＩＮＩＮＧ*", tokenize=False))
    assert [t.text for t in tokens] == ["training*"]


def test_tokenizers_compare_by_stemming_so_whoosh_can_tell_fields_apart() -> None:
    assert ChipTokenizer(stem=True) == ChipTokenizer(stem=True)
    assert ChipTokenizer(stem=True) != ChipTokenizer(stem=False)
