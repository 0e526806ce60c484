"""Every kind of problem the loader reports, on a real fixture KB, with its exact message and place.

Each fixture file starts with the schema line, as a KB file should, so `validate` adds no warning of
its own about a missing one (tests/kb/store/test_schema_line.py has those)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.cli.main import main
from kb.store.knowledge import load_kb
from tests.support.paths import FIXTURES

PROBLEMS = FIXTURES / "problems"

EXPECTED: dict[str, list[str]] = {
    "yaml-syntax": [
        "yaml-syntax/vendors.yaml:6:1: YAML syntax error: found unexpected end of stream "
        "(while scanning a quoted scalar started at line 4, column 11)",
    ],
    "unknown-field": [
        "unknown-field/vendors.yaml:6:5: unknown field 'contry' for a vendor (did you mean 'country'?)",
    ],
    "missing-field": [
        "missing-field/chips.yaml:7:5: missing required field 'name' for a chip",
    ],
    "mistyped-field": [
        "mistyped-field/chips.yaml:6:14: field 'aliases' must be a list",
        "mistyped-field/chips.yaml:12:16: field 'announced' must be a date as YYYY, YYYY-MM or YYYY-MM-DD, "
        "not '1st December 2020'",
        "mistyped-field/chips.yaml:15:16: field 'value' must be a number, not '96 GB'",
    ],
    "duplicate-id": [
        "duplicate-id/b.yaml:7:9: duplicate id 'aws': also a vendor at duplicate-id/a.yaml:3:9",
    ],
    "missing-reference": [
        "missing-reference/kb.yaml:10:13: vendor refers to unknown vendor 'amazon' (did you mean 'aws'?)",
        "missing-reference/kb.yaml:15:15: subjects refers to unknown chip or vendor 'trainum2' "
        "(did you mean 'trainium2'?)",
        "missing-reference/kb.yaml:16:13: source refers to unknown source 'aws-blog'",
    ],
    "wrong-reference-type": [
        "wrong-reference-type/kb.yaml:10:13: source must name a source, but 'aws' is a vendor",
    ],
    "excerpt-not-verbatim": [
        "excerpt-not-verbatim/kb.yaml:24:14: excerpt not found verbatim in the text of source 'aws-blog'",
    ],
    "not-utf8": [
        "not-utf8/vendors.yaml:6:17: file is not UTF-8: byte 0xfa cannot be decoded",
    ],
    "repeated-paragraphs": [
        "repeated-paragraphs/article.md:8:1: warning: paragraph repeats the one at line 4",
        "repeated-paragraphs/article.md:10:1: warning: paragraph is cut short: the start of the one at line 4",
    ],
}


@pytest.fixture(autouse=True)
def _in_problem_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROBLEMS)


def test_every_fixture_has_expectations() -> None:
    assert sorted(p.name for p in PROBLEMS.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_problem_message_and_place(name: str) -> None:
    kb = load_kb(Path(name))
    assert [str(p) for p in kb.problems] == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_exit_code_and_output(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    has_errors = any(": warning: " not in line for line in EXPECTED[name])
    assert main(["validate", "--kb", name]) == (1 if has_errors else 0)
    assert capsys.readouterr().out.splitlines() == EXPECTED[name]


def test_validate_json_lists_path_line_col_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--kb", "missing-reference", "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert problems[0] == {
        "path": "missing-reference/kb.yaml",
        "line": 10,
        "col": 13,
        "message": "vendor refers to unknown vendor 'amazon' (did you mean 'aws'?)",
        "severity": "error",
    }
    assert len(problems) == 3


def test_a_bad_file_does_not_hide_the_good_ones() -> None:
    kb = load_kb(Path("yaml-syntax"))
    assert list(kb.entities) == ["google"]


def test_a_wrong_optional_field_keeps_the_entity() -> None:
    kb = load_kb(Path("mistyped-field"))
    assert set(kb.entities) == {"aws", "trainium", "aws-docs"}
    chip = kb.entities["trainium"]
    assert chip.announced == "" and chip.specs == []


def test_duplicate_keeps_the_first_definition() -> None:
    kb = load_kb(Path("duplicate-id"))
    assert kb.entities["aws"].type == "vendor"


def test_whitespace_differences_in_an_excerpt_are_allowed() -> None:
    kb = load_kb(Path("excerpt-not-verbatim"))
    flagged = [p for p in kb.problems if "excerpt" in p.message]
    assert [p.line for p in flagged] == [24]  # the first claim (line 18) differs only in whitespace
