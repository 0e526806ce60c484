"""The source reader: the full text with every excerpt highlighted; n / N walk the excerpts, Enter
opens the claim an excerpt anchors."""

from __future__ import annotations

from tests.support.kb_files import write_kb
from tui.screens.main import MainScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.entity_view import EntityView, LinkList
from tui.widgets.source_text import CURRENT, EXCERPT, SourceText


def styled(widget: SourceText, style: str) -> list[str]:
    """The text of every run drawn in `style`, across the wrapped rows."""
    runs = []
    for row in widget.rows:
        runs += [row.plain[s.start : s.end] for s in row.spans if str(s.style) == style]
    return runs


async def test_o_on_a_claim_opens_its_source_at_its_excerpt(started_app) -> None:
    app, pilot = started_app
    app.screen.open_entity("x5-efficient")
    await pilot.pause()
    await pilot.press("o")
    await pilot.pause()
    reader = app.screen
    assert isinstance(reader, ReaderScreen)
    assert reader.source.id == "blue-review"
    # every claim quoting the source is anchored, in reading order
    assert [a.claim_id for a in reader.anchors] == ["x5-inference", "x5-efficient", "t1-power", "markup-literal"]
    assert reader.current == 1
    text = reader.query_one(SourceText)
    assert styled(text, CURRENT) == ["消費電力は700Wと大きいが、推論チップとしての効率は高い。"]
    assert styled(text, EXCERPT) == [
        "Blue X5 は推論と学習の両方に使える汎用GPUだ。",
        "Acme T1 の消費電力は400Wだという。",
        "筆者は [bold red]注意[/] と書いておく。",
    ]
    status = reader.query_one("#reader-status").content.plain
    assert status.startswith("Excerpt 2 of 4   analysis  The review argues the Blue X5 is efficient")


async def test_n_and_shift_n_walk_the_excerpts_and_enter_opens_the_claim(started_app) -> None:
    app, pilot = started_app
    app.screen.open_entity("blue-review")
    await pilot.pause()
    app.screen.query_one("#tree").focus()  # o on the source itself, not on one of its claims
    await pilot.press("o")
    await pilot.pause()
    reader = app.screen
    assert isinstance(reader, ReaderScreen) and reader.current is None
    await pilot.press("n")
    assert reader.current == 0
    await pilot.press("n", "n")
    assert reader.current == 2
    assert styled(reader.query_one(SourceText), CURRENT) == ["Acme T1 の消費電力は400Wだという。"]
    assert "Excerpt 3 of 4" in reader.query_one("#reader-status").content.plain
    await pilot.press("N")
    assert reader.current == 1
    await pilot.press("N", "N")
    assert reader.current == 3  # wraps round
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    assert app.screen.query_one(EntityView).entity_id == "markup-literal"


async def test_o_on_a_highlighted_claim_link_and_escape_returns(started_app) -> None:
    app, pilot = started_app
    app.screen.open_entity("acme-t2")
    await pilot.pause()
    links = app.screen.query_one(LinkList)
    links.highlighted = [link.target for link in links.links].index("t2-reserve")
    await pilot.press("o")
    await pilot.pause()
    reader = app.screen
    assert isinstance(reader, ReaderScreen) and reader.source.id == "acme-launch"
    assert reader.anchors[reader.current].claim_id == "t2-reserve"
    await pilot.press("escape")
    assert isinstance(app.screen, MainScreen)


async def test_a_long_source_scrolls_to_the_excerpt(tmp_path, start_app) -> None:
    filler = "".join(f"      Filler paragraph number {i} with some words in it.\n\n" for i in range(300))
    root = write_kb(
        tmp_path / "kb",
        {
            "kb.yaml": "vendors:\n  - {id: v, name: V, kind: other}\n"
            "sources:\n  - id: long\n    title: Long\n    language: en\n    text: |\n"
            + filler
            + "      The needle sentence is here.\n"
            + "claims:\n  - {id: needle, statement: S, subjects: [v], source: long,"
            " excerpt: The needle sentence is here., kind: fact}\n"
        },
    )
    async with start_app(root) as (app, pilot):
        app.open_reader("needle")
        await pilot.pause()
        text = app.screen.query_one(SourceText)
        assert text.virtual_size.height >= 600
        row = text.row_of(app.screen.anchors[0].start)
        assert text.rows[row].plain.startswith("The needle sentence")
        assert text.scroll_offset.y <= row < text.scroll_offset.y + text.size.height


async def test_o_on_a_figure_opens_the_source_it_comes_from(started_app) -> None:
    from tui.widgets.entity_view import SpecTable

    app, pilot = started_app
    app.screen.open_entity("acme-t1")
    await pilot.pause()
    table = app.screen.query_one(SpecTable)
    table.focus()
    table.move_cursor(row=3)  # TDP 400 W, from the review
    await pilot.pause()
    await pilot.press("o")
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    assert app.screen.source.id == "blue-review"
