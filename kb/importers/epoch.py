"""Epoch AI's "Machine Learning Hardware" dataset (https://epoch.ai/data/machine-learning-hardware,
CC BY 4.0), read as Epoch publishes its CSV: one row per chip, named by 'Hardware name', figures in
base units (FLOP/s, OP/s, bytes, byte/s, W).

Columns and the figures they become (converted to the KB's units, never relabelled otherwise):

| Epoch column | KB figure | unit |
|---|---|---|
| Tensor-FP16/BF16 performance (FLOP/s) | bf16-dense | TFLOPS |
| FP8 / FP4 performance (FLOP/s) | fp8-dense / fp4-dense | TFLOPS |
| TF32 (TensorFloat-32) performance (FLOP/s) | tf32-dense | TFLOPS |
| FP32 / FP64 performance (FLOP/s) | fp32 / fp64 | TFLOPS |
| INT8 / INT4 performance (OP/s) | int8-dense / int4-dense | TOPS |
| Memory (bytes) | hbm-capacity or memory-capacity | GB |
| Memory bandwidth (byte/s) | hbm-bandwidth or memory-bandwidth | TB/s |
| Intranode bandwidth (byte/s) | interconnect-bandwidth | GB/s |
| TDP (W) | tdp | W |
| Die Size (mm^2) | die-area | mm2 |
| Boost clock (MHz), else Base clock (MHz) | clock | MHz |
| Process size (nm) | process-node | nm |
| Transistors (millions) | transistors | million |

Epoch's performance figures are dense (its notes say "Listed performance figures are without
sparsity"). Left out: 'FP16 (half precision)' (non-tensor FP16, which the KB's fp16-dense is not),
'INT16' and 'Internode bandwidth' (no KB figure), the price, memory clock and bus, tensor-core
count, 'Release date' (Epoch's README: announcement, availability or shipment, so neither of the
KB's dates), and the columns Epoch derives from others.

Epoch does not say which memory a chip has. Its memory columns become HBM figures when the chip's
`memory` field (or the mapping table's `memory:`) says HBM, non-HBM figures when it names another
memory, and are left out (and reported) when nothing says.

A TDP is an estimate (`status: estimate`) when the row's Notes say so: "does not officially state
... TDP", "No official TDP", or "estimate" in the sentence about the TDP. The figure's note quotes
Epoch's sentence about the TDP.
"""

from __future__ import annotations

import re

from kb.importers.csvfile import Table
from kb.importers.dataset import Column, Dataset, Proposed, Row, SourceTemplate, number, quote_locator, scaled
from kb.store.model import Problem

TERA = 10**12
GIGA = 10**9

COLUMNS: tuple[Column, ...] = (
    Column("Tensor-FP16/BF16 performance (FLOP/s)", "bf16-dense", "TFLOPS", TERA),
    Column("FP8 performance (FLOP/s)", "fp8-dense", "TFLOPS", TERA),
    Column("FP4 performance (FLOP/s)", "fp4-dense", "TFLOPS", TERA),
    Column("TF32 (TensorFloat-32) performance (FLOP/s)", "tf32-dense", "TFLOPS", TERA),
    Column("FP32 (single precision) performance (FLOP/s)", "fp32", "TFLOPS", TERA),
    Column("FP64 (double precision) performance (FLOP/s)", "fp64", "TFLOPS", TERA),
    Column("INT8 performance (OP/s)", "int8-dense", "TOPS", TERA),
    Column("INT4 performance (OP/s)", "int4-dense", "TOPS", TERA),
    Column("Memory (bytes)", "hbm-capacity", "GB", GIGA, memory=True),
    Column("Memory bandwidth (byte/s)", "hbm-bandwidth", "TB/s", TERA, memory=True),
    Column("Intranode bandwidth (byte/s)", "interconnect-bandwidth", "GB/s", GIGA),
    Column("TDP (W)", "tdp", "W"),
    Column("Die Size (mm^2)", "die-area", "mm2"),
    Column("Process size (nm)", "process-node", "nm"),
    Column("Transistors (millions)", "transistors", "million"),
)
BOOST_CLOCK = Column("Boost clock (MHz)", "clock", "MHz")
BASE_CLOCK = Column("Base clock (MHz)", "clock", "MHz")

NAME = "Hardware name"
MAKER = "Manufacturer"
TYPE = "Type"
NOTES = "Notes"
FOUNDRY = "Foundry"

#: Epoch's 'Type' -> the KB's chip kind; any other type is an accelerator.
KINDS = {"GPU": "gpu", "GPGPU": "gpu", "DCU (GPGPU)": "gpu", "Hybrid CPU": "cpu"}

_ESTIMATED_TDP = re.compile(
    r"(does not officially state|no official)[^.\n]*\bTDP\b|\bestimat\w*[^.\n]*\bTDP\b|\bTDP\b[^.\n]*\bestimat",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_NOTE_LENGTH = 160


class Epoch(Dataset):
    name = "epoch"
    short = "Epoch"
    title = "Epoch AI's 'Machine Learning Hardware' CSV"
    source = SourceTemplate(
        "epoch-ml-hardware",
        (
            ("title", "Epoch AI, 'Machine Learning Hardware'"),
            ("publisher", "Epoch AI"),
            ("url", "https://epoch.ai/data/machine-learning-hardware"),
            ("language", "en"),
            ("kind", "dataset"),
            ("license", "CC BY 4.0"),
        ),
    )
    required = (
        NAME,
        MAKER,
        TYPE,
        NOTES,
        FOUNDRY,
        *(c.header for c in COLUMNS),
        BOOST_CLOCK.header,
        BASE_CLOCK.header,
    )

    def rows(self, table: Table) -> tuple[list[Row], list[Problem]]:
        problems: list[Problem] = []
        rows: list[Row] = []
        seen: dict[str, int] = {}
        for record in table.records:
            name = " ".join(record.text(NAME).split())
            cell = record.cells[NAME]
            if not name:
                problems.append(Problem(table.path, cell.line, cell.col, f"row {record.number}: {NAME!r} is empty"))
                continue
            if name in seen:
                problems.append(
                    Problem(
                        table.path,
                        cell.line,
                        cell.col,
                        f"row {name!r} appears twice (first at line {seen[name]}): rows are told apart by {NAME!r}",
                    )
                )
                continue
            seen[name] = record.line
            notes = record.text(NOTES)
            row = Row(
                key=name,
                name=name,
                maker=" ".join(record.text(MAKER).split()),
                line=record.line,
                kind=KINDS.get(record.text(TYPE), "accelerator"),
                foundry=record.text(FOUNDRY),
            )
            clock = BOOST_CLOCK if record.text(BOOST_CLOCK.header) else BASE_CLOCK
            for column in (*COLUMNS, clock):
                value = number(table, record, column.header, name, problems)
                if value is None:
                    continue
                status, note = "stated", ""
                if column.figure == "tdp":
                    status, note = tdp_status(notes)
                row.figures.append(
                    Proposed(
                        name=column.figure,
                        value=scaled(value, column.divisor),
                        unit=column.unit,
                        column=column.header,
                        locator=f"row {quote_locator(name)}, column {quote_locator(column.header)}",
                        status=status,
                        note=note,
                        memory=column.memory,
                    )
                )
            rows.append(row)
        return rows, problems


def tdp_status(notes: str) -> tuple[str, str]:
    """`estimate` when Epoch's notes say the TDP is estimated, and a note quoting their sentence
    about the TDP (when they have one)."""
    sentence = next((s.strip() for s in _SENTENCE.split(notes) if "TDP" in s), "")
    if len(sentence) > _NOTE_LENGTH:
        sentence = sentence[: _NOTE_LENGTH - 1].rsplit(" ", 1)[0] + " …"
    note = f"Epoch's notes: '{sentence}'" if sentence else ""
    return ("estimate" if _ESTIMATED_TDP.search(notes) else "stated"), note
