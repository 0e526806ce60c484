"""Chips side by side: one column per chip, one row per figure (then derived rows), the best value
of each row highlighted, disputed figures marked, and the claims about each chip below."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Static

from kb.store.figures import format_number, format_spec
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Source
from kb.views.compare import Cell, Comparison, Row, compare
from tui.kbtext import kb_text, one_line
from tui.messages import ExportNotes
from tui.screens.pick_chip import ChipPicker
from tui.session import Session
from tui.widgets.key_bar import KeyBar
from tui.widgets.link_list import Link, LinkList, entity_links, heading

BEST = "bold black on green"
DISPUTED = "bold yellow"
NOT_DISCLOSED = "dim italic"


def cell_text(cell: Cell) -> Text:
    """A cell as shown: the value (best in green), `≠` before a disputed one, `n/d` when not disclosed."""
    if cell.value is None:
        return Text("n/d" if cell.not_disclosed else "", style=NOT_DISCLOSED, justify="right")
    text = Text(justify="right")
    if cell.disputed:
        text.append("≠ ", style=DISPUTED)
    text.append(format_number(cell.value), style=BEST if cell.best else "")
    return text


def row_label(row: Row) -> Text:
    label = kb_text(row.label, "italic" if row.derived else "bold")
    label.append(f" ({row.unit})", style="dim")
    if row.derived:
        label.append(" derived", style="dim italic")
    return label


class CompareScreen(Screen[None]):
    CSS = """
    #compare-table {
        height: auto;
        max-height: 60%;
    }
    #cell-detail {
        height: auto;
        max-height: 10;
        padding: 0 1;
        border-top: solid $primary-darken-2;
    }
    #compare-claims {
        height: 1fr;
        min-height: 6;
        border-top: solid $primary-darken-2;
    }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("a", "add_chip", "Add chip", id="add_chip", tooltip="Add a chip to the comparison"),
        Binding("x,delete", "remove_chip", "Remove chip", id="remove_chip", tooltip="Remove the chip in focus"),
        Binding("e", "export", "Export", id="export_comparison", tooltip="Export the comparison as a note"),
        Binding("escape", "app.pop_screen", "Back", id="close_compare"),
    ]

    def __init__(self, session: Session, chip_ids: list[str]) -> None:
        super().__init__()
        assert session.kb is not None, "the compare screen opens on a loaded KB"
        self.session = session
        self.kb: KnowledgeBase = session.kb
        self.chip_ids = [c for c in dict.fromkeys(chip_ids) if isinstance(self.kb.get(c), Chip)]
        self.comparison: Comparison = compare(self.kb, self.chip_ids)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield DataTable(id="compare-table", cursor_type="cell", zebra_stripes=True)
            yield Static(id="cell-detail", markup=False)
            yield LinkList(id="compare-claims")
        yield KeyBar()

    def on_mount(self) -> None:
        self.session.kb_loaded.subscribe(self, self.kb_loaded)
        self.query_one("#compare-claims").border_title = "Claims"
        self.refill()
        self.query_one(DataTable).focus()

    def kb_loaded(self, _reloaded: bool) -> None:
        kb = self.session.kb
        if kb is None:
            return
        self.kb = kb
        self.chip_ids = [c for c in self.chip_ids if isinstance(kb.get(c), Chip)]
        self.refill()

    # --- filling --------------------------------------------------------------------------------

    def refill(self) -> None:
        self.comparison = compare(self.kb, self.chip_ids)
        table = self.query_one(DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column(Text("Figure", style="bold"), key="figure")
        for chip in self.comparison.chips:
            table.add_column(kb_text(one_line(chip.title, 30), "bold"), key=chip.id)
        for row in self.comparison.rows:
            table.add_row(row_label(row), *(cell_text(cell) for cell in row.cells), key=row.name)
        if self.comparison.rows and self.comparison.chips:
            table.cursor_coordinate = Coordinate(
                min(cursor.row, len(self.comparison.rows) - 1), max(1, min(cursor.column, len(self.comparison.chips)))
            )
        self._fill_claims()
        self._show_detail()
        if not self.comparison.chips:
            self.query_one("#cell-detail", Static).update(Text("No chips to compare: press a to add one.", "dim"))

    def _fill_claims(self) -> None:
        links: list[Link] = []
        for chip in self.comparison.chips:
            claims = [c.id for c in self.comparison.claims.get(chip.id, [])]
            links.append(heading(chip.title, len(claims)))
            links.extend(entity_links(self.kb, claims))
        self.query_one(LinkList).show(links, self.kb)

    # --- the cell under the cursor --------------------------------------------------------------

    def cell_at_cursor(self) -> tuple[Row, Chip, Cell] | None:
        table = self.query_one(DataTable)
        row_index, column = table.cursor_coordinate
        if column < 1 or row_index >= len(self.comparison.rows) or column > len(self.comparison.chips):
            return None
        row = self.comparison.rows[row_index]
        return row, self.comparison.chips[column - 1], row.cells[column - 1]

    def _show_detail(self) -> None:
        detail = self.query_one("#cell-detail", Static)
        found = self.cell_at_cursor()
        if found is None:
            detail.update(Text("Move to a cell to see where its figure comes from.", style="dim"))
            return
        row, chip, cell = found
        text = kb_text(chip.title, "bold")
        text.append(" · ")
        text.append_text(kb_text(row.label))
        if cell.disputed:
            text.append("  sources disagree", style=DISPUTED)
        if cell.best:
            text.append("  best of the row", style="green")
        if row.derived and cell.value is not None:
            text.append(f"\n= {format_number(cell.value)} {row.unit}, computed from:", style="italic")
        for spec in cell.specs:
            source = self.kb.get(spec.source)
            text.append("\n• ")
            text.append_text(kb_text(f"{spec.name}: {format_spec(spec)}", "bold"))
            text.append("  ")
            if isinstance(source, Source):
                text.append_text(kb_text(one_line(source.title, 60)))
                details = ", ".join(x for x in (source.publisher, source.published) if x)
                if details:
                    text.append_text(kb_text(f" ({details})", "dim"))
                if source.url:
                    text.append_text(kb_text(f" {source.url}", "underline"))
            else:
                text.append_text(kb_text(spec.source, "red"))
            if spec.note:
                text.append_text(kb_text(f" — {one_line(spec.note, 80)}", "italic"))
        if not cell.specs:
            text.append("\nnot known", style="dim")
        detail.update(text)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._show_detail()

    # --- actions --------------------------------------------------------------------------------

    def _set_chips(self, chip_ids: list[str]) -> None:
        """Change the chips compared; the marks follow, so the main screen agrees."""
        self.chip_ids = chip_ids
        self.session.set_marked(chip_ids)
        self.refill()

    def action_add_chip(self) -> None:
        def added(chip_id: str | None) -> None:
            if chip_id and chip_id not in self.chip_ids:
                self._set_chips([*self.chip_ids, chip_id])

        choices = [c for c in self.kb.chips if c.id not in self.chip_ids]
        if not choices:
            self.notify("Every chip is in the comparison already.", timeout=3)
            return
        self.app.push_screen(ChipPicker(choices), added)

    def chip_in_focus(self) -> str | None:
        """The chip of the table's column, or of the claims list's highlighted section."""
        claims = self.query_one(LinkList)
        if claims.has_focus and claims.highlighted is not None:
            above = claims.links[: claims.highlighted + 1]
            section = sum(1 for link in above if not link.target and not link.more) - 1  # headings so far
            return self.comparison.chips[section].id if section >= 0 else None
        column = self.query_one(DataTable).cursor_coordinate.column
        if self.comparison.rows and 1 <= column <= len(self.comparison.chips):
            return self.comparison.chips[column - 1].id
        return None

    def action_remove_chip(self) -> None:
        chip_id = self.chip_in_focus()
        if chip_id is None:
            self.notify("Move to a chip's column (or its claims) first.", timeout=3)
            return
        self._set_chips([c for c in self.chip_ids if c != chip_id])

    def action_export(self) -> None:
        if not self.chip_ids:
            self.notify("No chips to export.", timeout=3)
            return
        self.post_message(ExportNotes(list(self.chip_ids), comparison=True))
