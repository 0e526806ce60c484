"""`chipkb rank`, `chipkb timeline` and `chipkb chart`: the same rows in text, JSON, CSV and markdown;
the chart in the terminal and as a note whose Mermaid block and table match `rank --json`; one-line
errors with exit 2 for an unknown figure, vendor or family."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.kb.views.figures_kb import FILES, figures_kb
from tests.support.kb_files import write_kb
from tui.command import main


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(figures_kb(tmp_path_factory.mktemp("figures")))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- rank -------------------------------------------------------------------------------------------


def test_rank_prints_one_row_per_chip_best_first(capsys, kb_dir) -> None:
    code, out, err = run(capsys, "rank", "bf16-dense", "--kb", kb_dir)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "BF16 dense (TFLOPS): 4 chips ranked, higher is better"
    assert lines[1].split() == ["rank", "chip", "vendor", "TFLOPS", "range", "source", "date"]
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[2:8]]
    assert rows == [
        ["1", "Acme A2", "Acme Cloud", "400", "380–400", "s1", "2023"],
        ["2", "Blue B2", "Blue Silicon", "300", "250–300", "s2", "2024-02"],
        ["3", "Acme A1", "Acme Cloud", "100", "s1", "2021-03"],
        ["3", "Cyan C3", "Cyan Devices", "100", "s2", "2022"],
        ["est.", "Blue B1", "Blue Silicon", "300 (estimate)", "s2", "2022-06-15"],
        ["n/d", "Cyan C1", "Cyan Devices", "not disclosed"],
    ]
    assert "est.: only a third party's estimate, listed after the ranked chips" in lines
    assert "n/d: the vendor does not disclose the figure" in lines


def test_rank_json_csv_and_markdown_give_the_same_rows(capsys, kb_dir) -> None:
    code, out, _ = run(capsys, "rank", "bf16-dense", "--kb", kb_dir, "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["figure"], data["unit"], data["better"], data["skipped"]) == ("bf16-dense", "TFLOPS", "higher", [])
    expected = [(r["rank_text"], r["chip"], r["value_text"].removesuffix(" (estimate)")) for r in data["rows"]]
    assert expected[0] == ("1", "a2", "400") and expected[-1] == ("n/d", "c1", "not disclosed")
    assert (
        data["rows"][0] | {"source_title": "First source", "low": 380.0, "high": 400.0, "disputed": True}
        == data["rows"][0]
    )

    run(capsys, "rank", "bf16-dense", "--kb", kb_dir, "--csv")
    _, out, _ = run(capsys, "rank", "bf16-dense", "--kb", kb_dir, "--csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [(r["rank"], r["chip"], r["value"] or "not disclosed") for r in table] == expected

    _, out, _ = run(capsys, "rank", "bf16-dense", "--kb", kb_dir, "--markdown")
    assert markdown_rows(out) == [(rank, chip, value) for rank, chip, value in expected]


def markdown_rows(text: str) -> list[tuple[str, str, str]]:
    """(rank, chip id, value) of each row of the first markdown table in `text`."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith(("| Rank", "| ---")):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        chip = re.match(r"\[\[(?:chips/)?([a-z0-9-]+)\\\|", cells[1])  # a wikilink to the chip's note
        assert chip, cells[1]
        rows.append((cells[0], chip.group(1), cells[3].removesuffix(" (estimate)")))
    return rows


def test_rank_per_watt_says_how_many_chips_were_skipped(capsys, kb_dir) -> None:
    code, out, _ = run(capsys, "rank", "bf16-dense", "--per-watt", "--kb", kb_dir)
    assert code == 0
    assert out.splitlines()[0] == "BF16 dense per watt (TFLOPS/W): 1 chips ranked, higher is better"
    assert "2 chips without a TDP skipped: Acme A2, Cyan C3" in out.splitlines()
    data = json.loads(run(capsys, "rank", "bf16-dense", "--per-watt", "--kb", kb_dir, "--json")[1])
    assert data["skipped"] == ["a2", "c3"]
    assert [(r["chip"], r["status"], r.get("tdp")) for r in data["rows"]] == [
        ("a1", "stated", 400.0),
        ("b2", "estimate", 500.0),
        ("b1", "estimate", 700.0),
        ("c1", "not-disclosed", None),
    ]


def test_rank_filters_take_vendor_names_and_aliases(capsys, kb_dir) -> None:
    for vendor in ("acme", "Acme", "ACME CLOUD"):
        data = json.loads(run(capsys, "rank", "bf16-dense", "--vendor", vendor, "--kb", kb_dir, "--json")[1])
        assert [r["chip"] for r in data["rows"]] == ["a2", "a1"], vendor
    argv = ["rank", "bf16-dense", "--kind", "gpu", "--since", "2022", "--kb", kb_dir, "--json"]
    data = json.loads(run(capsys, *argv)[1])
    assert [r["chip"] for r in data["rows"]] == ["c3", "b1"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rank", "bf16-dens"], "chipkb: error: no figure 'bf16-dens' (did you mean 'bf16-dense', 'fp16-dense' or"),
        (["rank", "tdp", "--per-watt"], "chipkb: error: figure 'tdp' has no per-watt form"),
        (["rank", "hbm-capacity", "--vendor", "acmee"], "chipkb: error: --vendor: no vendor with id or name 'acmee'"),
        (["rank", "tdp", "--since", "24"], "chipkb: error: argument --since: '24' is not a year (YYYY)"),
        (["timeline", "--family", "alpah"], "chipkb: error: --family: no chip family 'alpah' (did you mean 'Alpha'?)"),
        (["chart", "bf16", "--bars"], "chipkb: error: no figure 'bf16' (did you mean 'bf16-dense' or 'bf16-sparse'?)"),
        (["chart", "nothing-like-it"], "chipkb: error: no figure 'nothing-like-it' (see the figure names in docs/"),
        (["chart", "tdp", "--width", "10"], "chipkb: error: a chart needs at least 30 columns and 10 lines (got 10x"),
    ],
)
def test_errors_are_one_line_and_exit_2(capsys, kb_dir, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv, "--kb", kb_dir)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(message) or message in err, err


def test_a_figure_no_chip_has_exits_1(capsys, kb_dir) -> None:
    code, out, err = run(capsys, "rank", "fp64", "--kb", kb_dir)
    assert (code, out) == (1, "")
    assert err == "chipkb: no chip has a value for 'fp64'\n"


def test_kb_text_is_printed_as_visible_escapes(capsys, tmp_path: Path) -> None:
    files = dict(FILES)
    files["chips.yaml"] = files["chips.yaml"].replace("name: Acme A1", 'name: "Acme \\e[31mA1\\u202e"')
    root = str(write_kb(tmp_path / "kb", files))
    for argv in (["rank", "bf16-dense"], ["timeline"], ["chart", "bf16-dense", "--width", "80", "--height", "20"]):
        code, out, _ = run(capsys, *argv, "--kb", root)
        assert code == 0, argv
        assert "\x1b" not in out and "\u202e" not in out, argv
        if argv[0] != "chart":
            assert "Acme \\x1b[31mA1\\u202e" in out, argv


# --- timeline ---------------------------------------------------------------------------------------


def test_timeline_lists_chips_by_date_as_precise_as_written(capsys, kb_dir) -> None:
    code, out, _ = run(capsys, "timeline", "--kb", kb_dir)
    assert code == 0
    rows = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[1:] if line.strip()]
    assert rows[:3] == [
        ["2021-03", "announced", "Acme Cloud", "Acme A1"],
        ["2022", "announced", "Cyan Devices", "Cyan C3"],
        ["2022-06-15", "announced", "Blue Silicon", "Blue B1"],
    ]
    assert rows[-1] == ["without a date: Cyan C1"]
    data = json.loads(run(capsys, "timeline", "--kb", kb_dir, "--json", "--claims")[1])
    assert [(e["date"], e["precision"], e["event"], e["id"]) for e in data["events"]][:3] == [
        ("2021-03", "month", "announced", "a1"),
        ("2022", "year", "announced", "c3"),
        ("2022-06-15", "day", "announced", "b1"),
    ]
    assert ("2023-07", "claim", "blue-reviews") in [(e["date"], e["event"], e["id"]) for e in data["events"]]
    out = run(capsys, "timeline", "--kb", kb_dir, "--csv", "--vendor", "blue")[1]
    assert [(r["date"], r["event"], r["id"]) for r in csv.DictReader(io.StringIO(out))] == [
        ("2022-06-15", "announced", "b1"),
        ("2024-02", "available", "b2"),
    ]
    out = run(capsys, "timeline", "--kb", kb_dir, "--markdown", "--family", "alpha")[1]
    assert re.search(r"^\| 2023 \| announced \| Acme Cloud \| \[\[(chips/)?a2\\\|Acme A2\]\] \|$", out, re.M)


# --- chart ------------------------------------------------------------------------------------------


def test_chart_prints_the_figure_against_date_with_every_chip_labelled(capsys, kb_dir) -> None:
    code, out, err = run(capsys, "chart", "bf16-dense", "--width", "80", "--height", "20", "--kb", kb_dir)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "\x1b" not in out  # not a terminal: no colour codes
    assert lines[0].strip() == "BF16 dense (TFLOPS)"
    assert max(len(line) for line in lines[:20]) <= 80
    plot = "\n".join(lines[:20])
    for label in ("● A1", "● C3", "A2", "B2", "B1 (est.)"):
        assert label in plot, label
    assert "● Acme Cloud   ● Blue Silicon   ● Cyan Devices   ○ estimate" in lines
    assert "1 chips state the figure as not disclosed" in lines


def test_chart_bars_rank_the_chips(capsys, kb_dir) -> None:
    code, out, _ = run(capsys, "chart", "bf16-dense", "--bars", "--width", "60", "--height", "16", "--kb", kb_dir)
    assert code == 0
    labels = [line.split("┤")[0].strip() for line in out.splitlines() if "┤" in line]
    assert labels == ["1. A2 400", "2. B2 300", "3. A1 100", "3. C3 100", "est. B1 300"]


def test_chart_markdown_note_holds_a_mermaid_chart_and_the_table_of_rank_json(capsys, kb_dir) -> None:
    for bars in (False, True):
        argv = ["chart", "bf16-dense", "--markdown", "--kb", kb_dir] + (["--bars"] if bars else [])
        code, note, _ = run(capsys, *argv)
        assert code == 0
        assert note.startswith("---\nid: chart-bf16-dense\ntype: chart\n")
        tokens = MarkdownIt().enable("table").parse(note)
        fences = [t for t in tokens if t.type == "fence"]
        assert [f.info for f in fences] == ["mermaid"]
        block = fences[0].content.splitlines()
        assert block[0] == "xychart-beta"
        x_axis = next(line for line in block if line.strip().startswith("x-axis"))
        bar = next(line for line in block if line.strip().startswith("bar"))
        if bars:  # the stated values, best first
            assert x_axis.strip() == 'x-axis ["A2", "B2", "A1", "C3"]'
            assert bar.strip() == "bar [400, 300, 100, 100]"
        else:  # in date order, each with its date
            assert x_axis.strip() == 'x-axis ["A1 (2021-03)", "C3 (2022)", "A2 (2023)", "B2 (2024-02)"]'
            assert bar.strip() == "bar [100, 100, 400, 300]"
        assert any(t.type == "table_open" for t in tokens)
        ranked = json.loads(run(capsys, "rank", "bf16-dense", "--json", "--kb", kb_dir)[1])["rows"]
        expected = [(r["rank_text"], r["chip"], r["value_text"].removesuffix(" (estimate)")) for r in ranked]
        assert markdown_rows(note) == expected


def test_chart_out_writes_the_note_and_keeps_an_existing_file(capsys, kb_dir, tmp_path: Path) -> None:
    target = tmp_path / "notes" / "bf16.md"
    assert run(capsys, "chart", "bf16-dense", "--out", str(target), "--kb", kb_dir)[:2] == (0, f"wrote {target}\n")
    assert "```mermaid" in target.read_text(encoding="utf-8")
    target.write_text("edited by hand", encoding="utf-8")
    code, _, err = run(capsys, "chart", "bf16-dense", "--out", str(target), "--kb", kb_dir)
    assert code == 1 and "exists; --force to overwrite it" in err
    assert target.read_text(encoding="utf-8") == "edited by hand"
    assert run(capsys, "chart", "bf16-dense", "--out", str(target), "--force", "--kb", kb_dir)[0] == 0
    assert "```mermaid" in target.read_text(encoding="utf-8")
