"""The compare screen: a column per chip, a row per figure, best values highlighted, disputes shown
with both sources, derived rows, the claims below; chips added and removed; `e` exports."""

from __future__ import annotations

from textual.coordinate import Coordinate

from tui.screens.compare import BEST, DISPUTED, CompareScreen
from tui.screens.main import MainScreen
from tui.screens.pick_chip import ChipPicker
from tui.widgets.entity_view import EntityView
from tui.widgets.kb_tree import KBTree


def table_text(screen: CompareScreen) -> list[list[str]]:
    table = screen.query_one("#compare-table")
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def best_cells(screen: CompareScreen) -> set[tuple[str, str]]:
    """(row label, chip column) of every cell drawn in the best style."""
    table = screen.query_one("#compare-table")
    found = set()
    for r in range(table.row_count):
        row = table.get_row_at(r)
        for c, cell in enumerate(row[1:], start=1):
            if any(str(span.style) == BEST for span in cell.spans):
                found.add((str(row[0]), str(table.ordered_columns[c].label)))
    return found


async def open_compare(pilot, chips: list[str]) -> CompareScreen:
    app = pilot.app
    tree = app.screen.query_one(KBTree)
    tree.focus()
    for chip in chips:
        assert tree.reveal(chip)
        await pilot.pause()
        await pilot.press("space")
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, CompareScreen)
    return app.screen


async def test_compare_rows_units_best_and_derived(started_app) -> None:
    _, pilot = started_app
    screen = await open_compare(pilot, ["acme-t1", "acme-t2", "blue-x5"])
    assert [str(c.label) for c in screen.query_one("#compare-table").ordered_columns] == [
        "Figure",
        "Acme T1",
        "Acme T2",
        "Blue X5 [beta]",
    ]
    # what each chip is, then its figures: 0.4 PFLOPS shows as 400 TFLOPS, 800 GB/s as 0.8 TB/s;
    # derived rows come last
    assert table_text(screen) == [
        ["Generation", "1", "2", ""],
        ["Announced", "2021-03", "2023-11", "2022"],
        ["Available", "", "", ""],
        ["BF16 dense (TFLOPS)", "100", "400", "300"],
        ["FP8 dense (TFLOPS)", "", "", "600"],
        ["HBM capacity (GB)", "32", "96", ""],
        ["HBM bandwidth (TB/s)", "0.8", "2.9", ""],
        ["TDP (W)", "≠ 400", "n/d", "700"],
        ["BF16 dense TFLOPS per watt (TFLOPS/W) derived", "≠ 0.25", "", "0.429"],
        ["FP8 dense TFLOPS per watt (TFLOPS/W) derived", "", "", "0.857"],
        ["HBM bandwidth per BF16 dense TFLOPS (GB/s per TFLOPS) derived", "8", "7.25", ""],
    ]
    assert best_cells(screen) == {
        ("BF16 dense (TFLOPS)", "Acme T2"),
        ("HBM capacity (GB)", "Acme T2"),
        ("HBM bandwidth (TB/s)", "Acme T2"),
        ("BF16 dense TFLOPS per watt (TFLOPS/W) derived", "Blue X5 [beta]"),
        ("HBM bandwidth per BF16 dense TFLOPS (GB/s per TFLOPS) derived", "Acme T1"),
    }  # a row with one value (FP8) has no best, nor has TDP (a lower TDP is not a better chip)
    claims = screen.query_one("#compare-claims")
    listed = [claims.get_option_at_index(i).prompt.plain for i in range(claims.option_count)]
    assert listed[0] == "Acme T1 (2)"
    assert "Blue X5 [beta] (2)" in listed


async def test_a_disputed_figure_shows_both_values_and_sources_on_selection(started_app) -> None:
    _, pilot = started_app
    screen = await open_compare(pilot, ["acme-t1", "blue-x5"])
    table = screen.query_one("#compare-table")
    tdp = next(i for i, r in enumerate(table_text(screen)) if r[0] == "TDP (W)")
    disputed_cell = table.get_row_at(tdp)[1]
    assert any(str(span.style) == DISPUTED for span in disputed_cell.spans)
    table.cursor_coordinate = Coordinate(tdp, 1)
    await pilot.pause()
    detail = screen.query_one("#cell-detail").content.plain
    assert "sources disagree" in detail
    assert "tdp: 400 W  Blue X5 レビュー (chipkb test fixture, 2024-02-01)" in detail
    acme = "tdp: 450 W  Acme T2 launch notes (chipkb test fixture, 2023-11-28) https://example.com/acme-t2"
    assert acme in detail


async def test_chips_are_added_and_removed_and_marks_follow(started_app) -> None:
    app, pilot = started_app
    screen = await open_compare(pilot, ["acme-t1"])
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, ChipPicker)
    for char in "x5":
        await pilot.press(char)
    await pilot.press("enter")
    await pilot.pause()
    assert app.screen is screen
    assert screen.chip_ids == ["acme-t1", "blue-x5"]
    assert app.session.marked == ["acme-t1", "blue-x5"]
    table = screen.query_one("#compare-table")
    table.cursor_coordinate = Coordinate(0, 1)
    await pilot.press("x")
    assert screen.chip_ids == ["blue-x5"]
    assert [str(c.label) for c in table.ordered_columns] == ["Figure", "Blue X5 [beta]"]
    assert app.session.marked == ["blue-x5"]
    await pilot.press("escape")
    assert isinstance(app.screen, MainScreen)
    assert "marked: Blue X5 [beta]" in app.screen.query_one("#status").content.plain


async def test_enter_on_a_claim_opens_it_on_the_main_screen(started_app) -> None:
    app, pilot = started_app
    screen = await open_compare(pilot, ["blue-x5"])
    claims = screen.query_one("#compare-claims")
    claims.focus()
    await pilot.press("down")
    wanted = claims.links[claims.highlighted].target
    assert wanted in {"x5-inference", "x5-efficient"}
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    assert app.screen.query_one(EntityView).entity_id == wanted


async def test_c_without_marks_compares_the_chip_in_view_and_e_exports(tmp_path, started_app) -> None:
    app, pilot = started_app
    app.settings.export_dir = tmp_path / "notes"
    app.settings.export_dir_chosen = True  # chosen before: e writes without asking
    app.screen.open_entity("acme-t2")
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, CompareScreen) and app.screen.chip_ids == ["acme-t2"]
    await pilot.press("e")
    await app.workers.wait_for_complete()
    await pilot.pause()
    from kb.notes.render import comparison_path

    written = [p.relative_to(tmp_path / "notes").as_posix() for p in app.last_export.written]
    # the comparison, the vault's index that lists it, and the vault's markdownlint settings
    assert written == [".markdownlint.yaml", comparison_path(["acme-t2"]), "index.md"]
    note = (tmp_path / "notes" / comparison_path(["acme-t2"])).read_text(encoding="utf-8")
    assert "Acme T2" in note and "400" in note
