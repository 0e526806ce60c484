"""A copy of the loaded KB kept in the cache folder, so the app starts fast on a KB it has seen.

Loading and checking a KB of 10,000 claims takes seconds; reading back the pickled result takes
a fraction of that.  The copy is used only while nothing it depends on has changed: the KB's files
(names, sizes, modification times), the folder the app runs in (problem paths are written
relative to it), the loader's limits and the `kb` package's own code.  Anything else, or a copy
that cannot be read, means loading the KB afresh.  The cache folder is the user's own, like the
search index that sits beside it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import kb
from kb.locations import cache_dir, index_dir
from kb.store.knowledge import KnowledgeBase
from kb.store.scan import Snapshot
from kb.store.yamlread import Limits

FORMAT = 1


def cache_file(kb_root: Path) -> Path:
    return cache_dir() / "app-kb" / f"{index_dir(kb_root).name}.pickle"


def _code_stamp() -> list[tuple[str, int]]:
    package = Path(kb.__file__).parent
    return sorted((p.relative_to(package).as_posix(), p.stat().st_mtime_ns) for p in package.rglob("*.py"))


def stamp(kb_root: Path, snapshot: Snapshot) -> tuple[Any, ...]:
    """Everything the loaded KB depends on."""
    return (
        FORMAT,
        kb.__version__,
        str(kb_root.resolve()),
        os.getcwd(),
        Limits.from_environment(),
        _code_stamp(),
        sorted(snapshot.items()),
    )


def cached(kb_root: Path, snapshot: Snapshot) -> KnowledgeBase | None:
    """The KB as last loaded, if nothing it depends on has changed since."""
    try:
        with cache_file(kb_root).open("rb") as handle:
            saved_stamp, knowledge = pickle.load(handle)
    except Exception:  # missing, unreadable, or written by other code: load afresh
        return None
    if saved_stamp != stamp(kb_root, snapshot) or not isinstance(knowledge, KnowledgeBase):
        return None
    return knowledge


def store(kb_root: Path, snapshot: Snapshot, knowledge: KnowledgeBase) -> None:
    """Keep `knowledge` for the next start; a cache folder we cannot write to is not an error."""
    target = cache_file(kb_root)
    temporary = ""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".kb-", suffix=".pickle")
        with os.fdopen(handle, "wb") as out:
            pickle.dump((stamp(kb_root, snapshot), knowledge), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except (OSError, pickle.PicklingError, RecursionError):
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
