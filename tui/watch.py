"""Noticing that KB files changed while the app is open: a cheap snapshot of names, sizes, mtimes."""

from __future__ import annotations

import os
from pathlib import Path

Snapshot = dict[str, tuple[int, int]]


def kb_snapshot(root: Path) -> Snapshot:
    """Every visible file under `root` with its size and modification time (ns)."""
    found: Snapshot = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            found[path] = (info.st_size, info.st_mtime_ns)
    return found
