"""A small KB for the search tests: English and Japanese, chip names with punctuation, a text file.

The vendors, chips and sources are made up for testing; nothing here is a figure or quote about a
real company (no specs are given at all).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.kb_files import write_kb

VENDORS = """\
vendors:
  - id: example-cloud
    name: Example Cloud
    aliases: [EXC]
    kind: hyperscaler
    summary: Example Cloud designs its own accelerators for training and inference.
  - id: gpu-maker
    name: GPU Maker
    kind: chip-designer
    summary: A designer of graphics processors used for model training.
"""

CHIPS = """\
chips:
  - id: b200-sxm
    name: B200 (SXM)
    vendor: gpu-maker
    kind: gpu
    announced: 2024-03
  - id: tpu-v5e
    name: TPU v5e
    vendor: example-cloud
    kind: inference-accelerator
    announced: 2023-08
  - id: mi300x
    name: MI300X
    vendor: gpu-maker
    kind: gpu
    announced: 2023-12
  - id: trn1
    name: Trainium
    aliases: [Trn1]
    vendor: example-cloud
    kind: training-accelerator
    announced: 2020-12
"""

SOURCES = """\
sources:
  - id: ja-article
    title: AIチップ戦略の記事
    published: 2025-12-21
    language: ja
    kind: secondary
    text: |
      AWSのAIチップ自社開発が加速する背景には、推論コストの削減がある。

      トレーニング用のチップと推論チップを分けることで、垂直統合の利点が生まれる。

      クラウド事業者はＧＰＵへの依存を減らそうとしている。
  - id: en-report
    title: A report on accelerators
    publisher: Test Press
    published: 2023-05-02
    language: en
    kind: primary
    text_file: en-report.md
"""

EN_REPORT = """\
Owning the silicon gives a cloud control of its supply chain, from design to data centre.

The Trn1-vs-A100 benchmark trains the same model on both chips and compares the cost.

Amazon's engineers say memory bandwidth, not raw compute, limits training.
"""

CLAIMS = """\
claims:
  - id: c-inference-cost
    statement: Building its own chips lowers the cloud's inference cost.
    subjects: [trn1, example-cloud]
    source: ja-article
    excerpt: AWSのAIチップ自社開発が加速する背景には、推論コストの削減がある。
    kind: analysis
    tags: [cost, inference]
  - id: c-vertical
    statement: Separate training and inference chips bring the gains of vertical integration.
    subjects: [example-cloud]
    source: ja-article
    excerpt: トレーニング用のチップと推論チップを分けることで、垂直統合の利点が生まれる。
    kind: analysis
    date: 2024-06
    tags: [strategy]
  - id: c-supply
    statement: Owning the silicon gives control of the supply chain.
    subjects: [example-cloud]
    source: en-report
    excerpt: Owning the silicon gives a cloud control of its supply chain
    kind: fact
    tags: [supply-chain]
  - id: c-gpu-reliance
    statement: "Clouds want to rely less on GPUs. \\e[31m"
    subjects: [b200-sxm, gpu-maker]
    source: ja-article
    excerpt: クラウド事業者はＧＰＵへの依存を減らそうとしている。
    kind: vendor-claim
    date: 2026-01
    tags: [supply-chain]
"""

MORE_CLAIMS = """\
claims:
  - id: c-benchmark
    statement: The Trn1-vs-A100 benchmark compares the cost of training on both chips.
    subjects: [trn1]
    source: en-report
    excerpt: The Trn1-vs-A100 benchmark trains the same model on both chips and compares the cost.
    kind: forecast
    date: 2022-01
    tags: [cost]
"""

FILES = {
    "vendors.yaml": VENDORS,
    "chips.yaml": CHIPS,
    "sources/sources.yaml": SOURCES,
    "sources/en-report.md": EN_REPORT,
    "claims/claims.yaml": CLAIMS,
    "claims/more.yaml": MORE_CLAIMS,
}


def make_kb(root: Path) -> Path:
    """Write the test KB into `root` (a new folder) and return it."""
    return write_kb(root, FILES)


def hits(kb_root: Path, query: str, notices: list[str] | None = None) -> list[str]:
    """Every hit's id in result order, duplicates kept (a set would hide them)."""
    from kb.search.engine import SearchEngine

    engine = SearchEngine.open(kb_root, notice=notices.append if notices is not None else None)
    try:
        return [hit.id for hit in engine.search(query, limit=100).hits]
    finally:
        engine.close()


def fresh_hits(kb_root: Path, query: str, cache: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The same query on an index built from nothing, in another cache folder."""
    with monkeypatch.context() as patch:
        patch.setenv("CHIPKB_CACHE_DIR", str(cache))
        return hits(kb_root, query)
