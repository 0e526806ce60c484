"""The search pane: the query typed in the search box, debounced, run in a worker against the
session's engine, and shown as a summary line over the ranked results.

The pane owns the query: results are shown only for the query in the box, and while a new query
waits for its results the old ones are cleared, so no key ever acts on another query's results.
"""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tui.kbtext import kb_text
from tui.session import Session
from tui.widgets.results import SearchResults

DEBOUNCE_SECONDS = 0.15
RESULT_LIMIT = 20


class SearchBox(Input):
    """The search box; down moves into the results, escape clears."""

    BINDINGS = [  # noqa: RUF012
        Binding("down", "to_results", "Results", show=False),
        Binding("escape", "clear_search", "Clear search", tooltip="Clear the search and return to the tree"),
    ]

    class ToResults(Message):
        """Down in the box: move into the results."""

    class Clear(Message):
        """Escape in the box: clear the search."""

    def action_to_results(self) -> None:
        self.post_message(self.ToResults())

    def action_clear_search(self) -> None:
        self.post_message(self.Clear())


class SearchPane(Vertical):
    """The summary and results of the current query."""

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        # children made here, not in compose, so that the pane works the moment it is mounted
        self._summary_line = Static(id="results-summary", markup=False)
        self.results_list = SearchResults(id="results")
        super().__init__(self._summary_line, self.results_list, id=id)
        self.session = session
        self.query_text = ""
        self.results: Any = None
        #: The query whose results are shown.
        self.results_for = ""
        self._debounce: Timer | None = None
        #: How many hits to ask for: a page, and another each time the user reaches the last one.
        self.limit = RESULT_LIMIT
        #: perf_counter() when the last debounce fired, and when its results were painted (benchmark).
        self.debounced_at = 0.0
        self.results_at = 0.0

    def search_for(self, text: str) -> None:
        """The box now holds `text`: forget the shown results and search once typing pauses."""
        self.query_text = text.strip()
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        self.workers.cancel_group(self, "search")
        self.limit = RESULT_LIMIT
        # Results of another query stay in sight, dimmed, but take no keys until this one's arrive.
        self.results_list.disabled = self.results_for != self.query_text
        if self.query_text:
            self._debounce = self.set_timer(DEBOUNCE_SECONDS, self.search_now)

    def _forget_results(self) -> None:
        self.results = None
        self.results_for = ""
        self.results_list.show([], set())
        self.results_list.disabled = False

    def search_now(self) -> None:
        """Run the current query (again): after the debounce, a reload, or a fresh engine."""
        self._debounce = None
        if not self.query_text:
            return
        self.debounced_at = time.perf_counter()
        engine = self.session.engine
        if engine is None:
            error = self.session.index_error
            self._summary(kb_text(error, "bold red") if error else Text("Preparing the search index…", style="italic"))
            return
        self._search(engine, self.query_text, self.limit)

    def on_search_results_wants_more(self, message: SearchResults.WantsMore) -> None:
        message.stop()
        engine, results = self.session.engine, self.results
        if engine is None or results is None or not results.more or self.results_for != self.query_text:
            return
        if self.limit > len(results.hits):
            return  # the next page is on its way
        self.limit = len(results.hits) + RESULT_LIMIT
        self._search(engine, self.query_text, self.limit)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, engine: Any, query: str, limit: int) -> None:
        from kb.search.query import QueryError

        try:
            results = engine.search(query, limit=limit)
        except QueryError as error:
            self.app.call_from_thread(self._search_failed, query, str(error))
            return
        except Exception as error:  # the index could not be read or rebuilt, or a bug: said, never silent
            said = str(error).strip().splitlines()
            message = f"search failed: {type(error).__name__}" + (f": {said[0]}" if said else "")
            self.app.call_from_thread(self._search_failed, query, message)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_results, query, results)

    def _search_failed(self, query: str, message: str) -> None:
        if query != self.query_text:
            return
        self._forget_results()
        self._summary(kb_text(message, "bold red"))
        self.call_after_refresh(self._results_painted)

    def _show_results(self, query: str, results: Any) -> None:
        if query != self.query_text:
            return
        same_query = self.results_for == query
        self.results = results
        self.results_for = query
        self.results_list.show(list(results.hits), set(self.session.marked), results.more, keep_cursor=same_query)
        self.results_list.disabled = False
        summary = Text()
        shown = len(results.hits)
        summary.append(f"{results.total} results", style="bold")
        if results.more:
            summary.append(f" (best {shown} shown; the last one or End shows more)", style="dim")
        if getattr(results, "partial", False):
            summary.append("\nnone holds every word: these hold the most of them", style="yellow")
        for limit in getattr(results, "limits", ()):
            summary.append("\n")
            summary.append_text(kb_text(limit, "yellow"))
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
        self._summary_line.update(text)

    def set_marked(self, marked: list[str]) -> None:
        self.results_list.set_marked(set(marked))
