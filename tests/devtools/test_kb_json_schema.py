"""The KB's JSON Schema, as editors and check-jsonschema use it: the bundled KB passes, and what an
editor can catch is caught where it is typed (units per figure, real dates, dates as text), as
`chipkb validate` catches it too."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.store import schema
from kb.store.knowledge import load_kb
from tests.support.kb_files import write_kb
from tests.support.paths import BUNDLED_KB, REPO

SCHEMA_FILE = REPO / "docs" / "kb.schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema="


def check_jsonschema(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA_FILE), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def kb_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.y*ml") if not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def test_every_bundled_kb_file_names_the_schema_and_passes_it() -> None:
    files = kb_files(BUNDLED_KB)
    assert files
    for file in files:
        first = file.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.startswith(SCHEMA_LINE), file
        target = (file.parent / first.removeprefix(SCHEMA_LINE)).resolve()
        assert target == SCHEMA_FILE.resolve(), file
    result = check_jsonschema(*files)
    assert result.returncode == 0, result.stdout + result.stderr


CHIP = """\
chips:
  - id: x
    name: X
    vendor: acme
    kind: gpu
"""


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("    specs: [{name: fp32, value: 1, unit: GiB, source: s}]", "'GiB' is not one of"),
        ("    announced: 2020-13", "does not match"),
        ('    announced: "2020-02-31"', "does not match"),
        ("    announced: 2021-02-29", "does not match"),
        ("    announced: 202012", "is not of type 'string'"),
        ("    announced: 2024", "is not of type 'string'"),
    ],
)
def test_what_an_editor_can_catch_is_caught_by_the_schema_and_by_validate(
    tmp_path: Path, line: str, error: str
) -> None:
    root = write_kb(tmp_path / "kb", {"c.yaml": CHIP + line + "\n"})
    result = check_jsonschema(root / "c.yaml")
    assert result.returncode == 1 and error in result.stdout, result.stdout
    problems = [p.message for p in load_kb(root).problems if "announced" in p.message or "unit" in p.message]
    assert problems, "chipkb validate must catch it too"


def test_a_real_leap_day_and_partial_dates_pass(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb", {"c.yaml": CHIP + '    announced: 2024-02-29\n    available: "2024-03"\n'})
    assert check_jsonschema(root / "c.yaml").returncode == 0


@given(st.integers(1, 9999), st.integers(0, 13), st.integers(0, 32))
def test_the_schemas_date_pattern_is_the_calendar(year: int, month: int, day: int) -> None:
    text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        dt.date(year, month, day)
        real = True
    except ValueError:
        real = False
    assert bool(re.fullmatch(schema.DATE_PATTERN.strip("^$"), text)) == real
    assert bool(re.fullmatch(schema.DATE_PATTERN.strip("^$"), f"{year:04d}-{month:02d}")) == (1 <= month <= 12)
