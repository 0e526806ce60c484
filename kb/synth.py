"""Synthetic KBs for tests and benchmarks: `python -m kb.synth --claims N --out DIR [--seed S]`.

The KB is valid (it passes `chipkb validate`), deterministic for a seed, and shaped like the real
one: vendors, chips with figures from `kb.figures`, sources whose text is English or Japanese
(some inline, some in a sibling `.md` file), and claims whose excerpts are sentences copied from
their source.  Claims are spread over many files (100 a file) so that re-indexing one file can be
measured.  Every vendor, chip and figure is made up, and every source says so in its title:
nothing here may be mistaken for a fact about a real chip.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

CLAIMS_PER_FILE = 100
CHIPS_PER_FILE = 100
SOURCES_PER_FILE = 50
PARAGRAPHS_PER_SOURCE = 10
SENTENCES_PER_PARAGRAPH = 3
CLAIMS_PER_SOURCE = 40

VENDORS = (
    ("aster", "Aster Cloud", "hyperscaler"),
    ("borealis", "Borealis Semiconductor", "chip-designer"),
    ("cobaltia", "Cobaltia Systems", "hyperscaler"),
    ("dunmore", "Dunmore Devices", "device-maker"),
    ("eridani", "Eridani Compute", "chip-designer"),
    ("fenwick", "Fenwick Foundry", "foundry"),
    ("galena", "Galena Platforms", "platform"),
    ("halcyon", "Halcyon Cloud", "hyperscaler"),
)
FAMILIES = ("Nimbus", "Quill", "Torrent", "Zephyr", "Kestrel", "Lumen", "Vireo", "Sable")
CHIP_KINDS = ("training-accelerator", "inference-accelerator", "gpu", "cpu", "accelerator")
CLAIM_KINDS = ("fact", "vendor-claim", "analysis", "forecast")
TAGS = ("supply-chain", "cost", "inference", "training", "power", "memory", "roadmap", "software")
WORKLOADS = ("training", "inference", "recommendation", "search ranking", "speech recognition", "video analytics")
MEMORIES = ("HBM3", "HBM2e", "HBM3e", "LPDDR5")
LINKS = ("mesh", "torus", "optical", "switched")
JA_WORKLOADS = ("推論", "トレーニング", "学習", "レコメンド", "音声認識", "画像解析")

EN_SENTENCES = (
    "{vendor} says the {chip} cuts the cost of {workload} by {n} percent against rented GPUs.",
    "The {chip} pairs {memory} memory with a {link} interconnect built for {workload} clusters.",
    "Owning the silicon gives {vendor} control of its supply chain from design to data centre.",
    "Analysts expect {vendor} to ship {n} thousand {chip} units for {workload} next year.",
    "Memory bandwidth, not raw compute, limits the {chip} on large {workload} jobs.",
    "{vendor} trains its own models on the {chip} before it offers the chip to customers.",
    "Power per rack is the constraint that shaped the {chip}, according to {vendor} engineers.",
    "Vertical integration lets {vendor} tune the compiler, the chip and the network together.",
    "Customers moving {workload} to the {chip} report lower latency at the same throughput.",
    "The software stack, more than the chip, decides how fast teams adopt the {chip}.",
)
JA_SENTENCES = (
    "{vendor}は{chip}で{workload}のコストを{n}割削減したと説明している。",
    "{chip}はトレーニング向けに設計され、電力効率が前世代より{n}倍向上した。",
    "垂直統合によって{vendor}は半導体の供給網を自社で管理できる。",
    "データセンターの消費電力を抑えるため、{vendor}は自社開発のチップに投資を続けている。",
    "{chip}の量産は来年に始まる見込みだと業界関係者は話す。",
    "推論チップの需要は{workload}の普及とともに急速に伸びている。",
    "{vendor}は{chip}を使って自社のモデルを{workload}し、その後で顧客に提供する。",
    "メモリ帯域が{chip}の性能を左右するという指摘もある。",
    "ソフトウェアの使いやすさが{chip}の採用を決めると{vendor}は考えている。",
    "クラウド事業者はGPUへの依存を減らすために独自のAIチップを開発している。",
)
STATEMENTS = (
    "{vendor} claims the {chip} lowers the cost of {workload}.",
    "The {chip} is designed for {workload} at data-centre scale.",
    "{vendor} builds its own chips to control its supply chain.",
    "Memory bandwidth limits the {chip} on large {workload} jobs.",
    "{vendor} expects demand for {workload} chips to keep growing.",
    "Vertical integration lets {vendor} tune chip, compiler and network together.",
)


@dataclass
class Chip:
    id: str
    name: str
    vendor: str
    vendor_name: str


@dataclass
class Source:
    id: str
    language: str
    paragraphs: list[list[str]] = field(default_factory=list)


def _q(text: str) -> str:
    """A YAML scalar: JSON's double-quoted strings are valid YAML."""
    return json.dumps(text, ensure_ascii=False)


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


class _Writer:
    def __init__(self, out: Path, claims: int, seed: int) -> None:
        self.out = out
        self.claims = claims
        self.rng = random.Random(seed)
        self.chips: list[Chip] = []
        self.sources: list[Source] = []

    def write(self, name: str, lines: list[str]) -> None:
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def sentence(self, language: str) -> str:
        chip = self.rng.choice(self.chips)
        templates = JA_SENTENCES if language == "ja" else EN_SENTENCES
        workloads = JA_WORKLOADS if language == "ja" else WORKLOADS
        return self.rng.choice(templates).format(
            vendor=chip.vendor_name,
            chip=chip.name,
            workload=self.rng.choice(workloads),
            n=self.rng.randint(2, 9),
            memory=self.rng.choice(MEMORIES),
            link=self.rng.choice(LINKS),
        )

    def vendors(self) -> None:
        lines = ["vendors:"]
        for vendor_id, name, kind in VENDORS:
            lines += [
                f"  - id: {vendor_id}",
                f"    name: {_q(name)}",
                f"    kind: {kind}",
                f"    summary: {_q(f'{name} is a synthetic vendor made up for benchmarks.')}",
            ]
        self.write("vendors.yaml", lines)

    def make_chips(self) -> None:
        designers = [v for v in VENDORS if v[2] != "foundry"]
        count = max(8, self.claims // 100)
        for number in range(count):
            vendor_id, vendor_name, _ = designers[number % len(designers)]
            family = FAMILIES[number % len(FAMILIES)]
            generation = number // len(FAMILIES) + 1
            name = f"{family}-X{generation}" + (" (SXM)" if number % 5 == 0 else "")
            self.chips.append(Chip(f"{family.lower()}-x{generation}", name, vendor_id, vendor_name))

    def make_sources(self) -> None:
        count = max(3, -(-self.claims // CLAIMS_PER_SOURCE))
        for number in range(count):
            language = "ja" if number % 2 == 0 else "en"
            source = Source(f"synth-src-{number:05d}", language)
            for _ in range(PARAGRAPHS_PER_SOURCE):
                source.paragraphs.append([self.sentence(language) for _ in range(SENTENCES_PER_PARAGRAPH)])
            self.sources.append(source)

    def write_chips(self) -> None:
        for start in range(0, len(self.chips), CHIPS_PER_FILE):
            lines = ["chips:"]
            for chip in self.chips[start : start + CHIPS_PER_FILE]:
                source = self.rng.choice(self.sources).id
                lines += [
                    f"  - id: {chip.id}",
                    f"    name: {_q(chip.name)}",
                    f"    vendor: {chip.vendor}",
                    f"    kind: {self.rng.choice(CHIP_KINDS)}",
                    f"    announced: {_date(self.rng)}",
                    f"    memory: {self.rng.choice(MEMORIES)}",
                    f"    sources: [{source}]",
                    "    specs:",
                    f"      - {{name: bf16-dense, value: {self.rng.randint(100, 2000)}, unit: TFLOPS, "
                    f"source: {source}}}",
                    f"      - {{name: hbm-capacity, value: {self.rng.choice((32, 64, 96, 128))}, unit: GB, "
                    f"source: {source}}}",
                    f"      - {{name: tdp, unit: W, status: not-disclosed, source: {source}}}",
                ]
            self.write(f"chips/chips-{start // CHIPS_PER_FILE:03d}.yaml", lines)

    def write_sources(self) -> None:
        for start in range(0, len(self.sources), SOURCES_PER_FILE):
            lines = ["sources:"]
            for source in self.sources[start : start + SOURCES_PER_FILE]:
                joiner = "" if source.language == "ja" else " "
                text = "\n\n".join(joiner.join(sentences) for sentences in source.paragraphs)
                lines += [
                    f"  - id: {source.id}",
                    f"    title: {_q(f'Synthetic report {source.id[-5:]} (made up for benchmarks)')}",
                    f"    publisher: {_q('chipkb synth')}",
                    f"    published: {_date(self.rng)}",
                    f"    language: {source.language}",
                    "    kind: secondary",
                ]
                if int(source.id[-5:]) % 5 == 4:
                    lines.append(f"    text_file: text/{source.id}.md")
                    self.write(f"sources/text/{source.id}.md", [text])
                else:
                    lines.append("    text: |")
                    lines += [f"      {line}" if line else "" for line in text.split("\n")]
            self.write(f"sources/sources-{start // SOURCES_PER_FILE:03d}.yaml", lines)

    def write_claims(self) -> None:
        for start in range(0, self.claims, CLAIMS_PER_FILE):
            lines = ["claims:"]
            for number in range(start, min(start + CLAIMS_PER_FILE, self.claims)):
                source = self.sources[number // CLAIMS_PER_SOURCE]
                excerpt = self.rng.choice(self.rng.choice(source.paragraphs))
                chip = self.rng.choice(self.chips)
                statement = self.rng.choice(STATEMENTS).format(
                    vendor=chip.vendor_name, chip=chip.name, workload=self.rng.choice(WORKLOADS)
                )
                tags = self.rng.sample(TAGS, 2)
                lines += [
                    f"  - id: synth-claim-{number:07d}",
                    f"    statement: {_q(statement)}",
                    f"    subjects: [{chip.id}, {chip.vendor}]",
                    f"    source: {source.id}",
                    f"    excerpt: {_q(excerpt)}",
                    f"    kind: {self.rng.choice(CLAIM_KINDS)}",
                    f"    tags: [{', '.join(tags)}]",
                ]
                if number % 3:
                    lines.append(f"    date: {_date(self.rng)}")
            self.write(f"claims/claims-{start // CLAIMS_PER_FILE:04d}.yaml", lines)


def generate(out: Path, claims: int, seed: int = 0) -> Path:
    """Write a synthetic KB of `claims` claims into `out` (created if needed) and return `out`."""
    writer = _Writer(out, claims, seed)
    writer.vendors()
    writer.make_chips()
    writer.make_sources()
    writer.write_chips()
    writer.write_sources()
    writer.write_claims()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, required=True, help="how many claims")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write the KB into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.claims < 0:
        parser.error("--claims must be 0 or more")
    if args.out.exists() and any(args.out.iterdir()):
        print(f"python -m kb.synth: {args.out} is not empty; choose a new folder", file=sys.stderr)
        return 2
    generate(args.out, args.claims, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
