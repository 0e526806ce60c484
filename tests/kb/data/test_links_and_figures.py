"""The bundled KB's links say why they hold, its excerpts carry no stray markdown, and its figures
record where sources disagree and which figures are a third party's estimates."""

from __future__ import annotations

import re

import pytest

from kb.store.knowledge import KnowledgeBase, load_kb
from kb.store.model import Chip, Source
from kb.text.passages import normalise_whitespace
from tests.support.paths import BUNDLED_KB

SEED_SOURCE = "allforces-aws-ai-chip-strategy"
#: The only passages of the article that name these chips bold the name (`**Trainium（トライニアム）**`),
#: so these excerpts keep the article's `**` exactly; any other excerpt with `**` is a mistake.
EXCERPTS_WITH_THE_SOURCES_BOLD = {
    "seed-trainium-for-training",
    "seed-inferentia-for-inference",
    "seed-graviton-arm-cpu",
}
#: TDPs the vendor does not publish and a third party (Epoch AI, citing its own or SemiAnalysis's
#: and NextPlatform's estimates) does.
ESTIMATED_TDPS = ("trainium2", "trainium3", "tpu-v4", "tpu-v5e", "tpu-v5p", "tpu-v6e", "tpu-ironwood")
TRACKING_PARAMETER = re.compile(r"[?&](utm_[a-z]+|authuser|fbclid|gclid|mc_cid|mc_eid)=")


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    return load_kb(BUNDLED_KB)


def _chip(kb: KnowledgeBase, chip_id: str) -> Chip:
    chip = kb.get(chip_id)
    assert isinstance(chip, Chip), chip_id
    return chip


def test_every_link_says_why_in_one_line(bundled: KnowledgeBase) -> None:
    links = [(claim.id, link) for claim in bundled.claims for link in (*claim.supports, *claim.contradicts)]
    assert len(links) >= 40
    for claim_id, link in links:
        where = f"{claim_id} -> {link.claim}"
        assert link.reason.strip(), f"{where}: no reason"
        assert "\n" not in link.reason.strip(), f"{where}: the reason is more than one line"
        assert link.reason.strip().endswith((".", ")")), f"{where}: the reason is not a sentence"


def test_no_excerpt_carries_markdown_its_source_does_not(bundled: KnowledgeBase) -> None:
    with_bold = set()
    for claim in bundled.claims:
        if "**" not in claim.excerpt:
            continue
        with_bold.add(claim.id)
        source = bundled.get(claim.source)
        assert isinstance(source, Source), claim.id
        assert normalise_whitespace(claim.excerpt) in normalise_whitespace(source.text), claim.id
        assert claim.excerpt.count("**") % 2 == 0, f"{claim.id}: the excerpt cuts a bold span in half"
    assert with_bold == EXCERPTS_WITH_THE_SOURCES_BOLD


def test_every_factual_seed_claim_is_checked_or_says_why_not(bundled: KnowledgeBase) -> None:
    """A fact or vendor claim from the article has a link from another source, or a note saying
    why no source in the KB bears on it."""
    linked = {link.claim for claim in bundled.claims for link in (*claim.supports, *claim.contradicts)}
    factual = [c for c in bundled.claims_quoting(SEED_SOURCE) if c.kind in ("fact", "vendor-claim")]
    assert len(factual) >= 10
    for claim in factual:
        assert claim.id in linked or claim.note, claim.id


def test_a_link_comes_from_another_source(bundled: KnowledgeBase) -> None:
    for claim in bundled.claims:
        for link in (*claim.supports, *claim.contradicts):
            target = bundled.get(link.claim)
            assert target is not None and target.source != claim.source, f"{claim.id} -> {link.claim}"


@pytest.mark.parametrize("chip_id", ESTIMATED_TDPS)
def test_third_party_tdps_are_estimates_beside_not_disclosed(bundled: KnowledgeBase, chip_id: str) -> None:
    tdps = [s for s in _chip(bundled, chip_id).specs if s.name == "tdp"]
    assert {s.status for s in tdps} == {"not-disclosed", "estimate"}, chip_id
    for spec in tdps:
        if spec.status == "estimate":
            assert spec.value is not None and spec.locator, chip_id


def test_no_estimate_comes_from_the_vendor(bundled: KnowledgeBase) -> None:
    estimates = [(c.id, s) for c in bundled.chips for s in c.specs if s.status == "estimate"]
    assert estimates
    for chip_id, spec in estimates:
        source = bundled.get(spec.source)
        assert isinstance(source, Source) and source.kind != "primary", (chip_id, spec.source)


@pytest.mark.parametrize(
    ("chip_id", "figure"),
    [
        ("inferentia2", "interconnect-bandwidth"),  # AWS 192 GiB/s per device, Epoch 1000 GB/s
        ("tpu-v6e", "interconnect-bandwidth"),  # Google 800 GBps bidirectional, Epoch 448 GB/s
        ("nvidia-h200", "process-node"),  # Geektopia 4 nm, Epoch 5 nm
    ],
)
def test_known_disagreements_are_recorded(bundled: KnowledgeBase, chip_id: str, figure: str) -> None:
    specs = bundled.disputed_figures(_chip(bundled, chip_id)).get(figure, [])
    assert len({s.source for s in specs}) >= 2, (chip_id, figure)
    assert all(s.note for s in specs), f"{chip_id} {figure}: each side of the disagreement says why"


def test_the_h100_has_a_process_figure(bundled: KnowledgeBase) -> None:
    assert [s.value for s in _chip(bundled, "nvidia-h100").specs if s.name == "process-node"]


def test_epochs_mtia_memory_is_the_on_chip_sram(bundled: KnowledgeBase) -> None:
    """Epoch's 'Memory' for MTIA v1 is 128 MB, Meta's internal SRAM, not the LPDDR5 (up to 128 GB)."""
    specs = _chip(bundled, "mtia-v1").specs
    from_epoch = {s.name: s for s in specs if s.source == "epoch-ml-hardware"}
    assert "memory-capacity" not in from_epoch
    assert from_epoch["sram-capacity"].value == 128 and from_epoch["sram-capacity"].unit == "MB"


def test_trn1s_two_instance_figures_are_flagged(bundled: KnowledgeBase) -> None:
    """AWS's launch post says 'up to 3.4 petaFLOPS' per Trn1 instance, its Neuron docs 3,040 TFLOPS."""
    launch = bundled.entities["aws-trn1-up-to-3-4-petaflops"]
    docs = bundled.entities["neuron-trn1-32xlarge-3040-tflops"]
    assert "3.4 petaFLOPS" in launch.excerpt and "3,040" in docs.excerpt
    assert docs.id in launch.note and launch.id in docs.note
    trainium_bf16 = [s for s in _chip(bundled, "trainium").specs if s.name == "bf16-dense" and s.value == 190]
    assert any("3.4 petaFLOPS" in (s.note or "") for s in trainium_bf16)


def test_epoch_is_cited_at_its_own_page_and_no_url_tracks(bundled: KnowledgeBase) -> None:
    epoch = bundled.get("epoch-ml-hardware")
    assert isinstance(epoch, Source)
    assert epoch.url == "https://epoch.ai/data/machine-learning-hardware"
    for source in bundled.sources:
        assert not TRACKING_PARAMETER.search(source.url or ""), source.id
