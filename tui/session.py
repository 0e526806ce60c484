"""What the app's screens share: the KB in view, the marked chips and the search engine.

The app changes them and publishes each change as a Textual `Signal`; a screen reads the session
and subscribes to the signals it cares about, so the app never calls into a screen and no screen
needs the app's class. Screens ask the app for navigation (open, read, compare, export) with the
messages in `tui.messages`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.signal import Signal

from kb.store.model import Chip

if TYPE_CHECKING:
    from textual.app import App

    from kb.search.engine import SearchEngine
    from kb.store.knowledge import KnowledgeBase


class Session:
    """The shared state of one app, and the signals that say it changed."""

    def __init__(self, app: App[Any]) -> None:
        self.kb: KnowledgeBase | None = None
        self.marked: list[str] = []
        self.engine: SearchEngine | None = None
        #: Why the search index could not be opened, if it could not.
        self.index_error = ""
        #: The KB was loaded (False) or reloaded after its files changed (True).
        self.kb_loaded: Signal[bool] = Signal(app, "kb-loaded")
        #: The marked chips changed.
        self.marks_changed: Signal[list[str]] = Signal(app, "marks-changed")
        #: The search engine opened, refreshed its index, or failed to open (see index_error).
        self.engine_changed: Signal[None] = Signal(app, "engine-changed")

    def set_kb(self, kb: KnowledgeBase, reloaded: bool) -> None:
        self.kb = kb
        self.marked = [m for m in self.marked if isinstance(kb.get(m), Chip)]
        self.kb_loaded.publish(reloaded)

    def set_engine(self, engine: SearchEngine | None, error: str = "") -> None:
        self.engine = engine
        self.index_error = error
        self.engine_changed.publish(None)

    def toggle_mark(self, chip_id: str) -> None:
        if not self.is_chip(chip_id):
            return
        if chip_id in self.marked:
            self.marked.remove(chip_id)
        else:
            self.marked.append(chip_id)
        self.marks_changed.publish(list(self.marked))

    def set_marked(self, chip_ids: list[str]) -> None:
        self.marked = [c for c in dict.fromkeys(chip_ids) if self.is_chip(c)]
        self.marks_changed.publish(list(self.marked))

    def is_chip(self, entity_id: str) -> bool:
        return self.kb is not None and isinstance(self.kb.get(entity_id), Chip)


class _HasSession(Protocol):
    session: Session


def session_of(app: object) -> Session:
    """The session of the running app (`self.app` in a screen, widget or command provider)."""
    return cast(_HasSession, app).session
