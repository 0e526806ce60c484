"""Check a KB: print each problem as path:line:col: message (a warning or information says so).
Exit 0 when clean (warnings allowed), 1 when errors were found, 2 for usage errors. Defects a source
acknowledges (kept as published on purpose) are information: counted, and listed with --all. A KB file
without a `# yaml-language-server: $schema=` line (so an editor checks nothing in it) is a warning.
--format json gives every problem (information too) with its severity and the counts; jsonl, csv,
tsv and markdown one problem a line (docs/outputs.md)."""

from __future__ import annotations

import argparse

from kb.cli.common import add_kb_argument, kb_root
from kb.cli.output import Column, add_format_argument, print_records

COLUMNS: tuple[Column, ...] = tuple((key, key) for key in ("path", "line", "col", "severity", "message"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb_argument(parser)
    add_format_argument(
        parser,
        ("table", "json", "jsonl", "csv", "tsv", "markdown"),
        table="one path:line:col: message line a problem",
    )
    parser.add_argument(
        "--all", action="store_true", help="also list the information (acknowledged text defects) in text mode"
    )
    parser.epilog = (
        "Each problem in JSON: {path, line, col, message, severity}; severity is error, warning or info. "
        "Exit 1 when any problem is an error."
    )


def run(args: argparse.Namespace) -> int:
    from kb.store.knowledge import load_kb
    from kb.store.schema_line import missing_schema_lines
    from kb.text.terminal_safe import visible

    kb = load_kb(kb_root(args))
    found = [*kb.problems, *missing_schema_lines(kb.root)]
    problems = [p.as_dict() for p in found]
    counts = {level: sum(1 for p in found if p.severity == level) for level in ("error", "warning", "info")}
    document = {"errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"], "problems": problems}
    if print_records(args.format, problems, COLUMNS, document):
        return 1 if kb.errors else 0
    for problem in found:
        if args.all or problem.severity != "info":
            print(visible(str(problem)))
    if counts["info"] and not args.all:
        infos = counts["info"]
        print(f"{infos} acknowledged text defect{'s' if infos != 1 else ''} not listed (--all lists them)")
    return 1 if kb.errors else 0
