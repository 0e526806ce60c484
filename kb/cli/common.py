"""Arguments and helpers shared by several subcommands.

Nothing here imports pathlib at the top: `chipkb search` works with the KB folder as a string
(`kb_folder`), since pathlib costs its start-up ~6 ms (see kb.locations).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from typing import TYPE_CHECKING

from kb.locations import bundled_kb_folder

if TYPE_CHECKING:
    from pathlib import Path

    from kb.store.knowledge import KnowledgeBase
    from kb.store.model import Entity


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
    raise NotFound(f"no {what} with id or name {wanted!r}" + did_you_mean(wanted, candidates, n=3))


class NotFound(Exception):
    """An id or name that names no entity (or more than one): exit code 1."""


def print_json(value: object) -> None:
    """Readable JSON (Japanese stays Japanese) in which no control or bidi override is raw."""
    from kb.text.terminal_safe import json_safe

    sys.stdout.write(json_safe(json.dumps(value, ensure_ascii=False, indent=2)) + "\n")


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
