"""`python -m tui` is the `chipkb` command: the app, and every command of kb's command line."""

from tui.command import entry_point

entry_point()
