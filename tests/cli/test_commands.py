"""The `chipkb` command: version, help, list, show, and usage errors, on a real fixture KB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kb
from tests.support.paths import FIXTURES
from tui.command import main

MINI = str(FIXTURES / "mini_kb")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"chipkb {kb.__version__}"


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = {
        line.split(maxsplit=1)[0]: line.split(maxsplit=1)[1]
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("    ") and len(line.split(maxsplit=1)) == 2
    }
    assert set(listed) >= {"tui", "validate", "list", "show", "export", "compare", "search"}
    assert listed["tui"] == "open the app (what a bare `chipkb` does)"
    assert listed["search"] == "full-text search of the KB"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["validate", "--kb", "/no/such/folder"], "--kb /no/such/folder: no such folder"),
        (["validate", "--kb", __file__], "not a folder"),
        (["list", "--type", "gadget"], "invalid choice: 'gadget'"),
        (["show"], "the following arguments are required: id"),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("chipkb: error: ") and message in err


def test_list_prints_ids_and_titles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--kb", MINI, "--type", "chip")
    assert code == 0
    assert out.split() == ["trainium", "chip", "Trainium"]


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--kb", MINI, "--json")
    assert code == 0
    listed = json.loads(out)
    assert (listed["version"], listed["total"], listed["count"]) == (1, 6, 6)
    aws = next(entity for entity in listed["entities"] if entity["id"] == "aws")
    assert Path(aws.pop("path")).resolve() == Path(MINI, "kb.yaml")  # as validate names it: from where chipkb runs
    assert aws == {
        "id": "aws",
        "type": "vendor",
        "title": "Amazon Web Services",
        "vendor": "aws",
        "aliases": ["AWS", "Amazon"],
        "tags": [],
        "line": 3,
    }


def test_show_chip_resolves_vendor_and_figure_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "trainium", "--kb", MINI)
    assert code == 0
    assert "vendor name: Amazon Web Services" in out
    assert "bf16-dense: 190 TFLOPS  -- Trainium Architecture" in out
    assert "hbm-capacity: 32 GiB (34.36 GB)  -- Trainium Architecture" in out
    assert "tdp: not disclosed  -- Trainium Architecture" in out
    assert "int8-dense: 420 TOPS  [sources disagree]  -- Trainium Architecture (older release)" in out


def test_show_claim_resolves_source_and_subjects(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "trainium-for-training", "--kb", MINI)
    assert code == 0
    assert "source title: Trainium Architecture" in out
    assert "source url: https://example.invalid/trainium" in out
    assert "subject names: Trainium (trainium), Amazon Web Services (aws)" in out
    assert "status: corroborated" in out


def test_show_json_has_fields_and_resolved_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "trainium", "--kb", MINI, "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["vendor"] == "aws" and shown["resolved"]["vendor_name"] == "Amazon Web Services"
    assert shown["specs"][3] == {"name": "hbm-capacity", "value": 32, "unit": "GiB", "source": "neuron-docs"}
    assert shown["resolved"]["figure_sources"]["old-neuron-docs"] == "Trainium Architecture (older release)"
    assert shown["resolved"]["disputed_figures"] == ["int8-dense"]


def test_show_unknown_id_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "trainum", "--kb", MINI)
    assert code == 1
    assert out == ""
    assert err.strip() == "chipkb: no entity with id or name 'trainum' (did you mean 'trainium'?)"


def test_kb_package_imports_neither_tui_nor_textual() -> None:
    package = Path(kb.__file__).parent
    modules = [
        ".".join(("kb", *path.relative_to(package).with_suffix("").parts))
        for path in package.rglob("*.py")
        if path.stem not in ("__init__", "__main__")
    ]
    assert "kb.search.engine" in modules and "kb.cli.search" in modules  # every subpackage is walked
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(set(modules))!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_validate_on_an_installed_style_path_never_writes_into_the_kb(tmp_path: Path) -> None:
    import shutil

    kb_copy = shutil.copytree(MINI, tmp_path / "kb")
    before = sorted(p.relative_to(kb_copy) for p in kb_copy.rglob("*"))
    assert main(["validate", "--kb", str(kb_copy)]) == 0
    assert sorted(p.relative_to(kb_copy) for p in kb_copy.rglob("*")) == before
