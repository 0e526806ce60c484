"""The cache runs no one's code.

A pickle runs code when it is read.  The app's copy of a loaded KB is JSON, so a pickle planted
there is never unpickled; the search index is whoosh's, whose table of contents is a pickle, so
chipkb keeps its cache folders private (0700), and refuses a cache or index folder that another
user owns or that group or others may write to (one line; the search still answers, from an
index built in a private temporary folder).  Each planted pickle would create a marker file when
unpickled: the tests prove no code ran by the marker's absence.
"""

from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kb.locations import index_folder
from tests.support.kb_files import write_kb

KB = {"v.yaml": "vendors:\n  - {id: acme, name: Acme Silicon, kind: chip-designer}\n"}


class _Planted:
    """Unpickling this creates the file named `marker`: what an attacker's pickle would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (os.system, (f"touch {self.marker}",))


def planted(marker: Path) -> bytes:
    return pickle.dumps(_Planted(marker))


def search(kb: Path, cache: Path, *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kb", "search", *words, "--kb", str(kb), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CHIPKB_CACHE_DIR": str(cache)},
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _hits(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [hit["id"] for hit in json.loads(result.stdout)["hits"]]


def test_the_marker_would_be_made_by_the_planted_pickle(tmp_path: Path) -> None:
    """The planted payload works: unpickling it does create the marker (so its absence means something)."""
    marker = tmp_path / "marker"
    pickle.loads(planted(marker))  # the point of the test
    assert marker.exists()


def test_cache_and_index_folders_are_created_private(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", KB)
    cache = tmp_path / "new" / "cache"  # neither level exists yet
    result = search(kb, cache, "acme")
    assert result.returncode == 0, result.stderr
    home = Path(index_folder(kb).replace(os.environ["CHIPKB_CACHE_DIR"], str(cache), 1))
    for folder in (tmp_path / "new", cache, cache / "indexes", home, *home.glob("ix-*")):
        assert mode(folder) == 0o700, folder


@pytest.mark.parametrize("where", ["cache", "indexes", "home"])
@pytest.mark.parametrize("how", ["group-writable", "world-writable", "another-owner"])
def test_a_planted_index_in_an_unsafe_folder_is_never_read(where: str, how: str, tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", KB)
    cache = tmp_path / "cache"
    assert search(kb, cache, "acme").returncode == 0
    home = Path(str(index_folder(kb)).replace(os.environ["CHIPKB_CACHE_DIR"], str(cache), 1))
    marker = tmp_path / "marker"
    for toc in home.glob("ix-*/*.toc"):  # whoosh unpickles its table of contents on every open
        toc.write_bytes(planted(marker))
    folder = {"cache": cache, "indexes": cache / "indexes", "home": home}[where]
    if how == "another-owner":
        os.chown(folder, 65534, 65534)
    else:
        folder.chmod(0o770 if how == "group-writable" else 0o777)

    result = search(kb, cache, "acme")

    assert not marker.exists(), "the planted pickle ran"
    assert result.returncode == 0, result.stderr
    assert _hits(result) == ["acme"]  # answered from a private temporary index
    if how == "another-owner":
        fix = "belongs to another user (uid 65534); remove it, or set CHIPKB_CACHE_DIR to a folder of yours"
    else:
        who, bits = ("group", "0770") if how == "group-writable" else ("group and others", "0777")
        fix = f"is writable by {who} (mode {bits}); run: chmod go-w {folder}"
    assert result.stderr == (
        f"chipkb: the cache folder {folder} {fix} (the search index is built in a private temporary folder this time)\n"
    )


def test_chipkb_cache_dir_gets_the_same_check(tmp_path: Path) -> None:
    kb = write_kb(tmp_path / "kb", KB)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # as /tmp would be, without the sticky bit's protection of each file
    result = search(kb, shared, "acme")
    assert result.returncode == 0 and _hits(result) == ["acme"]
    assert "is writable by group and others (mode 0777)" in result.stderr
    assert list(shared.iterdir()) == []  # nothing was written there


def test_the_private_fallback_is_removed_when_the_process_ends(tmp_path: Path) -> None:
    import tempfile

    kb = write_kb(tmp_path / "kb", KB)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    before = set(Path(tempfile.gettempdir()).glob("chipkb-cache-*"))
    assert search(kb, shared, "acme").returncode == 0
    assert set(Path(tempfile.gettempdir()).glob("chipkb-cache-*")) == before


async def test_a_pickle_planted_as_the_apps_kb_copy_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_app
) -> None:
    from tui import kb_cache

    kb = write_kb(tmp_path / "kb", KB)
    marker = tmp_path / "marker"
    copy = kb_cache.cache_file(kb)
    copy.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for target in (copy, copy.with_suffix(".pickle")):  # where the copy is, and where a pickle was kept
        target.write_bytes(planted(marker))
    async with start_app(kb) as (app, _):
        assert set(app.session.kb.entities) == {"acme"}
    assert not marker.exists(), "the planted pickle ran"
    assert json.loads(copy.read_text(encoding="utf-8"))["entities"][0]["id"] == "acme"  # replaced by JSON


def test_the_apps_kb_copy_is_not_kept_in_an_unsafe_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.store.knowledge import load_kb
    from kb.store.scan import scan_kb
    from tui import kb_cache

    kb = write_kb(tmp_path / "kb", KB)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("CHIPKB_CACHE_DIR", str(shared))
    snapshot = scan_kb(kb).snapshot()
    kb_cache.store(kb, snapshot, load_kb(kb))
    assert list(shared.iterdir()) == []
    assert kb_cache.cached(kb, snapshot) is None


def test_the_apps_kb_copy_comes_back_whole(tmp_path: Path) -> None:
    """JSON keeps every field: the copy equals the KB as loaded, entity for entity, problem for problem."""
    from kb.store.knowledge import load_kb
    from kb.store.scan import scan_kb
    from tests.support.paths import BUNDLED_KB
    from tui import kb_cache

    loaded = load_kb(BUNDLED_KB)
    snapshot = scan_kb(BUNDLED_KB).snapshot()
    kb_cache.store(BUNDLED_KB, snapshot, loaded)
    again = kb_cache.cached(BUNDLED_KB, snapshot)
    assert again is not None
    assert list(again.entities) == list(loaded.entities)
    assert list(again.entities.values()) == list(loaded.entities.values())
    assert [e.where for e in again.entities.values()] == [e.where for e in loaded.entities.values()]
    assert again.problems == loaded.problems


@pytest.mark.parametrize(
    "damage",
    [
        b"not json",
        b"[]",
        b'{"stamp": null}',
        b'{"stamp": 1, "entities": [{"type": "os.system"}], "problems": []}',
    ],
)
def test_a_damaged_or_foreign_kb_copy_means_loading_afresh(damage: bytes, tmp_path: Path) -> None:
    from kb.store.knowledge import load_kb
    from kb.store.scan import scan_kb
    from tui import kb_cache

    kb = write_kb(tmp_path / "kb", KB)
    snapshot = scan_kb(kb).snapshot()
    kb_cache.store(kb, snapshot, load_kb(kb))
    kb_cache.cache_file(kb).write_bytes(damage)
    assert kb_cache.cached(kb, snapshot) is None


def test_entities_of_the_wrong_shape_are_refused_by_the_json_reader() -> None:
    from kb.store.as_json import entity_from_json, entity_to_json
    from kb.store.model import Location, Vendor

    good = entity_to_json(Vendor(id="acme", location=Location("v.yaml", 2, 5), name="Acme"))
    assert entity_from_json(good) == Vendor(id="acme", location=Location("v.yaml", 2, 5), name="Acme")
    for broken in (
        {**good, "name": 3},
        {**good, "aliases": "not a list"},
        {**good, "aliases": [1]},
        {**good, "location": ["v.yaml", "2", 5]},
        {**good, "extra": 1},
        {**good, "type": "chip"},
        {k: v for k, v in good.items() if k != "kind"},
    ):
        with pytest.raises(ValueError):
            entity_from_json(broken)


CHIPS_KB = {
    **KB,
    "c.yaml": "chips:\n  - {id: a1, name: A1, vendor: acme, kind: accelerator, announced: 2024-03}\n",
}


def _timeline(kb: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kb", "timeline", "--kb", str(kb)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CHIPKB_CACHE_DIR": str(cache)},
    )


def test_a_pickle_planted_as_the_chips_copy_is_never_read(tmp_path: Path) -> None:
    """`rank`, `chart` and `timeline` keep the chips they read (kb/store/sections.py) as JSON: a
    pickle planted where that copy is (or where a pickle copy was once kept) is never unpickled."""
    kb = write_kb(tmp_path / "kb", CHIPS_KB)
    cache = tmp_path / "cache"
    assert _timeline(kb, cache).returncode == 0
    folder = cache / "kb-sections"
    (copy,) = folder.glob("*.json")
    marker = tmp_path / "marker"
    copy.write_bytes(planted(marker))
    copy.with_suffix(".pickle").write_bytes(planted(marker))

    result = _timeline(kb, cache)

    assert not marker.exists(), "the planted pickle ran"
    assert result.returncode == 0, result.stderr
    assert "A1" in result.stdout
    assert mode(folder) == 0o700
    assert json.loads(copy.read_text(encoding="utf-8"))["files"]["c.yaml"][2][0]["id"] == "a1"  # replaced by JSON


def test_the_chips_copy_is_not_kept_in_an_unsafe_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kb.store.sections import load_sections

    kb = write_kb(tmp_path / "kb", CHIPS_KB)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("CHIPKB_CACHE_DIR", str(shared))
    assert sorted(load_sections(kb).entities) == ["a1", "acme"]
    assert list(shared.iterdir()) == []
