"""The index's update step: after any change to the KB, one update makes the index answer exactly as
an index built from nothing would (every hit kept, duplicates included: a set would hide a claim
found twice), without a rebuild or a notice; and the open after it is the cheap one again (no
look for changes, no file hashed).

These are the cases the mutation run of `index-update` (docs/mutation-testing.md) found untested."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kb.search import index as index_module
from kb.search.engine import SearchEngine
from tests.support import search_kb
from tests.support.search_kb import CLAIMS, MORE_CLAIMS, make_kb

#: A chip defined in a file of its own, and a claim about it in another: the claim's documents
#: carry the chip's name, so they depend on the chip's file.
ZEPHYR_CHIP = """\
chips:
  - id: zephyr
    name: Zephyr Engine
    vendor: gpu-maker
    kind: gpu
"""
ZEPHYR_CLAIM = """\
claims:
  - id: c-zephyr
    statement: The next chip will bring the cost down.
    subjects: [zephyr]
    source: en-report
    excerpt: Amazon's engineers say memory bandwidth, not raw compute, limits training.
    kind: forecast
"""
#: Queries whose answers cover every claim, the text file, the edited words and the chip's name.
QUERIES = ("type:claim", "type:source", "bandwidth", "benchmark", "bake-off", "Zephyr type:claim", "tag:price")


def save(path: Path, text: str) -> None:
    """Write `path` and date it 10 s ago: long enough that its stat is trusted (RACY_NS)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    past = time.time_ns() - 10 * 10**9
    os.utime(path, ns=(past, past))


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    root = make_kb(tmp_path / "kb")
    (root / "chips-zephyr.yaml").write_text(ZEPHYR_CHIP, encoding="utf-8")
    (root / "claims" / "zephyr.yaml").write_text(ZEPHYR_CLAIM, encoding="utf-8")
    (root / "notes.txt").write_text("Not part of the KB: no source names it.\n", encoding="utf-8")
    past = time.time_ns() - 60 * 10**9  # every file last saved a minute ago: no stat is racy
    for path in root.rglob("*"):
        os.utime(path, ns=(past, past))
    return root


def hits(kb_root: Path, query: str, notices: list[str] | None = None) -> list[str]:
    """Every hit's id, duplicates kept, in a stable order (the ranking of an index updated in
    place and of a fresh one may break ties differently)."""
    return sorted(search_kb.hits(kb_root, query, notices))


def fresh_hits(kb_root: Path, query: str, cache: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The same query on an index built from nothing, in another cache folder."""
    return sorted(search_kb.fresh_hits(kb_root, query, cache, monkeypatch))


class Calls:
    """Counts calls of the index's steps: looking for changes, hashing a file, building anew."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.diffs = 0
        self.hashed: list[str] = []
        self.builds = 0
        real_diff, real_read_entry, real_build = (
            index_module._diff,
            index_module._read_entry,
            index_module.SearchIndex._build,
        )

        def diff(*args: Any) -> index_module._Changes:
            self.diffs += 1
            return real_diff(*args)

        def read_entry(path: str) -> dict[str, Any] | None:
            self.hashed.append(os.path.basename(path))
            return real_read_entry(path)

        def build(index: index_module.SearchIndex, scan: Any) -> Any:
            self.builds += 1
            return real_build(index, scan)

        monkeypatch.setattr(index_module, "_diff", diff)
        monkeypatch.setattr(index_module, "_read_entry", read_entry)
        monkeypatch.setattr(index_module.SearchIndex, "_build", build)


def edit_a_claim(root: Path) -> None:
    edited = MORE_CLAIMS.replace("benchmark compares the cost of training", "bake-off weighs the price of learning")
    save(root / "claims/more.yaml", edited.replace("[cost]", "[price]"))


def touch_a_claims_file(root: Path) -> None:
    save(root / "claims/claims.yaml", CLAIMS)


def delete_a_claims_file(root: Path) -> None:
    (root / "claims/more.yaml").unlink()


def edit_the_text_file(root: Path) -> None:
    text = (root / "sources/en-report.md").read_text(encoding="utf-8")
    save(root / "sources/en-report.md", text.replace("memory bandwidth", "memory speed"))


def delete_the_text_file(root: Path) -> None:
    (root / "sources/en-report.md").unlink()


def touch_an_unrelated_file(root: Path) -> None:
    save(root / "notes.txt", (root / "notes.txt").read_text(encoding="utf-8"))


def add_an_unrelated_file(root: Path) -> None:
    save(root / "more-notes.txt", "Also not part of the KB.\n")


def delete_a_chip_others_refer_to(root: Path) -> None:
    (root / "chips-zephyr.yaml").unlink()


def add_a_chip_others_refer_to(root: Path) -> None:
    save(root / "chips-zephyr.yaml", ZEPHYR_CHIP)


def rename_a_chip_others_refer_to(root: Path) -> None:
    save(root / "chips-zephyr.yaml", ZEPHYR_CHIP.replace("Zephyr Engine", "Mistral Engine"))


CHANGES: list[tuple[Callable[[Path], None] | None, Callable[[Path], None]]] = [
    (None, edit_a_claim),
    (None, touch_a_claims_file),
    (None, delete_a_claims_file),
    (None, edit_the_text_file),
    (None, delete_the_text_file),
    (None, touch_an_unrelated_file),
    (None, add_an_unrelated_file),
    (None, delete_a_chip_others_refer_to),
    (delete_a_chip_others_refer_to, add_a_chip_others_refer_to),
    (None, rename_a_chip_others_refer_to),
]


@pytest.mark.parametrize(("before", "change"), CHANGES, ids=[change.__name__ for _, change in CHANGES])
def test_one_update_answers_as_a_fresh_index_and_the_next_open_is_cheap(
    before: Callable[[Path], None] | None,
    change: Callable[[Path], None],
    kb_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if before is not None:
        before(kb_root)
    hits(kb_root, "type:claim")  # the index as it was
    change(kb_root)
    notices: list[str] = []
    calls = Calls(monkeypatch)
    updated = {query: hits(kb_root, query, notices) for query in QUERIES}  # the first is the update
    assert (notices, calls.builds) == ([], 0), "an update, not a rebuild"
    assert calls.diffs == 1
    assert "notes.txt" not in calls.hashed and "more-notes.txt" not in calls.hashed  # no source names them
    calls.diffs, calls.hashed = 0, []
    hits(kb_root, "type:claim", notices)
    assert (calls.diffs, calls.hashed, calls.builds, notices) == (0, [], 0, []), "the next open is the cheap one"
    monkeypatch.undo()
    fresh = {query: fresh_hits(kb_root, query, tmp_path / "fresh", monkeypatch) for query in QUERIES}
    assert updated == fresh
    claims = updated["type:claim"]
    assert len(claims) == len(set(claims))


def test_a_file_gone_while_it_is_parsed_and_back_later_is_indexed(
    kb_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest's entry for a file the update could not read (deleted between the scan and
    the parse) makes the next open read it again, whatever it holds then."""
    hits(kb_root, "type:claim")
    edit_a_claim(kb_root)
    real_parse = index_module._parse

    def deleted_first(root: Any, rel: str) -> index_module._Parsed:
        if rel == "claims/more.yaml":
            (kb_root / rel).unlink()
        return real_parse(root, rel)

    notices: list[str] = []
    with monkeypatch.context() as patch:
        patch.setattr(index_module, "_parse", deleted_first)
        assert "c-benchmark" not in hits(kb_root, "type:claim", notices)
    save(kb_root / "claims/more.yaml", MORE_CLAIMS.replace("compares the cost", "contrasts the cost"))
    assert hits(kb_root, "contrasts", notices) == ["c-benchmark"]
    assert notices == []
    for query in QUERIES:
        assert hits(kb_root, query) == fresh_hits(kb_root, query, tmp_path / "fresh", monkeypatch), query


def test_refresh_sees_each_of_several_changes(kb_root: Path) -> None:
    engine = SearchEngine.open(kb_root)
    try:
        for word in ("weighs", "contrasts", "measures"):
            save(kb_root / "claims/more.yaml", MORE_CLAIMS.replace("compares the cost", f"{word} the cost"))
            assert engine.refresh() is True, word
            assert [hit.id for hit in engine.search(word).hits] == ["c-benchmark"]
        assert engine.refresh() is False
    finally:
        engine.close()


def test_claims_indexed_again_for_late_facts_are_there_once_and_leave_with_their_file(tmp_path: Path) -> None:
    """A full build indexes a file again when facts it uses turn up later (a file of chips the
    first look for facts missed): its first documents must go, and the second ones must be
    deleted with the file's next edit."""
    root = make_kb(tmp_path / "kb")
    chips = (root / "chips.yaml").read_text(encoding="utf-8")
    (root / "chips.yaml").unlink()
    # a quoted key hides the file from the first look for facts, and it sorts after the claims
    (root / "zz-chips.yaml").write_text(chips.replace("chips:", '"chips":', 1), encoding="utf-8")
    claims = hits(root, "type:claim")
    assert claims == ["c-benchmark", "c-gpu-reliance", "c-inference-cost", "c-supply", "c-vertical"]
    assert hits(root, "Trainium type:claim") == ["c-benchmark", "c-inference-cost"]
    assert hits(root, '"compares the cost of training"') == ["c-benchmark"]
    save(root / "claims/more.yaml", MORE_CLAIMS.replace("compares the cost", "weighs the cost"))
    assert hits(root, "type:claim") == claims
    assert hits(root, "Trainium type:claim") == ["c-benchmark", "c-inference-cost"]
    assert hits(root, '"compares the cost of training"') == []
    assert hits(root, '"weighs the cost of training"') == ["c-benchmark"]
