"""`chipkb validate` warns about a KB file without the `# yaml-language-server: $schema=` line,
since an editor then checks nothing in it (issue 15, point 5); every bundled file has the line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kb.cli.main import main
from kb.store.schema_line import MISSING, missing_schema_lines, names_schema
from tests.support.kb_files import write_kb
from tests.support.paths import BUNDLED_KB

LINE = "# yaml-language-server: $schema=../docs/kb.schema.json\n"
VENDOR = "vendors:\n  - {id: acme, name: Acme, kind: chip-designer, summary: Acme makes chips.}\n"
CHIP = "chips:\n  - {id: a1, name: A1, vendor: acme, kind: gpu}\n"


def test_every_bundled_kb_file_names_the_schema() -> None:
    assert missing_schema_lines(BUNDLED_KB) == []


def test_a_file_without_the_line_is_one_warning_at_its_first_line(tmp_path: Path, monkeypatch, capsys) -> None:
    write_kb(tmp_path / "kb", {"vendors.yaml": LINE + VENDOR, "chips/a.yaml": CHIP})
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--kb", "kb"]) == 0  # a warning, not an error
    assert capsys.readouterr().out.splitlines() == [f"kb/chips/a.yaml:1:1: warning: {MISSING}"]
    assert main(["validate", "--kb", "kb", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["warnings"] == 1
    assert [(p["path"], p["line"], p["severity"]) for p in document["problems"]] == [("kb/chips/a.yaml", 1, "warning")]


@pytest.mark.parametrize(
    "head",
    [
        "# yaml-language-server: $schema=../docs/kb.schema.json",
        "#yaml-language-server:$schema=https://example.invalid/kb.schema.json",
        "# Acme's chips\n  # yaml-language-server: $schema=kb.schema.json",  # further down, indented
    ],
)
def test_the_line_counts_wherever_yaml_language_server_reads_it(head: str) -> None:
    assert names_schema(head + "\n" + CHIP)


@pytest.mark.parametrize(
    "head",
    [
        "# yaml-language-server: schema=kb.schema.json",  # no $
        "# yaml-language-server: $schema=",  # names nothing
        "# $schema: kb.schema.json",
        'chips: []  # "yaml-language-server: $schema=x" inside a value is not a comment line',
    ],
)
def test_near_misses_do_not_count(head: str) -> None:
    assert not names_schema(head + "\n")


def test_a_file_swapped_for_a_fifo_is_passed_over_without_waiting(tmp_path: Path, monkeypatch) -> None:
    """The scan lists regular files only; one replaced by a FIFO after the scan must not block."""
    root = write_kb(tmp_path / "kb", {"chips.yaml": CHIP})
    import kb.store.schema_line as schema_line

    real_scan = schema_line.scan_kb

    def scan_then_swap(folder: Path):
        scan = real_scan(folder)
        (root / "chips.yaml").unlink()
        os.mkfifo(root / "chips.yaml")
        return scan

    monkeypatch.setattr(schema_line, "scan_kb", scan_then_swap)
    assert missing_schema_lines(root) == []
