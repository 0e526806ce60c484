"""Arguments and helpers shared by several subcommands.

Nothing here imports pathlib at the top: `chipkb search` works with the KB folder as a string
(`kb_folder`), since pathlib costs its start-up ~6 ms (see kb.locations).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from kb.locations import bundled_kb_folder

if TYPE_CHECKING:
    from pathlib import Path


class UsageError(Exception):
    """A mistake in how the command was called: exit code 2."""


def add_kb_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kb", metavar="DIR", help="the KB folder (default: the bundled KB)")


def kb_folder(args: argparse.Namespace) -> str:
    """The KB folder asked for, checked; a missing folder is a usage error."""
    root: str = args.kb if args.kb is not None else bundled_kb_folder()
    if not os.path.exists(root):
        raise UsageError(f"--kb {root}: no such folder")
    if not os.path.isdir(root):
        raise UsageError(f"--kb {root}: not a folder")
    return root


def kb_root(args: argparse.Namespace) -> Path:
    """`kb_folder` as a Path."""
    from pathlib import Path

    return Path(kb_folder(args))


def print_json(value: object) -> None:
    """Readable JSON (Japanese stays Japanese) in which no control or bidi override is raw."""
    from kb.text.terminal_safe import json_safe

    sys.stdout.write(json_safe(json.dumps(value, ensure_ascii=False, indent=2)) + "\n")
