"""A DataTable that never shows part of a cell: a column cut by the edge of the view, or sliding
under the pinned columns, is drawn blank until it scrolls fully into view.

A number cut at the edge reads as another number (`4` for 4096, `96` for 4096), so for a table of
figures "shown whole or not at all" is the rule. Columns are sized to their content (DataTable's
auto width), and the pinned columns (`fixed_columns`) stay while the others scroll.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import DataTable


class WholeCellTable(DataTable):  # type: ignore[type-arg]
    def cut_spans(self) -> list[tuple[int, int]]:
        """The (start, end) screen columns of the cells partly in view, in the scrolling part."""
        columns = self.ordered_columns
        fixed = sum(c.get_render_width(self) for c in columns[: self.fixed_columns])
        view_start, view_end = fixed, self.scrollable_content_region.width
        spans = []
        x = fixed - round(self.scroll_x)
        for column in columns[self.fixed_columns :]:
            width = column.get_render_width(self)
            start, end = x, x + width
            x = end
            if end <= view_start or start >= view_end:
                continue  # wholly out of view
            if start < view_start or end > view_end:
                spans.append((max(start, view_start), min(end, view_end)))
        return spans

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        for start, end in self.cut_spans():
            strip = _blank(strip, start, end)
        return strip


def _blank(strip: Strip, start: int, end: int) -> Strip:
    """`strip` with the cells start..end replaced by spaces in the styles they had."""
    middle = strip.crop(start, end)
    blanked = Strip([Segment(" " * seg.cell_length, seg.style) for seg in middle], middle.cell_length)
    return Strip.join([strip.crop(0, start), blanked, strip.crop(end, strip.cell_length)])
