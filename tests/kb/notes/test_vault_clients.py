"""The exported bundled KB as real note tools read it: obsidiantools resolves every link (no
non-existent note, no isolated note, backlinks both ways), and markdownlint's rules that change how
a note renders pass, with the vault's own .markdownlint.yaml turning off the style rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kb.notes.export import export_notes
from kb.store.knowledge import load_kb
from tests.support.paths import BUNDLED_KB


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vault")
    export_notes(load_kb(BUNDLED_KB), out)
    return out


def test_obsidiantools_finds_every_link_and_no_isolated_note(vault: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import obsidiantools.api as otools

        connected = otools.Vault(vault).connect()
    assert connected.nonexistent_notes == []
    assert connected.isolated_notes == []
    assert "seed-trn1-matches-a100-lower-cost" in connected.get_backlinks("aws-trn1-vs-p4d") or (
        "aws-trn1-vs-p4d" in connected.get_backlinks("seed-trn1-matches-a100-lower-cost")
    )
    assert len(connected.get_backlinks("trainium2")) >= 2  # the vendor's note and claims about it


def test_markdownlint_rules_that_change_rendering_pass(vault: Path) -> None:
    config = yaml.safe_load((vault / ".markdownlint.yaml").read_text(encoding="utf-8"))
    off = sorted(rule for rule, on in config.items() if on is False)
    assert off == ["MD010", "MD013", "MD025", "MD026", "MD034"]  # style only: nothing that renders
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pymarkdown",
            "--enable-extensions",
            "front-matter",
            "--disable-rules",
            ",".join(off),
            "scan",
            "-r",
            str(vault),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[:3000] + result.stderr[:2000]
