"""Search results in place of the tree: ranked hits with their snippets' matches highlighted."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.kbtext import kb_text, one_line
from tui.messages import OpenEntity, PreviewClaim, ToggleMark
from tui.widgets.excerpt_pane import highlighted

MATCH = "bold reverse"


def hit_prompt(hit: Any, marked: bool) -> Text:
    """Two lines: the hit's type and title, then its snippet with the matches highlighted."""
    text = Text()
    text.append("● " if marked else "  ", style="bold green")
    text.append(f"{hit.type:<7}", style="dim")
    text.append_text(kb_text(one_line(hit.title, 100), "bold"))
    if hit.snippet:
        text.append("\n         ")
        # newlines become spaces (same length, so the highlight offsets still fit)
        text.append_text(highlighted(hit.snippet.replace("\n", " "), list(hit.highlights), MATCH))
    return text


class SearchResults(OptionList):
    """`hits` are the search engine's hits, best first."""

    BINDINGS = [  # noqa: RUF012
        Binding("enter", "select", "Open", tooltip="Open the highlighted result"),
        Binding("space", "mark", "Mark chip", tooltip="Mark or unmark the chip for comparison"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.hits: list[Any] = []
        self.marked: set[str] = set()

    def show(self, hits: list[Any], marked: set[str]) -> None:
        self.hits = list(hits)
        self.marked = set(marked)
        self.set_options(Option(hit_prompt(hit, hit.id in self.marked)) for hit in self.hits)
        self.highlighted = 0 if self.hits else None

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
        if hit is not None:
            self.post_message(OpenEntity(hit.id))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        hit = self.hit_at_cursor()
        if hit is not None and hit.type == "claim":
            self.post_message(PreviewClaim(hit.id))
