"""A bare `chipkb` opens the app on the bundled KB."""

from __future__ import annotations

from pathlib import Path

import pytest

import kb
from kb.cli import main


def test_no_arguments_opens_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    import tui.app

    monkeypatch.setattr(tui.app, "run_app", lambda root: opened.append(root) or 0)
    assert main([]) == 0
    assert opened == [Path(kb.__file__).resolve().parent / "data"]
