"""What every dataset importer provides: rows turned into chips-to-be with the figures they state.

A dataset module (`kb.importers.epoch`, `kb.importers.reuther`) reads its CSV's columns into
`Row`s: one per chip the dataset describes, each with its `Proposed` figures already in a unit
of the KB's figure vocabulary and each naming where in the dataset it stands (its locator).
Everything after that (matching rows to chips, the diff, writing) is the same for every dataset.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal

from kb.importers.csvfile import Record, Table, parse_number
from kb.store.model import Problem


@dataclass(frozen=True)
class Proposed:
    """A figure a row states, in a KB unit, with where it stands in the dataset.

    `memory` marks a capacity or bandwidth that the dataset does not say is HBM: `name` is the
    HBM figure, and the importer files it under the non-HBM one when the chip's memory is not HBM.
    """

    name: str
    value: Decimal
    unit: str
    column: str
    locator: str
    status: str = "stated"
    note: str = ""
    memory: bool = False


@dataclass
class Row:
    """A chip as a dataset describes it (one CSV row, or several rows of one product)."""

    #: The row's name in this dataset, unique in the file: what the mapping table's `rows:` names.
    key: str
    #: The chip's display name when the importer adds it as a new chip.
    name: str
    #: The company the dataset names (Epoch's 'Manufacturer', Reuther's 'Company'); may be empty.
    maker: str
    #: The CSV line the row starts on.
    line: int
    figures: list[Proposed] = field(default_factory=list)
    #: The chip kind (kb.store.schema.CHIP_KINDS) for a new chip.
    kind: str = "accelerator"
    #: The foundry the dataset names, matched to a vendor of the KB when there is one.
    foundry: str = ""
    #: Why the row is not a chip (a whole system, say): left out unless the mapping table names it.
    not_a_chip: str = ""
    #: Figures a row states that the importer leaves out, each with why.
    left_out: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceTemplate:
    """The KB source a dataset's figures cite, written into the KB when it has none by that id."""

    id: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Column:
    """A CSV column that holds one KB figure: its name there, the figure, and the unit conversion."""

    header: str
    figure: str
    unit: str
    #: How many of the dataset's units make one KB unit (10**12 FLOP/s per TFLOPS).
    divisor: int = 1
    memory: bool = False


class Dataset(ABC):
    """One public dataset: its name on the command line, its source and how its rows read."""

    name = ""
    #: How reports name it: "Epoch says ...", "Reuther et al. say ...".
    short = ""
    #: Whether `short` takes a plural verb.
    plural = False
    #: Its full title, for messages such as "not Epoch AI's 'Machine Learning Hardware' CSV".
    title = ""
    source: SourceTemplate
    #: Columns that must be in the header.
    required: tuple[str, ...] = ()

    def says(self, verb: str) -> str:
        """`Epoch says`, `Reuther et al. say`: the dataset's name with a verb in the 3rd person."""
        return f"{self.short} {verb if self.plural else {'do': 'does'}.get(verb, verb + 's')}"

    @abstractmethod
    def rows(self, table: Table) -> tuple[list[Row], list[Problem]]:
        """The dataset's rows read from `table`, and a problem for each cell that cannot be read."""


def check_columns(table: Table, dataset: Dataset) -> list[Problem]:
    """One problem naming the columns a dataset needs that the header lacks."""
    missing = [c for c in dataset.required if c not in table.columns]
    if not missing:
        return []
    listed = ", ".join(repr(c) for c in missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
    if len(missing) * 2 > len(dataset.required):
        found = ", ".join(repr(c) for c in table.columns[:6]) + (", ..." if len(table.columns) > 6 else "")
        message = f"not {dataset.title} as published: its columns are missing ({listed}); this file has {found}"
    else:
        message = f"{dataset.title}: missing column{'s' if len(missing) > 1 else ''} {listed}"
    return [Problem(table.path, 1, 1, message)]


def number(table: Table, record: Record, column: str, row_name: str, problems: list[Problem]) -> Decimal | None:
    """The positive number in a cell, None when the cell is empty; anything else is a problem."""
    cell = record.cells.get(column)
    if cell is None or not cell.text.strip():
        return None
    value = parse_number(cell.text)
    if value is None or not value.is_finite() or value <= 0 or abs(value.adjusted()) > _LARGEST_EXPONENT:
        if value is None or not value.is_finite():
            what = "is not a number"
        elif value <= 0:
            what = "is not a positive number"
        else:
            what = "is out of any figure's range"
        problems.append(
            Problem(
                table.path, cell.line, cell.col, f"row {row_name!r}, column {column!r}: {cell.text.strip()!r} {what}"
            )
        )
        return None
    return value


#: No figure in base units is beyond 10**24 or below 10**-24 (the largest in Epoch's data: 6e16).
_LARGEST_EXPONENT = 24


def scaled(value: Decimal, divisor: int) -> Decimal:
    """`value / divisor` exactly, without trailing zeros (6.7e14 / 10**12 -> 670)."""
    result = value / Decimal(divisor) if divisor != 1 else value
    return result.normalize()


def quote_locator(text: str) -> str:
    """A name as a locator quotes it: 'Google TPU v5p'."""
    return "'" + text.replace("\n", " ") + "'"
