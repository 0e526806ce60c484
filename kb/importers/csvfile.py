"""Reading a dataset's CSV as published, every cell with the place it starts.

Python's `csv` module says neither where a field starts nor that a file was cut inside a quoted
field, so this is a small RFC 4180 reader of its own: fields separated by commas, records by
CR LF, LF or CR, a field in double quotes may hold commas, line breaks and doubled quotes.
Every problem is a `Problem` at `path:line:col`, the place of the cell (or of the byte) at fault,
and reading goes on after one, so a file's problems are all listed at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kb.store.model import Problem
from kb.store.yamlread import Limits, decode_text


@dataclass(frozen=True)
class Cell:
    """One field: its text (quotes removed, line breaks as \\n) and where it starts (from 1)."""

    text: str
    line: int
    col: int


@dataclass
class Record:
    """One data row: its number (1 for the first after the header) and its cells by column name."""

    number: int
    line: int
    cells: dict[str, Cell]

    def text(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.text.strip() if cell else ""


@dataclass
class Table:
    path: str
    columns: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _Reader:
    """Splits decoded text into records of cells, noting problems as it goes."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.problems: list[Problem] = []
        #: Whether the text ended inside a quoted field (its record is then short, and said so once).
        self.unclosed = False
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def problem(self, line: int, col: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, col, message))

    def _col(self) -> int:
        return self.pos - self.line_start + 1

    def _newline_at(self, pos: int) -> int:
        """Length of the line break at `pos` (0 when there is none)."""
        if self.text.startswith("\r\n", pos):
            return 2
        return 1 if pos < len(self.text) and self.text[pos] in "\r\n" else 0

    def records(self) -> list[tuple[int, list[Cell]]]:
        rows: list[tuple[int, list[Cell]]] = []
        text = self.text
        while self.pos < len(text):
            start_line = self.line
            skip = self._newline_at(self.pos)
            if skip:  # a blank line holds no record
                self.pos += skip
                self.line += 1
                self.line_start = self.pos
                continue
            cells: list[Cell] = []
            while True:
                cells.append(self._field())
                if self.pos < len(text) and text[self.pos] == ",":
                    self.pos += 1
                    continue
                break
            skip = self._newline_at(self.pos)
            if skip:
                self.pos += skip
                self.line += 1
                self.line_start = self.pos
            rows.append((start_line, cells))
        return rows

    def _field(self) -> Cell:
        text = self.text
        line, col = self.line, self._col()
        if self.pos < len(text) and text[self.pos] == '"':
            return self._quoted(line, col)
        end = self.pos
        while end < len(text) and text[end] not in ",\r\n":
            end += 1
        value = text[self.pos : end]
        self.pos = end
        return Cell(value, line, col)

    def _quoted(self, line: int, col: int) -> Cell:
        text = self.text
        self.pos += 1
        parts: list[str] = []
        while True:
            quote = text.find('"', self.pos)
            if quote == -1:
                self.problem(
                    line, col, "a quoted field is not closed: the file ends inside it (is the file cut short?)"
                )
                parts.append(text[self.pos :])
                self._advance_to(len(text))
                self.unclosed = True
                return Cell(_LINE_BREAK.sub("\n", "".join(parts)), line, col)
            parts.append(text[self.pos : quote])
            self._advance_to(quote + 1)
            if text.startswith('"', self.pos):  # a doubled quote stands for one
                parts.append('"')
                self._advance_to(self.pos + 1)
                continue
            break
        if self.pos < len(text) and text[self.pos] not in ",\r\n":
            self.problem(
                self.line,
                self._col(),
                f"unexpected {text[self.pos]!r} after the closing quote of a field (a quote inside a"
                " quoted field must be doubled)",
            )
            while self.pos < len(text) and text[self.pos] not in ",\r\n":
                self.pos += 1
        return Cell(_LINE_BREAK.sub("\n", "".join(parts)), line, col)

    def _advance_to(self, end: int) -> None:
        """Move to `end`, counting the line breaks passed over."""
        chunk = self.text[self.pos : end]
        breaks = list(_LINE_BREAK.finditer(chunk))
        if breaks:
            self.line += len(breaks)
            self.line_start = self.pos + breaks[-1].end()
        self.pos = end


def read_table(file: Path, path: str, limits: Limits | None = None) -> tuple[Table | None, list[Problem]]:
    """The CSV in `file` as a table, or None and why it cannot be read.

    A table is returned with its problems when the file could be split into rows at all (a wrong
    field count or a cut quote); None when it is not text (not UTF-8, binary, empty, too big).
    """
    limits = limits or Limits.from_environment()
    try:
        size = file.stat().st_size
        if size > limits.max_file_bytes:
            message = f"file is {size} bytes, over the limit of {limits.max_file_bytes} (limit CHIPKB_MAX_FILE_BYTES)"
            return None, [Problem(path, 1, 1, message)]
        data = file.read_bytes()
    except OSError as error:
        return None, [Problem(path, 1, 1, f"cannot read file: {error.strerror or error}")]
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(path, 1, 1, "file is binary, not CSV text (it contains NUL bytes)")]
    text, problem = decode_text(data, path)
    if problem is not None or text is None:
        return None, [problem] if problem else []
    if not text.strip():
        return None, [Problem(path, 1, 1, "file is empty: it has no header and no rows")]
    return parse_table(text, path)


def parse_table(text: str, path: str) -> tuple[Table, list[Problem]]:
    """Split decoded CSV text into a header and records; each record must have the header's width."""
    reader = _Reader(text, path)
    rows = reader.records()
    problems = reader.problems
    table = Table(path)
    if not rows:
        problems.append(Problem(path, 1, 1, "file is empty: it has no header and no rows"))
        return table, problems
    header = rows[0][1]
    seen: dict[str, int] = {}
    for field_number, cell in enumerate(header, start=1):
        name = cell.text.strip()
        if not name:
            message = f"field {field_number} of the header has no column name"
            problems.append(Problem(path, cell.line, cell.col, message))
        elif name in seen:
            message = f"column {name!r} appears twice in the header (fields {seen[name]} and {field_number})"
            problems.append(Problem(path, cell.line, cell.col, message))
        else:
            seen[name] = field_number
    table.columns = [cell.text.strip() for cell in header]
    width = len(header)
    for number, (line, cells) in enumerate(rows[1:], start=1):
        last = number == len(rows) - 1
        if len(cells) != width and last and reader.unclosed:
            continue  # cut inside a quote: said already
        if len(cells) != width:
            hint = " (is the file cut short?)" if last and len(cells) < width else ""
            problems.append(
                Problem(path, line, 1, f"row {number} has {len(cells)} fields, the header has {width}{hint}")
            )
            continue
        table.records.append(Record(number, line, dict(zip(table.columns, cells, strict=True))))
    return table, problems


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")


def parse_number(text: str) -> Decimal | None:
    """A plain decimal or scientific number (`700`, `6.7e14`, `1.28E+14`) as a Decimal, or None."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        return None
