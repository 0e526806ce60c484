"""`python -m kb` is the `chipkb` command."""

from kb.cli import entry_point

entry_point()
