"""The main screen: search box, tree (or search results), entity view, excerpt pane, problems."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input, Static

from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Source
from kb.text.counts import counted
from tui.kbtext import kb_text, one_line
from tui.messages import (
    CompareChips,
    ExportNotes,
    OpenEntity,
    PreviewClaim,
    PreviewEntity,
    PreviewFigure,
    ReadSource,
    ShowChart,
    ShowTimeline,
    ToggleMark,
)
from tui.session import Session
from tui.widgets.entity_view import EntityView, SpecTable
from tui.widgets.excerpt_pane import ExcerptPane
from tui.widgets.kb_tree import KBTree
from tui.widgets.key_bar import KeyBar
from tui.widgets.link_list import LinkList
from tui.widgets.problems import ProblemsPanel, ProblemView
from tui.widgets.results import SearchResults
from tui.widgets.search_pane import SearchBox, SearchPane

NARROW_WIDTH = 110
#: `C` compares at most this many of the chips a search finds.
COMPARE_RESULTS_LIMIT = 100


class MainScreen(Screen[None]):
    """Shows the app's KB; `show_entity` is the one way an entity gets into the centre pane."""

    BINDINGS = [  # noqa: RUF012
        # priority: acted on as the key arrives, so the keys typed after it reach the box even when
        # they were already on their way (a c meant for the box would otherwise open compare)
        Binding("slash", "focus_search", "Search", id="search", tooltip="Type to search the KB", priority=True),
        Binding("c", "compare", "Compare", id="compare", tooltip="Compare the marked chips"),
        Binding("x", "clear_marks", "Clear marks", id="clear_marks", tooltip="Unmark every marked chip", show=False),
        Binding("C", "compare_results", "Compare found", id="compare_results", tooltip="Compare all found", show=False),
        Binding("o", "open_source", "Source", id="open_source", tooltip="Read the source of this claim"),
        Binding("t", "timeline", "Timeline", id="timeline", tooltip="Chips on a time axis, a lane per vendor"),
        Binding("g", "chart", "Chart", id="chart", tooltip="Chart a figure against date, or ranked as bars"),
        Binding("e", "export", "Export", id="export", tooltip="Export the entity in view as a markdown note"),
        Binding("p", "toggle_problems", "Problems", id="problems", tooltip="Show or hide the KB's problems"),
        Binding("backspace,alt+left", "back", "Back", id="back", tooltip="Back to the previous entity"),
        Binding("escape", "clear_search", "Clear search", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.history: list[str] = []

    def compose(self) -> ComposeResult:
        yield SearchBox(placeholder='Search: words, "a phrase", type:chip …  (/)', id="search")
        with Horizontal(id="body"):
            with Vertical(id="left"), ContentSwitcher(initial="tree", id="nav"):
                yield KBTree(id="tree")
                yield Vertical(id="results-box")
            with Horizontal(id="content"):
                with ContentSwitcher(initial="entity", id="centre"):
                    yield EntityView(id="entity")
                    yield VerticalScroll(id="problem-scroll")
                yield ExcerptPane(id="excerpt")
        yield Static(id="status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.session.kb_loaded.subscribe(self, self.kb_loaded)
        self.session.marks_changed.subscribe(self, self.marks_changed)
        self.session.engine_changed.subscribe(self, self.engine_changed)
        self.query_one(KBTree).focus()
        if self.session.kb is not None:  # loaded from the cache before this screen subscribed
            self.kb_loaded(False)
        else:
            self.query_one(EntityView).clear("Loading the KB…")
            self._update_status()

    # The search pane and the problems panel are made when first needed, so that start-up does
    # not pay for widgets most sessions never show.

    def search_pane(self) -> SearchPane:
        if not self.query(SearchPane):
            self.query_one("#results-box").mount(SearchPane(self.session, id="search-pane"))
        return self.query_one(SearchPane)

    def results_list(self) -> SearchResults:
        return self.search_pane().results_list

    def problems_panel(self) -> ProblemsPanel:
        if not self.query(ProblemsPanel):
            panel = ProblemsPanel(id="problems")
            panel.display = False
            self.query_one("#left").mount(panel)
        return self.query_one(ProblemsPanel)

    def _list_problems(self, kb: KnowledgeBase, show: bool) -> None:
        if kb is not self.kb or not self.query_one("#left").is_attached:
            return  # a newer KB has loaded meanwhile, or the app is closing
        panel = self.problems_panel()
        panel.show(kb.problems, kb.root)
        if show:
            panel.display = True
        elif not kb.problems:
            panel.display = False

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    # --- the KB ---------------------------------------------------------------------------------

    @property
    def kb(self) -> KnowledgeBase | None:
        return self.session.kb

    def kb_loaded(self, reloaded: bool) -> None:
        """Show a (re)loaded KB, keeping what was selected when it is still there."""
        kb = self.session.kb
        if kb is None:
            return
        tree = self.query_one(KBTree)
        cursor = tree.entity_at_cursor()
        tree.load(kb, self.session.marked)
        if kb.errors:
            self._list_problems(kb, show=True)
        else:  # hidden: made after the first paint, which need not wait for it
            self.call_after_refresh(self._list_problems, kb, False)
        shown = self.query_one(EntityView).entity_id
        if shown and kb.get(shown):
            self.query_one(EntityView).show(kb, kb.entities[shown], set(self.session.marked))
        elif shown:
            self.query_one(EntityView).clear(f"{one_line(shown)} is no longer in the KB.")
        else:
            self.query_one(EntityView).clear("Select an entity in the tree, or type / to search.")
        if cursor and kb.get(cursor):
            tree.reveal(cursor)
        elif not reloaded:
            tree.move_cursor_to_line(0) if tree.last_line >= 0 else None
        self.history = [h for h in self.history if kb.get(h)]
        excerpt = self.query_one(ExcerptPane)
        if excerpt.claim_id and isinstance(kb.get(excerpt.claim_id), Claim):
            excerpt.show_claim(kb, kb.entities[excerpt.claim_id])  # type: ignore[arg-type]
        if reloaded and self.query(SearchPane):
            self.search_pane().search_now()
        self._update_status()

    # --- showing entities -----------------------------------------------------------------------

    def show_entity(self, entity_id: str, remember: bool = False) -> bool:
        """Show `entity_id` in the centre pane (and its excerpt or source on the right); `remember`
        puts the entity shown before on the history that backspace walks back."""
        kb = self.kb
        entity = kb.get(entity_id) if kb else None
        if kb is None or entity is None:
            return False
        view = self.query_one(EntityView)
        self.query_one("#centre", ContentSwitcher).current = "entity"
        if view.entity_id == entity_id:
            return True
        if remember and view.entity_id:
            self.history.append(view.entity_id)
        view.show(kb, entity, set(self.session.marked))
        excerpt = self.query_one(ExcerptPane)
        if isinstance(entity, Claim):
            excerpt.show_claim(kb, entity)
        elif isinstance(entity, Source):
            excerpt.show_source(entity)
        else:  # a vendor or chip has no excerpt of its own: never leave another entity's showing
            excerpt.clear()
        return True

    def open_entity(self, entity_id: str) -> None:
        """Show the entity and put the tree's cursor on it (Enter on a link, hit or palette entry)."""
        if self.show_entity(entity_id, remember=True):
            self.query_one(KBTree).reveal(entity_id)
            view = self.query_one(EntityView)
            links = view.link_list()
            (links if links.display else view.spec_table()).focus()

    def action_back(self) -> None:
        if not self.history:
            self.notify("Nothing to go back to.", timeout=2)
            return
        target = self.history.pop()
        self.show_entity(target, remember=False)
        self.query_one(KBTree).reveal(target)

    @on(KBTree.NodeHighlighted)
    def _tree_highlighted(self, event: KBTree.NodeHighlighted) -> None:
        entity_id = self.query_one(KBTree).entity_at_cursor()
        if entity_id:
            self.show_entity(entity_id)

    @on(KBTree.NodeSelected)
    def _tree_selected(self, event: KBTree.NodeSelected) -> None:
        if isinstance(event.node.data, str):
            self.open_entity(event.node.data)

    def on_open_entity(self, message: OpenEntity) -> None:
        message.stop()  # handled here; the app would otherwise send it back
        self.open_entity(message.entity_id)

    def on_preview_entity(self, message: PreviewEntity) -> None:
        self.show_entity(message.entity_id)

    def on_preview_claim(self, message: PreviewClaim) -> None:
        claim = self.kb.get(message.claim_id) if self.kb else None
        if self.kb and isinstance(claim, Claim):
            self.query_one(ExcerptPane).show_claim(self.kb, claim)

    def on_preview_figure(self, message: PreviewFigure) -> None:
        if self.kb:
            self.query_one(ExcerptPane).show_figure(self.kb, message.spec)

    # --- marks ----------------------------------------------------------------------------------

    def on_toggle_mark(self, message: ToggleMark) -> None:
        self.session.toggle_mark(message.entity_id)

    def marks_changed(self, marked: list[str]) -> None:
        self.query_one(KBTree).set_marked(set(marked))
        for pane in self.query(SearchPane):
            pane.set_marked(marked)
        self.query_one(EntityView).set_marked(set(marked))
        self._update_status()

    def _update_status(self) -> None:
        kb = self.kb
        status = Text()
        if kb is None:
            status.append("Loading the KB…", style="italic")
        else:
            status.append(f"{len(kb.vendors)} vendors · {len(kb.chips)} chips · {len(kb.claims)} claims", style="dim")
            errors = len(kb.errors)
            warnings = sum(1 for p in kb.problems if p.is_warning)
            infos = len(kb.problems) - errors - warnings
            if errors or warnings:
                status.append(
                    f"  ·  {counted(errors, 'error')}, {counted(warnings, 'warning')} (p)",
                    style="bold red" if errors else "yellow",
                )
            elif infos:
                status.append(f"  ·  {infos} acknowledged text defects (p)", style="dim")
        marked = self.session.marked
        if marked:
            names = ", ".join(one_line(kb.title_of(m), 30) if kb else m for m in marked)
            status.append("  ·  marked: ", style="bold green")
            status.append_text(kb_text(names))
            status.append("  (c to compare)", style="dim")
        self.query_one("#status", Static).update(status)

    # --- search ---------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        search = self.query_one(SearchBox)
        if search.has_focus:
            search.insert_text_at_cursor("/")  # a / typed in the box is part of the query (GB/s)
        else:
            self.set_focus(search)  # at once, not on the next turn as Widget.focus() does

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        if not query:
            if self.query(SearchPane):
                self.search_pane().search_for("")
            self.query_one("#nav", ContentSwitcher).current = "tree"
            return
        # switch panes now, so that layout work is done while the debounce waits, not during the search
        pane = self.search_pane()
        self.query_one("#nav", ContentSwitcher).current = "results-box"
        pane.search_for(query)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        results = self.results_list()
        if results.hit_at_cursor() is not None and self.query_one("#nav", ContentSwitcher).current == "results-box":
            results.action_select()

    @on(SearchBox.ToResults)
    def _to_results(self) -> None:
        results = self.results_list()
        if not results.disabled:
            results.focus()

    @on(SearchBox.Clear)
    def _clear_from_box(self) -> None:
        self.action_clear_search()

    def action_clear_search(self) -> None:
        search = self.query_one(SearchBox)
        if not search.value and self.query_one("#nav", ContentSwitcher).current == "tree":
            return
        search.value = ""
        self.query_one("#nav", ContentSwitcher).current = "tree"
        self.set_focus(self.query_one(KBTree))

    def engine_changed(self, _: None) -> None:
        if self.query(SearchPane) and self.search_pane().query_text:
            self.search_pane().search_now()

    # --- problems -------------------------------------------------------------------------------

    def action_toggle_problems(self) -> None:
        kb = self.kb
        if kb is None or not kb.problems:
            self.notify("The KB has no problems.", timeout=2)
            return
        panel = self.problems_panel()
        if panel.problems != kb.problems:
            panel.show(kb.problems, kb.root)
        panel.display = not panel.display
        if panel.display:
            panel.focus()
        else:
            self.query_one("#centre", ContentSwitcher).current = "entity"

    def on_problems_panel_chosen(self, message: ProblemsPanel.Chosen) -> None:
        scroll = self.query_one("#problem-scroll")
        if not scroll.query(ProblemView):
            scroll.mount(ProblemView(id="problem"))
        scroll.query_one(ProblemView).show(message.problem)
        self.query_one("#centre", ContentSwitcher).current = "problem-scroll"

    # --- other screens --------------------------------------------------------------------------

    def focused_claim(self) -> str | None:
        """The claim (or source) the user is looking at: a highlighted link, hit or figure, or the
        entity in view."""
        kb = self.kb
        if kb is None:
            return None
        focused = self.focused
        candidates: list[str | None] = []
        if isinstance(focused, LinkList):
            candidates.append(focused.target_at_cursor())
        if isinstance(focused, SearchResults):
            hit = focused.hit_at_cursor()
            candidates.append(hit.id if hit else None)
        if isinstance(focused, SpecTable) and focused.chip is not None and focused.row_count:
            candidates.append(focused.chip.specs[focused.cursor_row].source)  # the figure's source
        candidates += [self.query_one(EntityView).entity_id, self.query_one(ExcerptPane).claim_id]
        for candidate in candidates:
            if candidate and isinstance(kb.get(candidate), (Claim, Source)):
                return candidate
        return None

    def action_open_source(self) -> None:
        kb = self.kb
        target = self.focused_claim()
        if kb is None or target is None:
            self.notify("Select a claim or a source first.", timeout=3)
            return
        self.post_message(ReadSource(target))

    def action_compare(self) -> None:
        chips = list(self.session.marked)
        shown = self.query_one(EntityView).entity_id
        if not chips and shown and isinstance(self.kb and self.kb.get(shown), Chip):
            chips = [shown]
        if not chips:
            self.notify("Mark chips with space first, then press c.", timeout=3)
            return
        self.post_message(CompareChips(chips))

    def action_clear_marks(self) -> None:
        count = len(self.session.marked)
        if not count:
            self.notify("No chips are marked.", timeout=2)
            return
        self.session.set_marked([])
        self.notify(f"Unmarked {count} chip{'s' if count != 1 else ''}.", timeout=2)

    def action_timeline(self) -> None:
        self.post_message(ShowTimeline())

    def action_chart(self) -> None:
        self.post_message(ShowChart())

    def action_compare_results(self) -> None:
        """`C`: compare every chip the query in the search box finds, not only the hits shown."""
        pane = self.search_pane() if self.query(SearchPane) else None
        query = pane.results_for if pane is not None else ""
        engine = self.session.engine
        if not query or engine is None:
            self.notify("Search first (e.g. type:chip vendor:nvidia), then C compares the chips found.", timeout=4)
            return
        self._find_chips_to_compare(engine, query)

    @work(thread=True, exclusive=True, group="compare-results", exit_on_error=False)
    def _find_chips_to_compare(self, engine: Any, query: str) -> None:
        from kb.search.query import QueryError

        try:
            results = engine.search(query, type="chip", limit=COMPARE_RESULTS_LIMIT)
        except QueryError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._compare_found, [hit.id for hit in results.hits], results.total)

    def _compare_found(self, chip_ids: list[str], total: int) -> None:
        if not chip_ids:
            self.notify("The search found no chip to compare.", timeout=3)
            return
        if total > len(chip_ids):
            self.notify(f"Comparing the best {len(chip_ids)} of {total} chips found.", timeout=4)
        self.post_message(CompareChips(chip_ids))

    def action_export(self) -> None:
        shown = self.query_one(EntityView).entity_id
        if not shown:
            self.notify("Select an entity to export first.", timeout=3)
            return
        self.post_message(ExportNotes([shown]))
