"""Where things are: the repository, the KBs checked in under tests/fixtures, the KB bundled with the package."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUNDLED_KB = REPO / "kb" / "data"
FIXTURES = REPO / "tests" / "fixtures"
APP_KB = FIXTURES / "app_kb"  # the small fixed KB the app tests and snapshots open
