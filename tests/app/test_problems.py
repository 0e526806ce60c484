"""A broken KB still opens: the valid entities show, and every problem is listed with its lines."""

from __future__ import annotations

from pathlib import Path

from tests.support.kb_files import write_kb
from tui.screens.main import MainScreen
from tui.widgets.kb_tree import KBTree
from tui.widgets.problems import ProblemsPanel, ProblemView

BROKEN = {
    "vendors.yaml": "vendors:\n  - id: acme\n    name: Acme\n    kind: hyperscaler\n",
    "chips.yaml": (
        "chips:\n"
        "  - id: good-chip\n    name: Good Chip\n    vendor: acme\n    kind: gpu\n"
        "  - id: lost-chip\n    name: Lost Chip\n    vendor: nobody\n    kind: gpu\n"
    ),
    "broken.yaml": "claims:\n  - id: half\n    statement: [unclosed\n",
}


async def test_broken_kb_opens_with_problems_panel(tmp_path, start_app) -> None:
    root = write_kb(tmp_path / "kb", BROKEN)
    async with start_app(root) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert app.session.kb is not None and app.session.kb.errors
        panel = screen.query_one(ProblemsPanel)
        assert panel.display
        listed = [str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)]
        # each problem: its place inside the KB folder, then its message (never the folder's own path)
        assert listed == [
            f"{Path(p.path).relative_to(root)}:{p.line}:{p.col}\n{p.message}" for p in app.session.kb.problems
        ]
        assert any(line.startswith("chips.yaml:") and "unknown vendor 'nobody'" in line for line in listed)
        assert any(line.startswith("broken.yaml:") for line in listed)
        assert not any(str(root) in line for line in listed)
        # the valid entities still show
        tree = screen.query_one(KBTree)
        assert tree.reveal("good-chip") and tree.reveal("lost-chip")
        await pilot.pause()
        # choosing a problem shows its lines, the offending one marked
        panel.focus()
        index = next(i for i, p in enumerate(app.session.kb.problems) if "nobody" in p.message)
        panel.highlighted = index
        await pilot.pause()
        view = screen.query_one(ProblemView)
        assert view.problem == app.session.kb.problems[index]
        shown = view.content.plain
        problem = app.session.kb.problems[index]
        assert f"{problem.line} > " in shown
        # the problem takes two lines (place, then message), a blank line, then the numbered lines
        assert "vendor: nobody" in shown.splitlines()[3 + problem.line - max(1, problem.line - 3)]
        assert screen.query_one("#centre").current == "problem-scroll"
        # p hides the panel and brings the entity view back
        await pilot.press("p")
        assert not panel.display
        assert screen.query_one("#centre").current == "entity"


async def test_warnings_alone_do_not_open_the_panel(tmp_path, start_app) -> None:
    text = "A paragraph that is long enough to repeat.\n\nA paragraph that is long enough to repeat.\n"
    root = write_kb(
        tmp_path / "kb",
        {
            "s.yaml": "sources:\n  - id: s\n    title: S\n    language: en\n    text: |\n"
            + "".join(f"      {line}\n" for line in text.splitlines())
        },
    )
    async with start_app(root) as (app, pilot):
        assert app.session.kb.problems and not app.session.kb.errors
        panel = app.screen.query_one(ProblemsPanel)
        assert not panel.display and panel.problems == app.session.kb.problems
        assert "0 errors, 1 warning (p)" in app.screen.query_one("#status").content.plain
        await pilot.press("p")
        assert panel.display and panel.has_focus
        assert panel.problems == app.session.kb.problems
