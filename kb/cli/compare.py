"""Compare chips side by side: one column per chip, one row per figure in one unit, the best value
of each row in bold, figures on which sources disagree marked, derived rows (TFLOPS per watt,
bandwidth per TFLOPS) and the claims about each chip. --markdown prints the comparison note;
--out FILE writes it (a file edited by hand since chipkb wrote it is kept, exit 1, unless --force).
--format json gives the chips, the rows with a cell per chip (value in the row's unit, best,
estimate, disputed, not disclosed, the figures behind it) and the claims; jsonl, csv and tsv one
record per row and chip, the row's fields repeated (docs/outputs.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.cli.common import add_kb_argument, find_entity, kb_root
from kb.cli.output import FORMATS, Column, add_format_argument, print_records

if TYPE_CHECKING:
    from kb.store.knowledge import KnowledgeBase
    from kb.views.compare import Comparison

#: The columns of --format csv and tsv: one row per figure and chip.
COLUMNS: tuple[Column, ...] = tuple(
    (key, key)
    for key in (
        "figure",
        "label",
        "unit",
        "derived",
        "chip",
        "value",
        "best",
        "estimate",
        "disputed",
        "not_disclosed",
        "specs",
    )
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="+", metavar="ID", help="two or more chips: ids, names or aliases (any case)")
    add_format_argument(parser, FORMATS, shorthands=("json", "markdown"), table="the comparison as a table")
    parser.add_argument("--out", metavar="FILE", type=Path, help="write the markdown note to FILE")
    add_kb_argument(parser)
    parser.add_argument("--force", action="store_true", help="with --out: overwrite a file edited by hand")


def _print_table(kb: KnowledgeBase, comparison: Comparison) -> None:
    """The comparison on the terminal: KB text only ever in Text objects, never read as markup."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from kb.store.figures import format_number
    from kb.text.terminal_safe import visible

    def safe(text: str) -> str:
        return " ".join(visible(text).split())

    console = Console(highlight=False, markup=False, emoji=False)
    table = Table(show_lines=False)
    table.add_column(Text("Figure"))
    table.add_column(Text("Unit"))
    for chip in comparison.chips:
        table.add_column(Text(safe(chip.title)), justify="right")
    for row in comparison.rows:
        cells = []
        for cell in row.cells:
            if cell.value is None:
                cells.append(Text("not disclosed" if cell.not_disclosed else "", style="dim"))
                continue
            text = Text(format_number(cell.value), style="bold green" if cell.best else "")
            if cell.estimate:
                text.append(" est.", style="dim italic")
            if cell.disputed:
                text.append(" ≠", style="yellow")
            cells.append(text)
        label = Text(row.label + (" (derived)" if row.derived else ""), style="italic" if row.derived else "")
        table.add_row(label, Text(row.unit), *cells)
    console.print(table)
    console.print(
        Text(
            "bold: best in row   ≠: sources disagree (the first stated value is shown)"
            "   est.: a third party's estimate, no source states it",
            style="dim",
        )
    )
    for row in comparison.rows:
        for chip, cell in zip(comparison.chips, row.cells, strict=True):
            if cell.disputed and not row.derived:
                stated = "; ".join(
                    f"{format_number(s.value)} {s.unit} per {kb.title_of(s.source)}"
                    for s in cell.specs
                    if s.value is not None
                )
                console.print(Text(f"≠ {safe(chip.title)}, {row.label}: {safe(stated)}"))
    for chip in comparison.chips:
        console.print(Text(f"\nClaims about {safe(chip.title)}", style="bold"))
        claims = comparison.claims.get(chip.id, [])
        for claim in claims:
            console.print(Text(f"  [{claim.kind}, {kb.status(claim.id)}] {safe(claim.statement)}  ({claim.id})"))
        if not claims:
            console.print(Text("  none in the KB", style="dim"))


def comparison_data(kb: KnowledgeBase, comparison: Comparison) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The --format json document, and the records of jsonl, csv and tsv (a row's fields with one
    chip's cell), built from the same cells."""
    from kb.views.describe import spec_fields

    rows, records = [], []
    for row in comparison.rows:
        about = {"figure": row.name, "label": row.label, "unit": row.unit, "derived": row.derived}
        cells = []
        for chip, cell in zip(comparison.chips, row.cells, strict=True):
            shown = {
                "chip": chip.id,
                "value": cell.value,
                "best": cell.best,
                "estimate": cell.estimate,
                "disputed": cell.disputed,
                "not_disclosed": cell.not_disclosed,
                "specs": [spec_fields(spec) for spec in cell.specs],
            }
            cells.append(shown)
            records.append({**about, **shown})
        rows.append({**about, "cells": cells})
    document = {
        "chips": [
            {"id": c.id, "title": c.title, "vendor": c.vendor, "vendor_name": kb.title_of(c.vendor)}
            for c in comparison.chips
        ],
        "rows": rows,
        "claims": [
            {"chip": chip_id, "id": c.id, "kind": c.kind, "status": kb.status(c.id), "statement": c.statement}
            for chip_id, claims in comparison.claims.items()
            for c in claims
        ],
    }
    return document, records


def run(args: argparse.Namespace) -> int:
    from kb.cli.common import UsageError
    from kb.cli.export import print_kept
    from kb.notes.export import ExportError, export_comparison
    from kb.notes.render import comparison_note
    from kb.store.knowledge import load_kb
    from kb.text.terminal_safe import visible
    from kb.views.compare import compare

    if len(dict.fromkeys(args.ids)) < 2:
        raise UsageError("give at least two different chip ids to compare")
    if args.out is not None and args.format not in ("table", "markdown"):
        raise UsageError(f"--out writes a markdown note; it cannot be given with --format {args.format}")
    kb = load_kb(kb_root(args))
    ids = list(dict.fromkeys(find_entity(kb, wanted, "chip").id for wanted in args.ids))
    if len(ids) < 2:
        raise UsageError(f"{', '.join(args.ids)} name one chip; give at least two different chips to compare")
    if args.out is not None:
        try:
            report = export_comparison(kb, ids, args.out, force=args.force)
        except ExportError as error:
            print(visible(f"chipkb: {error}"), file=sys.stderr)
            return 1
        if report.kept:
            print_kept(report.kept)
            return 1
        print(visible(f"{'unchanged' if report.unchanged else 'wrote'} {args.out}"))
        return 0
    comparison = compare(kb, ids)
    if args.format == "markdown":
        sys.stdout.write(visible(comparison_note(kb, comparison)))
        return 0
    document, records = comparison_data(kb, comparison)
    if not print_records(args.format, records, COLUMNS, document):
        _print_table(kb, comparison)
    return 0
