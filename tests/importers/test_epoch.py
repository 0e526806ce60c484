"""`chipkb import epoch` against the shared snapshot of Epoch AI's dataset: the chips, figures and
units it writes, one test per kind of column, and what it says about each."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kb.store.knowledge import KnowledgeBase, load_kb
from kb.store.model import Chip, Source, Spec
from tests.importers.helpers import EPOCH, make_kb, run

#: A few rows, each picked for the columns it fills; every other row is skipped.
MAPPING = """
skip: ["*"]
rows:
  NVIDIA H100 SXM5 80GB: {}
  NVIDIA B200: {}
  Google TPU v1: {}
  Google TPU v4i: {}
  Google TPU v5p: {}
  Amazon Trainium3: {}
  AMD Instinct MI300X: {}
memory:
  AMD Instinct *: hbm
  Google TPU v1: other
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, KnowledgeBase, str]:
    root = tmp_path_factory.mktemp("epoch")
    kb_root = make_kb(root, mapping=MAPPING)
    code, out, err = run("import", "epoch", EPOCH, "--kb", kb_root, "--write", "--verbose")
    assert code == 0, out + err
    kb = load_kb(kb_root)
    assert kb.errors == []
    return kb_root, kb, out


def epoch_figures(kb: KnowledgeBase, chip_id: str, name: str) -> list[Spec]:
    chip = kb.get(chip_id)
    assert isinstance(chip, Chip), chip_id
    return [s for s in chip.specs if s.name == name and s.source == "epoch-ml-hardware"]


@pytest.mark.parametrize(
    ("chip", "figure", "value", "unit", "column"),
    [
        # FLOP/s -> TFLOPS, for each precision Epoch gives
        ("tpu-v5p", "bf16-dense", "459", "TFLOPS", "Tensor-FP16/BF16 performance (FLOP/s)"),
        ("nvidia-b200", "fp8-dense", "4500", "TFLOPS", "FP8 performance (FLOP/s)"),
        ("nvidia-b200", "fp4-dense", "9000", "TFLOPS", "FP4 performance (FLOP/s)"),
        ("instinct-mi300x", "tf32-dense", "653.7", "TFLOPS", "TF32 (TensorFloat-32) performance (FLOP/s)"),
        ("nvidia-h100", "fp32", "66.91", "TFLOPS", "FP32 (single precision) performance (FLOP/s)"),
        ("nvidia-h100", "fp64", "33.45", "TFLOPS", "FP64 (double precision) performance (FLOP/s)"),
        # OP/s -> TOPS
        ("tpu-v1", "int8-dense", "92", "TOPS", "INT8 performance (OP/s)"),
        ("nvidia-b200", "int4-dense", "9000", "TOPS", "INT4 performance (OP/s)"),
        # bytes -> GB and byte/s -> TB/s, HBM or not as the chip's memory says
        ("instinct-mi300x", "hbm-capacity", "192", "GB", "Memory (bytes)"),
        ("instinct-mi300x", "hbm-bandwidth", "5.3", "TB/s", "Memory bandwidth (byte/s)"),
        ("nvidia-h100", "hbm-capacity", "80", "GB", "Memory (bytes)"),
        ("tpu-v1", "memory-capacity", "8.589934592", "GB", "Memory (bytes)"),
        ("tpu-v1", "memory-bandwidth", "0.034", "TB/s", "Memory bandwidth (byte/s)"),
        # byte/s -> GB/s for the chip-to-chip links
        ("nvidia-h100", "interconnect-bandwidth", "900", "GB/s", "Intranode bandwidth (byte/s)"),
        # units the KB has: W, mm2, nm, million transistors, MHz (boost clock, else base clock)
        ("tpu-v1", "tdp", "75", "W", "TDP (W)"),
        ("instinct-mi300x", "die-area", "1017", "mm2", "Die Size (mm^2)"),
        ("tpu-v1", "process-node", "28", "nm", "Process size (nm)"),
        ("nvidia-h100", "transistors", "80000", "million", "Transistors (millions)"),
        ("nvidia-h100", "clock", "1980", "MHz", "Boost clock (MHz)"),
        ("tpu-v1", "clock", "700", "MHz", "Base clock (MHz)"),
    ],
)
def test_each_kind_of_column_becomes_a_figure_in_a_kb_unit(
    imported: tuple[Path, KnowledgeBase, str], chip: str, figure: str, value: str, unit: str, column: str
) -> None:
    _, kb, _ = imported
    (spec,) = epoch_figures(kb, chip, figure)
    name = {c.id: c for c in kb.chips}[chip]
    row = {
        "nvidia-h100": "NVIDIA H100 SXM5 80GB",
        "nvidia-b200": "NVIDIA B200",
        "tpu-v1": "Google TPU v1",
        "tpu-v5p": "Google TPU v5p",
        "instinct-mi300x": "AMD Instinct MI300X",
    }[name.id]
    assert Decimal(str(spec.value)) == Decimal(value)
    assert spec.unit == unit
    assert spec.locator == f"row '{row}', column '{column}'"
    assert spec.status == "stated"


def test_columns_without_a_kb_figure_are_not_imported(imported: tuple[Path, KnowledgeBase, str]) -> None:
    kb_root, kb, _ = imported
    text = "".join(p.read_text(encoding="utf-8") for p in kb_root.rglob("*.yaml"))
    for column in (
        "FP16 (half precision)",
        "INT16",
        "Internode bandwidth",
        "Release price",
        "Tensor cores",
        "Memory bus",
    ):
        assert f"column '{column}" not in text
    (h100,) = [c for c in kb.chips if c.id == "nvidia-h100"]
    assert [s.value for s in h100.specs if s.name == "fp16-dense"] == []


def test_a_tdp_epoch_estimates_is_an_estimate_with_epochs_reason(imported: tuple[Path, KnowledgeBase, str]) -> None:
    _, kb, _ = imported
    (tdp,) = epoch_figures(kb, "tpu-v5p", "tdp")
    assert (tdp.value, tdp.unit, tdp.status) == (540, "W", "estimate")
    assert tdp.note == "Epoch's notes: 'Google does not officially state TPUv5p's TDP.'"
    (v4i_tdp,) = epoch_figures(kb, "tpu-v4i", "tdp")
    assert (v4i_tdp.status, v4i_tdp.note) == ("stated", "")


def test_a_tdp_epoch_takes_from_another_source_says_which(imported: tuple[Path, KnowledgeBase, str]) -> None:
    _, kb, _ = imported
    (tdp,) = epoch_figures(kb, "trainium3", "tdp")
    assert (tdp.value, tdp.status) == (700, "stated")
    assert tdp.note == (
        "Epoch's notes: 'Source for TDP: https://newsletter.semianalysis.com/p/aws-trainium3-deep-dive-a-potential'"
    )


def test_new_chips_get_vendor_kind_foundry_and_the_dataset_as_source(imported: tuple[Path, KnowledgeBase, str]) -> None:
    _, kb, _ = imported
    new = {c.id: c for c in kb.chips if c.id != "nvidia-h100"}
    assert sorted(new) == ["instinct-mi300x", "nvidia-b200", "tpu-v1", "tpu-v4i", "tpu-v5p", "trainium3"]
    assert {c.id: (c.name, c.vendor, c.kind, c.foundry) for c in new.values()} == {
        "instinct-mi300x": ("AMD Instinct MI300X", "amd", "gpu", "tsmc"),
        "nvidia-b200": ("NVIDIA B200", "nvidia", "gpu", "tsmc"),
        "tpu-v1": ("Google TPU v1", "google", "accelerator", ""),
        "tpu-v4i": ("Google TPU v4i", "google", "accelerator", ""),
        "tpu-v5p": ("Google TPU v5p", "google", "accelerator", ""),
        "trainium3": ("Amazon Trainium3", "aws", "gpu", "tsmc"),
    }
    assert all(c.sources == ["epoch-ml-hardware"] for c in new.values())
    assert all(s.source == "epoch-ml-hardware" and s.locator for c in new.values() for s in c.specs)


def test_the_dataset_source_is_added_with_its_licence_and_credit(imported: tuple[Path, KnowledgeBase, str]) -> None:
    _, kb, _ = imported
    source = kb.get("epoch-ml-hardware")
    assert isinstance(source, Source)
    assert (source.title, source.publisher, source.url, source.license, source.kind) == (
        "Epoch AI, 'Machine Learning Hardware'",
        "Epoch AI",
        "https://epoch.ai/data/machine-learning-hardware",
        "CC BY 4.0",
        "dataset",
    )
    assert source.location.path.endswith("sources/imported-epoch.yaml")


def test_files_written_start_with_the_schema_line(imported: tuple[Path, KnowledgeBase, str]) -> None:
    kb_root, _, _ = imported
    written = sorted(p.relative_to(kb_root).as_posix() for p in kb_root.rglob("imported-*.yaml"))
    assert written == [
        "chips/imported-amd.yaml",
        "chips/imported-aws.yaml",
        "chips/imported-google.yaml",
        "chips/imported-nvidia.yaml",
        "sources/imported-epoch.yaml",
    ]
    for rel in written:
        first = (kb_root / rel).read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../docs/kb.schema.json"
        assert (kb_root / rel).parent.joinpath("../../docs/kb.schema.json").resolve().exists()


def test_memory_the_kb_cannot_place_is_left_out_and_said(imported: tuple[Path, KnowledgeBase, str]) -> None:
    _, kb, out = imported
    assert epoch_figures(kb, "tpu-v4i", "hbm-capacity") == epoch_figures(kb, "tpu-v4i", "memory-capacity") == []
    assert any(
        line.endswith(
            "left out tpu-v4i 'Memory (bytes)': Epoch does not say which memory this is and neither does the KB;"
            f" say memory: hbm or other for it in {Path(kb.root) / '.imports' / 'epoch.yaml'}"
        )
        for line in out.splitlines()
    )


def test_the_existing_chip_gets_only_what_it_lacks_and_disagreements(imported: tuple[Path, KnowledgeBase, str]) -> None:
    _, kb, out = imported
    (h100,) = [c for c in kb.chips if c.id == "nvidia-h100"]
    by_name: dict[str, list[tuple[float | None, str]]] = {}
    for spec in h100.specs:
        by_name.setdefault(spec.name, []).append((spec.value, spec.source))
    # 989.4 TFLOPS is the KB's 989 as the KB rounds it; 700 W is the KB's 700 W: neither added
    assert by_name["bf16-dense"] == [(989, "nvidia-datasheet")]
    assert by_name["tdp"] == [(700, "nvidia-datasheet")]
    # 494.7 is not 494.5: both kept, each with its source
    assert by_name["tf32-dense"] == [(494.5, "nvidia-datasheet"), (494.7, "epoch-ml-hardware")]
    assert (
        "Epoch disagrees on nvidia-h100 tf32-dense: the KB says 494.5 TFLOPS (nvidia-datasheet), Epoch says"
        " 494.7 TFLOPS (row 'NVIDIA H100 SXM5 80GB', column 'TF32 (TensorFloat-32) performance (FLOP/s)'); both kept"
    ) in out.splitlines()
    assert (
        "Epoch agrees: nvidia-h100 bf16-dense 989.4 TFLOPS"
        " (row 'NVIDIA H100 SXM5 80GB', column 'Tensor-FP16/BF16 performance (FLOP/s)')"
    ) not in out
    assert any(
        line.startswith("Epoch agrees with nvidia-datasheet: nvidia-h100 bf16-dense 989.4 TFLOPS")
        for line in out.splitlines()
    )


def test_the_whole_snapshot_proposes_the_chips_of_the_race(tmp_path: Path) -> None:
    kb_root = make_kb(tmp_path)
    code, out, err = run("import", "epoch", EPOCH, "--kb", kb_root, "--write")
    assert code == 0, err
    kb = load_kb(kb_root)
    assert kb.errors == []
    names = {c.name for c in kb.chips}
    for wanted in (
        "AMD Instinct MI300X",
        "AMD Instinct MI325X",
        "AMD Instinct MI350X",
        "AMD Instinct MI355X",
        "Intel Habana Gaudi2",
        "Intel Habana Gaudi3",
        "NVIDIA GH200",
        "NVIDIA B100",
        "NVIDIA GB200",
        "NVIDIA B300 (Blackwell Ultra)",
        "NVIDIA GB300 (Blackwell Ultra)",
        "Google TPU v1",
        "Google TPU v2",
        "Google TPU v3",
        "Meta MTIA 300",
        "Maia 100 (M100)",
        "Amazon Trainium3",
    ):
        assert wanted in names, wanted
    # the H100 SXM5 row went to the KB's H100; the two rows the rules cannot place are said
    assert "NVIDIA H100 SXM5 80GB" not in names
    unmapped = [line for line in out.splitlines() if ": cannot map row " in line]
    assert [line.split(": cannot map row ")[1].split(":")[0] for line in unmapped] == ["'GroqChip LPU v1'"]
    assert len(kb.chips) == 1 + 175 - 2  # the KB's H100, every row but the H100's and GroqChip's
    assert {v.id for v in kb.vendors} >= {"huawei", "cambricon", "meta", "microsoft", "intel"}
