"""Chips in date order: when each was announced and when customers could first use it (and, with
--claims, the dated claims about them), as precise as the KB has it: a chip known only by its year
is listed at the head of that year, never given a month or day. --json, --csv and --markdown give the
same events."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kb.cli.common import add_kb_argument
from kb.cli.filters import add_chip_filters

if TYPE_CHECKING:
    from kb.views.timeline import Event, Timeline


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_chip_filters(parser)
    parser.add_argument(
        "--family", action="append", default=[], metavar="F", help="only chips of this family, e.g. Trainium (repeat)"
    )
    parser.add_argument("--claims", action="store_true", help="the dated claims about these chips and vendors too")
    add_kb_argument(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="the events as JSON")
    output.add_argument("--csv", action="store_true", help="the events as CSV")
    output.add_argument("--markdown", action="store_true", help="the events as a markdown table")


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


CSV_FIELDS = ("date", "precision", "event", "id", "title", "vendor", "chip")


def _print_csv(timeline: Timeline) -> None:
    import csv

    from kb.text.terminal_safe import visible

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for event in timeline.events:
        data = event_data(event)
        writer.writerow([visible(" ".join(str(data[f]).split())) for f in CSV_FIELDS])


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
    from kb.cli.common import kb_root, print_json
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
    if args.json:
        print_json(timeline_data(found))
    elif args.csv:
        _print_csv(found)
    elif args.markdown:
        from kb.notes.charts import timeline_markdown

        sys.stdout.write(visible(timeline_markdown(kb, found)))
    elif found.events:
        print_text(found)
    if not found.events:
        print("chipkb: no chip with a date matches", file=sys.stderr)
        return 1
    return 0
