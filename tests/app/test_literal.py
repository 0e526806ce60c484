"""KB text is data: markup shows literally, escape sequences and bidi overrides never reach the terminal."""

from __future__ import annotations

from tests.support.kb_files import write_kb
from tui.widgets.entity_view import EntityView
from tui.widgets.excerpt_pane import ExcerptPane
from tui.widgets.kb_tree import KBTree

HOSTILE = {
    "kb.yaml": (
        "vendors:\n"
        '  - id: evil\n    name: "[bold red]Evil[/] Corp"\n    kind: other\n'
        '    summary: "\\e[31mred\\e[0m and \\e]0;title\\a and \\u202Eevil"\n'
        "chips:\n"
        '  - id: evil-chip\n    name: "[link=https://x]chip[/link] \\e[2J"\n    vendor: evil\n    kind: gpu\n'
        "sources:\n"
        '  - id: src\n    title: "[b]T[/b]"\n    language: en\n'
        '    text: "Intro.\\n\\nIt said [red]x[/] \\e[31mloud\\e[0m here.\\n"\n'
        "claims:\n"
        '  - id: c1\n    statement: "[bold red]x[/]"\n    subjects: [evil-chip]\n    source: src\n'
        '    excerpt: "It said [red]x[/] \\e[31mloud\\e[0m"\n    kind: fact\n'
    )
}


async def test_markup_and_escapes_show_literally(tmp_path, start_app) -> None:
    root = write_kb(tmp_path / "kb", HOSTILE)
    async with start_app(root) as (app, pilot):
        assert not app.session.kb.errors, app.session.kb.problems
        screen = app.screen
        tree = screen.query_one(KBTree)
        tree.reveal("evil")
        await pilot.pause()
        assert tree.cursor_node.label.plain == "[bold red]Evil[/] Corp (1)"
        assert not any("red" in str(span.style) for span in tree.cursor_node.label.spans)
        header = screen.query_one("#entity-header").content
        assert "\\x1b[31mred\\x1b[0m and \\x1b]0;title\\x07 and \\u202eevil" in header.plain
        assert "\x1b" not in header.plain and "\u202e" not in header.plain
        screen.open_entity("c1")
        await pilot.pause()
        view = screen.query_one(EntityView)
        assert view.query_one("#entity-header").content.plain.splitlines()[1] == "[bold red]x[/]"
        pane = screen.query_one(ExcerptPane)
        assert pane.passage is not None
        excerpt = pane.query_one("#excerpt-text").content
        assert "It said [red]x[/] \\x1b[31mloud\\x1b[0m here." in excerpt.plain
        highlighted = [excerpt.plain[s.start : s.end] for s in excerpt.spans if "yellow" in str(s.style)]
        assert highlighted == ["It said [red]x[/] \\x1b[31mloud\\x1b[0m"]
        screenshot = app.export_screenshot()
        assert "\x1b" not in screenshot and "\u202e" not in screenshot
        assert "[bold&#160;red]x[/]" in screenshot


async def test_fixture_markup_is_literal_in_the_tree_and_links(started_app) -> None:
    app, pilot = started_app
    app.screen.open_entity("blue")
    await pilot.pause()
    header = app.screen.query_one("#entity-header").content.plain
    assert "A fictional designer of [bold red]GPUs[/] and accelerators." in header
    app.screen.open_entity("blue-x5")
    await pilot.pause()
    assert app.screen.query_one("#entity-header").content.plain.startswith("Blue X5 [beta]")


def test_palette_shows_a_hostile_name_literally() -> None:
    from textual.fuzzy import Matcher

    from tui.palette import _highlight_literally

    name = "Dollar $primary [@click=app.quit]quit[/] [bold red]x[/]"
    shown = _highlight_literally(Matcher("quit"), name)
    assert shown.plain == name
    assert all("click" not in str(span.style) for span in shown.spans)


def test_problem_lines_of_a_huge_one_line_file_are_bounded(tmp_path) -> None:
    from kb.store.model import Problem
    from tui.widgets.problems import MAX_LINE_CHARS, offending_lines

    huge = tmp_path / "big.yaml"
    with huge.open("wb") as handle:
        handle.write(b"x" * (50 * 1024 * 1024))
    shown = offending_lines(Problem(str(huge), 1, 1, "file is too big"))
    assert len(shown.plain) < MAX_LINE_CHARS + 200
