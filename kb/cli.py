"""The `chipkb` command: a bare `chipkb` opens the app, subcommands work without it.

Each subcommand lives in `kb/commands/<name>.py` with `add_arguments(parser)` and
`run(args) -> int`; those modules import only the standard library at the top, so
`chipkb search` never pays for textual and `chipkb validate` never pays for whoosh.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from kb import __version__

#: name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "tui": ("kb.commands.tui", "open the app (what a bare `chipkb` does)"),
    "validate": ("kb.commands.validate", "check a KB and list its problems"),
    "list": ("kb.commands.listing", "list entities by type"),
    "show": ("kb.commands.show", "show one entity with its references resolved"),
    "export": ("kb.commands.export", "write notes as a markdown vault"),
    "compare": ("kb.commands.compare", "compare chips side by side"),
    "search": ("kb.commands.search", "full-text search of the KB"),
}


class UsageError(Exception):
    """A mistake in how the command was called: exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, just that subcommand's module is imported (the others are listed).

    `chipkb search` must start fast, so it should not pay for importing every other command.
    """
    parser = _Parser(
        prog="chipkb",
        description="A knowledge base of the AI-chip race: browse, search, compare, export.",
        epilog="With no command, chipkb opens the app on the bundled KB.",
    )
    parser.add_argument("--version", action="version", version=f"chipkb {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, summary) in COMMANDS.items():
        if only is not None and name != only:
            commands.add_parser(name, help=summary)
            continue
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=summary, description=module.__doc__)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


_TOP_LEVEL_OPTIONS = ("-h", "--help", "--version")


def _command_in(arguments: list[str]) -> str | None:
    """The subcommand named first on the command line, when it is one we know."""
    first = next((a for a in arguments if not a.startswith("-")), None)
    return first if first in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0].startswith("-") and arguments[0] not in _TOP_LEVEL_OPTIONS):
        arguments.insert(0, "tui")  # `chipkb --kb DIR` opens the app on DIR
    parser = build_parser(only=_command_in(arguments))
    try:
        args = parser.parse_args(arguments)
        return int(args.run(args))
    except UsageError as error:
        print(f"chipkb: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 1


def entry_point() -> None:
    code = main()
    # The process ends here: spare it the full collections Python runs at exit over every object
    # still alive (~15 ms once whoosh is imported) by moving them all out of the collector's sight.
    gc.freeze()
    sys.exit(code)
