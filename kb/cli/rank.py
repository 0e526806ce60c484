"""Rank chips by one figure, best first, in its canonical unit: one row per chip with its rank, vendor,
value (the first stated value in the KB; the range too when sources disagree), that value's source and
the chip's date. Chips with only an estimate follow, marked `est.`; chips that do not disclose the
figure come last, marked `n/d`. --per-watt ranks value / TDP and says how many chips it skipped for want
of a TDP. --format json, jsonl, csv, tsv and markdown give the same rows (--json, --csv and
--markdown are short for three of them; the JSON shape: docs/outputs.md)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kb.cli.common import add_kb_argument
from kb.cli.filters import add_chip_filters, add_figure_argument
from kb.cli.output import FORMATS, Column, add_format_argument, print_records

if TYPE_CHECKING:
    from kb.store.knowledge import KnowledgeBase
    from kb.views.rank import Ranking, RankRow


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_figure_argument(parser)
    add_chip_filters(parser)
    add_kb_argument(parser)
    add_format_argument(
        parser, FORMATS, shorthands=("json", "csv", "markdown"), table="a header line, the rows, what marks mean"
    )


def row_data(kb: KnowledgeBase, ranking: Ranking, row: RankRow) -> dict[str, Any]:
    """One row as JSON: the value in the ranking's unit (exact, and as people read it)."""
    from kb.notes.charts import rank_text, value_text

    data: dict[str, Any] = {
        "rank": row.rank,
        "rank_text": rank_text(row),
        "chip": row.chip.id,
        "name": row.chip.name,
        "vendor": row.chip.vendor,
        "vendor_name": row.vendor_name,
        "kind": row.chip.kind,
        "status": row.status,
        "value": row.value,
        "value_text": value_text(row),
        "unit": ranking.unit,
        "low": row.low,
        "high": row.high,
        "disputed": row.disputed,
        "source": row.source,
        "source_title": kb.title_of(row.source) if row.source else "",
        "date": row.date,
        "announced": row.chip.announced,
        "available": row.chip.available,
    }
    if row.tdp is not None:
        data["tdp"] = row.tdp
        data["tdp_source"] = row.tdp_spec.source if row.tdp_spec else ""
    return data


def ranking_data(kb: KnowledgeBase, ranking: Ranking) -> dict[str, Any]:
    return {
        "figure": ranking.figure.name,
        "label": ranking.label,
        "unit": ranking.unit,
        "per_watt": ranking.per_watt,
        "better": ranking.better,
        "rows": [row_data(kb, ranking, r) for r in ranking.rows],
        "skipped": [c.id for c in ranking.skipped],
    }


#: The columns of --format csv and tsv (`rank` as people read it: 1, est., n/d); per watt, the TDP too.
COLUMNS: tuple[Column, ...] = (
    ("rank", "rank_text"),
    *((key, key) for key in ("chip", "name", "vendor", "status", "value", "low", "high", "unit", "source", "date")),
)
PER_WATT_COLUMNS: tuple[Column, ...] = (("tdp", "tdp"), ("tdp_source", "tdp_source"))


def print_text(ranking: Ranking) -> None:
    from kb.cli.plain_table import cell, render
    from kb.notes.charts import range_text, rank_text, value_text

    count = sum(1 for r in ranking.rows if r.rank is not None)
    print(cell(f"{ranking.label} ({ranking.unit}): {count} chips ranked, {ranking.order_note}"))
    header = ("rank", "chip", "vendor", ranking.unit, "range", "source", "date")
    rows = [
        (rank_text(r), r.chip.name, r.vendor_name, value_text(r), range_text(r), r.source, r.date) for r in ranking.rows
    ]
    for line in render(header, rows, right={0, 3}):
        print(line)
    if any(r.disputed for r in ranking.rows):
        print("range: sources disagree; the value ranked is the first stated in the KB (chipkb show CHIP for all)")
    if any(r.rank is None and r.value is not None for r in ranking.rows):
        print("est.: only a third party's estimate, listed after the ranked chips")
    if any(r.value is None for r in ranking.rows):
        print("n/d: the vendor does not disclose the figure")
    if ranking.skipped:
        names = ", ".join(c.name for c in ranking.skipped)
        print(cell(f"{len(ranking.skipped)} chips without a TDP skipped: {names}"))


def run(args: argparse.Namespace) -> int:
    from kb.cli.common import kb_root
    from kb.cli.filters import check_figure, vendor_ids
    from kb.store.sections import load_sections
    from kb.text.terminal_safe import visible
    from kb.views.rank import rank

    check_figure(args.figure, args.per_watt)
    # the chips and vendors only (kept fresh in the cache folder); source titles for data and notes
    sources = ("sources",) if args.format != "table" else ()
    kb = load_sections(kb_root(args), ("vendors", "chips", *sources))
    ranking = rank(
        kb, args.figure, per_watt=args.per_watt, vendors=vendor_ids(kb, args.vendor), kinds=args.kind, since=args.since
    )
    if args.format == "markdown":
        from kb.notes.charts import ranking_markdown

        sys.stdout.write(visible(ranking_markdown(kb, ranking)))
    else:
        document = ranking_data(kb, ranking)
        columns = COLUMNS + (PER_WATT_COLUMNS if ranking.per_watt else ())
        if not print_records(args.format, document["rows"], columns, document) and ranking.rows:
            print_text(ranking)
    if not ranking.rows:
        what = "per watt " if ranking.per_watt else ""
        print(visible(f"chipkb: no chip has a {what}value for {args.figure!r}"), file=sys.stderr)
        if ranking.skipped:
            print(visible(f"chipkb: {len(ranking.skipped)} chips without a TDP skipped"), file=sys.stderr)
        return 1
    return 0
