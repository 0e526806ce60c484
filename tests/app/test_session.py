"""The app's screens listen to the session: marks, the KB and the engine change in one place and
every screen follows; no key ever acts on the results of a query other than the one typed; every
result can be reached; marks can be cleared; `e` asks where before it first writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.screens.compare import CompareScreen
from tui.screens.folder_dialog import FolderDialog
from tui.screens.main import MainScreen
from tui.widgets.kb_tree import KBTree
from tui.widgets.problems import ProblemsPanel
from tui.widgets.search_pane import SearchPane


async def wait_for(pilot, condition, what: str) -> None:
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def test_marks_set_anywhere_show_on_every_screen_and_x_clears_them(started_app) -> None:
    app, pilot = started_app
    app.session.set_marked(["acme-t1", "no-such-chip", "acme"])  # only chips can be marked
    await pilot.pause()
    assert app.session.marked == ["acme-t1"]
    assert app.main.query_one(KBTree).marked == {"acme-t1"}
    assert "marked: Acme T1" in app.main.query_one("#status").content.plain
    app.open_compare(app.session.marked)
    await pilot.pause()
    assert isinstance(app.screen, CompareScreen)
    await pilot.press("a")  # add a chip from the picker: the marks follow, and the main screen too
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert len(app.session.marked) == 2
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    assert app.main.query_one(KBTree).marked == set(app.session.marked)
    await pilot.press("x")
    await pilot.pause()
    assert app.session.marked == []
    assert app.main.query_one(KBTree).marked == set()
    assert "marked:" not in app.main.query_one("#status").content.plain


@pytest.mark.started_app(search=True)
async def test_keys_never_act_on_the_results_of_an_older_query(started_app, monkeypatch) -> None:
    import tui.widgets.search_pane

    app, pilot = started_app
    screen: MainScreen = app.main
    await pilot.press("slash", *"acme")
    pane: SearchPane = screen.search_pane()
    await wait_for(pilot, lambda: pane.results_for == "acme", "results for acme")
    assert pane.results.hits and not pane.results_list.disabled
    # a new query: before its results come, Down and Space must not reach the old list (its debounce
    # made long, so that a busy machine cannot let the new results arrive before the checks)
    monkeypatch.setattr(tui.widgets.search_pane, "DEBOUNCE_SECONDS", 2.0)
    await pilot.press("space", "t", "2", "down", "space")
    assert pane.query_text == "acme t2"
    assert pane.results_list.disabled
    assert app.session.marked == []
    assert screen.focused is screen.query_one("#search")
    await wait_for(pilot, lambda: pane.results_for == "acme t2", "results for acme t2")
    assert not pane.results_list.disabled
    await app.workers.wait_for_complete()


@pytest.mark.started_app(search=True)
async def test_every_result_is_reachable_from_the_last_one(started_app, monkeypatch) -> None:
    import tui.widgets.search_pane as search_pane

    monkeypatch.setattr(search_pane, "RESULT_LIMIT", 2)  # pages of two hits on the small fixture KB
    app, pilot = started_app
    await pilot.press("slash", *"type:claim")
    pane: SearchPane = app.main.search_pane()
    await wait_for(pilot, lambda: pane.results_for == "type:claim", "claims")
    total = pane.results.total
    assert total > 2 and len(pane.results.hits) == 2 and pane.results_list.more
    assert "the last one or End shows more" in app.main.query_one("#results-summary").content.plain
    await pilot.press("down")  # into the results
    for _ in range(total):
        await pilot.press("end")
        await wait_for(pilot, lambda: not pane.workers, "the next page")
        await pilot.pause()
    assert len(pane.results.hits) == total and not pane.results_list.more
    assert len({hit.id for hit in pane.results.hits}) == total


async def test_e_asks_where_before_it_first_writes(started_app, tmp_path: Path) -> None:
    app, pilot = started_app
    assert not app.settings.export_dir_chosen
    app.main.open_entity("acme-t1")
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, FolderDialog)
    assert app.screen.query_one("#folder").value == str(app.settings.export_dir)  # the default, shown
    await pilot.press("escape")  # cancelled: nothing written, and it asks again next time
    await pilot.pause()
    assert not app.settings.export_dir_chosen and app.last_export is None
    await pilot.press("e")
    await pilot.pause()
    folder = app.screen.query_one("#folder")
    folder.value = str(tmp_path / "vault")
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert app.settings.export_dir_chosen
    assert (tmp_path / "vault" / "chips" / "acme-t1.md").is_file()
    await pilot.press("e")  # chosen once: no second question
    await pilot.pause()
    assert not isinstance(app.screen, FolderDialog)


@pytest.mark.started_app(kb_root=Path(__file__).resolve().parents[1] / "fixtures" / "problems" / "repeated-paragraphs")
async def test_the_problems_panel_shows_kb_relative_paths(started_app) -> None:
    app, pilot = started_app
    await pilot.press("p")
    await pilot.pause()
    panel = app.main.query_one(ProblemsPanel)
    first = panel.get_option_at_index(0).prompt.plain
    assert first.startswith("article.md:8:1\n"), first
    assert ".venv" not in first and "/" not in first.split("\n")[0]


async def test_a_claims_links_read_the_right_way_round_with_their_reasons(started_app) -> None:
    """x5-inference supports x5-efficient: the first lists it under Supports, the second lists the
    first under Supported by, each with the link's reason; the status counts incoming links only."""
    from tui.widgets.entity_view import EntityView

    app, pilot = started_app

    def sections(entity_id: str) -> dict[str, list[str]]:
        app.main.open_entity(entity_id)
        links = app.main.query_one(EntityView).link_list().links
        found: dict[str, list[str]] = {}
        heading = ""
        for link in links:
            if not link.target and not link.more:
                heading = link.label.plain.rsplit(" (", 1)[0]
                found[heading] = []
            elif link.target:
                found[heading].append(f"{link.target}: {link.label.plain}")
        return found

    supporting = sections("x5-inference")
    await pilot.pause()
    assert [line.split(":")[0] for line in supporting["Supports"]] == ["x5-efficient"]
    assert "why: The same review says the X5 serves inference." in supporting["Supports"][0]
    assert "Supported by" not in supporting
    supported = sections("x5-efficient")
    await pilot.pause()
    assert [line.split(":")[0] for line in supported["Supported by"]] == ["x5-inference"]
    assert "Supports" not in supported
    assert app.session.kb.status("x5-efficient") == "corroborated"
    assert app.session.kb.status("x5-inference") == "unverified"
