"""Export's hand-edit check rests on its manifest (the hash of what chipkb last wrote to each note):
a manifest chipkb did not write is refused, not trusted; an export stopped part-way leaves a
manifest that tells the next export which notes are its own; and a failure to record what was
written is an error, never a silent success (which would turn chipkb's own notes into "hand
edits" next time).

These are the cases the mutation run of `hand-edits` (docs/mutation-testing.md) found untested."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from kb.notes import export as export_module
from kb.notes.export import MANIFEST, ExportError, write_notes


def _manifest(out: Path) -> dict[str, object]:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


WRITTEN = "chipkb's\n"
#: The hash chipkb records for WRITTEN.
HASH = hashlib.sha256(WRITTEN.encode()).hexdigest()


@pytest.mark.parametrize(
    "manifest",
    [
        {"format": 2, "notes": {"note.md": HASH}},  # another format, its notes well formed
        {"notes": {"note.md": HASH}},
        {"format": 1, "notes": ["note.md"]},
        {"format": 1, "notes": {"note.md": None}},
        {"format": 1, "notes": {"note.md": 5}},
    ],
    ids=["format-2", "no-format", "notes-a-list", "hash-null", "hash-a-number"],
)
def test_a_manifest_chipkb_did_not_write_is_refused_and_force_replaces_it(
    tmp_path: Path, manifest: dict[str, object]
) -> None:
    out = tmp_path / "vault"
    write_notes(out, {"note.md": WRITTEN})
    assert _manifest(out) == {"format": 1, "notes": {"note.md": HASH}}
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ExportError) as refused:
        write_notes(out, {"note.md": "chipkb's again\n"})
    assert str(refused.value) == f"{out / MANIFEST}: not a chipkb export manifest (delete it, or export with --force)"
    assert (out / "note.md").read_text(encoding="utf-8") == WRITTEN  # nothing written
    report = write_notes(out, {"note.md": "chipkb's again\n"}, force=True)
    assert report.written == [out / "note.md"]
    assert _manifest(out)["format"] == 1


class _Killed(BaseException):
    """What a SIGKILL would do to the export: stop it between two writes."""


def test_an_export_stopped_part_way_leaves_a_manifest_the_next_export_trusts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "vault"
    write_notes(out, {"b.md": "one\n", "c.md": "one\n"})
    real_write = export_module._Folder.write
    writes: list[tuple[str, ...]] = []

    def killed_at_the_third_write(folder: export_module._Folder, parts: tuple[str, ...], data: bytes) -> None:
        writes.append(parts)
        if len(writes) == 3:
            raise _Killed
        real_write(folder, parts, data)

    with monkeypatch.context() as patch:
        patch.setattr(export_module._Folder, "write", killed_at_the_third_write)
        with pytest.raises(_Killed):
            write_notes(out, {"a.md": "two\n", "b.md": "two\n", "c.md": "two\n"})
    # the manifest first, naming the new note; then the new note; stopped before replacing b.md
    assert writes == [(MANIFEST,), ("a.md",), ("b.md",)]
    assert {name: (out / name).read_text() for name in ("a.md", "b.md", "c.md")} == {
        "a.md": "two\n",
        "b.md": "one\n",
        "c.md": "one\n",
    }
    report = write_notes(out, {"a.md": "three\n", "b.md": "three\n", "c.md": "three\n"})
    assert report.kept == []  # nothing chipkb wrote is taken for a hand edit
    assert sorted(report.written) == [out / "a.md", out / "b.md", out / "c.md"]
    assert {name: (out / name).read_text() for name in ("a.md", "b.md", "c.md")} == dict.fromkeys(
        ("a.md", "b.md", "c.md"), "three\n"
    )


def test_a_failure_to_record_what_was_written_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes are written, but flushing the folder (which makes the manifest's rename last)
    fails: the export says so instead of reporting success."""
    out = tmp_path / "vault"
    write_notes(out, {"note.md": "one\n"})
    real_fsync = os.fsync

    def failing_on_folders(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(export_module.os, "fsync", failing_on_folders)
    with pytest.raises(ExportError) as raised:
        write_notes(out, {"note.md": "two\n"})
    assert str(raised.value) == f"cannot write {out}: {os.strerror(errno.EIO)}"
