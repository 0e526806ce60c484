"""The chart view: one figure against date (a series and colour per vendor, each point labelled with
its chip), or ranked as bars; log scale, per watt and the vendors shown are a key away. A cursor
walks the points (left/right; in bars, up/down) and Enter opens the chip under it.

The data is `kb.views.chart` (the rows of `chipkb rank`), drawn by `kb.views.chart.draw` on a
textual-plotext widget, so the app and `chipkb chart` draw the same chart. This module is imported
only when the view first opens: the app's start-up never pays for plotext.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from kb.store.figures import FIGURES, format_number, format_spec
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Source
from kb.views.chart import Chart, chart, draw, legend, notes
from kb.views.preferred import ESTIMATE
from kb.views.rank import RankRow
from tui.kbtext import kb_text, one_line
from tui.messages import OpenEntity
from tui.screens.chart_dialogs import FigurePicker, VendorPicker
from tui.session import Session
from tui.widgets.key_bar import KeyBar

#: Rich colours for the legend, matching the plotext colour names of `kb.views.chart.PALETTE`.
LEGEND_COLOURS = {
    "blue+": "bright_blue",
    "red+": "bright_red",
    "green+": "bright_green",
    "orange": "dark_orange",
    "magenta+": "bright_magenta",
    "cyan+": "bright_cyan",
    "yellow": "yellow",
    "gray+": "bright_black",
    "blue": "blue",
    "red": "red",
    "green": "green",
    "default": "",
}


def figure_counts(kb: KnowledgeBase) -> Counter[str]:
    """How many chips give a value for each figure."""
    counts: Counter[str] = Counter()
    for chip in kb.chips:
        counts.update({s.name for s in chip.specs if s.value is not None and s.name in FIGURES})
    return counts


def default_figure(kb: KnowledgeBase) -> str:
    """The throughput figure most chips state (the race is about throughput), else the figure most
    chips state."""
    counts = figure_counts(kb)
    compute = [(n, c) for n, c in counts.most_common() if FIGURES[n].group == "compute"]
    if compute:
        return compute[0][0]
    return counts.most_common(1)[0][0] if counts else "bf16-dense"


class ChartPlot(PlotextPlot):
    """A plotext plot of a `Chart`, redrawn at the widget's size on every render."""

    DEFAULT_CSS = """
    ChartPlot {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: Chart | None = None
        self.bars = False
        self.log_scale = False
        self.selected: RankRow | None = None
        #: perf_counter() after the last draw (the benchmark reads it).
        self.drawn_at = 0.0
        self._drawn: RenderResult | None = None
        self._drawn_key: tuple[object, ...] = ()

    def render(self) -> RenderResult:
        """The chart at the widget's size, drawn again only when something it shows has changed
        (Textual renders a widget more often than its content changes)."""
        import time

        key = (self.size, self.data, self.bars, self.log_scale, self.selected, self.app.theme)
        if self._drawn is None or any(a is not b and a != b for a, b in zip(key, self._drawn_key, strict=False)):
            width, height = self.size
            # a fresh figure each time: plotext's clear_figure leaves some of a bar chart's state behind
            self._plot = Plot()
            if self.data is not None and width > 10 and height > 5:
                draw(
                    self.plt,
                    self.data,
                    width=width,
                    height=height,
                    bars=self.bars,
                    log=self.log_scale,
                    selected=self.selected,
                )
            self._drawn = super().render()
            self._drawn_key = key
            self.drawn_at = time.perf_counter()
        return self._drawn


class ChartScreen(Screen[None]):
    CSS = """
    #chart-legend, #chart-detail {
        height: auto;
        padding: 0 1;
    }
    #chart-detail {
        border-top: solid $primary-darken-2;
        max-height: 5;
    }
    """
    BINDINGS = [  # noqa: RUF012
        Binding("f", "pick_figure", "Figure", id="chart_figure", tooltip="Chart another figure"),
        Binding("v", "pick_vendors", "Vendors", id="chart_vendors", tooltip="Choose the vendors shown"),
        Binding("l", "toggle_log", "Log", id="chart_log", tooltip="Log or linear value axis"),
        Binding("w", "toggle_per_watt", "Per watt", id="chart_per_watt", tooltip="Value / TDP"),
        Binding("b", "toggle_bars", "Bars", id="chart_bars", tooltip="Ranked bars, or against date"),
        Binding("left,up", "step(-1)", "Previous", show=False),
        Binding("right,down", "step(1)", "Next", show=False),
        Binding("enter", "open_chip", "Open chip", id="chart_open", tooltip="Open the selected chip"),
        Binding("escape", "app.pop_screen", "Back", id="close_chart"),
    ]

    def __init__(self, session: Session, figure: str | None = None) -> None:
        """On `figure`, or by default on `default_figure`."""
        super().__init__()
        assert session.kb is not None, "the chart view opens on a loaded KB"
        self.session = session
        self.kb: KnowledgeBase = session.kb
        self.figure = figure if figure in FIGURES else default_figure(self.kb)
        self.per_watt = False
        #: Vendor ids shown; empty: all.
        self.vendors: list[str] = []
        self.selected_chip: str | None = None
        self.data: Chart = chart(self.kb, self.figure)

    def compose(self) -> ComposeResult:
        yield ChartPlot(id="chart-plot")
        yield Static(id="chart-legend", markup=False)
        yield Static(id="chart-detail", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.session.kb_loaded.subscribe(self, self.kb_loaded)
        self.refill(recompute=False)  # computed in __init__

    def kb_loaded(self, _reloaded: bool) -> None:
        if self.session.kb is not None:
            self.kb = self.session.kb
            self.refill()

    @property
    def plot(self) -> ChartPlot:
        return self.query_one(ChartPlot)

    # --- filling --------------------------------------------------------------------------------

    def refill(self, recompute: bool = True) -> None:
        if recompute:
            self.data = chart(self.kb, self.figure, per_watt=self.per_watt, vendors=self.vendors)
        plot = self.plot
        plot.data = self.data
        order = self.order()
        selected = next((r for r in order if r.chip.id == self.selected_chip), None)
        if selected is None and order:
            selected = order[0]
        plot.selected = selected
        self.selected_chip = selected.chip.id if selected else None
        plot.refresh()
        self._show_legend()
        self._show_detail()

    def order(self) -> list[RankRow]:
        """The rows the cursor walks: ranked order for bars, date order against date."""
        if self.plot.bars:
            return list(self.data.bars)
        return [p.row for p in self.data.points]

    def _show_legend(self) -> None:
        text = Text()
        for entry, colour in legend(self.data):
            text.append_text(kb_text(entry, LEGEND_COLOURS.get(colour, "")))
            text.append("   ")
        for line in notes(self.data, self.plot.log_scale):
            text.append(f"\n{line}", style="dim")
        self.query_one("#chart-legend", Static).update(text)

    def _show_detail(self) -> None:
        detail = self.query_one("#chart-detail", Static)
        row = self.plot.selected
        if row is None:
            detail.update(Text("No chip has a value for this figure: press f for another.", style="dim"))
            return
        ranking = self.data.ranking
        text = kb_text(row.chip.name, "bold")
        text.append(" · ")
        text.append_text(kb_text(row.vendor_name))
        text.append(" · ")
        text.append(f"{format_number(row.value or 0.0)} {ranking.unit}", style="bold")
        if row.status == ESTIMATE:
            text.append(" (estimate)", style="yellow")
        if row.low is not None and row.high is not None:
            text.append(f"  sources disagree: {format_number(row.low)}–{format_number(row.high)}", style="yellow")
        if row.rank is not None:
            text.append(f" · rank {row.rank} of {len(ranking.ranked)}")
        text.append(f" · {row.date or 'no date'}", style="dim")
        for spec in (row.spec, row.tdp_spec):
            if spec is None:
                continue
            source = self.kb.get(spec.source)
            text.append("\n• ")
            text.append_text(kb_text(f"{spec.name}: {format_spec(spec)}"))
            text.append("  ")
            title = source.title if isinstance(source, Source) else spec.source
            text.append_text(kb_text(one_line(title, 70), "italic"))
        text.append("\nenter opens the chip", style="dim")
        detail.update(text)

    # --- actions --------------------------------------------------------------------------------

    def action_step(self, step: int) -> None:
        order = self.order()
        if not order:
            return
        current = self.plot.selected
        index = next((i for i, r in enumerate(order) if r is current), -1)
        index = (index + step) % len(order) if index >= 0 else 0
        self.selected_chip = order[index].chip.id
        self.plot.selected = order[index]
        self.plot.refresh()
        self._show_detail()

    def action_open_chip(self) -> None:
        if self.plot.selected is not None:
            self.post_message(OpenEntity(self.plot.selected.chip.id))

    def action_toggle_log(self) -> None:
        self.plot.log_scale = not self.plot.log_scale
        self.plot.refresh()
        self._show_legend()

    def action_toggle_bars(self) -> None:
        self.plot.bars = not self.plot.bars
        self.refill()

    def action_toggle_per_watt(self) -> None:
        figure = FIGURES[self.figure]
        if not figure.per_watt:
            self.notify(f"{figure.label} has no per-watt form: press f for a throughput figure.", timeout=3)
            return
        self.per_watt = not self.per_watt
        self.refill()

    def action_pick_figure(self) -> None:
        def chosen(name: str | None) -> None:
            if name and name in FIGURES:
                self.figure = name
                if not FIGURES[name].per_watt:
                    self.per_watt = False
                self.refill()

        self.app.push_screen(FigurePicker(dict(figure_counts(self.kb)), self.figure), chosen)

    def action_pick_vendors(self) -> None:
        having = {r.chip.vendor for r in chart(self.kb, self.figure, per_watt=self.per_watt).ranking.rows}
        vendors = sorted(((v, self.kb.title_of(v)) for v in having), key=lambda pair: pair[1].casefold())

        def chosen(picked: list[str] | None) -> None:
            if picked is not None:
                self.vendors = [] if set(picked) >= having else picked
                self.refill()

        shown = set(self.vendors) if self.vendors else having
        self.app.push_screen(VendorPicker(vendors, shown), chosen)

    def describe(self) -> dict[str, Any]:
        """What the view shows, for tests and the benchmark."""
        return {
            "figure": self.figure,
            "per_watt": self.per_watt,
            "bars": self.plot.bars,
            "log": self.plot.log_scale,
            "vendors": list(self.vendors),
            "selected": self.selected_chip,
            "points": len(self.data.points),
        }
