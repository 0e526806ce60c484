"""The comparison model: rows, canonical units, best values, disputes, derived rows, claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.cli.main import main
from kb.notes.render import comparison_note
from kb.store.figures import GIB_IN_GB, format_number
from kb.store.knowledge import load_kb
from kb.views.compare import Comparison, Row, compare
from tests.support.kb_files import write_kb

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
      - {name: process-node, value: 5, unit: nm, source: acme-datasheet}
      - {name: die-area, value: 600, unit: mm2, source: acme-datasheet}
  - id: beta
    name: Beta
    vendor: acme
    kind: accelerator
    specs:
      - {name: tdp, value: 0.5, unit: kW, source: acme-datasheet}
      - {name: bf16-dense, value: 1.5, unit: PFLOPS, source: acme-datasheet}
      - {name: hbm-capacity, unit: GB, source: acme-datasheet, status: not-disclosed}
      - {name: fp8-dense, value: 3, unit: PFLOPS, source: acme-datasheet}
      - {name: process-node, value: 3, unit: nm, source: acme-datasheet}
      - {name: die-area, value: 800, unit: mm2, source: acme-datasheet}
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
    assert figures == [
        "bf16-dense",
        "fp8-dense",
        "hbm-capacity",
        "hbm-bandwidth",
        "tdp",
        "process-node",
        "die-area",
        "cores",
    ]
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
    # A smaller process node is better.
    assert [c.best for c in _row(comparison, "process-node").cells] == [False, True]
    # Power and die size are design choices: no value is best, however different.
    assert [c.best for c in _row(comparison, "tdp").cells] == [False, False]
    assert [c.best for c in _row(comparison, "die-area").cells] == [False, False]
    # A derived per-watt row has a best.
    assert [c.best for c in _row(comparison, "bf16-tflops-per-watt").cells] == [False, True]


def test_every_figure_says_what_it_means() -> None:
    from kb.store.figures import FIGURES, GROUPS, HIGHER, LOWER

    for figure in FIGURES.values():
        assert figure.better in (HIGHER, LOWER, None), figure.name
        assert figure.group in GROUPS, figure.name
        assert not figure.per_watt or figure.better == HIGHER, figure.name
    assert {f.name for f in FIGURES.values() if f.better is None} >= {"tdp", "die-area", "transistors", "clock"}
    assert FIGURES["process-node"].better == LOWER
    assert FIGURES["bf16-dense"].per_watt and not FIGURES["hbm-capacity"].per_watt


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
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


# --- chipkb compare -----------------------------------------------------------------------------------


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", KB_FILES)


def test_compare_prints_a_table_with_claims(kb_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    assert main(["compare", "alpha", "beta", "--kb", str(kb_dir)]) == 0
    out = capsys.readouterr().out
    lines = [" ".join(line.replace("│", " ").replace("┃", " ").split()) for line in out.splitlines()]
    assert "Figure Unit Alpha Beta" in lines
    assert "BF16 dense TFLOPS 400 1500" in lines
    assert "HBM capacity GB 96 ≠ not disclosed" in lines
    assert "TDP W 400 500" in lines
    assert "≠ Alpha, HBM capacity: 96 GB per Acme datasheet; 96 GiB per A review" in lines
    assert "BF16 dense TFLOPS per watt (derived) TFLOPS/W 1 3" in lines
    assert "[fact, unverified] The Alpha has 96 GiB. (a-alpha-memory)" in lines
    assert lines.index("Claims about Beta") < lines.index(
        "[vendor-claim, unverified] The Beta draws 500 W. (beta-power)"
    )


def test_compare_markdown_prints_the_comparison_note(kb_dir: Path, kb, capsys) -> None:
    assert main(["compare", "alpha", "beta", "--markdown", "--kb", str(kb_dir)]) == 0
    assert capsys.readouterr().out == comparison_note(kb, compare(kb, ["alpha", "beta"]))


def test_compare_out_writes_the_note_and_keeps_a_hand_edited_one(kb_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "notes" / "cmp.md"
    command = ["compare", "alpha", "beta", "--kb", str(kb_dir), "--out", str(out)]
    assert main(command) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    written = out.read_text()
    assert written.startswith("---\nid: alpha-vs-beta\n")
    assert main(command) == 0
    assert capsys.readouterr().out == f"unchanged {out}\n"
    out.write_text(written + "edited\n")
    assert main(command) == 1
    assert capsys.readouterr().err == f"chipkb: kept {out}: edited since chipkb wrote it (--force overwrites it)\n"
    assert main([*command, "--force"]) == 0
    assert out.read_text() == written


@pytest.mark.parametrize(
    ("ids", "code", "message"),
    [
        (["alpha", "alpah"], 1, "chipkb: no chip with id or name 'alpah' (did you mean 'alpha'?)\n"),
        (["alpha", "acme"], 1, "chipkb: 'acme' is a vendor, not a chip\n"),
        (["alpha"], 2, "chipkb: error: give at least two different chip ids to compare\n"),
        (["alpha", "alpha"], 2, "chipkb: error: give at least two different chip ids to compare\n"),
    ],
)
def test_compare_errors(kb_dir: Path, capsys, ids: list[str], code: int, message: str) -> None:
    assert main(["compare", *ids, "--kb", str(kb_dir)]) == code
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", message)


def test_compare_shows_hostile_names_literally(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    files = dict(KB_FILES)
    files["chips.yaml"] = files["chips.yaml"].replace("name: Beta", 'name: "[bold red]Beta[/] \\e[31m"')
    kb_dir = write_kb(tmp_path / "kb", files)
    assert main(["compare", "alpha", "beta", "--kb", str(kb_dir)]) == 0
    out = capsys.readouterr().out
    assert "[bold red]Beta[/] \\x1b[31m" in out
    assert "\x1b" not in out
    assert main(["compare", "alpha", "beta", "--markdown", "--kb", str(kb_dir)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\ntitle: Alpha vs [bold red]Beta[/] [31m\n" in out  # the markup kept as text, the ESC dropped
