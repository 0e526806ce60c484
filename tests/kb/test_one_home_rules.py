"""Each rule has one home, and every reader follows it: the KB-folder scanner (loader, index, the
app's watcher), the excerpt rule (validator and the app's excerpt finder), the figure formatter
(show, compare, notes, the index, JSON-free text everywhere), slugs and "did you mean"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.notes.render import comparison_note, entity_note
from kb.notes.show_text import render_entity
from kb.search.engine import SearchEngine
from kb.store.figures import format_number, format_spec
from kb.store.knowledge import load_kb
from kb.store.load import read_kb_files
from kb.store.model import Spec
from kb.store.scan import scan_kb
from kb.text.passages import contains_excerpt, find_excerpt, normalise_whitespace
from kb.text.slugs import is_slug, slugify
from kb.text.suggest import close_matches, did_you_mean
from kb.views.compare import compare
from tests.support.kb_files import write_kb

VENDOR = "vendors:\n  - {id: acme, name: Acme, kind: chip-designer}\n"
SOURCE = "sources:\n  - {id: src, title: Launch, language: en, text: 'The chip is fast.'}\n"


def chip(chip_id: str, specs: str = "") -> str:
    return f"chips:\n  - id: {chip_id}\n    name: {chip_id.title()}\n    vendor: acme\n    kind: gpu\n{specs}"


# --- the KB-folder scanner ----------------------------------------------------------------------


@pytest.fixture
def odd_folder(tmp_path: Path) -> Path:
    """A KB folder holding every kind of entry the scanner must decide about."""
    root = write_kb(
        tmp_path / "kb",
        {
            "z-vendors.yaml": VENDOR,
            "a-source.yml": SOURCE,
            "chips/one.yaml": chip("one"),
            ".hidden.yaml": chip("hidden"),
            ".git/x.yaml": chip("in-git"),
            "notes.md": "not YAML",
        },
    )
    outside = write_kb(tmp_path / "outside", {"far.yaml": chip("far")})
    (root / "linked-out.yaml").symlink_to(outside / "far.yaml")
    (root / "linked-dir").symlink_to(outside, target_is_directory=True)
    os.mkfifo(root / "pipe.yaml")  # a FIFO: reading it would wait forever
    return root


def test_the_scanner_lists_regular_visible_files_in_reading_order(odd_folder: Path) -> None:
    scan = scan_kb(odd_folder)
    assert list(scan.yaml) == ["a-source.yml", "z-vendors.yaml", "chips/one.yaml"]
    assert list(scan.other) == ["notes.md"]
    assert scan.outside == ["linked-out.yaml"]
    assert [(path, why) for path, why, _ in scan.skipped] == [("pipe.yaml", "not a regular file (a FIFO); not read")]
    # the watcher sees every file, and what was skipped too (so a FIFO replaced by a file is noticed)
    assert set(scan.snapshot()) == {"a-source.yml", "z-vendors.yaml", "chips/one.yaml", "notes.md", "pipe.yaml"}


def test_the_loader_reads_what_the_scanner_lists(odd_folder: Path) -> None:
    loaded = read_kb_files(odd_folder)
    assert loaded.files == [odd_folder / rel for rel in scan_kb(odd_folder).yaml]
    assert {e.id for e in loaded.entities} == {"acme", "src", "one"}
    assert sorted(p.message for p in loaded.problems) == [
        "not a regular file (a FIFO); not read",
        "symlink points outside the KB folder; not read",
    ]


def test_the_index_holds_what_the_loader_reads(odd_folder: Path) -> None:
    engine = SearchEngine.open(odd_folder)
    try:
        found = {hit.id for hit in engine.search("type:chip", limit=50).hits}
    finally:
        engine.close()
    assert found == {e.id for e in load_kb(odd_folder).chips} == {"one"}


def test_validate_does_not_wait_on_a_fifo(odd_folder: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kb", "validate", "--kb", str(odd_folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr  # the symlink leading outside and the FIFO are problems
    assert "linked-out.yaml:1:1: symlink points outside the KB folder; not read" in result.stdout
    assert "pipe.yaml:1:1: not a regular file (a FIFO); not read" in result.stdout


# --- excerpts -----------------------------------------------------------------------------------

_WORDS = st.text(alphabet="ab 推論\n\t　", min_size=0, max_size=30)


@settings(max_examples=300, deadline=None)
@given(text=_WORDS, excerpt=_WORDS)
def test_the_validator_and_the_app_find_the_same_excerpts(text: str, excerpt: str) -> None:
    found = find_excerpt(text, excerpt)
    assert contains_excerpt(normalise_whitespace(text), excerpt) == (found is not None)
    if found is not None:
        start, end = found
        assert normalise_whitespace(text[start:end]) == normalise_whitespace(excerpt)


def test_a_blank_excerpt_is_never_found() -> None:
    assert not contains_excerpt("some text", "  \n ")
    assert find_excerpt("some text", "  \n ") is None


# --- figures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(1234567.0, "1234567"), (1.5e-7, "0.00000015"), (2e15, "2000000000000000"), (47.25, "47.25")],
)
def test_a_number_is_never_written_in_exponent_notation(value: float, text: str) -> None:
    assert format_number(value) == text


def test_format_spec_keeps_the_stated_unit_and_marks_estimates() -> None:
    assert format_spec(Spec("hbm-capacity", "GiB", "s", value=32)) == "32 GiB (34.36 GB)"
    assert format_spec(Spec("tdp", "W", "s", value=500, status="estimate")) == "500 W (estimate)"
    assert format_spec(Spec("tdp", "W", "s", status="not-disclosed")) == "not disclosed"


def test_no_output_writes_a_large_or_small_figure_in_exponent_notation(tmp_path: Path) -> None:
    specs = (
        "    specs:\n"
        "      - {name: transistors, value: 1234567.0, unit: billion, source: src}\n"
        "      - {name: hbm-bandwidth, value: 0.0000015, unit: TB/s, source: src}\n"
    )
    root = write_kb(
        tmp_path / "kb", {"v.yaml": VENDOR, "s.yaml": SOURCE, "c.yaml": chip("big", specs), "d.yaml": chip("other")}
    )
    kb = load_kb(root)
    assert not kb.errors, kb.problems
    big = kb.entities["big"]
    shown = {
        "show": render_entity(kb, big),
        "note": entity_note(kb, big),
        "compare note": comparison_note(kb, compare(kb, ["big"])),
    }
    show_json = subprocess.run(
        [sys.executable, "-m", "kb", "compare", "big", "other", "--kb", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    shown["compare"] = show_json.stdout
    engine = SearchEngine.open(root)
    try:
        shown["index"] = " ".join(hit.snippet for hit in engine.search("transistors", limit=5).hits)
    finally:
        engine.close()
    for where, text in shown.items():
        assert "e+" not in text and "e-0" not in text, (where, text)
        assert "1234567" in text, (where, text)
    assert "0.0000015" in shown["show"]


# --- slugs and suggestions ----------------------------------------------------------------------


def test_slugify_makes_slugs() -> None:
    assert slugify("Trainium 2 (Trn2)") == "trainium-2-trn2"
    assert is_slug(slugify("  TPU v5e / Pod  "))
    assert not is_slug("Trn2") and not is_slug("-x") and is_slug("b200")


def test_suggestions_are_close_distinct_and_never_the_word_itself() -> None:
    assert close_matches("alpah", ["alpha", "alpha", "alpah", "beta"], n=3) == ["alpha"]
    assert did_you_mean("alpah", ["alpha", "alphas", "beta"], n=2) == " (did you mean 'alpha' or 'alphas'?)"
    assert did_you_mean("zzz", ["alpha"]) == ""


def test_every_command_suggests_the_same_way(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb", {"v.yaml": VENDOR, "s.yaml": SOURCE, "c.yaml": chip("alpha")})

    def chipkb(*argv: str) -> str:
        result = subprocess.run([sys.executable, "-m", "kb", *argv, "--kb", str(root)], capture_output=True, text=True)
        return result.stderr.strip()

    assert chipkb("show", "alpah") == "chipkb: no entity with id or name 'alpah' (did you mean 'alpha'?)"
    assert chipkb("compare", "alpha", "alpah") == "chipkb: no chip with id or name 'alpah' (did you mean 'alpha'?)"
    specs = "    specs:\n      - {name: bf16-dens, value: 1, unit: TFLOPS, source: src}\n"
    broken = write_kb(tmp_path / "broken", {"v.yaml": VENDOR, "s.yaml": SOURCE, "c.yaml": chip("beta", specs)})
    result = subprocess.run(
        [sys.executable, "-m", "kb", "validate", "--kb", str(broken), "--json"], capture_output=True, text=True
    )
    messages = [p["message"] for p in json.loads(result.stdout)["problems"]]
    assert any("(did you mean 'bf16-dense'?)" in m for m in messages), messages
