"""A small KB written for the rank, timeline and chart tests: disputed, estimated and undisclosed
figures, chips with and without a TDP, and dates of every precision (year, month, day, none)."""

from __future__ import annotations

from pathlib import Path

from tests.support.kb_files import write_kb

FILES = {
    "vendors.yaml": """\
vendors:
  - {id: acme, name: Acme Cloud, aliases: [Acme], kind: hyperscaler}
  - {id: blue, name: Blue Silicon, kind: chip-designer}
  - {id: cyan, name: Cyan Devices, kind: device-maker}
""",
    "sources.yaml": """\
sources:
  - {id: s1, title: First source, language: en, published: 2024-01-10, text: "Acme says the A2 is fast."}
  - {id: s2, title: Second source, language: en, text: "Blue reviews its chips."}
""",
    "chips.yaml": """\
chips:
  - id: a1
    name: Acme A1
    vendor: acme
    family: Alpha
    generation: "1"
    kind: training-accelerator
    announced: 2021-03
    specs:
      - {name: bf16-dense, value: 100, unit: TFLOPS, source: s1}
      - {name: tdp, value: 400, unit: W, source: s1}
      - {name: process-node, value: 5, unit: nm, source: s1}
  - id: a2
    name: Acme A2
    vendor: acme
    family: Alpha
    generation: "2"
    kind: training-accelerator
    announced: "2023"
    available: 2024-02-20
    specs:
      - {name: bf16-dense, value: 0.4, unit: PFLOPS, source: s1}
      - {name: bf16-dense, value: 380, unit: TFLOPS, source: s2}
      - {name: tdp, unit: W, status: not-disclosed, source: s1}
      - {name: process-node, value: 3, unit: nm, source: s1}
  - id: b1
    name: Blue B1
    vendor: blue
    kind: gpu
    announced: 2022-06-15
    specs:
      - {name: bf16-dense, value: 300, unit: TFLOPS, status: estimate, source: s2}
      - {name: tdp, value: 700, unit: W, source: s2}
  - id: b2
    name: Blue B2
    vendor: blue
    kind: inference-accelerator
    available: 2024-02
    specs:
      - {name: bf16-dense, value: 250, unit: TFLOPS, status: estimate, source: s2}
      - {name: bf16-dense, value: 300, unit: TFLOPS, source: s2}
      - {name: tdp, value: 500, unit: W, status: estimate, source: s2}
  - id: c1
    name: Cyan C1
    vendor: cyan
    kind: soc
    specs:
      - {name: bf16-dense, unit: TFLOPS, status: not-disclosed, source: s2}
  - id: c2
    name: Cyan C2
    vendor: cyan
    kind: soc
    announced: "2024"
    specs:
      - {name: tdp, value: 100, unit: W, source: s2}
  - id: c3
    name: Cyan C3
    vendor: cyan
    kind: gpu
    announced: "2022"
    specs:
      - {name: bf16-dense, value: 100, unit: TFLOPS, source: s2}
""",
    "claims.yaml": """\
claims:
  - id: a2-fast
    statement: Acme says the A2 is fast.
    subjects: [a2]
    source: s1
    excerpt: Acme says the A2 is fast
    kind: vendor-claim
  - id: blue-reviews
    statement: Blue reviews its chips.
    subjects: [blue]
    source: s2
    excerpt: Blue reviews its chips
    kind: fact
    date: 2023-07
""",
}


def figures_kb(root: Path) -> Path:
    """Write the KB into `root` and return `root`."""
    return write_kb(root, FILES)
