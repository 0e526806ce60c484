"""Which files make up a KB folder: the one rule the loader, the search index and the app's
watcher all follow.

A KB file is a regular file whose name ends in `.yaml` or `.yml`; names starting with a dot
(files and folders) are left out; symbolic links to folders are not followed, and a KB file
that is a symbolic link leading outside the KB folder is not read (it is listed in `outside`,
so the loader can say so). Every other regular file is listed too, with its stat, since a
source's `text_file` may be one of them.

Paths are strings relative to the KB folder, with `/` between parts, in the order a person
reads a tree: a folder's files (sorted) before its sub-folders (sorted). This module imports
neither pathlib nor yaml: `chipkb search` scans before it knows whether it must parse anything.
"""

from __future__ import annotations

import os

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

    def snapshot(self) -> Snapshot:
        """Every file, KB or not, with its stat: what changes when anything in the KB changes."""
        return {**self.yaml, **self.other}


def is_kb_file_name(name: str) -> bool:
    return not name.startswith(".") and name.endswith(KB_SUFFIXES)


def _inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or under it (both resolved), as Path.is_relative_to says."""
    return os.path.commonpath([path, folder]) == folder


def scan_kb(kb_root: Folder) -> Scan:
    """Stat every visible regular file under `kb_root`; an unreadable folder is skipped."""
    scan = Scan()
    root = os.path.realpath(kb_root)

    def walk(folder: Folder, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            return
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, rel + "/"))
                    continue
                if not entry.is_file():  # a FIFO, socket, device or a link to a folder
                    continue
                stat = entry.stat()
            except OSError:
                continue
            if not entry.name.endswith(KB_SUFFIXES):
                scan.other[rel] = (stat.st_size, stat.st_mtime_ns)
            elif entry.is_symlink() and not _inside(os.path.realpath(entry.path), root):
                scan.outside.append(rel)
            else:
                scan.yaml[rel] = (stat.st_size, stat.st_mtime_ns)
        for path, rel_prefix in folders:
            walk(path, rel_prefix)

    walk(kb_root, "")
    return scan
