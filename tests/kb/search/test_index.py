"""The index: where it lives, kept fresh file by file, rebuilt when damaged, safe with two processes."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kb.search.documents
from devtools.synth import generate
from kb.locations import index_dir
from kb.search import index as index_module
from kb.search.engine import SearchEngine
from kb.search.index import SearchIndex
from kb.store.scan import scan_kb
from tests.support.paths import REPO
from tests.support.search_kb import CLAIMS, MORE_CLAIMS, make_kb


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return make_kb(tmp_path / "kb")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The KB files the index reads, in order."""
    calls: list[str] = []
    real = index_module._parse

    def spy(root: Path, rel: str) -> index_module._Parsed:
        calls.append(rel)
        return real(root, rel)

    monkeypatch.setattr(index_module, "_parse", spy)
    return calls


def ids(kb_root: Path, query: str, notices: list[str] | None = None) -> list[str]:
    engine = SearchEngine.open(kb_root, notice=(notices.append if notices is not None else None))
    try:
        return sorted(hit.id for hit in engine.search(query, limit=100).hits)  # a list: a duplicate hit shows
    finally:
        engine.close()


def listing(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under `root` with its size and mtime."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.stat()
            found[str(path.relative_to(root))] = (info.st_size, info.st_mtime_ns)
    return found


def rewrite(path: Path, text: str) -> None:
    """Write `text` and move the mtime on, so the change is seen even on a coarse clock."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_the_index_lives_in_the_cache_folder_and_nothing_is_written_into_the_kb(kb_root: Path) -> None:
    before = listing(kb_root)
    assert ids(kb_root, "推論") == ["c-inference-cost", "c-vertical", "ja-article", "tpu-v5e"]
    home = index_dir(kb_root)
    assert home.is_relative_to(Path(os.environ["CHIPKB_CACHE_DIR"]))
    live = home / json.loads((home / "CURRENT").read_text(encoding="utf-8"))
    manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["yaml"]) == {
        "vendors.yaml",
        "chips.yaml",
        "sources/sources.yaml",
        "claims/claims.yaml",
        "claims/more.yaml",
    }
    assert set(manifest["other"]) == {"sources/en-report.md"}
    details = json.loads((live / "details.json").read_text(encoding="utf-8"))
    assert details["token"] == manifest["token"]
    assert details["files"]["sources/sources.yaml"]["texts"] == ["sources/en-report.md"]
    assert details["files"]["chips.yaml"]["facts"]["trn1"] == {
        "type": "chip",
        "vendor": "example-cloud",
        "names": ["Trainium", "Trn1"],
    }
    assert details["files"]["claims/more.yaml"]["refs"] == ["en-report", "trn1"]
    assert listing(kb_root) == before


def test_opening_a_fresh_index_reads_no_kb_file(kb_root: Path, parsed: list[str]) -> None:
    SearchIndex(kb_root).open()
    assert len(parsed) == 5
    parsed.clear()
    SearchIndex(kb_root).open()
    assert parsed == []


def test_an_edited_file_is_the_only_one_read_again_and_the_change_is_found(kb_root: Path, parsed: list[str]) -> None:
    assert ids(kb_root, "benchmark") == ["c-benchmark", "en-report"]
    parsed.clear()
    rewrite(
        kb_root / "claims/more.yaml", MORE_CLAIMS.replace("The Trn1-vs-A100 benchmark compares", "A bake-off compares")
    )
    assert ids(kb_root, "bake-off") == ["c-benchmark"]
    assert parsed == ["claims/more.yaml"]
    assert ids(kb_root, "benchmark") == ["c-benchmark", "en-report"]  # the excerpt still says it


def test_an_added_file_is_found_and_a_deleted_file_is_forgotten(kb_root: Path, parsed: list[str]) -> None:
    assert ids(kb_root, "bake-off") == []
    parsed.clear()
    added = MORE_CLAIMS.replace("c-benchmark", "c-bake-off").replace("benchmark compares", "bake-off compares")
    rewrite(kb_root / "claims/added.yaml", added)
    assert ids(kb_root, "bake-off") == ["c-bake-off"]
    assert parsed == ["claims/added.yaml"]
    (kb_root / "claims/added.yaml").unlink()
    assert ids(kb_root, "bake-off") == []
    assert ids(kb_root, "type:claim") == ["c-benchmark", "c-gpu-reliance", "c-inference-cost", "c-supply", "c-vertical"]


def test_a_file_touched_but_unchanged_is_not_read_again(kb_root: Path, parsed: list[str]) -> None:
    SearchIndex(kb_root).open()
    parsed.clear()
    path = kb_root / "claims/claims.yaml"
    os.utime(path, ns=(path.stat().st_mtime_ns + 5 * 10**9,) * 2)
    notices: list[str] = []
    assert ids(kb_root, "推論", notices) == ["c-inference-cost", "c-vertical", "ja-article", "tpu-v5e"]
    assert parsed == [] and notices == []


def test_a_changed_fact_re_indexes_the_claims_in_other_files_that_use_it(kb_root: Path, parsed: list[str]) -> None:
    assert ids(kb_root, "vendor:gpu-maker type:claim") == ["c-gpu-reliance"]
    parsed.clear()
    chips = (kb_root / "chips.yaml").read_text(encoding="utf-8")
    moved = chips.replace(
        "    vendor: example-cloud\n    kind: training-accelerator",
        "    vendor: gpu-maker\n    kind: training-accelerator",
    )
    rewrite(kb_root / "chips.yaml", moved)
    assert ids(kb_root, "vendor:gpu-maker type:claim") == ["c-benchmark", "c-gpu-reliance", "c-inference-cost"]
    assert sorted(parsed) == ["chips.yaml", "claims/claims.yaml", "claims/more.yaml"]


def test_a_changed_text_file_re_indexes_its_source(kb_root: Path, parsed: list[str]) -> None:
    assert ids(kb_root, "kilowatt") == []
    parsed.clear()
    report = kb_root / "sources/en-report.md"
    rewrite(report, report.read_text(encoding="utf-8") + "\nEach rack draws forty kilowatt.\n")
    assert ids(kb_root, "kilowatt") == ["en-report"]
    assert parsed == ["sources/sources.yaml"]


def test_a_text_file_that_appears_later_is_picked_up(kb_root: Path) -> None:
    report = kb_root / "sources/en-report.md"
    text = report.read_text(encoding="utf-8")
    report.unlink()
    assert ids(kb_root, "silicon") == ["c-supply"]  # the source cannot be read without its text
    rewrite(report, text)
    assert ids(kb_root, "silicon") == ["c-supply", "en-report"]


def test_a_build_that_parses_in_a_second_process_indexes_the_same(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    queries = ["推論", "vendor:gpu-maker", "chip:trn1", "year:2023..2024", "Trn1-vs-A100"]
    in_process = [ids(kb_root, query) for query in queries]
    monkeypatch.setenv("CHIPKB_CACHE_DIR", str(tmp_path / "other-cache"))
    monkeypatch.setattr(index_module, "PARALLEL_PARSE_FILES", 0)
    assert [ids(kb_root, query) for query in queries] == in_process


BUILD_IN_TWO_PROCESSES = """
import sys
from pathlib import Path
import kb.search.index
kb.search.index.PARALLEL_PARSE_FILES = 0
kb.search.index.SearchIndex(Path(sys.argv[1])).open()
"""


def children_of(pid: int) -> set[int]:
    found = set()
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat_file.parent.name))
    return found


def test_a_killed_build_leaves_no_parsing_process_behind(tmp_path: Path) -> None:
    root = generate(tmp_path / "kb", 1500)
    process = subprocess.Popen([sys.executable, "-c", BUILD_IN_TWO_PROCESSES, str(root)], cwd=REPO)
    deadline = time.monotonic() + 30
    children: set[int] = set()
    while not children and time.monotonic() < deadline and process.poll() is None:
        children = children_of(process.pid)
        time.sleep(0.05)
    assert children, "the build started no parsing process"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in children):
        time.sleep(0.1)
    alive = [
        pid
        for pid in children
        if Path(f"/proc/{pid}/stat").exists() and " Z " not in Path(f"/proc/{pid}/stat").read_text()
    ]
    assert alive == []


def test_facts_found_after_the_claims_that_use_them_are_applied_to_those_claims(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb")
    chips = (root / "chips.yaml").read_text(encoding="utf-8")
    (root / "chips.yaml").unlink()
    # a quoted key hides the file from the first look for facts, and it sorts after the claims
    (root / "zz-chips.yaml").write_text(chips.replace("chips:", '"chips":', 1), encoding="utf-8")
    assert ids(root, "vendor:gpu-maker type:claim") == ["c-gpu-reliance"]
    assert ids(root, "chip:trn1 type:claim") == ["c-benchmark", "c-inference-cost"]
    assert ids(root, "Trainium type:claim") == ["c-benchmark", "c-inference-cost"]  # the subject's name


def test_refresh_says_whether_anything_changed(kb_root: Path) -> None:
    engine = SearchEngine.open(kb_root)
    try:
        assert engine.refresh() is False
        rewrite(kb_root / "claims/more.yaml", MORE_CLAIMS.replace("compares the cost", "weighs the cost"))
        assert engine.refresh() is True
        assert [hit.id for hit in engine.search("weighs").hits] == ["c-benchmark"]
        assert engine.refresh() is False
    finally:
        engine.close()


def live_folder(kb_root: Path) -> Path:
    home = index_dir(kb_root)
    return home / json.loads((home / "CURRENT").read_text(encoding="utf-8"))


def segment(kb_root: Path) -> Path:
    return next(live_folder(kb_root).glob("*.seg"))


def damage_truncated_segment(kb_root: Path) -> None:
    path = segment(kb_root)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def damage_garbage_toc(kb_root: Path) -> None:
    toc = next(live_folder(kb_root).glob("*.toc"))
    toc.write_bytes(b"garbage" * 20)


def damage_garbage_manifest(kb_root: Path) -> None:
    (live_folder(kb_root) / "manifest.json").write_text("{not json", encoding="utf-8")


def damage_pointer(kb_root: Path) -> None:
    (index_dir(kb_root) / "CURRENT").write_bytes(b"\xff\xfe../../etc")


@pytest.mark.parametrize(
    "damage", [damage_truncated_segment, damage_garbage_toc, damage_garbage_manifest, damage_pointer]
)
def test_a_damaged_index_is_rebuilt_with_one_line_of_notice(kb_root: Path, damage) -> None:
    SearchIndex(kb_root).open()
    damage(kb_root)
    notices: list[str] = []
    assert ids(kb_root, "垂直統合", notices) == ["c-vertical", "ja-article"]
    assert len(notices) == 1 and "\n" not in notices[0] and "rebuilding" in notices[0]
    notices.clear()
    assert ids(kb_root, "垂直統合", notices) == ["c-vertical", "ja-article"]
    assert notices == []


def test_details_that_do_not_fit_the_manifest_are_noticed_when_the_kb_changes(kb_root: Path) -> None:
    SearchIndex(kb_root).open()
    (live_folder(kb_root) / "details.json").write_text('{"token": "old", "files": {}}', encoding="utf-8")
    rewrite(kb_root / "claims/more.yaml", MORE_CLAIMS.replace("benchmark compares", "bake-off compares"))
    notices: list[str] = []
    assert ids(kb_root, "bake-off", notices) == ["c-benchmark"]
    assert notices == ["the search index was unusable (its details do not match its manifest); rebuilding it"]


def test_an_index_made_by_another_version_is_rebuilt(kb_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    SearchIndex(kb_root).open()
    monkeypatch.setattr(index_module, "SCHEMA_VERSION", index_module.SCHEMA_VERSION + 1)
    notices: list[str] = []
    assert ids(kb_root, "MI300X", notices) == ["mi300x"]
    assert notices == ["the search index was unusable (it was made by another version of chipkb); rebuilding it"]


def test_damage_found_while_searching_rebuilds_and_answers(kb_root: Path) -> None:
    notices: list[str] = []
    engine = SearchEngine.open(kb_root, notice=notices.append)
    broken = engine._searcher

    def fail(*args: object, **kwargs: object) -> None:
        raise struct.error("unpack requires a buffer of 8 bytes")

    broken.search_with_collector = fail  # type: ignore[method-assign]
    try:
        assert [hit.id for hit in engine.search("MI300X").hits] == ["mi300x"]
        assert notices == ["the search index was damaged (struct.error); rebuilding it"]
    finally:
        engine.close()


def test_a_build_that_fails_half_way_leaves_the_old_index_in_place(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    SearchIndex(kb_root).open()
    old = live_folder(kb_root)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    with monkeypatch.context() as patched:  # undoing only this patch keeps the private cache folder
        patched.setattr(kb.search.documents, "documents", crash)
        with pytest.raises(RuntimeError):
            SearchIndex(kb_root).rebuild("test")
    assert live_folder(kb_root) == old
    assert [p.name for p in index_dir(kb_root).iterdir() if p.name.startswith("tmp-")] == []
    assert ids(kb_root, "MI300X") == ["mi300x"]
    assert live_folder(kb_root) == old  # the old index survived and still answers


def test_a_read_only_kb_folder_is_indexed_without_writing_to_it(kb_root: Path) -> None:
    before = listing(kb_root)
    modes = {}
    for folder, dirs, files in os.walk(kb_root):
        for name in [*dirs, *files, "."]:
            path = Path(folder) / name
            modes[path] = path.stat().st_mode
    for path, mode in modes.items():
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        assert ids(kb_root, "トレーニング") == ["c-vertical", "ja-article", "trn1"]
        assert ids(kb_root, "トレーニング") == ["c-vertical", "ja-article", "trn1"]
    finally:
        for path, mode in sorted(modes.items(), key=lambda item: -len(item[0].parts)):
            path.chmod(mode)
    assert listing(kb_root) == before


def test_while_another_process_writes_the_index_a_search_uses_the_index_it_finds(kb_root: Path) -> None:
    assert ids(kb_root, "bake-off") == []
    rewrite(kb_root / "claims/more.yaml", MORE_CLAIMS.replace("benchmark compares", "bake-off compares"))
    home = index_dir(kb_root)
    descriptor = os.open(home / "lock", os.O_RDWR)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        assert ids(kb_root, "bake-off") == []  # the old index, at once
        assert time.monotonic() - started < 5
    finally:
        os.close(descriptor)
    assert ids(kb_root, "bake-off") == ["c-benchmark"]


SEARCH_IN_A_PROCESS = """
import json
import sys
from pathlib import Path
from kb.search.engine import SearchEngine
from devtools.synth import generate
engine = SearchEngine.open(Path(sys.argv[1]), notice=lambda message: print("NOTICE", message))
print(json.dumps(sorted(hit.id for hit in engine.search(sys.argv[2], limit=100).hits)))
"""


def test_processes_opening_one_index_at_once_neither_crash_nor_corrupt_it(kb_root: Path) -> None:
    (kb_root / "claims/big.yaml").write_text(
        "claims:\n"
        + "".join(
            CLAIMS.split("claims:\n")[1].replace("id: c-", f"id: c{number}-").replace("statement: ", "statement: x ")
            for number in range(60)
        ),
        encoding="utf-8",
    )
    command = [sys.executable, "-c", SEARCH_IN_A_PROCESS, str(kb_root), "垂直統合"]
    processes = [
        subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "NOTICE" not in out
        found = json.loads(out.strip().splitlines()[-1])
        assert "c-vertical" in found and "c7-vertical" in found
    notices: list[str] = []
    assert "c59-vertical" in ids(kb_root, "垂直統合", notices)
    assert notices == []


def test_the_scan_leaves_out_hidden_files_and_yaml_symlinks_leading_outside(kb_root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(MORE_CLAIMS, encoding="utf-8")
    (kb_root / "linked.yaml").symlink_to(outside)
    (kb_root / ".hidden.yaml").write_text(MORE_CLAIMS, encoding="utf-8")
    (kb_root / ".git").mkdir()
    (kb_root / ".git" / "x.yaml").write_text(MORE_CLAIMS, encoding="utf-8")
    scan = scan_kb(kb_root)
    assert "linked.yaml" not in scan.yaml
    assert not any(rel.startswith(".") for rel in [*scan.yaml, *scan.other])
