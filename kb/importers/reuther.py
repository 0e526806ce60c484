"""MIT Lincoln Laboratory's survey of AI accelerators: A. Reuther, P. Michaleas, M. Jones,
V. Gadepally, S. Samsi and J. Kepner, "Lincoln AI Computing Survey (LAICS) Update", IEEE HPEC 2023,
with its data in https://github.com/areuther/ai-accelerators (peak_accelerators_ieee_hpec_2023.csv).

It adds what Epoch's dataset lacks: first-generation and edge chips (AWS Inferentia, Google TPU v1
to v4i as Google published them, Graphcore, Groq, Qualcomm Cloud AI 100, Tenstorrent, AMD MI100 to
MI250, Habana Gaudi and Goya, Intel's Ponte Vecchio) and their peak power.

One CSV row is one product at one precision: 'PeakPerformance' (OP/s or FLOP/s) at 'Precision',
and 'Power' (W). The rows of one product (Company, Product, FormFactor) make one chip:

| Precision | KB figure | unit |
|---|---|---|
| int8, int8.32 | int8-dense | TOPS |
| fp16, fp16.32 | fp16-dense | TFLOPS |
| bf16, bf16.32 | bf16-dense | TFLOPS |
| fp32 | fp32 | TFLOPS |
| Power | tdp | W |

Other precisions (int16, int4.8, analog) have no KB figure and are left out, as is a peak below
1 GOP/s (the survey's Enflame row says 80 FLOP/s, which no chip is). The survey calls its power
"peak power"; it becomes the KB's `tdp`, with a note saying so. A row whose Notes say the peak is
estimated ("Estimated peak", "no peak") gives an estimate. Rows whose FormFactor is 'System' (a
DGX, a Groq node, a Cerebras CS-2) are whole systems, not chips: they are left out unless the
mapping table names them.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from kb.importers.csvfile import Record, Table
from kb.importers.dataset import Dataset, Proposed, Row, SourceTemplate, number, quote_locator, scaled
from kb.store.model import Problem

TERA = 10**12

COMPANY = "Company"
PRODUCT = "Product"
LABEL = "Label"
PEAK = "PeakPerformance"
PRECISION = "Precision"
POWER = "Power"
TECHNOLOGY = "Technology"
USE = "IorT"
FORM = "FormFactor"
NOTES = "Notes"

#: Precision -> (figure, unit)
PRECISIONS = {
    "int8": ("int8-dense", "TOPS"),
    "int8.32": ("int8-dense", "TOPS"),
    "fp16": ("fp16-dense", "TFLOPS"),
    "fp16.32": ("fp16-dense", "TFLOPS"),
    "bf16": ("bf16-dense", "TFLOPS"),
    "bf16.32": ("bf16-dense", "TFLOPS"),
    "fp32": ("fp32", "TFLOPS"),
}
#: Below this many OP/s a 'PeakPerformance' is a slip, not a chip's peak.
_LEAST_PEAK = Decimal(10**9)
_ESTIMATED = re.compile(r"estimat|no peak", re.IGNORECASE)
POWER_NOTE = "The survey's 'Power': peak power, which may be a TDP or a board's power."


class Reuther(Dataset):
    name = "reuther"
    short = "Reuther et al."
    plural = True
    title = "the Lincoln AI Computing Survey CSV (Reuther et al., IEEE HPEC 2023)"
    source = SourceTemplate(
        "reuther-laics-2023",
        (
            ("title", "Lincoln AI Computing Survey (LAICS) Update: data (peak_accelerators_ieee_hpec_2023.csv)"),
            ("publisher", "MIT Lincoln Laboratory"),
            ("author", "A. Reuther, P. Michaleas, M. Jones, V. Gadepally, S. Samsi, J. Kepner"),
            ("url", "https://github.com/areuther/ai-accelerators"),
            ("published", "2023"),
            ("language", "en"),
            ("kind", "dataset"),
        ),
    )
    required = (COMPANY, PRODUCT, LABEL, PEAK, PRECISION, POWER, TECHNOLOGY, USE, FORM, NOTES)

    def rows(self, table: Table) -> tuple[list[Row], list[Problem]]:
        problems: list[Problem] = []
        records = []
        for record in table.records:
            company, product = _words(record.text(COMPANY)), _words(record.text(PRODUCT))
            if not product:
                cell = record.cells[PRODUCT]
                problems.append(Problem(table.path, cell.line, cell.col, f"row {record.number}: {PRODUCT!r} is empty"))
                continue
            records.append((company, product, record))
        same_product = Counter((c, p, r.text(PRECISION)) for c, p, r in records)
        seen: dict[tuple[str, str, str, str], int] = {}
        groups: dict[str, Row] = {}
        for company, product, record in records:
            precision, label, form = record.text(PRECISION), record.text(LABEL), record.text(FORM)
            identity = (company, product, precision, label)
            if identity in seen:
                cell = record.cells[PRODUCT]
                problems.append(
                    Problem(
                        table.path,
                        cell.line,
                        cell.col,
                        f"row {record.number} repeats line {seen[identity]}: same Company, Product, Precision"
                        " and Label",
                    )
                )
                continue
            seen[identity] = record.line
            name = product if _starts_with(product, company) or not company else f"{company} {product}"
            system = form.lower() == "system"
            key = f"{name} (system {label})" if system else name
            where = f"row Company {quote_locator(company)}, Product {quote_locator(product)}"
            if precision:
                where += f", Precision {quote_locator(precision)}"
            if same_product[(company, product, precision)] > 1:
                where += f", Label {quote_locator(label)}"
            row = groups.get(key)
            if row is None:
                row = groups[key] = Row(
                    key=key,
                    name=name,
                    maker=company,
                    line=record.line,
                    kind=_kind(record),
                    not_a_chip="a whole system (FormFactor 'System'), not a chip" if system else "",
                )
            self._figures(table, record, row, where, problems)
        return list(groups.values()), problems

    def _figures(self, table: Table, record: Record, row: Row, where: str, problems: list[Problem]) -> None:
        notes = record.text(NOTES)
        peak = number(table, record, PEAK, row.key, problems)
        precision = record.text(PRECISION)
        if peak is not None:
            figure = PRECISIONS.get(precision.lower())
            if figure is None:
                row.left_out.append(f"{where}: precision {precision!r} has no KB figure")
            elif peak < _LEAST_PEAK:
                row.left_out.append(f"{where}: a peak of {peak} OP/s is no chip's; taken for a slip")
            else:
                estimate = bool(_ESTIMATED.search(notes))
                _add(
                    row,
                    Proposed(
                        name=figure[0],
                        value=scaled(peak, TERA),
                        unit=figure[1],
                        column=PEAK,
                        locator=f"{where}, column {quote_locator(PEAK)}",
                        status="estimate" if estimate else "stated",
                        note=f"The survey's notes: '{notes}'" if estimate else "",
                    ),
                )
        power = number(table, record, POWER, row.key, problems)
        if power is not None:
            _add(
                row,
                Proposed(
                    name="tdp",
                    value=scaled(power, 1),
                    unit="W",
                    column=POWER,
                    locator=f"{where}, column {quote_locator(POWER)}",
                    note=POWER_NOTE,
                ),
            )


def _add(row: Row, figure: Proposed) -> None:
    """Add a figure unless the product's earlier row gave it (the first row's stays)."""
    earlier = next((f for f in row.figures if f.name == figure.name), None)
    if earlier is None:
        row.figures.append(figure)
    elif earlier.value != figure.value:
        row.left_out.append(f"{figure.locator}: {figure.value} {figure.unit} (the product's {earlier.locator} is kept)")


def _words(text: str) -> str:
    return " ".join(text.split())


def _starts_with(product: str, company: str) -> bool:
    first = company.split()[0].lower() if company else ""
    return bool(first) and product.lower().split()[0] == first


def _kind(record: Record) -> str:
    if record.text(TECHNOLOGY).upper() == "GPU":
        return "gpu"
    use = record.text(USE).lower()
    return {"training": "training-accelerator", "inference": "inference-accelerator"}.get(use, "accelerator")
