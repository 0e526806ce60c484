"""The vendors, chips and source titles of a KB folder, fast: for the commands that need only those
(`chipkb rank`, `chart`, `timeline`), which would otherwise read and check every claim.

Loading a KB of 100,000 claims takes a minute; its chips sit in a few of its files. Each file is
read only when its bytes name a wanted section (`chips:`, `vendors:`, `sources:`); what those
files hold of the wanted sections is kept in the cache folder, file by file, under the file's size
and modification time, so a later run reads again only the files that changed (as the search
index does). Sources are kept without their text (a view needs their titles). The copy is JSON
(kb.store.as_json), never a pickle, so reading it cannot run code, and it is kept only in a private
cache folder (kb.locations.private_folder) outside the KB folder; otherwise nothing is kept and every
run reads the files. The result is unchecked: entities are read as `load_kb` reads them, and a
duplicate id keeps the first, but no cross-entity check runs and no problem is reported
(`chipkb validate` is for that).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import kb
from kb.locations import UnsafeFolder, cache_folder, index_folder, is_inside, private_folder
from kb.store.as_json import entity_from_json, entity_to_json
from kb.store.knowledge import KnowledgeBase
from kb.store.load import LoadedFiles, read_file
from kb.store.model import Entity, Source
from kb.store.scan import scan_kb
from kb.store.schema import SECTION_OF
from kb.store.validate import unique_entities
from kb.store.yamlread import Limits

FORMAT = 2
#: The sections this module can read; claims need `load_kb`.
SECTIONS = ("vendors", "chips", "sources")


def _cache_file(kb_root: Path, sections: tuple[str, ...]) -> Path | None:
    """Where the copy is kept, its folder made or found private; None when the cache folder must
    not be used (not private, or inside the KB folder, which would put the copy among KB files)."""
    if is_inside(cache_folder(), kb_root):
        return None
    try:
        folder = private_folder(cache_folder(), "kb-sections")
    except (UnsafeFolder, OSError):
        return None
    return Path(folder) / f"{os.path.basename(index_folder(kb_root))}-{'-'.join(sections)}.json"


def _stamp(kb_root: Path, limits: Limits) -> list[Any]:
    """What every cached file's entities depend on besides the file, as a JSON value: the code,
    the folder the command runs in (locations are written relative to it) and the loader's limits."""
    package = Path(kb.__file__).parent
    code = sorted([p.relative_to(package).as_posix(), p.stat().st_mtime_ns] for p in (package / "store").glob("*.py"))
    bounds = [limits.max_file_bytes, limits.max_depth, limits.max_expanded_nodes]
    return [FORMAT, kb.__version__, str(kb_root.resolve()), os.getcwd(), bounds, code]


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
    stamp = _stamp(kb_root, limits)
    cache = _cache_file(kb_root, sections)
    saved = _saved(cache, stamp) if cache is not None else {}
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
    if cache is not None and (changed or files.keys() != saved.keys()):
        _store(cache, stamp, files)
    return KnowledgeBase(root=kb_root, entities=unique_entities(entities, []), problems=[])


def _saved(cache: Path, stamp: list[Any]) -> dict[str, tuple[tuple[int, int], list[Entity]]]:
    """What the last run kept, when it was kept under the same stamp; {} for a missing, unreadable,
    damaged or outdated copy (as_json gives back only entities of chipkb's own classes)."""
    try:
        with cache.open("rb") as handle:
            saved = json.loads(handle.read())
        if not isinstance(saved, dict) or saved.get("stamp") != stamp or not isinstance(saved.get("files"), dict):
            return {}
        files: dict[str, tuple[tuple[int, int], list[Entity]]] = {}
        for rel, (size, mtime, kept) in saved["files"].items():
            if type(size) is not int or type(mtime) is not int or not isinstance(kept, list):
                return {}
            files[rel] = ((size, mtime), [entity_from_json(value) for value in kept])
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return {}
    return files


def _store(cache: Path, stamp: list[Any], files: dict[str, tuple[tuple[int, int], list[Entity]]]) -> None:
    """Keep what was read for the next run; a cache folder we cannot write to is not an error."""
    temporary = ""
    try:
        kept = {rel: [*stat, [entity_to_json(entity) for entity in found]] for rel, (stat, found) in files.items()}
        handle, temporary = tempfile.mkstemp(dir=cache.parent, prefix=".sections-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"stamp": stamp, "files": kept}, out, separators=(",", ":"))
        os.replace(temporary, cache)
    except (OSError, ValueError, TypeError):
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
