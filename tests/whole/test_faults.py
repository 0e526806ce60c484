"""Faults mid-write: a SIGKILL at any moment of an index build or an export leaves the old or the
new result, never a half one, and the next run recovers by itself; a full disk gives one clear
line and leaves no partial files."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.synth import main as synth_main

KILL_DELAYS = (0.2, 0.5, 0.9, 1.4)


def chipkb(*argv: str, cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "CHIPKB_CACHE_DIR": str(cache)}
    return subprocess.Popen(
        [sys.executable, "-m", "kb", *argv], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finished(*argv: str, cache: Path) -> tuple[int, str, str]:
    process = chipkb(*argv, cache=cache)
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def killed_after(delay: float, *argv: str, cache: Path) -> None:
    process = chipkb(*argv, cache=cache)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)


def hit_ids(out: str) -> list[str]:
    return sorted(hit["id"] for hit in json.loads(out)["hits"])


@pytest.fixture(scope="module")
def synthetic_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "kb"
    assert synth_main(["--claims", "800", "--out", str(root)]) == 0
    return root


QUERY = ("type:chip", "--limit", "1000", "--json")


def test_a_killed_full_build_leaves_no_half_index(synthetic_kb: Path, tmp_path: Path) -> None:
    code, out, _ = finished("search", *QUERY, "--kb", str(synthetic_kb), cache=tmp_path / "reference")
    assert code == 0
    expected = hit_ids(out)
    interrupted = 0
    for delay in KILL_DELAYS:
        cache = tmp_path / f"cache-{delay}"
        killed_after(delay, "search", *QUERY, "--kb", str(synthetic_kb), cache=cache)
        interrupted += not list(cache.rglob("CURRENT"))
        code, out, err = finished("search", *QUERY, "--kb", str(synthetic_kb), cache=cache)
        assert "Traceback" not in err
        assert code == 0, err
        assert hit_ids(out) == expected
        leftovers = [p.name for p in cache.rglob("tmp-*")]
        assert leftovers == []
    assert interrupted >= 2, "the kills should land mid-build; make the KB bigger"


def test_a_killed_update_leaves_the_old_or_the_new_index(synthetic_kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert finished("search", *QUERY, "--kb", str(synthetic_kb), cache=cache)[0] == 0
    claim_files = sorted((synthetic_kb / "claims").glob("*.yaml"))
    for number, delay in enumerate((0.05, 0.15, 0.3, 0.5)):
        word = f"zyxwordnumber{number}"
        for file in claim_files:  # change every claim file, so the update has real work to do
            text = file.read_text(encoding="utf-8")
            file.write_text(text.replace('statement: "', f'statement: "{word} ', 1), encoding="utf-8")
        killed_after(delay, "search", word, "--kb", str(synthetic_kb), "--json", cache=cache)
        code, out, err = finished("search", word, "--kb", str(synthetic_kb), "--json", "--limit", "100", cache=cache)
        assert "Traceback" not in err
        assert code == 0, err
        assert len(json.loads(out)["hits"]) == len(claim_files)


def _export(kb_root: Path, vault: Path, cache: Path) -> subprocess.Popen[str]:
    return chipkb("export", "--kb", str(kb_root), "--out", str(vault), cache=cache)


def test_a_killed_export_leaves_whole_notes_and_the_next_one_recovers(synthetic_kb: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    code, _, err = finished("export", "--kb", str(synthetic_kb), "--out", str(reference), cache=tmp_path)
    assert code == 0, err
    expected = {p.relative_to(reference): p.read_bytes() for p in reference.rglob("*") if p.is_file()}
    interrupted = 0
    for delay in (0.4, 0.8, 1.2):
        vault = tmp_path / f"vault-{delay}"
        process = _export(synthetic_kb, vault, tmp_path)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        interrupted += len(list(vault.rglob("*.md"))) < len([p for p in expected if p.suffix == ".md"])
        for note in vault.rglob("*.md"):  # every note present is whole: exactly what a clean export writes
            assert note.read_bytes() == expected[note.relative_to(vault)]
        # the manifest is written first, so the next plain export knows the folder as its own
        code, _, err = finished("export", "--kb", str(synthetic_kb), "--out", str(vault), cache=tmp_path)
        assert code == 0, err
        got = {p.relative_to(vault): p.read_bytes() for p in vault.rglob("*") if p.is_file()}
        assert got == expected
    assert interrupted >= 2, "the kills should land mid-export; make the KB bigger"


def _disk_of(size: str, tmp_path: Path) -> Path:
    """A real small file system (tmpfs) when we may mount one, else a file-size limit does it."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount)], capture_output=True
    )
    if result.returncode != 0:
        pytest.fail(f"cannot mount a small file system here: {result.stderr!r}")
    return mount


def test_a_full_disk_while_indexing_is_one_line_and_no_partial_index(synthetic_kb: Path, tmp_path: Path) -> None:
    disk = _disk_of("256k", tmp_path)
    try:
        code, _, err = finished("search", "nimbus", "--kb", str(synthetic_kb), cache=disk)
        assert code in (1, 2)
        assert "Traceback" not in err
        assert err.strip().count("\n") == 0 and "No space left on device" in err
        assert list(disk.rglob("tmp-*")) == [] and list(disk.rglob("ix-*")) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_during_export_is_one_line_and_no_partial_files(synthetic_kb: Path, tmp_path: Path) -> None:
    disk = _disk_of("128k", tmp_path)
    try:
        code, _, err = finished("export", "--kb", str(synthetic_kb), "--out", str(disk / "vault"), cache=tmp_path)
        assert code == 1
        assert "Traceback" not in err
        assert err.strip().count("\n") == 0 and "No space left on device" in err
        assert [p for p in disk.rglob("*.tmp")] == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_an_export_sweeps_up_the_temporary_file_a_killed_export_left(tmp_path: Path) -> None:
    from kb.notes.export import export_notes
    from kb.store.knowledge import load_kb
    from tests.support.paths import FIXTURES

    kb = load_kb(FIXTURES / "mini_kb")
    vault = tmp_path / "vault"
    export_notes(kb, vault)
    note = vault / "chips" / "trainium.md"
    whole = note.read_bytes()
    # What a kill between writing the temporary file and renaming it leaves behind:
    (vault / "chips" / ".trainium.md.0123456789abcdef.tmp").write_bytes(whole[:10])
    note.write_bytes(b"")  # and the note not yet replaced (an older export's empty note stands in)
    manifest = json.loads((vault / ".chipkb-export.json").read_text(encoding="utf-8"))
    manifest["notes"]["chips/trainium.md"] = hashlib.sha256(b"").hexdigest()
    (vault / ".chipkb-export.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = export_notes(kb, vault)
    assert "trainium.md" in [p.name for p in report.written]
    assert note.read_bytes() == whole
    assert sorted(p.name for p in (vault / "chips").iterdir()) == ["trainium.md"]
