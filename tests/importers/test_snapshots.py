"""Importing again: the same snapshot changes nothing, a newer one changes only what changed, and
what a person wrote or edited is never overwritten or deleted."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from kb.importers.writing import WriteConflict, new_errors, write_atomically
from kb.store.knowledge import load_kb
from kb.store.model import Chip
from tests.importers.helpers import EPOCH, copy_csv, files_of, make_kb, run, shown

MAPPING = """
skip: ["*"]
rows:
  NVIDIA H100 SXM5 80GB: {}
  Google TPU v1: {}
  Google TPU v2: {}
  Google TPU v3: {}
  Google TPU v9 (test): {}
memory:
  Google TPU v*: other
"""

TPU_V2_TDP = '46 TFLOP/s peak",2017-05-01,,46000000000000.0,,,16000000000.0,600000000000.0,,,280.0,'


def row_text(text: str, name: str, next_name: str) -> str:
    """A row as written in the CSV (quoted fields may run over several lines): from its name up to
    the next row's."""
    start = text.index(f"\n{name},") + 1
    return text[start : text.index(f"\n{next_name},", start) + 1]


def newer_snapshot(folder: Path) -> Path:
    """The snapshot with one value edited (TPU v2's TDP), one row removed (TPU v1) and one added."""
    text = EPOCH.read_text(encoding="utf-8")
    v1_row = row_text(text, "Google TPU v1", "NVIDIA GeForce GTX TITAN X")
    v3_row = row_text(text, "Google TPU v3", "NVIDIA Tesla V100 DGXS 16 GB")
    assert text.count(TPU_V2_TDP) == 1
    text = text.replace(TPU_V2_TDP, TPU_V2_TDP.replace(",280.0,", ",300.0,")).replace(v1_row, "")
    text += v3_row.replace("Google TPU v3,", "Google TPU v9 (test),")
    newer = folder / "newer.csv"
    newer.write_text(text, encoding="utf-8")
    return newer


def write(kb: Path, csv: Path = EPOCH) -> tuple[int, list[str]]:
    code, out, err = run("import", "epoch", csv, "--kb", kb, "--write")
    assert "Traceback" not in err
    return code, out.splitlines()


def changed_lines(before: bytes, after: bytes) -> list[str]:
    """The lines a change removed (-) and added (+)."""
    diff = difflib.ndiff(before.decode().splitlines(), after.decode().splitlines())
    return [line for line in diff if line.startswith(("- ", "+ "))]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return make_kb(tmp_path / "first", mapping=MAPPING)


def test_importing_the_same_file_again_changes_nothing(kb: Path) -> None:
    assert write(kb)[0] == 0
    first = files_of(kb)
    code, out = write(kb)
    assert code == 0
    assert out[-1] == "nothing to change"
    assert files_of(kb) == first
    code, dry, _ = run("import", "epoch", EPOCH, "--kb", kb)
    assert (code, dry.splitlines()[-1]) == (0, "nothing to change")


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    kb = make_kb(tmp_path)
    before = files_of(kb)
    code, out, _ = run("import", "epoch", EPOCH, "--kb", kb)
    assert code == 0
    assert out.splitlines()[-1] == "nothing written (a dry run): --write writes it"
    assert files_of(kb) == before
    assert not (kb / ".imports").exists()


def test_the_first_write_leaves_a_mapping_table_to_fill_in(tmp_path: Path) -> None:
    kb = make_kb(tmp_path)
    write(kb)
    table = (kb / ".imports" / "epoch.yaml").read_text(encoding="utf-8")
    assert "rows: {}\nvendors: {}\nskip: []\nmemory: {}\n" in table
    assert load_kb(kb).errors == []  # the loader skips the hidden folder


def test_a_newer_snapshot_changes_only_what_changed(kb: Path, tmp_path: Path) -> None:
    write(kb)
    before = files_of(kb)
    code, out = write(kb, newer_snapshot(tmp_path))
    assert code == 0
    after = files_of(kb)
    assert sorted(rel for rel in after if after[rel] != before.get(rel)) == ["chips/imported-google.yaml"]
    changes = changed_lines(before["chips/imported-google.yaml"], after["chips/imported-google.yaml"])
    removed = [line for line in changes if line.startswith("- ")]
    added = [line for line in changes if line.startswith("+ ")]
    # the edited value: its line replaced in place
    assert any("row 'Google TPU v2', column 'TDP (W)'" in line and "value: 280," in line for line in removed)
    assert any("row 'Google TPU v2', column 'TDP (W)'" in line and "value: 300," in line for line in added)
    # the removed row: its chip gone whole
    assert any(line[2:].strip() == "- id: tpu-v1" for line in removed)
    assert not any("Google TPU v1'" in line for line in added)
    # the added row: a new chip, at the end
    assert any(line[2:].strip() == "- id: tpu-v9-test" for line in added)
    assert not any("TPU v3'" in line for line in changes)
    assert "updated figure tpu-v2 tdp: 280 W -> 300 W (row 'Google TPU v2', column 'TDP (W)')" in out
    assert (
        "removed chip tpu-v1 (Google TPU v1) in chips/imported-google.yaml: its row is no longer in the snapshot" in out
    )
    assert any(line.startswith("added chip tpu-v9-test (Google TPU v9 (test)), vendor google") for line in out)


def test_a_newer_snapshot_gives_what_importing_it_fresh_gives(kb: Path, tmp_path: Path) -> None:
    newer = newer_snapshot(tmp_path)
    write(kb)
    write(kb, newer)
    fresh = make_kb(tmp_path / "fresh", mapping=MAPPING)
    write(fresh, newer)
    assert files_of(kb) == files_of(fresh)


def test_a_removed_row_keeps_its_chip_when_a_claim_is_about_it(kb: Path, tmp_path: Path) -> None:
    write(kb)
    (kb / "claims").mkdir()
    (kb / "claims" / "tpu.yaml").write_text(
        "claims:\n"
        "  - id: tpu-v1-inference\n"
        "    statement: TPU v1 ran inference.\n"
        "    subjects: [tpu-v1]\n"
        "    source: google-tpu-docs\n"
        "    excerpt: Cloud TPU\n"
        "    kind: fact\n",
        encoding="utf-8",
    )
    (kb / "sources" / "sources.yaml").write_text(
        (kb / "sources" / "sources.yaml").read_text(encoding="utf-8") + "    text: Cloud TPU system architecture.\n",
        encoding="utf-8",
    )
    assert load_kb(kb).errors == []
    code, out = write(kb, newer_snapshot(tmp_path))
    assert code == 0
    kb_after = load_kb(kb)
    assert kb_after.errors == []
    chip = kb_after.get("tpu-v1")
    assert isinstance(chip, Chip) and chip.specs == []
    assert (
        "kept chip tpu-v1 (Google TPU v1): its row is no longer in the snapshot,"
        " but claims are about it (tpu-v1-inference)" in out
    )
    assert any(line.startswith("removed figure tpu-v1 int8-dense 92 TOPS") for line in out)


def test_a_hand_edited_figure_is_never_overwritten(kb: Path, tmp_path: Path) -> None:
    write(kb)
    google = kb / "chips" / "imported-google.yaml"
    text = google.read_text(encoding="utf-8")
    edited = text.replace("{name: tdp, value: 280, unit: W", "{name: tdp, value: 285, unit: W")
    assert edited != text
    google.write_text(edited, encoding="utf-8")
    code, out = write(kb, newer_snapshot(tmp_path))
    assert code == 0
    after = google.read_text(encoding="utf-8")
    assert "{name: tdp, value: 285, unit: W" in after
    assert "{name: tdp, value: 300, unit: W" not in after
    (line_number,) = [n for n, line in enumerate(after.splitlines(), start=1) if "value: 285" in line]
    assert (
        f"kept tpu-v2 tdp 285 W (epoch-ml-hardware) at {shown(google)}:{line_number}:9, a figure written by hand:"
        " this snapshot says 300 W (row 'Google TPU v2', column 'TDP (W)')"
    ) in out


def test_a_figure_whose_mark_was_deleted_is_the_persons(kb: Path, tmp_path: Path) -> None:
    write(kb)
    google = kb / "chips" / "imported-google.yaml"
    lines = google.read_text(encoding="utf-8").splitlines(keepends=True)
    (number,) = [i for i, line in enumerate(lines) if "row 'Google TPU v2', column 'TDP (W)'" in line]
    lines[number] = lines[number].split("  # epoch:")[0] + "\n"
    google.write_text("".join(lines), encoding="utf-8")
    write(kb, newer_snapshot(tmp_path))
    assert "{name: tdp, value: 280, unit: W" in google.read_text(encoding="utf-8")


def test_a_hand_edited_chip_is_never_rewritten_or_deleted(kb: Path, tmp_path: Path) -> None:
    write(kb)
    v3_figures = len(load_kb(kb).get("tpu-v3").specs)  # type: ignore[union-attr]
    google = kb / "chips" / "imported-google.yaml"
    text = google.read_text(encoding="utf-8")
    google.write_text(
        text.replace("name: Google TPU v1\n", "name: Google TPU v1 (the first TPU)\n", 1).replace(
            "name: Google TPU v3\n", "name: Third-generation TPU\n    aliases: [TPU 3G]\n", 1
        ),
        encoding="utf-8",
    )
    before = google.read_bytes()
    code, out = write(kb, newer_snapshot(tmp_path))
    assert code == 0
    after = google.read_text(encoding="utf-8")
    assert "name: Google TPU v1 (the first TPU)" in after  # its row left the snapshot: the chip stays
    # renamed, yet still the row's chip (it holds the row's figures), and never rewritten
    assert "name: Third-generation TPU\n    aliases: [TPU 3G]\n" in after
    assert not any("removed chip tpu-v1" in line or "added chip tpu-v3" in line for line in out)
    assert not any("Google TPU v3" in line for line in out)
    kb_after = load_kb(kb)
    assert kb_after.errors == []
    v3 = kb_after.get("tpu-v3")
    assert isinstance(v3, Chip) and len([s for s in v3.specs if s.source == "epoch-ml-hardware"]) == v3_figures == 5
    assert before != after.encode()


def test_hand_written_lines_of_a_chip_stay_byte_for_byte(kb: Path) -> None:
    before = (kb / "chips" / "nvidia.yaml").read_bytes()
    write(kb)
    after = (kb / "chips" / "nvidia.yaml").read_bytes()
    changes = changed_lines(before, after)
    assert all(line.startswith("+ ") for line in changes)  # only insertions
    assert [line[2:] for line in changes] == [
        line
        for line in after.decode().splitlines()
        if "row 'NVIDIA H100 SXM5 80GB'" in line and line.startswith("      - {name: ") and "  # epoch:" in line
    ]
    assert after.decode().splitlines()[-1].startswith("      - {name: ")


def test_a_row_skipped_later_takes_its_chip_with_it(kb: Path) -> None:
    write(kb)
    (kb / ".imports" / "epoch.yaml").write_text(MAPPING.replace("  Google TPU v3: {}\n", "  Google TPU v3: skip\n"))
    code, out = write(kb)
    assert code == 0
    assert (
        "removed chip tpu-v3 (Google TPU v3) in chips/imported-google.yaml: row 'Google TPU v3' is skipped now" in out
    )
    assert load_kb(kb).get("tpu-v3") is None


def test_figures_cannot_go_into_a_flow_list_of_specs(tmp_path: Path) -> None:
    kb = make_kb(
        tmp_path,
        mapping=MAPPING,
        extra={
            "kb/chips/nvidia.yaml": """
                chips:
                  - {id: nvidia-h100, name: NVIDIA H100 (SXM5 80 GB), vendor: nvidia, kind: gpu, specs: []}
                """
        },
    )
    before = files_of(kb)
    code, out, _ = run("import", "epoch", EPOCH, "--kb", kb, "--write")
    assert code == 1
    assert out.splitlines() == [
        f"{shown(kb / 'chips' / 'nvidia.yaml')}:3:5: cannot add figures to chip 'nvidia-h100': write it as a list"
        " entry '- id: ...'"
    ]
    assert files_of(kb) == before


def test_a_result_with_a_new_error_is_refused(tmp_path: Path) -> None:
    kb = make_kb(tmp_path)
    before = load_kb(kb)
    texts: dict[str, str | None] = {"chips/broken.yaml": "chips:\n  - {id: x1, name: X1, vendor: nobody, kind: gpu}\n"}
    (problem,) = new_errors(kb, before, texts)
    assert problem.message.startswith("vendor refers to unknown vendor 'nobody'")
    assert problem.path.endswith("chips/broken.yaml")
    assert not (kb / "chips" / "broken.yaml").exists()


def test_a_file_changed_meanwhile_stops_the_write(tmp_path: Path) -> None:
    kb = make_kb(tmp_path)
    nvidia = kb / "chips" / "nvidia.yaml"
    read = {"chips/nvidia.yaml": nvidia.read_bytes(), "chips/new.yaml": None}
    nvidia.write_text(nvidia.read_text(encoding="utf-8") + "# edited meanwhile\n", encoding="utf-8")
    before = files_of(kb)
    with pytest.raises(WriteConflict, match=r"chips/nvidia\.yaml changed while importing"):
        write_atomically(kb, {"chips/nvidia.yaml": "chips: []\n", "chips/new.yaml": "chips: []\n"}, read)
    assert files_of(kb) == before


def test_writing_leaves_no_temporary_file(kb: Path) -> None:
    write(kb)
    assert [p.name for p in kb.rglob("*.tmp")] == []


def test_kb_text_is_printed_safely(tmp_path: Path) -> None:
    kb = make_kb(tmp_path)
    evil = copy_csv(EPOCH, tmp_path / "evil.csv", [("Meta MTIA 300,Meta,", "Meta MTIA 300\x1b[2J\u202e,Meta,")])
    code, out, _ = run("import", "epoch", evil, "--kb", kb)
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    assert "Meta MTIA 300\\x1b[2J\\u202e" in out
