"""The search index of one KB folder: built once, kept fresh file by file, rebuilt when damaged.

Layout, in `kb.locations.index_folder(kb_root)` (never in the KB folder, which may be read-only):

- `CURRENT` names the live index folder (a JSON string); it is replaced atomically (a rename).
- `ix-<token>/` holds a whoosh index and two JSON files.  `manifest.json` is what every open
  reads: the versions the index was built with, the size, mtime and content hash of every KB file
  it reflects, and the size and mtime of each index file.  `details.json` is read only to update
  the index: for each YAML file, the facts of its entities that other entities' documents use
  (`kb.search.documents`), the ids its documents depend on, the text files it names, and whether it had
  problems.  Both carry the same token, so a crash between writing them is noticed.
- `lock` is taken (fcntl) by whoever writes: an incremental update or a full build.

Opening is cheap when nothing changed: one walk of the KB folder comparing sizes and mtimes to the
manifest (a file whose size or mtime changed is hashed, and only a new hash re-indexes it), and
the same check on the index's own files, which catches a truncated or overwritten segment.  A full
build is written into `tmp-<token>/`, renamed, and only then named by `CURRENT`, so a crash
mid-build leaves the old index as it was.  While one process writes, another searches the index
it finds, or, when there is none it can use, waits for the writer.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from kb.locations import index_folder
from kb.search.analysis import ANALYZER_VERSION
from kb.search.synonyms import SYNONYMS_VERSION
from kb.store.scan import Folder, Scan, Stat, scan_kb

if TYPE_CHECKING:
    from whoosh.searching import Searcher

    from kb.store.scan import FileRead

SCHEMA_VERSION = 9
MANIFEST = "manifest.json"
DETAILS = "details.json"
#: Memory whoosh's writer may fill before it sorts postings out to disk.
WRITER_MB = 128
#: A full build of more YAML files than this parses them in a second process (see _parsed_files).
PARALLEL_PARSE_FILES = 16
#: How long a process waits for another one's index build before giving up.
WAIT_SECONDS = 600.0
#: What reading a damaged whoosh index can raise: any exception.  Bytes flipped inside a segment
#: (its size and mtime kept) surface as `pickle.UnpicklingError`, `EOFError`, `struct.error`,
#: `zlib.error`, whoosh's `CorruptIndexError`, a `KeyError` for a stored field, a
#: `UnicodeDecodeError`, an `AttributeError` or `ModuleNotFoundError` from the unpickled table of
#: contents, and more (WHOOSH.md; tests/whole/test_index_damage.py flips bytes and collects them).
#: A failure while searching means: rebuild once, and say so in one line.
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (Exception,)
#: A file modified this close (ns) before it was read could be modified again within the same mtime
#: tick, its size and mtime unchanged: its stat is not trusted (recorded as -1), so the next open
#: hashes it again.  File systems that keep whole seconds get two.
RACY_NS = 50_000_000
RACY_COARSE_NS = 2_000_000_000

Notice = Callable[[str], None]


class IndexBusy(Exception):
    """Another process has been building the index for longer than WAIT_SECONDS."""


class BuildStopped(Exception):
    """The caller asked a full build to stop (the app is quitting); nothing of the build is kept."""


class _Damaged(Exception):
    """The live index cannot be trusted; the message says why, for the user."""


# -- the KB folder -----------------------------------------------------------------------------


def _read_text(path: Folder) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


def _max_bytes() -> int:
    from kb.store.yamlread import Limits

    return Limits.from_environment().max_file_bytes


def _read_limited(path: Folder) -> bytes:
    """A KB file's bytes, read as the loader reads it (a regular file within the size limit), or
    b"" when it cannot be read so."""
    from kb.store.scan import Refused, read_regular

    try:
        return read_regular(path, _max_bytes(), digest=False).data
    except (OSError, Refused):
        return b""


def _entry(read: FileRead) -> dict[str, Any]:
    """A manifest entry: the size, mtime and hash of one read of a file, the read that was indexed.
    A stat that may not show the next change (the file changed while it was read, or just before:
    RACY_NS) is recorded as -1, so the next open hashes the file again."""
    window = RACY_COARSE_NS if read.mtime_ns % 1_000_000_000 == 0 else RACY_NS
    trusted = read.stable and read.mtime_ns < read.started_ns - window
    return {"size": read.size, "mtime_ns": read.mtime_ns if trusted else -1, "sha256": read.sha256}


def _read_entry(path: Folder) -> dict[str, Any] | None:
    """The entry of a fresh read of a file, hashed in constant memory; None when it cannot be read
    (gone, not a regular file, over the size limit)."""
    from kb.store.scan import Refused, read_regular

    try:
        return _entry(read_regular(path, _max_bytes(), keep=False))
    except (OSError, Refused):
        return None


def _stat_only(stat: Stat) -> dict[str, Any]:
    """The entry of a file that no source names as its text: its content is not indexed, so only a
    change of its stat counts."""
    return {"size": stat[0], "mtime_ns": stat[1], "sha256": None}


class _Parsed:
    """One YAML file read for indexing."""

    def __init__(
        self, entities: list[Any], texts: list[str], problems: bool, reads: dict[str, dict[str, Any]] | None = None
    ) -> None:
        self.entities = entities
        self.texts = texts
        self.problems = problems
        #: The manifest entry of each file read (the YAML file, its text files), by KB path: the
        #: stat and hash of the very bytes the entities came from.
        self.reads = reads or {}


def _parse(kb_root: Folder, rel: str) -> _Parsed:
    from pathlib import Path

    from kb.store.load import LoadedFiles, read_file
    from kb.store.model import Source
    from kb.store.yamlread import Limits

    loaded = LoadedFiles(reads={})
    file = Path(kb_root, rel)
    read_file(file, Path(kb_root), Limits.from_environment(), loaded)
    root = Path(os.path.realpath(kb_root))
    texts = []
    for entity in loaded.entities:
        if isinstance(entity, Source) and entity.text_file:
            target = Path(os.path.realpath(file.parent / entity.text_file))
            if target.is_relative_to(root):
                texts.append(target.relative_to(root).as_posix())
    return _Parsed(loaded.entities, texts, bool(loaded.problems), _reads_by_rel(kb_root, rel, loaded.reads or {}))


def _reads_by_rel(kb_root: Folder, rel: str, reads: dict[str, FileRead]) -> dict[str, dict[str, Any]]:
    """What `_parse` read, as manifest entries by KB path (the YAML file by its own path, a text
    file by its real path inside the KB)."""
    own = os.fspath(os.path.join(kb_root, rel))
    root = os.path.realpath(kb_root)
    entries = {}
    for path, read in reads.items():
        if path == own or os.path.normpath(path) == os.path.normpath(own):
            entries[rel] = _entry(read)
        elif os.path.isabs(path) and os.path.commonpath([path, root]) == root:
            entries[os.path.relpath(path, root).replace(os.sep, "/")] = _entry(read)
    return entries


_DEFINES_FACTS = re.compile(rb"^(vendors|chips|sources)[ \t]*:", re.MULTILINE)


def _facts_first(kb_root: Folder, files: list[str]) -> list[str]:
    """The files with a top-level `vendors:` first (chips need their vendors' names), then those
    with `chips:` or `sources:` (claims need their facts), then the rest, each group in path order."""
    tiers: list[list[str]] = [[], [], []]
    for rel in files:
        try:
            sections = {found.group(1) for found in _DEFINES_FACTS.finditer(_read_limited(os.path.join(kb_root, rel)))}
        except OSError:
            sections = set()
        tiers[0 if b"vendors" in sections else 1 if sections else 2].append(rel)
    return tiers[0] + tiers[1] + tiers[2]


def _parse_slim(kb_root: Folder, rel: str) -> _Parsed:
    """`_parse` in a worker process: the entities' field locations, which indexing does not use,
    are left behind rather than sent back."""
    parsed = _parse(kb_root, rel)
    for entity in parsed.entities:
        entity.where.clear()
    return parsed


@contextlib.contextmanager
def _parsed_files(kb_root: Folder, files: list[str]) -> Iterator[Iterator[tuple[str, _Parsed]]]:
    """Each file, parsed, in order.  With more than PARALLEL_PARSE_FILES files a second process
    parses while this one indexes (reading YAML is a fifth of a full build); it is a spawned
    process, safe from a program with threads (the app), and it exits when this one does."""
    if len(files) <= PARALLEL_PARSE_FILES or not _can_spawn():
        yield ((rel, _parse(kb_root, rel)) for rel in files)
        return
    import functools
    import multiprocessing
    from multiprocessing import resource_tracker

    # the pool's locks start multiprocessing's resource tracker, which unblocks SIGINT when it has
    # started: started first, it leaves _interrupts_held's block alone
    resource_tracker.ensure_running()
    with _interrupts_held():  # the worker starts with Ctrl-C ignored, before any of its code runs
        pool = multiprocessing.get_context("spawn").Pool(1, initializer=_ignore_interrupts)
    with pool:
        yield zip(files, pool.imap(functools.partial(_parse_slim, kb_root), files, chunksize=4), strict=True)


def _can_spawn() -> bool:
    """Whether a spawned process can start: it needs the working folder, which may have been deleted."""
    try:
        os.getcwd()
    except OSError:
        return False
    return True


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C held back meanwhile, in the main thread: a process spawned meanwhile starts with
    SIGINT ignored (an ignored signal stays ignored across exec, and Python keeps it so), so a
    Ctrl-C while it starts (importing Python and whoosh, before `_ignore_interrupts` runs) cannot
    print its traceback.  The signal is also blocked here meanwhile, which Linux does not discard
    even while ignored, so a Ctrl-C that comes meanwhile is delivered to this process after."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield  # the app builds in a worker thread; Ctrl-C there is a key, not a signal
        return
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a held-back Ctrl-C is delivered now


def _ignore_interrupts() -> None:
    """In the parser process: Ctrl-C reaches the whole process group, and the parent answers it
    (one line, exit 130); the worker ends with the pool instead of printing its own traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


# -- the manifest and details -------------------------------------------------------------------


def _versions() -> dict[str, int]:
    return {"schema": SCHEMA_VERSION, "analyzer": ANALYZER_VERSION, "synonyms": SYNONYMS_VERSION}


def _index_files(folder: str) -> dict[str, list[int]]:
    """Size and mtime of the files whoosh reads (TOCs and segments); lock and temp files aside."""
    found = {}
    for entry in os.scandir(folder):
        if entry.name.endswith((".toc", ".seg")):
            stat = entry.stat()
            found[entry.name] = [stat.st_size, stat.st_mtime_ns]
    return found


def _write_json(path: str, value: object) -> None:
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.urandom(4).hex()}")
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(json.dumps(value))  # ASCII: a file name that is not UTF-8 survives as \udcxx
    os.replace(temporary, path)


def _detail(parsed: _Parsed) -> dict[str, Any]:
    """What details.json keeps about one YAML file."""
    from kb.search.documents import facts_of, refs_of

    facts: dict[str, Any] = {}
    refs: set[str] = set()
    for entity in parsed.entities:
        entity_facts = facts_of(entity)
        if entity_facts is not None:
            facts.setdefault(entity.id, entity_facts)
        refs.update(refs_of(entity))
    return {"facts": facts, "refs": sorted(refs), "texts": parsed.texts, "problems": parsed.problems}


def merged_facts(details: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Facts by entity id over all files; with a duplicate id, the first file (by path) wins."""
    facts: dict[str, dict[str, Any]] = {}
    for rel in sorted(details):
        for entity_id, entity_facts in details[rel]["facts"].items():
            facts.setdefault(entity_id, entity_facts)
    return facts


class _Changes:
    def __init__(self) -> None:
        self.reindex: set[str] = set()
        self.removed: set[str] = set()
        self.others = False  # a text or other non-YAML file was added, changed or removed
        self.touched = False  # only mtimes moved: the manifest needs the new stats, the index nothing


def _moved(manifest: dict[str, Any], scan: Scan) -> bool:
    """Whether a file was added or removed, or its size or mtime moved: the check on every open."""
    for kind, current in (("yaml", scan.yaml), ("other", scan.other)):
        recorded: dict[str, dict[str, Any]] = manifest[kind]
        if recorded.keys() != current.keys():
            return True
        for rel, (size, mtime) in current.items():
            entry = recorded[rel]
            if entry["size"] != size or entry["mtime_ns"] != mtime:
                return True
    return False


def _diff(kb_root: Folder, manifest: dict[str, Any], details: dict[str, Any], scan: Scan) -> _Changes:
    """What changed in the KB since `manifest`: a file whose stat moved is hashed and counts as
    changed only when its content did; otherwise its manifest entry takes the new stat."""
    changes = _Changes()
    changed_others: set[str] = set()
    texts = _text_files(details)
    for kind, current in (("yaml", scan.yaml), ("other", scan.other)):
        recorded: dict[str, dict[str, Any]] = manifest[kind]
        gone = recorded.keys() - current.keys()
        if kind == "yaml":
            changes.removed |= gone
        else:
            changed_others |= gone
        for rel, stat in current.items():
            entry = recorded.get(rel)
            if entry is not None and (entry["size"], entry["mtime_ns"]) == stat:
                continue
            fresh = _read_entry(os.path.join(kb_root, rel)) if kind == "yaml" or rel in texts else None
            if entry is not None and fresh is not None and entry["sha256"] == fresh["sha256"]:
                recorded[rel] = fresh  # the same bytes as indexed: their stat, from the same read
                changes.touched = True
            elif kind == "yaml":
                changes.reindex.add(rel)
            else:
                changed_others.add(rel)
    if changed_others:
        # Re-read the files that use a changed text, and any file that had problems: it may have
        # named a text file that did not exist then.
        changes.others = True
        for rel, detail in details.items():
            if rel in scan.yaml and (detail["problems"] or changed_others.intersection(detail["texts"])):
                changes.reindex.add(rel)
    return changes


def _text_files(details: dict[str, Any]) -> set[str]:
    """Every file a source names as its text, by KB path."""
    return {text for detail in details.values() for text in detail["texts"]}


def _others(
    scan: Scan, recorded: dict[str, dict[str, Any]], reads: dict[str, dict[str, Any]], texts: set[str]
) -> dict[str, dict[str, Any]]:
    """The manifest's entries for the files that are not YAML: a text file as it was read for the
    index (or as recorded, when no file naming it was read again), any other file by its stat."""
    entries = {}
    for rel, stat in scan.other.items():
        if rel in reads:
            entries[rel] = reads[rel]
        elif rel in texts and rel in recorded:
            entries[rel] = recorded[rel]
        else:
            entries[rel] = _stat_only(stat)
    return entries


def _merge_reads(into: dict[str, dict[str, Any]], reads: dict[str, dict[str, Any]]) -> None:
    """Add one parse's reads; a text file read twice with different bytes (it changed between two
    sources' reads) gets no trusted entry, so both are indexed again next time."""
    for rel, entry in reads.items():
        earlier = into.get(rel)
        if earlier is not None and earlier["sha256"] != entry["sha256"]:
            entry = {"size": entry["size"], "mtime_ns": -1, "sha256": None}
        into[rel] = entry


# -- locking -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _lock(path: str, wait: float) -> Iterator[bool]:
    """Hold the exclusive lock on `path` (waiting up to `wait` seconds); yields whether it is held."""
    import fcntl

    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                    held = False
                    break
                time.sleep(0.05)
        yield held
    finally:
        os.close(descriptor)


# -- the index ---------------------------------------------------------------------------------


class _Live:
    """The index named by CURRENT, checked whole."""

    def __init__(self, folder: str, manifest: dict[str, Any]) -> None:
        self.folder = folder
        self.manifest = manifest

    def details(self) -> dict[str, dict[str, Any]]:
        """details.json's record of each YAML file; raises _Damaged when it does not fit the manifest."""
        try:
            details = json.loads(_read_text(os.path.join(self.folder, DETAILS)))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise _Damaged(f"its details cannot be read ({type(error).__name__})") from None
        files = details.get("files") if isinstance(details, dict) else None
        if (
            not isinstance(files, dict)
            or details.get("token") != self.manifest.get("token")
            or files.keys() != self.manifest["yaml"].keys()
        ):
            raise _Damaged("its details do not match its manifest")
        return files


class SearchIndex:
    """The whoosh index of one KB folder, opened fresh.

    With `searches_once` (a process that searches once, like `chipkb search`), the index files
    are read as a search needs them instead of memory-mapped: whoosh copies every part of a mapped
    segment it opens (terms, postings, stored fields) into memory, which pays off only over many
    searches (10k claims: ~3 ms more to open, 1 ms less to search).
    """

    def __init__(
        self,
        kb_root: Folder,
        notice: Notice | None = None,
        *,
        searches_once: bool = False,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        self.kb_root = kb_root
        self.notice: Notice = notice or (lambda message: None)
        #: Asked between files during a full build: True stops it (BuildStopped), leaving the old index.
        self.stop = stop or (lambda: False)
        self._home: str | None = None
        self.live: _Live | None = None
        self.mapped = not searches_once

    @property
    def home(self) -> str:
        """The index's folder, in the cache folder when that is private and outside the KB, else in
        a private temporary folder (with one line saying why: see kb.locations.check_private)."""
        if self._home is None:
            self._home = self._private_home()
        return self._home

    def _private_home(self) -> str:
        from kb.locations import UnsafeFolder, cache_folder, is_inside, private_folder, temporary_cache_folder

        wanted = index_folder(self.kb_root)
        root = cache_folder()
        name = os.path.basename(wanted)
        try:
            if is_inside(root, self.kb_root):
                raise UnsafeFolder(
                    f"the cache folder {root} is inside the KB folder {self.kb_root}; set CHIPKB_CACHE_DIR to a"
                    " folder outside it"
                )
            return private_folder(root, "indexes", name)
        except UnsafeFolder as refused:
            self.notice(f"{refused} (the search index is built in a private temporary folder this time)")
        return private_folder(temporary_cache_folder(), "indexes", name)

    # reading

    def _live(self) -> _Live:
        """The index CURRENT names, after checking it is whole; raises _Damaged, or
        FileNotFoundError when there has never been one."""
        try:
            name = json.loads(_read_text(os.path.join(self.home, "CURRENT")))
        except FileNotFoundError:
            raise
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise _Damaged(f"its pointer file cannot be read ({type(error).__name__})") from None
        folder = os.path.join(self.home, name) if isinstance(name, str) else ""
        if not isinstance(name, str) or not name.startswith("ix-") or "/" in name or not os.path.isdir(folder):
            raise _Damaged("its pointer file names no index folder")
        try:
            manifest = json.loads(_read_text(os.path.join(folder, MANIFEST)))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise _Damaged(f"its manifest cannot be read ({type(error).__name__})") from None
        if not isinstance(manifest, dict) or manifest.get("versions") != _versions():
            raise _Damaged("it was made by another version of chipkb")
        if not all(isinstance(manifest.get(key), dict) for key in ("yaml", "other", "index_files")):
            raise _Damaged("its manifest is incomplete")
        try:
            actual = _index_files(folder)
        except OSError as error:
            raise _Damaged(f"its files cannot be listed ({error.strerror})") from None
        if actual != manifest["index_files"]:
            raise _Damaged("its files were changed or cut short")
        return _Live(folder, manifest)

    def _open(self, live: _Live) -> Searcher:
        try:
            storage = FileStorage(live.folder, supports_mmap=self.mapped, readonly=True)
            searcher = storage.open_index().searcher()
            count = searcher.doc_count()
        except Exception as error:  # unpickling a damaged TOC can raise nearly anything
            raise _Damaged(f"it cannot be read ({type(error).__name__})") from None
        if count != live.manifest.get("doc_count"):
            searcher.close()
            raise _Damaged("it holds the wrong number of documents")
        self.live = live
        return searcher

    def open(self) -> Searcher:
        """A searcher of the index, brought up to date first when the KB changed; rebuilt (with a notice) when
        damaged or made by another version.  Raises IndexBusy only when another process has been
        building it for longer than WAIT_SECONDS."""
        scan = scan_kb(self.kb_root)
        for _ in range(2):  # a second try covers a writer swapping the index as we read it
            try:
                live = self._live()
                if not _moved(live.manifest, scan):
                    return self._open(live)
                break
            except (_Damaged, FileNotFoundError):
                continue
        return self._update(scan)

    def refresh(self) -> Searcher | None:
        """A searcher of a newer index when the KB (or the index, by another process) changed
        since `open`, else None."""
        scan = scan_kb(self.kb_root)
        before = self.live
        try:
            live = self._live()
            unchanged = before is not None and live.folder == before.folder and live.manifest == before.manifest
            if unchanged and not _moved(live.manifest, scan):
                return None
        except (_Damaged, FileNotFoundError):
            pass
        searcher = self._update(scan)
        after = self.live
        same_folder = before is not None and after is not None and after.folder == before.folder
        if same_folder and after.manifest.get("token") == before.manifest.get("token"):  # type: ignore[union-attr]
            searcher.close()
            return None
        return searcher

    def rebuild(self, reason: str) -> Searcher:
        """Rebuild after the index failed while being searched."""
        os.makedirs(self.home, 0o700, exist_ok=True)
        with _lock(os.path.join(self.home, "lock"), WAIT_SECONDS) as held:
            if not held:
                raise IndexBusy(f"the search index in {self.home} is being rebuilt by another process")
            self.notice(f"the search index was damaged ({reason}); rebuilding it")
            return self._build(scan_kb(self.kb_root))

    # writing

    def _update(self, scan: Scan) -> Searcher:
        os.makedirs(self.home, 0o700, exist_ok=True)
        with _lock(os.path.join(self.home, "lock"), 0) as held:
            if held:
                return self._update_locked(scan_kb(self.kb_root))
        # Another process is writing: search what it left, if that is whole, else wait for it.
        with contextlib.suppress(_Damaged, FileNotFoundError):
            return self._open(self._live())
        with _lock(os.path.join(self.home, "lock"), WAIT_SECONDS) as held:
            if not held:
                raise IndexBusy(f"the search index in {self.home} is being rebuilt by another process")
            return self._update_locked(scan_kb(self.kb_root))

    def _update_locked(self, scan: Scan) -> Searcher:
        try:
            live = self._live()
            self._clean(keep=os.path.basename(live.folder))  # what a killed build left behind
        except FileNotFoundError:
            return self._build(scan)
        except _Damaged as damage:
            self.notice(f"the search index was unusable ({damage}); rebuilding it")
            return self._build(scan)
        try:
            details = live.details()
            changes = _diff(self.kb_root, live.manifest, details, scan)
            if changes.reindex or changes.removed or changes.others:
                self._apply(live, details, changes, scan)
            elif changes.touched:
                _write_json(os.path.join(live.folder, MANIFEST), live.manifest)
            return self._open(live)
        except (_Damaged, *DAMAGE_ERRORS) as error:
            self.notice(f"the search index was unusable ({_describe(error)}); rebuilding it")
            return self._build(scan)

    def _apply(self, live: _Live, details: dict[str, dict[str, Any]], changes: _Changes, scan: Scan) -> None:
        """Re-index the changed files, and the files whose documents use facts that changed."""
        from kb.search.documents import documents, file_key

        manifest = live.manifest
        old_facts = merged_facts(details)
        parsed = {rel: _parse(self.kb_root, rel) for rel in sorted(changes.reindex)}
        for rel in changes.removed:
            del manifest["yaml"][rel], details[rel]
        for rel, result in parsed.items():
            details[rel] = _detail(result)
        new_facts = merged_facts(details)
        moved = {i for i in old_facts.keys() | new_facts.keys() if old_facts.get(i) != new_facts.get(i)}
        for rel, detail in sorted(details.items()):
            if rel not in parsed and moved.intersection(detail["refs"]):
                parsed[rel] = _parse(self.kb_root, rel)
                details[rel] = _detail(parsed[rel])
        reads: dict[str, dict[str, Any]] = {}
        for result in parsed.values():
            _merge_reads(reads, result.reads)
        for rel in parsed:
            manifest["yaml"][rel] = reads.get(rel) or {"size": -1, "mtime_ns": -1, "sha256": None}
        ix = whoosh_index.open_dir(live.folder)
        writer = ix.writer(timeout=WAIT_SECONDS, delay=0.05)
        try:
            for rel in sorted(changes.removed | parsed.keys()):
                writer.delete_by_term("file", file_key(rel))
            for rel, result in parsed.items():
                written: set[str] = set()  # the words as written the file's documents carry (documents())
                for entity in result.entities:
                    for doc in documents(entity, new_facts, rel, written):
                        writer.add_document(**doc)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        manifest["other"] = _others(scan, manifest["other"], reads, _text_files(details))
        manifest["token"] = os.urandom(6).hex()
        manifest["doc_count"] = ix.doc_count()
        manifest["index_files"] = _index_files(live.folder)
        _write_json(os.path.join(live.folder, DETAILS), {"token": manifest["token"], "files": details})
        _write_json(os.path.join(live.folder, MANIFEST), manifest)

    def _build(self, scan: Scan) -> Searcher:
        """Build the whole index in a new folder and swap it in; the caller holds the lock."""
        import shutil

        from kb.search.documents import make_schema

        token = os.urandom(6).hex()
        building = os.path.join(self.home, f"tmp-{token}")
        os.makedirs(building, 0o700)
        try:
            manifest: dict[str, Any] = {
                "versions": _versions(),
                "kb_root": os.fspath(self.kb_root),
                "token": token,
            }
            ix = whoosh_index.create_in(building, make_schema())
            reads: dict[str, dict[str, Any]] = {}
            details = self._index_all(ix, _facts_first(self.kb_root, sorted(scan.yaml)), reads)
            unread = {"size": -1, "mtime_ns": -1, "sha256": None}  # gone between the scan and the parse
            manifest["yaml"] = {rel: reads.get(rel, unread) for rel in scan.yaml}
            manifest["other"] = _others(scan, {}, reads, _text_files(details))
            manifest["doc_count"] = ix.doc_count()
            manifest["index_files"] = _index_files(building)
            _write_json(os.path.join(building, DETAILS), {"token": token, "files": details})
            _write_json(os.path.join(building, MANIFEST), manifest)
            name = f"ix-{token}"
            folder = os.path.join(self.home, name)
            os.rename(building, folder)
            building = folder
            _write_json(os.path.join(self.home, "CURRENT"), name)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        self._clean(keep=name)
        return self._open(_Live(folder, manifest))

    def _index_all(
        self, ix: whoosh_index.Index, files: list[str], reads: dict[str, dict[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        """Index every file into the empty `ix`, in one pass; return each file's details.

        A claim's documents need the facts of its subjects and source, so the files that define
        vendors, chips and sources come first (`_facts_first`), and each file is indexed with
        the facts known when it is read.  Should a file's facts come late after all (a duplicate
        id, a file the first look missed), the files indexed without them are indexed again.
        """
        from kb.search.documents import documents, file_key

        details: dict[str, dict[str, Any]] = {}
        facts: dict[str, Any] = {}  # of the files read so far; the first file wins, as in merged_facts
        used: dict[str, dict[str, Any]] = {}  # the facts each file's documents were made with
        writer = ix.writer(limitmb=WRITER_MB)
        with _parsed_files(self.kb_root, files) as parsed:
            for rel, result in parsed:
                if self.stop():
                    writer.cancel()
                    raise BuildStopped(f"the index build of {os.fspath(self.kb_root)} was stopped")
                _merge_reads(reads, result.reads)
                details[rel] = detail = _detail(result)
                for entity_id, entity_facts in detail["facts"].items():
                    facts.setdefault(entity_id, entity_facts)
                used[rel] = {ref: facts.get(ref) for ref in detail["refs"]}
                written: set[str] = set()  # the words as written the file's documents carry (documents())
                for entity in result.entities:
                    for doc in documents(entity, facts, rel, written):
                        writer.add_document(**doc)
        writer.commit()
        final = merged_facts(details)
        late = sorted(rel for rel, refs in used.items() if any(final.get(ref) != known for ref, known in refs.items()))
        if late:
            writer = ix.writer(limitmb=WRITER_MB)
            for rel in late:
                writer.delete_by_term("file", file_key(rel))
                again = _parse(self.kb_root, rel)
                reads.update(again.reads)  # what is indexed now
                written = set()
                for entity in again.entities:
                    for doc in documents(entity, final, rel, written):
                        writer.add_document(**doc)
            writer.commit()
        return details

    def _clean(self, keep: str) -> None:
        """Remove old index folders and half builds; readers that have one open keep their files."""
        import shutil

        for entry in os.scandir(self.home):
            if entry.is_dir() and entry.name != keep and entry.name.startswith(("ix-", "tmp-")):
                shutil.rmtree(entry.path, ignore_errors=True)


def _describe(error: BaseException) -> str:
    return str(error) if isinstance(error, _Damaged) else type(error).__name__
