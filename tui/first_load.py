"""The app's first load of its KB, begun before Textual is imported.

A KB the app has seen, unchanged since, comes from the app's copy (tui.kb_cache) at once.  Any
other starts being read in a second process (kb.store.split_read) while Textual is imported and
the screen drawn, and is finished in the app's loading worker; that process then also writes the
app's copy for the next start, so the app never spends its own time on it.  Nothing here imports
Textual.
"""

from __future__ import annotations

from pathlib import Path

from kb.store.knowledge import KnowledgeBase, checked_kb
from kb.store.load import LoadedFiles
from kb.store.scan import Snapshot, scan_kb
from kb.store.split_read import SplitRead
from tui import kb_cache


class FirstLoad:
    """The KB as the app first shows it: from the cache, or read (perhaps partly in a child process)."""

    def __init__(self, kb_root: Path, *, fork: bool) -> None:
        self.kb_root = kb_root
        self.snapshot: Snapshot = scan_kb(kb_root).snapshot()
        self.cached = kb_cache.cached(kb_root, self.snapshot)
        self._read = None if self.cached is not None else SplitRead(kb_root, fork=fork, afterwards=self._keep)

    def knowledge(self) -> KnowledgeBase:
        """The loaded and checked KB; reads what is left to read (slow: call it in a worker)."""
        if self.cached is not None:
            return self.cached
        assert self._read is not None
        return checked_kb(self.kb_root, self._read.finish())

    @property
    def kept_elsewhere(self) -> bool:
        """Whether the child process writes the app's copy of this KB, so the app need not."""
        return self._read is not None and self._read.afterwards_taken

    def keep_if_the_child_fails(self, knowledge: KnowledgeBase) -> None:
        """The app's copy written here after all, should the child that took it on end without it."""
        if self._read is not None:
            self._read.on_child_failure(lambda: kb_cache.store(self.kb_root, self.snapshot, knowledge))

    def _keep(self, loaded: LoadedFiles) -> None:
        """In the child process, once the app has its part: the app's copy of the whole KB, unless
        the KB changed meanwhile (the app then reloads it, and keeps the newer copy)."""
        if scan_kb(self.kb_root).snapshot() == self.snapshot:
            kb_cache.store(self.kb_root, self.snapshot, checked_kb(self.kb_root, loaded))
