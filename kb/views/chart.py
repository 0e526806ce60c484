"""A figure against date, or ranked as bars: the data the app's Chart view, `chipkb chart` and the
chart note draw, and how it is drawn on a plotext figure.

The points are the rows of `kb.views.rank` (so a chart and `chipkb rank` never disagree): one series
per vendor, each point a chip at the position of its date (announced, else available; a year-only
or year-and-month date in the middle of the period it names, `kb.views.dates`).  Chips without a
date are counted, not placed.  Estimates are drawn with their own marker; figures not disclosed are
not drawn.

`draw` is given the plotext figure to draw on (the `plotext` module for the terminal, the widget's
figure in the app), so this module never imports plotext and costs nothing to import.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kb.store.figures import format_number
from kb.store.knowledge import KnowledgeBase
from kb.views.dates import PartialDate, parse_date
from kb.views.preferred import ESTIMATE, STATED
from kb.views.rank import Ranking, RankRow, rank

#: Series colours (plotext names), given to vendors in the order of their names.
PALETTE = ("blue+", "red+", "green+", "orange", "magenta+", "cyan+", "yellow", "gray+", "blue", "red", "green")
MARKER, ESTIMATE_MARKER, SELECTED_MARKER = "●", "○", "◆"
#: Points are labelled with their chip's name up to this many; beyond it only the selected point is.
LABEL_LIMIT = 40


@dataclass(frozen=True)
class Point:
    row: RankRow
    date: PartialDate

    @property
    def x(self) -> float:
        return self.date.position

    @property
    def y(self) -> float:
        assert self.row.value is not None
        return self.row.value

    @property
    def estimate(self) -> bool:
        return self.row.status == ESTIMATE


@dataclass(frozen=True)
class Series:
    vendor: str
    vendor_name: str
    colour: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Chart:
    ranking: Ranking
    series: tuple[Series, ...]
    #: Rows with a value but no date: in the bars, not on the date axis.
    undated: tuple[RankRow, ...]

    @property
    def points(self) -> tuple[Point, ...]:
        """Every dated point, in date order (then best first): the order a cursor walks them."""
        points = [p for s in self.series for p in s.points]
        positions = {id(row): i for i, row in enumerate(self.ranking.rows)}
        return tuple(sorted(points, key=lambda p: (p.date, positions[id(p.row)])))

    @property
    def bars(self) -> tuple[RankRow, ...]:
        """The rows with a value, best first: ranked rows, then estimates."""
        return tuple(r for r in self.ranking.rows if r.value is not None)

    def colour_of(self, vendor: str) -> str:
        return next((s.colour for s in self.series if s.vendor == vendor), PALETTE[0])


def chart(
    kb: KnowledgeBase,
    name: str,
    *,
    per_watt: bool = False,
    vendors: Iterable[str] = (),
    kinds: Iterable[str] = (),
    since: int | None = None,
) -> Chart:
    """The chart of figure `name` (RankError as `kb.views.rank.rank`)."""
    ranking = rank(kb, name, per_watt=per_watt, vendors=vendors, kinds=kinds, since=since)
    by_vendor: dict[str, list[Point]] = {}
    names: dict[str, str] = {}
    undated: list[RankRow] = []
    for row in ranking.rows:
        if row.value is None:
            continue
        names[row.chip.vendor] = row.vendor_name
        date = parse_date(row.date)
        if date is None:
            undated.append(row)
        else:
            by_vendor.setdefault(row.chip.vendor, []).append(Point(row, date))
    order = sorted(names, key=lambda v: (names[v].casefold(), v))
    colours = {vendor: PALETTE[i % len(PALETTE)] for i, vendor in enumerate(order)}
    series = tuple(
        Series(v, names[v], colours[v], tuple(sorted(by_vendor[v], key=lambda p: p.date)))
        for v in order
        if v in by_vendor
    )
    return Chart(ranking, series, tuple(undated))


# --- drawing ---------------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 5, log: bool = False) -> list[float]:
    """Round tick values covering low..high: 1, 2, 5 × 10^n steps (powers of 10 on a log scale)."""
    if log:
        low, high = max(low, 1e-12), max(high, 1e-12)
        first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
        powers = [10.0**e for e in range(first, last + 1)]
        ticks = [t for t in powers if low <= t <= high]
        if len(ticks) < 3:
            ticks = [t for t in sorted({p * m for p in powers for m in (1, 2, 5)}) if low / 2 <= t <= high * 2]
        return ticks or powers
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _clean(text: str) -> str:
    """A label safe on a chart: one line, with nothing that could move the cursor or colour the terminal."""
    return "".join(c for c in " ".join(text.split()) if c.isprintable())


def _year_ticks(low: float, high: float, width: int) -> list[int]:
    years = list(range(math.floor(low), math.ceil(high) + 1))
    step = 1
    while len(years[::step]) * 6 > max(20, width - 10):
        step += 1
    return years[::step]


def draw(
    plt: Any,
    data: Chart,
    *,
    width: int,
    height: int,
    bars: bool = False,
    log: bool = False,
    colour: bool = True,
    selected: RankRow | None = None,
) -> list[Point]:
    """Draw `data` on the plotext figure `plt` (cleared first) at width x height characters: the
    figure against date, or with `bars` a ranked horizontal bar chart.  Colours per vendor unless
    `colour` is False; `selected` is drawn with its own marker and labelled first.  Returns the
    points drawn without a label, for want of room."""
    plt.clear_figure()
    limit_size = getattr(plt, "limitsize", None)  # the plotext module has it; a widget's figure is sized by the widget
    if limit_size is not None:
        limit_size(False, False)  # the size asked for, not the terminal's (which a pipe does not have)
    plt.plotsize(width, height)
    if not colour:
        plt.theme("clear")
    ranking = data.ranking
    unit = ranking.unit
    plt.title(f"{ranking.label} ({unit})" + (", log scale" if log else ""))
    unlabelled: list[Point] = []
    if bars:
        _draw_bars(plt, data, height=height, log=log, colour=colour, selected=selected)
    else:
        unlabelled = _draw_points(plt, data, width=width, height=height, log=log, colour=colour, selected=selected)
    if not colour:
        plt.clear_color()
    return unlabelled


def _linear(value: float) -> float:
    return value


def _log_scale(value: float) -> float:
    return math.log10(value)


def _nothing(plt: Any, message: str) -> None:
    plt.text(message, 0.5, 0.5, alignment="center")
    plt.xlim(0, 1)
    plt.ylim(0, 1)
    plt.xticks([], [])
    plt.yticks([], [])


class _Grid:
    """The plot area in character cells, to place labels where they cover no other label or point.

    plotext draws text over everything, so a label placed blindly hides the points under it; this
    keeps a label only where it fits (right of its point, else left of it), and otherwise draws the
    point alone."""

    def __init__(self, width: int, height: int, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        self.width, self.height = max(1, width), max(1, height)
        self.x_range, self.y_range = x_range, y_range
        self.taken: set[tuple[int, int]] = set()

    def cell(self, x: float, y: float) -> tuple[int, int]:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        column = round((x - x0) / ((x1 - x0) or 1) * (self.width - 1))
        row = round((y1 - y) / ((y1 - y0) or 1) * (self.height - 1))
        return row, column

    def side_for(self, x: float, y: float, length: int) -> str | None:
        """'left' (the label starts at the point), 'right' (it ends there) or None (no room)."""
        row, column = self.cell(x, y)
        for side, first in (("left", column), ("right", column - length + 1)):
            cells = {(row, c) for c in range(first - 1, first + length + 1)} - {(row, column)}
            if first >= 0 and first + length <= self.width and not cells & self.taken:
                self.taken |= cells
                return side
        return None


def _draw_points(
    plt: Any, data: Chart, *, width: int, height: int, log: bool, colour: bool, selected: RankRow | None
) -> list[Point]:
    points = [p for p in data.points if not log or p.y > 0]
    if not points:
        _nothing(plt, "nothing to draw: no chip has a dated value")
        return []
    scale = _log_scale if log else _linear
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    low_x, high_x = math.floor(min(xs)), math.ceil(max(xs))
    if high_x - low_x < 1:
        high_x = low_x + 1
    plt.xlim(low_x, high_x)
    years = _year_ticks(low_x, high_x, width)
    plt.xticks(years, [str(y) for y in years])
    low_y, high_y = min(ys), max(ys)
    if log:
        ticks = nice_ticks(low_y, high_y, log=True)
        y_range = (scale(low_y) - 0.1, scale(high_y) + 0.1)
    else:
        ticks = nice_ticks(min(0.0, low_y), high_y)
        y_range = (min(0.0, low_y), max(ticks[-1], high_y) * 1.02)
    ticks = [t for t in ticks if y_range[0] <= scale(t) <= y_range[1]] or ticks
    plt.ylim(*y_range)
    tick_labels = [format_number(t) for t in ticks]
    plt.yticks([scale(t) for t in ticks], tick_labels)
    # the plot area: less the y tick labels and the frame, the title, the x ticks and their labels
    grid = _Grid(width - max(map(len, tick_labels)) - 3, height - 4, (low_x, high_x), y_range)
    for point in points:
        grid.taken.add(grid.cell(point.x, scale(point.y)))
    label_all = len(points) <= LABEL_LIMIT
    order = sorted(points, key=lambda p: (p.row is not selected, p.row.rank is None, p.row.rank or 0))
    unlabelled = []
    # points without a label go to plotext a series at a time: one call per thousand points, not a thousand
    scattered: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    for point in order:
        is_selected = point.row is selected
        marker = SELECTED_MARKER if is_selected else ESTIMATE_MARKER if point.estimate else MARKER
        colour_name = data.colour_of(point.row.chip.vendor) if colour else "default"
        x, y = point.x, scale(point.y)
        label = short_name(point.row) + (" (est.)" if point.estimate else "") if label_all or is_selected else ""
        side = grid.side_for(x, y, len(label) + 2) if label else None
        if side == "left":
            plt.text(f"{marker} {label}", x, y, color=colour_name, alignment="left")
        elif side == "right":
            plt.text(f"{label} {marker}", x, y, color=colour_name, alignment="right")
        else:
            xs_ys = scattered.setdefault((colour_name, marker), ([], []))
            xs_ys[0].append(x)
            xs_ys[1].append(y)
            unlabelled.append(point)
    for (colour_name, marker), (group_x, group_y) in scattered.items():
        plt.scatter(group_x, group_y, marker=marker, color=colour_name)
    return sorted(unlabelled, key=lambda p: (p.date, p.row.chip.name))


def _draw_bars(plt: Any, data: Chart, *, height: int, log: bool, colour: bool, selected: RankRow | None) -> None:
    rows = [r for r in data.bars if not log or (r.value or 0) > 0]
    room = max(1, (height - 4) // 2)
    if selected is not None and selected in rows and rows.index(selected) >= room:
        start = rows.index(selected) - room + 1
        rows = rows[start : start + room]
    else:
        rows = rows[:room]
    if not rows:
        _nothing(plt, "nothing to draw: no chip has a value")
        return
    labels = [bar_label(r, r is selected) for r in rows]
    values = [r.value or 0.0 for r in rows]
    if log:
        base = math.floor(math.log10(min(values)))  # bars grow from the power of ten below the least value
        ticks = sorted({10.0**base, *(t for t in nice_ticks(min(values), max(values), log=True) if t >= 10.0**base)})
        lengths = [math.log10(v) - base for v in values]
        positions = [math.log10(t) - base for t in ticks]
    else:
        ticks = nice_ticks(0, max(values))
        lengths, positions = values, ticks
    # one bar per call, at its own place (plotext colours a list of bars given at once by the
    # order of a set, which changes from run to run); the best at the top
    places = list(range(len(rows), 0, -1))
    for row, place, length in zip(rows, places, lengths, strict=True):
        plt.bar(
            [place],
            [length],
            orientation="horizontal",
            width=0.6,
            color=data.colour_of(row.chip.vendor) if colour else "default",
        )
    plt.yticks(places, labels)
    plt.ylim(0.4, len(rows) + 0.6)
    plt.xticks(positions, [format_number(t) for t in ticks])


def short_name(row: RankRow) -> str:
    """The chip's name as a chart label (`chip_label`)."""
    return chip_label(row.chip.name, row.chip.vendor, row.vendor_name) or row.chip.id


def chip_label(name: str, vendor: str, vendor_name: str) -> str:
    """A chip's name where its vendor is already said (a chart label, a vendor's lane): without a
    leading vendor name and without a parenthesised detail (`NVIDIA H100 (SXM5 80 GB)` -> `H100`)."""
    full = _clean(name)
    words = full.split(" ")
    vendor_words = {_clean(vendor_name).casefold(), vendor.casefold(), "aws", "azure"}
    if len(words) > 1 and words[0].casefold() in vendor_words:
        words = words[1:]
    short = " ".join(words)
    if "(" in short and not short.startswith("("):
        short = short[: short.index("(")].strip()
    return short or full


def bar_label(row: RankRow, selected: bool = False) -> str:
    """`3. H100 989`: rank (or `est.`), short name and value; the selected bar's marked."""
    rank_text = f"{row.rank}." if row.rank is not None else "est."
    mark = f"{SELECTED_MARKER} " if selected else ""
    return f"{mark}{rank_text} {short_name(row)} {format_number(row.value or 0.0)}"


def legend(data: Chart) -> list[tuple[str, str]]:
    """(text, colour) of each vendor's series, then what the markers mean."""
    entries = [(f"{MARKER} {_clean(s.vendor_name)}", s.colour) for s in data.series]
    if any(p.estimate for p in data.points):
        entries.append((f"{ESTIMATE_MARKER} estimate", "default"))
    return entries


def notes(data: Chart, log: bool = False) -> list[str]:
    """What the chart leaves out, in words."""
    lines = []
    ranking = data.ranking
    if data.undated:
        lines.append(f"{len(data.undated)} chips with a value but no date are not on the date axis")
    if ranking.skipped:
        lines.append(f"{len(ranking.skipped)} chips without a TDP skipped")
    hidden = sum(1 for r in ranking.rows if r.status not in (STATED, ESTIMATE))
    if hidden:
        lines.append(f"{hidden} chips state the figure as not disclosed")
    if log and any((r.value or 0) <= 0 for r in ranking.rows if r.value is not None):
        lines.append("values of 0 or less are not drawn on a log scale")
    return lines


def walk(points: Sequence[Point], current: RankRow | None, step: int) -> RankRow | None:
    """The row `step` points after (or before) `current` in date order, wrapping round."""
    if not points:
        return None
    rows = [p.row for p in points]
    if current is None or current not in rows:
        return rows[0] if step >= 0 else rows[-1]
    return rows[(rows.index(current) + step) % len(rows)]
