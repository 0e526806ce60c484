"""Searching: English and Japanese, filters, malformed queries, chip names, suggestions, snippets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.search.engine import Hit, SearchEngine
from kb.search.query import QueryError
from kb.search.snippets import SNIPPET_CHARS, snippet
from tests.support.kb_files import write_kb
from tests.support.search_kb import make_kb


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHIPKB_CACHE_DIR", str(tmp_path_factory.mktemp("module-cache")))
        opened = SearchEngine.open(make_kb(tmp_path_factory.mktemp("kb")))
        yield opened
        opened.close()


def found(engine: SearchEngine, query: str, **options: object) -> list[str]:
    """The ids of the documents found (a source's other matching passages too), each with its
    passage number when it is a passage."""
    rows = engine.search(query, limit=100, passages=True, **options).hits  # type: ignore[arg-type]
    hits = [hit for row in rows for hit in [row, *(row.passages or [])]]
    return sorted(f"{hit.id}#{hit.passage}" if hit.passage else hit.id for hit in hits)


def marked(hit: Hit) -> list[str]:
    return [hit.snippet[start:end] for start, end in hit.highlights]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # tpu-v5e and trn1 by their kind, in Japanese (kb.search.synonyms: inference-accelerator is 推論)
        ("推論", ["c-inference-cost", "c-vertical", "ja-article#1", "ja-article#2", "tpu-v5e"]),
        ("トレーニング", ["c-vertical", "ja-article#2", "trn1"]),
        ("垂直統合", ["c-vertical", "ja-article#2"]),
        ("ＡＷＳ", ["c-inference-cost", "ja-article#1"]),
        ("aws", ["c-inference-cost", "ja-article#1"]),
        ("ｸﾗｳﾄﾞ", ["c-gpu-reliance", "example-cloud", "ja-article#3"]),  # a hyperscaler: クラウド事業者
        ("減", ["c-gpu-reliance", "c-inference-cost", "ja-article#1", "ja-article#3"]),
        ("推", ["c-inference-cost", "c-vertical", "ja-article#1", "ja-article#2", "tpu-v5e"]),
    ],
)
def test_japanese_words_are_found_inside_sentences(engine: SearchEngine, query: str, expected: list[str]) -> None:
    assert found(engine, query) == expected


def test_a_japanese_phrase_matches_the_words_together_and_two_words_match_apart(engine: SearchEngine) -> None:
    assert found(engine, '"推論チップ"') == ["c-vertical", "ja-article#2"]
    assert found(engine, '"推論 チップ"') == ["c-vertical", "ja-article#2"]
    assert found(engine, "推論 チップ") == ["c-inference-cost", "c-vertical", "ja-article#1", "ja-article#2"]
    # unquoted, a run of Japanese is its words (推論, チップ), and the hits that hold them together come first
    assert found(engine, "推論チップ") == found(engine, "推論 チップ")
    assert {hit.id for hit in engine.search("推論チップ").hits[:2]} == {"c-vertical", "ja-article"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("trains", ["c-benchmark", "c-vertical", "en-report#2", "en-report#3", "example-cloud", "gpu-maker", "trn1"]),
        ('"supply chain"', ["c-gpu-reliance", "c-supply", "en-report#1"]),  # c-gpu-reliance is tagged supply-chain
        ('"chain supply"', []),
        ("silicon AND benchmark", []),
        ("silicon OR benchmark", ["c-benchmark", "c-supply", "en-report#1", "en-report#2"]),
        ("benchmark NOT cost", []),
        ("benchmark NOT forecast", ["en-report#2"]),  # c-benchmark is a forecast (its kind)
        ("bench*", ["c-benchmark", "en-report#2"]),
        ("benchmrk~", ["c-benchmark", "en-report#2"]),
        ("Amazon's", ["en-report#3"]),
    ],
)
def test_english_words_phrases_operators_wildcards_and_fuzzy_terms(
    engine: SearchEngine, query: str, expected: list[str]
) -> None:
    assert found(engine, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("B200 (SXM)", ["b200-sxm", "c-gpu-reliance"]),
        ("v5e", ["tpu-v5e"]),
        ("MI300X", ["mi300x"]),
        ("mi300x", ["mi300x"]),
        ("Trn1-vs-A100", ["c-benchmark", "en-report#2"]),
        ("Trn1", ["c-benchmark", "c-inference-cost", "en-report#2", "trn1"]),
    ],
)
def test_chip_names_with_punctuation_are_searched_as_meant(
    engine: SearchEngine, query: str, expected: list[str]
) -> None:
    assert found(engine, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type:chip", ["b200-sxm", "mi300x", "tpu-v5e", "trn1"]),
        ("type:vendor", ["example-cloud", "gpu-maker"]),
        ("type:source 推論", ["ja-article#1", "ja-article#2"]),
        ("vendor:gpu-maker", ["b200-sxm", "c-gpu-reliance", "gpu-maker", "mi300x"]),
        ("vendor:GPU-Maker type:claim", ["c-gpu-reliance"]),
        ("chip:trn1", ["c-benchmark", "c-inference-cost", "trn1"]),
        ("chip:b200-sxm", ["b200-sxm", "c-gpu-reliance"]),
        ("kind:forecast", ["c-benchmark"]),
        ("kind:gpu", ["b200-sxm", "mi300x"]),
        ("tag:supply-chain", ["c-gpu-reliance", "c-supply"]),
        ("lang:en type:claim", ["c-benchmark", "c-supply"]),
        ("id:mi300x", ["mi300x"]),
        ("year:2024", ["b200-sxm", "c-vertical"]),
        (
            "year:2023..2024",
            [
                "b200-sxm",
                "c-supply",
                "c-vertical",
                "en-report",
                "en-report#1",
                "en-report#2",
                "en-report#3",
                "mi300x",
                "tpu-v5e",
            ],
        ),
        ("year:2025.. type:claim", ["c-gpu-reliance", "c-inference-cost"]),
        ("year:..2022", ["c-benchmark", "trn1"]),
        ("(type:chip OR type:vendor) training", ["example-cloud", "gpu-maker", "trn1"]),
    ],
)
def test_every_filter_and_the_year_range(engine: SearchEngine, query: str, expected: list[str]) -> None:
    assert found(engine, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # every whoosh query a filter's value can be: a wildcard of the whole value is "has one"
        ("chip:* type:claim", ["c-benchmark", "c-gpu-reliance", "c-inference-cost"]),
        ("type:claim NOT chip:*", ["c-supply", "c-vertical"]),
        ("year:* type:chip", ["b200-sxm", "mi300x", "tpu-v5e", "trn1"]),
        ("type:(chip OR vendor) vendor:*", ["b200-sxm", "example-cloud", "gpu-maker", "mi300x", "tpu-v5e", "trn1"]),
        ("id:* type:vendor", ["example-cloud", "gpu-maker"]),
        ("tag:supply*", ["c-gpu-reliance", "c-supply"]),
        ("kind:gp?", ["b200-sxm", "mi300x"]),
        ("kind:*inference*", ["tpu-v5e"]),
        ("id:mi300~", ["mi300x"]),
        ("vendor:[f TO] type:chip", ["b200-sxm", "mi300x"]),
        ("vendor:[TO f] type:chip", ["tpu-v5e", "trn1"]),
        ('vendor:"gpu-maker example-cloud"', []),
    ],
)
def test_a_filter_takes_wildcards_prefixes_fuzzy_values_ranges_and_groups(
    engine: SearchEngine, query: str, expected: list[str]
) -> None:
    assert found(engine, query) == expected


def test_the_type_option_narrows_any_query(engine: SearchEngine) -> None:
    assert found(engine, "推論", type="claim") == ["c-inference-cost", "c-vertical"]
    with pytest.raises(QueryError, match="--type gadget is not a type"):
        engine.search("推論", type="gadget")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "the query is empty"),
        ("   ", "the query is empty"),
        ('"supply chain', "a phrase is not closed"),
        ("(B200 OR MI300X", "a '(' in the query is not closed"),
        ("B200)", "a ')' in the query has no '(' before it"),
        ("vendr:aws", "unknown field vendr: (did you mean vendor:?"),
        ("colour:red", "unknown field colour:"),
        ("type:gadget", "type:gadget is not a type; use one of vendor, chip, source, claim"),
        ("kind:rumour", "kind:rumour is not a kind"),
        ("year:20x4", "year:20x4 is not a year"),
        ("year:2025..2023", "year:2025..2023 ends before it starts"),
        ("vendor:", "vendor: needs a value"),
        ("! ,", "nothing to search for in '! ,'"),
        ("( )", "nothing to search for in '( )'"),
        ("type:chip^2", "type:chip^2 is not a type"),
        ("type:[a TO c]", "type:[a is not a type"),
    ],
)
def test_a_malformed_query_is_one_clear_line(engine: SearchEngine, query: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        engine.search(query)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_terms_that_match_nothing_are_named_with_the_nearest_indexed_terms(engine: SearchEngine) -> None:
    results = engine.search("trainum")
    assert (results.total, results.unmatched_terms, results.suggestions) == (0, ["trainum"], {"trainum": ["trainium"]})
    results = engine.search("benchmrk silicon")  # what holds silicon comes back, lacking benchmrk
    assert (results.partial, [hit.missing for hit in results.hits]) == (True, [("benchmrk",)] * results.total)
    assert results.unmatched_terms == ["benchmrk"]
    assert results.suggestions == {"benchmrk": ["benchmark"]}
    results = engine.search("vendor:gpu-makr")
    assert results.unmatched_terms == ["vendor:gpu-makr"]
    assert results.suggestions == {"vendor:gpu-makr": ["vendor:gpu-maker"]}
    results = engine.search('"supply chian"')
    assert results.unmatched_terms == ['"supply chian"']
    assert results.suggestions == {"chian": ["chain"]}


def test_a_year_range_that_matches_nothing_is_named_as_typed(engine: SearchEngine) -> None:
    assert engine.search("year:2000..2010").unmatched_terms == ["year:2000..2010"]
    assert engine.search("year:..2000").unmatched_terms == ["year:..2000"]
    assert engine.search("year:2030..").unmatched_terms == ["year:2030.."]


def test_terms_that_each_match_but_never_together_are_not_unmatched(engine: SearchEngine) -> None:
    # no hit holds both: those that hold either come back, each saying what it lacks
    results = engine.search("MI300X 垂直統合")
    assert (results.partial, results.unmatched_terms, results.suggestions) == (True, [], {})
    assert {hit.id: hit.missing for hit in results.hits} == {
        "mi300x": ("垂直", "統合"),
        "c-vertical": ("mi300x",),
        "ja-article": ("mi300x",),
    }


def test_a_japanese_phrase_that_matches_nothing_is_named(engine: SearchEngine) -> None:
    assert engine.search('"推論チッブ"').unmatched_terms == ["推論チッブ"]
    results = engine.search("推論チッブ")  # unquoted: 推論 and チッブ, and チッブ matches nothing
    assert (results.unmatched_terms, results.partial) == (["チッブ"], True)


def test_highlights_mark_the_matched_words_in_english_and_japanese(engine: SearchEngine) -> None:
    hits = {hit.id: hit for hit in engine.search("推論", type="claim").hits}
    assert marked(hits["c-vertical"]) == ["推論"]
    hit = engine.search("trains", type="claim").hits[0]
    assert hit.id == "c-benchmark" and marked(hit) == ["trains"]
    assert [hit.title[s:e] for s, e in hit.title_highlights] == ["training"]
    wide = engine.search("ＡＷＳ", type="claim").hits[0]
    assert marked(wide) == ["AWS"]
    single = {hit.id: hit for hit in engine.search("減", type="claim").hits}
    assert marked(single["c-gpu-reliance"]) == ["減"]


def test_a_passage_hit_names_its_paragraph_and_line(engine: SearchEngine) -> None:
    hit = engine.search("Trn1-vs-A100", type="source").hits[0]
    assert (hit.id, hit.passage, hit.line, hit.title) == ("en-report", 2, 3, "A report on accelerators")
    assert marked(hit) == ["Trn1", "vs", "A100"]


def test_control_characters_in_kb_text_are_made_visible(engine: SearchEngine) -> None:
    hit = engine.search("rely").hits[0]
    assert hit.title == "Clouds want to rely less on GPUs. \\x1b[31m"
    assert "\x1b" not in hit.snippet


def test_a_snippet_of_a_long_text_is_cut_around_the_matches() -> None:
    text = "filler words " * 40 + "the needle sits here " + "more filler " * 40
    start = text.index("needle")
    shown, marks = snippet(text, [(start, start + len("needle"))])
    assert shown.startswith("…") and shown.endswith("…")
    assert len(shown) <= SNIPPET_CHARS + 2
    assert [shown[s:e] for s, e in marks] == ["needle"]


def test_a_snippet_collapses_whitespace_and_keeps_highlights_in_place() -> None:
    text = "line one\n\n  推論\tand more"
    start = text.index("推論")
    shown, marks = snippet(text, [(start, start + 2)])
    assert shown == "line one 推論 and more"
    assert [shown[s:e] for s, e in marks] == ["推論"]


def test_an_empty_kb_searches_to_nothing(tmp_path: Path) -> None:
    engine = SearchEngine.open(write_kb(tmp_path / "empty", {}))
    try:
        results = engine.search("anything")
        assert (results.total, results.hits, results.unmatched_terms) == (0, [], ["anything"])
    finally:
        engine.close()
