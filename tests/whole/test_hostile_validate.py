"""The corpus of bad KBs (tests/fixtures/hostile) through the loader and `chipkb validate`.

Each case is copied beside a good file: the good entity must still load, the problems must be
exactly those written down in tests/support/hostile_corpus.py, and nothing may raise, hang or print
a traceback.  Cases too big or too odd to check in (a 50 MB file, 10,000 levels of nesting, a
symlink, an unreadable file) are made here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import kb.store.yamlread
from kb.cli.main import main
from kb.store.knowledge import load_kb
from kb.store.schema_line import MISSING as MISSING_SCHEMA_LINE
from tests.support.hostile_corpus import EXPECTED, GOOD, HOSTILE, materialise


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each case with libyaml's safe loader and with PyYAML's pure-Python safe loader."""
    if request.param == "pure-python":
        monkeypatch.setattr(kb.store.yamlread, "SafeLoader", yaml.SafeLoader)
    return str(request.param)


def test_corpus_is_covered() -> None:
    assert sorted(p.name for p in HOSTILE.iterdir() if p.is_dir() and p.name != "_good") == sorted(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_outcome(case: str, loader: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    materialise(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    problems, valid = EXPECTED[case]
    loaded = load_kb(Path(case))
    if loader == "libyaml":
        assert [str(p) for p in loaded.problems] == problems
    else:  # the pure loader words and places syntax errors its own way; everything else agrees
        got = [str(p) for p in loaded.problems]
        assert len(got) == len(problems)
        for found, wanted in zip(got, problems, strict=True):
            if "YAML syntax error" in wanted:
                assert found.startswith(f"{case}/") and ": YAML syntax error: " in found
            else:
                assert found == wanted
    assert set(loaded.entities) == valid | {"good-vendor"}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_validate_command_never_tracebacks(case: str, tmp_path: Path) -> None:
    materialise(case, tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "kb", "validate", "--kb", case],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems, _ = EXPECTED[case]
    assert "Traceback" not in result.stderr
    printed = result.stdout.splitlines()
    assert printed[: len(problems)] == problems
    # then the editor's warning for each KB file that names no schema (the hostile files do not)
    assert sorted(printed[len(problems) :]) == _without_schema_line(tmp_path / case)
    assert result.returncode == (1 if any(": warning: " not in p for p in problems) else 0)


def _without_schema_line(root: Path) -> list[str]:
    """The warning `validate` prints for each regular KB file under `root` without the line."""
    files = [
        path
        for path in root.rglob("*")
        if path.suffix in (".yaml", ".yml")
        and not path.is_symlink()
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
        and b"# yaml-language-server: $schema=" not in path.read_bytes()
    ]
    shown = [path.relative_to(root.parent).as_posix() for path in files]
    return sorted(f"{path}:1:1: warning: {MISSING_SCHEMA_LINE}" for path in shown)


def test_hostile_text_is_printed_as_visible_escapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    materialise("hostile-text", tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["show", "markup-vendor", "--kb", "hostile-text"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[31mred\\x1b[0m" in out and "\\x1b]0;pwned title\\x07" in out and "\\u202egnp.exe" in out
    assert "[bold red]Red[/] [link=https://evil.invalid]click[/link] [brackets]" in out


def test_a_50_mb_file_is_refused_naming_the_limit(tmp_path: Path) -> None:
    root = tmp_path / "big"
    root.mkdir()
    shutil.copy(GOOD, root / "good.yaml")
    with open(root / "huge.yaml", "wb") as huge:
        huge.truncate(50 * 1024 * 1024)
    loaded = load_kb(root)
    assert [p.message for p in loaded.problems] == [
        "file is 52428800 bytes, over the limit of 10485760 (limit CHIPKB_MAX_FILE_BYTES)"
    ]
    assert set(loaded.entities) == {"good-vendor"}


def test_the_size_limit_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(GOOD, tmp_path / "good.yaml")
    monkeypatch.setenv("CHIPKB_MAX_FILE_BYTES", "10")
    assert [p.message for p in load_kb(tmp_path).problems] == [
        f"file is {GOOD.stat().st_size} bytes, over the limit of 10 (limit CHIPKB_MAX_FILE_BYTES)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "vendors:\n" + "".join("  " * (i + 1) + "- \n" for i in range(0)) + "x: " + "[" * 10_000 + "]" * 10_000,
        "".join(" " * i + f"k{i}:\n" for i in range(2_000)) + " " * 2_000 + "leaf\n",
        "vendors: " + "{a: " * 10_000 + "1" + "}" * 10_000,
    ],
    ids=["flow-sequences", "block-mappings", "flow-mappings"],
)
def test_deep_nesting_is_refused_naming_the_limit(text: str, loader: str, tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "good.yaml")
    (tmp_path / "deep.yaml").write_text(text, encoding="utf-8")
    loaded = load_kb(tmp_path)
    assert len(loaded.problems) == 1
    assert loaded.problems[0].message == "nesting deeper than 64 levels (limit CHIPKB_MAX_DEPTH)"
    assert set(loaded.entities) == {"good-vendor"}


def test_a_symlink_outside_the_kb_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.copy(GOOD, outside)
    root = tmp_path / "kb"
    root.mkdir()
    (root / "linked.yaml").symlink_to(outside)
    (root / "ok.yaml").write_text("vendors:\n  - id: inside\n    name: Inside\n    kind: other\n", encoding="utf-8")
    loaded = load_kb(root)
    assert [p.message for p in loaded.problems] == ["symlink points outside the KB folder; not read"]
    assert set(loaded.entities) == {"inside"}


def test_a_text_file_outside_the_kb_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("secret", encoding="utf-8")
    root = tmp_path / "kb"
    root.mkdir()
    (root / "s.yaml").write_text(
        "sources:\n  - id: s\n    title: S\n    language: en\n    text_file: ../secret.md\n", encoding="utf-8"
    )
    loaded = load_kb(root)
    assert [p.message for p in loaded.problems] == ["text_file '../secret.md' is outside the KB folder"]
    assert loaded.entities == {}


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_kb_folder_that_is_missing_or_a_file_is_a_usage_error(kind: str, tmp_path: Path, capsys) -> None:
    target = tmp_path / "kb"
    if kind == "file":
        target.write_text("vendors: []\n", encoding="utf-8")
    assert main(["validate", "--kb", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"chipkb: error: --kb {target}: {'no such folder' if kind == 'missing' else 'not a folder'}"


def _load_as_nobody(root: str) -> list[str]:
    os.setgid(65534)
    os.setuid(65534)
    return [str(p) for p in load_kb(Path(root)).problems]


def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    import multiprocessing
    import tempfile

    root = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        root.chmod(0o755)
        shutil.copy(GOOD, root / "good.yaml")
        (root / "good.yaml").chmod(0o644)
        secret = root / "secret.yaml"
        secret.write_text("vendors: []\n", encoding="utf-8")
        secret.chmod(0o000)
        if os.geteuid() == 0:  # root reads anything: read as an unprivileged user instead
            with multiprocessing.get_context("fork").Pool(1) as pool:
                problems = pool.apply(_load_as_nobody, (str(root),))
        else:
            problems = [str(p) for p in load_kb(root).problems]
        assert problems == [f"{root}/secret.yaml:1:1: cannot read file: Permission denied"]
    finally:
        shutil.rmtree(root)
