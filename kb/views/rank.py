"""Who leads on one figure: every chip that has it, best first, in the figure's canonical unit.

One row per chip: its rank, the chip, its vendor, the preferred value (`kb.views.preferred`: the
first stated, non-estimate figure of that name in the chip's YAML) and its source, the range of all
values when sources disagree, and the chip's date.  Chips ranked first are those with a stated
value; chips with only an estimate follow, unranked and marked as estimates; chips whose figure is
not disclosed come last.  Equal values share a rank (1, 2, 2, 4).  "Best" follows the figure's
meaning (`Figure.better`): highest first, or lowest first for a figure where lower is better; a
figure with no better (TDP, die area) is listed largest first.

Per watt (`per_watt=True`, for throughput figures) ranks value / TDP, where TDP is the chip's
preferred `tdp` figure: a chip with no TDP value (none in the KB, or not disclosed) is skipped and
counted; an estimated TDP (or figure) makes the quotient an estimate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from kb.store.figures import FIGURES, HIGHER, LOWER, Figure
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Spec
from kb.views.dates import parse_date
from kb.views.preferred import ESTIMATE, NOT_DISCLOSED, STATED, Preferred, preferred

POWER = "tdp"


class RankError(ValueError):
    """The ranking asked for cannot be made (an unknown figure, per watt of a figure without one)."""


@dataclass(frozen=True)
class RankRow:
    """One chip's place in a ranking."""

    #: 1 for the best; equal values share a rank; None for estimates and figures not disclosed.
    rank: int | None
    chip: Chip
    vendor_name: str
    #: stated, estimate or not-disclosed
    status: str
    #: The preferred value in the ranking's unit; None when not disclosed.
    value: float | None
    #: The lowest and highest value the sources give, when they disagree (else None, None).
    low: float | None
    high: float | None
    #: The spec behind the value (None when not disclosed), and for per watt the TDP's spec.
    spec: Spec | None
    tdp_spec: Spec | None = None
    #: For per watt: the TDP the value was divided by, in W.
    tdp: float | None = None

    @property
    def source(self) -> str:
        """The id of the source of the preferred value ('' when not disclosed and no source says so)."""
        return self.spec.source if self.spec is not None else ""

    @property
    def date(self) -> str:
        """The chip's announcement date, else its availability date, as written ('' when neither)."""
        return self.chip.announced or self.chip.available

    @property
    def disputed(self) -> bool:
        return self.low is not None


@dataclass(frozen=True)
class Ranking:
    figure: Figure
    per_watt: bool
    rows: tuple[RankRow, ...]
    #: Per watt: chips with the figure but no TDP value, so not ranked.
    skipped: tuple[Chip, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.figure.name}-per-watt" if self.per_watt else self.figure.name

    @property
    def label(self) -> str:
        return f"{self.figure.label} per watt" if self.per_watt else self.figure.label

    @property
    def unit(self) -> str:
        return f"{self.figure.unit}/W" if self.per_watt else self.figure.unit

    @property
    def better(self) -> str | None:
        return HIGHER if self.per_watt else self.figure.better

    @property
    def order_note(self) -> str:
        """How the rows are ordered, in words."""
        if self.better == HIGHER:
            return "higher is better"
        if self.better == LOWER:
            return "lower is better"
        return "no value is better: largest first"

    @property
    def ranked(self) -> tuple[RankRow, ...]:
        return tuple(r for r in self.rows if r.status == STATED)


def figure_of(name: str, per_watt: bool = False) -> Figure:
    """The figure called `name`; RankError when there is none, or it has no per-watt form."""
    figure = FIGURES.get(name)
    if figure is None:
        raise RankError(f"no figure {name!r}")
    if per_watt and not figure.per_watt:
        with_per_watt = ", ".join(f.name for f in FIGURES.values() if f.per_watt)
        raise RankError(f"figure {name!r} has no per-watt form (per watt ranks throughput: {with_per_watt})")
    return figure


def chip_year(chip: Chip) -> int | None:
    """The year of the chip's announcement, else of its availability."""
    for text in (chip.announced, chip.available):
        date = parse_date(text)
        if date is not None:
            return date.year
    return None


def select_chips(
    kb: KnowledgeBase,
    vendors: Iterable[str] = (),
    kinds: Iterable[str] = (),
    since: int | None = None,
    families: Iterable[str] = (),
) -> list[Chip]:
    """The KB's chips that pass every filter given: one of `vendors` (ids), one of `kinds`, one of
    `families` (case-insensitive), a date (announced, else available) in `since` or later."""
    vendor_set, kind_set = set(vendors), set(kinds)
    family_set = {f.casefold() for f in families}
    chips = []
    for chip in kb.chips:
        if vendor_set and chip.vendor not in vendor_set:
            continue
        if kind_set and chip.kind not in kind_set:
            continue
        if family_set and chip.family.casefold() not in family_set:
            continue
        if since is not None and (chip_year(chip) or 0) < since:
            continue
        chips.append(chip)
    return chips


def _range(values: Iterable[float]) -> tuple[float | None, float | None]:
    distinct = {round(v, 6): v for v in values}
    if len(distinct) < 2:
        return None, None
    return min(distinct.values()), max(distinct.values())


def _row(kb: KnowledgeBase, chip: Chip, found: Preferred) -> RankRow:
    low, high = _range(found.values)
    return RankRow(None, chip, kb.title_of(chip.vendor), found.status, found.value, low, high, found.spec)


def _per_watt_row(kb: KnowledgeBase, chip: Chip, found: Preferred, power: Preferred | None) -> RankRow | None:
    """value / TDP, or None when the chip has no TDP value to divide by."""
    if found.status == NOT_DISCLOSED:
        return _row(kb, chip, found)
    if power is None or power.value is None or power.value <= 0 or found.value is None:
        return None
    status = ESTIMATE if ESTIMATE in (found.status, power.status) else STATED
    powers = [p for p in power.values if p > 0] or [power.value]
    low, high = _range([min(found.values) / max(powers), max(found.values) / min(powers), found.value / power.value])
    return RankRow(
        None,
        chip,
        kb.title_of(chip.vendor),
        status,
        found.value / power.value,
        low,
        high,
        found.spec,
        tdp_spec=power.spec,
        tdp=power.value,
    )


def _ordered(rows: list[RankRow], better: str | None) -> list[RankRow]:
    """Best first (ties by chip name), ranked 1, 2, 2, 4 when ranks are given out."""
    sign = 1 if better == LOWER else -1
    return sorted(rows, key=lambda r: (sign * (r.value or 0.0), r.chip.name.casefold(), r.chip.id))


def _with_ranks(rows: list[RankRow]) -> list[RankRow]:
    ranked: list[RankRow] = []
    for position, row in enumerate(rows, start=1):
        previous = ranked[-1] if ranked else None
        tied = previous is not None and round(previous.value or 0.0, 9) == round(row.value or 0.0, 9)
        ranked.append(replace(row, rank=previous.rank if tied and previous else position))
    return ranked


def rank(
    kb: KnowledgeBase,
    name: str,
    *,
    per_watt: bool = False,
    vendors: Iterable[str] = (),
    kinds: Iterable[str] = (),
    since: int | None = None,
) -> Ranking:
    """Every chip (of those the filters keep) that has figure `name`, best first. RankError for an
    unknown figure, or per watt of a figure that has none."""
    figure = figure_of(name, per_watt)
    rows: list[RankRow] = []
    skipped: list[Chip] = []
    for chip in select_chips(kb, vendors, kinds, since):
        found = preferred(chip, name)
        if found is None:
            continue
        if not per_watt:
            rows.append(_row(kb, chip, found))
            continue
        row = _per_watt_row(kb, chip, found, preferred(chip, POWER))
        if row is None:
            skipped.append(chip)
        else:
            rows.append(row)
    better = HIGHER if per_watt else figure.better
    stated = _with_ranks(_ordered([r for r in rows if r.status == STATED], better))
    estimates = _ordered([r for r in rows if r.status == ESTIMATE], better)
    hidden = sorted((r for r in rows if r.status == NOT_DISCLOSED), key=lambda r: (r.chip.name.casefold(), r.chip.id))
    skipped.sort(key=lambda c: (c.name.casefold(), c.id))
    return Ranking(figure, per_watt, tuple(stated + estimates + hidden), tuple(skipped))
