"""Figure and date filters in the query language: units converted, unit and figure mistakes as one
line, any value of a chip meeting the filter, estimates marked, dates by their precision."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.search.engine import SearchEngine
from kb.search.query import QueryError
from tests.support.kb_files import write_kb

# Made-up chips: none of these figures is about a real chip.
FILES = {
    "vendors.yaml": """\
vendors:
  - {id: acme, name: Acme Compute, kind: chip-designer}
  - {id: borealis, name: Borealis, kind: hyperscaler}
""",
    "sources.yaml": """\
sources:
  - id: sheet
    title: A made-up data sheet
    language: en
    text: |
      The Alpha has a lot of memory.
""",
    "chips.yaml": """\
chips:
  - id: alpha
    name: Acme Alpha
    vendor: acme
    kind: gpu
    announced: 2024-05
    available: "2025"
    specs:
      - {name: hbm-capacity, value: 96, unit: GiB, source: sheet}
      - {name: tdp, value: 700, unit: W, source: sheet}
      - {name: tdp, value: 500, unit: W, source: sheet}
      - {name: bf16-dense, value: 1.2, unit: PFLOPS, source: sheet}
  - id: beta
    name: Acme Beta
    vendor: acme
    kind: inference-accelerator
    announced: "2023"
    specs:
      - {name: hbm-capacity, value: 64, unit: GB, source: sheet}
      - {name: tdp, value: 300, unit: W, source: sheet, status: estimate}
      - {name: hbm-bandwidth, value: 2500, unit: GB/s, source: sheet}
  - id: gamma
    name: Borealis Gamma
    vendor: borealis
    kind: training-accelerator
    announced: 2024-12-02
    available: 2025-06
    specs:
      - {name: hbm-capacity, value: 0.2, unit: TB, source: sheet}
      - {name: tdp, unit: W, source: sheet, status: not-disclosed}
      - {name: hbm-bandwidth, value: 1.5, unit: TB/s, source: sheet}
""",
    "claims.yaml": """\
claims:
  - id: alpha-memory
    statement: The Alpha has a lot of memory.
    subjects: [alpha]
    source: sheet
    excerpt: The Alpha has a lot of memory.
    kind: fact
""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHIPKB_CACHE_DIR", str(tmp_path_factory.mktemp("figure-cache")))
        opened = SearchEngine.open(write_kb(tmp_path_factory.mktemp("kb"), FILES))
        yield opened
        opened.close()


def ids(engine: SearchEngine, query: str) -> list[str]:
    return sorted(hit.id for hit in engine.search(query, limit=50).hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hbm-capacity>=100GB", ["alpha", "gamma"]),  # 96 GiB is 103 GB; 0.2 TB is 200 GB
        ("hbm-capacity>=96GiB", ["alpha", "gamma"]),
        ("hbm-capacity>0.1TB", ["alpha", "gamma"]),
        ("hbm-capacity<100", ["beta"]),  # a bare number is in the canonical unit, GB
        ("hbm-capacity=64GB", ["beta"]),
        ("hbm-capacity:60..100GB", ["beta"]),  # a unit at the end is the unit of both ends
        ("hbm-capacity:100GB..", ["alpha", "gamma"]),
        ("HBM-Capacity>=100gb", ["alpha", "gamma"]),  # names and units in any case
        ("bf16-dense>1000", ["alpha"]),  # 1.2 PFLOPS is 1200 TFLOPS
        ("hbm-bandwidth>2TB/s", ["beta"]),
        ("hbm-bandwidth>=1500GB/s", ["beta", "gamma"]),
    ],
)
def test_a_value_with_a_unit_is_converted_to_the_figures_unit(
    engine: SearchEngine, query: str, expected: list[str]
) -> None:
    assert ids(engine, query) == expected


def test_a_chip_matches_when_any_of_its_values_does(engine: SearchEngine) -> None:
    # alpha states 700 W and 500 W: each filter is met by one of them
    assert ids(engine, "tdp<=500W") == ["alpha", "beta"]
    assert ids(engine, "tdp>=700W") == ["alpha"]
    assert ids(engine, "tdp<=500W tdp>=700W") == ["alpha"]


def test_an_estimate_matches_and_says_so_and_not_disclosed_never_matches(engine: SearchEngine) -> None:
    hits = {hit.id: hit for hit in engine.search("tdp<=500W").hits}
    assert [text for field, text, _ in hits["beta"].reasons if field == "figure"] == ["TDP 300 W (estimate)"]
    assert [text for field, text, _ in hits["alpha"].reasons if field == "figure"] == ["TDP 500 W"]
    assert "gamma" not in ids(engine, "tdp>0")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("announced>=2024", ["alpha", "gamma"]),
        ("announced<2024", ["beta"]),
        ("announced<=2024", ["alpha", "beta", "gamma"]),  # <= takes in all of 2024
        ("announced>2024-05", ["gamma"]),
        ("announced:2024", ["alpha", "gamma"]),
        ("announced:2024-12", ["gamma"]),
        ("available:2023..2025", ["alpha", "gamma"]),
        ("available:..2024", []),
        ("year>=2024 type:chip", ["alpha", "gamma"]),  # year compared the same way
    ],
)
def test_dates_compare_at_the_precision_they_are_written(engine: SearchEngine, query: str, expected: list[str]) -> None:
    assert ids(engine, query) == expected


def test_filters_combine_with_words_and_the_other_filters(engine: SearchEngine) -> None:
    assert ids(engine, "type:chip vendor:acme hbm-capacity>=64GB") == ["alpha", "beta"]
    assert ids(engine, "vendor:borealis hbm-bandwidth>1TB/s") == ["gamma"]
    assert ids(engine, "alpha hbm-capacity>=100GB") == ["alpha"]  # the claim about the Alpha has no figures
    assert ids(engine, "(tdp<=300W OR bf16-dense>1000) type:chip") == ["alpha", "beta"]
    assert ids(engine, "type:chip NOT tdp<=500W") == ["gamma"]


def test_a_filter_that_matches_nothing_is_named_as_typed(engine: SearchEngine) -> None:
    results = engine.search("hbm-capacity>=1TB")
    assert (results.total, results.unmatched_terms, results.suggestions) == (0, ["hbm-capacity>=1TB"], {})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("hbm-capacity>=100W", "hbm-capacity>=100W: unit 'W' does not fit figure 'hbm-capacity' (use one of: GB, GiB"),
        ("tdp<=5GB", "tdp<=5GB: unit 'GB' does not fit figure 'tdp' (use one of: W, kW)"),
        ("hbm-capcity>=100GB", "hbm-capcity>=100GB: unknown figure 'hbm-capcity' (did you mean 'hbm-capacity'"),
        ("bf16>1000", "bf16>1000: unknown figure 'bf16' (did you mean 'bf16-dense'"),
        ("wattage<=500W", "wattage<=500W: unknown figure 'wattage' (the figures are listed in docs/schema.md"),
        ("tdp<=lots", "tdp<=lots: 'lots' is not a number with a unit; write e.g. tdp>=100W"),
        ("tdp<=", "tdp<=: needs a value after <="),
        ("announced>=24", "announced>=24: '24' is not a date; write announced>=2024"),
        ("available:2025..2023", "available:2025..2023: the range ends before it starts"),
        ("hbm-capacity:200..100GB", "hbm-capacity:200..100GB: the range ends before it starts"),
        ("type>=chip", "type>=chip: type is compared with type:value, e.g. type:claim"),
    ],
)
def test_a_mistake_in_a_filter_is_one_clear_line(engine: SearchEngine, query: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        engine.search(query)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_figure_named_as_a_field_is_a_filter_and_an_unknown_field_still_an_error(engine: SearchEngine) -> None:
    assert ids(engine, "tdp:300..400W") == ["beta"]
    with pytest.raises(QueryError, match="unknown field colour:"):
        engine.search("colour:red")


def test_the_filters_reach_the_chip_docs_only_through_facets(tmp_path: Path) -> None:
    # a KB without figures: a figure filter matches nothing, and says so
    root = write_kb(tmp_path / "kb", {k: v for k, v in FILES.items() if k != "chips.yaml"})
    engine = SearchEngine.open(root)
    try:
        results = engine.search("tdp<=500W")
        assert (results.total, results.unmatched_terms) == (0, ["tdp<=500W"])
    finally:
        engine.close()
