"""chipkb's command line: one module per subcommand, imported only when it runs.

Each subcommand lives in `kb/cli/<name>.py` with `add_arguments(parser)` and `run(args) -> int`;
those modules import only the standard library at the top, so `chipkb search` never pays for
textual and `chipkb validate` never pays for whoosh.

The command that opens the app is not here: `kb` never imports `tui`. The `chipkb` console
script (`tui.command`) registers it on top of these and makes it what a bare `chipkb` does;
`python -m kb` is the same command line without the app.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Mapping, Sequence

from kb import __version__
from kb.cli.common import CommandError, UsageError, check_environment, finish_output, output_failure
from kb.cli.output import JSON_FORMATS, print_error, wants_json

#: name -> (module, one-line help)
Commands = Mapping[str, tuple[str, str]]

COMMANDS: Commands = {
    "validate": ("kb.cli.validate", "check a KB and list its problems"),
    "list": ("kb.cli.listing", "list entities by type"),
    "show": ("kb.cli.show", "show one entity with its references resolved"),
    "export": ("kb.cli.export", "write notes as a markdown vault"),
    "compare": ("kb.cli.compare", "compare chips side by side"),
    "search": ("kb.cli.search", "full-text search of the KB"),
    "rank": ("kb.cli.rank", "rank chips by one figure, best first"),
    "timeline": ("kb.cli.timeline", "chips by announcement and availability date"),
    "chart": ("kb.cli.chart", "chart one figure against date, or ranked as bars"),
    "import": ("kb.cli.importing", "propose (or --write) chips and figures from a public dataset"),
    "completion": ("kb.cli.completion", 'print shell completion code: eval "$(chipkb completion bash)"'),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, hint=f"see '{self.prog} --help'")


def build_parser(only: str | None = None, commands: Commands = COMMANDS) -> argparse.ArgumentParser:
    """The parser; with `only`, just that subcommand's module is imported (the others are listed).

    `chipkb search` must start fast, so it should not pay for importing every other command.
    """
    parser = _Parser(
        prog="chipkb",
        description="A knowledge base of the AI-chip race: browse, search, compare, export.",
        epilog="With no command, chipkb opens the app on the bundled KB." if "tui" in commands else None,
    )
    parser.add_argument("--version", action="version", version=f"chipkb {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, summary) in commands.items():
        if only is not None and name != only:
            subparsers.add_parser(name, help=summary)
            continue
        module = importlib.import_module(module_name)
        sub = subparsers.add_parser(name, help=summary, description=module.__doc__)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


_TOP_LEVEL_OPTIONS = ("-h", "--help", "--version")


def _command_in(arguments: list[str], commands: Commands) -> str | None:
    """The subcommand named first on the command line, when it is one we know."""
    first = next((a for a in arguments if not a.startswith("-")), None)
    return first if first in commands else None


def main(argv: Sequence[str] | None = None, commands: Commands = COMMANDS, default: str | None = None) -> int:
    """Run one command; with no command (or only options such as `--kb DIR`), run `default`."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    wants_default = not arguments or (arguments[0].startswith("-") and arguments[0] not in _TOP_LEVEL_OPTIONS)
    if wants_default and default is not None:
        arguments.insert(0, default)  # `chipkb --kb DIR` opens the app on DIR
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions: answer, and exit
        from kb.cli.completion import autocomplete

        autocomplete(build_parser(commands=commands))
    parser = build_parser(only=_command_in(arguments, commands), commands=commands)
    as_json = _asks_for_json(arguments)  # until the arguments are read: a usage error may come first
    try:
        check_environment()
        args = parser.parse_args(arguments)
        as_json = wants_json(args)
        if getattr(args, "run", None) is None:
            raise UsageError("a command is needed", hint="see 'chipkb --help'")
        return int(args.run(args))
    except CommandError as error:
        return _report(error, as_json)
    except KeyboardInterrupt:
        print("chipkb: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    except (OSError, UnicodeEncodeError) as error:  # output that cannot be written, a folder gone
        return output_failure(error)


def _report(error: CommandError, as_json: bool) -> int:
    """One line on standard error, or in JSON mode one error object on standard output; when
    standard output is closed or cannot be written, the line on standard error after all."""
    if as_json and sys.stdout is not None:
        try:
            print_error(error.code, error.message, error.hint)
            sys.stdout.flush()
            return error.exit_code
        except (OSError, ValueError):  # a full disk, a closed pipe or file
            pass
    from kb.text.terminal_safe import visible

    print(visible(error.line()), file=sys.stderr)
    return error.exit_code


def _asks_for_json(arguments: list[str]) -> bool:
    """Whether the command line asks for JSON (`--json`, `--format json|jsonl`, `--format=jsonl`),
    read before argparse has accepted it. Arguments after `--` are words, not options."""
    words = arguments[: arguments.index("--")] if "--" in arguments else arguments
    for at, word in enumerate(words):
        if word == "--json" or (word.startswith("--format=") and word.removeprefix("--format=") in JSON_FORMATS):
            return True
        if word == "--format" and at + 1 < len(words) and words[at + 1] in JSON_FORMATS:
            return True
    return False


def entry_point(commands: Commands = COMMANDS, default: str | None = None) -> None:
    code = finish_output(main(commands=commands, default=default))
    # The process ends here: spare it the full collections Python runs at exit over every object
    # still alive (~15 ms once whoosh is imported) by moving them all out of the collector's sight.
    gc.freeze()
    sys.exit(code)
