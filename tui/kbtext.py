"""KB text on its way to a widget: made visible (no control characters) and never parsed as markup.

Every string that comes from the KB reaches a widget through `kb_text`, which returns a
`rich.text.Text` (Textual treats plain `str` labels and cells as markup; a `Text` is shown as is).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from kb.text.linebreak import line_starts
from kb.text.terminal_safe import visible


def kb_text(value: object, style: str | Style = "") -> Text:
    """`value` as literal text: `[bold]x[/]` stays `[bold]x[/]` and ESC shows as `\\x1b`."""
    return Text(visible(str(value)), style=style)


def one_line(value: object, limit: int = 0) -> str:
    """`value` made visible on a single line (newlines become spaces), cut to `limit` characters."""
    text = " ".join(visible(str(value)).split())
    if limit and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def wrap(text: Text, width: int) -> list[Text]:
    """`text` as rows of at most `width` cells, broken by Japanese line-breaking rules (no row
    starts with 、 or 。, none ends with 「) and between words elsewhere; styles are kept."""
    rows: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        starts = line_starts(line.plain, width)
        rows.extend(line.divide(starts[1:]) if len(starts) > 1 else [line])
    return rows
