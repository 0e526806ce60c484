"""The bundled KB beyond the founding article: vendors, chips with sourced figures, and the sources
and claims that check the article."""

from __future__ import annotations

import math
import re

import pytest

from kb.store import schema
from kb.store.figures import FIGURES, unit_error
from kb.store.knowledge import KnowledgeBase, load_kb
from kb.store.model import Chip, Claim, Source, Vendor
from tests.support.paths import BUNDLED_KB

SEED_SOURCE = "allforces-aws-ai-chip-strategy"
VENDOR_IDS = (
    "aws",
    "annapurna-labs",
    "google",
    "microsoft",
    "nvidia",
    "apple",
    "meta",
    "tsmc",
    "intel",
    "amd",
    "arm",
)
CHIP_IDS = (
    "trainium",
    "trainium2",
    "trainium3",
    "inferentia",
    "inferentia2",
    "graviton",
    "graviton2",
    "graviton3",
    "graviton4",
    "tpu-v4",
    "tpu-v5e",
    "tpu-v5p",
    "tpu-v6e",
    "tpu-ironwood",
    "maia-100",
    "cobalt-100",
    "nvidia-a100",
    "nvidia-h100",
    "nvidia-h200",
    "nvidia-b200",
    "mtia-v1",
    "mtia-v2",
    "apple-m1",
)
#: Spot checks against ../shared/facts/chip_facts.yaml (outside the repo, so copied here): each row
#: is (chip id, figure name, value, unit) with the facts-file entry it was read from. Only figures
#: the facts file marks "verified" are used.
FACTS_SPOT_CHECKS = (
    # aws-trainium1 / compute.bf16_fp16_dense_tflops: 190 TFLOPS (Neuron docs, Trainium Architecture)
    ("trainium", "bf16-dense", 190, "TFLOPS"),
    # aws-trainium1 / compute.int8_tops: 380 TOPS (Neuron docs, latest)
    ("trainium", "int8-dense", 380, "TOPS"),
    # aws-trainium1 / memory.capacity_gb: 32, unit GiB
    ("trainium", "hbm-capacity", 32, "GiB"),
    # aws-trainium2 / compute.fp8_dense_tflops: 1299 TFLOPS
    ("trainium2", "fp8-dense", 1299, "TFLOPS"),
    # aws-trainium2 / memory.capacity_gb: 96, unit GiB
    ("trainium2", "hbm-capacity", 96, "GiB"),
    # aws-trainium3 / compute.bf16_fp16_dense_tflops: 671 TFLOPS
    ("trainium3", "bf16-dense", 671, "TFLOPS"),
    # aws-trainium3 / memory.bandwidth_tbps: 4.9 TB/s
    ("trainium3", "hbm-bandwidth", 4.9, "TB/s"),
    # aws-inferentia1 / compute.int8_tops: 128 TOPS
    ("inferentia", "int8-dense", 128, "TOPS"),
    # aws-inferentia2 / compute.fp32_tflops: 47.5 TFLOPS
    ("inferentia2", "fp32", 47.5, "TFLOPS"),
    # aws-graviton2 / clock_ghz: 2.5 GHz (the KB keeps AWS's "2500MHz")
    ("graviton2", "clock", 2.5, "GHz"),
    # google-tpu-v4 / compute.bf16_dense_tflops: 275 TFLOPS
    ("tpu-v4", "bf16-dense", 275, "TFLOPS"),
    # google-tpu-v5e / compute.int8_tops: 393 TOPS
    ("tpu-v5e", "int8-dense", 393, "TOPS"),
    # google-tpu-v5p / compute.bf16_dense_tflops: 459 TFLOPS
    ("tpu-v5p", "bf16-dense", 459, "TFLOPS"),
    # google-tpu-v6e / compute.int8_tops: 1836 TOPS
    ("tpu-v6e", "int8-dense", 1836, "TOPS"),
    # google-tpu7x-ironwood / compute.fp8_dense_tflops: 4614 TFLOPS
    ("tpu-ironwood", "fp8-dense", 4614, "TFLOPS"),
    # google-tpu7x-ironwood / memory.capacity_gb: 192, unit GiB
    ("tpu-ironwood", "hbm-capacity", 192, "GiB"),
    # microsoft-maia-100 / memory.bandwidth_tbps: 1.8 TB/s
    ("maia-100", "hbm-bandwidth", 1.8, "TB/s"),
    # nvidia-h100-sxm / memory.bandwidth_tbps: 3.35 TB/s
    ("nvidia-h100", "hbm-bandwidth", 3.35, "TB/s"),
    # nvidia-h200 / memory.capacity_gb: 141 GB
    ("nvidia-h200", "hbm-capacity", 141, "GB"),
    # nvidia-b200 / tdp_w: 1000 W
    ("nvidia-b200", "tdp", 1000, "W"),
    # meta-mtia-v1 / compute.int8_tops: 102.4 TOPS
    ("mtia-v1", "int8-dense", 102.4, "TOPS"),
    # meta-mtia-v2 / tdp_w: 90 W
    ("mtia-v2", "tdp", 90, "W"),
    # apple-m1 / transistors_billion: 16 billion
    ("apple-m1", "transistors", 16, "billion"),
)
#: A sentence ends inside a statement when a stop is followed by a space and a capital letter,
#: unless the stop closes a one-letter abbreviation (P.A. Semi).
INNER_SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?]\s+[A-Z]")


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    return load_kb(BUNDLED_KB)


def _own_claims(kb: KnowledgeBase) -> list[Claim]:
    return [c for c in kb.claims if c.source != SEED_SOURCE]


def _chip(kb: KnowledgeBase, chip_id: str) -> Chip:
    chip = kb.get(chip_id)
    assert isinstance(chip, Chip), chip_id
    return chip


def test_bundled_kb_validates_without_errors(bundled: KnowledgeBase) -> None:
    assert [str(p) for p in bundled.errors] == []


def test_every_vendor_of_the_story_is_there(bundled: KnowledgeBase) -> None:
    vendors = {v.id: v for v in bundled.vendors}
    assert len(vendors) >= 8
    assert set(VENDOR_IDS) <= set(vendors)
    aws = vendors["aws"]
    assert aws.name == "Amazon Web Services"
    assert {"AWS", "Amazon"} <= set(aws.aliases)
    assert vendors["annapurna-labs"].parent == "aws"
    for vendor in vendors.values():
        assert vendor.summary, vendor.id
        assert vendor.sources, vendor.id
        assert vendor.kind in schema.VENDOR_KINDS


def test_every_chip_of_the_story_is_there(bundled: KnowledgeBase) -> None:
    chips = {c.id: c for c in bundled.chips}
    assert len(chips) >= 23
    assert set(CHIP_IDS) <= set(chips)
    assert {"Trn1", "Trainium1"} <= set(chips["trainium"].aliases)
    assert "Inf1" in chips["inferentia"].aliases
    assert "Inf2" in chips["inferentia2"].aliases
    assert "Trillium" in chips["tpu-v6e"].aliases
    for chip in chips.values():
        assert isinstance(bundled.get(chip.vendor), Vendor), chip.id
        assert chip.specs, f"{chip.id} has no figures"
        # A chip known only from a dataset (Epoch AI's 'Release date' may be an announcement,
        # availability or shipment date, so the importer writes none) may lack a date; every chip
        # with a source of its own has one.
        dataset_only = all(getattr(bundled.get(s), "kind", "") == "dataset" for s in chip.sources)
        assert chip.announced or chip.available or dataset_only, f"{chip.id} has no date"


def test_every_figure_names_a_source_entity_and_a_unit_that_fits(bundled: KnowledgeBase) -> None:
    for chip in bundled.chips:
        for spec in chip.specs:
            where = f"{chip.id} {spec.name}"
            assert isinstance(bundled.get(spec.source), Source), where
            assert spec.name in FIGURES, where
            assert unit_error(spec.name, spec.unit) is None, where
            if spec.status in ("stated", "estimate"):
                assert spec.value is not None and math.isfinite(spec.value), where
            else:
                assert spec.value is None, where


def test_a_figure_stated_in_gib_stays_in_gib(bundled: KnowledgeBase) -> None:
    """AWS states Trainium's memory in GiB and an older page in GB: both kept, so they disagree."""
    trainium = _chip(bundled, "trainium")
    capacities = {s.unit: s.value for s in trainium.specs if s.name == "hbm-capacity"}
    assert capacities == {"GiB": 32, "GB": 32}
    assert "hbm-capacity" in bundled.disputed_figures(trainium)


@pytest.mark.parametrize(("chip_id", "figure", "value", "unit"), FACTS_SPOT_CHECKS)
def test_figures_match_the_facts_file(
    bundled: KnowledgeBase, chip_id: str, figure: str, value: float, unit: str
) -> None:
    chip = _chip(bundled, chip_id)
    wanted = FIGURES[figure].to_canonical(value, unit)
    stated = [
        FIGURES[figure].to_canonical(s.value, s.unit) for s in chip.specs if s.name == figure and s.value is not None
    ]
    assert any(math.isclose(v, wanted, rel_tol=1e-9) for v in stated), (chip_id, figure, stated)


def test_some_figures_are_disputed_between_sources(bundled: KnowledgeBase) -> None:
    disputed = {chip.id: set(bundled.disputed_figures(chip)) for chip in bundled.chips}
    assert "int8-dense" in disputed["trainium"]
    assert "hbm-bandwidth" in disputed["tpu-v5e"]
    for chip in bundled.chips:
        for name, specs in bundled.disputed_figures(chip).items():
            assert len({s.source for s in specs}) > 1, f"{chip.id} {name}: one source cannot dispute itself"


def test_some_figures_are_recorded_as_not_disclosed(bundled: KnowledgeBase) -> None:
    not_disclosed = {(c.id, s.name) for c in bundled.chips for s in c.specs if s.status == "not-disclosed"}
    assert ("trainium", "tdp") in not_disclosed
    assert ("tpu-v5p", "tdp") in not_disclosed


def test_sources_beyond_the_seed(bundled: KnowledgeBase) -> None:
    others = [s for s in bundled.sources if s.id != SEED_SOURCE]
    assert len(others) >= 8
    for source in others:
        assert source.title and source.publisher and source.url, source.id
        assert source.kind in schema.SOURCE_KINDS, source.id
        assert source.text.strip(), f"{source.id} quotes nothing"
    primary = [s for s in others if s.kind == "primary"]
    assert len(primary) >= 8


def test_epoch_dataset_is_credited_and_licensed(bundled: KnowledgeBase) -> None:
    epoch = bundled.get("epoch-ml-hardware")
    assert isinstance(epoch, Source)
    assert epoch.license == "CC BY 4.0"
    assert epoch.publisher == "Epoch AI"
    assert "Epoch AI, 'Machine Learning Hardware'" in epoch.title
    assert epoch.kind == "dataset"


def test_claims_beyond_the_seed_check_the_seed(bundled: KnowledgeBase) -> None:
    seed_ids = {c.id for c in bundled.claims_quoting(SEED_SOURCE)}
    own = _own_claims(bundled)
    linked = [c for c in own if c.supports or c.contradicts]
    assert len(linked) >= 15
    for claim in linked:
        targets = {link.claim for link in (*claim.supports, *claim.contradicts)}
        assert targets <= seed_ids, claim.id
    contradicting = [c for c in own if c.contradicts]
    assert contradicting, "no claim contradicts the seed"
    assert bundled.status("seed-motive-lock-in-avoidance") == "contested"
    # AWS's instance-to-instance comparison supports the article; per-chip figures do not bear on it
    assert bundled.status("seed-trn1-matches-a100-lower-cost") == "corroborated"
    assert bundled.status("seed-google-tpu-pioneer") == "corroborated"


def test_own_claims_are_single_sentences_about_known_subjects(bundled: KnowledgeBase) -> None:
    for claim in _own_claims(bundled):
        assert not INNER_SENTENCE_END.search(claim.statement), claim.id
        assert claim.statement.endswith("."), claim.id
        for subject in claim.subjects:
            assert isinstance(bundled.get(subject), (Chip, Vendor)), (claim.id, subject)


def test_the_evidence_against_a_claim_is_not_itself_contested() -> None:
    """The ML Engineering book contradicts the article's "own chips free customers from lock-in":
    the article's claim is contested, the book's claim that contradicts it is not."""
    from kb.store.knowledge import load_kb

    kb = load_kb(BUNDLED_KB)
    assert kb.status("seed-motive-lock-in-avoidance") == "contested"
    contradicted = {link.claim for link in kb.entities["mleng-tpus-only-rented"].contradicts}
    assert "seed-motive-lock-in-avoidance" in contradicted
    assert kb.status("mleng-tpus-only-rented") != "contested"
