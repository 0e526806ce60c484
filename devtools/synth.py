"""Synthetic KBs for tests and benchmarks: `python -m devtools.synth --claims N --out DIR [--seed S]`.

The KB is valid (it passes `chipkb validate`), deterministic for a seed, and shaped like the real
one: vendors, chips with figures from `kb.store.figures`, sources whose text is English or Japanese
(some inline, some in a sibling `.md` file), and claims whose excerpts are sentences copied from
their source.  Claims are spread over many files (100 a file) so that re-indexing one file can be
measured; `--one-file` writes the whole KB into one `kb.yaml` instead (every source's text inline),
the case of a KB kept in a single large file.  Every vendor, chip and figure is made up, and every
source says so in its title: nothing here may be mistaken for a fact about a real chip.
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
WORKLOADS = (
    "training",
    "inference",
    "recommendation",
    "search ranking",
    "speech recognition",
    "video analytics",
    "fraud detection",
    "translation",
)
MEMORIES = ("HBM3", "HBM2e", "HBM3e", "LPDDR5")
LINKS = ("mesh", "torus", "optical", "switched")

# Sentences are put together from these pools (a few hundred words, each noun in about one
# sentence in fifty), so that a query word matches a realistic share of the KB rather than a
# fixed template's every copy.
EN_SUBJECTS = (
    "{vendor}",
    "The {chip}",
    "Analysts at {vendor}",
    "{vendor} engineers",
    "Customers of {vendor}",
    "Teams using the {chip}",
    "Investors in {vendor}",
    "Rivals of {vendor}",
)
EN_VERBS = (
    "improves",
    "lowers",
    "doubles",
    "limits",
    "shapes",
    "funds",
    "tunes",
    "benchmarks",
    "ships",
    "reports",
    "expects",
    "questions",
    "measures",
    "prices",
    "trains",
    "serves",
    "delays",
    "accelerates",
    "simplifies",
    "replaces",
    "extends",
    "cuts",
    "raises",
    "targets",
    "compares",
)
EN_ADJECTIVES = (
    "the",
    "its",
    "a new",
    "the whole",
    "a cheaper",
    "a faster",
    "the next",
    "a shared",
    "an open",
    "a custom",
    "the annual",
    "a larger",
    "a smaller",
    "the current",
    "a second",
)
EN_NOUNS = (
    "memory bandwidth",
    "supply chain",
    "inference cost",
    "training throughput",
    "power budget",
    "compiler stack",
    "rack density",
    "network fabric",
    "wafer supply",
    "chip roadmap",
    "software ecosystem",
    "tail latency",
    "model quality",
    "data centre",
    "cooling design",
    "advanced packaging",
    "HBM supply",
    "token price",
    "interconnect bandwidth",
    "die size",
    "foundry contract",
    "developer tools",
    "cluster size",
    "energy bill",
    "capital spending",
    "design team",
    "instance pricing",
    "vertical integration",
    "GPU dependence",
    "yield",
    "performance per watt",
    "export rules",
    "kernel library",
    "checkpoint speed",
    "fault tolerance",
    "scheduling policy",
    "sparsity support",
    "numeric format",
    "launch date",
    "order backlog",
    "gross margin",
    "retail price",
    "benchmark result",
    "migration path",
    "vendor lock-in",
    "open standard",
    "reference design",
    "test chip",
    "production volume",
    "silicon budget",
)
EN_TAILS = (
    "",
    " for {workload}",
    " by {n} percent",
    " according to {vendor}",
    " with {memory} memory",
    " over a {link} interconnect",
    " this year",
    " for its largest customers",
)
JA_SUBJECTS = (
    "{vendor}",
    "{chip}",
    "業界関係者",
    "アナリスト",
    "クラウド事業者",
    "{vendor}の技術者",
    "顧客企業",
    "開発チーム",
)
JA_MODIFIERS = ("", "", "{workload}向けの", "次世代の", "自社の", "大幅な", "全社的な", "新しい")
JA_NOUNS = (
    "推論コスト",
    "トレーニング性能",
    "垂直統合",
    "供給網",
    "電力効率",
    "メモリ帯域",
    "消費電力",
    "量産計画",
    "開発費",
    "ソフトウェア基盤",
    "半導体設計",
    "データセンター",
    "冷却方式",
    "実装技術",
    "歩留まり",
    "演算性能",
    "推論チップ",
    "学習時間",
    "調達戦略",
    "製造委託",
    "価格競争力",
    "自社開発",
    "導入事例",
    "処理速度",
    "通信帯域",
    "省電力化",
    "大規模言語モデル",
    "生成AI",
    "画像認識",
    "音声認識",
    "在庫",
    "納期",
    "関税",
    "人材",
    "特許",
    "設計思想",
    "競争優位",
    "収益性",
    "GPUへの依存",
    "クラウド料金",
)
JA_VERBS = (
    "改善した",
    "重視している",
    "見直した",
    "強化する",
    "説明した",
    "発表した",
    "検証している",
    "削減した",
    "優先する",
    "評価した",
    "懸念している",
    "公開した",
    "拡大する",
    "計画している",
    "比較した",
)
JA_ENDINGS = ("", "", "と話す", "と説明している", "という")
JA_WORKLOADS = ("推論", "トレーニング", "学習", "レコメンド", "音声認識", "画像解析", "翻訳", "検索")


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
    def __init__(self, out: Path, claims: int, seed: int, one_file: bool = False) -> None:
        self.out = out
        self.claims = claims
        self.rng = random.Random(seed)
        self.chips: list[Chip] = []
        self.sources: list[Source] = []
        #: With one file: each section's header line (`claims:`) and its items, written by `finish`.
        self.sections: dict[str, list[str]] | None = {} if one_file else None

    def write(self, name: str, lines: list[str]) -> None:
        if self.sections is not None and name.endswith(".yaml"):
            self.sections.setdefault(lines[0], []).extend(lines[1:])
            return
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def sentence(self, language: str, chip: Chip | None = None) -> str:
        chip = chip or self.rng.choice(self.chips)
        pick = self.rng.choice
        if language == "ja":
            text = f"{pick(JA_SUBJECTS)}は{pick(JA_MODIFIERS)}{pick(JA_NOUNS)}を{pick(JA_VERBS)}{pick(JA_ENDINGS)}。"
            workloads = JA_WORKLOADS
        else:
            text = f"{pick(EN_SUBJECTS)} {pick(EN_VERBS)} {pick(EN_ADJECTIVES)} {pick(EN_NOUNS)}{pick(EN_TAILS)}."
            workloads = WORKLOADS
        return text.format(
            vendor=chip.vendor_name,
            chip=chip.name,
            workload=pick(workloads),
            n=self.rng.randint(2, 60),
            memory=pick(MEMORIES),
            link=pick(LINKS),
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
                if int(source.id[-5:]) % 5 == 4 and self.sections is None:
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
                statement = self.sentence("en", chip)
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

    def finish(self) -> None:
        """With one file, write it: each section once, in the order the sections were made."""
        if self.sections is not None:
            lines = [line for header, items in self.sections.items() for line in (header, *items)]
            sections, self.sections = self.sections, None
            self.write("kb.yaml", lines)
            self.sections = sections


def generate(out: Path, claims: int, seed: int = 0, one_file: bool = False) -> Path:
    """Write a synthetic KB of `claims` claims into `out` (created if needed) and return `out`;
    with `one_file`, all of it in `out/kb.yaml`."""
    writer = _Writer(out, claims, seed, one_file)
    writer.vendors()
    writer.make_chips()
    writer.make_sources()
    writer.write_chips()
    writer.write_sources()
    writer.write_claims()
    writer.finish()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, required=True, help="how many claims")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write the KB into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--one-file", action="store_true", help="write the whole KB into one file, kb.yaml")
    args = parser.parse_args(argv)
    if args.claims < 0:
        parser.error("--claims must be 0 or more")
    if args.out.exists() and any(args.out.iterdir()):
        print(f"python -m devtools.synth: {args.out} is not empty; choose a new folder", file=sys.stderr)
        return 2
    generate(args.out, args.claims, args.seed, args.one_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
