"""The corpus of bad KBs through `chipkb list`, `show`, `search`, `export` and the app (headless).

`test_hostile_validate.py` checks the exact problems of each case (tests/support/hostile_corpus.py);
here every other way in must cope with the same KB: no traceback, no raw control character reaching
the terminal, the valid part still searchable and exported, and the app open with its problems listed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Tree

from kb.store.knowledge import load_kb
from tests.support.hostile_corpus import EXPECTED, HOSTILE_QUERIES, materialise, query_kb
from tui.widgets.problems import ProblemsPanel

CASES = sorted(EXPECTED)
SIZE = (120, 36)


def chipkb(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *argv], cwd=cwd, capture_output=True, text=True, timeout=120)


def assert_clean_output(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream


@pytest.mark.parametrize("case", CASES)
def test_search_finds_the_valid_part(case: str, tmp_path: Path) -> None:
    materialise(case, tmp_path)
    result = chipkb("search", "good vendor", "--kb", case, "--json", cwd=tmp_path)
    assert_clean_output(result)
    assert result.returncode == 0, result.stderr
    assert "good-vendor" in [hit["id"] for hit in json.loads(result.stdout)["hits"]]


@pytest.mark.parametrize("case", CASES)
def test_list_and_show_give_the_valid_part(case: str, tmp_path: Path) -> None:
    materialise(case, tmp_path)
    listed = chipkb("list", "--kb", case, "--json", cwd=tmp_path)
    assert_clean_output(listed)
    assert listed.returncode == 0, listed.stderr
    assert "good-vendor" in [entity["id"] for entity in json.loads(listed.stdout)["entities"]]
    shown = chipkb("show", "good-vendor", "--kb", case, cwd=tmp_path)
    assert_clean_output(shown)
    assert shown.returncode == 0, shown.stderr
    assert "Good Vendor" in shown.stdout


@pytest.mark.parametrize("case", CASES)
def test_export_writes_the_valid_part(case: str, tmp_path: Path) -> None:
    materialise(case, tmp_path)
    result = chipkb("export", "--kb", case, "--out", "vault", cwd=tmp_path)
    assert_clean_output(result)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "vault" / "vendors" / "good-vendor.md").is_file()
    written = {p.relative_to(tmp_path / "vault") for p in (tmp_path / "vault").rglob("*.md")}
    valid = load_kb(tmp_path / case).entities
    assert len(written) == len(valid) + 1  # one note per valid entity, and the index


@pytest.mark.parametrize("case", CASES)
async def test_app_opens_with_the_problems_listed(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_app
) -> None:
    """The panel lists exactly the problems written down for the case (not what the loader says
    today), opens by itself on errors, on `p` for warnings only, and stays shut (with a word on
    `p`) when there are none."""
    materialise(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    expected, valid = EXPECTED[case]
    errors = any(": warning: " not in problem for problem in expected)
    async with start_app(Path(case), size=SIZE) as (app, pilot):
        panels = app.screen.query(ProblemsPanel)
        assert bool(panels and panels.first().display) == errors
        await pilot.press("p")
        await pilot.pause()
        panels = app.screen.query(ProblemsPanel)
        if expected:
            panel = panels.first()
            assert [str(p) for p in panel.problems] == expected
            assert panel.display != errors  # `p` toggled it
        else:
            assert not (panels and panels.first().display)
            assert "The KB has no problems." in [n.message for n in app._notifications]
        assert set(app.session.kb.entities) == valid | {"good-vendor"}
        tree = app.screen.query_one(Tree)
        assert "Vendors" in str(tree.root.children[0].label)


@pytest.mark.parametrize("argv", [["list", "--json"], ["show", "markup-vendor", "--json"]])
def test_json_output_keeps_the_data_but_no_raw_control(argv: list[str], tmp_path: Path) -> None:
    materialise("hostile-text", tmp_path)
    result = chipkb(*argv, "--kb", "hostile-text", cwd=tmp_path)
    assert_clean_output(result)
    assert result.returncode == 0
    shown = json.loads(result.stdout)
    shown = shown.get("entities", shown)
    summaries = [shown.get("summary", "")] if isinstance(shown, dict) else []
    titles = [entry["title"] for entry in shown] if isinstance(shown, list) else [shown["name"]]
    assert any("[bold red]Red[/]" in title for title in titles)
    for summary in summaries:
        assert "\x1b[31mred\x1b[0m" in summary and "\u202egnp.exe" in summary  # the data itself


def test_exported_notes_carry_no_bidi_override(tmp_path: Path) -> None:
    materialise("hostile-text", tmp_path)
    result = chipkb("export", "--kb", "hostile-text", "--out", "vault", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    note = (tmp_path / "vault" / "vendors" / "markup-vendor.md").read_text(encoding="utf-8")
    assert "\u202e" not in note and "\x1b" not in note
    assert "gnp.exe" in note


def _huge_kb(root: Path) -> Path:
    """The good file beside a 50 MB single-line file (refused for its size)."""
    root.mkdir()
    (root / "good.yaml").write_text(
        "vendors:\n  - id: good-vendor\n    name: Good Vendor\n    kind: chip-designer\n", encoding="utf-8"
    )
    with (root / "huge.yaml").open("wb") as handle:
        handle.write(b"x" * (50 * 1024 * 1024))
    return root


def test_a_50_mb_file_through_search_and_export(tmp_path: Path) -> None:
    _huge_kb(tmp_path / "kb")
    search = chipkb("search", "good", "--kb", "kb", "--json", cwd=tmp_path)
    assert_clean_output(search)
    assert "good-vendor" in [hit["id"] for hit in json.loads(search.stdout)["hits"]]
    export = chipkb("export", "--kb", "kb", "--out", "vault", cwd=tmp_path)
    assert_clean_output(export)
    assert (tmp_path / "vault" / "vendors" / "good-vendor.md").is_file()


async def test_a_50_mb_file_in_the_app_shows_its_problem_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_app
) -> None:
    from tui.widgets.problems import ProblemView

    _huge_kb(tmp_path / "kb")
    monkeypatch.chdir(tmp_path)
    async with start_app(Path("kb"), size=SIZE) as (app, pilot):
        panel = app.screen.query_one(ProblemsPanel)
        assert [p.message for p in panel.problems] == [
            "file is 52428800 bytes, over the limit of 10485760 (limit CHIPKB_MAX_FILE_BYTES)"
        ]
        panel.focus()
        panel.highlighted = 0
        await pilot.pause()
        shown = app.screen.query_one(ProblemView)
        assert len(str(shown.render())) < 2000


def _generated_case(kind: str, root: Path) -> Path:
    """Cases made at test time, beside the good file: deep nesting, a symlink leading outside."""
    root.mkdir()
    (root / "good.yaml").write_text(
        "vendors:\n  - id: good-vendor\n    name: Good Vendor\n    kind: chip-designer\n", encoding="utf-8"
    )
    if kind == "deep-nesting":
        (root / "deep.yaml").write_text("vendors: " + "[" * 10_000 + "]" * 10_000, encoding="utf-8")
    elif kind == "symlink-outside":
        outside = root.parent / "outside.yaml"
        outside.write_text("vendors:\n  - id: secret\n    name: Secret\n    kind: other\n", encoding="utf-8")
        (root / "linked.yaml").symlink_to(outside)
    return root


@pytest.mark.parametrize("kind", ["deep-nesting", "symlink-outside"])
async def test_generated_cases_through_search_export_and_the_app(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_app
) -> None:
    _generated_case(kind, tmp_path / "kb")
    search = chipkb("search", "good OR secret", "--kb", "kb", "--json", cwd=tmp_path)
    assert_clean_output(search)
    assert [hit["id"] for hit in json.loads(search.stdout)["hits"]] == ["good-vendor"]
    export = chipkb("export", "--kb", "kb", "--out", "vault", cwd=tmp_path)
    assert_clean_output(export)
    assert sorted(p.name for p in (tmp_path / "vault" / "vendors").iterdir()) == ["good-vendor.md"]
    monkeypatch.chdir(tmp_path)
    expected = [str(p) for p in load_kb(Path("kb")).problems]
    assert len(expected) == 1
    async with start_app(Path("kb"), size=SIZE) as (app, _):
        assert [str(p) for p in app.screen.query_one(ProblemsPanel).problems] == expected
        assert set(app.session.kb.entities) == {"good-vendor"}


@pytest.mark.parametrize("command", [["search", "x"], ["export", "--out", "vault"], ["tui"], ["validate"]])
def test_a_missing_kb_folder_is_one_line_and_exit_2_everywhere(command: list[str], tmp_path: Path) -> None:
    result = chipkb(*command, "--kb", "no-such-kb", cwd=tmp_path)
    assert_clean_output(result)
    assert result.returncode == 2
    assert result.stderr.strip() == "chipkb: error: --kb no-such-kb: no such folder"


def _query_id(query: str) -> str:
    return query if len(query) <= 30 else f"{query[:20]}…({len(query)} chars)"


@pytest.fixture(scope="module")
def hostile_query_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return query_kb(tmp_path_factory.mktemp("queries") / "kb")


@pytest.mark.parametrize("query", sorted(HOSTILE_QUERIES), ids=_query_id)
def test_a_hostile_query_through_search_is_its_exact_outcome(query: str, hostile_query_kb: Path) -> None:
    code, stderr = HOSTILE_QUERIES[query]
    result = chipkb("search", query, "--kb", str(hostile_query_kb), cwd=hostile_query_kb.parent)
    assert_clean_output(result)
    assert (result.returncode, result.stderr.splitlines()) == (code, stderr)
    if code == 0:
        assert result.stdout.strip()


@pytest.mark.parametrize("query", sorted(HOSTILE_QUERIES), ids=_query_id)
async def test_a_hostile_query_in_the_app_is_its_one_line_answer(query: str, hostile_query_kb: Path, start_app) -> None:
    """The app's summary says what `chipkb search` says on stderr (without `chipkb: `), and a
    refusal leaves no results."""
    from tui.widgets.results import SearchResults
    from tui.widgets.search_pane import SearchBox

    code, stderr = HOSTILE_QUERIES[query]
    said = [line.removeprefix("chipkb: ").removeprefix("note: ") for line in stderr]
    async with start_app(hostile_query_kb, size=SIZE, search=True) as (app, pilot):
        await pilot.press("slash")
        pane = app.screen.search_pane()
        await pilot.pause()
        app.screen.query_one(SearchBox).value = query
        for _ in range(500):
            content = pane.query_one("#results-summary").content
            summary = getattr(content, "plain", str(content))
            if summary and not summary.startswith("Preparing") and (pane.results_for == query or code == 2):
                break
            await pilot.pause(0.02)
        if code == 2:
            assert summary == said[0].removeprefix("error: ")
            assert app.screen.query_one(SearchResults).hits == []
        else:
            assert set(said[: len(said) - (code == 1)]) <= set(summary.splitlines())
            assert bool(app.screen.query_one(SearchResults).hits) == (code == 0)
