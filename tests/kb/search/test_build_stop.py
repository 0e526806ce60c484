"""A full index build asked to stop (the app quitting mid-build) stops between files and keeps
nothing of itself; the next open builds the index whole."""

from __future__ import annotations

import os

import pytest

from kb.search.engine import SearchEngine
from kb.search.index import BuildStopped, SearchIndex
from tests.support.kb_files import synthetic_kb, write_kb


def test_a_stopped_build_leaves_no_index_and_the_next_open_builds_it(tmp_path) -> None:
    root = synthetic_kb(tmp_path / "kb", claims=2500)
    vendor = "vendors:\n  - {{id: extra-{n}, name: Extra {n}, kind: foundry}}\n"
    write_kb(root, {f"more/v{n}.yaml": vendor.format(n=n) for n in range(20)})
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 3  # after three files

    index = SearchIndex(root, stop=stop)
    with pytest.raises(BuildStopped):
        index.open()
    assert len(asked) == 4
    assert sorted(os.listdir(index.home)) == ["lock"]  # no CURRENT, no half build
    engine = SearchEngine.open(root)
    try:
        assert [hit.id for hit in engine.search("id:extra-19").hits] == ["extra-19"]
        assert engine.search("type:claim").total == 2500
    finally:
        engine.close()
