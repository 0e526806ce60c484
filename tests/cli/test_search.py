"""`chipkb search`: JSON, plain lines, a table on a terminal, exit codes, and what it does not load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli.main import main
from kb.locations import index_dir
from tests.support.kb_files import write_kb
from tests.support.paths import REPO
from tests.support.search_kb import make_kb


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return make_kb(tmp_path / "kb")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_hits_with_highlights_and_the_query(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "--kb", str(kb_root), "垂直統合", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) == {
        "version",
        "query",
        "total",
        "offset",
        "more",
        "partial",
        "hits",
        "unmatched_terms",
        "suggestions",
    }
    assert (data["query"], data["total"], data["unmatched_terms"], data["suggestions"]) == ("垂直統合", 2, [], {})
    assert (data["offset"], data["more"], data["partial"]) == (0, False, False)
    hit = data["hits"][0]
    keys = {"id", "type", "title", "title_highlights", "score", "snippet", "highlights", "passage", "line"}
    keys |= {"more", "missing", "matched"}
    assert set(hit) == keys
    assert [hit["snippet"][s:e] for s, e in hit["highlights"]] == ["垂直統合"]
    assert sorted((h["type"], h["id"], h["passage"]) for h in data["hits"]) == [
        ("claim", "c-vertical", None),
        ("source", "ja-article", 2),
    ]


def test_piped_output_is_one_tab_separated_line_a_hit(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "--kb", str(kb_root), "type:chip", "--limit", "2")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 2
    for line in lines:
        kind, entity_id, title, _ = line.split("\t")
        assert kind == "chip" and entity_id in {"b200-sxm", "tpu-v5e", "mi300x", "trn1"} and title


def test_several_words_are_one_query_and_type_narrows_it(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "--kb", str(kb_root), "B200", "(SXM)", "--type", "claim")
    assert code == 0
    assert [line.split("\t")[1] for line in out.splitlines()] == ["c-gpu-reliance"]


def test_on_a_terminal_the_table_shows_kb_text_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_kb(tmp_path / "kb")
    write_kb(
        root,
        {
            "claims/markup.yaml": """\
claims:
  - id: c-markup
    statement: "[red]Accelerators[/red] in \\e[31mred"
    subjects: [mi300x]
    source: en-report
    excerpt: memory bandwidth, not raw compute, limits training
    kind: analysis
"""
        },
    )
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(capsys, "search", "--kb", str(root), "accelerators", "--type", "claim")
    assert code == 0
    assert "[red]Accelerators[/red]" in out.replace("\x1b[1;7m", "").replace("\x1b[0m", "")
    assert "\\x1b[31m" in out and "\x1b[31m" not in out
    assert "\x1b[1;7mAccelerators" in out  # the match is styled, not marked up


def test_markdown_prints_the_hits_as_one_note_and_out_writes_it(
    kb_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "search", "--kb", str(kb_root), "垂直統合", "--type", "claim", "--markdown")
    assert (code, err) == (0, "")
    assert out.startswith("---\n") and "type: search" in out
    assert "[[c-vertical|" in out and "垂直統合" in out
    note = tmp_path / "notes" / "search.md"
    note.parent.mkdir()
    code, out, _ = run(capsys, "search", "--kb", str(kb_root), "垂直統合", "--type", "claim", "--out", str(note))
    assert (code, out) == (0, f"wrote {note}\n")
    assert "[[c-vertical|" in note.read_text(encoding="utf-8")
    assert run(capsys, "search", "--kb", str(kb_root), "垂直統合", "--type", "claim", "--out", str(note))[1] == (
        f"unchanged {note}\n"
    )


def test_a_note_is_never_written_into_the_kb_folder(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "--kb", str(kb_root), "MI300X", "--out", str(kb_root / "note.md"))
    assert (code, out) == (1, "")
    assert "inside the KB folder" in err
    assert not (kb_root / "note.md").exists()


def test_no_hits_exits_1_naming_the_terms_and_what_was_meant(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "search", "--kb", str(kb_root), "trainum")
    assert (code, out) == (1, "")
    assert err == "chipkb: no hits: nothing matches trainum (did you mean trainium?)\n"
    code, out, err = run(capsys, "search", "--kb", str(kb_root), "MI300X AND 垂直統合", "--json")
    assert code == 1 and json.loads(out)["total"] == 0
    assert err == "chipkb: no hits: each term matches something, but no document matches the whole query\n"


def test_an_offset_past_the_last_hit_is_an_empty_page_not_a_miss(
    kb_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "search", "--kb", str(kb_root), "trainium", "--json")
    total = json.loads(out)["total"]
    assert code == 0 and total > 1
    for form in (["--json"], ["--format", "csv"], []):
        code, out, err = run(capsys, "search", "--kb", str(kb_root), "trainium", "--offset", str(total), *form)
        assert code == 0, form
        last = total - 1
        assert err == f"chipkb: note: no hits from --offset {total} on: the query has {total} (offsets 0 to {last})\n"
        if form == ["--json"]:
            document = json.loads(out)
            assert (document["hits"], document["total"], document["more"]) == ([], total, False)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["vendr:aws"], "chipkb: error: unknown field vendr:"),
        (['"supply chain'], "chipkb: error: a phrase is not closed"),
        (["year:2030..2020"], "chipkb: error: year:2030..2020 ends before it starts"),
        (["x", "--limit", "0"], "chipkb: error: argument --limit: must be 1 or more"),
        (["x", "--type", "gadget"], "chipkb: error: argument --type: invalid choice"),
    ],
)
def test_a_malformed_query_or_option_exits_2_with_one_line(
    kb_root: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "search", "--kb", str(kb_root), *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1


def test_a_missing_kb_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "search", "--kb", str(tmp_path / "nowhere"), "x")
    assert code == 2 and "no such folder" in err


def test_a_damaged_index_is_rebuilt_with_a_notice_and_the_search_answers(
    kb_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "search", "--kb", str(kb_root), "MI300X")[0] == 0
    home = index_dir(kb_root)
    segment = next((home / json.loads((home / "CURRENT").read_text(encoding="utf-8"))).glob("*.seg"))
    segment.write_bytes(b"\0" * 100)
    code, out, err = run(capsys, "search", "--kb", str(kb_root), "MI300X")
    assert code == 0 and out.startswith("chip\tmi300x\t")
    assert err == "chipkb: the search index was unusable (its files were changed or cut short); rebuilding it\n"


def test_without_a_hit_holding_every_word_the_ones_with_most_come_back_saying_what_they_lack(
    kb_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "search", "--kb", str(kb_root), "MI300X 垂直統合", "--json")
    data = json.loads(out)
    assert (code, err, data["partial"]) == (0, "", True)
    assert {hit["id"]: hit["missing"] for hit in data["hits"]} == {
        "mi300x": ["垂直", "統合"],
        "c-vertical": ["mi300x"],
        "ja-article": ["mi300x"],
    }
    code, out, err = run(capsys, "search", "--kb", str(kb_root), "MI300X 垂直統合")
    assert code == 0 and "(missing: 垂直, 統合)" in out
    assert (
        err == "chipkb: no hit holds every word of the query: these hold the most of them (each says what it lacks)\n"
    )


def test_a_source_is_one_row_and_passages_lists_its_other_matching_passages(
    kb_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "search", "--kb", str(kb_root), "推論", "--type", "source")
    assert code == 0
    assert out.splitlines()[0].startswith("source\tja-article\t") and out.splitlines()[0].endswith("(+1 more passage)")
    code, out, _ = run(capsys, "search", "--kb", str(kb_root), "推論", "--type", "source", "--json", "--passages")
    (hit,) = json.loads(out)["hits"]
    assert (hit["id"], hit["passage"], hit["more"]) == ("ja-article", 1, 1)
    assert [(p["passage"], p["snippet"][s:e]) for p in hit["passages"] for s, e in p["highlights"]] == [(2, "推論")]


def test_json_says_what_a_hit_matched_besides_its_text(kb_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "--kb", str(kb_root), "EXC", "--json")
    hit = next(hit for hit in json.loads(out)["hits"] if hit["id"] == "example-cloud")
    assert code == 0 and hit["matched"] == [{"field": "alias", "text": "EXC", "highlights": [[0, 3]]}]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("hbm-capacity>=100W", "chipkb: error: hbm-capacity>=100W: unit 'W' does not fit figure 'hbm-capacity'"),
        ("hbm-capcity>=100GB", "chipkb: error: hbm-capcity>=100GB: unknown figure 'hbm-capcity' (did you mean"),
        ("announced>=24", "chipkb: error: announced>=24: '24' is not a date"),
    ],
)
def test_a_figure_filter_mistake_exits_2_with_one_line(
    kb_root: Path, capsys: pytest.CaptureFixture[str], query: str, message: str
) -> None:
    code, out, err = run(capsys, "search", "--kb", str(kb_root), query)
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1


def test_a_figure_filter_on_the_bundled_kb(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "type:chip vendor:google hbm-bandwidth>2TB/s", "--limit", "50")
    lines = out.splitlines()
    assert code == 0 and lines and all(line.startswith("chip\t") for line in lines)
    assert "tpu-v5p" in [line.split("\t")[1] for line in lines]
    v5p = next(line for line in lines if line.split("\t")[1] == "tpu-v5p")
    assert "figure: HBM bandwidth " in v5p  # the value that met the filter, as the KB states it


MODULES_AFTER_SEARCH = """
import json, sys
from kb.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def test_searching_a_fresh_index_loads_neither_the_app_nor_the_kb(kb_root: Path) -> None:
    command = [sys.executable, "-c", MODULES_AFTER_SEARCH, "search", "--kb", str(kb_root), "推論"]
    first = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    built = json.loads(first.stderr.splitlines()[-1])
    assert built["code"] == 0 and "kb.store.load" in built["modules"]  # building the index reads the KB
    fresh = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    report = json.loads(fresh.stderr.splitlines()[-1])
    assert report["code"] == 0 and "c-vertical" in fresh.stdout
    modules = set(report["modules"])
    assert not {"textual", "tui", "yaml", "kb.store.load", "kb.store.knowledge", "kb.store.validate", "rich"} & modules
