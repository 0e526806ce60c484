"""A copy of the loaded KB kept in the cache folder, so the app starts fast on a KB it has seen.

Loading and checking a KB of 10,000 claims takes seconds; reading back the saved result takes a
fraction of that.  The copy is used only while nothing it depends on has changed: the KB's files
(names, sizes, modification times), the folder the app runs in (problem paths are written
relative to it), the loader's limits and the `kb` package's own code.  Anything else, or a copy
that cannot be read, means loading the KB afresh.

The copy is JSON (kb.store.as_json), never a pickle: reading it cannot run code, whoever wrote
it.  It is kept only in a private cache folder (0700, the user's own, not writable by group or
others: kb.locations.private_folder) outside the KB folder; otherwise the app loads the KB afresh
every time and writes nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import kb
from kb.locations import UnsafeFolder, cache_folder, index_dir, is_inside, private_folder
from kb.store.as_json import entity_from_json, entity_to_json, problem_from_json, problem_to_json
from kb.store.bulk import cycle_collection_paused
from kb.store.knowledge import KnowledgeBase
from kb.store.scan import Snapshot
from kb.store.yamlread import Limits

FORMAT = 2


def cache_file(kb_root: Path) -> Path:
    return Path(cache_folder()) / "app-kb" / f"{index_dir(kb_root).name}.json"


def _private_cache_file(kb_root: Path) -> Path | None:
    """`cache_file`, its folder made or found private; None when the cache folder must not be used
    (not private, or inside the KB folder, where writing would make the app's watcher reload)."""
    if is_inside(cache_folder(), kb_root):
        return None
    try:
        private_folder(cache_folder(), "app-kb")
    except (UnsafeFolder, OSError):
        return None
    return cache_file(kb_root)


def _code_stamp() -> list[list[Any]]:
    package = Path(kb.__file__).parent
    return sorted([p.relative_to(package).as_posix(), p.stat().st_mtime_ns] for p in package.rglob("*.py"))


def stamp(kb_root: Path, snapshot: Snapshot) -> list[Any]:
    """Everything the loaded KB depends on, as a JSON value."""
    limits = Limits.from_environment()
    return [
        FORMAT,
        kb.__version__,
        str(kb_root.resolve()),
        os.getcwd(),
        [limits.max_file_bytes, limits.max_depth, limits.max_expanded_nodes],
        _code_stamp(),
        sorted([path, list(stat)] for path, stat in snapshot.items()),
    ]


def cached(kb_root: Path, snapshot: Snapshot) -> KnowledgeBase | None:
    """The KB as last loaded, if nothing it depends on has changed since."""
    try:
        target = _private_cache_file(kb_root)
        if target is None:
            return None
        with target.open("rb") as handle, cycle_collection_paused():
            saved = json.loads(handle.read())
            if not isinstance(saved, dict) or saved.get("stamp") != stamp(kb_root, snapshot):
                return None
            entities = [entity_from_json(value) for value in saved["entities"]]
            problems = [problem_from_json(value) for value in saved["problems"]]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):  # missing, unreadable, damaged
        return None
    return KnowledgeBase(root=kb_root, entities={e.id: e for e in entities}, problems=problems)


def store(kb_root: Path, snapshot: Snapshot, knowledge: KnowledgeBase) -> None:
    """Keep `knowledge` for the next start; a cache folder we cannot (or must not) write to is not an error."""
    temporary = ""
    try:
        target = _private_cache_file(kb_root)
        if target is None:
            return
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".kb-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out, cycle_collection_paused():
            saved = {
                "stamp": stamp(kb_root, snapshot),
                "entities": [entity_to_json(entity) for entity in knowledge.entities.values()],
                "problems": [problem_to_json(problem) for problem in knowledge.problems],
            }
            out.write(json.dumps(saved, separators=(",", ":")))
        os.replace(temporary, target)
    except (OSError, ValueError, TypeError):
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
