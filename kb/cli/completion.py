"""Print the shell code that completes chipkb's commands, options, entity ids and aliases, and
figure names: `eval "$(chipkb completion bash)"` (zsh and fish too).

Completion is argcomplete's: the shell runs chipkb with _ARGCOMPLETE set, and kb.cli.main hands the
whole parser, with the completers below attached, to argcomplete before anything else runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

SHELLS = ("bash", "zsh", "fish")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell to print completion code for")


def run(args: argparse.Namespace) -> int:
    import argcomplete

    sys.stdout.write(argcomplete.shellcode(["chipkb"], shell=args.shell))
    return 0


Completer = Callable[..., Iterable[str]]


def _names(kind: str | None) -> Completer:
    """Ids and one-word aliases of the KB named by --kb (the bundled one by default)."""

    def complete(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
        from pathlib import Path

        from kb.locations import bundled_kb_folder
        from kb.store.knowledge import load_kb

        root = getattr(parsed_args, "kb", None) or bundled_kb_folder()
        if not os.path.isdir(root):
            return []
        kb = load_kb(Path(root))
        names: set[str] = set()
        for entity in kb.entities.values():
            if kind is None or entity.type == kind:
                names.add(entity.id)
                names.update(str(a) for a in getattr(entity, "aliases", ()) if str(a).split() == [str(a)])
        return sorted(n for n in names if n.startswith(prefix))

    return complete


def _figures(prefix: str, **_: Any) -> list[str]:
    from kb.store.figures import FIGURES

    return [name for name in FIGURES if name.startswith(prefix)]


#: (command, argument) -> what completes it; other arguments complete from their choices.
COMPLETERS: dict[tuple[str, str], Completer] = {
    ("show", "id"): _names(None),
    ("export", "ids"): _names(None),
    ("compare", "ids"): _names("chip"),
    ("rank", "figure"): _figures,
    ("chart", "figure"): _figures,
}


def autocomplete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request (argcomplete exits when it has) with completers attached."""
    import argcomplete

    for action in parser._actions:  # argparse keeps subcommands here, with no public accessor
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                for argument in sub._actions:
                    completer = COMPLETERS.get((command, argument.dest))
                    if completer is not None:
                        argument.completer = completer  # type: ignore[attr-defined]
    argcomplete.autocomplete(parser)
