"""`?`: the keys of every screen and the search syntax, in one place."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Everywhere",
        (
            ("?", "this help"),
            ("ctrl+p", "command palette: jump to any entity by name or alias, change the theme"),
            ("tab / shift+tab", "move between panes"),
            ("q", "quit"),
        ),
    ),
    (
        "Main screen",
        (
            ("/", "search; results replace the tree while the box has text"),
            ("down, enter", "from the search box: into the results; open the best hit"),
            ("escape", "clear the search and return to the tree"),
            ("enter", "open the entity, or follow the highlighted link"),
            ("backspace, alt+left", "back to the previous entity"),
            ("space", "mark or unmark a chip (tree, results, links)"),
            ("c", "compare the marked chips (the status line lists them)"),
            ("x", "unmark every marked chip"),
            ("C", "compare every chip the search in the box finds"),
            ("t", "timeline: chips on a time axis, a lane per vendor"),
            ("g", "chart a figure against date, or ranked as bars"),
            ("end", "in the results: the last hit; reaching it brings the next page"),
            ("o", "read the source of the claim (or the source) in view"),
            ("e", "export the entity in view as a markdown note (asks where, the first time)"),
            ("p", "show or hide the KB's problems"),
        ),
    ),
    (
        "Compare",
        (
            ("arrows", "move between cells; a cell's sources show below the table"),
            ("s", "order the chips by the row under the cursor (best first; again: reversed)"),
            ("d", "order the chips by date (again: newest first)"),
            ("a", "add a chip"),
            ("x, delete", "remove the chip whose column the cursor is in"),
            ("e", "export the comparison as a markdown note"),
            ("enter", "on a claim: open it"),
            ("escape", "back"),
        ),
    ),
    (
        "Timeline",
        (
            ("arrows", "move along the time axis and between vendors' lanes"),
            ("enter", "open the chip"),
            ("d", "announced and available dates, or only one of them"),
            ("v", "choose the vendors shown"),
            ("escape", "back"),
        ),
    ),
    (
        "Chart",
        (
            ("left / right", "previous / next chip (by date; in bars, by rank)"),
            ("enter", "open the selected chip"),
            ("f", "chart another figure"),
            ("v", "choose the vendors shown"),
            ("l", "log or linear scale"),
            ("w", "per watt (value / TDP) for throughput figures"),
            ("b", "a ranked bar chart, or the figure against date"),
            ("escape", "back"),
        ),
    ),
    (
        "Source reader",
        (
            ("n / N", "next / previous excerpt, with the claim it anchors"),
            ("enter", "open that claim"),
            ("escape", "back"),
        ),
    ),
)

SEARCH_SYNTAX = (
    ("trainium inferentia", "both words (English words match their other forms; Japanese works: 推論)"),
    ('"custom silicon"', "the exact phrase"),
    ("trainium OR tpu, NOT gpu", "either word; leave a word out"),
    ("train*, trainum~", "a prefix; a word spelt nearly so"),
    ("type:chip  kind:forecast", "only chips; only claims of one kind"),
    ("vendor:aws  chip:trainium2", "about a vendor or a chip (by id)"),
    ("tag:cost  lang:ja  id:…", "by tag, by the source's language, by id"),
    ("year:2024  year:2023..2025", "by year, or a range of years"),
)


def help_text() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for title, keys in KEYS:
        table.add_row(Text(title, style="bold underline"), "")
        for key, what in keys:
            table.add_row(Text(key), Text(what))
        table.add_row("", "")
    table.add_row(Text("Search syntax", style="bold underline"), "")
    for example, what in SEARCH_SYNTAX:
        table.add_row(Text(example), Text(what))
    return table


class HelpScreen(ModalScreen[None]):
    CSS = """
    HelpScreen {
        align: center middle;
    }
    #help {
        width: 90;
        max-width: 95%;
        height: 80%;
        border: thick $primary;
        padding: 0 1;
        background: $surface;
    }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close help")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_text(), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "chipkb help"
