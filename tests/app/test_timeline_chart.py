"""The Timeline and Chart views, and the compare screen as an analyst uses it: opened from the main
screen's keys, walked with the keyboard, Enter opening the chip; compare's columns ordered by a row
or by date, its labels pinned, and a number never shown cut."""

from __future__ import annotations

import pytest
from textual.coordinate import Coordinate

from tests.support.kb_files import write_kb
from tests.support.paths import BUNDLED_KB
from tui.screens.chart import ChartScreen
from tui.screens.chart_dialogs import FigurePicker, VendorPicker
from tui.screens.compare import CompareScreen
from tui.screens.main import MainScreen
from tui.screens.timeline import TimelineScreen
from tui.widgets.entity_view import EntityView
from tui.widgets.whole_cells import WholeCellTable


def rows_of(table) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


# --- timeline ---------------------------------------------------------------------------------------


async def test_t_opens_the_timeline_a_lane_per_vendor_each_chip_at_its_date(started_app) -> None:
    app, pilot = started_app
    await pilot.press("t")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, TimelineScreen)
    table = screen.query_one(WholeCellTable)
    assert table.fixed_columns == 1  # the time axis stays while the lanes scroll
    assert [str(c.label) for c in table.ordered_columns] == ["date", "Acme Cloud", "Blue Silicon"]
    # a year row for every year; blue-x5 (announced "2022") at the head of 2022, as written; blue-x1 has no date
    assert rows_of(table) == [
        ["2021", "", ""],
        ["2021-03", "◆ T1", ""],
        ["2022", "", ""],
        ["2022", "", "◆ X5 [beta]"],
        ["2023", "", ""],
        ["2023-11", "◆ T2", ""],
    ]
    assert screen.event_at_cursor().entity_id == "acme-t1"
    await pilot.press("down", "down", "right")
    assert screen.event_at_cursor().entity_id == "blue-x5"
    assert "Blue X5 [beta] · Blue Silicon · announced 2022 · available not known" in str(
        screen.query_one("#timeline-detail").content
    )
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    assert app.screen.query_one(EntityView).entity_id == "blue-x5"


async def test_timeline_shows_one_kind_of_date_and_chosen_vendors(started_app) -> None:
    app, pilot = started_app
    await pilot.press("t")
    await pilot.pause()
    screen = app.screen
    await pilot.press("d")  # announced only: the same, since the fixture has no availability dates
    assert screen.shown == ("announced",)
    await pilot.press("d")  # available only: nothing dated
    assert screen.query_one(WholeCellTable).row_count == 0
    await pilot.press("d")
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, VendorPicker)
    await pilot.press("space")  # untick the first vendor (Acme Cloud)
    await pilot.press("enter")
    await pilot.pause()
    assert app.screen is screen and screen.vendors == ["blue"]
    assert [str(c.label) for c in screen.query_one(WholeCellTable).ordered_columns] == ["date", "Blue Silicon"]


# --- chart ------------------------------------------------------------------------------------------


async def test_g_opens_the_chart_of_the_most_stated_figure_and_enter_opens_a_point(started_app) -> None:
    app, pilot = started_app
    await pilot.press("g")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ChartScreen)
    assert screen.describe() == {
        "figure": "bf16-dense",
        "per_watt": False,
        "bars": False,
        "log": False,
        "vendors": [],
        "selected": "acme-t1",  # the earliest point
        "points": 3,
    }
    assert [[p.row.chip.id for p in s.points] for s in screen.data.series] == [["acme-t1", "acme-t2"], ["blue-x5"]]
    legend = screen.query_one("#chart-legend").content.plain
    assert "● Acme Cloud   ● Blue Silicon" in legend
    await pilot.press("right")  # by date: X5 (2022), then T2 (2023-11)
    assert screen.selected_chip == "blue-x5"
    detail = screen.query_one("#chart-detail").content.plain
    assert detail.startswith("Blue X5 [beta] · Blue Silicon · 300 TFLOPS · rank 2 of 3 · 2022")
    assert "bf16-dense: 300 TFLOPS  Blue X5 レビュー" in detail
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    assert app.screen.query_one(EntityView).entity_id == "blue-x5"


async def test_chart_keys_toggle_scale_per_watt_bars_and_pick_figure_and_vendors(started_app) -> None:
    app, pilot = started_app
    await pilot.press("g")
    await pilot.pause()
    screen = app.screen
    await pilot.press("l")
    assert screen.describe()["log"] is True
    await pilot.press("w")  # per watt: T2's TDP is not disclosed, so it is skipped and counted
    assert screen.data.ranking.unit == "TFLOPS/W"
    assert [r.chip.id for r in screen.data.ranking.rows] == ["blue-x5", "acme-t1"]
    assert "1 chips without a TDP skipped" in screen.query_one("#chart-legend").content.plain
    await pilot.press("b")  # bars: the cursor walks the ranking
    assert screen.describe()["bars"] is True
    assert screen.selected_chip == "acme-t1"  # the selection is kept: T1, ranked last
    await pilot.press("down")
    assert screen.selected_chip == "blue-x5"  # round to the top
    await pilot.press("up")
    assert screen.selected_chip == "acme-t1"
    await pilot.press("f")
    await pilot.pause()
    assert isinstance(app.screen, FigurePicker)
    picker = app.screen
    assert picker.names == ["bf16-dense", "fp8-dense", "hbm-capacity", "hbm-bandwidth", "tdp"]
    await pilot.press("down", "down", "enter")
    await pilot.pause()
    assert app.screen is screen
    assert (screen.figure, screen.per_watt) == ("hbm-capacity", False)  # no per-watt form for capacity
    await pilot.press("w")
    assert screen.per_watt is False
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, VendorPicker)
    assert app.screen.vendors == [("acme", "Acme Cloud")]  # only Acme has HBM figures
    await pilot.press("escape")
    await pilot.press("escape")
    assert isinstance(app.screen, MainScreen)


async def test_the_chart_view_draws_a_thousand_points(tmp_path, start_app) -> None:
    chips = "chips:\n" + "".join(
        f"  - {{id: c{i}, name: Chip {i}, vendor: v{i % 7}, kind: gpu, announced: {2015 + i % 10}-{1 + i % 12:02d},"
        f" specs: [{{name: bf16-dense, value: {100 + i}, unit: TFLOPS, source: s}}]}}\n"
        for i in range(1000)
    )
    vendors = "vendors:\n" + "".join(f"  - {{id: v{v}, name: Vendor {v}, kind: chip-designer}}\n" for v in range(7))
    source = "sources:\n  - {id: s, title: S, language: en, text: t}\n"
    big = write_kb(tmp_path / "big", {"chips.yaml": chips, "vendors.yaml": vendors, "sources.yaml": source})
    async with start_app(big, size=(120, 40)) as (app, pilot):
        await pilot.press("g")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChartScreen)
        assert screen.describe()["points"] == 1000
        plot = screen.plot
        assert plot.drawn_at > 0
        lines = [plot.render_line(y).text for y in range(plot.size.height)]
        assert sum(line.count("●") + line.count("◆") for line in lines) > 100  # drawn, not labelled one by one


# --- compare ----------------------------------------------------------------------------------------


async def open_compare(pilot, chips: list[str]) -> CompareScreen:
    pilot.app.session.set_marked(chips)
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CompareScreen)
    return pilot.app.screen


async def test_compare_has_date_and_generation_rows_and_sorts_columns_by_a_row(started_app) -> None:
    _, pilot = started_app
    screen = await open_compare(pilot, ["acme-t1", "acme-t2", "blue-x5"])
    table = screen.query_one(WholeCellTable)
    assert table.fixed_columns == 1
    assert rows_of(table)[:3] == [
        ["Generation", "1", "2", ""],
        ["Announced", "2021-03", "2023-11", "2022"],
        ["Available", "", "", ""],
    ]
    table.cursor_coordinate = Coordinate(3, 1)  # BF16 dense: T1 100, T2 400, X5 300
    await pilot.press("s")
    assert screen.chip_ids == ["acme-t2", "blue-x5", "acme-t1"]  # best first
    assert rows_of(table)[3][0] == "▸ BF16 dense (TFLOPS)"
    await pilot.press("s")  # again: the other way
    assert screen.chip_ids == ["acme-t1", "blue-x5", "acme-t2"]
    table.cursor_coordinate = Coordinate(6, 1)  # HBM bandwidth: X5 has none, so it stays last
    await pilot.press("s")
    assert screen.chip_ids == ["acme-t2", "acme-t1", "blue-x5"]
    await pilot.press("d")  # by date: 2021-03, 2022, 2023-11
    assert screen.chip_ids == ["acme-t1", "blue-x5", "acme-t2"]
    await pilot.press("d")
    assert screen.chip_ids == ["acme-t2", "blue-x5", "acme-t1"]
    # the marks are the user's, not the order of the columns
    assert pilot.app.session.marked == ["acme-t1", "acme-t2", "blue-x5"]


@pytest.mark.started_app(search=True)
async def test_shift_c_compares_every_chip_the_search_found(started_app) -> None:
    app, pilot = started_app
    await pilot.press("slash", *"type:chip")
    screen = app.screen
    for _ in range(200):
        if screen.search_pane().results_for == "type:chip":
            break
        await pilot.pause(0.02)
    await pilot.press("down", "C")
    for _ in range(200):
        if isinstance(app.screen, CompareScreen):
            break
        await pilot.pause(0.02)
    assert isinstance(app.screen, CompareScreen)
    assert sorted(app.screen.chip_ids) == ["acme-t1", "acme-t2", "blue-x1", "blue-x5"]


async def test_shift_c_without_a_search_says_what_to_do(started_app) -> None:
    app, pilot = started_app
    await pilot.press("C")
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    assert any("then C compares the chips found" in str(n.message) for n in app._notifications)


async def test_at_80x24_labels_stay_and_no_number_is_ever_cut(start_app) -> None:
    async with start_app(BUNDLED_KB, size=(80, 24)) as (app, pilot):
        chips = [c.id for c in app.session.kb.chips]
        screen = await open_compare(pilot, chips)
        table = screen.query_one(WholeCellTable)
        assert table.ordered_columns[0].width == 26  # the labels get a third of the screen, not 60 columns
        checked = 0
        for _ in range(len(chips)):
            await pilot.press("right")
            await pilot.pause()
            fixed = table.ordered_columns[0].get_render_width(table)
            spans = table.cut_spans()
            in_view = table.scrollable_content_region.width  # what the vertical scrollbar leaves
            for y in range(1, min(table.size.height, table.row_count + 1)):
                line = table.render_line(y).text[:in_view]
                assert line[1:fixed].strip(), "the label column is always there"
                for start, end in spans:
                    assert not line[start:end].strip(), f"a cut cell shows {line[start:end]!r}"
                # every value in view is a whole cell of its row
                row = [str(c).strip() for c in table.get_row_at(y - 1 + round(table.scroll_y))]
                for token in line[fixed:].split():
                    assert any(token in cell.split() for cell in row[1:]), (token, row)
                    checked += 1
        assert checked > 100


def test_the_chart_opens_on_the_throughput_figure_most_chips_state(tmp_path) -> None:
    from kb.store.knowledge import load_kb
    from tests.kb.views.figures_kb import FILES
    from tui.screens.chart import default_figure

    # five chips state a TDP and four BF16: still the throughput figure first
    files = dict(FILES)
    c3_bf16 = "      - {name: bf16-dense, value: 100, unit: TFLOPS, source: s2}\n"
    c3_tdp = "      - {name: tdp, value: 90, unit: W, source: s2}\n"
    files["chips.yaml"] = files["chips.yaml"].replace(c3_bf16, c3_tdp)
    kb = load_kb(write_kb(tmp_path / "kb", files))
    assert default_figure(kb) == "bf16-dense"
    chip = (
        "  - {{id: t{0}, name: T{0}, vendor: acme, kind: gpu, specs: [{{name: tdp, value: 9, unit: W, source: s1}}]}}\n"
    )
    tdp_only = {**FILES, "chips.yaml": "chips:\n" + "".join(chip.format(i) for i in range(3))}
    assert default_figure(load_kb(write_kb(tmp_path / "tdp", tdp_only))) == "tdp"  # no throughput figure at all
