"""The main screen: search box, tree (or search results), entity view, excerpt pane, problems."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Input, Static
from textual.worker import get_current_worker

from kb.knowledge import KnowledgeBase
from kb.model import Chip, Claim, Source
from tui.kbtext import kb_text, one_line
from tui.messages import OpenEntity, PreviewClaim, PreviewEntity, PreviewFigure, ReadSource, ToggleMark
from tui.widgets.entity_view import EntityView, SpecTable
from tui.widgets.excerpt_pane import ExcerptPane
from tui.widgets.kb_tree import KBTree
from tui.widgets.key_bar import KeyBar
from tui.widgets.link_list import LinkList
from tui.widgets.problems import ProblemsPanel, ProblemView
from tui.widgets.results import SearchResults

if TYPE_CHECKING:
    from tui.app import ChipKBApp

DEBOUNCE_SECONDS = 0.15
RESULT_LIMIT = 20
NARROW_WIDTH = 110


class SearchBox(Input):
    """The search box; down moves into the results, escape clears."""

    BINDINGS = [  # noqa: RUF012
        Binding("down", "to_results", "Results", show=False),
        Binding("escape", "clear_search", "Clear search", tooltip="Clear the search and return to the tree"),
    ]

    def action_to_results(self) -> None:
        self.screen.results_list().focus()  # type: ignore[attr-defined]

    def action_clear_search(self) -> None:
        self.screen.action_clear_search()  # type: ignore[attr-defined]


class MainScreen(Screen[None]):
    """Shows the app's KB; `show_entity` is the one way an entity gets into the centre pane."""

    BINDINGS = [  # noqa: RUF012
        # priority: acted on as the key arrives, so the keys typed after it reach the box even when
        # they were already on their way (a c meant for the box would otherwise open compare)
        Binding("slash", "focus_search", "Search", id="search", tooltip="Type to search the KB", priority=True),
        Binding("c", "compare", "Compare", id="compare", tooltip="Compare the marked chips"),
        Binding("o", "open_source", "Source", id="open_source", tooltip="Read the source of this claim"),
        Binding("e", "export", "Export", id="export", tooltip="Export the entity in view as a markdown note"),
        Binding("p", "toggle_problems", "Problems", id="problems", tooltip="Show or hide the KB's problems"),
        Binding("backspace,alt+left", "back", "Back", id="back", tooltip="Back to the previous entity"),
        Binding("escape", "clear_search", "Clear search", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.history: list[str] = []
        self.query_text = ""
        self.results: Any = None
        #: The query whose results are shown.
        self.results_for = ""
        self._debounce: Timer | None = None
        #: perf_counter() when the last debounce fired, and when its results were painted (benchmark).
        self.debounced_at = 0.0
        self.results_at = 0.0

    @property
    def chipkb(self) -> ChipKBApp:
        return self.app  # type: ignore[return-value]

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
        self.query_one(EntityView).clear("Loading the KB…")
        self.query_one(KBTree).focus()
        self._update_status()
        self.chipkb.start_loading()

    # The results list and the problems panel are made when first needed, so that start-up does
    # not pay for widgets most sessions never show.

    def results_list(self) -> SearchResults:
        if not self.query(SearchResults):
            box = self.query_one("#results-box")
            box.mount(Static(id="results-summary", markup=False), SearchResults(id="results"))
        return self.query_one(SearchResults)

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
        panel.show(kb.problems)
        if show:
            panel.display = True
        elif not kb.problems:
            panel.display = False

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    # --- the KB ---------------------------------------------------------------------------------

    @property
    def kb(self) -> KnowledgeBase | None:
        return self.chipkb.kb

    def kb_loaded(self, kb: KnowledgeBase, reloaded: bool = False) -> None:
        """Show a (re)loaded KB, keeping what was selected when it is still there."""
        tree = self.query_one(KBTree)
        cursor = tree.entity_at_cursor()
        tree.load(kb, self.chipkb.marked)
        if kb.errors:
            self._list_problems(kb, show=True)
        else:  # hidden: made after the first paint, which need not wait for it
            self.call_after_refresh(self._list_problems, kb, False)
        shown = self.query_one(EntityView).entity_id
        if shown and kb.get(shown):
            self.query_one(EntityView).show(kb, kb.entities[shown], set(self.chipkb.marked))
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
        if reloaded and self.query_text:
            self._start_search()
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
        view.show(kb, entity, set(self.chipkb.marked))
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
        self.open_entity(message.entity_id)

    def on_preview_entity(self, message: PreviewEntity) -> None:
        self.show_entity(message.entity_id)

    def on_read_source(self, message: ReadSource) -> None:
        self.chipkb.open_reader(message.source_id, line=message.line)

    def on_preview_claim(self, message: PreviewClaim) -> None:
        claim = self.kb.get(message.claim_id) if self.kb else None
        if self.kb and isinstance(claim, Claim):
            self.query_one(ExcerptPane).show_claim(self.kb, claim)

    def on_preview_figure(self, message: PreviewFigure) -> None:
        if self.kb:
            self.query_one(ExcerptPane).show_figure(self.kb, message.spec)

    # --- marks ----------------------------------------------------------------------------------

    def on_toggle_mark(self, message: ToggleMark) -> None:
        self.chipkb.toggle_mark(message.entity_id)

    def marks_changed(self) -> None:
        marked = set(self.chipkb.marked)
        self.query_one(KBTree).set_marked(marked)
        for results in self.query(SearchResults):
            results.set_marked(marked)
        self.query_one(EntityView).set_marked(marked)
        self._update_status()

    def _update_status(self) -> None:
        kb = self.kb
        status = Text()
        if kb is None:
            status.append("Loading the KB…", style="italic")
        else:
            status.append(f"{len(kb.vendors)} vendors · {len(kb.chips)} chips · {len(kb.claims)} claims", style="dim")
            errors = len(kb.errors)
            warnings = len(kb.problems) - errors
            if kb.problems:
                status.append(
                    f"  ·  {errors} errors, {warnings} warnings (p)", style="bold red" if errors else "yellow"
                )
        marked = self.chipkb.marked
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
        self.query_text = event.value.strip()
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if not self.query_text:
            self.workers.cancel_group(self, "search")
            self.query_one("#nav", ContentSwitcher).current = "tree"
            return
        # switch panes now, so that layout work is done while the debounce waits, not during the search
        self.results_list()
        self.query_one("#nav", ContentSwitcher).current = "results-box"
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._start_search)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        results = self.results_list()
        if results.hit_at_cursor() is not None and self.query_one("#nav", ContentSwitcher).current == "results-box":
            results.action_select()

    def action_clear_search(self) -> None:
        search = self.query_one(SearchBox)
        if not search.value and self.query_one("#nav", ContentSwitcher).current == "tree":
            return
        search.value = ""
        self.query_text = ""
        self.query_one("#nav", ContentSwitcher).current = "tree"
        self.set_focus(self.query_one(KBTree))

    def _start_search(self) -> None:
        self._debounce = None
        if not self.query_text:
            return
        self.debounced_at = time.perf_counter()
        engine = self.chipkb.engine
        if engine is None:
            waiting = kb_text(self.chipkb.index_error, "bold red") if self.chipkb.index_error else None
            self._summary(waiting or Text("Preparing the search index…", style="italic"))
            return
        self._search(engine, self.query_text)

    def engine_ready(self) -> None:
        if self.query_text:
            self._start_search()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, engine: Any, query: str) -> None:
        from kb.search import QueryError

        try:
            with self.chipkb.engine_lock:
                results = engine.search(query, limit=RESULT_LIMIT)
        except QueryError as error:
            message = str(error)
            self.app.call_from_thread(self._search_failed, query, message)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_results, query, results)

    def _search_failed(self, query: str, message: str) -> None:
        if query != self.query_text:
            return
        self.results_list().show([], set())
        self._summary(kb_text(message, "bold red"))
        self.call_after_refresh(self._results_painted)

    def _show_results(self, query: str, results: Any) -> None:
        if query != self.query_text:
            return
        self.results = results
        self.results_for = query
        self.results_list().show(list(results.hits), set(self.chipkb.marked))
        summary = Text()
        shown = len(results.hits)
        summary.append(f"{results.total} results", style="bold")
        if shown < results.total:
            summary.append(f" (best {shown} shown)", style="dim")
        for term in results.unmatched_terms:
            summary.append("\nno match for ", style="yellow")
            summary.append_text(kb_text(term, "bold"))
            suggestions = results.suggestions.get(term, [])
            if suggestions:
                summary.append(": did you mean ", style="yellow")
                summary.append_text(kb_text(", ".join(suggestions)))
                summary.append("?", style="yellow")
        self._summary(summary)
        self.call_after_refresh(self._results_painted)

    def _results_painted(self) -> None:
        self.results_at = time.perf_counter()

    def _summary(self, text: Text) -> None:
        self.results_list()
        self.query_one("#results-summary", Static).update(text)

    # --- problems -------------------------------------------------------------------------------

    def action_toggle_problems(self) -> None:
        kb = self.kb
        if kb is None or not kb.problems:
            self.notify("The KB has no problems.", timeout=2)
            return
        panel = self.problems_panel()
        if panel.problems != kb.problems:
            panel.show(kb.problems)
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
        self.chipkb.open_reader(target)

    def action_compare(self) -> None:
        chips = list(self.chipkb.marked)
        shown = self.query_one(EntityView).entity_id
        if not chips and shown and isinstance(self.kb and self.kb.get(shown), Chip):
            chips = [shown]
        if not chips:
            self.notify("Mark chips with space first, then press c.", timeout=3)
            return
        self.chipkb.open_compare(chips)

    def action_export(self) -> None:
        shown = self.query_one(EntityView).entity_id
        if not shown:
            self.notify("Select an entity to export first.", timeout=3)
            return
        self.chipkb.export_entity(shown)
