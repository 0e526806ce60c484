"""Filters on a chip's figures and dates in the query language.

    hbm-capacity>=100GB   bf16-dense>1000   tdp<=500W   hbm-bandwidth>2TB/s   cores=64
    hbm-capacity:64..128GB   announced>=2024   announced:2024-06   available:2023..2025

A figure is named as in `kb.store.figures.FIGURES`; its value may carry any unit the figure
accepts (`96GiB`, `0.1TB`; units compared without regard to case when that is unambiguous) and is
converted to the figure's canonical unit; a bare number is in the canonical unit (`bf16-dense>1000`
is TFLOPS).  `announced` and `available` take a date: `2024`, `2024-06` or `2024-06-30`.

A chip matches a filter when ANY of its values satisfies it: a chip that states its TDP as 700 W
and 500 W matches `tdp<=500W`.  Stated values and estimates both count (a hit says which values
matched and marks an estimate as such); a figure a source says is not disclosed has no value.
Each filter is judged on its own: `tdp>=300W tdp<=500W` can be met by two different values.

The index holds each value as a term of `facets` (`fig:tdp:00000000000500.000000`, in the
canonical unit, written so that the terms sort as their numbers do; dates as `announced:2024-12`),
so a filter is a range of terms: as quick as a word, and independent of the KB's size.  A date
given as a year or a month compares as its first day, except that `<=` and the end of a range
take in all of it (`announced<=2024` includes 2024-12).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from whoosh import query as wq

if TYPE_CHECKING:
    from kb.store.figures import Figure

DATE_FIELDS = ("announced", "available")
#: `name>=value`, `name<value`, `name=value` and so on, as one word of a query.
COMPARISON = re.compile(r"(?<![^\s(])([A-Za-z][A-Za-z0-9-]*)(>=|<=|>|<|=)([^\s()]*)")
#: `name:a..b` (either end may be left out) or `name:value`, for a figure or a date field.
RANGE = re.compile(r"(?<![^\s(])([A-Za-z][A-Za-z0-9-]*):([^\s()\"]*)")
_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(.*)")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
#: After every date that starts with a given prefix (`2024~` sorts after `2024-12-31`).
_AFTER = "~"
#: Width of an encoded value: 14 digits, a point and 6 decimals.
_LARGEST = 10.0**14 - 1


class FilterError(ValueError):
    """A figure or date filter that cannot be used; str(error) is one line for the user."""


class FilterRange(wq.TermRange):
    """A filter as a range of `facets` terms, remembering how it was typed (for messages), the
    figure it is on (None for a date) and its bounds in the canonical unit."""

    def __init__(
        self,
        start: str | None,
        end: str | None,
        *,
        startexcl: bool,
        endexcl: bool,
        typed: str,
        figure: str | None,
        low: float | None = None,
        high: float | None = None,
    ) -> None:
        super().__init__("facets", start, end, startexcl=startexcl, endexcl=endexcl)
        self.typed = typed
        self.figure = figure
        self.low, self.high = low, high
        self.low_excl, self.high_excl = startexcl, endexcl

    def accepts_date(self, field: str, shown: str) -> bool:
        """Whether a chip's date, stored as `shown` ("announced 2024-12"), meets this date filter."""
        if self.figure is not None or not str(self.start).startswith(f"{field}:"):
            return False
        term = f"{field}:{shown.split(' ', 1)[-1]}"
        after_start = term > self.start or (term == self.start and not self.startexcl)
        before_end = term < self.end or (term == self.end and not self.endexcl)
        return after_start and before_end

    def accepts(self, value: float) -> bool:
        """Whether a figure's value (canonical unit) satisfies the filter."""
        if self.low is not None and (value < self.low or (self.low_excl and value == self.low)):
            return False
        return not (self.high is not None and (value > self.high or (self.high_excl and value == self.high)))


def encode(value: float) -> str:
    """A value in the canonical unit as a term that sorts as the number does."""
    return f"{min(max(float(value), 0.0), _LARGEST):021.6f}"


def value_term(figure: str, value: float) -> str:
    return f"fig:{figure}:{encode(value)}"


def _figures() -> dict[str, Figure]:
    from kb.store.figures import FIGURES  # imported only by a query that has a filter (it needs dataclasses)

    return FIGURES


def is_filter_name(name: str) -> bool:
    """Whether `name` (typed as `name:...`) is a date field or a figure."""
    return name.lower() in DATE_FIELDS or name.lower() in _figures()


def _unknown(name: str, typed: str) -> FilterError:
    from kb.text.suggest import did_you_mean

    figures = _figures()
    names = [*figures, *DATE_FIELDS]
    hint = did_you_mean(name.lower(), names, n=3)
    if not hint:
        started = [n for n in names if n.startswith(name.lower())][:3]
        hint = f" (did you mean {' or '.join(repr(n) for n in started)}?)" if started else ""
    listing = hint or " (the figures are listed in docs/schema.md; dates are announced and available)"
    return FilterError(f"{typed}: unknown figure {name!r}{listing}")


def _unit(figure: Figure, unit: str, typed: str) -> str:
    if unit in figure.units:
        return unit
    folded = [u for u in figure.units if u.casefold() == unit.casefold()]
    if len(folded) == 1:
        return folded[0]
    from kb.store.figures import unit_error

    raise FilterError(f"{typed}: {unit_error(figure.name, unit)}")


def _value(figure: Figure, text: str, typed: str) -> float:
    """`text` (`96GiB`, `0.1 TB`, `1000`) in the figure's canonical unit."""
    found = _NUMBER.fullmatch(text.strip())
    if not found:
        example = f"{figure.name}>=100{figure.unit}"
        raise FilterError(f"{typed}: {text!r} is not a number with a unit; write e.g. {example}")
    number, unit = found.groups()
    unit = unit.strip()
    if not unit:
        return float(number)
    return figure.to_canonical(float(number), _unit(figure, unit, typed))


def _date(text: str, name: str, typed: str) -> str:
    if not _DATE.fullmatch(text):
        raise FilterError(f"{typed}: {text!r} is not a date; write {name}>=2024, {name}>=2024-06 or {name}:2023..2025")
    return text


def comparison(name: str, operator: str, value: str, typed: str) -> FilterRange:
    """The filter `name operator value` (`hbm-capacity`, `>=`, `100GB`); raises FilterError."""
    key = name.lower()
    if not value:
        raise FilterError(f"{typed}: needs a value after {operator}, e.g. {name}{operator}{_example(key)}")
    if key in DATE_FIELDS:
        date = _date(value, key, typed)
        prefix = f"{key}:"
        bounds = {
            ">=": (prefix + date, None, False, False),
            ">": (prefix + date + _AFTER, None, False, False),
            "<=": (None, prefix + date + _AFTER, False, False),
            "<": (None, prefix + date, False, True),
            "=": (prefix + date, prefix + date + _AFTER, False, False),
        }[operator]
        return _date_range(key, *bounds, typed)
    figures = _figures()
    if key not in figures:
        raise _unknown(name, typed)
    figure = figures[key]
    number = _value(figure, value, typed)
    low, high = {
        ">=": (number, None),
        ">": (number, None),
        "<=": (None, number),
        "<": (None, number),
        "=": (number, number),
    }[operator]
    return _figure_range(key, low, high, operator == ">", operator == "<", typed)


def span(name: str, text: str, typed: str) -> FilterRange:
    """The filter `name:text`, a range `a..b` (either end may be left out) or one value; raises
    FilterError."""
    key = name.lower()
    first, dots, last = text.partition("..")
    if not text or (dots and not first and not last):
        raise FilterError(f"{typed}: needs a value or a range, e.g. {name}:{_example(key, True)}")
    if key in DATE_FIELDS:
        low = _date(first, key, typed) if first else None
        high = _date(last, key, typed) if last else None
        if not dots:
            high = low
        if low and high and high < low[: len(high)]:
            raise FilterError(f"{typed}: the range ends before it starts")
        prefix = f"{key}:"
        return _date_range(
            key, prefix + low if low else None, prefix + high + _AFTER if high else None, False, False, typed
        )
    figures = _figures()
    if key not in figures:
        raise _unknown(name, typed)
    figure = figures[key]
    if not dots:
        number = _value(figure, text, typed)
        return _figure_range(key, number, number, False, False, typed)
    # a unit written once, at the end, is the unit of both ends: `64..128GB`
    first_found, last_found = _NUMBER.fullmatch(first.strip()), _NUMBER.fullmatch(last.strip())
    if first_found and not first_found.group(2).strip() and last_found:
        first += last_found.group(2).strip()
    low = _value(figure, first, typed) if first else None
    high = _value(figure, last, typed) if last else None
    if low is not None and high is not None and high < low:
        raise FilterError(f"{typed}: the range ends before it starts")
    return _figure_range(key, low, high, False, False, typed)


def _date_range(
    key: str, start: str | None, end: str | None, startexcl: bool, endexcl: bool, typed: str
) -> FilterRange:
    prefix = f"{key}:"
    return FilterRange(
        start or prefix,
        end or prefix + _AFTER,
        startexcl=startexcl,
        endexcl=endexcl,
        typed=typed,
        figure=None,
    )


def _figure_range(
    key: str, low: float | None, high: float | None, startexcl: bool, endexcl: bool, typed: str
) -> FilterRange:
    prefix = f"fig:{key}:"
    return FilterRange(
        prefix + encode(low) if low is not None else prefix,
        prefix + encode(high) if high is not None else prefix + _AFTER,
        startexcl=startexcl and low is not None,
        endexcl=endexcl and high is not None,
        typed=typed,
        figure=key,
        low=low,
        high=high,
    )


def _example(key: str, span: bool = False) -> str:
    if key in DATE_FIELDS:
        return "2023..2025" if span else "2024"
    figure = _figures().get(key)
    unit = figure.unit if figure else ""
    return f"100..200{unit}" if span else f"100{unit}"
