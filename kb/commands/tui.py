"""Open the app on a KB."""

from __future__ import annotations

import argparse
import sys

from kb.commands.common import add_kb_argument, kb_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb_argument(parser)


def run(args: argparse.Namespace) -> int:
    root = kb_root(args)
    try:
        from tui.app import run_app
    except ImportError as error:  # a broken textual install: one line, not a traceback
        print(f"chipkb: the app cannot start: {error}", file=sys.stderr)
        return 1
    return run_app(root)
