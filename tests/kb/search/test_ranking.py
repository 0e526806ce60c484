"""What the search finds first: the entity a query names, one row per entity with its other
passages counted, the results that hold the most words when none holds them all, and words that
reach tags, aliases, vendors' names, kinds and figure labels in both languages, with the reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kb.search.engine import SearchEngine
from tests.support.kb_files import write_kb

# Made up for these tests: no figure or quote here is about a real chip or company.
FILES = {
    "vendors.yaml": """\
vendors:
  - id: example-cloud
    name: Example Cloud
    aliases: [EXC, Examplia]
    kind: hyperscaler
    summary: Example Cloud designs the Trainer chips.
  - id: other-maker
    name: Other Maker
    kind: chip-designer
    summary: Makes graphics processors.
""",
    "chips.yaml": """\
chips:
  - id: trainer2
    name: Example Trainer2 (SXM)
    aliases: [Trn-X2]
    vendor: example-cloud
    family: Trainer
    generation: "2"
    kind: training-accelerator
    specs:
      - {name: hbm-capacity, value: 96, unit: GB, source: long-doc}
  - id: trainer3
    name: Example Trainer3
    vendor: example-cloud
    family: Trainer
    generation: "3"
    kind: training-accelerator
  - id: widget
    name: Other Widget
    vendor: other-maker
    kind: gpu
    specs:
      - {name: tdp, value: 300, unit: W, source: long-doc}
""",
    "sources.yaml": """\
sources:
  - id: long-doc
    title: A long document about Trainer2
    language: en
    text: |
      Trainer2 is the second chip of the family, and Trainer2 trains models.

      Trainer2 instances hold sixteen Trainer2 chips; Trainer2 again and again.

      Trainer2 memory is large. Trainer2 Trainer2 Trainer2.

      Nothing here about the other chip.
""",
    "claims.yaml": """\
claims:
  - id: c-supply
    statement: Owning its chips makes the cloud less exposed to shortages.
    subjects: [example-cloud]
    source: long-doc
    excerpt: Trainer2 is the second chip of the family
    kind: analysis
    tags: [supply-chain]
  - id: c-trainer2
    statement: Trainer2 is the second chip of the family.
    subjects: [trainer2]
    source: long-doc
    excerpt: Trainer2 is the second chip of the family
    kind: fact
  - id: c-widget
    statement: The widget draws little power.
    subjects: [widget]
    source: long-doc
    excerpt: Nothing here about the other chip.
    kind: forecast
""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHIPKB_CACHE_DIR", str(tmp_path_factory.mktemp("ranking-cache")))
        opened = SearchEngine.open(write_kb(tmp_path_factory.mktemp("kb"), FILES))
        yield opened
        opened.close()


def first(engine: SearchEngine, query: str) -> str:
    return engine.search(query).hits[0].id


@pytest.mark.parametrize(
    "query",
    ["trainer2", "Trainer2", "TRAINER2", "ｔｒａｉｎｅｒ２", "Example Trainer2 (SXM)", "Trn-X2", "trn-x2", "Trainer 2"],
)
def test_a_query_that_names_an_entity_puts_it_first(engine: SearchEngine, query: str) -> None:
    # the long document says Trainer2 eleven times; the chip is named by its id, name, alias, family
    # and generation, in any case or width
    assert first(engine, query) == "trainer2"


def test_a_vendor_named_by_an_alias_comes_first_and_part_of_a_query_lifts_what_it_names(engine: SearchEngine) -> None:
    assert first(engine, "examplia") == "example-cloud"
    assert first(engine, "Trn-X2 memory") == "trainer2"  # named by a part of the query: ranked above the rest
    assert first(engine, "HBM capacity") == "trainer2"  # a figure's label: the chips that state it first


def test_a_source_is_one_row_at_its_best_passage_with_the_others_counted(engine: SearchEngine) -> None:
    results = engine.search("Trainer2", passages=True)
    rows = [hit.id for hit in results.hits]
    assert len(rows) == len(set(rows)) == results.total
    source = next(hit for hit in results.hits if hit.id == "long-doc")
    # its title matches best, so it ranks by its title, but it shows its densest passage, and
    # counts the other three documents that match (the title and two passages)
    assert source.passage == 3 and source.more == 3
    assert sorted(hit.passage or 0 for hit in source.passages or []) == [0, 1, 2]
    assert all(hit.more == 0 for hit in results.hits if hit.type != "source")


def test_every_row_can_be_reached_a_page_at_a_time(engine: SearchEngine) -> None:
    whole = [hit.id for hit in engine.search("chip OR trainer2 OR widget", limit=50).hits]
    paged = [
        hit.id
        for offset in range(0, len(whole), 2)
        for hit in engine.search("chip OR trainer2 OR widget", limit=2, offset=offset).hits
    ]
    assert paged == whole and len(whole) == engine.search("chip OR trainer2 OR widget").total


def test_when_no_hit_holds_every_word_those_with_the_most_come_first_saying_what_they_lack(
    engine: SearchEngine,
) -> None:
    results = engine.search("trainer2 widget power")
    assert results.partial and results.unmatched_terms == []
    assert [(hit.id, hit.missing) for hit in results.hits[:2]] == [
        ("c-widget", ("trainer2",)),
        ("widget", ("trainer2", "power")),
    ]
    assert all(hit.missing for hit in results.hits)
    counts = [3 - len(hit.missing) for hit in results.hits]
    assert counts == sorted(counts, reverse=True)


def test_a_word_the_index_never_saw_is_still_named_with_a_suggestion(engine: SearchEngine) -> None:
    results = engine.search("trainr2 widget")
    assert results.partial and results.unmatched_terms == ["trainr2"]
    assert results.suggestions["trainr2"][0] == "trainer2"
    assert results.hits and all(hit.missing == ("trainr2",) for hit in results.hits)


def test_a_query_with_operators_has_no_fallback(engine: SearchEngine) -> None:
    results = engine.search("trainer2 AND widget")
    assert (results.total, results.partial) == (0, False)


def test_question_words_need_not_be_held(engine: SearchEngine) -> None:
    results = engine.search("why is the widget drawing power")
    assert results.hits[0].id == "c-widget"


@pytest.mark.parametrize(
    ("query", "hit", "field", "text"),
    [
        ("supply chain", "c-supply", "tag", "supply-chain (サプライチェーン, 供給網)"),
        ("サプライチェーン", "c-supply", "tag", "supply-chain (サプライチェーン, 供給網)"),
        ("供給網", "c-supply", "tag", "supply-chain (サプライチェーン, 供給網)"),
        ("Trn-X2", "trainer2", "alias", "Trn-X2"),
        ("examplia", "c-supply", "about", "Examplia"),
        ("Examplia Trainer3", "trainer3", "vendor", "Examplia"),
        ("学習用アクセラレータ", "trainer3", "kind", "training-accelerator (学習用アクセラレータ, トレーニング)"),
        ("予測", "c-widget", "kind", "forecast (予測)"),
    ],
)
def test_words_reach_tags_aliases_vendors_and_kinds_and_the_hit_says_which(
    engine: SearchEngine, query: str, hit: str, field: str, text: str
) -> None:
    found = {found.id: found for found in engine.search(query, limit=50).hits}
    assert hit in found
    reasons = {(reason_field, reason_text) for reason_field, reason_text, _ in found[hit].reasons}
    assert (field, text) in reasons


def test_a_reason_highlights_the_words_it_matched_and_is_not_given_for_the_text(engine: SearchEngine) -> None:
    hit = next(hit for hit in engine.search("supply chain").hits if hit.id == "c-supply")
    (field, text, spans), *_ = hit.reasons
    assert field == "tag" and [text[s:e] for s, e in spans] == ["supply", "chain"]
    chip = engine.search("Trainer3").hits[0]
    assert chip.id == "trainer3" and all(field != "family" for field, *_ in chip.reasons)  # the title shows it


def test_the_text_outranks_a_tag(engine: SearchEngine) -> None:
    # c-trainer2 says "second chip" in its text; c-supply only quotes it and is tagged otherwise
    results = engine.search("second chip family")
    assert results.hits[0].id in {"c-trainer2", "long-doc"}


@pytest.mark.parametrize(
    "query", ["Trainer2", "chip AND family", "chip OR widget OR trainer3", "second chip", "type:chip"]
)
def test_the_total_counts_every_row_however_few_are_asked_for(engine: SearchEngine, query: str) -> None:
    # whoosh prunes what cannot reach a small top N, uncounted, unless told not to; and counts a
    # source's passages as rows unless the engine counts them itself
    every = engine.search(query, limit=1000)
    assert every.total == len(every.hits) == len({hit.id for hit in every.hits})
    assert engine.search(query, limit=1).total == every.total
