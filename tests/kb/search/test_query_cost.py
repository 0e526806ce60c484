"""A query's cost is bounded, whatever the query or the KB (issue 16): each case runs in a thread
with a time budget, so a regression fails the test instead of hanging the suite, and each limit
that applies is said in the results (`SearchResults.limits`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from kb.search.engine import EXPANSION_LIMIT, MAX_EXPANDING, SUGGEST_MAX_WORDS, SearchEngine, SearchResults
from kb.search.query import MAX_QUERY_CHARS, QueryError
from kb.search.snippets import _busiest_window, snippet
from tests.support.kb_files import write_kb

VENDOR = "vendors:\n  - {id: acme, name: Acme Silicon, kind: chip-designer, summary: Acme designs training chips.}\n"
#: More distinct words than a wildcard may stand for.
MANY_WORDS = " ".join(f"zeta{n:03d}" for n in range(3 * EXPANSION_LIMIT))


def timed(engine: SearchEngine, query: str, budget: float) -> SearchResults | QueryError:
    """The results (or the one-line refusal) of `query`; fails past `budget` seconds (the search
    is left running in its thread)."""
    outcome: list[SearchResults | BaseException] = []

    def run() -> None:
        try:
            outcome.append(engine.search(query, limit=20))
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(budget)
    assert outcome, f"{query[:40]!r} took more than {budget} s"
    assert time.monotonic() - started < budget
    result = outcome[0]
    if isinstance(result, QueryError):
        assert str(result) and "\n" not in str(result)
        return result
    assert isinstance(result, SearchResults), repr(result)
    return result


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    text = " ".join(["accelerator"] * 20_000)
    sources = (
        f'sources:\n  - id: src\n    title: Repeats\n    language: en\n    text: "{text}"\n'
        f'  - id: many\n    title: Many words\n    language: en\n    text: "{MANY_WORDS}"\n'
    )
    root = write_kb(tmp_path_factory.mktemp("kb"), {"v.yaml": VENDOR, "s.yaml": sources})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHIPKB_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        opened = SearchEngine.open(root)
        yield opened
        opened.close()


@pytest.mark.parametrize("facet", ["type", "vendor", "tag", "kind", "lang", "id", "chip", "year"])
def test_a_wildcard_facet_is_an_answer_not_an_attribute_error(engine: SearchEngine, facet: str) -> None:
    results = timed(engine, f"{facet}:*", 5)
    assert isinstance(results, SearchResults)
    expected = {
        "type": {"acme", "src", "many"},
        "id": {"acme", "src", "many"},
        "kind": {"acme"},
        "lang": {"acme", "src", "many"},  # a vendor's summary is English too
        "vendor": {"acme"},  # a vendor is its own vendor (kb.search.documents)
    }.get(facet, set())
    assert {hit.id for hit in results.hits} == expected


def test_one_word_repeated_20000_times_in_a_text_is_searched_in_linear_time(engine: SearchEngine) -> None:
    results = timed(engine, "accelerator", 5)
    assert isinstance(results, SearchResults)
    hit = results.hits[0]
    assert hit.id == "src"
    marked = [hit.snippet[s:e] for s, e in hit.highlights]
    assert len(marked) >= 10
    assert marked[:-1] == ["accelerator"] * (len(marked) - 1)  # the last may be cut by the snippet's end
    assert results.limits == ()


def test_the_busiest_window_is_the_first_that_holds_the_most_matches() -> None:
    spans = [(0, 3), (500, 503), (520, 523), (560, 563), (900, 903), (905, 908)]
    assert _busiest_window(spans, 200) == 460  # 40 before the match that starts the busiest run
    assert _busiest_window([], 200) == 0
    shown, marks = snippet("x " * 300 + "hot hot hot" + " y" * 300, [(600, 603), (604, 607), (608, 611)])
    assert [shown[s:e] for s, e in marks] == ["hot", "hot", "hot"]


def test_a_long_query_word_gets_no_suggestions_and_says_so(engine: SearchEngine) -> None:
    results = timed(engine, "x" * 1000, 5)
    assert isinstance(results, SearchResults)
    assert results.total == 0 and results.suggestions == {}
    assert results.limits == ("no suggestions for words over 40 characters",)
    # a word of 40 characters still gets them
    close = timed(engine, "accelerater" + "x" * 29, 5)
    assert isinstance(close, SearchResults) and close.limits == ()


def test_a_10000_character_query_is_refused_in_one_line(engine: SearchEngine) -> None:
    refused = timed(engine, "x" * 10_000, 3)
    assert str(refused) == f"the query is 10000 characters long; a query has {MAX_QUERY_CHARS} at most"


def test_fifty_fuzzy_terms_are_refused_and_twenty_are_bounded(engine: SearchEngine) -> None:
    refused = timed(engine, " ".join(f"word{n}~" for n in range(50)), 3)
    assert str(refused) == f"the query has 50 wildcard or fuzzy words; at most {MAX_EXPANDING} are searched at once"
    results = timed(engine, " ".join(f"accelerat{n}~" for n in range(MAX_EXPANDING)), 10)
    assert isinstance(results, SearchResults)
    assert len(results.unmatched_terms) == MAX_EXPANDING
    assert len(results.suggestions) <= SUGGEST_MAX_WORDS
    assert f"suggestions for the first {SUGGEST_MAX_WORDS} unknown words only" in results.limits


def test_a_fuzzy_word_allows_two_edits_at_most(engine: SearchEngine) -> None:
    results = timed(engine, "zetx0x1~9", 5)
    assert isinstance(results, SearchResults)
    assert [hit.id for hit in results.hits] == ["many"]  # zeta001 is two edits away
    assert results.limits == ("zetx0x1~9: a fuzzy word allows at most 2 edits; searched with 2",)
    three_away = timed(engine, "zxxx001~9", 5)
    assert isinstance(three_away, SearchResults) and three_away.total == 0


@pytest.mark.parametrize("query", ["?*?*?*", "?*", "zeta*", "*a*"])
def test_a_wildcard_stands_for_a_bounded_number_of_words_and_says_so(engine: SearchEngine, query: str) -> None:
    results = timed(engine, query, 5)
    assert isinstance(results, SearchResults)
    assert results.limits == (
        f"{query} stands for more than {EXPANSION_LIMIT} words: searched for the first {EXPANSION_LIMIT}"
        " in alphabetical order (make it longer to narrow it)",
    )
    assert results.hits


def test_a_wildcard_within_the_limit_says_nothing(engine: SearchEngine) -> None:
    results = timed(engine, "zeta00*", 5)
    assert isinstance(results, SearchResults)
    assert [hit.id for hit in results.hits] == ["many"] and results.limits == ()
