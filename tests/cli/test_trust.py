"""What the command line shows a fact-checker: ids or aliases everywhere an id is taken, estimates
marked as such, every search hit reachable, acknowledged text defects as information."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.kb_files import write_kb
from tests.support.paths import BUNDLED_KB

KB = {
    "kb.yaml": """\
vendors:
  - {id: acme, name: Acme, kind: chip-designer}
sources:
  - {id: src, title: Launch, language: en, text: "The T1 is fast."}
chips:
  - id: acme-t1
    name: Acme T1
    aliases: [T1, Trainer One]
    vendor: acme
    kind: gpu
    specs:
      - {name: bf16-dense, value: 100, unit: TFLOPS, source: src}
      - {name: tdp, value: 700, unit: W, source: src, status: estimate, locator: "row 'T1', column 'TDP'"}
  - {id: acme-t2, name: Acme T2, aliases: [T2, TX], vendor: acme, kind: gpu}
  - {id: acme-t3, name: Acme T3, aliases: [TX], vendor: acme, kind: gpu}
""",
}


def chipkb(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kb", *argv, "--kb", str(root)], capture_output=True, text=True, timeout=120
    )


def test_show_compare_and_export_take_aliases_in_any_case_and_width(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb", KB)
    for name in ("T1", "t1", "Ｔ１", "trainer one", "Acme T1"):
        shown = chipkb(root, "show", name)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.startswith("chip acme-t1: Acme T1"), name
    compared = chipkb(root, "compare", "t1", "T2")
    assert compared.returncode == 0, compared.stderr
    assert "Acme T1" in compared.stdout and "Acme T2" in compared.stdout
    exported = chipkb(root, "export", "T2", "--out", str(tmp_path / "vault"))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "vault" / "chips" / "acme-t2.md").is_file()


def test_an_ambiguous_or_unknown_name_is_one_line_with_suggestions(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb", KB)
    ambiguous = chipkb(root, "show", "TX")
    assert (ambiguous.returncode, ambiguous.stderr) == (
        1,
        "chipkb: 'TX' names more than one entity: 'acme-t2', 'acme-t3'; give the id\n",
    )
    missing = chipkb(root, "compare", "acme-t1", "T9")
    assert missing.returncode == 1
    assert missing.stderr == "chipkb: no chip with id or name 'T9'\n"
    not_a_chip = chipkb(root, "compare", "acme-t1", "Acme")
    assert (not_a_chip.returncode, not_a_chip.stderr) == (1, "chipkb: 'Acme' is a vendor, not a chip\n")


def test_an_estimate_is_marked_wherever_it_is_shown(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb", KB)
    assert "tdp: 700 W (estimate)" in chipkb(root, "show", "acme-t1").stdout
    data = json.loads(chipkb(root, "show", "acme-t1", "--json").stdout)
    tdp = next(s for s in data["specs"] if s["name"] == "tdp")
    assert tdp["status"] == "estimate" and tdp["locator"] == "row 'T1', column 'TDP'"
    table = chipkb(root, "compare", "acme-t1", "acme-t2").stdout
    assert "700 est." in table
    note = chipkb(root, "compare", "acme-t1", "acme-t2", "--markdown").stdout
    assert "700 (estimate)" in note
    vault = tmp_path / "vault"
    chipkb(root, "export", "--out", str(vault))
    assert "| estimate" in (vault / "chips" / "acme-t1.md").read_text(encoding="utf-8")


def test_every_search_hit_can_be_reached_a_page_at_a_time() -> None:
    def page(offset: int) -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "kb", "search", "type:chip", "--limit", "7", "--offset", str(offset), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(result.stdout)

    first = page(0)
    seen, offset = [], 0
    while True:
        data = page(offset)
        seen += [hit["id"] for hit in data["hits"]]
        if not data["more"]:
            break
        offset += len(data["hits"])
    assert len(seen) == len(set(seen)) == first["total"] > 7
    listed = subprocess.run(
        [sys.executable, "-m", "kb", "list", "--type", "chip"], capture_output=True, text=True, check=True
    ).stdout
    assert set(seen) == {line.split()[0] for line in listed.splitlines() if line.strip()}


def test_the_bundled_kb_validates_with_its_acknowledged_defects_as_information() -> None:
    result = subprocess.run([sys.executable, "-m", "kb", "validate"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert not [line for line in lines if ": warning: " in line], lines
    assert lines[-1].endswith("acknowledged text defects not listed (--all lists them)")
    everything = subprocess.run([sys.executable, "-m", "kb", "validate", "--all"], capture_output=True, text=True)
    infos = [line for line in everything.stdout.splitlines() if ": info: " in line]
    assert len(infos) == int(lines[-1].split()[0]) > 0
    assert all(
        line.startswith(str(Path("kb/data/sources/allforces-aws-ai-chip-strategy.ja.md")))
        or "allforces-aws-ai-chip-strategy.ja.md" in line
        for line in infos
    )
    assert BUNDLED_KB.is_dir()


def test_an_unacknowledged_or_stale_defect_still_warns(tmp_path: Path) -> None:
    text = "First paragraph here.\\n\\nSecond one.\\n\\nFirst paragraph here.\\n\\nFirst paragraph here.\\n"
    source = (
        "sources:\n  - id: s\n    title: T\n    language: en\n    text_file: s.md\n    acknowledged_defects: [5, 9]\n"
    )
    root = write_kb(tmp_path / "kb", {"s.yaml": source, "s.md": text.replace("\\n", "\n")})
    result = chipkb(root, "validate", "--all")
    lines = result.stdout.splitlines()
    assert any(line.endswith("s.md:5:1: info: paragraph repeats the one at line 1") for line in lines), lines
    assert any(line.endswith("s.md:7:1: warning: paragraph repeats the one at line 1") for line in lines), lines
    assert any("acknowledged_defects lists line 9 of" in line and ": warning: " in line for line in lines), lines
    assert result.returncode == 0
