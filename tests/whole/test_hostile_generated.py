"""Hostile cases no checked-in file can hold (FIFOs, symbolic link loops, a sparse 11 MB text, a
cache folder inside the KB, a file name that is not UTF-8), made at test time beside the good
file, each through every command it reaches: `validate` (exact lines and exit code), `list`,
`show`, `search`, `export` and the app (its Problems panel, no crash).

The checked-in cases are in tests/support/hostile_corpus.py; an unreadable folder, which needs a
user other than root, is at the end of this file.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


def test_the_loader_names_problems_of_what_it_cannot_read_and_keeps_the_rest(tmp_path: Path) -> None:
    for case in sorted(CASES):
        root = make_case(case, tmp_path / case)
        assert set(load_kb(root).entities) == {"good-vendor"}


# -- an unreadable folder (needs a user other than root) -------------------------------------------
#
# Root reads any folder, so when the tests run as root the commands and the app run in a forked
# process that has become the unprivileged user 65534 first (any other user runs them as itself: a
# folder of mode 000 is closed to its owner too). The user 65534 cannot read this Python's library
# folder, so everything the commands and the app import lazily is imported before the fork, by the
# same run on a KB that can be read whole.

NOBODY = 65534

#: a command's exit code, standard output and standard error
Run = tuple[int, str, str]


@dataclass
class AppOutcome:
    entities: list[str]
    problems: list[str]
    panel_shown: bool
    labels: list[str]  # the problems as the Problems panel lists them
    lines: str  # what choosing the first one shows
    index_open: bool


@dataclass
class Outcomes:
    validate: Run
    listed: Run
    shown: Run
    search: Run
    export: Run
    vault: list[str]
    app: AppOutcome


def _chipkb_here(*argv: str) -> Run:
    """`chipkb ARGV` run in this process."""
    from kb.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


async def _open_the_app(kb: Path) -> AppOutcome:
    """The app on `kb` until its KB shows and its search index is open, then the first problem chosen."""
    from tests.support.pilot import started
    from tui.widgets.problems import ProblemView

    async with started(kb, size=SIZE, search=True) as (app, pilot):
        assert app.session.kb is not None
        panel = app.main.problems_panel()
        panel_shown = panel.display
        if panel.option_count:
            panel.focus()
            panel.highlighted = 0
            await pilot.pause()
        return AppOutcome(
            entities=sorted(app.session.kb.entities),
            problems=[str(problem) for problem in panel.problems],
            panel_shown=panel_shown,
            labels=[str(panel.get_option_at_index(i).prompt) for i in range(panel.option_count)],
            lines="".join(view.content.plain for view in app.screen.query(ProblemView)),
            index_open=app.session.engine is not None,
        )


def _every_command(kb: str, vault: str) -> Outcomes:
    """Each command the case reaches, and the app, on `kb`; the vault is written in `vault`."""
    return Outcomes(
        validate=_chipkb_here("validate", "--kb", kb),
        listed=_chipkb_here("list", "--kb", kb, "--json"),
        shown=_chipkb_here("show", "good-vendor", "--kb", kb),
        search=_chipkb_here("search", "good vendor", "--kb", kb, "--json"),
        export=_chipkb_here("export", "--kb", kb, "--out", vault),
        vault=sorted(path.relative_to(vault).as_posix() for path in Path(vault).rglob("*.md")),
        app=asyncio.run(_open_the_app(Path(kb))),
    )


def _every_command_as_nobody(kb: str, work: str) -> Outcomes:
    """`_every_command` from the root folder, as the user 65534 when this is root; the cache, the
    settings and the vault in `work`, which that user owns."""
    if os.geteuid() == 0:  # root reads any folder
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    os.environ["CHIPKB_CACHE_DIR"] = f"{work}/cache"
    os.environ["CHIPKB_CONFIG_DIR"] = f"{work}/config"
    os.chdir("/")
    return _every_command(kb, f"{work}/vault")


def _make_kb(root: Path, extra: str, content: str) -> None:
    """A KB folder holding the good file, which any user may read, and the folder `extra` holding `content`."""
    root.mkdir()
    root.chmod(0o755)
    (root / "good.yaml").write_bytes(GOOD.read_bytes() + SCHEMA_LINE.encode())
    (root / extra).mkdir()
    (root / extra / "x.yaml").write_text(content, encoding="utf-8")
    for path in (root / "good.yaml", root / extra / "x.yaml"):
        path.chmod(0o644)


def _work_folder(path: Path) -> str:
    """A folder the user 65534 may write in."""
    path.mkdir()
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
    return str(path)


@dataclass
class Unreadable:
    outcomes: Outcomes  # on a KB whose sub-folder `locked` cannot be read
    kb: str  # the KB folder as problems name it: from the root folder, the working folder
    work: str


@pytest.fixture(scope="module")
def unreadable() -> Iterator[Unreadable]:
    """Every command and the app, once, on a KB with a sub-folder the user cannot list. Before,
    the same run on a KB the user may read whole (with an error, so that reporting one is warmed
    up too) imports what the commands import lazily."""
    top = Path(tempfile.mkdtemp(dir="/tmp"))  # not in pytest's temporary folder: only its owner may enter it
    locked = top / "kb" / "locked"
    try:
        top.chmod(0o755)
        _make_kb(top / "readable", "broken", "vendors: [\n")
        _make_kb(top / "kb", "locked", "vendors: []\n")
        locked.chmod(0)  # neither the user 65534 nor, when the tests do not run as root, its owner may list it
        "".encode("latin1")  # an encoding looked up lazily
        warm = _work_folder(top / "warm")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CHIPKB_CACHE_DIR", f"{warm}/cache")
            patch.setenv("CHIPKB_CONFIG_DIR", f"{warm}/config")
            patch.chdir("/")
            _every_command(str(top / "readable"), f"{warm}/vault")
        work = _work_folder(top / "work")
        with multiprocessing.get_context("fork").Pool(1) as pool:
            outcomes = pool.apply_async(_every_command_as_nobody, (str(top / "kb"), work)).get(timeout=120)
        yield Unreadable(outcomes, os.path.relpath(top / "kb", "/"), work)
    finally:
        if locked.exists():
            locked.chmod(0o700)
        shutil.rmtree(top)


PLACE, WHY = "locked:1:1", "cannot read folder: Permission denied"
LOCKED = f"{PLACE}: {WHY}"


def test_validate_names_the_unreadable_folder(unreadable: Unreadable) -> None:
    assert unreadable.outcomes.validate == (1, f"{unreadable.kb}/{LOCKED}\n", "")


def test_list_and_search_give_what_loaded(unreadable: Unreadable) -> None:
    code, out, err = unreadable.outcomes.listed
    assert (code, err) == (0, "")
    assert [entry["id"] for entry in json.loads(out)["entities"]] == ["good-vendor"]
    code, out, err = unreadable.outcomes.search
    assert (code, err) == (0, "")
    assert [hit["id"] for hit in json.loads(out)["hits"]] == ["good-vendor"]


def test_show_shows_the_vendor(unreadable: Unreadable) -> None:
    vendor = "vendor good-vendor: Good Vendor\n  name: Good Vendor\n  kind: chip-designer\n"
    assert unreadable.outcomes.shown == (0, vendor, "")


def test_export_warns_of_the_problem_and_writes_what_loaded(unreadable: Unreadable) -> None:
    # the notes written: index.md, the vendor's and .markdownlint.yaml
    assert unreadable.outcomes.export == (
        0,
        f"3 written, 0 unchanged, 0 kept in {unreadable.work}/vault\n",
        "chipkb: warning: the KB has 1 error (see 'chipkb validate'); exporting what loaded\n",
    )
    assert unreadable.outcomes.vault == ["index.md", "vendors/good-vendor.md"]


def test_the_app_lists_the_unreadable_folder_in_its_problems(unreadable: Unreadable) -> None:
    app = unreadable.outcomes.app
    assert app.entities == ["good-vendor"]
    assert app.problems == [f"{unreadable.kb}/{LOCKED}"]
    assert app.panel_shown
    assert app.labels == [f"{PLACE}\n{WHY}"]  # its place inside the KB folder, then why
    # choosing it shows the problem (its path as the loader gives it), and why none of its lines are shown
    assert app.lines == f"{unreadable.kb}/{PLACE}\n{WHY}\n\n(cannot read the folder: Permission denied)"
    assert app.index_open
