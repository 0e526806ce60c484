"""The corpus of bad KBs (tests/fixtures/hostile) through the loader and `chipkb validate`.

Each case is copied beside a good file: the good entity must still load, the problems must be
exactly these, and nothing may raise, hang or print a traceback.  Cases too big or too odd to
check in (a 50 MB file, 10,000 levels of nesting, a symlink, an unreadable file) are made here.
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
from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "hostile"
GOOD = HOSTILE / "_good" / "good.yaml"

EXPECTED: dict[str, tuple[list[str], set[str]]] = {
    "bad-ids": (
        [
            "bad-ids/kb.yaml:2:9: field 'id' must be an id (a lowercase slug like 'trainium2'), not '../../etc/passwd'",
            "bad-ids/kb.yaml:5:9: field 'id' must be an id (a lowercase slug like 'trainium2'), not 'a/b'",
            "bad-ids/kb.yaml:8:9: field 'id' must be an id (a lowercase slug like 'trainium2'), not 'has spaces'",
            "bad-ids/kb.yaml:11:9: field 'id' must be an id (a lowercase slug like 'trainium2'), not 'UPPER'",
        ],
        set(),
    ),
    "bad-indentation": (
        [
            "bad-indentation/kb.yaml:4:4: YAML syntax error: did not find expected '-' indicator "
            "(while parsing a block collection started at line 2, column 3)"
        ],
        set(),
    ),
    "billion-laughs": (
        ["billion-laughs/kb.yaml:6:11: aliases expand to more than 100000 nodes (limit CHIPKB_MAX_NODES)"],
        set(),
    ),
    "binary": (["binary/kb.yaml:1:1: file is binary, not YAML text (it contains NUL bytes)"], set()),
    "claim-source-is-vendor": (
        ["claim-source-is-vendor/kb.yaml:9:13: source must name a source, but 'aws' is a vendor"],
        {"aws", "aws-says"},
    ),
    "cut-mid-flow": (
        [
            "cut-mid-flow/kb.yaml:3:1: YAML syntax error: did not find expected ',' or '}' "
            "(while parsing a flow mapping started at line 2, column 5)"
        ],
        set(),
    ),
    "cut-mid-token": (
        [
            "cut-mid-token/kb.yaml:4:11: field 'kind' must be one of hyperscaler, chip-designer, foundry, "
            "device-maker, platform, other; not 'hyper' (did you mean 'hyperscaler'?)"
        ],
        set(),
    ),
    "duplicate-ids-across-files": (
        [
            "duplicate-ids-across-files/b.yaml:2:9: duplicate id 'aws': also a vendor at "
            "duplicate-ids-across-files/a.yaml:2:9"
        ],
        {"aws"},
    ),
    "duplicate-keys": (["duplicate-keys/kb.yaml:5:5: duplicate key 'name' (first at line 3)"], {"aws"}),
    "empty-file": (
        ["empty-file/kb.yaml:1:1: warning: file is empty: it holds no vendors, chips, sources or claims"],
        set(),
    ),
    "hostile-text": ([], {"markup-vendor"}),
    "latin1": (["latin1/kb.yaml:5:18: file is not UTF-8: byte 0xf1 cannot be decoded"], set()),
    "missing-references": (["missing-references/kb.yaml:4:13: vendor refers to unknown vendor 'amazn'"], {"trn"}),
    "number-as-string": (
        ["number-as-string/kb.yaml:15:37: field 'value' must be a number, not '96 GB'"],
        {"aws", "src", "trn2"},
    ),
    "only-comments": (
        ["only-comments/kb.yaml:1:1: warning: file is empty: it holds no vendors, chips, sources or claims"],
        set(),
    ),
    "reference-cycles": (
        ["reference-cycles/kb.yaml:32:18: claim 'claim-c' contradicts itself"],
        {"aws", "src", "claim-a", "claim-b", "claim-c"},
    ),
    "tab-indentation": (
        [
            "tab-indentation/kb.yaml:2:1: YAML syntax error: found character that cannot start any token "
            "(while scanning for the next token)"
        ],
        set(),
    ),
    "top-level-list": (
        [
            "top-level-list/kb.yaml:1:1: the top level must be a mapping of vendors, chips, sources or claims, "
            "not a list"
        ],
        set(),
    ),
    "top-level-scalar": (
        [
            "top-level-scalar/kb.yaml:1:1: the top level must be a mapping of vendors, chips, sources or claims, "
            "not a single value"
        ],
        set(),
    ),
    "unclosed-quote": (
        [
            "unclosed-quote/kb.yaml:5:1: YAML syntax error: found unexpected end of stream "
            "(while scanning a quoted scalar started at line 3, column 11)"
        ],
        set(),
    ),
    "utf16": (["utf16/kb.yaml:1:1: file is UTF-16, not UTF-8: re-save it as UTF-8"], set()),
    "utf8-bom": ([], {"bom-vendor"}),
    "wrong-date-format": (
        [
            "wrong-date-format/kb.yaml:10:16: field 'announced' must be a date as YYYY, YYYY-MM or YYYY-MM-DD, "
            "not '28/11/2023'",
            "wrong-date-format/kb.yaml:11:16: field 'available' must be a date as YYYY, YYYY-MM or YYYY-MM-DD, "
            "not '2024-13-01'",
        ],
        {"aws", "trn2"},
    ),
}


def materialise(case: str, into: Path) -> Path:
    """The case's files plus the good file, in `into/case`."""
    target = into / case
    shutil.copytree(HOSTILE / case, target)
    shutil.copy(GOOD, target / "good.yaml")
    return target


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
    assert result.stdout.splitlines() == problems
    assert result.returncode == (1 if any(": warning: " not in p for p in problems) else 0)


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
