"""KB files changed while the app is open are picked up, keeping the selection."""

from __future__ import annotations

import asyncio

from tests.support.kb_files import write_kb
from tui.widgets.entity_view import EntityView
from tui.widgets.kb_tree import KBTree
from tui.widgets.problems import ProblemsPanel

FILES = {
    "vendors.yaml": "vendors:\n  - id: acme\n    name: Acme\n    kind: hyperscaler\n",
    "chips.yaml": "chips:\n  - id: one\n    name: Chip One\n    vendor: acme\n    kind: gpu\n",
}


async def wait_for_reload(pilot, old) -> None:
    for _ in range(300):
        if pilot.app.session.kb is not old:
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("the KB was not reloaded")


async def test_changed_files_are_reloaded_keeping_the_selection(tmp_path, start_app) -> None:
    root = write_kb(tmp_path / "kb", FILES)
    async with start_app(root) as (app, pilot):
        screen = app.screen
        tree = screen.query_one(KBTree)
        tree.reveal("one")
        await pilot.pause()
        assert screen.query_one(EntityView).entity_id == "one"
        old = app.session.kb
        write_kb(
            root,
            {"chips.yaml": FILES["chips.yaml"] + "  - id: two\n    name: Chip Two\n    vendor: acme\n    kind: cpu\n"},
        )
        app.check_for_changes()
        await wait_for_reload(pilot, old)
        assert app.session.kb.get("two") is not None
        assert screen.query_one(EntityView).entity_id == "one"
        assert tree.cursor_node.data == "one"
        assert [n.data for n in tree.cursor_node.parent.children] == ["one", "two"]
        # a file broken while the app is open: the problem shows, the rest of the KB stays
        old = app.session.kb
        write_kb(root, {"vendors.yaml": "vendors:\n  - id: acme\n    name: [Acme\n"})
        app.check_for_changes()
        await wait_for_reload(pilot, old)
        panel = screen.query_one(ProblemsPanel)
        assert panel.display and panel.problems == app.session.kb.problems
        assert any("vendors.yaml" in p.path for p in app.session.kb.errors)


async def test_unchanged_files_are_not_reloaded(tmp_path, start_app) -> None:
    root = write_kb(tmp_path / "kb", FILES)
    async with start_app(root) as (app, pilot):
        old = app.session.kb
        app.check_for_changes()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.kb is old


async def test_the_app_polls_on_its_own(tmp_path, start_app) -> None:
    root = write_kb(tmp_path / "kb", FILES)
    async with start_app(root, poll_seconds=0.1) as (app, pilot):
        old = app.session.kb
        await asyncio.sleep(0.05)
        write_kb(root, {"extra.yaml": "vendors:\n  - id: other\n    name: Other\n    kind: other\n"})
        await wait_for_reload(pilot, old)
        assert app.session.kb.get("other") is not None


async def test_open_compare_and_reader_screens_follow_a_reload(tmp_path, start_app) -> None:
    from tui.screens.compare import CompareScreen
    from tui.screens.reader import ReaderScreen

    source = (
        "sources:\n  - id: s\n    title: S\n    language: en\n    text: |\n"
        "      First sentence here.\n\n      Second sentence here.\n"
    )
    claims = (
        "claims:\n  - {id: c1, statement: One, subjects: [one], source: s, excerpt: First sentence here., kind: fact}\n"
    )
    chips = "chips:\n  - id: one\n    name: Chip One\n    vendor: acme\n    kind: gpu\n    specs:\n"
    spec = "      - {name: tdp, value: %d, unit: W, source: s}\n"
    root = write_kb(tmp_path / "kb", {**FILES, "chips.yaml": chips + spec % 300, "s.yaml": source, "c.yaml": claims})
    async with start_app(root) as (app, pilot):
        app.open_compare(["one"])
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert [str(c) for c in compare.query_one("#compare-table").get_row_at(3)] == [
            "TDP (W)",
            "300",
        ]  # below the dates
        old = app.session.kb
        write_kb(root, {"chips.yaml": chips + spec % 350})
        app.check_for_changes()
        await wait_for_reload(pilot, old)
        assert [str(c) for c in compare.query_one("#compare-table").get_row_at(3)] == ["TDP (W)", "350"]
        await pilot.press("escape")
        app.open_reader("c1")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and [a.claim_id for a in reader.anchors] == ["c1"]
        old = app.session.kb
        second = claims.replace("claims:\n", "").replace("c1", "c2").replace("First", "Second")
        write_kb(root, {"c.yaml": claims + second})
        app.check_for_changes()
        await wait_for_reload(pilot, old)
        assert [a.claim_id for a in reader.anchors] == ["c1", "c2"]
        assert reader.anchors[reader.current].claim_id == "c1"  # still on the excerpt it was on
