"""Checking an import's result before anything is written, and writing it atomically.

The new files are first written into a copy of the KB folder, which is loaded and validated like
any KB: an import that would add an error the KB did not have is refused, and nothing is written.
Then every new file goes to a temporary file beside its target and replaces it with `os.replace`
(a reader sees the old file or the new one, never half of one), and only after each file the plan
was made from is checked to be as it was read: a file edited meanwhile stops the import.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections import Counter
from pathlib import Path

from kb.store.knowledge import KnowledgeBase, load_kb
from kb.store.model import Problem

_PLACE = re.compile(r"\S+:\d+:\d+")


class WriteConflict(Exception):
    """A file changed between reading the KB and writing it."""


def _key(problem: Problem, root: Path) -> tuple[str, str]:
    """A problem without its line numbers (which an insertion shifts), its path relative to `root`."""
    try:
        path = Path(problem.path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        path = problem.path
    return path, _PLACE.sub("<place>", problem.message)


def new_errors(kb_root: Path, before: KnowledgeBase, texts: dict[str, str | None]) -> list[Problem]:
    """The errors the KB would have after writing `texts` that it does not have now."""
    with tempfile.TemporaryDirectory(prefix="chipkb-import-") as folder:
        copy = Path(folder) / "kb"
        shutil.copytree(kb_root, copy, symlinks=True, ignore=lambda _, names: [n for n in names if n.startswith(".")])
        for rel, text in texts.items():
            target = copy / rel
            if text is None:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")
        after = load_kb(copy)
        had = Counter(_key(p, kb_root) for p in before.errors)
        found = []
        for problem in after.errors:
            key = _key(problem, copy)
            if had[key]:
                had[key] -= 1
                continue
            try:
                shown_path = (kb_root / Path(problem.path).resolve().relative_to(copy.resolve())).as_posix()
            except ValueError:
                shown_path = problem.path
            found.append(Problem(shown_path, problem.line, problem.col, problem.message))
        return found


def write_atomically(kb_root: Path, texts: dict[str, str | None], read: dict[str, bytes | None]) -> None:
    """Write every file of `texts` (None: delete it), each replaced whole; `read` holds each file's
    bytes as the plan saw them (None: it did not exist), and a file that differs stops everything."""
    for rel in texts:
        current = _bytes(kb_root / rel)
        if current != read.get(rel):
            raise WriteConflict(f"{rel} changed while importing; nothing was written (run the import again)")
    umask = os.umask(0)
    os.umask(umask)
    staged: list[tuple[str, Path]] = []
    try:
        for rel, text in sorted(texts.items()):
            if text is None:
                continue
            target = kb_root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((temporary, target))
            with os.fdopen(handle, "wb") as out:
                out.write(text.encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~umask
            os.chmod(temporary, mode)
    except BaseException:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
    for rel, text in texts.items():
        if text is None:
            (kb_root / rel).unlink(missing_ok=True)


def _bytes(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        return None
