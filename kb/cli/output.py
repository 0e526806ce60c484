"""How every command prints data: `--format table|json|jsonl|csv|tsv|markdown` (each command takes
the formats that make sense for it) and the error object of JSON mode. A command builds its records
once, as JSON-ready dicts, and this module writes them in the format asked for.

- json: one document, `{"version": 1, ...}`, indented; the shapes are in docs/schemas/output/.
- jsonl: one record a line, each with `"version": 1` (the document's totals and notes are left out).
- csv: RFC 4180 quoting (the csv module), a header row; tsv: a header row, then one record a line,
  with tab, newline, carriage return and backslash inside a field written `\\t`, `\\n`, `\\r`, `\\\\`.
  In both, a list or an object is its JSON text, a number is written as chipkb writes numbers
  (kb.store.figures.format_number), true/false, and a missing value is empty.
- markdown: a table (list, validate; a list of names is the names separated by commas) or the
  command's note (search, compare, rank, timeline).
- table: the command's own text; piped, one record a line.

JSON carries the KB's text as it is: a control character or bidi override is a `\\u` escape that a
JSON reader decodes back (kb.text.terminal_safe.json_safe), never a visible `\\x1b` or a collapsed
tab. CSV and TSV carry it raw into a pipe or a file; on a terminal they are shown escaped, as the
table is (kb.text.terminal_safe.visible).

Only the standard library is imported at the top: `chipkb search` must start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: The version of every JSON shape; it changes only when a shape changes in a way that can break a reader.
VERSION = 1
FORMATS = ("table", "json", "jsonl", "csv", "tsv", "markdown")
JSON_FORMATS = ("json", "jsonl")

#: A column of csv, tsv and markdown output: (header, key of the record).
Column = tuple[str, str]


def add_format_argument(
    parser: argparse.ArgumentParser, formats: Sequence[str], shorthands: Sequence[str] = ("json",), table: str = ""
) -> None:
    """`--format` with the formats this command takes, and `--json` (and `--csv`, `--markdown` where a
    command had them) as shorthands. Any other format is a usage error (exit 2)."""
    group = parser.add_mutually_exclusive_group()
    described = f"table ({table})" if table else "table"
    group.add_argument(
        "--format",
        choices=formats,
        default="table",
        metavar="FORMAT",
        help=f"one of: {', '.join(described if f == 'table' else f for f in formats)} (default table); "
        "the JSON shapes are in docs/outputs.md",
    )
    for name in shorthands:
        group.add_argument(f"--{name}", dest="format", action="store_const", const=name, help=f"--format {name}")


def wants_json(args: argparse.Namespace) -> bool:
    return getattr(args, "format", None) in JSON_FORMATS


def dumps(value: object, indent: int | None = None) -> str:
    """JSON with the real text (Japanese stays Japanese), in which no control or bidi override is raw."""
    from kb.text.terminal_safe import json_safe

    return json_safe(json.dumps(value, ensure_ascii=False, indent=indent))


def versioned(record: Mapping[str, Any]) -> dict[str, Any]:
    return {"version": VERSION, **record}


def print_document(document: Mapping[str, Any]) -> None:
    """The `--format json` document: `version` first, then the command's fields."""
    sys.stdout.write(dumps(versioned(document), indent=2) + "\n")


def print_lines(records: Iterable[Mapping[str, Any]]) -> None:
    """`--format jsonl`: one record a line, each with its version."""
    for record in records:
        sys.stdout.write(dumps(versioned(record)) + "\n")


def print_error(code: str, message: str, hint: str | None) -> None:
    """A failure in JSON mode: exactly one object on standard output. ASCII only, so that it can be
    written whatever the output's encoding."""
    error = {"code": code, "message": message, "hint": hint}
    sys.stdout.write(json.dumps(versioned({"error": error}), ensure_ascii=True) + "\n")


def cell_text(value: object, readable: bool = False) -> str:
    """A value as one csv/tsv cell (see the module's docstring); `readable`: for markdown, where a
    list of names is the names separated by commas."""
    if readable and isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        from kb.store.figures import format_number

        return format_number(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _delimited(records: Iterable[Mapping[str, Any]], columns: Sequence[Column], tab: bool) -> str:
    header = [name for name, _ in columns]
    rows = ([cell_text(record.get(key)) for _, key in columns] for record in records)
    if tab:
        lines = ["\t".join(header), *("\t".join(c.translate(_TSV_ESCAPES) for c in row) for row in rows)]
        return "".join(line + "\n" for line in lines)
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def markdown_table(records: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> str:
    """The records as a markdown table, every cell literal text (kb.notes.markdown.inline)."""
    from kb.notes.markdown import inline

    rows = [[name for name, _ in columns], ["---"] * len(columns)]
    rows += [[inline(cell_text(record.get(key), readable=True)) for _, key in columns] for record in records]
    return "".join("| " + " | ".join(row) + " |\n" for row in rows)


def write_text(text: str) -> None:
    """Text of a data format: raw into a pipe or file, control characters shown escaped on a terminal."""
    if sys.stdout.isatty():
        from kb.text.terminal_safe import visible

        text = visible(text)
    sys.stdout.write(text)


def print_records(
    form: str, records: Sequence[Mapping[str, Any]], columns: Sequence[Column], document: Mapping[str, Any]
) -> bool:
    """Print in `form` when it is one of the shared formats (json, jsonl, csv, tsv, and markdown as a
    table); False for `table`, which each command prints its own way."""
    if form == "json":
        print_document(document)
    elif form == "jsonl":
        print_lines(records)
    elif form in ("csv", "tsv"):
        write_text(_delimited(records, columns, tab=form == "tsv"))
    elif form == "markdown":
        write_text(markdown_table(records, columns))
    else:
        return False
    return True
