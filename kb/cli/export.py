"""Write notes as a markdown vault that Obsidian and zk open: one note per vendor, chip, claim and
source (or only the ids given) plus index.md. A note edited by hand since chipkb wrote it is kept
(exit 1) unless --force; a symbolic link inside --out is never followed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.cli.common import add_kb_argument, find_entity, kb_root
from kb.text.counts import counted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="*", metavar="ID", help="entities to export (default: the whole KB)")
    parser.add_argument("--out", metavar="DIR", type=_folder, required=True, help="the folder to write the notes in")
    add_kb_argument(parser)
    parser.add_argument("--force", action="store_true", help="overwrite notes edited by hand since chipkb wrote them")
    parser.add_argument(
        "--into-existing",
        action="store_true",
        help="add the notes to a folder that holds other files (by default only a new or empty folder, or an"
        " earlier export, is written into)",
    )


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty folder name")
    return Path(text)


def print_kept(paths: list[Path]) -> None:
    """Name each note kept because it was edited by hand, on standard error."""
    from kb.text.terminal_safe import visible

    for path in paths:
        print(visible(f"chipkb: kept {path}: edited since chipkb wrote it (--force overwrites it)"), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from kb.notes.export import ExportError, export_notes
    from kb.store.knowledge import load_kb
    from kb.text.terminal_safe import visible

    kb = load_kb(kb_root(args))
    ids = [find_entity(kb, wanted).id for wanted in args.ids]  # a miss is NotFound: one line, exit 1
    if kb.errors:
        print(
            f"chipkb: warning: the KB has {counted(len(kb.errors), 'error')} (see 'chipkb validate');"
            " exporting what loaded",
            file=sys.stderr,
        )
    try:
        report = export_notes(kb, args.out, ids or None, force=args.force, into_existing=args.into_existing)
    except ExportError as error:
        print(visible(f"chipkb: {error}"), file=sys.stderr)
        return 1
    print_kept(report.kept)
    summary = f"{len(report.written)} written, {len(report.unchanged)} unchanged, {len(report.kept)} kept"
    print(visible(f"{summary} in {args.out}"))
    return 1 if report.kept else 0
