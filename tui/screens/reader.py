"""The source reader: a source's full text with every claim's excerpt highlighted; n / N walk
through the excerpts and say which claim each anchors; Enter opens that claim."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from kb.store.knowledge import KnowledgeBase
from kb.store.model import Claim, Source
from kb.text.passages import find_excerpt
from tui.kbtext import kb_text, one_line
from tui.messages import OpenEntity
from tui.session import Session
from tui.widgets.excerpt_pane import source_heading
from tui.widgets.kb_tree import badge
from tui.widgets.key_bar import KeyBar
from tui.widgets.source_text import SourceText


@dataclass(frozen=True)
class Anchor:
    """Where one claim's excerpt sits in the source's text."""

    claim_id: str
    start: int
    end: int


def anchors_in(kb: KnowledgeBase, source: Source) -> tuple[list[Anchor], list[str]]:
    """The excerpts found in the source's text, in reading order, and the claims whose were not."""
    found, missing = [], []
    for claim in kb.claims_quoting(source.id):
        span = find_excerpt(source.text, claim.excerpt)
        if span is None:
            missing.append(claim.id)
        else:
            found.append(Anchor(claim.id, *span))
    found.sort(key=lambda a: (a.start, a.end, a.claim_id))
    return found, missing


class ReaderScreen(Screen[None]):
    CSS = """
    #reader-heading {
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
        border-bottom: solid $primary-darken-2;
    }
    #reader-text {
        height: 1fr;
        padding: 0 1;
    }
    #reader-status {
        height: auto;
        max-height: 5;
        padding: 0 1;
        background: $panel;
    }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("n", "next", "Next excerpt", id="next_excerpt"),
        Binding("N", "previous", "Previous excerpt", id="previous_excerpt"),
        Binding("enter", "open_claim", "Open claim", id="open_claim"),
        Binding("escape", "app.pop_screen", "Back", id="close_reader"),
    ]

    def __init__(self, session: Session, source: Source, claim_id: str | None = None, line: int | None = None):
        super().__init__()
        assert session.kb is not None, "the reader opens on a loaded KB"
        self.session = session
        self.kb: KnowledgeBase = session.kb
        self.source = source
        self.start_claim = claim_id
        self.start_line = line
        self.anchors, self.missing = anchors_in(self.kb, source)
        #: Index in `anchors` of the excerpt in focus, or None before the first n.
        self.current: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="reader-heading", markup=False)
        yield SourceText(id="reader-text")
        yield Static(id="reader-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.session.kb_loaded.subscribe(self, self.kb_loaded)
        heading = source_heading(self.source, self.source.id)
        heading.append(f"\n{len(self.anchors)} excerpts highlighted", style="dim")
        if self.missing:
            heading.append(f"; {len(self.missing)} not found in the text", style="yellow")
        self.query_one("#reader-heading", Static).update(heading)
        text = self.query_one(SourceText)
        text.show(self.source.text, [(a.start, a.end) for a in self.anchors])
        text.focus()
        if self.start_claim is not None:
            index = next((i for i, a in enumerate(self.anchors) if a.claim_id == self.start_claim), None)
            self.call_after_refresh(self.go_to, index)
        elif self.start_line is not None:
            self.call_after_refresh(self._go_to_line, self.start_line)
        else:
            self._update_status()

    def kb_loaded(self, _reloaded: bool) -> None:
        """The KB changed: show the source as it is now (or say it is gone)."""
        kb = self.session.kb
        if kb is None:
            return
        source = kb.get(self.source.id)
        claim = self.anchors[self.current].claim_id if self.current is not None else None
        if not isinstance(source, Source):
            self.notify("This source is no longer in the KB.", severity="warning", timeout=4)
            self.app.pop_screen()
            return
        self.kb, self.source = kb, source
        self.anchors, self.missing = anchors_in(kb, source)
        self.query_one(SourceText).show(source.text, [(a.start, a.end) for a in self.anchors])
        index = next((i for i, a in enumerate(self.anchors) if a.claim_id == claim), None)
        self.go_to(index)

    def _go_to_line(self, line: int) -> None:
        """Scroll to a line of the source's file (as search passages give it)."""
        index = max(0, line - self.source.text_first_line)
        starts = [0] + [i + 1 for i, char in enumerate(self.source.text) if char == "\n"]
        offset = starts[min(index, len(starts) - 1)]
        self.query_one(SourceText).scroll_to_offset(offset)
        after = next((i for i, a in enumerate(self.anchors) if a.end > offset), None)
        self.current = None
        self._update_status(after)

    def go_to(self, index: int | None) -> None:
        self.current = index
        text = self.query_one(SourceText)
        text.set_current(index)
        if index is not None:
            text.scroll_to_offset(self.anchors[index].start)
        self._update_status()

    def action_next(self) -> None:
        if not self.anchors:
            self.notify("No excerpt of this source is quoted by a claim.", timeout=3)
            return
        self.go_to(0 if self.current is None else (self.current + 1) % len(self.anchors))

    def action_previous(self) -> None:
        if not self.anchors:
            self.notify("No excerpt of this source is quoted by a claim.", timeout=3)
            return
        self.go_to(len(self.anchors) - 1 if self.current is None else (self.current - 1) % len(self.anchors))

    def action_open_claim(self) -> None:
        if self.current is None:
            self.notify("Press n to go to an excerpt first.", timeout=3)
            return
        self.post_message(OpenEntity(self.anchors[self.current].claim_id))

    def _update_status(self, upcoming: int | None = None) -> None:
        status = Text()
        if self.current is None:
            if self.anchors:
                status.append("n / N: next / previous excerpt", style="dim")
                if upcoming is not None:
                    status.append(f" (the next is excerpt {upcoming + 1} of {len(self.anchors)})", style="dim")
            else:
                status.append("No claim quotes this source.", style="dim")
        else:
            anchor = self.anchors[self.current]
            claim = self.kb.get(anchor.claim_id)
            status.append(f"Excerpt {self.current + 1} of {len(self.anchors)}  ", style="bold")
            if isinstance(claim, Claim):
                status.append_text(badge(claim.kind))
                status.append(" ")
                status.append_text(kb_text(one_line(claim.statement, 200)))
                status.append("\nEnter opens this claim", style="dim")
        self.query_one("#reader-status", Static).update(status)
