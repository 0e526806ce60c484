"""Dates as the KB writes them (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), kept as precise as written.

A date with only a year, or a year and a month, is never given an invented month or day: it sorts
at the head of its year (or month), before the dates inside it, and a chart places it in the middle
of the period it names.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date with a year and, when written, a month and a day. Orders by what it has: `2023`
    before `2023-01`, before `2023-01-05`, before `2023-02`."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def text(self) -> str:
        """As written in the KB: `2023`, `2023-11` or `2023-11-28`."""
        if not self.month:
            return f"{self.year:04d}"
        if not self.day:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def position(self) -> float:
        """Where the date sits on a time axis, in years: the middle of the period it names."""
        if not self.month:
            return self.year + 0.5
        month_start = self.year + (self.month - 1) / 12
        if not self.day:
            return month_start + 0.5 / 12
        days = calendar.monthrange(self.year, self.month)[1]
        return month_start + (self.day - 0.5) / days / 12

    def __str__(self) -> str:
        return self.text


def parse_date(text: str) -> PartialDate | None:
    """`2023`, `2023-11` or `2023-11-28` as a PartialDate; None for anything else (an invalid
    month or day included: the validator reports those)."""
    match = _DATE.match(text.strip()) if text else None
    if match is None:
        return None
    year, month, day = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
    if year < 1:
        return None
    if match.group(2) is not None and not 1 <= month <= 12:
        return None
    if match.group(3) is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return PartialDate(year, month, day)
