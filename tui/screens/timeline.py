"""The timeline: a vertical time axis (every year from the first chip to the last, empty years
included), one lane per vendor, each chip at its announcement (◆) and availability (●) dates.

A chip known only by its year sits at the head of that year, one known by year and month at the
head of that month, and its date is shown as written: nothing is placed on an invented day. The
axis stays pinned while the lanes scroll; Enter opens the chip in the cell."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip
from kb.views.chart import chip_label
from kb.views.timeline import ANNOUNCED, AVAILABLE, Event, Timeline, timeline
from tui.kbtext import kb_text, one_line
from tui.messages import OpenEntity
from tui.screens.chart_dialogs import VendorPicker
from tui.session import Session
from tui.widgets.key_bar import KeyBar
from tui.widgets.whole_cells import WholeCellTable

MARKERS = {ANNOUNCED: "◆", AVAILABLE: "●"}
#: Which dates are shown, cycled by `d`.
SHOWN = ((ANNOUNCED, AVAILABLE), (ANNOUNCED,), (AVAILABLE,))
LABEL_LIMIT = 24


class TimelineScreen(Screen[None]):
    CSS = """
    #timeline-table {
        height: 1fr;
    }
    #timeline-detail {
        height: auto;
        max-height: 4;
        padding: 0 1;
        border-top: solid $primary-darken-2;
    }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("enter", "open_chip", "Open chip", id="timeline_open", tooltip="Open the chip in the cell"),
        Binding("d", "cycle_dates", "Dates", id="timeline_dates", tooltip="Announced and available, or one of them"),
        Binding("v", "pick_vendors", "Vendors", id="timeline_vendors", tooltip="Choose the lanes shown"),
        Binding("escape", "app.pop_screen", "Back", id="close_timeline"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        assert session.kb is not None, "the timeline opens on a loaded KB"
        self.session = session
        self.kb: KnowledgeBase = session.kb
        self.shown = SHOWN[0]
        self.vendors: list[str] = []
        self.timeline: Timeline = timeline(self.kb)
        #: (row, column) -> the event in that cell
        self.cells: dict[tuple[int, int], Event] = {}

    def compose(self) -> ComposeResult:
        yield WholeCellTable(id="timeline-table", cursor_type="cell", fixed_columns=1, zebra_stripes=True)
        yield Static(id="timeline-detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.session.kb_loaded.subscribe(self, self.kb_loaded)
        self.refill()
        self.query_one(DataTable).focus()

    def kb_loaded(self, _reloaded: bool) -> None:
        if self.session.kb is not None:
            self.kb = self.session.kb
            self.refill()

    # --- filling --------------------------------------------------------------------------------

    def refill(self) -> None:
        self.timeline = timeline(self.kb, vendors=self.vendors)
        events = [e for e in self.timeline.events if e.kind in self.shown]
        lanes = list(dict.fromkeys(e.vendor for e in events))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column(Text("date", style="bold"), key="date")
        for vendor in lanes:
            table.add_column(kb_text(one_line(self.kb.title_of(vendor), LABEL_LIMIT), "bold"), key=vendor)
        self.cells = {}
        if not events:
            self._show_detail()
            return
        by_date: dict[object, list[Event]] = {}
        for event in events:
            by_date.setdefault(event.date, []).append(event)
        first, last = events[0].date.year, events[-1].date.year
        row = 0
        for year in range(first, last + 1):
            table.add_row(Text(f"{year}", style="bold reverse"), *([""] * len(lanes)), key=f"year-{year}")
            row += 1
            for date, on_date in by_date.items():
                if date.year != year:  # type: ignore[attr-defined]
                    continue
                per_lane = {v: [e for e in on_date if e.vendor == v] for v in lanes}
                for line in range(max(len(v) for v in per_lane.values())):
                    cells: list[Text | str] = [Text(date.text if line == 0 else "", style="dim")]  # type: ignore[attr-defined]
                    for column, vendor in enumerate(lanes, start=1):
                        lane = per_lane[vendor]
                        if line < len(lane):
                            self.cells[(row, column)] = lane[line]
                            cells.append(self._cell(lane[line]))
                        else:
                            cells.append("")
                    table.add_row(*cells)
                    row += 1
        self._cursor_to_first_event()
        self._show_detail()

    def _cell(self, event: Event) -> Text:
        label = one_line(chip_label(event.title, event.vendor, event.vendor_name), LABEL_LIMIT)
        text = Text(f"{MARKERS[event.kind]} ", style="bold" if event.kind == ANNOUNCED else "green")
        text.append_text(kb_text(label))
        return text

    def _cursor_to_first_event(self) -> None:
        if self.cells:
            row, column = min(self.cells)
            self.query_one(DataTable).cursor_coordinate = (row, column)  # type: ignore[assignment]

    # --- the cell under the cursor --------------------------------------------------------------

    def event_at_cursor(self) -> Event | None:
        coordinate = self.query_one(DataTable).cursor_coordinate
        return self.cells.get((coordinate.row, coordinate.column))

    def _show_detail(self) -> None:
        detail = self.query_one("#timeline-detail", Static)
        event = self.event_at_cursor()
        chip = self.kb.get(event.entity_id) if event else None
        legend = Text("◆ announced  ● available   d: which dates   v: vendors   enter: open", style="dim")
        if event is None or not isinstance(chip, Chip):
            if not self.timeline.events:
                detail.update(Text("No chip in the KB has a date.", style="dim"))
            else:
                detail.update(legend)
            return
        text = kb_text(chip.name, "bold")
        text.append(" · ")
        text.append_text(kb_text(self.kb.title_of(chip.vendor)))
        for label, value in (("announced", chip.announced), ("available", chip.available)):
            text.append(f" · {label} {value or 'not known'}", style="bold" if event.kind == label else "")
        if chip.kind:
            text.append_text(kb_text(f" · {chip.kind}", "dim"))
        text.append("\n")
        text.append_text(legend)
        detail.update(text)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._show_detail()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        self.action_open_chip()

    # --- actions --------------------------------------------------------------------------------

    def action_open_chip(self) -> None:
        event = self.event_at_cursor()
        if event is None:
            self.notify("Move to a chip first.", timeout=2)
            return
        self.post_message(OpenEntity(event.entity_id))

    def action_cycle_dates(self) -> None:
        self.shown = SHOWN[(SHOWN.index(self.shown) + 1) % len(SHOWN)]
        self.refill()
        self.notify("Showing: " + " and ".join(self.shown), timeout=2)

    def action_pick_vendors(self) -> None:
        having = {c.vendor for c in self.kb.chips if c.announced or c.available}
        vendors = sorted(((v, self.kb.title_of(v)) for v in having), key=lambda pair: pair[1].casefold())

        def chosen(picked: list[str] | None) -> None:
            if picked is not None:
                self.vendors = [] if not picked or set(picked) >= having else picked
                self.refill()

        self.app.push_screen(VendorPicker(vendors, set(self.vendors) if self.vendors else having), chosen)
