"""The vendors, chips and source titles of a KB folder, fast: for the commands that need only those
(`chipkb rank`, `chart`, `timeline`), which would otherwise read and check every claim.

Loading a KB of 100,000 claims takes a minute; its chips sit in a few of its files. Each file is
read only when its bytes name a wanted section (`chips:`, `vendors:`, `sources:`); what those
files hold of the wanted sections is kept in the cache folder, file by file, under the file's size
and modification time, so a later run reads again only the files that changed (as the search
index does). Sources are kept without their text (a view needs their titles). The result is
unchecked: entities are read as `load_kb` reads them, and a duplicate id keeps the first, but no
cross-entity check runs and no problem is reported (`chipkb validate` is for that).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import kb
from kb.locations import cache_folder, index_folder
from kb.store.knowledge import KnowledgeBase
from kb.store.load import LoadedFiles, read_file
from kb.store.model import Entity, Source
from kb.store.scan import scan_kb
from kb.store.schema import SECTION_OF
from kb.store.validate import unique_entities
from kb.store.yamlread import Limits

FORMAT = 1
#: The sections this module can read; claims need `load_kb`.
SECTIONS = ("vendors", "chips", "sources")


def _cache_file(kb_root: Path, sections: tuple[str, ...]) -> Path:
    name = f"{os.path.basename(index_folder(kb_root))}-{'-'.join(sections)}.pickle"
    return Path(cache_folder()) / "kb-sections" / name


def _stamp(kb_root: Path) -> tuple[Any, ...]:
    """What every cached file's entities depend on besides the file: the code, the folder the
    command runs in (locations are written relative to it) and the loader's limits."""
    package = Path(kb.__file__).parent
    code = sorted((p.relative_to(package).as_posix(), p.stat().st_mtime_ns) for p in (package / "store").glob("*.py"))
    return (FORMAT, kb.__version__, str(kb_root.resolve()), os.getcwd(), Limits.from_environment(), code)


def _mentions(file: Path, sections: tuple[str, ...], limits: Limits) -> bool:
    """Whether the file's bytes could hold a wanted section (a word check: a false yes costs a read)."""
    try:
        if file.stat().st_size > limits.max_file_bytes:
            return False  # never read past the limit (load_kb reports such a file)
        data = file.read_bytes()
    except OSError:
        return False  # unreadable: nothing to rank from it (load_kb reports it)
    return any(section.encode() in data for section in sections)


def _read(file: Path, kb_root: Path, limits: Limits, sections: tuple[str, ...]) -> list[Entity]:
    loaded = LoadedFiles()
    if _mentions(file, sections, limits):
        read_file(file, kb_root, limits, loaded)
    wanted = {kind for kind, section in SECTION_OF.items() if section in sections}
    kept: list[Entity] = []
    for entity in loaded.entities:
        if entity.type not in wanted:
            continue
        # what a ranking or timeline shows, without the places of each field in the YAML (and a
        # source without its text): a third of the objects, so the copy reads back fast
        slim = replace(entity, where={})
        if isinstance(slim, Source):
            slim = replace(slim, text="")
        kept.append(slim)
    return kept


def load_sections(kb_root: Path, sections: tuple[str, ...] = ("vendors", "chips")) -> KnowledgeBase:
    """The KB's entities of `sections` (some of SECTIONS; sources without their text), from the
    cache where their files are unchanged; claims are never read."""
    assert set(sections) <= set(SECTIONS), sections
    limits = Limits.from_environment()
    stamp = _stamp(kb_root)
    cache = _cache_file(kb_root, sections)
    saved: dict[str, tuple[tuple[int, int], list[Entity]]] = {}
    with contextlib.suppress(Exception):  # missing, unreadable or from other code: read afresh
        with cache.open("rb") as handle:
            saved_stamp, saved_files = pickle.load(handle)
        if saved_stamp == stamp and isinstance(saved_files, dict):
            saved = saved_files
    files: dict[str, tuple[tuple[int, int], list[Entity]]] = {}
    entities: list[Entity] = []
    changed = False
    for rel, stat in scan_kb(kb_root).yaml.items():  # the files `load_kb` reads, in its order
        known = saved.get(rel)
        if known is not None and known[0] == stat:
            found = known[1]
        else:
            found, changed = _read(kb_root / rel, kb_root, limits, sections), True
        files[rel] = (stat, found)
        entities.extend(found)
    if changed or files.keys() != saved.keys():
        _store(cache, stamp, files)
    return KnowledgeBase(root=kb_root, entities=unique_entities(entities, []), problems=[])


def _store(cache: Path, stamp: tuple[Any, ...], files: dict[str, Any]) -> None:
    """Keep what was read for the next run; a cache folder we cannot write to is not an error."""
    temporary = ""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache.parent, prefix=".sections-", suffix=".pickle")
        with os.fdopen(handle, "wb") as out:
            pickle.dump((stamp, files), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache)
    except (OSError, pickle.PicklingError, RecursionError):
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
