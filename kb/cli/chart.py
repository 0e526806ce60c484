"""Chart one figure in the terminal: each chip's value against its date, one colour per vendor, each
point labelled with its chip (--bars: a ranked bar chart instead; --log: a log scale; --per-watt:
value / TDP). The values are those of `chipkb rank`. --markdown prints a note holding the data table
and a Mermaid xychart-beta chart that Obsidian draws; --out FILE writes it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kb.cli.common import UsageError, add_kb_argument
from kb.cli.filters import add_chip_filters, add_figure_argument

if TYPE_CHECKING:
    from kb.views.chart import Chart

MIN_WIDTH, MIN_HEIGHT = 30, 10


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"{value} is out of range (1 to 1000)")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_figure_argument(parser)
    parser.add_argument("--bars", action="store_true", help="a ranked bar chart of the figure instead of against date")
    parser.add_argument("--log", action="store_true", help="a logarithmic value axis")
    parser.add_argument("--width", type=_size, metavar="W", help="width in characters (default: the terminal's)")
    parser.add_argument("--height", type=_size, metavar="H", help="height in lines (default: the terminal's, up to 30)")
    add_chip_filters(parser)
    add_kb_argument(parser)
    parser.add_argument("--markdown", action="store_true", help="print the chart as a note (data table and Mermaid)")
    parser.add_argument("--out", metavar="FILE", type=Path, help="write the note to FILE")
    parser.add_argument("--force", action="store_true", help="with --out: overwrite an existing FILE")


def _colour_wanted() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _print_chart(data: Chart, args: argparse.Namespace) -> None:
    import shutil

    import plotext

    from kb.store.figures import format_number
    from kb.text.terminal_safe import visible
    from kb.views.chart import LABEL_LIMIT, draw, legend, notes

    terminal = shutil.get_terminal_size((100, 30))
    width = args.width or terminal.columns
    height = args.height or min(30, max(MIN_HEIGHT, terminal.lines - 4))
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise UsageError(f"a chart needs at least {MIN_WIDTH} columns and {MIN_HEIGHT} lines (got {width}x{height})")
    colour = _colour_wanted()
    unlabelled = draw(plotext, data, width=width, height=height, bars=args.bars, log=args.log, colour=colour)
    chart_text = plotext.build()
    if not colour:
        chart_text = plotext.uncolorize(chart_text)
    sys.stdout.write("\n".join(line.rstrip() for line in chart_text.split("\n")) + "\n")
    entries = legend(data)
    if colour:
        print("   ".join(plotext.colorize(visible(text), name) for text, name in entries))
    else:
        print("   ".join(visible(text) for text, _ in entries))
    if unlabelled and len(data.points) <= LABEL_LIMIT:
        named = ", ".join(f"{p.row.chip.name} ({p.date.text}, {format_number(p.y)})" for p in unlabelled)
        print(visible(f"not labelled, for want of room: {named}"))
    for line in notes(data, args.log):
        print(visible(line))


def _write(path: Path, text: str, force: bool) -> int:
    if path.exists() and not force:
        print(f"chipkb: {path} exists; --force to overwrite it", file=sys.stderr)
        return 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"chipkb: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def run(args: argparse.Namespace) -> int:
    from kb.cli.common import kb_root
    from kb.cli.filters import check_figure, vendor_ids
    from kb.store.sections import load_sections
    from kb.text.terminal_safe import visible
    from kb.views.chart import chart, notes

    check_figure(args.figure, args.per_watt)
    note = args.markdown or args.out is not None
    kb = load_sections(kb_root(args), ("vendors", "chips", "sources") if note else ("vendors", "chips"))
    data = chart(
        kb, args.figure, per_watt=args.per_watt, vendors=vendor_ids(kb, args.vendor), kinds=args.kind, since=args.since
    )
    if note:
        from kb.notes.charts import chart_note

        note = chart_note(kb, data, bars=args.bars)
        if args.out is not None:
            return _write(args.out, note, args.force)
        sys.stdout.write(visible(note))
        return 0 if data.ranking.rows else 1
    if not data.bars:
        what = "per watt " if args.per_watt else ""
        print(visible(f"chipkb: no chip has a {what}value for {args.figure!r}"), file=sys.stderr)
        for line in notes(data):
            print(visible(f"chipkb: {line}"), file=sys.stderr)
        return 1
    _print_chart(data, args)
    return 0
