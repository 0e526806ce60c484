"""Open the app on a KB."""

from __future__ import annotations

import argparse

from kb.commands.common import add_kb_argument, kb_root


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb_argument(parser)


def run(args: argparse.Namespace) -> int:
    root = kb_root(args)
    try:
        from tui.app import run_app
    except ImportError as error:  # the app is optional for scripts that only need the KB
        print(f"chipkb: the app cannot start: {error}")
        return 1
    return run_app(root)
