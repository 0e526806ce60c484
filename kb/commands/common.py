"""Arguments and helpers shared by several subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kb.locations import bundled_kb


def add_kb_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kb", metavar="DIR", type=Path, help="the KB folder (default: the bundled KB)")


def kb_root(args: argparse.Namespace) -> Path:
    """The KB folder asked for, checked; a missing folder is a usage error."""
    from kb.cli import UsageError

    root: Path = args.kb if args.kb is not None else bundled_kb()
    if not root.exists():
        raise UsageError(f"--kb {root}: no such folder")
    if not root.is_dir():
        raise UsageError(f"--kb {root}: not a folder")
    return root


def print_json(value: object) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def did_you_mean(wanted: str, candidates: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(wanted, candidates, n=3, cutoff=0.5)
    return f"did you mean {', '.join(close)}?" if close else ""
