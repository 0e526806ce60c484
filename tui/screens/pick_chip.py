"""A dialog to pick one chip by typing part of its name, alias, vendor or id."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kb.store.model import Chip
from tui.kbtext import kb_text, one_line
from tui.screens.dialog import Dialog


def _haystack(chip: Chip) -> str:
    return " ".join([chip.name, *chip.aliases, chip.vendor, chip.id]).casefold()


class ChipPicker(Dialog[str | None]):
    def __init__(self, chips: list[Chip]) -> None:
        super().__init__()
        self.chips = sorted(chips, key=lambda c: c.title.casefold())
        self.shown: list[Chip] = list(self.chips)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Add a chip to the comparison", markup=False)
            yield Input(placeholder="name, alias, vendor or id", id="chip-filter")
            yield OptionList(id="chip-choices", markup=False)

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, wanted: str) -> None:
        words = wanted.casefold().split()
        self.shown = [c for c in self.chips if all(w in _haystack(c) for w in words)]
        choices = self.query_one("#chip-choices", OptionList)
        choices.set_options(Option(kb_text(one_line(f"{c.title}  ({c.id})", 100))) for c in self.shown)
        choices.highlighted = 0 if self.shown else None

    @on(Input.Changed, "#chip-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#chip-filter")
    def _take_first(self) -> None:
        choices = self.query_one("#chip-choices", OptionList)
        if choices.highlighted is not None and self.shown:
            self.dismiss(self.shown[choices.highlighted].id)

    @on(OptionList.OptionSelected, "#chip-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index].id)
