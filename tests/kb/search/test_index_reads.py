"""The index is never silently wrong: what it records of a file (size, mtime, hash) is what it
indexed, read once; an edited file's old documents are gone (no duplicates, no stale text); any
failure reading the index means one rebuild and one line."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from kb.search import index as index_module
from kb.search.engine import SearchEngine
from tests.support.search_kb import MORE_CLAIMS, fresh_hits, hits, make_kb

BEFORE = "The Trn1-vs-A100 benchmark compares"
AFTER = "A bake-off compares"
EDITED = "claims/more.yaml"


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    root = make_kb(tmp_path / "kb")
    past = time.time_ns() - 60 * 10**9  # every file last saved a minute ago: no stat is racy
    for path in root.rglob("*"):
        os.utime(path, ns=(past, past))
    return root


def save_as_an_editor_does(path: Path, text: str, mtime_ns: int) -> None:
    """A temporary file renamed over the old one, with its own mtime."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.utime(temporary, ns=(mtime_ns, mtime_ns))
    os.replace(temporary, path)


@pytest.mark.parametrize("when", ["between the scan and the parse", "just after the parse"])
def test_a_save_while_the_index_reads_the_file_is_indexed_next_time(
    when: str, kb_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hits(kb_root, "benchmark") == ["c-benchmark", "en-report"]
    first_edit = MORE_CLAIMS.replace(BEFORE, "A first draft compares")
    save_as_an_editor_does(kb_root / EDITED, first_edit, time.time_ns() - 30 * 10**9)
    real_parse = index_module._parse
    saved: list[str] = []

    def parse_while_saving(root: Path, rel: str) -> index_module._Parsed:
        second_edit = MORE_CLAIMS.replace(BEFORE, AFTER)  # another size: its stat differs too
        if rel == EDITED and not saved and when == "between the scan and the parse":
            saved.append(rel)
            save_as_an_editor_does(kb_root / rel, second_edit, time.time_ns() - 20 * 10**9)
        result = real_parse(root, rel)
        if rel == EDITED and not saved and when == "just after the parse":
            saved.append(rel)
            save_as_an_editor_does(kb_root / rel, second_edit, time.time_ns() - 20 * 10**9)
        return result

    monkeypatch.setattr(index_module, "_parse", parse_while_saving)
    hits(kb_root, "draft")  # the update during which the editor saves again
    assert saved == [EDITED]
    monkeypatch.setattr(index_module, "_parse", real_parse)
    for query in ("bake-off", "draft", "type:claim"):
        assert hits(kb_root, query) == fresh_hits(kb_root, query, tmp_path / "fresh", monkeypatch), query
    assert hits(kb_root, "bake-off") == ["c-benchmark"]
    assert hits(kb_root, "draft") == []


def test_a_same_size_save_within_the_mtime_tick_of_the_read_is_noticed(
    kb_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file saved again so soon after it was read that its size and mtime do not move: its
    stat was not trusted (RACY_NS), so the next open hashes it and finds the change."""
    monkeypatch.setattr(index_module, "RACY_NS", 10 * 10**9)  # whatever this machine's speed
    path = kb_root / EDITED
    now = time.time_ns()
    os.utime(path, ns=(now, now))
    assert hits(kb_root, "benchmark") == ["c-benchmark", "en-report"]
    same_size = MORE_CLAIMS.replace("benchmark compares", "benchmark contrasts")[: len(MORE_CLAIMS)]
    assert len(same_size) == len(MORE_CLAIMS) and same_size != MORE_CLAIMS
    path.write_text(same_size, encoding="utf-8")
    os.utime(path, ns=(now, now))  # the same tick: size and mtime as before
    assert hits(kb_root, "contrasts") == ["c-benchmark"]


def test_an_edited_file_leaves_no_old_document_behind(kb_root: Path) -> None:
    claims = hits(kb_root, "type:claim")
    assert len(claims) == len(set(claims)) == 5
    assert hits(kb_root, '"cost of training"') == ["c-benchmark"]
    assert "c-benchmark" in hits(kb_root, "tag:cost")
    edited = MORE_CLAIMS.replace("the cost of training", "the price of learning").replace("[cost]", "[price]")
    (kb_root / EDITED).write_text(edited, encoding="utf-8")
    os.utime(kb_root / EDITED, ns=(time.time_ns() - 10**9,) * 2)
    again = hits(kb_root, "type:claim")
    assert sorted(again) == sorted(claims)  # each claim once: the edited file's old documents are deleted
    assert len(again) == len(set(again))
    assert hits(kb_root, '"price of learning"') == ["c-benchmark"]
    assert hits(kb_root, '"cost of training"') == []  # the old statement matches no more
    assert "c-benchmark" not in hits(kb_root, "tag:cost")
    assert hits(kb_root, "tag:price") == ["c-benchmark"]


def test_a_deleted_file_leaves_no_document_behind(kb_root: Path) -> None:
    assert "c-benchmark" in hits(kb_root, "type:claim")
    (kb_root / EDITED).unlink()
    assert "c-benchmark" not in hits(kb_root, "type:claim")
    assert hits(kb_root, "bake-off OR benchmark") == ["en-report"]


def _corrupt() -> Exception:
    from whoosh.reading import CorruptIndexError

    return CorruptIndexError("Bad postings block tag b'' at offset 1 in 'MAIN_x.pst' (expected b'W3Bl')")


@pytest.mark.parametrize(
    ("error", "name"),
    [
        (_corrupt, "whoosh.reading.CorruptIndexError"),
        (lambda: KeyError("id"), "KeyError"),
        (lambda: UnicodeDecodeError("utf-8", b"\xab", 0, 1, "invalid start byte"), "UnicodeDecodeError"),
        (lambda: ModuleNotFoundError("No module named 'kb.search.\x01nalysis'"), "ModuleNotFoundError"),
    ],
)
def test_any_failure_reading_the_index_rebuilds_it_once_with_one_line(error, name: str, kb_root: Path) -> None:
    notices: list[str] = []
    engine = SearchEngine.open(kb_root, notice=notices.append)
    broken = engine._searcher

    def fail(*args: object, **kwargs: object) -> None:
        raise error()

    broken.search_with_collector = fail  # type: ignore[method-assign]
    try:
        assert [hit.id for hit in engine.search("MI300X").hits] == ["mi300x"]
        assert notices == [f"the search index was damaged ({name}); rebuilding it"]
    finally:
        engine.close()


def test_bytes_flipped_inside_the_index_never_give_a_traceback(kb_root: Path) -> None:
    """Damage that keeps each file's size and mtime: every search answers, rebuilding when it must."""
    import shutil

    from kb.locations import index_folder

    queries = ("benchmark", "推論", "type:chip", "trainum~", "infer*", '"supply chain"', "EXC AND gpu")
    expected = {query: hits(kb_root, query) for query in queries}
    home = Path(index_folder(kb_root))
    pristine = home.parent / "pristine"
    shutil.copytree(home, pristine)
    rng = random.Random(16)
    for _ in range(12):
        shutil.rmtree(home)
        shutil.copytree(pristine, home)
        segments = sorted(p for p in home.glob("ix-*/*") if p.suffix in (".seg", ".toc"))
        target = rng.choice(segments)
        info = target.stat()
        data = bytearray(target.read_bytes())
        for _ in range(rng.choice((1, 8, 64))):
            data[rng.randrange(len(data))] = rng.randrange(256)
        target.write_bytes(bytes(data))
        os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
        notices: list[str] = []
        engine = SearchEngine.open(kb_root, notice=notices.append)
        try:
            for query in queries:
                found = [hit.id for hit in engine.search(query, limit=100).hits]
                if notices:  # rebuilt: from then on the answers are the fresh index's
                    assert found == expected[query] or query in ("trainum~",), query
        finally:
            engine.close()
        assert all(notice.count("\n") == 0 for notice in notices)
