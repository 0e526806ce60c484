"""The right-hand pane: a claim's excerpt highlighted inside the paragraph it was quoted from,
under the source's title, publisher, date and url; or where a chip's figure comes from."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widget import Widget

from kb.store.figures import format_spec
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Claim, Source, Spec
from kb.text.passages import Passage, find_excerpt, passage_around
from tui.kbtext import kb_text, wrap

HIGHLIGHT = "bold black on yellow"


def highlighted(text: str, spans: list[tuple[int, int]], style: str = HIGHLIGHT) -> Text:
    """`text` made visible with `spans` (offsets into the raw text) styled.

    Control characters become several visible characters, so each piece is made visible on its
    own and the styles are applied to the pieces, not to raw offsets.
    """
    out = Text()
    position = 0
    for start, end in sorted(spans):
        start = max(start, position)
        if end <= start:
            continue
        out.append_text(kb_text(text[position:start]))
        out.append_text(kb_text(text[start:end], style))
        position = end
    out.append_text(kb_text(text[position:]))
    return out


def source_heading(source: Source | None, source_id: str) -> Text:
    """Title, then publisher · date, then url: what a reader needs to cite the source."""
    if source is None:
        return Text.assemble(("unknown source ", "bold red"), kb_text(source_id))
    heading = kb_text(source.title, "bold")
    details = [x for x in (source.publisher, source.author, source.published) if x]
    if details:
        heading.append("\n")
        heading.append_text(kb_text(" · ".join(details), "italic"))
    if source.url:
        heading.append("\n")
        heading.append_text(kb_text(source.url, "underline"))
    return heading


class WrappedText(Widget):
    """Text wrapped by Japanese line-breaking rules (tui.kbtext.wrap) to the widget's width."""

    DEFAULT_CSS = "WrappedText { height: auto; }"

    def __init__(self, text: Text, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text

    @property
    def content(self) -> Text:
        """The text shown (before wrapping), as Static.content gives it."""
        return self.text

    def update(self, text: Text) -> None:
        self.text = text
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(wrap(self.text, width))

    def render(self) -> Text:
        return Text("\n").join(wrap(self.text, self.content_region.width or self.size.width or 1))


class ExcerptPane(VerticalScroll):
    """What is shown is kept as state: `claim_id`, and `passage` (its span is the highlight)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.claim_id: str | None = None
        self.passage: Passage | None = None

    def compose(self) -> ComposeResult:
        yield WrappedText(Text("The excerpt of the selected claim shows here.", style="dim"), id="excerpt-text")

    def _set(self, text: Text) -> None:
        self.query_one("#excerpt-text", WrappedText).update(text)
        self.scroll_home(animate=False)

    def clear(self) -> None:
        self.claim_id = None
        self.passage = None
        self._set(Text("The excerpt of the selected claim shows here.", style="dim"))

    def show_claim(self, kb: KnowledgeBase, claim: Claim) -> None:
        source = kb.get(claim.source)
        text = source_heading(source if isinstance(source, Source) else None, claim.source)
        text.append("\n\n")
        self.claim_id = claim.id
        span = find_excerpt(source.text, claim.excerpt) if isinstance(source, Source) else None
        if span is None or not isinstance(source, Source):
            self.passage = None
            text.append_text(kb_text(claim.excerpt, HIGHLIGHT))
            text.append("\n\n(the excerpt was not found in the source's text)", style="italic red")
        else:
            self.passage = passage_around(source.text, span)
            text.append_text(highlighted(self.passage.text, [self.passage.span]))
        text.append("\n\n")
        text.append_text(kb_text(claim.statement, "dim"))
        self._set(text)

    def show_figure(self, kb: KnowledgeBase, spec: Spec) -> None:
        self.claim_id = None
        self.passage = None
        source = kb.get(spec.source)
        text = Text()
        text.append_text(kb_text(spec.name, "bold"))
        text.append(": ")
        text.append_text(kb_text(format_spec(spec)))
        if spec.note:
            text.append("\n")
            text.append_text(kb_text(spec.note, "italic"))
        text.append("\n\nsource:\n", style="dim")
        text.append_text(source_heading(source if isinstance(source, Source) else None, spec.source))
        self._set(text)

    def show_source(self, source: Source) -> None:
        self.claim_id = None
        self.passage = None
        text = source_heading(source, source.id)
        text.append("\n\nPress o to read the full text with its excerpts highlighted.", style="dim")
        self._set(text)
