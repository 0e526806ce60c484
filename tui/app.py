"""The chipkb app: the KB (from the cache when unchanged, else loaded in a worker while the screen
shows), watched for changes, searched, compared, read and exported from the keyboard."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from kb.knowledge import KnowledgeBase, load_kb
from kb.model import Chip, Claim, Source
from tui import kb_cache
from tui.palette import EntityCommands
from tui.screens.main import MainScreen
from tui.settings import Settings
from tui.watch import Snapshot, kb_snapshot

POLL_SECONDS = 2.0


class ChipKBApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "chipkb"
    COMMANDS = App.COMMANDS | {EntityCommands}
    BINDINGS = [  # noqa: RUF012
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave chipkb"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Keys and search syntax"),
    ]

    def __init__(self, kb_root: Path, *, poll_seconds: float = POLL_SECONDS, exit_when_ready: bool = False) -> None:
        super().__init__()
        self.kb_root = kb_root
        self.kb: KnowledgeBase | None = None
        self.engine: Any = None
        #: whoosh searchers are not meant for two threads at once: searches and refreshes take turns.
        self.engine_lock = threading.Lock()
        self.last_export: Any = None
        #: Why the search index could not be opened, if it could not.
        self.index_error = ""
        self.marked: list[str] = []
        self.settings = Settings.load()
        self.poll_seconds = poll_seconds
        self.exit_when_ready = exit_when_ready
        self._snapshot: Snapshot = {}

    def get_default_screen(self) -> MainScreen:
        return MainScreen()

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Any) -> None:
        if self.settings.theme != theme.name:
            self.settings.theme = theme.name
            self.settings.save()

    # --- loading and watching -------------------------------------------------------------------

    def start_loading(self) -> None:
        """Called by the main screen once it is mounted.  A KB seen before and unchanged comes from
        the cache at once, so the first paint shows it; otherwise it loads in a worker while the
        screen says so."""
        snapshot = kb_snapshot(self.kb_root)
        knowledge = kb_cache.cached(self.kb_root, snapshot)
        if knowledge is None:
            self._load()
        else:
            self._loaded(knowledge, snapshot, reloaded=False)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, reloaded: bool = False) -> None:
        snapshot = kb_snapshot(self.kb_root)
        knowledge = load_kb(self.kb_root)
        kb_cache.store(self.kb_root, snapshot, knowledge)
        self.call_from_thread(self._loaded, knowledge, snapshot, reloaded)

    def _loaded(self, kb: KnowledgeBase, snapshot: Snapshot, reloaded: bool) -> None:
        self.kb = kb
        self._snapshot = snapshot
        self.marked = [m for m in self.marked if isinstance(kb.get(m), Chip)]
        self.main.kb_loaded(kb, reloaded)
        for screen in self.screen_stack[1:]:
            if hasattr(screen, "kb_loaded"):
                screen.kb_loaded(kb)
        if reloaded:
            if self.engine is not None:
                self._refresh_index()
            return
        if self.exit_when_ready:
            self.call_after_refresh(self.exit, 0)
            return
        self._open_index()
        if self.poll_seconds > 0:
            self.set_interval(self.poll_seconds, self.check_for_changes)

    def check_for_changes(self) -> None:
        """Reload the KB when any of its files changed (the check itself runs in a worker)."""
        self._check()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _check(self) -> None:
        if kb_snapshot(self.kb_root) != self._snapshot:
            self.call_from_thread(self._load, True)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _open_index(self) -> None:
        from kb.search import SearchEngine

        _start_resource_tracker()

        def notice(message: str) -> None:
            self.call_from_thread(self.notify, message, timeout=4, markup=False)

        engine = SearchEngine.open(self.kb_root, notice=notice)
        self.call_from_thread(self._index_ready, engine)

    def _index_ready(self, engine: Any) -> None:
        self.engine = engine
        self.main.engine_ready()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _refresh_index(self) -> None:
        with self.engine_lock:
            changed = self.engine.refresh()
        if changed:
            self.call_from_thread(self.main.engine_ready)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group in ("load", "index", "watch"):
            error = event.worker.error
            what = {"load": "load the KB", "index": "open the search index", "watch": "check the KB for changes"}
            message = f"Could not {what[event.worker.group]}: {error}"
            if event.worker.group == "index":
                self.index_error = message
                self.main.engine_ready()
            self.notify(message, severity="error", timeout=10, markup=False)

    # --- marks, screens, export -----------------------------------------------------------------

    def toggle_mark(self, chip_id: str) -> None:
        if not isinstance(self.kb and self.kb.get(chip_id), Chip):
            return
        if chip_id in self.marked:
            self.marked.remove(chip_id)
        else:
            self.marked.append(chip_id)
        self.main.marks_changed()

    def set_marked(self, chip_ids: list[str]) -> None:
        self.marked = [c for c in dict.fromkeys(chip_ids) if isinstance(self.kb and self.kb.get(c), Chip)]
        self.main.marks_changed()

    def open_entity(self, entity_id: str) -> None:
        """Back to the main screen, showing `entity_id`."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.main.open_entity(entity_id)

    def open_compare(self, chip_ids: list[str]) -> None:
        from tui.screens.compare import CompareScreen

        if self.kb is not None:
            self.push_screen(CompareScreen(self.kb, chip_ids))

    def open_reader(self, entity_id: str, line: int | None = None) -> None:
        """The source reader on a source (at `line` of its file), or on a claim's source at that
        claim's excerpt."""
        from tui.screens.reader import ReaderScreen

        kb = self.kb
        entity = kb.get(entity_id) if kb else None
        if kb is None or entity is None:
            return
        claim = entity.id if isinstance(entity, Claim) else None
        source_id = entity.source if isinstance(entity, Claim) else entity.id
        source = kb.get(source_id)
        if not isinstance(source, Source):
            self.notify("This claim's source is not in the KB.", severity="warning", timeout=3)
            return
        self.push_screen(ReaderScreen(kb, source, claim, line))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def export_entity(self, entity_id: str) -> None:
        """`e` on the main screen: the entity's note (and the vault's index) into the export folder."""
        self._export([entity_id], comparison=False)

    def export_comparison(self, chip_ids: list[str]) -> None:
        """`e` on the compare screen: the comparison note, as `comparisons/<a>-vs-<b>.md`."""
        self._export(chip_ids, comparison=True)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, ids: list[str], comparison: bool) -> None:
        from kb.export import ExportError, export_comparison_into, export_notes

        kb, out = self.kb, self.settings.export_dir
        if kb is None:
            return
        try:
            report = export_comparison_into(kb, ids, out) if comparison else export_notes(kb, out, ids=ids)
        except (ExportError, OSError, KeyError) as error:
            self.call_from_thread(self.notify, f"Export failed: {error}", severity="error", markup=False)
            return
        self.call_from_thread(self._exported, report)

    def _exported(self, report: Any) -> None:
        lines = [f"wrote {path}" for path in report.written]
        lines += [f"unchanged {path}" for path in report.unchanged]
        lines += [f"kept {path} (edited by hand; not overwritten)" for path in report.kept]
        self.last_export = report
        self.notify("\n".join(lines) or "nothing to export", title="Export", timeout=8, markup=False)

    def ask_export_dir(self) -> None:
        from tui.screens.folder_dialog import FolderDialog

        def chosen(folder: Path | None) -> None:
            if folder is not None:
                self.set_export_dir(folder)

        self.push_screen(FolderDialog("Export notes to this folder:", self.settings.export_dir), chosen)

    def set_export_dir(self, folder: Path) -> None:
        self.settings.export_dir = folder.expanduser()
        self.settings.save()
        self.notify(f"Notes will be exported to {self.settings.export_dir}", timeout=4, markup=False)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr.

    Building a large index spawns a parser process, and the first spawn starts the resource
    tracker, passing it `sys.stderr.fileno()`.  While the app runs, Textual's stand-in for stderr
    answers -1, and the spawn fails ("bad value(s) in fds_to_keep").  Started here, briefly with
    the real stderr, the tracker is already running when the index needs it.
    """
    from multiprocessing import resource_tracker

    captured = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        if sys.stderr is sys.__stderr__:
            sys.stderr = captured


def run_app(kb_root: Path) -> int:
    """Run the app on `kb_root` until the user quits; CHIPKB_EXIT_WHEN_READY=1 quits once the KB shows."""
    app = ChipKBApp(kb_root, exit_when_ready=os.environ.get("CHIPKB_EXIT_WHEN_READY") == "1")
    app.run()
    return app.return_code or 0
