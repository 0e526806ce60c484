"""Figures go into a chip of the KB however its YAML is laid out, and nothing else in the file moves."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from kb.store.knowledge import load_kb
from kb.store.model import Chip
from tests.importers.helpers import EPOCH, files_of, make_kb, run, shown

ONLY_H100 = 'skip: ["*"]\nrows:\n  NVIDIA H100 SXM5 80GB: {}\n'
HEAD = (
    "chips:\n"
    "  - id: nvidia-h100\n"
    "    name: NVIDIA H100 (SXM5 80 GB)\n"
    "    vendor: nvidia\n"
    "    kind: gpu\n"
    "    memory: HBM3\n"
)


def import_into(tmp_path: Path, nvidia_yaml: str) -> tuple[Path, str, str]:
    kb = make_kb(tmp_path, mapping=ONLY_H100, extra={"kb/chips/nvidia.yaml": nvidia_yaml})
    before = (kb / "chips" / "nvidia.yaml").read_text(encoding="utf-8")
    code, out, err = run("import", "epoch", EPOCH, "--kb", kb, "--write")
    assert code == 0, out + err
    assert load_kb(kb).errors == []
    return kb, before, (kb / "chips" / "nvidia.yaml").read_text(encoding="utf-8")


def epoch_figures(kb: Path) -> int:
    chip = load_kb(kb).get("nvidia-h100")
    assert isinstance(chip, Chip)
    return len([s for s in chip.specs if s.source == "epoch-ml-hardware"])


def only_added(before: str, after: str) -> list[str]:
    diff = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:2] in ("- ", "+ ")]
    assert all(line.startswith("+ ") for line in diff)
    return [line[2:] for line in diff]


def test_a_chip_without_specs_gets_a_specs_list(tmp_path: Path) -> None:
    kb, before, after = import_into(tmp_path, HEAD + "    sources: [nvidia-datasheet]\n\n# the end\n")
    added = only_added(before, after)
    assert added[0] == "    specs:"
    assert all(line.startswith("      - {name: ") and "  # epoch:" in line for line in added[1:])
    assert epoch_figures(kb) == len(added) - 1 == 13  # every figure of the row: the KB has none
    assert after.endswith("    sources: [nvidia-datasheet]\n" + "\n".join(added) + "\n\n# the end\n")


def test_an_empty_specs_key_gets_the_figures(tmp_path: Path) -> None:
    kb, before, after = import_into(tmp_path, HEAD + "    specs:\n")
    added = only_added(before, after)
    assert all(line.startswith("      - {name: ") for line in added)
    assert epoch_figures(kb) == 13


def test_figures_follow_block_mappings_at_their_indentation(tmp_path: Path) -> None:
    kb, before, after = import_into(
        tmp_path,
        HEAD
        + "    specs:\n"
        + "        - name: tdp\n"
        + "          value: 700\n"
        + "          unit: W\n"
        + "          source: nvidia-datasheet\n"
        + "          note: |\n"
        + "            A note over\n"
        + "            two lines.\n"
        + "\n"
        + "  # a comment after the chip\n",
    )
    added = only_added(before, after)
    assert all(line.startswith("        - {name: ") for line in added)
    assert after.index("two lines.\n") < after.index(added[0]) < after.index("  # a comment after the chip")
    assert epoch_figures(kb) == 12  # the TDP agrees with the KB's


def test_line_ends_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    kb = make_kb(tmp_path, mapping=ONLY_H100)
    nvidia = kb / "chips" / "nvidia.yaml"
    nvidia.write_bytes(b"\xef\xbb\xbf" + nvidia.read_bytes().replace(b"\n", b"\r\n"))
    code, out, _ = run("import", "epoch", EPOCH, "--kb", kb, "--write")
    assert code == 0, out
    data = nvidia.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert epoch_figures(kb) == 11  # BF16 and the TDP agree with the KB's


@pytest.mark.parametrize(
    ("nvidia_yaml", "where", "message"),
    [
        (
            "chips:\n  - {id: nvidia-h100, name: NVIDIA H100 (SXM5 80 GB), vendor: nvidia, kind: gpu}\n",
            "3:5",
            "cannot add figures to chip 'nvidia-h100': write it as a list entry '- id: ...'",
        ),
        (
            HEAD + "    specs: [{name: tdp, value: 700, unit: W, source: nvidia-datasheet}]\n",
            "8:12",
            "cannot add figures to chip 'nvidia-h100': its specs are not a block list ('- name: ...' lines)",
        ),
    ],
)
def test_a_layout_the_importer_cannot_add_to_is_a_problem(
    tmp_path: Path, nvidia_yaml: str, where: str, message: str
) -> None:
    kb = make_kb(tmp_path, mapping=ONLY_H100, extra={"kb/chips/nvidia.yaml": nvidia_yaml})
    before = files_of(kb)
    code, out, _ = run("import", "epoch", EPOCH, "--kb", kb, "--write")
    assert code == 1
    assert out.splitlines() == [f"{shown(kb / 'chips' / 'nvidia.yaml')}:{where}: {message}"]
    assert files_of(kb) == before
