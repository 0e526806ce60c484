"""A bare `chipkb` opens the app on the bundled KB."""

from __future__ import annotations

from pathlib import Path

import pytest

import kb
from tui.command import main


def test_no_arguments_opens_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    import tui.app

    monkeypatch.setattr(tui.app, "run_app", lambda root, first_load: opened.extend([root, first_load.kb_root]) or 0)
    assert main([]) == 0
    assert opened == [Path(kb.__file__).resolve().parent / "data"] * 2


def test_kb_option_alone_opens_the_app_on_that_kb(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    opened: list[Path] = []
    import tui.app

    monkeypatch.setattr(tui.app, "run_app", lambda root, first_load: opened.extend([root, first_load.kb_root]) or 0)
    assert main(["--kb", str(tmp_path)]) == 0
    assert opened == [tmp_path] * 2


def test_a_subcommand_imports_only_its_own_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from kb.cli.main import build_parser, COMMANDS; build_parser(only='search');"
        "print(sorted(m for name, (m, _) in COMMANDS.items() if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "['kb.cli.search']"
