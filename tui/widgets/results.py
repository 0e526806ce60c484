"""Search results in place of the tree: ranked hits with their snippets' matches highlighted, and
why each matched when it was not its text (an alias, a tag, a figure that met a filter), how many
more of a source's passages match, and the words a hit lacks when none holds them all."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.kbtext import one_line
from tui.messages import OpenEntity, PreviewEntity, ReadSource, ToggleMark
from tui.widgets.excerpt_pane import highlighted

MATCH = "bold reverse"
#: Characters of a hit's snippet shown in the list: two or three lines of the left pane.
SNIPPET_WINDOW = 110
_BEFORE = 25


def snippet_window(snippet: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """At most SNIPPET_WINDOW characters of `snippet`, starting a little before its first match."""
    snippet = snippet.replace("\n", " ")  # same length, so the offsets still fit
    if len(snippet) <= SNIPPET_WINDOW:
        return snippet, spans
    start = max(0, min(spans[0][0] - _BEFORE if spans else 0, len(snippet) - SNIPPET_WINDOW))
    end = start + SNIPPET_WINDOW
    prefix = "…" if start else ""
    shift = len(prefix) - start
    window = prefix + snippet[start:end] + ("…" if end < len(snippet) else "")
    kept = [(max(s, start) + shift, min(e, end) + shift) for s, e in spans if e > start and s < end]
    return window, kept


#: Characters of one "why it matched" line.
REASON_WINDOW = 90


def hit_prompt(hit: Any, marked: bool) -> Text:
    """The hit's type and title on one line, then its snippet with the matches highlighted, then
    what else it matched ("alias Trn2", "tag supply-chain"), how many more of its passages match
    and the query's words it lacks."""
    text = Text()
    text.append("● " if marked else "  ", style="bold green")
    text.append(f"{hit.type:<7}", style="dim")
    title = one_line(hit.title, 60)
    title_spans = [(s, min(e, len(title))) for s, e in getattr(hit, "title_highlights", ()) if s < len(title)]
    text.append_text(highlighted(title, title_spans, MATCH))
    text.stylize("bold", len(text) - len(title))
    if hit.snippet:
        shown, spans = snippet_window(hit.snippet, list(hit.highlights))
        text.append("\n")
        text.append_text(highlighted(shown, spans, MATCH))
    for field, value, value_spans in getattr(hit, "reasons", ()):
        shown = one_line(value, REASON_WINDOW)
        text.append(f"\n  {field} ", style="italic dim")
        text.append_text(highlighted(shown, [(s, min(e, len(shown))) for s, e in value_spans if s < len(shown)], MATCH))
    notes = []
    more = getattr(hit, "more", 0)
    if more:
        notes.append(Text(f"{more} more passage{'s' if more != 1 else ''}", style="dim"))
    if getattr(hit, "missing", ()):
        notes.append(Text("missing: " + ", ".join(hit.missing), style="yellow"))
    if notes:
        text.append("\n  ")
        text.append_text(Text(" · ").join(notes))
    return text


class SearchResults(OptionList):
    """`hits` are the search engine's hits, best first; `more` says that more match. Reaching
    the last hit (with the cursor, or End) asks for the next page, so every result can be reached."""

    BINDINGS = [  # noqa: RUF012
        Binding("enter", "select", "Open", id="open_result", tooltip="Open the highlighted result"),
        Binding("space", "mark", "Mark chip", id="result_mark", tooltip="Mark or unmark the chip for comparison"),
    ]

    class WantsMore(Message):
        """The user reached the last hit shown and more match."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.hits: list[Any] = []
        self.marked: set[str] = set()
        self.more = False

    def show(self, hits: list[Any], marked: set[str], more: bool = False, keep_cursor: bool = False) -> None:
        cursor = self.highlighted if keep_cursor else None
        self.hits = list(hits)
        self.marked = set(marked)
        self.more = more
        options: list[Option | None] = []
        for hit in self.hits:
            options += [Option(hit_prompt(hit, hit.id in self.marked)), None]  # None: a rule between hits
        self.set_options(options)
        if cursor is not None and cursor < len(self.hits):
            self.highlighted = cursor
        else:
            self.highlighted = 0 if self.hits else None

    def action_last(self) -> None:
        super().action_last()
        if self.more:
            self.post_message(self.WantsMore())

    def set_marked(self, marked: set[str]) -> None:
        changed = set(marked) ^ self.marked
        self.marked = set(marked)
        for index, hit in enumerate(self.hits):
            if hit.id in changed:
                self.replace_option_prompt_at_index(index, hit_prompt(hit, hit.id in self.marked))

    def hit_at_cursor(self) -> Any | None:
        if self.highlighted is None or self.highlighted >= len(self.hits):
            return None
        return self.hits[self.highlighted]

    def action_mark(self) -> None:
        hit = self.hit_at_cursor()
        if hit is not None and hit.type == "chip":
            self.post_message(ToggleMark(hit.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        hit = self.hit_at_cursor()
        if hit is not None and getattr(hit, "passage", None) is not None:
            self.post_message(ReadSource(hit.id, hit.line))
        elif hit is not None:
            self.post_message(OpenEntity(hit.id))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        hit = self.hit_at_cursor()
        if hit is not None:
            self.post_message(PreviewEntity(hit.id))
        if self.more and self.highlighted == len(self.hits) - 1:
            self.post_message(self.WantsMore())
