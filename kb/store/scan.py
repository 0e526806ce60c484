"""Which files make up a KB folder: the one rule the loader, the search index and the app's
watcher all follow.

A KB file is a regular file whose name ends in `.yaml` or `.yml`; names starting with a dot
(files and folders) are left out; symbolic links to folders are not followed, and a KB file
that is a symbolic link leading outside the KB folder is not read (it is listed in `outside`,
so the loader can say so). Every other regular file is listed too, with its stat, since a
source's `text_file` may be one of them.

What cannot be read is never read, and is named in `skipped`, so the loader can say why: a KB
file name that is a FIFO, socket, device or folder (reading a FIFO would wait forever), a
symbolic link loop or a link to nothing, a folder that cannot be listed, and a file whose name
ends in `.YAML` or `.Yml` (KB file names end in lowercase `.yaml` or `.yml`).

Paths are strings relative to the KB folder, with `/` between parts, in the order a person
reads a tree: a folder's files (sorted) before its sub-folders (sorted). This module imports
neither pathlib nor yaml: `chipkb search` scans before it knows whether it must parse anything.
"""

from __future__ import annotations

import errno
import os
import stat as stat_module

KB_SUFFIXES = (".yaml", ".yml")

#: (size in bytes, modification time in ns): enough to notice that a file changed.
Stat = tuple[int, int]

#: A folder as a string (what `chipkb search` passes) or a Path.
Folder = str | os.PathLike[str]

#: Every file of a KB folder with its stat (see Scan.snapshot).
Snapshot = dict[str, Stat]


class Scan:
    """What a KB folder holds: KB files and other files, each with its stat, and KB files left
    out because they lead outside the folder.

    (A plain class: a dataclass costs `chipkb search` ~0.6 ms to create at import.)
    """

    def __init__(self) -> None:
        self.yaml: dict[str, Stat] = {}
        self.other: dict[str, Stat] = {}
        self.outside: list[str] = []
        #: (path, why it was not read, severity): see the module docstring.  A folder's path ends in `/`.
        self.skipped: list[tuple[str, str, str]] = []

    def snapshot(self) -> Snapshot:
        """Every file, KB or not, with its stat, and every entry skipped: what changes when anything
        in the KB changes."""
        return {**self.yaml, **self.other, **{path: (-1, -1) for path, _, _ in self.skipped}}


def is_kb_file_name(name: str) -> bool:
    return not name.startswith(".") and name.endswith(KB_SUFFIXES)


def _inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or under it (both resolved), as Path.is_relative_to says."""
    return os.path.commonpath([path, folder]) == folder


_KINDS = (
    (stat_module.S_ISFIFO, "a FIFO"),
    (stat_module.S_ISSOCK, "a socket"),
    (stat_module.S_ISCHR, "a character device"),
    (stat_module.S_ISBLK, "a block device"),
    (stat_module.S_ISDIR, "a folder"),
)


def not_regular(mode: int) -> str:
    """What a file that is not a regular file is (`a FIFO`), for a message."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _why_unreadable(entry: os.DirEntry[str], error: OSError | None) -> str:
    """Why a KB file name is not a regular file we can read (the entry's own stat failed or is odd)."""
    if error is None:
        try:
            return f"not a regular file ({not_regular(entry.stat().st_mode)}); not read"
        except OSError as failed:
            error = failed
    if entry.is_symlink() and error.errno == errno.ELOOP:
        return "symbolic link loop; not read"
    if entry.is_symlink() and error.errno == errno.ENOENT:
        return "symbolic link to nothing; not read"
    return f"cannot read file: {error.strerror or error}"


def scan_kb(kb_root: Folder) -> Scan:
    """Stat every visible regular file under `kb_root`; what cannot be read goes in `skipped`."""
    scan = Scan()
    root = os.path.realpath(kb_root)

    def walk(folder: Folder, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            scan.skipped.append((prefix or "./", f"cannot read folder: {error.strerror or error}", "error"))
            return
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            kb_name = entry.name.endswith(KB_SUFFIXES)
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, rel + "/"))
                    continue
                if not entry.is_file():  # a FIFO, socket, device, a link to a folder or to nothing
                    if kb_name:
                        scan.skipped.append((rel, _why_unreadable(entry, None), "error"))
                    continue
                stat = entry.stat()
            except OSError as error:  # a symbolic link loop, or the entry went away
                if kb_name:
                    scan.skipped.append((rel, _why_unreadable(entry, error), "error"))
                continue
            if not kb_name:
                scan.other[rel] = (stat.st_size, stat.st_mtime_ns)
                if entry.name.lower().endswith(KB_SUFFIXES):
                    suffix = entry.name[entry.name.rindex(".") :]
                    message = f"file name ends in {suffix!r}: chipkb reads only .yaml and .yml files; rename it"
                    scan.skipped.append((rel, message, "warning"))
            elif entry.is_symlink() and not _inside(os.path.realpath(entry.path), root):
                scan.outside.append(rel)
            else:
                scan.yaml[rel] = (stat.st_size, stat.st_mtime_ns)
        for path, rel_prefix in folders:
            walk(path, rel_prefix)

    walk(kb_root, "")
    return scan


# -- reading a file found by the scan ----------------------------------------------------------


class Refused(Exception):
    """A file chipkb will not read; `str(error)` says why, to be put in a problem."""


class NotRegular(Refused):
    def __init__(self, kind: str) -> None:
        super().__init__(f"not a regular file ({kind})")
        self.kind = kind


class TooBig(Refused):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes, over the limit of {limit} (limit CHIPKB_MAX_FILE_BYTES)")
        self.size = size
        self.limit = limit


class FileRead:
    """One read of a file: its bytes (unless only hashed), and the size, mtime and SHA-256 of those
    very bytes.  `stable` is false when the file kept changing while it was read (its stat before
    and after differed three times): the bytes may mix two versions, and a caller that records the
    read must not trust its stat.  `started_ns` is the clock (time.time_ns) when the read began:
    a file modified just before it may be modified again within the same mtime tick."""

    __slots__ = ("data", "mtime_ns", "sha256", "size", "stable", "started_ns")

    def __init__(self, data: bytes, size: int, mtime_ns: int, sha256: str, stable: bool, started_ns: int = 0) -> None:
        self.data = data
        self.size = size
        self.mtime_ns = mtime_ns
        self.sha256 = sha256
        self.stable = stable
        self.started_ns = started_ns

    def without_data(self) -> FileRead:
        return FileRead(b"", self.size, self.mtime_ns, self.sha256, self.stable, self.started_ns)


_CHUNK = 1 << 20
_ATTEMPTS = 3


def read_regular(path: Folder, max_bytes: int, *, keep: bool = True, digest: bool = True) -> FileRead:
    """Read a regular file of at most `max_bytes`, streaming (with `keep=False`, only hashed, in
    constant memory).  Raises NotRegular for a FIFO, socket, device or folder (opened without
    waiting: a FIFO would block a plain open), TooBig past the limit, OSError when it cannot be
    opened (a symbolic link loop, no permission)."""
    import hashlib
    import time

    mode = os.stat(path).st_mode  # a device is not even opened (opening some has effects)
    if not stat_module.S_ISREG(mode):
        raise NotRegular(not_regular(mode))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        for attempt in range(1, _ATTEMPTS + 1):
            started_ns = time.time_ns()
            before = os.fstat(fd)
            if not stat_module.S_ISREG(before.st_mode):
                raise NotRegular(not_regular(before.st_mode))
            if before.st_size > max_bytes:
                raise TooBig(before.st_size, max_bytes)
            hasher = hashlib.sha256() if digest else None
            chunks: list[bytes] = []
            total = 0
            os.lseek(fd, 0, os.SEEK_SET)
            while chunk := os.read(fd, min(_CHUNK, max_bytes + 1 - total)):
                total += len(chunk)
                if total > max_bytes:
                    raise TooBig(max(total, os.fstat(fd).st_size), max_bytes)
                if hasher is not None:
                    hasher.update(chunk)
                if keep:
                    chunks.append(chunk)
            after = os.fstat(fd)
            stable = (after.st_size, after.st_mtime_ns) == (
                before.st_size,
                before.st_mtime_ns,
            ) and total == after.st_size
            if stable or attempt == _ATTEMPTS:
                sha256 = hasher.hexdigest() if hasher is not None else ""
                return FileRead(b"".join(chunks), after.st_size, after.st_mtime_ns, sha256, stable, started_ns)
        raise AssertionError("unreachable")
    finally:
        os.close(fd)
