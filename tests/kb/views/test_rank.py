"""`kb.views.rank`: every chip that has a figure, best first, by the preferred value (the first
stated, non-estimate figure in the chip's YAML); estimates and figures not disclosed after; per watt
skipping chips without a TDP. Checked on a KB written for it, and on every chip and figure of the
bundled KB against values computed independently from its YAML and from `chipkb show --json`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from kb.store.figures import FIGURES, LOWER
from kb.store.knowledge import load_kb
from kb.views.rank import RankError, rank
from tests.kb.views.figures_kb import figures_kb
from tests.support.paths import BUNDLED_KB
from tui.command import main


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory):
    loaded = load_kb(figures_kb(tmp_path_factory.mktemp("figures")))
    assert loaded.errors == []
    return loaded


def table(ranking) -> list[tuple]:
    return [(r.rank, r.chip.id, r.status, r.value, r.low, r.high, r.source) for r in ranking.rows]


def test_stated_values_rank_best_first_then_estimates_then_not_disclosed(kb) -> None:
    ranking = rank(kb, "bf16-dense")
    assert table(ranking) == [
        (1, "a2", "stated", 400.0, 380.0, 400.0, "s1"),  # 0.4 PFLOPS, disputed by s2's 380 TFLOPS
        (2, "b2", "stated", 300.0, 250.0, 300.0, "s2"),  # the stated 300, not the estimate written before it
        (3, "a1", "stated", 100.0, None, None, "s1"),
        (3, "c3", "stated", 100.0, None, None, "s2"),  # equal values share a rank
        (None, "b1", "estimate", 300.0, None, None, "s2"),  # only an estimate: after the ranked chips
        (None, "c1", "not-disclosed", None, None, None, ""),
    ]
    assert ranking.skipped == ()
    assert ranking.order_note == "higher is better"


def test_lower_is_better_ranks_the_smallest_first_and_no_better_ranks_the_largest_first(kb) -> None:
    assert [(r.rank, r.chip.id) for r in rank(kb, "process-node").rows] == [(1, "a2"), (2, "a1")]
    tdp = rank(kb, "tdp")
    assert [(r.rank, r.chip.id, r.status) for r in tdp.rows] == [
        (1, "b1", "stated"),
        (2, "a1", "stated"),
        (3, "c2", "stated"),
        (None, "b2", "estimate"),
        (None, "a2", "not-disclosed"),
    ]
    assert tdp.order_note == "no value is better: largest first"


def test_per_watt_divides_by_the_tdp_and_skips_chips_without_one(kb) -> None:
    ranking = rank(kb, "bf16-dense", per_watt=True)
    assert (ranking.label, ranking.unit) == ("BF16 dense per watt", "TFLOPS/W")
    rows = [(r.rank, r.chip.id, r.status, round(r.value, 4) if r.value else None, r.tdp) for r in ranking.rows]
    assert rows == [
        (1, "a1", "stated", 0.25, 400.0),
        (None, "b2", "estimate", 0.6, 500.0),  # an estimated TDP makes the quotient an estimate
        (None, "b1", "estimate", 0.4286, 700.0),
        (None, "c1", "not-disclosed", None, None),
    ]
    # a2's TDP is not disclosed and c3 has none: skipped, and counted
    assert [c.id for c in ranking.skipped] == ["a2", "c3"]


def test_per_watt_of_a_figure_without_one_and_an_unknown_figure_are_refused(kb) -> None:
    with pytest.raises(RankError, match="'tdp' has no per-watt form"):
        rank(kb, "tdp", per_watt=True)
    with pytest.raises(RankError, match="no figure 'bf16'"):
        rank(kb, "bf16")


def test_filters_by_vendor_kind_and_year(kb) -> None:
    assert [r.chip.id for r in rank(kb, "bf16-dense", vendors=["acme"]).rows] == ["a2", "a1"]
    assert [r.chip.id for r in rank(kb, "bf16-dense", kinds=["gpu"]).rows] == ["c3", "b1"]
    # since: the announcement year, else the availability year; a chip with no date is left out
    assert [r.chip.id for r in rank(kb, "bf16-dense", since=2023).rows] == ["a2", "b2"]
    # ranks are given among the chips kept
    assert [(r.rank, r.chip.id) for r in rank(kb, "bf16-dense", vendors=["cyan"]).rows] == [(1, "c3"), (None, "c1")]


# --- the bundled KB, computed independently ---------------------------------------------------------


def _yaml_chips() -> dict[str, dict]:
    chips = {}
    for path in sorted((BUNDLED_KB / "chips").glob("*.yaml")):
        for chip in yaml.safe_load(path.read_text(encoding="utf-8")).get("chips", []):
            chips[chip["id"]] = chip
    return chips


def _preferred(specs: list[dict], name: str) -> tuple[str, float | None, str] | None:
    """(status, canonical value, source) by the documented rule, from plain spec mappings."""
    mine = [s for s in specs if s["name"] == name]
    if not mine:
        return None
    units = FIGURES[name].units
    valued = [s for s in mine if "value" in s and s.get("value") is not None]
    stated = [s for s in valued if s.get("status", "stated") == "stated"]
    pick = stated[0] if stated else valued[0] if valued else None
    if pick is None:
        return ("not-disclosed", None, "") if any(s.get("status") == "not-disclosed" for s in mine) else None
    status = "stated" if stated else "estimate"
    return status, float(pick["value"]) * units[pick["unit"]], pick["source"]


def _show_json(capsys: pytest.CaptureFixture[str], chip_id: str) -> dict:
    assert main(["show", chip_id, "--kb", str(BUNDLED_KB), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_rank_of_the_bundled_kb_agrees_with_its_yaml_and_show_json(capsys) -> None:
    kb = load_kb(Path(BUNDLED_KB))
    from_yaml = _yaml_chips()
    shown = {chip_id: _show_json(capsys, chip_id)["specs"] for chip_id in from_yaml}
    checked = 0
    for name, figure in FIGURES.items():
        expected = {}
        for chip_id, chip in from_yaml.items():
            found = _preferred(chip.get("specs", []), name)
            assert found == _preferred(shown[chip_id], name), (chip_id, name)  # the YAML and show --json agree
            if found is not None:
                expected[chip_id] = found
        ranking = rank(kb, name)
        got = {r.chip.id: (r.status, r.value, r.source) for r in ranking.rows}
        assert set(got) == set(expected), name
        for chip_id, (status, value, source) in expected.items():
            assert got[chip_id][0] == status and got[chip_id][2] == source, (name, chip_id)
            if value is not None:
                assert math.isclose(got[chip_id][1], value, rel_tol=1e-12), (name, chip_id)
            checked += 1
        # the order: stated values best first, with competition ranks; then estimates; then not disclosed
        statuses = [r.status for r in ranking.rows]
        assert statuses == sorted(statuses, key=["stated", "estimate", "not-disclosed"].index), name
        stated = [r for r in ranking.rows if r.status == "stated"]
        values = [r.value for r in stated]
        assert values == sorted(values, reverse=figure.better != LOWER), name
        for row in stated:
            first_equal = next(i for i, v in enumerate(values, start=1) if math.isclose(v, row.value, rel_tol=1e-9))
            assert row.rank == first_equal, (name, row.chip.id)
        assert all(r.rank is None for r in ranking.rows if r.status != "stated")
    assert checked > 100  # every chip's every figure of the bundled KB
