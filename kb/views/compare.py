"""Chips side by side: the table that the app's compare screen and the comparison note both show.

One column per chip and one row per figure that any of them states (in the vocabulary order of
`kb.store.figures`), every value converted to the figure's canonical unit, then derived rows (TFLOPS per
watt, memory bandwidth per TFLOPS) where a chip has both inputs.  A cell keeps the specs behind it,
so a view can name every figure's source and show both values when sources disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kb.store.figures import FIGURES, HIGHER
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Spec
from kb.views.preferred import ESTIMATE, NOT_DISCLOSED, preferred


@dataclass(frozen=True)
class Cell:
    """One chip's value for one row."""

    #: In the row's canonical unit; None when unknown.
    value: float | None
    #: The figures behind the value (two or more when sources disagree, or both inputs of a derived row).
    specs: tuple[Spec, ...]
    #: Sources state different values for this figure (for a derived row: for one of its inputs).
    disputed: bool
    #: The best value of the row, marked only when at least two chips have values and they differ.
    best: bool
    #: The vendor does not publish this figure.
    not_disclosed: bool
    #: The value is a third party's estimate: no source states it (for a derived row: one input is).
    estimate: bool = False


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    unit: str
    cells: tuple[Cell, ...]
    derived: bool


@dataclass(frozen=True)
class Comparison:
    chips: tuple[Chip, ...]
    rows: tuple[Row, ...]
    #: chip id -> the claims about it, sorted by id.
    claims: dict[str, list[Claim]]


@dataclass(frozen=True)
class Derived:
    """A row computed from two figures: numerator / denominator * scale."""

    name: str
    label: str
    unit: str
    numerator: str
    denominator: str
    scale: float = 1.0
    better: str | None = HIGHER


DERIVED: tuple[Derived, ...] = (
    Derived("bf16-tflops-per-watt", "BF16 dense TFLOPS per watt", "TFLOPS/W", "bf16-dense", "tdp"),
    Derived("fp8-tflops-per-watt", "FP8 dense TFLOPS per watt", "TFLOPS/W", "fp8-dense", "tdp"),
    # hbm-bandwidth is canonically TB/s; the ratio reads better in GB/s per TFLOPS.
    Derived(
        "hbm-bandwidth-per-bf16-tflops",
        "HBM bandwidth per BF16 dense TFLOPS",
        "GB/s per TFLOPS",
        "hbm-bandwidth",
        "bf16-dense",
        scale=1000.0,
    ),
)

_SAME = 1e-9  # relative tolerance when deciding two canonical values are equal


def _figure_cell(chip: Chip, name: str, disputed: dict[str, list[Spec]]) -> Cell:
    """The chip's preferred value of the figure (kb.views.preferred: the rule rank and charts use)."""
    shown = preferred(chip, name)
    return Cell(
        value=shown.value if shown else None,
        specs=tuple(s for s in chip.specs if s.name == name),
        disputed=name in disputed,
        best=False,
        not_disclosed=shown is not None and shown.status == NOT_DISCLOSED,
        estimate=shown is not None and shown.status == ESTIMATE,
    )


def _derived_cell(derived: Derived, numerator: Cell, denominator: Cell) -> Cell:
    if numerator.value is None or denominator.value is None or denominator.value == 0:
        return Cell(None, (), disputed=False, best=False, not_disclosed=False)
    return Cell(
        value=numerator.value / denominator.value * derived.scale,
        specs=numerator.specs + denominator.specs,
        disputed=numerator.disputed or denominator.disputed,
        best=False,
        not_disclosed=False,
        estimate=numerator.estimate or denominator.estimate,
    )


def _with_best(cells: list[Cell], better: str | None) -> tuple[Cell, ...]:
    """Mark the best value, by the figure's meaning; nothing is best for a figure with no better
    (TDP, die area), when fewer than two chips have values, or when all are equal."""
    values = [c.value for c in cells if c.value is not None]
    if better is None or len(values) < 2:
        return tuple(cells)
    best = max(values) if better == HIGHER else min(values)
    if all(math.isclose(v, best, rel_tol=_SAME) for v in values):
        return tuple(cells)
    return tuple(
        Cell(c.value, c.specs, c.disputed, True, c.not_disclosed, c.estimate)
        if c.value is not None and math.isclose(c.value, best, rel_tol=_SAME)
        else c
        for c in cells
    )


def _chips(kb: KnowledgeBase, chip_ids: Sequence[str]) -> tuple[Chip, ...]:
    """The chips asked for, each once, in the order asked; an id that is not a chip raises KeyError."""
    chips: dict[str, Chip] = {}
    for chip_id in chip_ids:
        entity = kb.get(chip_id)
        if not isinstance(entity, Chip):
            raise KeyError(chip_id)
        chips.setdefault(chip_id, entity)
    return tuple(chips.values())


def compare(kb: KnowledgeBase, chip_ids: Sequence[str]) -> Comparison:
    """The comparison of `chip_ids` (in that order, duplicates dropped); unknown ids raise KeyError."""
    chips = _chips(kb, chip_ids)
    present = {s.name for chip in chips for s in chip.specs}
    disputes = {chip.id: kb.disputed_figures(chip) for chip in chips}
    by_name: dict[str, tuple[Cell, ...]] = {}
    rows: list[Row] = []
    for name, figure in FIGURES.items():
        if name not in present:
            continue
        cells = [_figure_cell(chip, name, disputes[chip.id]) for chip in chips]
        by_name[name] = tuple(cells)
        rows.append(Row(name, figure.label, figure.unit, _with_best(cells, figure.better), derived=False))
    for derived in DERIVED:
        numerators, denominators = by_name.get(derived.numerator), by_name.get(derived.denominator)
        if numerators is None or denominators is None:
            continue
        cells = [_derived_cell(derived, n, d) for n, d in zip(numerators, denominators, strict=True)]
        if any(c.value is not None for c in cells):
            rows.append(Row(derived.name, derived.label, derived.unit, _with_best(cells, derived.better), True))
    claims = {chip.id: sorted(kb.claims_about(chip.id), key=lambda c: c.id) for chip in chips}
    return Comparison(chips=chips, rows=tuple(rows), claims=claims)
