"""Compare chips side by side: one column per chip, one row per figure in one unit, the best value
of each row in bold, figures on which sources disagree marked, derived rows (TFLOPS per watt,
bandwidth per TFLOPS) and the claims about each chip. --markdown prints the comparison note;
--out FILE writes it (a file edited by hand since chipkb wrote it is kept, exit 1, unless --force)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kb.cli.common import NotFound, add_kb_argument, find_entity, kb_root

if TYPE_CHECKING:
    from kb.store.knowledge import KnowledgeBase
    from kb.views.compare import Comparison


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="+", metavar="ID", help="two or more chips: ids, names or aliases (any case)")
    parser.add_argument("--markdown", action="store_true", help="print the comparison as a markdown note")
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
    kb = load_kb(kb_root(args))
    try:
        ids = list(dict.fromkeys(find_entity(kb, wanted, "chip").id for wanted in args.ids))
    except NotFound as error:
        print(visible(f"chipkb: {error}"), file=sys.stderr)
        return 1
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
    if args.markdown:
        sys.stdout.write(visible(comparison_note(kb, comparison)))
    else:
        _print_table(kb, comparison)
    return 0
