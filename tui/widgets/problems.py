"""The Problems panel of a KB that did not load cleanly, and the view of a problem's lines."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kb.store.model import Problem
from kb.text.counts import counted
from kb.text.terminal_safe import visible
from tui.kbtext import kb_text

CONTEXT_LINES = 3


def kb_relative(path: str, kb_root: Path | None) -> str:
    """`path` as it reads inside the KB folder (`claims/x.yaml`), when it is inside it."""
    if kb_root is None:
        return path
    try:
        return Path(path).resolve().relative_to(kb_root.resolve()).as_posix()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symbolic link loop (Python < 3.13)
        return path


def problem_label(problem: Problem, kb_root: Path | None = None) -> Text:
    """`path:line:col` (KB-relative) on one line, the message under it, wrapped between words."""
    style = "red" if problem.is_error else "yellow" if problem.is_warning else "dim"
    text = kb_text(f"{kb_relative(problem.path, kb_root)}:{problem.line}:{problem.col}", f"bold {style}")
    severity = "" if problem.is_error else f"{problem.severity}: "
    text.append("\n")
    text.append_text(kb_text(f"{severity}{problem.message}", style))
    return text


class ProblemsPanel(OptionList):
    """Each problem as `path:line:col: message`; highlighting one shows its lines."""

    BINDINGS = [Binding("enter", "select", "Show lines", show=False)]  # noqa: RUF012

    class Chosen(Message):
        def __init__(self, problem: Problem) -> None:
            super().__init__()
            self.problem = problem

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.problems: list[Problem] = []
        self.kb_root: Path | None = None

    def show(self, problems: list[Problem], kb_root: Path | None = None) -> None:
        self.problems = list(problems)
        self.kb_root = kb_root
        self.set_options(Option(problem_label(p, kb_root)) for p in self.problems)
        errors = sum(1 for p in self.problems if p.is_error)
        warnings = sum(1 for p in self.problems if p.is_warning)
        infos = len(self.problems) - errors - warnings
        self.border_title = f"Problems: {counted(errors, 'error')}, {counted(warnings, 'warning')}" + (
            f", {infos} acknowledged" if infos else ""
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index < len(self.problems):
            self.post_message(self.Chosen(self.problems[event.option_index]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.problems):
            self.post_message(self.Chosen(self.problems[event.option_index]))


MAX_LINE_CHARS = 500
MAX_READ_BYTES = 1024 * 1024


def _lines_around(path: Path, first: int, last: int) -> list[str]:
    """Lines `first`..`last` (from 1) of a file, each cut to MAX_LINE_CHARS, reading at most
    MAX_READ_BYTES: the file may be one refused for its size, or a single 50 MB line."""
    lines: list[str] = []
    with path.open("rb") as handle:
        data = handle.read(MAX_READ_BYTES)
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if number > last:
            break
        if number >= first:
            lines.append(raw[: MAX_LINE_CHARS * 4].decode("utf-8", errors="replace")[:MAX_LINE_CHARS])
    return lines


def offending_lines(problem: Problem, context: int = CONTEXT_LINES) -> Text:
    """The problem, then the lines around it numbered, its line highlighted and its column marked."""
    text = problem_label(problem)
    text.append("\n\n")
    first = max(1, problem.line - context)
    try:
        lines = _lines_around(Path(problem.path), first, problem.line + context)
    except OSError as error:
        what = "folder" if Path(problem.path).is_dir() else "file"
        text.append(f"(cannot read the {what}: {error.strerror})", style="italic")
        return text
    last = first + len(lines) - 1
    width = len(str(last))
    for number in range(first, last + 1):
        line = lines[number - first]
        here = number == problem.line
        text.append(f"{number:>{width}} {'>' if here else ' '} ", style="bold" if here else "dim")
        text.append_text(kb_text(line, "reverse" if here else ""))
        text.append("\n")
        if here:
            column = cell_len(visible(line[: max(problem.col - 1, 0)]))
            text.append(" " * (width + 3 + column) + "^\n", style="bold red")
    return text


class ProblemView(Static):
    """The offending lines of the chosen problem."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.problem: Problem | None = None

    def show(self, problem: Problem) -> None:
        self.problem = problem
        self.update(offending_lines(problem))
