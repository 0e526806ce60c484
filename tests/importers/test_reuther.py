"""`chipkb import reuther` on rows of the Lincoln AI Computing Survey's CSV (Reuther et al., IEEE
HPEC 2023): one chip per product, a figure per precision, power as TDP, systems left out."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kb.store.knowledge import KnowledgeBase, load_kb
from kb.store.model import Chip, Source
from tests.importers.helpers import REUTHER, files_of, make_kb, run

INFERENTIA = """
    chips:
      - id: inferentia
        name: AWS Inferentia
        aliases: [Inferentia1, Inf1]
        vendor: aws
        kind: inference-accelerator
        specs:
          - {name: int8-dense, value: 128, unit: TOPS, source: google-tpu-docs}
    """


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, KnowledgeBase, list[str]]:
    kb_root = make_kb(tmp_path_factory.mktemp("reuther"), extra={"kb/chips/aws.yaml": INFERENTIA})
    code, out, err = run("import", "reuther", REUTHER, "--kb", kb_root, "--write", "--verbose")
    assert code == 0, out + err
    kb = load_kb(kb_root)
    assert kb.errors == []
    return kb_root, kb, out.splitlines()


def figures(kb: KnowledgeBase, chip_id: str) -> dict[str, tuple[Decimal, str, str]]:
    chip = kb.get(chip_id)
    assert isinstance(chip, Chip), chip_id
    return {s.name: (Decimal(str(s.value)), s.unit, s.status) for s in chip.specs if s.source == "reuther-laics-2023"}


@pytest.mark.parametrize(
    ("chip", "expected"),
    [
        # int8 -> int8-dense in TOPS, Power -> tdp in W
        ("tpu1", {"int8-dense": ("92", "TOPS", "stated"), "tdp": ("75", "W", "stated")}),
        # bf16.32 -> bf16-dense in TFLOPS
        ("tpu2", {"bf16-dense": ("45", "TFLOPS", "stated"), "tdp": ("280", "W", "stated")}),
        # fp16 -> fp16-dense; two rows of one product make one chip with both figures and one TDP
        (
            "tensor-streaming-processor",
            {
                "fp16-dense": ("205", "TFLOPS", "stated"),
                "int8-dense": ("820", "TOPS", "stated"),
                "tdp": ("300", "W", "stated"),
            },
        ),
        # fp32 -> fp32, and int8 from the product's second row (another Label)
        (
            "xeon-platinum-8180",
            {
                "fp32": ("4.48", "TFLOPS", "stated"),
                "int8-dense": ("38.7", "TOPS", "stated"),
                "tdp": ("205", "W", "stated"),
            },
        ),
        # "no peak" in the notes: the survey's own estimate
        ("hanguang-800", {"int8-dense": ("314.252", "TOPS", "estimate"), "tdp": ("157.126", "W", "stated")}),
        # int16 has no KB figure; a peak of 80 FLOP/s is a slip: only the power stays
        ("movidius-myriad-x", {"tdp": ("2", "W", "stated")}),
        ("cloudblazer-t10", {"tdp": ("225", "W", "stated")}),
        ("gaudi2", {"tdp": ("650", "W", "stated")}),
    ],
)
def test_each_precision_becomes_its_figure(
    imported: tuple[Path, KnowledgeBase, list[str]], chip: str, expected: dict[str, tuple[str, str, str]]
) -> None:
    _, kb, _ = imported
    assert figures(kb, chip) == {name: (Decimal(v), unit, status) for name, (v, unit, status) in expected.items()}


def test_locators_name_company_product_precision_and_column(imported: tuple[Path, KnowledgeBase, list[str]]) -> None:
    _, kb, _ = imported
    tpu1 = kb.get("tpu1")
    assert isinstance(tpu1, Chip)
    assert sorted(s.locator for s in tpu1.specs) == [
        "row Company 'Google', Product 'TPU1', Precision 'int8', column 'PeakPerformance'",
        "row Company 'Google', Product 'TPU1', Precision 'int8', column 'Power'",
    ]
    (power,) = [s for s in tpu1.specs if s.name == "tdp"]
    assert power.note == "The survey's 'Power': peak power, which may be a TDP or a board's power."
    card = kb.get("c2")
    assert isinstance(card, Chip)
    assert {s.locator for s in card.specs} == {
        "row Company 'GraphCore', Product 'C2', Precision 'fp16.32', Label 'GraphCore', column 'PeakPerformance'",
        "row Company 'GraphCore', Product 'C2', Precision 'fp16.32', Label 'GraphCore', column 'Power'",
    }


def test_whole_systems_are_left_out(imported: tuple[Path, KnowledgeBase, list[str]]) -> None:
    _, kb, out = imported
    names = {c.name for c in kb.chips}
    assert not names & {"Cerebras CS-2", "NVIDIA DGX-H100", "Google TPU Edge"}
    assert any(
        line.endswith(
            "row 'NVIDIA DGX-H100 (system DGX-H100)' is left out: a whole system (FormFactor 'System'),"
            f" not a chip (name it in {Path(kb.root) / '.imports' / 'reuther.yaml'} to import it)"
        )
        for line in out
    )


def test_rows_match_the_kbs_chips_by_alias(imported: tuple[Path, KnowledgeBase, list[str]]) -> None:
    _, kb, out = imported
    assert kb.get("nvidia-h100") is not None and kb.get("h100") is None
    assert figures(kb, "nvidia-h100") == {"fp16-dense": (Decimal(1000), "TFLOPS", "stated")}  # its 700 W agrees
    assert figures(kb, "inferentia") == {"tdp": (Decimal(200), "W", "stated")}  # its 128 TOPS agrees
    assert "Reuther et al. agree with google-tpu-docs: inferentia int8-dense 128 TOPS" in " ".join(out)


def test_new_vendors_and_the_source(imported: tuple[Path, KnowledgeBase, list[str]]) -> None:
    _, kb, _ = imported
    assert {v.id for v in kb.vendors} >= {"groq", "graphcore", "huawei-hisilicon", "qualcomm", "aistorm", "habana"}
    assert kb.get("aistorm-aistorm") is not None  # the chip could not take its maker's id
    source = kb.get("reuther-laics-2023")
    assert isinstance(source, Source)
    assert (source.url, source.kind, source.author) == (
        "https://github.com/areuther/ai-accelerators",
        "dataset",
        "A. Reuther, P. Michaleas, M. Jones, V. Gadepally, S. Samsi, J. Kepner",
    )


def test_importing_the_survey_again_changes_nothing(imported: tuple[Path, KnowledgeBase, list[str]]) -> None:
    kb_root, _, _ = imported
    before = files_of(kb_root)
    code, out, _ = run("import", "reuther", REUTHER, "--kb", kb_root, "--write")
    assert (code, out.splitlines()[-1]) == (0, "nothing to change")
    assert files_of(kb_root) == before


def test_a_system_named_in_the_mapping_table_is_imported(tmp_path: Path) -> None:
    kb_root = make_kb(
        tmp_path, extra={"kb/.imports/reuther.yaml": "rows:\n  Google TPU Edge (system TPUedge): edge-tpu\n"}
    )
    code, out, _ = run("import", "reuther", REUTHER, "--kb", kb_root, "--write")
    assert code == 0, out
    assert figures(load_kb(kb_root), "edge-tpu") == {
        "int8-dense": (Decimal(4), "TOPS", "stated"),
        "tdp": (Decimal(2), "W", "stated"),
    }
