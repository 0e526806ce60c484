"""Exporting a vault and comparisons: every note readable and linked, byte-identical re-exports,
hand-edited notes kept, nothing written outside --out or through a symbolic link, atomic writes;
and the `chipkb export` / `chipkb compare` commands."""

from __future__ import annotations

import contextlib
import json
import resource
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.cli.main import main
from kb.notes.export import (
    MANIFEST,
    MARKDOWNLINT_FILE,
    ExportError,
    _Folder,
    export_comparison,
    export_comparison_into,
    export_notes,
    write_notes,
)
from kb.store.knowledge import KnowledgeBase, load_kb
from kb.store.model import Chip, Location, Vendor
from tests.support.kb_files import write_kb
from tests.support.markdown_vault import (
    ESC,
    FOOTNOTE_REF,
    PLAIN_FILES,
    WIKILINK,
    check_note,
    hostile_kb,
    plain_kb,
    resolve,
    split_note,
    tables,
)
from tests.support.paths import BUNDLED_KB


def _files(root: Path) -> dict[str, bytes]:
    """Every file under `root` by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _notes(root: Path) -> dict[str, str]:
    return {name: data.decode("utf-8") for name, data in _files(root).items() if name.endswith(".md")}


def _check_vault(kb: KnowledgeBase, out: Path) -> dict[str, str]:
    """Every note readable, one per entity plus the index, every wikilink leading to a note."""
    notes = _notes(out)
    expected = {f"{e.type}s/{e.id}.md" for e in kb.entities.values()} | {"index.md"}
    assert set(notes) == expected
    for name, text in notes.items():
        front = check_note(text)
        if name != "index.md":
            assert (front["type"], front["id"]) == (name.split("/")[0][:-1], name.split("/")[1][:-3])
        for target, _label in WIKILINK.findall(split_note(text)[1]):
            assert resolve(notes, target), f"{name} links to missing {target}"
    index_links = {resolve(notes, t) for t, _ in WIKILINK.findall(notes["index.md"])}
    assert index_links == {n for n in notes if n != "index.md"}
    return notes


# --- whole vaults -------------------------------------------------------------------------------------


def test_bundled_kb_exports_as_a_working_vault(tmp_path: Path) -> None:
    kb = load_kb(BUNDLED_KB)
    report = export_notes(kb, tmp_path / "vault")
    assert report.kept == [] and report.unchanged == []
    assert len(report.written) == len(kb.entities) + 2  # and index.md, .markdownlint.yaml
    _check_vault(kb, tmp_path / "vault")


def test_small_kb_exports_as_a_working_vault(tmp_path: Path) -> None:
    kb = plain_kb(tmp_path / "kb")
    notes = _check_vault(kb, _export(kb, tmp_path / "vault"))
    assert FOOTNOTE_REF.findall(notes["chips/alpha.md"]) == ["1", "1", "2", "1"]


def test_hostile_kb_exports_inside_the_folder_as_a_working_vault(tmp_path: Path) -> None:
    kb = hostile_kb(tmp_path / "kb")
    out = tmp_path / "deep" / "vault"
    export_notes(kb, out)
    notes = _check_vault(kb, out)
    assert {p.name for p in (tmp_path / "deep").iterdir()} == {"vault"}
    assert all(ESC not in text for text in notes.values())
    assert tables(notes["chips/alpha.md"])[0][1] == ["BF16 dense", "100", "TFLOPS", "", "a | b c ]]"]


def _export(kb: KnowledgeBase, out: Path) -> Path:
    report = export_notes(kb, out)
    assert report.kept == []
    return out


def test_two_exports_are_byte_identical(tmp_path: Path) -> None:
    kb_copy = tmp_path / "bundled"
    shutil.copytree(BUNDLED_KB, kb_copy)  # a snapshot, so both exports read the same KB
    first = _files(_export(load_kb(kb_copy), tmp_path / "one"))
    second = _files(_export(load_kb(kb_copy), tmp_path / "two"))
    assert first == second
    hostile = [_files(_export(hostile_kb(tmp_path / f"kb{n}"), tmp_path / f"h{n}")) for n in (1, 2)]
    assert hostile[0] == hostile[1]


def test_reexport_changes_nothing_and_says_so(tmp_path: Path) -> None:
    kb = plain_kb(tmp_path / "kb")
    out = _export(kb, tmp_path / "vault")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    report = export_notes(kb, out)
    assert report.written == [] and report.kept == []
    assert sorted(report.unchanged) == sorted(out / n for n in [*_notes(out), MARKDOWNLINT_FILE])
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_a_changed_kb_overwrites_what_chipkb_wrote(tmp_path: Path) -> None:
    out = _export(plain_kb(tmp_path / "kb"), tmp_path / "vault")
    files = dict(PLAIN_FILES)
    files["kb.yaml"] = files["kb.yaml"].replace("name: Alpha", "name: Alpha Two")
    report = export_notes(load_kb(write_kb(tmp_path / "kb2", files)), out)
    assert report.kept == []
    assert out / "chips" / "alpha.md" in report.written
    assert "# Alpha Two" in (out / "chips" / "alpha.md").read_text()


def test_the_manifest_records_what_chipkb_wrote(tmp_path: Path) -> None:
    out = _export(plain_kb(tmp_path / "kb"), tmp_path / "vault")
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["format"] == 1
    assert sorted(manifest["notes"]) == sorted([*_notes(out), MARKDOWNLINT_FILE])


# --- some ids ------------------------------------------------------------------------------------------


def test_export_some_ids_builds_up_one_index(tmp_path: Path) -> None:
    kb = plain_kb(tmp_path / "kb")
    out = tmp_path / "vault"
    export_notes(kb, out, ["alpha"])
    assert set(_notes(out)) == {"chips/alpha.md", "index.md"}
    export_notes(kb, out, ["acme", "alpha-fast"])
    assert set(_notes(out)) == {"chips/alpha.md", "vendors/acme.md", "claims/alpha-fast.md", "index.md"}
    index = (out / "index.md").read_text()
    assert [t for t, _ in WIKILINK.findall(index)] == ["acme", "alpha", "alpha-fast"]


def test_an_unknown_id_raises_key_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        export_notes(plain_kb(tmp_path / "kb"), tmp_path / "vault", ["nope"])
    assert not (tmp_path / "vault").exists()


# --- notes edited by hand ----------------------------------------------------------------------------


def test_a_hand_edited_note_is_kept_and_force_overwrites_it(tmp_path: Path, capsys) -> None:
    kb_dir = write_kb(tmp_path / "kb", PLAIN_FILES)
    out = tmp_path / "vault"
    assert main(["export", "--kb", str(kb_dir), "--out", str(out)]) == 0
    note = out / "chips" / "alpha.md"
    original = note.read_text()
    note.write_text(original + "\nMy own thoughts.\n")
    capsys.readouterr()
    assert main(["export", "--kb", str(kb_dir), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == f"chipkb: kept {note}: edited since chipkb wrote it (--force overwrites it)"
    assert captured.out.strip() == f"0 written, {len(_notes(out))} unchanged, 1 kept in {out}"  # + the lint file
    assert note.read_text().endswith("My own thoughts.\n")
    # Still kept on the next run: the manifest remembers what chipkb wrote, not what is there.
    assert main(["export", "--kb", str(kb_dir), "--out", str(out)]) == 1
    assert main(["export", "--kb", str(kb_dir), "--out", str(out), "--force"]) == 0
    assert note.read_text() == original
    assert main(["export", "--kb", str(kb_dir), "--out", str(out)]) == 0


def test_a_note_chipkb_did_not_write_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "vault"
    (out / "chips").mkdir(parents=True)
    (out / "chips" / "alpha.md").write_text("mine\n")
    report = export_notes(plain_kb(tmp_path / "kb"), out, into_existing=True)
    assert report.kept == [out / "chips" / "alpha.md"]
    assert (out / "chips" / "alpha.md").read_text() == "mine\n"
    assert (out / "chips" / "beta.md").exists()


def test_a_first_export_that_stops_part_way_is_finished_by_the_next(tmp_path: Path, monkeypatch) -> None:
    """The manifest is written before the notes, so the folder is chipkb's from the first write on,
    and a new note written before the stop is rewritten, not kept as a hand edit."""
    kb = plain_kb(tmp_path / "kb")
    out = tmp_path / "vault"
    real_write = _Folder.write
    writes: list[tuple[str, ...]] = []

    def write_then_die(self: _Folder, parts: tuple[str, ...], data: bytes) -> None:
        if len(writes) == 2:  # the manifest, then one note: the process dies here
            raise KeyboardInterrupt
        writes.append(parts)
        real_write(self, parts, data)

    monkeypatch.setattr(_Folder, "write", write_then_die)
    with pytest.raises(KeyboardInterrupt):
        export_notes(kb, out)
    monkeypatch.undo()
    assert writes[0] == (MANIFEST,)
    first_note = out.joinpath(*writes[1])
    first_note.write_text(first_note.read_text())  # same bytes, so the manifest's hash still holds
    (out / f".index.md.{'0' * 16}.tmp").write_text("half a note")  # what a kill mid-write leaves

    report = export_notes(kb, out)  # no --into-existing needed
    assert report.kept == []
    assert first_note in report.unchanged
    reference = _export(kb, tmp_path / "reference")
    assert _files(out) == _files(reference)


def test_a_folder_holding_only_chipkb_temporary_files_is_taken_as_new(tmp_path: Path) -> None:
    out = tmp_path / "vault"
    out.mkdir()
    (out / f".{MANIFEST}.{'a1' * 8}.tmp").write_text("{")
    export_notes(plain_kb(tmp_path / "kb"), out)
    assert not list(out.glob("*.tmp"))
    other = tmp_path / "other"
    other.mkdir()
    (other / ".notes.tmp").write_text("someone else's")  # not a name chipkb's temporary files have
    with pytest.raises(ExportError, match="not empty, and not a folder chipkb exported into"):
        export_notes(plain_kb(tmp_path / "kb"), other)


def test_a_broken_manifest_stops_the_export_unless_forced(tmp_path: Path) -> None:
    kb = plain_kb(tmp_path / "kb")
    out = _export(kb, tmp_path / "vault")
    (out / MANIFEST).write_text("{not json")
    (out / "chips" / "alpha.md").write_text("changed\n")
    with pytest.raises(ExportError, match=r"\.chipkb-export\.json: not a chipkb export manifest"):
        export_notes(kb, out)
    assert (out / "chips" / "alpha.md").read_text() == "changed\n"
    report = export_notes(kb, out, force=True)
    assert report.written == [out / "chips" / "alpha.md"]
    assert json.loads((out / MANIFEST).read_text())["format"] == 1


# --- staying inside the folder --------------------------------------------------------------------------


def test_a_symlinked_folder_inside_out_is_not_followed(tmp_path: Path, capsys) -> None:
    kb_dir = write_kb(tmp_path / "kb", PLAIN_FILES)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "vault"
    out.mkdir()
    (out / "chips").symlink_to(elsewhere)
    assert main(["export", "--kb", str(kb_dir), "--out", str(out), "--into-existing"]) == 1
    err = capsys.readouterr().err
    assert err == f"chipkb: {out / 'chips'}: is a symbolic link; chipkb does not follow links inside --out\n"
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["chips"]  # refused before writing anything


def test_a_symlinked_note_or_manifest_is_not_followed(tmp_path: Path) -> None:
    kb = plain_kb(tmp_path / "kb")
    target = tmp_path / "precious.txt"
    target.write_text("precious\n")
    for link_name in ("chips/alpha.md", MANIFEST):
        out = tmp_path / f"vault-{link_name.replace('/', '-')}"
        (out / "chips").mkdir(parents=True)
        (out / link_name).symlink_to(target)
        with pytest.raises(ExportError, match="is a symbolic link"):
            export_notes(kb, out, force=True, into_existing=True)
        assert target.read_text() == "precious\n"
        assert (out / link_name).is_symlink()


def test_a_dangling_symlink_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "vault"
    out.mkdir()
    (out / "index.md").symlink_to(tmp_path / "created-through-the-link.md")
    with pytest.raises(ExportError, match=r"index\.md: is a symbolic link"):
        export_notes(plain_kb(tmp_path / "kb"), out, into_existing=True)
    assert not (tmp_path / "created-through-the-link.md").exists()


def _chip(entity_id: str) -> Chip:
    return Chip(id=entity_id, location=Location("kb.yaml", 1, 1), name="Evil", vendor="v", kind="gpu")


@pytest.mark.parametrize("entity_id", ["../../escaped", "/tmp/escaped", "a/../../b", "..", "x\x00y"])
def test_hostile_ids_never_leave_the_folder(tmp_path: Path, entity_id: str) -> None:
    vendor = Vendor(id="v", location=Location("kb.yaml", 1, 1), name="V", kind="other")
    kb = KnowledgeBase(root=tmp_path / "kb", entities={"v": vendor, entity_id: _chip(entity_id)})
    out = tmp_path / "a" / "b" / "vault"
    with pytest.raises(ExportError, match="is not a slug"):
        export_notes(kb, out)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_hostile_ids_in_yaml_are_refused_when_loading(tmp_path: Path) -> None:
    files = {"kb.yaml": "vendors:\n  - id: ../../escaped\n    name: Evil\n    kind: other\n"}
    kb = load_kb(write_kb(tmp_path / "kb", files))
    assert kb.entities == {} and kb.errors
    export_notes(kb, tmp_path / "vault")
    assert set(_files(tmp_path / "vault")) == {"index.md", MANIFEST, MARKDOWNLINT_FILE}


@pytest.mark.parametrize("relative", ["../x.md", "/abs.md", "a//b.md", "a/./b.md", "a\\b.md", ""])
def test_write_notes_refuses_paths_that_are_not_plain(tmp_path: Path, relative: str) -> None:
    with pytest.raises(ExportError, match="not a plain path"):
        write_notes(tmp_path / "vault", {"ok.md": "x\n", relative: "x\n"})
    assert not (tmp_path / "vault" / "ok.md").exists()
    assert not (tmp_path / "x.md").exists()


def test_out_inside_the_kb_folder_is_refused(tmp_path: Path) -> None:
    kb = plain_kb(tmp_path / "kb")
    with pytest.raises(ExportError, match="inside the KB folder"):
        export_notes(kb, tmp_path / "kb" / "notes")
    assert not (tmp_path / "kb" / "notes").exists()


def test_out_that_is_a_file_is_refused(tmp_path: Path, capsys) -> None:
    kb_dir = write_kb(tmp_path / "kb", PLAIN_FILES)
    (tmp_path / "file").write_text("x")
    assert main(["export", "--kb", str(kb_dir), "--out", str(tmp_path / "file")]) == 1
    assert capsys.readouterr().err == f"chipkb: {tmp_path / 'file'}: not a folder\n"


# --- atomic writes ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def small_file_limit() -> Iterator[None]:
    """Files may grow to 2,000 bytes only: a real write failure (EFBIG) for larger notes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path) -> None:
    kb = plain_kb(tmp_path / "kb")
    out = _export(kb, tmp_path / "vault")
    before = _files(out)
    files = dict(PLAIN_FILES)
    files["kb.yaml"] = files["kb.yaml"].replace("Acme designs test chips.", "Acme designs test chips. " * 200)
    changed = load_kb(write_kb(tmp_path / "kb2", files))
    (out / "vendors" / "acme.md").unlink()
    with small_file_limit(), pytest.raises(ExportError) as raised:
        export_notes(changed, out)
    assert str(raised.value) == f"cannot write {out / 'vendors' / 'acme.md'}: File too large"
    after = _files(out)
    assert "vendors/acme.md" not in after
    assert not [name for name in after if name.endswith(".tmp")]
    assert after == {k: v for k, v in before.items() if k != "vendors/acme.md"}
    # The next export, with room to write, completes the vault and keeps nothing.
    report = export_notes(changed, out)
    assert report.kept == [] and report.written == [out / "vendors" / "acme.md"]


# --- comparisons ----------------------------------------------------------------------------------------


def test_export_comparison_to_a_file_and_into_a_vault(tmp_path: Path) -> None:
    kb = plain_kb(tmp_path / "kb")
    report = export_comparison(kb, ["alpha", "beta"], tmp_path / "notes" / "cmp.md")
    assert report.written == [tmp_path / "notes" / "cmp.md"]
    text = (tmp_path / "notes" / "cmp.md").read_text()
    assert check_note(text)["chips"] == ["alpha", "beta"]
    report = export_comparison_into(kb, ["beta", "alpha"], tmp_path / "vault")
    # the comparison, the vault's index, which lists it, and the vault's markdownlint settings
    vault = tmp_path / "vault"
    assert report.written == [vault / MARKDOWNLINT_FILE, vault / "comparisons" / "beta-vs-alpha.md", vault / "index.md"]
    assert "[[beta-vs-alpha|beta vs alpha]]" in (tmp_path / "vault" / "index.md").read_text()
    with pytest.raises(KeyError):
        export_comparison(kb, ["alpha", "acme"], tmp_path / "x.md")


# --- chipkb export exit codes ---------------------------------------------------------------------------


def test_export_command_exit_codes(tmp_path: Path, capsys) -> None:
    kb_dir = str(write_kb(tmp_path / "kb", PLAIN_FILES))
    out = tmp_path / "vault"
    assert main(["export", "--kb", kb_dir]) == 2
    assert "the following arguments are required: --out" in capsys.readouterr().err
    assert main(["export", "alpah", "--kb", kb_dir, "--out", str(out)]) == 1
    assert capsys.readouterr().err == "chipkb: no entity with id or name 'alpah' (did you mean 'alpha'?)\n"
    assert not out.exists()
    assert main(["export", "alpha", "beta", "--kb", kb_dir, "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"4 written, 0 unchanged, 0 kept in {out}\n"
    assert set(_notes(out)) == {"chips/alpha.md", "chips/beta.md", "index.md"}
    assert main(["export", "--kb", str(tmp_path / "missing"), "--out", str(out)]) == 2


def test_export_of_a_kb_with_errors_warns_and_exports_what_loaded(tmp_path: Path, capsys) -> None:
    files = {"kb.yaml": PLAIN_FILES["kb.yaml"].replace("vendor: acme\n    foundry: fab", "vendor: nobody")}
    kb_dir = write_kb(tmp_path / "kb", files)
    assert main(["export", "--kb", str(kb_dir), "--out", str(tmp_path / "vault")]) == 0
    captured = capsys.readouterr()
    assert captured.err == "chipkb: warning: the KB has 1 error (see 'chipkb validate'); exporting what loaded\n"
    alpha = (tmp_path / "vault" / "chips" / "alpha.md").read_text()
    assert "- Vendor: nobody\n" in alpha


def test_a_kb_inside_the_vault_is_never_written_to(tmp_path: Path) -> None:
    import shutil

    from kb.notes.export import ExportError, export_notes
    from kb.store.knowledge import load_kb
    from tests.support.paths import FIXTURES

    vault = tmp_path / "vault"
    kb_root = vault / "vendors"  # the KB sits where the vendor notes would go
    shutil.copytree(FIXTURES / "mini_kb", kb_root)
    before = sorted(p.name for p in kb_root.iterdir())
    with pytest.raises(ExportError, match="inside the KB folder"):
        export_notes(load_kb(kb_root), vault, into_existing=True)
    assert sorted(p.name for p in kb_root.iterdir()) == before
