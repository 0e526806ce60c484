"""A long text drawn line by line (only the visible lines are rendered), with spans highlighted.

The text is wrapped once per width; `row_of(offset)` says on which wrapped row a character
lands, so the reader can scroll an excerpt into view.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kb.text.terminal_safe import visible
from tui.kbtext import wrap
from tui.widgets.excerpt_pane import highlighted

EXCERPT = "black on yellow"
CURRENT = "bold black on dark_orange"


class SourceText(ScrollView):
    DEFAULT_CSS = """
    SourceText {
        background: $surface;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.spans: list[tuple[int, int]] = []
        self.current: int | None = None
        self._line_starts: list[int] = [0]
        self._rows: list[Text] = []
        #: For each logical line: its first wrapped row, and the offset (in the line) each row starts at.
        self._first_row: list[int] = []
        self._row_offsets: list[list[int]] = []
        self._width = 0

    def show(self, text: str, spans: list[tuple[int, int]], current: int | None = None) -> None:
        self.text = text
        self.spans = sorted(spans)
        self.current = current
        starts = [0]
        starts += [index + 1 for index, char in enumerate(text) if char == "\n"]
        self._line_starts = starts
        self._width = 0
        self._layout()

    def set_current(self, current: int | None) -> None:
        if current != self.current:
            self.current = current
            self._width = 0
            self._layout()

    def _logical_lines(self) -> list[tuple[int, str]]:
        lines = self.text.split("\n")
        return list(zip(self._line_starts, lines, strict=True))

    def _line_text(self, start: int, line: str) -> Text:
        """One logical line, made visible, with every excerpt touching it highlighted; the current
        excerpt is styled last, so it stands out where excerpts overlap."""
        end = start + len(line)
        text = highlighted(line, [])
        touching = [(i, s, e) for i, (s, e) in enumerate(self.spans) if e > start and s < end]
        touching.sort(key=lambda item: item[0] == self.current)
        for index, s, e in touching:
            style = CURRENT if index == self.current else EXCERPT
            text.stylize(style, *self._visible_range(line, max(s, start) - start, min(e, end) - start))
        return text

    @staticmethod
    def _visible_range(line: str, start: int, end: int) -> tuple[int, int]:
        """Raw offsets in `line` as offsets in its visible form (a control character grows)."""
        before = len(visible(line[:start]))
        return before, before + len(visible(line[start:end]))

    def _layout(self) -> None:
        width = max(1, self.scrollable_content_region.width or self.size.width or 80)
        if width == self._width:
            return
        self._width = width
        rows: list[Text] = []
        self._first_row, self._row_offsets = [], []
        for start, line in self._logical_lines():
            self._first_row.append(len(rows))
            text = self._line_text(start, line)
            wrapped = wrap(text, width) if text.plain else [Text()]
            offsets, position = [], 0
            for row in wrapped:
                offsets.append(position)
                position += len(row.plain)
            self._row_offsets.append(offsets)
            rows.extend(wrapped)
        self._rows = rows
        self.virtual_size = Size(width, len(rows))
        self.refresh()

    def on_resize(self) -> None:
        self._layout()

    @property
    def rows(self) -> list[Text]:
        """The wrapped rows as drawn (with their highlight styles)."""
        return list(self._rows)

    def row_of(self, offset: int) -> int:
        """The wrapped row that shows character `offset` of the text."""
        line = max(0, bisect_right(self._line_starts, offset) - 1)
        if line >= len(self._first_row):
            return 0
        column = offset - self._line_starts[line]
        within = max(0, bisect_right(self._row_offsets[line], column) - 1)
        return self._first_row[line] + within

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so the row holding `offset` sits a third of the way down."""
        self._layout()
        row = self.row_of(offset)
        self.scroll_to(y=max(0, row - self.scrollable_content_region.height // 3), animate=False)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if row >= len(self._rows):
            return Strip.blank(width, style)
        segments = list(self._rows[row].render(self.app.console))
        strip = Strip(Segment.apply_style(segments, style))
        return strip.crop_extend(scroll_x, scroll_x + width, style)
