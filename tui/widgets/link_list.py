"""A list of entities to follow: headings, links (Enter follows, space marks a chip), and for a long
section a `… n more` row that Enter opens, so a vendor with thousands of claims shows at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kb.store.knowledge import KnowledgeBase
from kb.store.model import Claim
from tui.kbtext import kb_text
from tui.messages import OpenEntity, PreviewClaim, ToggleMark
from tui.widgets.kb_tree import entity_label

#: Links shown at a time in one section; the rest wait behind a `… n more` row.
LINK_PAGE = 100


@dataclass(frozen=True)
class Link:
    """One row: a heading (no target), an entity to follow, or a row standing for `more` entities."""

    target: str
    label: Text
    more: tuple[str, ...] = ()


def heading(title: str, count: int | None = None) -> Link:
    text = kb_text(title, "bold")
    if count is not None:
        text.append(f" ({count})", style="dim")
    return Link("", text)


def entity_links(
    kb: KnowledgeBase, ids: Sequence[str], marked: Iterable[str] = (), reasons: Mapping[str, str] | None = None
) -> list[Link]:
    """Links to the first LINK_PAGE of `ids`, then one row standing for the rest; a link between
    claims shows its reason under the claim."""
    chosen = set(marked)
    links = []
    for i in ids[:LINK_PAGE]:
        if i not in kb.entities:
            continue
        label = entity_label(kb, kb.entities[i], i in chosen)
        if reasons and reasons.get(i):
            label.append("\n    ")
            label.append_text(kb_text(f"why: {reasons[i]}", "dim italic"))
        links.append(Link(i, label))
    rest = tuple(ids[LINK_PAGE:])
    if rest:
        links.append(Link("", Text(f"… {len(rest)} more (Enter shows them)", style="italic"), more=rest))
    return links


class LinkList(OptionList):
    BINDINGS = [  # noqa: RUF012
        Binding("enter", "select", "Follow link", id="follow_link", tooltip="Open the highlighted entity"),
        Binding("space", "mark", "Mark chip", id="link_mark", tooltip="Mark or unmark the chip for comparison"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.links: list[Link] = []
        self.kb: KnowledgeBase | None = None
        self.marked: set[str] = set()

    def show(self, links: list[Link], kb: KnowledgeBase, marked: Iterable[str] = ()) -> None:
        self.kb, self.marked = kb, set(marked)
        self._set(links, next((i for i, link in enumerate(links) if link.target), None))

    def _set(self, links: list[Link], highlighted: int | None) -> None:
        self.links = links
        self.set_options(Option(link.label, disabled=not (link.target or link.more)) for link in links)
        self.highlighted = highlighted

    def target_at_cursor(self) -> str | None:
        if self.highlighted is None or self.highlighted >= len(self.links):
            return None
        return self.links[self.highlighted].target or None

    def expand(self, index: int) -> None:
        """Replace the `… n more` row at `index` by the next page of its links."""
        row = self.links[index]
        if not row.more or self.kb is None:
            return
        self._set([*self.links[:index], *entity_links(self.kb, row.more, self.marked), *self.links[index + 1 :]], index)

    def action_mark(self) -> None:
        target = self.target_at_cursor()
        if target:
            self.post_message(ToggleMark(target))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = self.target_at_cursor()
        if target:
            self.post_message(OpenEntity(target))
        elif self.highlighted is not None:
            self.expand(self.highlighted)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        target = self.target_at_cursor()
        if target and self.kb is not None and isinstance(self.kb.get(target), Claim):
            self.post_message(PreviewClaim(target))
