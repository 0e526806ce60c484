"""Check a KB: print each problem as path:line:col: message. Exit 0 when clean (warnings allowed),
1 when errors were found, 2 for usage errors. Defects a source acknowledges (kept as published on
purpose) are information: counted, and listed with --all."""

from __future__ import annotations

import argparse

from kb.cli.common import add_kb_argument, kb_root, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb_argument(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list of {path, line, col, message, severity} (severity: error, warning or info)",
    )
    parser.add_argument("--all", action="store_true", help="also list the information (acknowledged text defects)")


def run(args: argparse.Namespace) -> int:
    from kb.store.knowledge import load_kb
    from kb.text.terminal_safe import visible

    kb = load_kb(kb_root(args))
    if args.json:
        print_json([p.as_dict() for p in kb.problems])
        return 1 if kb.errors else 0
    infos = [p for p in kb.problems if p.severity == "info"]
    for problem in kb.problems:
        if args.all or problem.severity != "info":
            print(visible(str(problem)))
    if infos and not args.all:
        print(f"{len(infos)} acknowledged text defect{'s' if len(infos) != 1 else ''} not listed (--all lists them)")
    return 1 if kb.errors else 0
