"""What the Timeline and Chart views and the compare screen look like at 80x24 (the smallest terminal
people commonly have) and larger: the tests/fixtures/app_kb KB, and for compare a KB of eight chips
wider than the screen, scrolled right, so the pinned labels and the blank (never cut) edge cells show.

Update on purpose with `pytest --snapshot-update tests/app/test_snapshots_figures.py`, and look at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.coordinate import Coordinate

from tests.support.kb_files import write_kb
from tests.support.pilot import make_app, ready

SMALL = (80, 24)


async def _steady(pilot) -> None:
    await ready(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


async def _timeline(pilot) -> None:
    await _steady(pilot)
    await pilot.press("t")
    await pilot.pause()
    await pilot.press("down", "down", "right")  # on Blue X5, known only by its year
    await pilot.pause()


def test_timeline_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=_timeline)


def test_timeline_100x30(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=_timeline)


async def _chart(pilot) -> None:
    await _steady(pilot)
    await pilot.press("g")
    await pilot.pause()
    await pilot.press("right")  # Blue X5 selected
    await pilot.pause()


def test_chart_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=_chart)


def test_chart_120x35(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 35), run_before=_chart)


async def _chart_bars_per_watt(pilot) -> None:
    await _chart(pilot)
    await pilot.press("w", "b", "l")
    await pilot.pause()


def test_chart_bars_per_watt_log_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=_chart_bars_per_watt)


# --- compare, wider than the screen -----------------------------------------------------------------

WIDE_CHIPS = [
    ("p1", "Pinecone P1 (SXM5 80 GB)", "2021-04", 4096, 34.359738368, 312),
    ("p2", "Pinecone P2 (SXM5 141 GB)", "2022", 8960, 141, 989),
    ("p3", "Pinecone P3 Ultra", "2023-11-13", 9216, 192, 2250),
    ("q1", "Quartz Q1", "2020-12", 256, 16, 197),
    ("q2", "Quartz Q2 (Trillium)", "2024-05-14", 1024, 32, 918),
    ("q3", "Quartz Q3 Ironwood", "2025", 9216, 206.158430208, 2307),
    ("r1", "Rowan R1", "2019-12", 16, 32, 64),
    ("r2", "Rowan R2", "2023-04", 64, 96, 667),
]


def wide_kb(root: Path) -> Path:
    chips = "chips:\n" + "".join(
        f'  - {{id: {cid}, name: "{name}", vendor: {cid[0]}v, kind: accelerator, announced: "{date}", specs: ['
        f"{{name: chips-per-pod, value: {pod}, unit: chips, source: s}}, "
        f"{{name: hbm-capacity, value: {hbm}, unit: GB, source: s}}, "
        f"{{name: bf16-dense, value: {bf16}, unit: TFLOPS, source: s}}]}}\n"
        for cid, name, date, pod, hbm, bf16 in WIDE_CHIPS
    )
    vendors = "vendors:\n" + "".join(
        f"  - {{id: {v}v, name: {name}, kind: chip-designer}}\n"
        for v, name in (("p", "Pinecone"), ("q", "Quartz"), ("r", "Rowan"))
    )
    sources = "sources:\n  - {id: s, title: A made-up spec sheet, language: en, text: Figures.}\n"
    return write_kb(root, {"chips.yaml": chips, "vendors.yaml": vendors, "sources.yaml": sources})


async def _comparing_wide(pilot) -> None:
    await _steady(pilot)
    pilot.app.session.set_marked([c[0] for c in WIDE_CHIPS])
    await pilot.press("c")
    await pilot.pause()
    table = pilot.app.screen.query_one("#compare-table")
    table.cursor_coordinate = Coordinate(5, 4)  # HBM capacity of Quartz Q1: the columns have scrolled
    await pilot.pause()


@pytest.fixture
def wide(tmp_path: Path) -> Path:
    return wide_kb(tmp_path / "wide")


def test_compare_wide_80x24(snap_compare, wide: Path) -> None:
    assert snap_compare(make_app(wide), terminal_size=SMALL, run_before=_comparing_wide)


def test_compare_wide_200x50(snap_compare, wide: Path) -> None:
    assert snap_compare(make_app(wide), terminal_size=(200, 50), run_before=_comparing_wide)
