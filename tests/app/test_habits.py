"""Habits users expect: the command palette jumps to entities, the key bar follows focus, ? helps,
q quits, the theme and the export folder are remembered, e exports the entity in view."""

from __future__ import annotations

import io
import json
import re

from rich.console import Console
from textual.command import CommandPalette

from kb.notes.render import note_path
from tui.screens.folder_dialog import FolderDialog
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.settings import Settings
from tui.widgets.entity_view import EntityView
from tui.widgets.key_bar import KeyBar


async def palette_pick(pilot, typed: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    for char in typed:
        await pilot.press(char)
    for _ in range(200):  # the palette searches in the background
        await pilot.pause(0.02)
        if pilot.app.screen.query("CommandList").first().option_count:
            break
    await pilot.press("enter")
    await pilot.pause()


async def test_palette_jumps_to_an_entity_by_alias(started_app) -> None:
    app, pilot = started_app
    await palette_pick(pilot, "Acme Trainer")
    assert isinstance(app.screen, MainScreen)
    assert app.screen.query_one(EntityView).entity_id == "acme-t1"
    await palette_pick(pilot, "reserve T2 capacity")
    assert app.screen.query_one(EntityView).entity_id == "t2-reserve"


async def test_key_bar_shows_the_bindings_of_the_focused_pane(started_app) -> None:
    app, pilot = started_app
    bar = app.screen.query_one(KeyBar)
    on_tree = [description for _, _, description, _ in bar.shown_keys()]
    assert on_tree[:2] == ["Mark chip", "Search"] and "Quit" in on_tree and "Help" in on_tree
    app.screen.open_entity("acme-t1")
    await pilot.pause()
    on_links = [description for _, _, description, _ in bar.shown_keys()]
    assert on_links[0] == "Follow link"
    await pilot.press("slash")
    in_search = [description for _, _, description, _ in bar.shown_keys()]
    assert "Clear search" in in_search and "Quit" not in in_search  # q types a q here
    assert " esc Clear search " in bar.render().plain


async def test_question_mark_opens_help_and_q_quits(start_app) -> None:
    async with start_app() as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-text").content)
        shown = console.export_text()
        assert re.search(r"^c +compare the marked chips", shown, re.MULTILINE)
        assert re.search(r"^n / N +next / previous excerpt", shown, re.MULTILINE)
        assert re.search(r"^type:chip  kind:forecast +only chips", shown, re.MULTILINE)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_q_in_the_search_box_types_a_q(started_app) -> None:
    app, pilot = started_app
    await pilot.press("slash", "q")
    assert app.is_running
    assert app.screen.query_one("#search").value == "q"


async def test_theme_is_remembered_between_runs(start_app) -> None:
    async with start_app() as (app, pilot):
        app.theme = "nord"
        await pilot.pause()
    assert json.loads(Settings.path().read_text(encoding="utf-8"))["theme"] == "nord"
    async with start_app() as (again, _):
        assert again.theme == "nord"


async def test_e_exports_the_entity_in_view_into_the_remembered_folder(tmp_path, start_app) -> None:
    async with start_app() as (app, pilot):
        shown: list[str] = []
        notify = app.notify
        app.notify = lambda message, **options: (shown.append(message), notify(message, **options))  # type: ignore[method-assign]
        app.ask_export_dir()
        await pilot.pause()
        assert isinstance(app.screen, FolderDialog)
        field = app.screen.query_one("#folder")
        field.value = str(tmp_path / "vault")
        await pilot.press("enter")
        await pilot.pause()
        assert app.settings.export_dir == tmp_path / "vault"
        app.screen.open_entity("acme-t1")
        await pilot.pause()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        note = tmp_path / "vault" / note_path(app.session.kb.get("acme-t1"))
        assert note in app.last_export.written
        assert "Acme T1" in note.read_text(encoding="utf-8")
        assert any(f"wrote {note}" in message for message in shown)
    assert Settings.load().export_dir == tmp_path / "vault"


def test_settings_survive_a_damaged_file() -> None:
    Settings.path().parent.mkdir(parents=True, exist_ok=True)
    Settings.path().write_text("{not json", encoding="utf-8")
    assert Settings.load() == Settings()
    Settings.path().write_text('["a list"]', encoding="utf-8")
    assert Settings.load() == Settings()


async def test_clicking_a_key_in_the_key_bar_runs_it(started_app) -> None:
    app, pilot = started_app
    app.screen.query_one("#tree").focus()
    await pilot.pause()
    bar = app.screen.query_one(KeyBar)
    x = bar.render().plain.index(" ? Help ") + 1
    await pilot.click(KeyBar, offset=(x, 0))
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
