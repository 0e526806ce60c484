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

from kb.store.figures import FIGURES, LOWER, format_number, format_spec
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Source
from kb.views.compare import DERIVED, Cell, Comparison, Row, compare
from kb.views.dates import parse_date
from tui.kbtext import kb_text, one_line
from tui.messages import ExportNotes
from tui.screens.pick_chip import ChipPicker
from tui.session import Session
from tui.widgets.key_bar import KeyBar
from tui.widgets.link_list import Link, LinkList, entity_links, heading
from tui.widgets.whole_cells import WholeCellTable

BEST = "bold black on green"
DISPUTED = "bold yellow"
NOT_DISCLOSED = "dim italic"
ESTIMATE = "italic yellow"


def cell_text(cell: Cell) -> Text:
    """A cell as shown: the value (best in green), `≠` before a disputed one, `est.` after a third
    party's estimate, `n/d` when not disclosed."""
    if cell.value is None:
        return Text("n/d" if cell.not_disclosed else "", style=NOT_DISCLOSED, justify="right")
    text = Text(justify="right")
    if cell.disputed:
        text.append("≠ ", style=DISPUTED)
    text.append(format_number(cell.value), style=BEST if cell.best else "")
    if cell.estimate:
        text.append(" est.", style=ESTIMATE)
    return text


#: Rows of what a chip is, above its figures: (key, label).
FACT_ROWS = (("generation", "Generation"), ("announced", "Announced"), ("available", "Available"))
SORTED_MARK = "▸ "


def fact_text(chip: Chip, key: str) -> Text:
    return kb_text(one_line(getattr(chip, key), 20), "dim" if key == "generation" else "")


def _natural(text: str) -> tuple[tuple[int, object], ...]:
    """`v5e` after `v4`, `10` after `9`: digits compared as numbers."""
    import re

    return tuple((0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.findall(r"\d+|\D+", text))


def _better(name: str) -> str | None:
    figure = FIGURES.get(name)
    if figure is not None:
        return figure.better
    return next((d.better for d in DERIVED if d.name == name), None)


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
        Binding("s", "sort_by_row", "Sort", id="sort_columns", tooltip="Order the chips by the row under the cursor"),
        Binding("d", "order_by_date", "By date", id="order_by_date", tooltip="Order the chips by date"),
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
        #: The row the chips are ordered by, and whether reversed ("" when not sorted).
        self.sorted_by = ""
        self.sorted_reverse = False
        #: The table's rows, top to bottom: FACT_ROWS keys, then the comparison's row names.
        self.row_keys: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield WholeCellTable(id="compare-table", cursor_type="cell", zebra_stripes=True, fixed_columns=1)
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
        keys = [key for key, _ in FACT_ROWS] + [r.name for r in self.comparison.rows]
        labels = [kb_text(label, "bold") for _, label in FACT_ROWS] + [row_label(r) for r in self.comparison.rows]
        marked = Text(SORTED_MARK, style="bold")
        labels = [marked + t if k == self.sorted_by else t for k, t in zip(keys, labels, strict=True)]
        for label in labels:  # a label may be cut (the cell detail shows it whole); a number never is
            label.no_wrap, label.overflow = True, "ellipsis"
        table.add_column(Text("Figure", style="bold"), key="figure", width=self.label_width(labels))
        for chip in self.comparison.chips:
            table.add_column(kb_text(one_line(chip.title, 30), "bold"), key=chip.id)
        self.row_keys = keys
        for label, (key, _) in zip(labels, FACT_ROWS, strict=False):
            table.add_row(label, *(fact_text(chip, key) for chip in self.comparison.chips), key=key)
        for label, row in zip(labels[len(FACT_ROWS) :], self.comparison.rows, strict=True):
            table.add_row(label, *(cell_text(cell) for cell in row.cells), key=row.name)
        if self.comparison.chips:
            table.cursor_coordinate = Coordinate(
                min(cursor.row, len(keys) - 1), max(1, min(cursor.column, len(self.comparison.chips)))
            )
        self._fill_claims()
        self._show_detail()
        if not self.comparison.chips:
            self.query_one("#cell-detail", Static).update(Text("No chips to compare: press a to add one.", "dim"))

    def label_width(self, labels: list[Text]) -> int:
        """The figure column: its longest label, up to a third of the screen (at least 18), so that
        at 80 columns the chips' numbers get the room."""
        longest = max((label.cell_len for label in labels), default=10)
        return min(longest, max(18, self.size.width // 3))

    def on_resize(self) -> None:
        """A narrower or wider screen: the figure column gets its share again."""
        table = self.query_one(DataTable)
        if not table.columns or not self.row_keys:
            return
        labels = [table.get_row_at(i)[0] for i in range(table.row_count)]
        if table.ordered_columns[0].width != self.label_width(labels):
            self.call_after_refresh(self.refill)

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
        figure_row = row_index - len(FACT_ROWS)
        if column < 1 or not 0 <= figure_row < len(self.comparison.rows) or column > len(self.comparison.chips):
            return None
        row = self.comparison.rows[figure_row]
        return row, self.comparison.chips[column - 1], row.cells[column - 1]

    def fact_at_cursor(self) -> tuple[str, str, Chip] | None:
        """(key, label, chip) when the cursor is on a generation or date row."""
        row_index, column = self.query_one(DataTable).cursor_coordinate
        if row_index >= len(FACT_ROWS) or not 1 <= column <= len(self.comparison.chips):
            return None
        key, label = FACT_ROWS[row_index]
        return key, label, self.comparison.chips[column - 1]

    def _show_detail(self) -> None:
        detail = self.query_one("#cell-detail", Static)
        fact = self.fact_at_cursor()
        if fact is not None:
            detail.update(self._fact_detail(*fact))
            return
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

    def _fact_detail(self, key: str, label: str, chip: Chip) -> Text:
        text = kb_text(chip.title, "bold")
        text.append(f" · {label}: ")
        text.append_text(kb_text(getattr(chip, key) or "not known", "bold"))
        if key != "generation" and getattr(chip, key):
            text.append(f" (as precise as the KB has it: a {parse_date(getattr(chip, key)).precision})", style="dim")  # type: ignore[union-attr]
        if chip.sources:
            text.append("\nSources of the chip's dates and details: ", style="dim")
            text.append_text(kb_text("; ".join(one_line(self.kb.title_of(s), 50) for s in chip.sources)))
        return text

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

    def _sort_key(self, key: str, chip: Chip, cells: dict[str, Cell]) -> tuple[int, object]:
        """How a chip sorts by row `key`: (0, value) when it has one, (1, name) after."""
        if key in ("announced", "available"):
            date = parse_date(getattr(chip, key))
            return (0, date) if date is not None else (1, chip.title.casefold())
        if key == "generation":
            return (0, _natural(chip.generation)) if chip.generation else (1, chip.title.casefold())
        cell = cells.get(chip.id)
        if cell is None or cell.value is None:
            return (1, chip.title.casefold())
        return (0, cell.value if _better(key) == LOWER else -cell.value)

    def order_chips(self, key: str, reverse: bool = False) -> None:
        """Put the columns in the order of row `key`: best first (earliest for dates), chips without
        a value last; `reverse` turns the order of those with values round."""
        row = next((r for r in self.comparison.rows if r.name == key), None)
        cells = {c.id: cell for c, cell in zip(self.comparison.chips, row.cells, strict=True)} if row else {}
        keyed = [(self._sort_key(key, chip, cells), chip.id) for chip in self.comparison.chips]
        having = sorted((k for k in keyed if k[0][0] == 0), key=lambda k: k[0], reverse=reverse)
        others = sorted(k for k in keyed if k[0][0] == 1)
        self.chip_ids = [chip_id for _, chip_id in having + others]
        self.sorted_by, self.sorted_reverse = key, reverse
        self.refill()

    def action_sort_by_row(self) -> None:
        """`s`: order the chips by the row under the cursor; again on the same row: the other way."""
        row_index = self.query_one(DataTable).cursor_coordinate.row
        if not self.comparison.chips or not 0 <= row_index < len(self.row_keys):
            return
        key = self.row_keys[row_index]
        self.order_chips(key, reverse=not self.sorted_reverse if key == self.sorted_by else False)

    def action_order_by_date(self) -> None:
        """`d`: order the chips by their announcement date (then availability); again: newest first."""
        if not self.comparison.chips:
            return
        reverse = not self.sorted_reverse if self.sorted_by == "announced" else False
        dated = {c.id: c.announced or c.available for c in self.comparison.chips}
        keyed = [(parse_date(dated[c.id]), c.id) for c in self.comparison.chips]
        having = sorted((k for k in keyed if k[0] is not None), key=lambda k: k[0], reverse=reverse)  # type: ignore[arg-type,return-value]
        others = [k for k in keyed if k[0] is None]
        self.chip_ids = [chip_id for _, chip_id in having + others]
        self.sorted_by, self.sorted_reverse = "announced", reverse
        self.refill()

    def action_export(self) -> None:
        if not self.chip_ids:
            self.notify("No chips to export.", timeout=3)
            return
        self.post_message(ExportNotes(list(self.chip_ids), comparison=True))
