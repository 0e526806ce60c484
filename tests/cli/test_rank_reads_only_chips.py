"""`chipkb rank`, `chart` and `timeline` read only the files holding chips and vendors (and source
titles for --json and notes), keep what they read in the cache folder file by file, and read a file
again when it changes: the same rows as a full load of the KB, fast on a KB of 100,000 claims."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kb.store.knowledge import load_kb
from kb.store.sections import load_sections
from kb.views.rank import rank
from tests.kb.views.figures_kb import figures_kb
from tests.support.paths import BUNDLED_KB
from tui.command import main


def rank_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["rank", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_rank_from_the_chip_files_equals_rank_from_the_whole_kb(capsys) -> None:
    full = load_kb(Path(BUNDLED_KB))
    for figure in ("bf16-dense", "hbm-capacity", "tdp", "process-node"):
        expected = [(r.rank, r.chip.id, r.value, r.low, r.high, r.source) for r in rank(full, figure).rows]
        got = rank_json(capsys, figure, "--kb", str(BUNDLED_KB))["rows"]
        assert [(r["rank"], r["chip"], r["value"], r["low"], r["high"], r["source"]) for r in got] == expected
        assert all(r["source_title"] == full.title_of(r["source"]) for r in got)


def test_an_edited_chip_file_is_read_again_and_a_claims_file_never(capsys, tmp_path: Path) -> None:
    root = figures_kb(tmp_path / "kb")
    assert [r["chip"] for r in rank_json(capsys, "bf16-dense", "--kb", str(root))["rows"]][:2] == ["a2", "b2"]
    cached = list((Path(os.environ["CHIPKB_CACHE_DIR"]) / "kb-sections").glob("kb-*.json"))
    assert len(cached) == 1  # the chips and vendors with source titles, kept for the next run
    chips = root / "chips.yaml"
    chips.write_text(
        chips.read_text(encoding="utf-8").replace(
            "value: 100, unit: TFLOPS, source: s1", "value: 900, unit: TFLOPS, source: s1"
        ),
        encoding="utf-8",
    )
    rows = rank_json(capsys, "bf16-dense", "--kb", str(root))["rows"]
    assert [(r["chip"], r["value"]) for r in rows][:2] == [("a1", 900.0), ("a2", 400.0)]
    # claims are never read: a claims file that is not even YAML changes nothing
    (root / "claims.yaml").write_text("claims: [unclosed\n", encoding="utf-8")
    assert rank_json(capsys, "bf16-dense", "--kb", str(root))["rows"] == rows


def test_what_is_kept_reads_back_as_it_was_read(tmp_path: Path) -> None:
    root = figures_kb(tmp_path / "kb")
    first = load_sections(root, ("vendors", "chips", "sources"))
    again = load_sections(root, ("vendors", "chips", "sources"))
    assert (
        sorted(first.entities)
        == sorted(again.entities)
        == ["a1", "a2", "acme", "b1", "b2", "blue", "c1", "c2", "c3", "cyan", "s1", "s2"]
    )
    assert [s.text for s in again.sources] == ["", ""] and [s.title for s in again.sources] == [
        "First source",
        "Second source",
    ]
    assert [(s.name, s.value, s.status) for s in again.get("b2").specs] == [
        (s.name, s.value, s.status) for s in load_kb(root).get("b2").specs
    ]
    assert load_sections(root).sources == []  # chips and vendors only, unless sources are asked for
