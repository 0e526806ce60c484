"""The `chipkb` console script: kb's command line with the app's command registered on top.

`kb` never imports `tui`, so the command that opens the app is added here, above both; a bare
`chipkb` (or `chipkb --kb DIR`) runs it. Importing this module costs `chipkb search` nothing
beyond kb's own command line: textual is imported only when the app opens.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kb.cli import main as kb_main
from kb.cli.common import add_kb_argument, kb_root

COMMANDS: kb_main.Commands = {
    "tui": ("tui.command", "open the app (what a bare `chipkb` does)"),
    **kb_main.COMMANDS,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_kb_argument(parser)


def run(args: argparse.Namespace) -> int:
    from tui.first_load import FirstLoad

    root = kb_root(args)
    first_load = FirstLoad(root, fork=True)  # begun before Textual is imported, which takes a while
    try:
        from tui.app import run_app
    except ImportError as error:  # a broken textual install: one line, not a traceback
        print(f"chipkb: the app cannot start: {error}", file=sys.stderr)
        return 1
    return run_app(root, first_load)


def main(argv: Sequence[str] | None = None) -> int:
    """`chipkb ARGS`: any command, the app when none is named."""
    return kb_main.main(argv, commands=COMMANDS, default="tui")


def entry_point() -> None:
    kb_main.entry_point(commands=COMMANDS, default="tui")
