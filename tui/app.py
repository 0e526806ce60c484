"""The chipkb app: the KB (from the cache when unchanged, else loaded in a worker while the screen
shows), watched for changes, searched, compared, read and exported from the keyboard."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from kb.store.knowledge import KnowledgeBase, load_kb
from kb.store.model import Claim, Source
from kb.store.scan import Snapshot, scan_kb
from tui import kb_cache
from tui.first_load import FirstLoad
from tui.messages import ChooseExportFolder, CompareChips, ExportNotes, OpenEntity, ReadSource, ShowChart, ShowTimeline
from tui.palette import EntityCommands
from tui.screens.main import MainScreen
from tui.session import Session
from tui.settings import Settings

POLL_SECONDS = 2.0


class ChipKBApp(App[int]):
    """Loads and watches the KB, opens the search index, and moves between screens.

    What the screens share lives in `self.session`; the app changes it and the session publishes
    each change as a signal the screens subscribe to. Screens ask for navigation with messages.
    """

    CSS_PATH = "app.tcss"
    TITLE = "chipkb"
    COMMANDS = App.COMMANDS | {EntityCommands}
    BINDINGS = [  # noqa: RUF012
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave chipkb"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Keys and search syntax"),
    ]

    def __init__(
        self,
        kb_root: Path,
        *,
        poll_seconds: float = POLL_SECONDS,
        exit_when_ready: bool = False,
        first_load: FirstLoad | None = None,
    ) -> None:
        super().__init__()
        self.kb_root = kb_root
        self._first_load = first_load
        self._quitting = threading.Event()  # stops a full index build, which quitting would wait for
        self.session = Session(self)
        self.last_export: Any = None
        self.settings = Settings.load()
        self.poll_seconds = poll_seconds
        self.exit_when_ready = exit_when_ready
        self._snapshot: Snapshot = {}

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.session)

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self._start_loading()

    def _remember_theme(self, theme: Any) -> None:
        if self.settings.theme != theme.name:
            self.settings.theme = theme.name
            self.settings.save()

    # --- loading and watching -------------------------------------------------------------------

    def _start_loading(self) -> None:
        """A KB seen before and unchanged comes from the cache at once, so the first paint shows
        it; otherwise it loads in a worker while the screen says so (begun, when `chipkb` opened
        the app, before Textual was imported: tui.first_load)."""
        first = self._first_load or FirstLoad(self.kb_root, fork=False)
        self._first_load = None
        if first.cached is None:
            self._load(first=first)
        else:
            self._loaded(first.cached, first.snapshot, reloaded=False)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, reloaded: bool = False, first: FirstLoad | None = None) -> None:
        if first is None:
            snapshot = scan_kb(self.kb_root).snapshot()
            knowledge = load_kb(self.kb_root)
        else:
            snapshot, knowledge = first.snapshot, first.knowledge()
        self.call_from_thread(self._loaded, knowledge, snapshot, reloaded)
        if first is not None and first.kept_elsewhere:
            first.keep_if_the_child_fails(knowledge)
        else:  # after the KB shows: the copy is for the next start
            kb_cache.store(self.kb_root, snapshot, knowledge)

    def _loaded(self, kb: KnowledgeBase, snapshot: Snapshot, reloaded: bool) -> None:
        self._snapshot = snapshot
        self.session.set_kb(kb, reloaded)
        if reloaded:
            if self.session.engine is not None:
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
        if scan_kb(self.kb_root).snapshot() != self._snapshot:
            self.call_from_thread(self._load, True)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _open_index(self) -> None:
        from kb.search.engine import SearchEngine
        from kb.search.index import BuildStopped

        _start_resource_tracker()

        def notice(message: str) -> None:
            self.call_from_thread(self.notify, message, timeout=4, markup=False)

        try:
            engine = SearchEngine.open(self.kb_root, notice=notice, stop=self._quitting.is_set)
        except BuildStopped:
            return  # the app is quitting
        self.call_from_thread(self.session.set_engine, engine)

    def on_unmount(self) -> None:
        self._quitting.set()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _refresh_index(self) -> None:
        engine = self.session.engine
        if engine is not None and engine.refresh():
            self.call_from_thread(self.session.engine_changed.publish, None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group in ("load", "index", "watch"):
            error = event.worker.error
            what = {"load": "load the KB", "index": "open the search index", "watch": "check the KB for changes"}
            message = f"Could not {what[event.worker.group]}: {error}"
            if event.worker.group == "index":
                self.session.set_engine(self.session.engine, error=message)
            self.notify(message, severity="error", timeout=10, markup=False)

    # --- moving between screens -----------------------------------------------------------------

    def on_open_entity(self, message: OpenEntity) -> None:
        self.open_entity(message.entity_id)

    def on_compare_chips(self, message: CompareChips) -> None:
        self.open_compare(message.chip_ids)

    def on_read_source(self, message: ReadSource) -> None:
        self.open_reader(message.entity_id, message.line)

    def on_show_timeline(self, message: ShowTimeline) -> None:
        from tui.screens.timeline import TimelineScreen

        if self.session.kb is not None:
            self.push_screen(TimelineScreen(self.session))

    def on_show_chart(self, message: ShowChart) -> None:
        from tui.screens.chart import ChartScreen

        if self.session.kb is not None:
            self.push_screen(ChartScreen(self.session, message.figure))

    def open_entity(self, entity_id: str) -> None:
        """An entity opened from another screen (the compare screen, the reader, the palette):
        back to the main screen, which shows it."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.main.post_message(OpenEntity(entity_id))

    def open_compare(self, chip_ids: list[str]) -> None:
        from tui.screens.compare import CompareScreen

        if self.session.kb is not None:
            self.push_screen(CompareScreen(self.session, chip_ids))

    def open_reader(self, entity_id: str, line: int | None = None) -> None:
        """The source reader on a source (at `line` of its file), or on a claim's source at that
        claim's excerpt."""
        from tui.screens.reader import ReaderScreen

        kb = self.session.kb
        entity = kb.get(entity_id) if kb else None
        if kb is None or entity is None:
            return
        claim = entity.id if isinstance(entity, Claim) else None
        source = kb.get(entity.source if isinstance(entity, Claim) else entity.id)
        if not isinstance(source, Source):
            self.notify("This claim's source is not in the KB.", severity="warning", timeout=3)
            return
        self.push_screen(ReaderScreen(self.session, source, claim, line))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- export ---------------------------------------------------------------------------------

    def on_export_notes(self, message: ExportNotes) -> None:
        """`e`: an entity's note (and the vault's index), or a comparison as `comparisons/<a>-vs-<b>.md`.
        The first time, the app asks where (showing the default) before it writes anything."""
        if self.settings.export_dir_chosen:
            self._export(message.ids, message.comparison)
        else:
            self.ask_export_dir(then=lambda: self._export(message.ids, message.comparison))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, ids: list[str], comparison: bool) -> None:
        from kb.notes.export import ExportError, export_comparison_into, export_notes

        kb, out = self.session.kb, self.settings.export_dir
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

    def on_choose_export_folder(self, message: ChooseExportFolder) -> None:
        self.ask_export_dir()

    def ask_export_dir(self, then: Callable[[], object] | None = None) -> None:
        """Ask for the export folder; `then` runs once one is chosen (not when the user cancels)."""
        from tui.screens.folder_dialog import FolderDialog

        def chosen(folder: Path | None) -> None:
            if folder is not None:
                self.set_export_dir(folder)
                if then is not None:
                    then()

        self.push_screen(FolderDialog("Export notes to this folder:", self.settings.export_dir), chosen)

    def set_export_dir(self, folder: Path) -> None:
        self.settings.export_dir = folder.expanduser()
        self.settings.export_dir_chosen = True
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


def run_app(kb_root: Path, first_load: FirstLoad | None = None) -> int:
    """Run the app on `kb_root` until the user quits; CHIPKB_EXIT_WHEN_READY=1 quits once the KB shows."""
    ready = os.environ.get("CHIPKB_EXIT_WHEN_READY") == "1"
    app = ChipKBApp(kb_root, exit_when_ready=ready, first_load=first_load)
    app.run()
    return app.return_code or 0
