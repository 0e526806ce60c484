"""Hostile cases no checked-in file can hold (FIFOs, symbolic link loops, a sparse 11 MB text, a
cache folder inside the KB, a file name that is not UTF-8), made at test time beside the good
file, each through every command it reaches: `validate` (exact lines and exit code), `list`,
`show`, `search`, `export` and the app (its Problems panel, no crash).

The checked-in cases are in tests/support/hostile_corpus.py; an unreadable folder, which needs a
user other than root, is at the end of this file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kb.store.knowledge import load_kb
from tests.support.hostile_corpus import GOOD

SIZE = (120, 36)


#: Each KB file made here names the JSON Schema, as a KB file should, so that `validate` prints only the
#: problem the case is about; the line goes last, where yaml-language-server reads it too, so the
#: line numbers in the expected problems are those of the case itself.
SCHEMA_LINE = "# yaml-language-server: $schema=kb.schema.json\n"


def _source(text_file: str) -> str:
    return f"sources:\n  - id: src\n    title: A source\n    language: en\n    text_file: {text_file}\n{SCHEMA_LINE}"


def _fifo_kb_file(root: Path) -> None:
    os.mkfifo(root / "pipe.yaml")


def _fifo_text_file(root: Path) -> None:
    os.mkfifo(root / "text.md")
    (root / "source.yaml").write_text(_source("text.md"), encoding="utf-8")


def _symlink_loop(root: Path) -> None:
    (root / "a.yaml").symlink_to("b.yaml")
    (root / "b.yaml").symlink_to("a.yaml")


def _text_file_loop(root: Path) -> None:
    (root / "loop.md").symlink_to("loop2.md")
    (root / "loop2.md").symlink_to("loop.md")
    (root / "source.yaml").write_text(_source("loop.md"), encoding="utf-8")


def _text_file_too_big(root: Path) -> None:
    with (root / "big.md").open("wb") as big:
        big.truncate(11 * 1024 * 1024)  # sparse: costs no disk, and must not be read
    (root / "source.yaml").write_text(_source("big.md"), encoding="utf-8")


def _dangling_link(root: Path) -> None:
    (root / "gone.yaml").symlink_to("nowhere.yaml")


#: case -> (how to make it, the problems `validate` prints, exit code of validate)
CASES: dict[str, tuple[Callable[[Path], None], list[str], int]] = {
    "fifo-kb-file": (_fifo_kb_file, ["kb/pipe.yaml:1:1: not a regular file (a FIFO); not read"], 1),
    "fifo-text-file": (
        _fifo_text_file,
        ["kb/source.yaml:5:16: text_file 'text.md' is not a regular file (a FIFO)"],
        1,
    ),
    "symlink-loop": (
        _symlink_loop,
        ["kb/a.yaml:1:1: symbolic link loop; not read", "kb/b.yaml:1:1: symbolic link loop; not read"],
        1,
    ),
    "text-file-loop": (
        _text_file_loop,
        ["kb/source.yaml:5:16: cannot read text_file 'loop.md': symbolic link loop"],
        1,
    ),
    "text-file-too-big": (
        _text_file_too_big,
        [
            "kb/source.yaml:5:16: text_file 'big.md' is 11534336 bytes, over the limit of 10485760"
            " (limit CHIPKB_MAX_FILE_BYTES)"
        ],
        1,
    ),
    "dangling-link": (_dangling_link, ["kb/gone.yaml:1:1: symbolic link to nothing; not read"], 1),
}


def make_case(case: str, tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir(parents=True)
    (root / "good.yaml").write_bytes(GOOD.read_bytes() + SCHEMA_LINE.encode())
    CASES[case][0](root)
    return root


def chipkb(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def clean(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_command_copes(case: str, tmp_path: Path) -> None:
    make_case(case, tmp_path)
    _, problems, code = CASES[case]

    validate = clean(chipkb("validate", "--kb", "kb", cwd=tmp_path))
    assert (validate.returncode, validate.stdout.splitlines()) == (code, problems)

    listed = clean(chipkb("list", "--kb", "kb", "--json", cwd=tmp_path))
    assert listed.returncode == 0
    assert [entry["id"] for entry in json.loads(listed.stdout)["entities"]] == ["good-vendor"]

    shown = clean(chipkb("show", "good-vendor", "--kb", "kb", cwd=tmp_path))
    assert shown.returncode == 0 and "Good Vendor" in shown.stdout

    search = clean(chipkb("search", "good vendor", "--kb", "kb", "--json", cwd=tmp_path))
    assert (search.returncode, search.stderr) == (0, "")
    assert [hit["id"] for hit in json.loads(search.stdout)["hits"]] == ["good-vendor"]

    export = clean(chipkb("export", "--kb", "kb", "--out", "vault", cwd=tmp_path))
    assert export.returncode == 0, export.stderr
    assert sorted(p.name for p in (tmp_path / "vault").rglob("*.md")) == ["good-vendor.md", "index.md"]


@pytest.mark.parametrize("case", sorted(CASES))
async def test_the_app_lists_the_problems(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_app
) -> None:
    from tui.widgets.problems import ProblemsPanel

    make_case(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    async with start_app(Path("kb"), size=SIZE) as (app, _):
        assert [str(p) for p in app.screen.query_one(ProblemsPanel).problems] == CASES[case][1]
        assert set(app.session.kb.entities) == {"good-vendor"}


def test_a_kb_file_swapped_for_a_fifo_after_the_scan_is_not_waited_on(tmp_path: Path) -> None:
    """The loader reads only regular files even when the scan saw a regular file there."""
    from kb.store.load import LoadedFiles, read_file
    from kb.store.yamlread import Limits

    root = tmp_path / "kb"
    root.mkdir()
    os.mkfifo(root / "x.yaml")
    loaded = LoadedFiles()
    read_file(root / "x.yaml", root, Limits(), loaded)
    assert [p.message for p in loaded.problems] == ["file is not a regular file (a FIFO)"]


def test_search_of_proc_ends(tmp_path: Path) -> None:
    """`--kb /proc`: files that block when read (kmsg) or claim terabytes (kcore) are never read
    whole: only YAML files and the texts sources name are."""
    for command in (["search", "anything"], ["validate"], ["list"]):
        result = clean(chipkb(*command, "--kb", "/proc", cwd=tmp_path))
        assert result.returncode in (0, 1)


# -- a file name that is not UTF-8 ----------------------------------------------------------------


def _non_utf8_name(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    (root / "good.yaml").write_bytes(GOOD.read_bytes() + SCHEMA_LINE.encode())
    name = os.fsdecode(b"x\xff.yaml")
    odd = "vendors:\n  - {id: odd-vendor, name: Odd Vendor, kind: other}\n" + SCHEMA_LINE
    (root / name).write_text(odd, encoding="utf-8")
    return root


def test_a_file_name_that_is_not_utf8_through_validate_list_show_and_export(tmp_path: Path) -> None:
    _non_utf8_name(tmp_path)
    validate = clean(chipkb("validate", "--kb", "kb", cwd=tmp_path))
    assert (validate.returncode, validate.stdout) == (0, "")
    listed = clean(chipkb("list", "--kb", "kb", "--json", cwd=tmp_path))
    assert sorted(entry["id"] for entry in json.loads(listed.stdout)["entities"]) == ["good-vendor", "odd-vendor"]
    assert clean(chipkb("show", "odd-vendor", "--kb", "kb", cwd=tmp_path)).returncode == 0
    export = clean(chipkb("export", "--kb", "kb", "--out", "vault", cwd=tmp_path))
    assert export.returncode == 0, export.stderr


def test_a_file_name_that_is_not_utf8_through_search(tmp_path: Path) -> None:
    root = _non_utf8_name(tmp_path)
    search = clean(chipkb("search", "vendor", "--kb", "kb", "--json", cwd=tmp_path))
    assert search.returncode == 0, search.stderr
    assert sorted(hit["id"] for hit in json.loads(search.stdout)["hits"]) == ["good-vendor", "odd-vendor"]
    assert json.loads(clean(chipkb("search", "odd", "--kb", "kb", "--json", cwd=tmp_path)).stdout)["total"] == 1
    # edited, the file is re-indexed under the same key: its old document is deleted, not kept beside the new one
    odd = root / os.fsdecode(b"x\xff.yaml")
    odd.write_text("vendors:\n  - {id: strange, name: Strange Maker, kind: other}\n", encoding="utf-8")
    os.utime(odd, ns=(1, 1))
    again = clean(chipkb("search", "type:vendor", "--kb", "kb", "--json", cwd=tmp_path))
    assert again.returncode == 0, again.stderr
    assert sorted(hit["id"] for hit in json.loads(again.stdout)["hits"]) == ["good-vendor", "strange"]
    assert json.loads(clean(chipkb("search", "strange", "--kb", "kb", "--json", cwd=tmp_path)).stdout)["total"] == 1
    assert json.loads(clean(chipkb("search", "vendor", "--kb", "kb", "--json", cwd=tmp_path)).stdout)["total"] == 1


# -- the cache folder inside the KB ---------------------------------------------------------------


def test_a_cache_folder_inside_the_kb_is_refused_and_nothing_is_written_there(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    (root / "good.yaml").write_bytes(GOOD.read_bytes())
    inside = root / "cache"
    search = clean(
        chipkb("search", "good", "--kb", "kb", "--json", cwd=tmp_path, env={"CHIPKB_CACHE_DIR": str(inside)})
    )
    assert search.returncode == 0
    assert [hit["id"] for hit in json.loads(search.stdout)["hits"]] == ["good-vendor"]
    assert search.stderr == (
        f"chipkb: the cache folder {inside} is inside the KB folder kb; set CHIPKB_CACHE_DIR to a folder outside it"
        " (the search index is built in a private temporary folder this time)\n"
    )
    assert sorted(p.name for p in root.iterdir()) == ["good.yaml"]


async def test_the_app_with_its_cache_inside_the_kb_does_not_reload_forever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_app
) -> None:
    import asyncio

    root = tmp_path / "kb"
    root.mkdir()
    (root / "good.yaml").write_bytes(GOOD.read_bytes())
    monkeypatch.setenv("CHIPKB_CACHE_DIR", str(root / "cache"))
    async with start_app(root, size=SIZE, search=True, poll_seconds=0.1) as (app, pilot):
        loaded = app.session.kb
        await asyncio.sleep(1.0)  # ten polls of the watcher
        await pilot.pause()
        assert app.session.kb is loaded  # never reloaded: nothing in the KB changed
        assert app.session.engine is not None
    assert sorted(p.name for p in root.iterdir()) == ["good.yaml"]


# -- an unreadable folder (needs a user other than root) -------------------------------------------


def _commands_as_nobody(root: str, cache: str) -> tuple[tuple[int, str], int, list[str]]:
    """validate (exit code, output), list (exit code) and search (ids), run as an unprivileged user."""
    if os.geteuid() == 0:  # root reads any folder
        os.setgid(65534)
        os.setuid(65534)
    return _run_commands(root, cache)


def _run_commands(root: str, cache: str) -> tuple[tuple[int, str], int, list[str]]:
    import contextlib
    import io

    from kb.cli.main import main
    from kb.search.engine import SearchEngine

    os.environ["CHIPKB_CACHE_DIR"] = cache
    os.chdir("/")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        validated = main(["validate", "--kb", root])
    with contextlib.redirect_stdout(io.StringIO()):
        listed = main(["list", "--kb", root])
    engine = SearchEngine.open(root)
    try:
        found = [hit.id for hit in engine.search("good").hits]
    finally:
        engine.close()
    return (validated, out.getvalue()), listed, found


def test_an_unreadable_folder_is_a_problem_with_its_path() -> None:
    import multiprocessing
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp(dir="/tmp"))
    cache = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        root.chmod(0o755)
        (root / "good.yaml").write_bytes(GOOD.read_bytes() + SCHEMA_LINE.encode())
        (root / "good.yaml").chmod(0o644)
        (root / "locked").mkdir(mode=0o700)
        (root / "locked" / "hidden.yaml").write_text("vendors: []\n", encoding="utf-8")
        if os.geteuid() == 0:
            os.chown(cache, 65534, 65534)
        # Everything the commands import lazily is imported here first: the unprivileged user
        # cannot read this Python's library folder.
        warm = Path(tempfile.mkdtemp(dir="/tmp"))
        try:
            (warm / "kb").mkdir()
            (warm / "kb" / "good.yaml").write_bytes(GOOD.read_bytes())
            "".encode("latin1")
            cwd = os.getcwd()
            environment = os.environ.get("CHIPKB_CACHE_DIR")
            _run_commands(str(warm / "kb"), str(warm / "cache"))
            os.chdir(cwd)
            os.environ["CHIPKB_CACHE_DIR"] = environment or ""
        finally:
            shutil.rmtree(warm)
        with multiprocessing.get_context("fork").Pool(1) as pool:
            validated, listed, found = pool.apply(_commands_as_nobody, (str(root), str(cache)))
        shown = os.path.relpath(root, "/")  # problem paths are relative to the working folder, here /
        assert validated == (1, f"{shown}/locked:1:1: cannot read folder: Permission denied\n")
        assert listed == 0
        assert found == ["good-vendor"]
    finally:
        shutil.rmtree(root)
        shutil.rmtree(cache)


def test_the_loader_names_problems_of_what_it_cannot_read_and_keeps_the_rest(tmp_path: Path) -> None:
    for case in sorted(CASES):
        root = make_case(case, tmp_path / case)
        assert set(load_kb(root).entities) == {"good-vendor"}
