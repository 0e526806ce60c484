"""Writing notes into a folder (a vault) safely.

- Nothing is written outside the folder: every note path is checked to be plain names below it,
  and the folders inside it are opened one level at a time without following symbolic links.
- A symbolic link inside the folder (a sub-folder, a note, the manifest) is never followed: the
  export stops before writing anything, naming it.
- Each file is written to a temporary file beside it, flushed to disk and renamed over the old
  one, so a reader (or a full disk) never sees half a note.
- A note edited by hand since chipkb wrote it is kept unless `force`: the folder's manifest
  (`.chipkb-export.json`) holds the hash of what chipkb last wrote to each note.

POSIX only: the folder walk relies on `dir_fd` and `O_NOFOLLOW`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kb.notes.render import comparison_note, comparison_path, entity_note, index_note, note_path, unlink_absent
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Entity
from kb.store.schema import WINDOWS_RESERVED
from kb.text.slugs import SLUG
from kb.views.compare import compare

MANIFEST = ".chipkb-export.json"
MARKDOWNLINT_FILE = ".markdownlint.yaml"
#: markdownlint's settings for the vault: the style rules the notes break on purpose are off;
#: every rule that changes how a note renders (headings, lists, tables, links) stays on.
MARKDOWNLINT_CONFIG = """\
# Written by chipkb export. The notes quote sources verbatim, so some style rules cannot hold.
MD010: false  # hard tabs: a quoted source's own tabs, inside lines
MD013: false  # line length: quoted passages and statements are kept whole
MD025: false  # one top-level heading: the front matter's title repeats the note's heading
MD026: false  # trailing punctuation in headings: a claim's heading is its statement, a sentence
MD034: false  # bare URLs: a quoted source's own text may hold URLs
"""
_TOKEN_BYTES = 8
_TEMPORARY = re.compile(rf"\..+\.[0-9a-f]{{{2 * _TOKEN_BYTES}}}\.tmp\Z")
_MANIFEST_FORMAT = 1
#: The longest name every file system takes (255 bytes), less what a temporary file adds to it.
_MAX_NAME_BYTES = 255 - len(".") - len(".tmp") - 1 - 2 * _TOKEN_BYTES


class ExportError(Exception):
    """The export cannot go on; the message is one line naming the path at fault."""


@dataclass
class ExportReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    #: Edited by hand since chipkb wrote them, so not overwritten.
    kept: list[Path] = field(default_factory=list)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _parts(relative: str) -> tuple[str, ...]:
    """The names along a note's path, refusing anything that could leave the folder."""
    path = PurePosixPath(relative)
    names = relative.split("/")
    if (
        not relative
        or path.is_absolute()
        or any(name in ("", ".", "..") for name in names)
        or any(c in relative for c in ("\\", "\0"))
    ):
        raise ExportError(f"refusing to write {relative!r}: not a plain path inside the export folder")
    for name in names:
        if name.split(".")[0].lower() in WINDOWS_RESERVED:
            raise ExportError(f"refusing to write {relative!r}: Windows reserves the name {name!r} for a device")
        if len(name.encode("utf-8", "surrogateescape")) > _MAX_NAME_BYTES:
            raise ExportError(f"refusing to write {relative!r}: a file name longer than {_MAX_NAME_BYTES} bytes")
    return tuple(names)


class _Folder:
    """An open export folder: sub-folders reached through directory descriptors, never via links."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            root.mkdir(parents=True, exist_ok=True)
            self.root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        except FileExistsError:
            raise ExportError(f"{root}: not a folder") from None
        except NotADirectoryError:
            raise ExportError(f"{root}: not a folder") from None
        except OSError as error:
            raise ExportError(f"cannot open the export folder {root}: {error.strerror}") from None
        self.fds: dict[tuple[str, ...], int] = {(): self.root_fd}
        self.touched: set[tuple[str, ...]] = set()

    def __enter__(self) -> _Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        for fd in self.fds.values():
            os.close(fd)

    def shown(self, parts: Sequence[str]) -> Path:
        return self.root.joinpath(*parts)

    def _refuse_link(self, parts: tuple[str, ...], parent: int) -> None:
        """Raise the right error for an entry we could not open as a real folder or file."""
        try:
            info = os.lstat(parts[-1], dir_fd=parent)
        except OSError:
            return
        if stat.S_ISLNK(info.st_mode):
            raise ExportError(f"{self.shown(parts)}: is a symbolic link; chipkb does not follow links inside --out")

    def folder(self, parts: tuple[str, ...], create: bool) -> int | None:
        """The descriptor of sub-folder `parts`, None when it does not exist and `create` is false."""
        if parts in self.fds:
            return self.fds[parts]
        parent = self.folder(parts[:-1], create)
        if parent is None:
            return None
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
        try:
            try:
                fd = os.open(parts[-1], flags, dir_fd=parent)
            except FileNotFoundError:
                if not create:
                    return None
                os.mkdir(parts[-1], 0o777, dir_fd=parent)
                self.touched.add(parts[:-1])
                fd = os.open(parts[-1], flags, dir_fd=parent)
        except OSError as error:
            self._refuse_link(parts, parent)
            if error.errno == errno.ENOTDIR:
                raise ExportError(f"{self.shown(parts)}: not a folder") from None
            raise ExportError(f"cannot open {self.shown(parts)}: {error.strerror}") from None
        self.fds[parts] = fd
        return fd

    def _entry(self, parts: tuple[str, ...]) -> tuple[int, os.stat_result] | None:
        """The folder descriptor and lstat of a file, None when it does not exist; a link is refused."""
        parent = self.folder(parts[:-1], create=False)
        if parent is None:
            return None
        try:
            info = os.lstat(parts[-1], dir_fd=parent)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise ExportError(f"cannot read {self.shown(parts)}: {error.strerror}") from None
        if stat.S_ISLNK(info.st_mode):
            raise ExportError(f"{self.shown(parts)}: is a symbolic link; chipkb does not follow links inside --out")
        if not stat.S_ISREG(info.st_mode):
            raise ExportError(f"{self.shown(parts)}: not a regular file")
        return parent, info

    def exists(self, parts: tuple[str, ...]) -> bool:
        return self._entry(parts) is not None

    def read(self, parts: tuple[str, ...]) -> bytes | None:
        """The current bytes of a file, None when it does not exist; a link or non-file is refused."""
        entry = self._entry(parts)
        if entry is None:
            return None
        try:
            fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=entry[0])
        except OSError as error:
            self._refuse_link(parts, entry[0])
            raise ExportError(f"cannot read {self.shown(parts)}: {error.strerror}") from None
        with os.fdopen(fd, "rb") as file:
            return file.read()

    def write(self, parts: tuple[str, ...], data: bytes) -> None:
        """Replace the file atomically: a temporary file beside it, fsynced, then renamed over it."""
        parent = self.folder(parts[:-1], create=True)
        assert parent is not None  # create=True always gives a folder or raises
        temporary = f".{parts[-1]}.{secrets.token_hex(_TOKEN_BYTES)}.tmp"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666, dir_fd=parent)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temporary, parts[-1], src_dir_fd=parent, dst_dir_fd=parent)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=parent)
            raise ExportError(f"cannot write {self.shown(parts)}: {error.strerror}") from None
        self.touched.add(parts[:-1])

    def sync(self) -> None:
        """Flush the folders whose entries changed, so the renames survive a crash.

        A temporary file left in one of them by an export that was killed mid-write is removed
        first: its note was not replaced then, so this export rewrote it and touched its folder.
        """
        for parts in sorted(self.touched):
            fd = self.fds.get(parts)
            if fd is not None:
                try:
                    for name in os.listdir(fd):
                        if _TEMPORARY.match(name):
                            os.unlink(name, dir_fd=fd)
                    os.fsync(fd)
                except OSError as error:
                    raise ExportError(f"cannot write {self.shown(parts)}: {error.strerror}") from None
        self.touched.clear()


def _read_manifest(folder: _Folder, force: bool) -> dict[str, str]:
    """Note path -> hash of what chipkb last wrote there."""
    data = folder.read((MANIFEST,))
    if data is None:
        return {}
    try:
        loaded = json.loads(data.decode("utf-8"))
        notes = loaded["notes"]
        if loaded.get("format") != _MANIFEST_FORMAT or not isinstance(notes, dict):
            raise ValueError
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in notes.items()):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        if force:
            return {}
        raise ExportError(
            f"{folder.shown((MANIFEST,))}: not a chipkb export manifest (delete it, or export with --force)"
        ) from None
    return dict(notes)


def _manifest_bytes(notes: dict[str, str]) -> bytes:
    text = json.dumps({"format": _MANIFEST_FORMAT, "notes": dict(sorted(notes.items()))}, indent=1)
    return (text + "\n").encode("utf-8")


def _promise_new_notes(
    folder: _Folder,
    previous: dict[str, str],
    manifest: dict[str, str],
    pending: Sequence[tuple[str, tuple[str, ...], bytes]],
) -> dict[str, str]:
    """Write the manifest before the notes, naming the notes about to be created; return what it holds.

    An export killed part-way then leaves a folder that the next export knows as its own, and each
    new note in it either absent or whole with the hash the manifest gives it, so it is rewritten,
    not kept as a hand edit.  A note that already exists keeps its old hash until it is replaced.
    """
    promised = dict(manifest)
    for relative, parts, data in pending:
        if not folder.exists(parts):
            promised[relative] = _digest(data)
    if promised != previous or not folder.exists((MANIFEST,)):
        folder.write((MANIFEST,), _manifest_bytes(promised))
    return promised


def _write_into(folder: _Folder, notes: dict[str, str], force: bool) -> ExportReport:
    """Write `notes` (path relative to the folder -> text), keeping hand-edited ones unless `force`.

    Every path is checked and every existing file read before anything is written, so a refused
    path or link stops the export with nothing changed.
    """
    previous = _read_manifest(folder, force)
    manifest = dict(previous)
    report = ExportReport()
    pending: list[tuple[str, tuple[str, ...], bytes]] = []
    for relative in sorted(notes):
        parts = _parts(relative)
        data = notes[relative].encode("utf-8")
        current = folder.read(parts)
        if current == data:
            manifest[relative] = _digest(data)
            report.unchanged.append(folder.shown(parts))
        elif current is None or force or previous.get(relative) == _digest(current):
            pending.append((relative, parts, data))
        else:
            report.kept.append(folder.shown(parts))
    failure: ExportError | None = None
    promised = _promise_new_notes(folder, previous, manifest, pending)
    for relative, parts, data in pending:
        try:
            folder.write(parts, data)
        except ExportError as error:
            failure = error
            break
        manifest[relative] = _digest(data)
        report.written.append(folder.shown(parts))
    try:
        if manifest != promised:
            folder.write((MANIFEST,), _manifest_bytes(manifest))
        folder.sync()
    except ExportError as error:
        failure = failure or error
    if failure is not None:
        raise failure
    return report


def write_notes(out_dir: Path, notes: dict[str, str], *, force: bool = False) -> ExportReport:
    """Write `notes` (path inside `out_dir` -> markdown) safely; see the module docstring."""
    with _Folder(out_dir) as folder:
        return _write_into(folder, notes, force)


def _outside_kb(kb: KnowledgeBase, out_dir: Path, notes: Sequence[str] = ()) -> None:
    """Refuse a folder inside the KB, or a note that would land inside it (the KB in the vault)."""
    root = kb.root.resolve()
    target = out_dir.resolve()
    if target.is_relative_to(root):
        raise ExportError(f"{out_dir}: inside the KB folder {kb.root}; export somewhere else")
    for note in notes:
        if (target / note).resolve().is_relative_to(root):
            raise ExportError(f"{out_dir / note}: inside the KB folder {kb.root}; export somewhere else")


def _note_paths(entities: Sequence[Entity]) -> dict[str, Entity]:
    paths = {}
    for entity in entities:
        try:
            paths[note_path(entity)] = entity
        except ValueError as error:
            raise ExportError(str(error)) from None
    return paths


def _vault_folder(out_dir: Path, into_existing: bool) -> None:
    """Refuse a vault folder that is not chipkb's to fill: the root folder (always), and, unless
    `into_existing`, a folder that already holds something but no export manifest (chipkb did not
    create it: `/etc`, a home folder, a vault of other notes).  chipkb's own temporary files, left
    by an export killed before its first rename, do not count."""
    if not str(out_dir):
        raise ExportError("refusing to export into a folder with an empty name")
    try:
        resolved = Path(os.path.realpath(out_dir))
    except OSError as error:  # the working folder is gone
        raise ExportError(f"cannot find the export folder {out_dir}: {error.strerror}") from None
    if resolved.parent == resolved:
        raise ExportError(f"refusing to export into the root folder {out_dir}")
    if into_existing or not resolved.is_dir():
        return
    try:
        with os.scandir(resolved) as entries:
            names = {entry.name for entry in entries if not _TEMPORARY.match(entry.name)}
    except OSError as error:
        raise ExportError(f"cannot open the export folder {out_dir}: {error.strerror}") from None
    if names and MANIFEST not in names:
        raise ExportError(
            f"{out_dir}: not empty, and not a folder chipkb exported into (it has no {MANIFEST}); export into a"
            " new or empty folder, or add the notes to it with --into-existing"
        )


def export_notes(
    kb: KnowledgeBase,
    out_dir: Path,
    ids: Sequence[str] | None = None,
    *,
    force: bool = False,
    into_existing: bool = False,
) -> ExportReport:
    """Export the notes of `ids` (all entities when None) and `index.md` into `out_dir`.

    The index links every note exported now and every note chipkb exported into the folder
    before (per its manifest) whose entity is still in the KB, so exporting one entity at a time
    builds up one index.  An unknown id raises KeyError.  A folder that holds files but is not an
    earlier export is refused unless `into_existing` (`_vault_folder`).
    """
    if ids is None:
        chosen = sorted(kb.entities.values(), key=lambda e: (e.type, e.id))
    else:
        chosen = [kb.entities[i] for i in dict.fromkeys(ids)]
    notes_of = _note_paths(chosen)
    _vault_folder(out_dir, into_existing)
    _outside_kb(kb, out_dir, [*notes_of, "index.md"])
    with _Folder(out_dir) as folder:
        earlier: list[Entity] = []
        chosen_ids = {e.id for e in chosen}
        if ids is not None:
            earlier = _exported_before(kb, folder, force, chosen_ids)
        notes = {path: entity_note(kb, entity) for path, entity in notes_of.items()}
        comparisons = _comparisons_in(folder, force)
        if ids is not None:  # links to notes the vault does not hold become text
            present = _targets([*chosen, *earlier], comparisons)
            notes = {path: unlink_absent(text, present) for path, text in notes.items()}
        notes["index.md"] = index_note(kb, [*notes_of.values(), *earlier], comparisons)
        notes[MARKDOWNLINT_FILE] = MARKDOWNLINT_CONFIG
        return _write_into(folder, notes, force)


def _exported_before(kb: KnowledgeBase, folder: _Folder, force: bool, skip: set[str] = frozenset()) -> list[Entity]:
    """The entities (other than `skip`) whose notes chipkb exported into the folder before."""
    previous = _read_manifest(folder, force)
    earlier = []
    for entity in kb.entities.values():
        if entity.id in skip or not SLUG.match(entity.id):
            continue
        path = note_path(entity)
        if path in previous and folder.exists(_parts(path)):
            earlier.append(entity)
    return earlier


def _comparisons_in(folder: _Folder, force: bool, also: Sequence[str] = ()) -> list[str]:
    """The comparison notes chipkb exported into the folder (and `also`), as paths."""
    previous = _read_manifest(folder, force)
    found = {p for p in previous if p.startswith("comparisons/") and folder.exists(_parts(p))}
    return sorted(found | set(also))


def _targets(entities: Sequence[Entity], comparisons: Sequence[str]) -> set[str]:
    """What a wikilink may name in the vault: each note's path without `.md`, and its id."""
    targets = {note_path(e).removesuffix(".md") for e in entities} | {e.id for e in entities}
    paths = {path.removesuffix(".md") for path in comparisons}
    return targets | paths | {path.removeprefix("comparisons/") for path in paths}


def export_comparison(
    kb: KnowledgeBase, chip_ids: Sequence[str], out_file: Path, *, force: bool = False
) -> ExportReport:
    """Write the comparison note of `chip_ids` to `out_file` (an unknown chip id raises KeyError)."""
    text = comparison_note(kb, compare(kb, chip_ids))
    _outside_kb(kb, out_file.parent)
    return write_notes(out_file.parent, {out_file.name: text}, force=force)


def export_comparison_into(
    kb: KnowledgeBase, chip_ids: Sequence[str], out_dir: Path, *, force: bool = False, into_existing: bool = False
) -> ExportReport:
    """Write the comparison note into a vault, as `comparisons/<a>-vs-<b>.md` (see `comparison_path`);
    the folder is refused as `export_notes` refuses it."""
    comparison = compare(kb, chip_ids)
    path = comparison_path([c.id for c in comparison.chips])
    _vault_folder(out_dir, into_existing)
    _outside_kb(kb, out_dir, [path, "index.md"])
    with _Folder(out_dir) as folder:
        earlier = _exported_before(kb, folder, force)
        comparisons = _comparisons_in(folder, force, also=[path])
        note = unlink_absent(comparison_note(kb, comparison), _targets(earlier, comparisons))
        notes = {path: note, "index.md": index_note(kb, earlier, comparisons), MARKDOWNLINT_FILE: MARKDOWNLINT_CONFIG}
        return _write_into(folder, notes, force)
