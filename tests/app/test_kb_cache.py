"""The app's copy of a loaded KB: used while nothing changed, refused otherwise."""

from __future__ import annotations

import os

from kb.store.knowledge import load_kb
from kb.store.scan import scan_kb
from tests.support.kb_files import write_kb
from tests.support.paths import APP_KB
from tui import kb_cache

FILES = {"v.yaml": "vendors:\n  - id: acme\n    name: Acme\n    kind: hyperscaler\n"}


def test_a_stored_kb_comes_back_while_nothing_changed(tmp_path) -> None:
    root = write_kb(tmp_path / "kb", FILES)
    snapshot = scan_kb(root).snapshot()
    assert kb_cache.cached(root, snapshot) is None
    knowledge = load_kb(root)
    kb_cache.store(root, snapshot, knowledge)
    again = kb_cache.cached(root, scan_kb(root).snapshot())
    assert again is not None and again is not knowledge
    assert again.entities.keys() == knowledge.entities.keys()
    assert again.get("acme").name == "Acme" and again.problems == knowledge.problems


def test_a_changed_file_or_folder_or_damaged_copy_is_refused(tmp_path, monkeypatch) -> None:
    root = write_kb(tmp_path / "kb", FILES)
    snapshot = scan_kb(root).snapshot()
    kb_cache.store(root, snapshot, load_kb(root))
    write_kb(root, {"v.yaml": FILES["v.yaml"].replace("Acme", "Acme Corp")})
    assert kb_cache.cached(root, scan_kb(root).snapshot()) is None
    kb_cache.store(root, scan_kb(root).snapshot(), load_kb(root))
    assert kb_cache.cached(root, scan_kb(root).snapshot()) is not None
    monkeypatch.chdir(tmp_path)  # problem paths are relative to the folder the app runs in
    assert kb_cache.cached(root, scan_kb(root).snapshot()) is None
    monkeypatch.setenv("CHIPKB_MAX_DEPTH", "7")
    assert kb_cache.cached(root, scan_kb(root).snapshot()) is None
    monkeypatch.delenv("CHIPKB_MAX_DEPTH")
    monkeypatch.chdir(os.path.dirname(__file__))
    kb_cache.store(root, scan_kb(root).snapshot(), load_kb(root))
    kb_cache.cache_file(root).write_bytes(b"\x80\x05not a pickle")
    assert kb_cache.cached(root, scan_kb(root).snapshot()) is None


async def test_the_second_start_uses_the_copy(start_app) -> None:
    async with start_app(APP_KB) as (first, _):
        await first.workers.wait_for_complete()
    assert kb_cache.cached(APP_KB, scan_kb(APP_KB).snapshot()) is not None
    async with start_app(APP_KB) as (second, _):
        assert not [w for w in second.workers if w.group == "load"]  # no loading worker was needed
        assert second.session.kb.entities.keys() == first.session.kb.entities.keys()


def test_the_first_start_of_chipkb_leaves_a_copy_of_the_whole_kb(tmp_path) -> None:
    """`chipkb tui` on a KB big enough to be read in two processes (kb.store.split_read): the
    child goes on to write the app's copy after the app has its part; the copy is the whole KB,
    problems included, and the next start takes it."""
    import subprocess
    import sys
    import time

    from kb.store.split_read import SPLIT_BYTES
    from tests.support.kb_files import synthetic_kb

    root = synthetic_kb(tmp_path / "kb", claims=2500)
    write_kb(root, {"broken.yaml": "claims:\n  - {id: broken\n"})
    assert sum(p.stat().st_size for p in root.rglob("*.yaml")) >= SPLIT_BYTES
    done = subprocess.run(  # `python -m tui`: the code this test reads the copy with (the stamp holds it)
        [sys.executable, "-m", "tui", "tui", "--kb", str(root)],
        env={**os.environ, "CHIPKB_EXIT_WHEN_READY": "1"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    snapshot = scan_kb(root).snapshot()
    for _ in range(200):
        copy = kb_cache.cached(root, snapshot)
        if copy is not None:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("no copy of the KB was written")
    loaded = load_kb(root)
    assert list(copy.entities.values()) == list(loaded.entities.values())
    assert copy.problems == loaded.problems and loaded.errors


def test_the_child_keeps_no_copy_of_a_kb_that_changed_while_it_read(tmp_path) -> None:
    """The copy the first load's child writes (tui.first_load) is of the KB as scanned at the start:
    edited since, the app reloads it and keeps the newer copy itself, so the child writes none."""
    from kb.store.load import read_kb_files
    from tui.first_load import FirstLoad

    root = write_kb(tmp_path / "kb", FILES)
    first = FirstLoad(root, fork=False)
    loaded = read_kb_files(root)
    (root / "v.yaml").write_text(FILES["v.yaml"] + "  - {id: other, name: Other, kind: foundry}\n", encoding="utf-8")
    first._keep(loaded)
    assert not kb_cache.cache_file(root).exists()
    (root / "v.yaml").write_text(FILES["v.yaml"], encoding="utf-8")
    again = FirstLoad(root, fork=False)
    again._keep(read_kb_files(root))
    assert kb_cache.cached(root, again.snapshot) is not None
