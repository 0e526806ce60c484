"""Small KBs a test writes into its own folder."""

from __future__ import annotations

from pathlib import Path


def write_kb(root: Path, files: dict[str, str]) -> Path:
    """Write a small KB of `{relative path: text}` under `root` and return `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def synthetic_kb(root: Path, claims: int, chips: int = 20) -> Path:
    """A fictional KB with `claims` claims (split over files, as a large KB would be)."""
    files: dict[str, str] = {}
    files["vendors.yaml"] = "vendors:\n" + "".join(
        f"  - {{id: vendor-{v}, name: Vendor {v}, kind: chip-designer}}\n" for v in range(4)
    )
    files["chips.yaml"] = "chips:\n" + "".join(
        f"  - {{id: chip-{c}, name: Chip {c}, vendor: vendor-{c % 4}, kind: gpu}}\n" for c in range(chips)
    )
    paragraphs = max(1, claims // 10)
    text = "".join(f"      Paragraph {p} says the chip number {p} is fast.\n\n" for p in range(paragraphs))
    files["sources.yaml"] = "sources:\n  - id: src\n    title: Synthetic source\n    language: en\n    text: |\n" + text
    kinds = ("fact", "analysis", "forecast", "vendor-claim")
    per_file = 1000
    for first in range(0, claims, per_file):
        body = "".join(
            f"  - {{id: claim-{i:05d}, statement: Claim {i} about chip {i % chips}, subjects: [chip-{i % chips}],"
            f" source: src, excerpt: Paragraph {i % paragraphs} says, kind: {kinds[i % 4]}}}\n"
            for i in range(first, min(claims, first + per_file))
        )
        files[f"claims-{first // per_file}.yaml"] = "claims:\n" + body
    return write_kb(root, files)
