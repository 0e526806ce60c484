"""The import contracts of pyproject.toml (drawn in docs/architecture.md), checked with import-linter:
kept by the code as it is, and broken by each kind of import they forbid."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as run; run()", "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def verdict(report: str, contract: str) -> str:
    """KEPT or BROKEN: what the report says of the contract whose name starts with `contract`
    (the report wraps long names over lines)."""
    words = " ".join(report.split())
    after = words[words.index(contract) + len(contract) :]
    return min(("KEPT", "BROKEN"), key=lambda word: after.find(f" {word}") % (len(after) + 1))


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("architecture")
    for package in ("kb", "tui"):
        shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("data", "__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_code_keeps_every_contract() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout
    assert verdict(result.stdout, "kb never imports the app or textual") == "KEPT"


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("kb/store/model.py", "import tui.app", "kb never imports the app or textual"),
        ("kb/views/compare.py", "import textual.app", "kb never imports the app or textual"),
        ("kb/store/load.py", "import kb.search.engine", "kb's layers import only downwards"),
        ("kb/search/engine.py", "import kb.notes.render", "kb's layers import only downwards"),
        ("tui/screens/main.py", "import tui.app", "The app's layers import only downwards"),
        ("kb/store/model.py", "import kb.store.knowledge", "No import circles among the modules of any package"),
    ],
)
def test_each_contract_catches_the_import_it_forbids(
    copy_of_the_code: Path, module: str, line: str, contract: str
) -> None:
    path = copy_of_the_code / module
    original = path.read_text(encoding="utf-8")
    # at the end, inside a function: import-linter sees imports wherever they are
    path.write_text(original + f"\n\ndef _smuggled() -> None:\n    {line}\n", encoding="utf-8")
    try:
        result = lint_imports(copy_of_the_code)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdict(result.stdout, contract) == "BROKEN", result.stdout
