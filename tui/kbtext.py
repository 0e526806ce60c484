"""KB text on its way to a widget: made visible (no control characters) and never parsed as markup.

Every string that comes from the KB reaches a widget through `kb_text`, which returns a
`rich.text.Text` (Textual treats plain `str` labels and cells as markup; a `Text` is shown as is).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

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
