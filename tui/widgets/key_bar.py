"""A footer that shows the bindings of the focused pane (and its screen and the app) as one line.

Textual's `Footer` rebuilds one widget per key every time focus moves, which costs a few
hundred milliseconds per focus change in an app of this size; this bar redraws a single line
instead.  A key can be clicked like a Footer key.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--disabled {
        text-style: dim;
    }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__()
        self._text: Text | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen) -> None:
        self._text = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._text = None

    def shown_keys(self) -> list[tuple[str, str, str, bool]]:
        """(key, key as displayed, description, enabled) of each binding worth showing, once per action."""
        seen: set[str] = set()
        keys = []
        for binding_state in self.screen.active_bindings.values():
            binding = binding_state.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((binding.key, self.app.get_key_display(binding), binding.description, binding_state.enabled))
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            keys.append((palette.binding.key, self.app.get_key_display(palette.binding), "Palette", palette.enabled))
        return keys

    def render(self) -> Text:
        if self._text is None:
            self._text = self._keys_text()
        return self._text

    def _keys_text(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        disabled = self.get_component_rich_style("key-bar--disabled")
        text = Text(no_wrap=True, overflow="crop")
        for key, display, description, enabled in self.shown_keys():
            meta = Style(meta={"key": key})
            extra = Style() if enabled else disabled
            text.append(f" {display} ", key_style + extra + meta)
            text.append(f"{description} ", description_style + extra + meta)
        return text

    def on_click(self, event: events.Click) -> None:
        key = event.style.meta.get("key")
        if key:
            self.app.simulate_key(key)
