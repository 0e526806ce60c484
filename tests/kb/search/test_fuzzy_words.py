"""Wildcard and fuzzy words against stemmed text: a word is compared with the words as written,
not only with their stems (`acceleratox~` is one edit from "accelerator", four from its stem
`acceler`), then searched as a word typed in full would be; Japanese as before; the limits on
their cost still apply and are said."""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.search.analysis import stemmed_away
from kb.search.engine import EXPANSION_LIMIT, MAX_EDITS, SearchEngine
from tests.support.kb_files import write_kb

VENDORS = "vendors:\n  - {id: acme, name: Acme Silicon, kind: chip-designer, summary: Acme designs chips.}\n"
SOURCES = """\
sources:
  - id: src
    title: Acme notes
    language: en
    kind: primary
    text: |
      Acme designs chips.

      推論チップの開発が加速している。
"""
#: (id, statement, tags): each claim holds one form of a word.
CLAIMS = [
    ("c-accelerator", "An accelerator for training.", []),
    ("c-accelerators", "Two accelerators per board.", []),
    ("c-accelerated", "Acme accelerated its roadmap.", []),
    ("c-inference", "Inference at scale.", []),
    ("c-bandwidth", "Memory bandwidth limits training.", []),
    ("c-tagged", "Acme buys wafers.", ["supply-chain"]),  # "supply" only in its tag
]
#: More words that stemming changes (`kaaers`, stemmed `kaaer`) than a wildcard may stand for.
K_WORDS = [f"k{string.ascii_lowercase[n // 26]}{string.ascii_lowercase[n % 26]}ers" for n in range(150)]


def _claim(claim_id: str, statement: str, excerpt: str, tags: list[str]) -> str:
    return (
        f"  - id: {claim_id}\n    statement: {statement}\n    subjects: [acme]\n    source: src\n"
        f"    excerpt: {excerpt}\n    kind: fact\n    tags: [{', '.join(tags)}]\n"
    )


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    claims = "claims:\n" + "".join(_claim(i, s, "Acme designs chips.", t) for i, s, t in CLAIMS)
    claims += _claim("c-japanese", "推論チップ", "推論チップの開発が加速している。", [])
    k_claims = "claims:\n" + "".join(_claim(f"k-{word}", word, "Acme designs chips.", []) for word in K_WORDS)
    files = {"vendors.yaml": VENDORS, "sources.yaml": SOURCES, "claims.yaml": claims, "k.yaml": k_claims}
    root = write_kb(tmp_path_factory.mktemp("kb"), files)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHIPKB_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        opened = SearchEngine.open(root)
        yield opened
        opened.close()


def found(engine: SearchEngine, query: str) -> list[str]:
    return sorted(hit.id for hit in engine.search(query, type="claim", limit=500).hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # one edit from "accelerator"; "accelerators" has the same stem, so it is found as `accelerator` finds it
        ("acceleratox~", ["c-accelerator", "c-accelerators"]),
        ("Accelerator~", ["c-accelerator", "c-accelerators"]),
        ("inferance~", ["c-inference"]),  # "inference", stemmed `infer`
        ("suply~", ["c-tagged"]),  # "supply" of the tag supply-chain, stemmed `suppli`
        ("bandwith~", ["c-bandwidth"]),  # "bandwidth" is its own stem: found before too
        ("acceleratox~ training", ["c-accelerator"]),
    ],
)
def test_a_fuzzy_word_finds_the_words_within_its_edits_as_written(
    engine: SearchEngine, query: str, expected: list[str]
) -> None:
    assert found(engine, query) == expected


def test_a_fuzzy_word_finds_what_the_word_it_is_near_finds_and_marks_it(engine: SearchEngine) -> None:
    assert found(engine, "acceleratox~") == found(engine, "accelerator")
    assert found(engine, "inferance~") == found(engine, "inference")
    results = engine.search("acceleratox~", type="claim")
    assert results.unmatched_terms == [] and results.limits == ()
    titles = {hit.id: [hit.title[start:end] for start, end in hit.title_highlights] for hit in results.hits}
    assert titles == {"c-accelerator": ["accelerator"], "c-accelerators": ["accelerators"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # "accelerator(s)" are stemmed `acceler`, which does not start with `accelerat`
        ("accelerat*", ["c-accelerated", "c-accelerator", "c-accelerators"]),
        ("acceler*", ["c-accelerated", "c-accelerator", "c-accelerators"]),
        ("accelerate*", ["c-accelerated"]),
        ("memory*", ["c-bandwidth"]),  # "memory" is stemmed `memori`
        ("acc?lerators", ["c-accelerator", "c-accelerators"]),  # as `accelerators` finds
        ("band*", ["c-bandwidth"]),
    ],
)
def test_a_wildcard_reaches_the_words_as_written(engine: SearchEngine, query: str, expected: list[str]) -> None:
    assert found(engine, query) == expected


def test_japanese_fuzzy_and_prefix_words_still_work(engine: SearchEngine) -> None:
    assert found(engine, "推論~") == ["c-japanese"]
    assert found(engine, "推論") == ["c-japanese"]
    assert found(engine, "推*") == ["c-japanese"]
    assert found(engine, "加速~") == ["c-japanese"]  # in its excerpt


def test_a_wildcard_stands_for_its_first_words_in_alphabetical_order_and_says_so(engine: SearchEngine) -> None:
    results = engine.search("k*", type="claim", limit=500)
    assert [hit.id for hit in sorted(results.hits, key=lambda hit: hit.id)] == [
        f"k-{word}" for word in sorted(K_WORDS)[:EXPANSION_LIMIT]
    ]
    assert results.limits == (
        f"k* stands for more than {EXPANSION_LIMIT} words: searched for the first {EXPANSION_LIMIT}"
        " in alphabetical order (make it longer to narrow it)",
    )


def test_a_fuzzy_word_is_bounded_in_words_and_edits(engine: SearchEngine) -> None:
    results = engine.search("kaaers~2", type="claim", limit=500)
    assert results.total == EXPANSION_LIMIT
    assert any(f"more than {EXPANSION_LIMIT} words" in limit for limit in results.limits)
    wide = engine.search("acceleratox~5", type="claim")
    assert wide.limits == (f"acceleratox~5: a fuzzy word allows at most {MAX_EDITS} edits; searched with {MAX_EDITS}",)
    assert sorted(hit.id for hit in wide.hits) == found(engine, f"acceleratox~{MAX_EDITS}")
    assert sorted(hit.id for hit in wide.hits) == ["c-accelerated", "c-accelerator", "c-accelerators"]


def test_only_the_words_that_stemming_changes_are_kept_as_written() -> None:
    text = "Accelerators and bandwidth, 推論 AWS B200 ＭＥＭＯＲＩＥＳ supply-chain accelerators"
    assert list(stemmed_away(text)) == ["accelerators", "memories", "supply"]


def test_the_words_as_written_follow_an_edited_file(tmp_path: Path) -> None:
    """A word two claims of one file hold is still reached once the claim that came first is gone,
    and a new file's words once it is indexed (kb.search.index re-indexes a file's documents
    together, and they carry its words as written)."""
    first = _claim("c-first", "Faster accelerators.", "Acme designs chips.", [])
    second = _claim("c-second", "Cheaper accelerators.", "Acme designs chips.", [])
    root = write_kb(
        tmp_path / "kb", {"vendors.yaml": VENDORS, "sources.yaml": SOURCES, "claims.yaml": "claims:\n" + first + second}
    )
    engine = SearchEngine.open(root)
    try:
        assert found(engine, "accelerat*") == ["c-first", "c-second"]
        (root / "claims.yaml").write_text("claims:\n" + second, encoding="utf-8")
        (root / "more.yaml").write_text(
            "claims:\n" + _claim("c-third", "Inference.", "Acme designs chips.", []), encoding="utf-8"
        )
        assert engine.refresh()
        assert found(engine, "accelerat*") == ["c-second"]
        assert found(engine, "acceleratox~2") == ["c-second"]
        assert found(engine, "inferance~") == ["c-third"]
    finally:
        engine.close()
