"""What the app looks like, at a fixed terminal size, on the small fixed KB in tests/fixtures/app_kb
(and, for the problems panel, on tests/fixtures/problems/repeated-paragraphs).

Each picture waits until the KB shows and the search index is open, then clears notifications, so
nothing time-dependent reaches the snapshot. Update on purpose with `pytest --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.coordinate import Coordinate

from tests.support.paths import FIXTURES
from tests.support.pilot import make_app, ready
from tui.screens.main import MainScreen, SearchBox
from tui.widgets.entity_view import LinkList

WIDE = (140, 40)
NARROW = (90, 40)
SMALL = (80, 24)  # the smallest terminal people commonly have


async def _steady(pilot) -> None:
    await ready(pilot, search=True)
    pilot.app.screen.query_one(SearchBox).cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


async def _on_a_claim_link(pilot) -> None:
    await _steady(pilot)
    screen: MainScreen = pilot.app.screen
    screen.open_entity("acme-t1")
    await pilot.pause()
    links = screen.query_one(LinkList)
    links.highlighted = [link.target for link in links.links].index("t2-four-times")
    await pilot.pause()


def test_main_screen(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=WIDE, run_before=_on_a_claim_link)


def test_main_screen_narrow(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=_on_a_claim_link)


async def _searched(pilot) -> None:
    await _steady(pilot)
    await pilot.press("slash", "推", "論")
    screen: MainScreen = pilot.app.screen
    for _ in range(300):
        if screen.search_pane().results_for == "推論":
            break
        await pilot.pause(0.02)
    await pilot.pause()


def test_search(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=WIDE, run_before=_searched)


async def _comparing(pilot) -> None:
    await _steady(pilot)
    pilot.app.session.set_marked(["acme-t1", "acme-t2", "blue-x5"])
    await pilot.press("c")
    await pilot.pause()
    table = pilot.app.screen.query_one("#compare-table")
    table.cursor_coordinate = Coordinate(7, 1)  # the disputed TDP of Acme T1 (below the generation and date rows)
    await pilot.pause()


def test_compare(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=WIDE, run_before=_comparing)


async def _reading(pilot) -> None:
    await _steady(pilot)
    pilot.app.open_reader("x5-efficient")
    await pilot.pause()


def test_source_reader(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=_reading)


def test_main_screen_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=_on_a_claim_link)


async def _helping(pilot) -> None:
    await _steady(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


def test_help_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=_helping)


def test_compare_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=_comparing)


async def _problems_shown(pilot) -> None:
    await _steady(pilot)
    await pilot.press("p")  # warnings only: the panel opens on p, focused
    await pilot.pause()
    await pilot.press("down")  # the first problem highlighted, its lines in the centre
    await pilot.pause()


def test_problems_panel_80x24(snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "problems")  # problem paths are shown relative to the folder the app runs in
    assert snap_compare(make_app(Path("repeated-paragraphs")), terminal_size=SMALL, run_before=_problems_shown)
