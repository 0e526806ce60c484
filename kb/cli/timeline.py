"""Chips in date order: when each was announced and when customers could first use it (and, with
--claims, the dated claims about them), as precise as the KB has it: a chip known only by its year
is listed at the head of that year, never given a month or day. --format json, jsonl, csv, tsv and
markdown give the same events (--json, --csv and --markdown are short for three of them; the JSON
shape: docs/outputs.md)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kb.cli.common import add_kb_argument
from kb.cli.filters import add_chip_filters
from kb.cli.output import FORMATS, Column, add_format_argument, print_records

if TYPE_CHECKING:
    from kb.views.timeline import Event, Timeline


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_chip_filters(parser)
    parser.add_argument(
        "--family", action="append", default=[], metavar="F", help="only chips of this family, e.g. Trainium (repeat)"
    )
    parser.add_argument("--claims", action="store_true", help="the dated claims about these chips and vendors too")
    add_kb_argument(parser)
    add_format_argument(
        parser, FORMATS, shorthands=("json", "csv", "markdown"), table="date, event, vendor, chip or claim; by year"
    )


def event_data(event: Event) -> dict[str, Any]:
    return {
        "date": event.date.text,
        "precision": event.date.precision,
        "event": event.kind,
        "id": event.entity_id,
        "title": event.title,
        "vendor": event.vendor,
        "vendor_name": event.vendor_name,
        "chip": event.chip_id,
    }


def timeline_data(timeline: Timeline) -> dict[str, Any]:
    return {
        "events": [event_data(e) for e in timeline.events],
        "lanes": list(timeline.lanes),
        "undated": [c.id for c in timeline.undated],
    }


#: The columns of --format csv and tsv.
COLUMNS: tuple[Column, ...] = tuple(
    (key, key) for key in ("date", "precision", "event", "id", "title", "vendor", "chip")
)


def print_text(timeline: Timeline) -> None:
    from kb.cli.plain_table import cell, render

    rows = []
    year = None
    for event in timeline.events:
        if event.date.year != year and year is not None:
            rows.append(("", "", "", ""))
        year = event.date.year
        title = event.title if event.kind != "claim" else f"{event.title} ({event.entity_id})"
        rows.append((event.date.text, event.kind, event.vendor_name, title))
    for line in render(("date", "event", "vendor", "chip or claim"), rows):
        print(line)
    if timeline.undated:
        print(cell("without a date: " + ", ".join(c.name for c in timeline.undated)))


def run(args: argparse.Namespace) -> int:
    from kb.cli.common import kb_root
    from kb.cli.filters import family_names, vendor_ids
    from kb.store.knowledge import load_kb
    from kb.store.sections import load_sections
    from kb.text.terminal_safe import visible
    from kb.views.timeline import timeline

    # dated claims need the whole KB; the chips' dates need only the chips (kept fresh in the cache)
    kb = load_kb(kb_root(args)) if args.claims else load_sections(kb_root(args))
    found = timeline(
        kb,
        vendors=vendor_ids(kb, args.vendor),
        families=family_names(kb, args.family),
        kinds=args.kind,
        since=args.since,
        claims=args.claims,
    )
    if args.format == "markdown":
        from kb.notes.charts import timeline_markdown

        sys.stdout.write(visible(timeline_markdown(kb, found)))
    else:
        document = timeline_data(found)
        if not print_records(args.format, document["events"], COLUMNS, document) and found.events:
            print_text(found)
    if not found.events:
        print("chipkb: no chip with a date matches", file=sys.stderr)
        return 1
    return 0
