"""Check a KB: print each problem as path:line:col: message. Exit 0 when clean (warnings allowed),
1 when errors were found, 2 for usage errors."""

from __future__ import annotations

import argparse

from kb.cli.common import add_kb_argument, kb_root, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb_argument(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON list of {path, line, col, message}")


def run(args: argparse.Namespace) -> int:
    from kb.store.knowledge import load_kb
    from kb.text.terminal_safe import visible

    kb = load_kb(kb_root(args))
    if args.json:
        print_json([p.as_dict() for p in kb.problems])
    else:
        for problem in kb.problems:
            print(visible(str(problem)))
    return 1 if kb.errors else 0
