"""`python -m kb` is the `chipkb` command line without the app (which `kb` never imports)."""

from kb.cli.main import entry_point

entry_point()
