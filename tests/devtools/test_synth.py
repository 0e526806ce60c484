"""Synthetic KBs: valid, deterministic for a seed, English and Japanese, many files."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.synth import generate, main
from kb.store.knowledge import load_kb
from kb.store.model import Claim, Source


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_synthetic_kb_is_valid_and_mixes_english_and_japanese(tmp_path: Path) -> None:
    kb = load_kb(generate(tmp_path / "kb", 250))
    assert kb.errors == []
    claims = [e for e in kb.entities.values() if isinstance(e, Claim)]
    sources = [e for e in kb.entities.values() if isinstance(e, Source)]
    assert len(claims) == 250
    assert {s.language for s in sources} == {"en", "ja"}
    assert any(s.text_file for s in sources) and any(not s.text_file for s in sources)
    assert len(list((tmp_path / "kb" / "claims").glob("*.yaml"))) == 3  # 100 claims a file


def test_the_same_seed_gives_the_same_kb_and_another_seed_another(tmp_path: Path) -> None:
    first = files_of(generate(tmp_path / "a", 120, seed=7))
    assert files_of(generate(tmp_path / "b", 120, seed=7)) == first
    assert files_of(generate(tmp_path / "c", 120, seed=8)) != first


def test_the_command_writes_a_kb_and_will_not_write_into_a_folder_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--claims", "10", "--out", str(tmp_path / "kb")]) == 0
    assert (tmp_path / "kb" / "vendors.yaml").exists()
    assert main(["--claims", "10", "--out", str(tmp_path / "kb")]) == 2
    assert "is not empty" in capsys.readouterr().err
