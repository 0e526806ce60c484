"""The main screen: tree, entity view, links and history, excerpt pane, marks, layout."""

from __future__ import annotations

from rich.text import Text

from tests.support.kb_files import synthetic_kb
from tests.support.pilot import SIZE
from tui.screens.main import MainScreen
from tui.widgets.entity_view import EntityView, LinkList, SpecTable
from tui.widgets.excerpt_pane import HIGHLIGHT, ExcerptPane
from tui.widgets.kb_tree import PAGE, KBTree


def styled_spans(text: Text, style: str) -> list[str]:
    return [text.plain[span.start : span.end] for span in text.spans if str(span.style) == style]


async def test_tree_shows_groups_with_counts_and_vendors_chips(started_app) -> None:
    app, pilot = started_app
    tree = app.screen.query_one(KBTree)
    top = [node.label.plain for node in tree.root.children]
    assert top == ["Vendors (2)", "Claims (6)", "Sources (2)"]
    vendors = tree.root.children[0]
    await pilot.press("enter")  # expand Vendors
    await pilot.pause()
    assert [n.label.plain for n in vendors.children] == ["Acme Cloud (2)", "Blue Silicon (2)"]
    acme = vendors.children[0]
    acme.expand()
    await pilot.pause()
    assert [n.data for n in acme.children] == ["acme-t1", "acme-t2"]
    claims = tree.root.children[1]
    claims.expand()
    await pilot.pause()
    assert [n.label.plain for n in claims.children] == [
        " fact  (2)",
        " vendor-claim  (1)",
        " analysis  (2)",
        " forecast  (1)",
    ]


async def test_tree_is_lazy_at_thousands_of_claims(tmp_path, start_app) -> None:
    async with start_app(synthetic_kb(tmp_path / "kb", claims=1000)) as (app, pilot):
        tree = app.screen.query_one(KBTree)
        assert [len(group.children) for group in tree.root.children] == [0, 0, 0]  # nothing under the groups yet
        facts_kind = "kind:fact"
        assert tree.reveal("claim-00996")
        await pilot.pause()
        facts = next(n for n in tree.root.children[1].children if n.data.key == facts_kind)
        # 250 fact claims come in pages of PAGE, and only the page holding the claim was filled
        assert len(facts.children) == -(-250 // PAGE)
        filled = [page for page in facts.children if page.children]
        assert len(filled) == 1 and len(filled[0].children) <= PAGE
        assert tree.cursor_node.data == "claim-00996"
        assert app.screen.query_one(EntityView).entity_id == "claim-00996"


async def test_chip_view_shows_figures_with_units_and_sources(started_app) -> None:
    app, pilot = started_app
    screen = app.screen
    assert isinstance(screen, MainScreen)
    screen.open_entity("acme-t1")
    await pilot.pause()
    table = screen.query_one(SpecTable)
    rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    assert rows[0] == ["BF16 dense", "100", "TFLOPS", "Acme T2 launch notes", ""]
    assert rows[1][:3] == ["HBM capacity", "32", "GB"]
    # sources disagree on the TDP: both rows are marked, each with its own source
    assert rows[3][1:4] == ["≠ 400", "W", "Blue X5 レビュー"]
    assert rows[4][1:4] == ["≠ 450", "W", "Acme T2 launch notes"]
    screen.open_entity("acme-t2")
    await pilot.pause()
    last = [str(c) for c in table.get_row_at(table.row_count - 1)]
    assert last[:3] == ["TDP", "not disclosed", "W"]
    # highlighting a figure shows its source in the excerpt pane
    table.focus()
    table.move_cursor(row=0)
    await pilot.pause()
    shown = screen.query_one("#excerpt-text").content.plain
    assert "Acme T2 launch notes" in shown and "https://example.com/acme-t2" in shown


async def test_links_are_followed_with_enter_and_back_returns(started_app) -> None:
    app, pilot = started_app
    screen = app.screen
    screen.open_entity("acme-t1")
    await pilot.pause()
    links = screen.query_one(LinkList)
    assert links.has_focus
    targets = [link.target for link in links.links if link.target]
    assert targets == ["acme", "t2-four-times", "t1-power", "acme-launch", "blue-review"]
    await pilot.press("down", "down", "enter")  # the second claim
    assert screen.query_one(EntityView).entity_id == "t1-power"
    assert screen.query_one(KBTree).cursor_node.data == "t1-power"
    links.highlighted = [link.target for link in links.links].index("blue-review")
    await pilot.press("enter")
    assert screen.query_one(EntityView).entity_id == "blue-review"
    await pilot.press("backspace")
    assert screen.query_one(EntityView).entity_id == "t1-power"
    await pilot.press("alt+left")
    assert screen.query_one(EntityView).entity_id == "acme-t1"
    assert screen.query_one(KBTree).cursor_node.data == "acme-t1"


async def test_excerpt_pane_highlights_the_excerpt_inside_its_paragraph(started_app) -> None:
    app, pilot = started_app
    screen = app.screen
    screen.open_entity("t2-four-times")
    await pilot.pause()
    pane = screen.query_one(ExcerptPane)
    assert pane.claim_id == "t2-four-times"
    passage = pane.passage
    assert passage is not None
    # the paragraph runs over two lines of the source; the excerpt is its first sentence
    assert passage.text == (
        "The T2 delivers four times the training throughput of the T1\nwhile using less energy per model trained."
    )
    start, end = passage.span
    assert passage.text[start:end] == "The T2 delivers four times the training throughput of the T1"
    plain = screen.query_one("#excerpt-text").content.plain
    assert plain.startswith("Acme T2 launch notes\nchipkb test fixture · Test Writer · 2023-11-28\nhttps://example.com")
    # highlighting a claim link previews that claim's excerpt, in Japanese too
    screen.open_entity("blue-x5")
    await pilot.pause()
    await pilot.press("down")  # the first claim link
    assert pane.claim_id == "x5-inference"
    assert pane.passage is not None
    s, e = pane.passage.span
    assert pane.passage.text[s:e] == app.session.kb.get(pane.claim_id).excerpt


async def test_excerpt_highlight_is_styled_on_exactly_the_excerpt(started_app) -> None:
    app, pilot = started_app
    app.screen.open_entity("x5-efficient")
    await pilot.pause()
    pane = app.screen.query_one(ExcerptPane)
    rich_text = pane.query_one("#excerpt-text").content
    assert styled_spans(rich_text, HIGHLIGHT) == ["消費電力は700Wと大きいが、推論チップとしての効率は高い。"]


async def test_space_marks_chips_in_tree_and_links(started_app) -> None:
    app, pilot = started_app
    tree = app.screen.query_one(KBTree)
    assert tree.reveal("acme-t2")
    tree.focus()
    await pilot.press("space")
    assert app.session.marked == ["acme-t2"]
    assert tree.cursor_node.label.plain.startswith("● ")
    app.screen.open_entity("t2-four-times")
    await pilot.pause()
    links = app.screen.query_one(LinkList)
    assert [link.target for link in links.links if link.target][:2] == ["acme-t2", "acme-t1"]
    links.highlighted = 2  # acme-t1 (after the "About" heading and acme-t2)
    await pilot.press("space")
    assert app.session.marked == ["acme-t2", "acme-t1"]
    await pilot.press("space")
    assert app.session.marked == ["acme-t2"]
    # and on the figures of the chip in view
    app.screen.open_entity("blue-x5")
    await pilot.pause()
    app.screen.query_one(SpecTable).focus()
    await pilot.press("space")
    assert app.session.marked == ["acme-t2", "blue-x5"]
    assert "● marked" in app.screen.query_one("#entity-header").content.plain
    await pilot.press("space")
    assert app.session.marked == ["acme-t2"]
    assert "marked: Acme T2" in app.screen.query_one("#status").content.plain


async def test_narrow_terminal_puts_the_excerpt_below(start_app) -> None:
    async with start_app(size=(90, 40)) as (app, _):
        screen = app.screen
        assert screen.has_class("-narrow")
        entity, excerpt = screen.query_one(EntityView), screen.query_one(ExcerptPane)
        assert excerpt.region.y > entity.region.y
        assert excerpt.region.x == entity.region.x
    async with start_app() as (wide, _):
        entity, excerpt = wide.screen.query_one(EntityView), wide.screen.query_one(ExcerptPane)
        assert excerpt.region.x > entity.region.x and excerpt.region.y == entity.region.y


async def test_bundled_kb_opens(start_app) -> None:
    from kb.locations import bundled_kb

    async with start_app(bundled_kb()) as (app, _):
        assert app.session.kb is not None and app.session.kb.claims
        assert app.screen.query_one(KBTree).root.children


async def test_long_source_and_chip_lists_are_paged_too(tmp_path, start_app) -> None:
    from tests.support.kb_files import write_kb

    sources = "".join(f"  - {{id: src-{i:03d}, title: Source {i:03d}, language: en}}\n" for i in range(450))
    chips = "".join(f"  - {{id: chip-{i:03d}, name: Chip {i:03d}, vendor: big, kind: gpu}}\n" for i in range(250))
    root = write_kb(
        tmp_path / "kb",
        {
            "kb.yaml": "vendors:\n  - {id: big, name: Big, kind: other}\n  - {id: none, name: None Yet, kind: other}\n"
            f"chips:\n{chips}sources:\n{sources}"
        },
    )
    async with start_app(root) as (app, _):
        tree = app.screen.query_one(KBTree)
        assert tree.reveal("src-420")
        sources_node = tree.root.children[2]
        assert [page.label.plain for page in sources_node.children] == ["1-200", "201-400", "401-450"]
        assert [len(page.children) for page in sources_node.children] == [0, 0, 50]
        assert tree.reveal("chip-210")
        big, none = tree.root.children[0].children
        assert [page.label.plain for page in big.children] == ["1-200", "201-250"]
        assert not none.allow_expand  # a vendor without chips has nothing to open


async def test_a_long_links_section_shows_a_page_then_more_on_enter(tmp_path, start_app) -> None:
    from tui.widgets.link_list import LINK_PAGE, LinkList

    async with start_app(synthetic_kb(tmp_path / "kb", claims=250, chips=1)) as (app, pilot):
        app.screen.open_entity("chip-0")
        await pilot.pause()
        links = app.screen.query_one(LinkList)
        claims = [link for link in links.links if link.target.startswith("claim-")]
        assert len(claims) == LINK_PAGE
        more = next(i for i, link in enumerate(links.links) if link.more)
        assert links.links[more].label.plain == f"… {250 - LINK_PAGE} more (Enter shows them)"
        links.highlighted = more
        await pilot.press("enter")
        claims = [link for link in links.links if link.target.startswith("claim-")]
        assert len(claims) == 2 * LINK_PAGE
        assert links.highlighted == more and links.links[more].target == claims[LINK_PAGE].target
        assert [link.label.plain for link in links.links if link.more] == ["… 50 more (Enter shows them)"]
        shown = [link.target for link in links.links if link.target.startswith("claim-")]
        assert shown == [c.id for c in app.session.kb.claims_about("chip-0")][: 2 * LINK_PAGE]


def test_exit_when_ready_quits_cleanly_once_the_kb_shows(tmp_path) -> None:
    """What the start-up benchmark runs (CHIPKB_EXIT_WHEN_READY=1): first on an empty cache (the KB
    loads in a worker), then from the cache; both quit with 0 and the KB shown.  The KB has a
    warning, so its hidden problems panel is being made as the app quits."""
    from tests.support.kb_files import write_kb
    from tui.app import ChipKBApp

    text = "".join(
        f"      {line}\n" for line in ("A paragraph long enough to repeat.", "", "A paragraph long enough to repeat.")
    )
    root = write_kb(
        tmp_path / "kb", {"s.yaml": "sources:\n  - id: s\n    title: S\n    language: en\n    text: |\n" + text}
    )
    for _ in range(2):
        app = ChipKBApp(root, exit_when_ready=True)
        app.run(headless=True, size=SIZE)
        assert app.return_code == 0
        assert app.session.kb is not None and app.session.kb.problems and not app.session.kb.errors


async def test_showing_a_chip_never_leaves_another_claims_excerpt(started_app) -> None:
    app, pilot = started_app
    screen = app.screen
    screen.open_entity("t2-four-times")
    await pilot.pause()
    pane = screen.query_one(ExcerptPane)
    assert pane.claim_id == "t2-four-times"
    screen.show_entity("blue-x1")
    await pilot.pause()
    assert pane.claim_id is None and pane.passage is None
