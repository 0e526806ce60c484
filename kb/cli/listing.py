"""List the KB's entities. On a terminal, one `id  type  title` line each in aligned columns;
piped, the same three fields separated by tabs, one entity a line (a title's tabs and newlines made
spaces, control characters shown as `\\x1b`-style escapes). --format json, jsonl, csv, tsv and
markdown give each entity's id, type, title, vendor, aliases, tags and the file and line it is
written at (the JSON shape: docs/outputs.md). --sort orders by a field, --limit keeps the first N."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kb.cli.common import add_kb_argument, kb_root
from kb.cli.output import FORMATS, Column, add_format_argument, print_records
from kb.store.schema import ENTITY_TYPES

if TYPE_CHECKING:
    from kb.store.model import Entity

#: What --sort takes; `path` orders by file, then line.
SORT_FIELDS = ("id", "type", "title", "vendor", "path")
COLUMNS: tuple[Column, ...] = tuple(
    (key, key) for key in ("id", "type", "title", "vendor", "aliases", "tags", "path", "line")
)


def _limit(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more, not {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--type", choices=ENTITY_TYPES, help="only entities of this type")
    parser.add_argument(
        "--sort", choices=SORT_FIELDS, metavar="FIELD", help=f"order by {', '.join(SORT_FIELDS)} (default: KB order)"
    )
    parser.add_argument("--limit", type=_limit, metavar="N", help="only the first N entities")
    add_kb_argument(parser)
    add_format_argument(parser, FORMATS, table="aligned columns; piped, tab-separated id, type, title")


def _vendor(entity: Entity) -> str | None:
    """The vendor an entity belongs to: a chip's vendor, a vendor itself; none for claims and sources."""
    if entity.type == "chip":
        return getattr(entity, "vendor", None) or None
    return entity.id if entity.type == "vendor" else None


def record(entity: Entity) -> dict[str, Any]:
    """One entity as --format json lists it (and jsonl, csv, tsv, markdown)."""
    return {
        "id": entity.id,
        "type": entity.type,
        "title": entity.title,
        "vendor": _vendor(entity),
        "aliases": list(getattr(entity, "aliases", ())),
        "tags": list(getattr(entity, "tags", ())),
        "path": entity.location.path,
        "line": entity.location.line,
    }


def _sort_key(field: str) -> Any:
    if field == "path":
        return lambda r: (r["path"], r["line"])
    return lambda r: (r[field] is None, (r[field] or "").casefold())


def run(args: argparse.Namespace) -> int:
    from kb.store.knowledge import load_kb

    kb = load_kb(kb_root(args))
    records = [record(e) for e in kb.entities.values() if args.type in (None, e.type)]
    total = len(records)
    if args.sort:
        records.sort(key=_sort_key(args.sort))
    records = records[: args.limit]
    document = {"total": total, "count": len(records), "entities": records}
    if not print_records(args.format, records, COLUMNS, document):
        _print_table(records)
    return 0


def _print_table(records: list[dict[str, Any]]) -> None:
    from kb.cli.plain_table import cell

    rows = [(r["id"], r["type"], cell(r["title"])) for r in records]
    if not sys.stdout.isatty():
        for row in rows:
            print("\t".join(row))
        return
    width = max((len(r[0]) for r in rows), default=0)
    for entity_id, kind, title in rows:
        print(f"{entity_id:<{width}}  {kind:<6}  {title}")
