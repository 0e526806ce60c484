"""Arguments and helpers shared by several subcommands.

Nothing here imports pathlib at the top: `chipkb search` works with the KB folder as a string
(`kb_folder`), since pathlib costs its start-up ~6 ms (see kb.locations).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from typing import TYPE_CHECKING

from kb.locations import bundled_kb_folder

if TYPE_CHECKING:
    from pathlib import Path

    from kb.store.knowledge import KnowledgeBase
    from kb.store.model import Entity


class CommandError(Exception):
    """A failure a command reports as one line on standard error (or, with --json or --format
    json|jsonl, as one JSON error object on standard output; kb.cli.output.print_error): `code` names
    its kind in that object, `exit_code` is the process's, `hint` what to try instead."""

    code = "error"
    exit_code = 1
    #: What the line on standard error puts before the message: `chipkb: error: ...` or `chipkb: ...`.
    label = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def line(self) -> str:
        """The error as text mode prints it, hint in brackets at the end."""
        return f"chipkb: {self.label}{self.message}" + (f" ({self.hint})" if self.hint else "")


class UsageError(CommandError):
    """A mistake in how the command was called: exit code 2."""

    code = "usage"
    exit_code = 2
    label = "error: "


class NotFound(CommandError):
    """An id or name that names no entity (or more than one): exit code 1."""

    code = "not-found"


class BadQuery(CommandError):
    """A search query or filter that cannot be read: exit code 2."""

    code = "query"
    exit_code = 2
    label = "error: "


class IndexUnavailable(CommandError):
    """The search index cannot be opened, or rebuilt when found damaged: exit code 1."""

    code = "index"


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


def find_entity(kb: KnowledgeBase, wanted: str, kind: str | None = None) -> Entity:
    """The entity `wanted` names (an id, or an unambiguous name or alias in any case), of `kind`
    when given; a miss or an ambiguous name raises NotFound with a one-line message."""
    from kb.text.suggest import did_you_mean

    what = kind or "entity"
    found = [e for e in kb.lookup(wanted) if kind is None or e.type == kind]
    if len(found) == 1:
        return found[0]
    if found:
        ids = ", ".join(repr(e.id) for e in found)
        raise NotFound(f"{wanted!r} names more than one {what}: {ids}; give the id")
    other = kb.lookup(wanted)
    if kind is not None and len(other) == 1:
        raise NotFound(f"{wanted!r} is a {other[0].type}, not a {kind}")
    of_kind = [e for e in kb.entities.values() if kind is None or e.type == kind]
    candidates = [e.id for e in of_kind] + [str(alias) for e in of_kind for alias in getattr(e, "aliases", ())]
    raise NotFound(f"no {what} with id or name {wanted!r}", hint=hint_of(did_you_mean(wanted, candidates, n=3)))


def hint_of(suggestion: str) -> str | None:
    """The hint in ` (did you mean 'x'?)`, as kb.text.suggest words it to end a line; None for ``."""
    return suggestion.strip().removeprefix("(").removesuffix(")") or None


# -- the environment and the output --------------------------------------------------------------


def check_environment() -> None:
    """Refuse, before any work, what would make every command fail later: a limit that is not a
    whole number (`CHIPKB_MAX_FILE_BYTES=1e9`), a closed standard output."""
    if sys.stdout is None:
        raise UsageError("standard output is closed; chipkb has nowhere to write")
    if any(name.startswith("CHIPKB_MAX_") for name in os.environ):
        from kb.store.yamlread import LimitError, Limits  # yaml is imported only when a limit is set

        try:
            Limits.from_environment()
        except LimitError as error:
            raise UsageError(str(error)) from None


_output_failed = False


def output_failure(error: OSError | UnicodeEncodeError) -> int:
    """One line on standard error for output that could not be written (or another failure of the
    system), and the exit code 1."""
    global _output_failed
    _output_failed = True
    if isinstance(error, UnicodeEncodeError):
        encoding = getattr(sys.stdout, "encoding", None) or "?"
        what = error.object[error.start : error.end]
        if "surrogate" in error.reason:
            message = f"cannot write {what!r}, a byte of a file name that is not UTF-8"
        else:
            message = f"the output's encoding ({encoding}) cannot write {what!r}; set PYTHONIOENCODING=utf-8"
    else:
        message = str(error.strerror or error)
        if error.filename is not None:
            message = f"{error.filename}: {message}"
        elif error.errno in (errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG):
            message = f"cannot write the output: {message}"
    print(f"chipkb: error: {message}", file=sys.stderr)
    return 1


def finish_output(code: int) -> int:
    """Flush standard output before the process ends, so a failure (`> /dev/full`) is one line and
    a non-zero exit code, not the interpreter's complaint at exit; after a failure, what is left
    in the buffer goes to the null device."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
        return code
    except BrokenPipeError:
        code = code or 1
    except (OSError, ValueError) as error:
        if not _output_failed:
            print(
                f"chipkb: error: cannot write the output: {getattr(error, 'strerror', None) or error}", file=sys.stderr
            )
        code = code or 1
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return code
