"""A dialog asking for a folder (where `e` exports notes)."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.screens.dialog import Dialog


class FolderDialog(Dialog[Path | None]):
    def __init__(self, title: str, folder: Path) -> None:
        super().__init__()
        self.title_text = title
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, markup=False)
            yield Input(str(self.folder), id="folder")
            yield Static("Enter to keep it, Escape to cancel.", markup=False, classes="hint")

    @on(Input.Submitted, "#folder")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(Path(value) if value else None)
