"""The centre pane: one entity's fields, a chip's figures as a table, and links that Enter follows."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from kb.store.figures import FIGURES, format_number
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Entity, Source, Spec, Vendor
from kb.views.describe import claim_links
from tui.kbtext import kb_text, one_line
from tui.messages import PreviewFigure, ToggleMark
from tui.widgets.kb_tree import badge
from tui.widgets.link_list import Link, LinkList, entity_links, heading


class SpecTable(DataTable):
    """A chip's figures: value, unit, source and note of each; space marks the chip."""

    BINDINGS = [  # noqa: RUF012
        Binding("space", "mark", "Mark chip", id="figures_mark", tooltip="Mark or unmark this chip for comparison"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.chip: Chip | None = None

    def action_mark(self) -> None:
        if self.chip is not None:
            self.post_message(ToggleMark(self.chip.id))


class EntityView(Vertical):
    """Everything about one entity.  `entity_id` is what is shown now."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kb: KnowledgeBase | None = None
        self.entity_id: str | None = None
        self.marked: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static(Text("Select an entity in the tree, or type / to search.", style="dim"), id="entity-header")

    # The figures table and the links list are made when first needed, so the first paint of the
    # app does not wait for them (a DataTable and an OptionList cost a few tens of milliseconds).

    # The widget made is returned as made, not looked up again: while the app closes, a widget
    # mounted now is not in the DOM yet, and a query for it would fail.

    def spec_table(self) -> SpecTable:
        found = self.query(SpecTable)
        if found:
            return found.first()
        table = SpecTable(id="specs")
        links = self.query(LinkList)
        self.mount(table, before=links.first() if links else None)
        return table

    def link_list(self) -> LinkList:
        found = self.query(LinkList)
        if found:
            return found.first()
        links = LinkList(id="links")
        self.mount(links)
        return links

    # --- showing --------------------------------------------------------------------------------

    def show(self, kb: KnowledgeBase, entity: Entity, marked: set[str] | None = None) -> None:
        self.kb = kb
        self.entity_id = entity.id
        if marked is not None:
            self.marked = set(marked)
        self.query_one("#entity-header", Static).update(self._header(kb, entity))
        has_specs = isinstance(entity, Chip) and bool(entity.specs)
        for table in self.query(SpecTable):
            table.display = False
        if isinstance(entity, Chip) and has_specs:
            table = self.spec_table()
            table.display = True
            self._fill_specs(kb, entity, table)
        rows = self._links(kb, entity)
        for links in self.query(LinkList):
            links.display = False
        if rows:
            links = self.link_list()
            links.display = True
            links.show(rows, kb, self.marked)

    def clear(self, message: str = "") -> None:
        self.entity_id = None
        self.query_one("#entity-header", Static).update(Text(message, style="dim"))
        for pane in (*self.query(SpecTable), *self.query(LinkList)):
            pane.display = False

    def set_marked(self, marked: set[str]) -> None:
        self.marked = set(marked)
        if self.kb is None or self.entity_id is None:
            return
        entity = self.kb.get(self.entity_id)
        if entity is None:
            return
        self.query_one("#entity-header", Static).update(self._header(self.kb, entity))
        for links in self.query(LinkList):
            highlighted = links.highlighted
            links.show(self._links(self.kb, entity), self.kb, self.marked)
            links.highlighted = highlighted

    def _header(self, kb: KnowledgeBase, entity: Entity) -> Text:
        text = Text()
        if isinstance(entity, Claim):
            text.append_text(badge(entity.kind))
            text.append(f" {kb.status(entity.id)}\n", style="italic")
            text.append_text(kb_text(entity.statement, "bold"))
        else:
            text.append_text(kb_text(entity.title, "bold"))
            if isinstance(entity, Chip) and entity.id in self.marked:
                text.append("  ● marked", style="bold green")
        text.append(f"\n{entity.type} {entity.id}\n", style="dim")
        for name, value in self._fields(kb, entity):
            text.append(f"{name}: ", style="bold")
            text.append_text(kb_text(value))
            text.append("\n")
        if isinstance(entity, Vendor):
            if entity.summary:
                text.append("\n")
                text.append_text(kb_text(entity.summary))
                text.append("\n")
            for note in entity.strategy:
                text.append("• ")
                text.append_text(kb_text(note))
                text.append("\n")
        if isinstance(entity, Claim):
            text.append("excerpt: ", style="bold")
            text.append_text(kb_text(entity.excerpt, "italic"))
            text.append("\n")
        text.rstrip()
        return text

    @staticmethod
    def _fields(kb: KnowledgeBase, entity: Entity) -> list[tuple[str, str]]:
        """(label, value) pairs worth a line; empty values are left out."""
        pairs: list[tuple[str, str]] = []
        if isinstance(entity, Chip):
            pairs += [
                ("vendor", kb.title_of(entity.vendor)),
                ("kind", entity.kind),
                ("family", " ".join(x for x in (entity.family, entity.generation) if x)),
                ("announced", entity.announced),
                ("available", entity.available),
                ("process", entity.process),
                ("foundry", kb.title_of(entity.foundry) if entity.foundry else ""),
                ("memory", entity.memory),
                ("interconnect", entity.interconnect),
                ("instances", ", ".join(entity.instances)),
                ("aliases", ", ".join(entity.aliases)),
            ]
        elif isinstance(entity, Vendor):
            pairs += [
                ("kind", entity.kind),
                ("country", entity.country),
                ("parent", kb.title_of(entity.parent) if entity.parent else ""),
                ("aliases", ", ".join(entity.aliases)),
            ]
        elif isinstance(entity, Claim):
            source = kb.get(entity.source)
            pairs += [
                ("date", entity.date or (source.published if isinstance(source, Source) else "")),
                ("source", kb.title_of(entity.source)),
                ("tags", ", ".join(entity.tags)),
            ]
        elif isinstance(entity, Source):
            pairs += [
                ("publisher", entity.publisher),
                ("author", entity.author),
                ("published", entity.published),
                ("language", entity.language),
                ("kind", entity.kind),
                ("license", entity.license),
                ("url", entity.url),
            ]
        return [(name, value) for name, value in pairs if value]

    def _fill_specs(self, kb: KnowledgeBase, chip: Chip, table: SpecTable) -> None:
        table.chip = chip
        table.clear(columns=True)
        table.add_columns("Figure", "Value", "Unit", "Source", "Note")
        disputed = kb.disputed_figures(chip)
        for index, spec in enumerate(chip.specs):
            known = FIGURES.get(spec.name)
            label = known.label if known else spec.name
            if spec.value is None:
                value = Text("not disclosed", style="dim italic")
            else:
                value = Text(format_number(spec.value), justify="right")
                if spec.is_estimate:
                    value.append(" est.", style="dim italic")
                if spec.name in disputed:
                    value = Text.assemble(("≠ ", "bold yellow"), value)
            table.add_row(
                kb_text(label),
                value,
                kb_text(spec.unit),
                kb_text(one_line(kb.title_of(spec.source), 40)),
                kb_text(one_line(spec.note, 60), "dim"),
                key=str(index),
            )

    def _links(self, kb: KnowledgeBase, entity: Entity) -> list[Link]:
        links: list[Link] = []

        def section(title: str, ids: list[str]) -> None:
            present = [i for i in ids if kb.get(i) is not None]
            if present:
                links.append(heading(title, len(present)))
                links.extend(entity_links(kb, present, self.marked))

        if isinstance(entity, Chip):
            section("Vendor", [entity.vendor])
            section("Claims", [c.id for c in kb.claims_about(entity.id)])
            section("Foundry", [entity.foundry] if entity.foundry else [])
            section("Sources", sorted({s.source for s in entity.specs} | set(entity.sources)))
        elif isinstance(entity, Vendor):
            section("Chips", [c.id for c in kb.chips_of(entity.id)])
            section("Claims", [c.id for c in kb.claims_about(entity.id)])
            section("Parent", [entity.parent] if entity.parent else [])
            section("Sources", list(entity.sources))
        elif isinstance(entity, Claim):
            section("About", list(entity.subjects))
            section("Source", [entity.source])
            for title, claim_links_ in claim_links(kb, entity):
                present = [link for link in claim_links_ if kb.get(link.claim) is not None]
                if present:
                    links.append(heading(title, len(present)))
                    reasons = {link.claim: link.reason for link in present}
                    links.extend(entity_links(kb, list(reasons), self.marked, reasons))
        elif isinstance(entity, Source):
            section("Claims quoting it", [c.id for c in kb.claims_quoting(entity.id)])
        return links

    # --- events ---------------------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        table = self.spec_table()
        if table.chip is None or event.row_key.value is None:
            return
        spec: Spec = table.chip.specs[int(event.row_key.value)]
        self.post_message(PreviewFigure(table.chip.id, spec))
