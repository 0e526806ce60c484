"""The chart view's two dialogs: pick the figure to chart, and pick the vendors to show."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from kb.store.figures import FIGURES
from tui.kbtext import kb_text
from tui.screens.dialog import Dialog


class FigurePicker(Dialog[str | None]):
    """The figures the KB has a value for, with how many chips state each; Enter picks one."""

    def __init__(self, counts: dict[str, int], current: str | None) -> None:
        super().__init__()
        self.names = [name for name in FIGURES if counts.get(name)]
        self.counts = counts
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Chart which figure?", markup=False)
            yield OptionList(id="figure-choices", markup=False)

    def on_mount(self) -> None:
        choices = self.query_one("#figure-choices", OptionList)
        for name in self.names:
            figure = FIGURES[name]
            prompt = Text(f"{figure.label} ({figure.unit})", style="bold" if name == self.current else "")
            count = self.counts[name]
            prompt.append(f"  {name} · {figure.group} · {count} chip{'s' if count != 1 else ''}", style="dim")
            choices.add_option(Option(prompt, id=name))
        if self.current in self.names:
            choices.highlighted = self.names.index(self.current)
        choices.focus()

    @on(OptionList.OptionSelected, "#figure-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class VendorPicker(Dialog[list[str] | None]):
    """Tick the vendors to show (space); Enter applies."""

    BINDINGS = [Binding("enter", "apply", "Apply", priority=True)]  # noqa: RUF012

    def __init__(self, vendors: list[tuple[str, str]], shown: set[str]) -> None:
        super().__init__()
        self.vendors = vendors
        self.shown = shown

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Show which vendors? (space ticks, enter applies)", markup=False)
            yield SelectionList[str](
                *((kb_text(name), vendor_id, vendor_id in self.shown) for vendor_id, name in self.vendors),
                id="vendor-choices",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))
