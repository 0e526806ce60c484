"""The comparison model: rows, canonical units, best values, disputes, derived rows, claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.compare import Comparison, Row, compare, format_value
from kb.figures import GIB_IN_GB
from kb.knowledge import load_kb
from tests.conftest import write_kb

# A synthetic KB: the chips and numbers are made up for the tests, not facts about real chips.
KB_FILES = {
    "vendors.yaml": """\
vendors:
  - id: acme
    name: Acme
    kind: chip-designer
""",
    "sources.yaml": """\
sources:
  - id: acme-datasheet
    title: Acme datasheet
    url: https://example.com/acme
    published: 2024-05-01
    language: en
    text: "The Alpha does 400 TFLOPS. The Beta draws 500 W."
  - id: review
    title: A review
    published: 2024-06
    language: en
    text: "We measured the Alpha at 96 GiB."
""",
    "chips.yaml": """\
chips:
  - id: alpha
    name: Alpha
    vendor: acme
    kind: accelerator
    specs:
      - {name: bf16-dense, value: 400, unit: TFLOPS, source: acme-datasheet}
      - {name: hbm-capacity, value: 96, unit: GB, source: acme-datasheet}
      - {name: hbm-capacity, value: 96, unit: GiB, source: review}
      - {name: tdp, value: 400, unit: W, source: acme-datasheet}
      - {name: hbm-bandwidth, value: 2, unit: TB/s, source: acme-datasheet}
  - id: beta
    name: Beta
    vendor: acme
    kind: accelerator
    specs:
      - {name: tdp, value: 0.5, unit: kW, source: acme-datasheet}
      - {name: bf16-dense, value: 1.5, unit: PFLOPS, source: acme-datasheet}
      - {name: hbm-capacity, unit: GB, source: acme-datasheet, status: not-disclosed}
      - {name: fp8-dense, value: 3, unit: PFLOPS, source: acme-datasheet}
  - id: gamma
    name: Gamma
    vendor: acme
    kind: cpu
    specs:
      - {name: cores, value: 64, unit: cores, source: acme-datasheet}
""",
    "claims.yaml": """\
claims:
  - id: z-alpha-fast
    statement: The Alpha does 400 TFLOPS.
    subjects: [alpha]
    source: acme-datasheet
    excerpt: The Alpha does 400 TFLOPS.
    kind: vendor-claim
  - id: a-alpha-memory
    statement: The Alpha has 96 GiB.
    subjects: [alpha, acme]
    source: review
    excerpt: We measured the Alpha at 96 GiB.
    kind: fact
  - id: beta-power
    statement: The Beta draws 500 W.
    subjects: [beta]
    source: acme-datasheet
    excerpt: The Beta draws 500 W.
    kind: vendor-claim
""",
}


@pytest.fixture
def kb(tmp_path: Path):
    loaded = load_kb(write_kb(tmp_path / "kb", KB_FILES))
    assert loaded.errors == []
    return loaded


def _row(comparison: Comparison, name: str) -> Row:
    return next(r for r in comparison.rows if r.name == name)


def test_rows_are_the_union_of_figures_in_vocabulary_order(kb) -> None:
    comparison = compare(kb, ["alpha", "beta", "gamma"])
    assert [c.id for c in comparison.chips] == ["alpha", "beta", "gamma"]
    figures = [r.name for r in comparison.rows if not r.derived]
    assert figures == ["bf16-dense", "fp8-dense", "hbm-capacity", "hbm-bandwidth", "tdp", "cores"]
    assert all(len(r.cells) == 3 for r in comparison.rows)


def test_values_are_converted_to_the_canonical_unit(kb) -> None:
    comparison = compare(kb, ["alpha", "beta"])
    bf16 = _row(comparison, "bf16-dense")
    assert (bf16.unit, bf16.label) == ("TFLOPS", "BF16 dense")
    assert [c.value for c in bf16.cells] == [400, 1500]
    tdp = _row(comparison, "tdp")
    assert [c.value for c in tdp.cells] == [400, 500]


def test_unknown_is_blank_and_not_disclosed_is_marked(kb) -> None:
    comparison = compare(kb, ["alpha", "beta", "gamma"])
    hbm = _row(comparison, "hbm-capacity")
    beta, gamma = hbm.cells[1], hbm.cells[2]
    assert beta.value is None and beta.not_disclosed
    assert gamma.value is None and not gamma.not_disclosed and gamma.specs == ()
    assert _row(comparison, "fp8-dense").cells[0].value is None


def test_best_value_respects_the_direction_of_the_figure(kb) -> None:
    comparison = compare(kb, ["alpha", "beta"])
    assert [c.best for c in _row(comparison, "bf16-dense").cells] == [False, True]
    # Less power is better.
    assert [c.best for c in _row(comparison, "tdp").cells] == [True, False]


def test_no_best_with_a_single_value(kb) -> None:
    comparison = compare(kb, ["alpha", "beta", "gamma"])
    assert not any(c.best for c in _row(comparison, "cores").cells)
    assert not any(c.best for c in _row(comparison, "hbm-capacity").cells)


def test_disputed_figure_keeps_both_specs_and_shows_the_first(kb) -> None:
    cell = _row(compare(kb, ["alpha"]), "hbm-capacity").cells[0]
    assert cell.disputed
    assert [(s.value, s.unit, s.source) for s in cell.specs] == [(96, "GB", "acme-datasheet"), (96, "GiB", "review")]
    assert cell.value == 96
    assert not _row(compare(kb, ["alpha"]), "bf16-dense").cells[0].disputed


def test_a_figure_stated_only_in_gib_is_converted(tmp_path: Path) -> None:
    files = dict(KB_FILES)
    files["chips.yaml"] = files["chips.yaml"].replace(
        "      - {name: hbm-capacity, value: 96, unit: GB, source: acme-datasheet}\n", ""
    )
    kb = load_kb(write_kb(tmp_path / "kb", files))
    cell = _row(compare(kb, ["alpha"]), "hbm-capacity").cells[0]
    assert cell.value == pytest.approx(96 * GIB_IN_GB)
    assert not cell.disputed


def test_derived_rows_where_both_inputs_exist(kb) -> None:
    comparison = compare(kb, ["alpha", "beta", "gamma"])
    per_watt = _row(comparison, "bf16-tflops-per-watt")
    assert per_watt.derived and per_watt.unit == "TFLOPS/W"
    assert [c.value for c in per_watt.cells] == [1.0, 3.0, None]
    assert [c.best for c in per_watt.cells] == [False, True, False]
    assert [s.name for s in per_watt.cells[0].specs] == ["bf16-dense", "tdp"]
    fp8 = _row(comparison, "fp8-tflops-per-watt")
    assert [c.value for c in fp8.cells] == [None, 6.0, None]
    balance = _row(comparison, "hbm-bandwidth-per-bf16-tflops")
    assert balance.unit == "GB/s per TFLOPS"
    assert [c.value for c in balance.cells] == [5.0, None, None]
    assert [r.name for r in comparison.rows if r.derived] == [
        "bf16-tflops-per-watt",
        "fp8-tflops-per-watt",
        "hbm-bandwidth-per-bf16-tflops",
    ]


def test_no_derived_row_without_both_inputs(kb) -> None:
    comparison = compare(kb, ["gamma"])
    assert [r.name for r in comparison.rows] == ["cores"]


def test_claims_about_each_chip_sorted_by_id(kb) -> None:
    comparison = compare(kb, ["alpha", "beta", "gamma"])
    assert {k: [c.id for c in v] for k, v in comparison.claims.items()} == {
        "alpha": ["a-alpha-memory", "z-alpha-fast"],
        "beta": ["beta-power"],
        "gamma": [],
    }


def test_unknown_or_non_chip_ids_raise_key_error(kb) -> None:
    with pytest.raises(KeyError, match="nope"):
        compare(kb, ["alpha", "nope"])
    with pytest.raises(KeyError, match="acme"):
        compare(kb, ["acme"])


def test_duplicate_ids_give_one_column(kb) -> None:
    assert [c.id for c in compare(kb, ["beta", "alpha", "beta"]).chips] == ["beta", "alpha"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (400.0, "400"),
        (103.079215104, "103.08"),
        (1.5, "1.5"),
        (0.0123456, "0.0123"),
        (2e15, "2000000000000000"),
        (-0.5, "-0.5"),
    ],
)
def test_format_value(value: float, text: str) -> None:
    assert format_value(value) == text
