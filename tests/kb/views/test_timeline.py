"""`kb.views.timeline` and `kb.views.dates`: chips by announcement and availability date, a partial
date (a year, or a year and month) placed by what it has and never given an invented day."""

from __future__ import annotations

import pytest

from kb.store.knowledge import load_kb
from kb.views.dates import PartialDate, parse_date
from kb.views.timeline import timeline
from tests.kb.views.figures_kb import figures_kb


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory):
    return load_kb(figures_kb(tmp_path_factory.mktemp("figures")))


def test_dates_keep_their_precision_and_order_by_what_they_have() -> None:
    assert parse_date("2023") == PartialDate(2023)
    assert parse_date("2023-11") == PartialDate(2023, 11)
    assert parse_date("2023-11-28") == PartialDate(2023, 11, 28)
    assert [parse_date(t).text for t in ("2023", "2023-11", "2023-11-28")] == ["2023", "2023-11", "2023-11-28"]
    assert [parse_date(t).precision for t in ("2023", "2023-11", "2023-11-28")] == ["year", "month", "day"]
    for bad in ("", "23", "2023-13", "2023-02-30", "2023-1", "0000", "2023-11-28T00:00"):
        assert parse_date(bad) is None, bad
    # the head of its year (month), before what is inside it
    written = ["2024-01-01", "2023-12", "2023", "2023-01-05", "2023-01"]
    assert [d.text for d in sorted(parse_date(t) for t in written)] == [
        "2023",
        "2023-01",
        "2023-01-05",
        "2023-12",
        "2024-01-01",
    ]


def test_a_partial_date_sits_in_the_middle_of_the_period_it_names_on_an_axis() -> None:
    assert parse_date("2023").position == 2023.5
    assert parse_date("2023-07").position == pytest.approx(2023 + 6.5 / 12)
    assert 2023 + 6 / 12 < parse_date("2023-07-01").position < parse_date("2023-07-31").position < 2023 + 7 / 12


def test_chips_in_date_order_with_partial_dates_as_written(kb) -> None:
    found = timeline(kb)
    assert [(e.date.text, e.kind, e.entity_id) for e in found.events] == [
        ("2021-03", "announced", "a1"),
        ("2022", "announced", "c3"),  # a year only: at the head of 2022, before June
        ("2022-06-15", "announced", "b1"),
        ("2023", "announced", "a2"),
        ("2024", "announced", "c2"),
        ("2024-02", "available", "b2"),  # a month only: before the days of February
        ("2024-02-20", "available", "a2"),
    ]
    assert [c.id for c in found.undated] == ["c1"]
    assert found.lanes == ("acme", "cyan", "blue")


def test_filters_and_dated_claims(kb) -> None:
    assert [e.entity_id for e in timeline(kb, vendors=["blue"]).events] == ["b1", "b2"]
    assert [e.entity_id for e in timeline(kb, families=["alpha"]).events] == ["a1", "a2", "a2"]
    assert [e.entity_id for e in timeline(kb, since=2024).events] == ["c2", "b2", "a2"]
    with_claims = timeline(kb, claims=True)
    claims = [(e.date.text, e.entity_id, e.vendor, e.chip_id) for e in with_claims.events if e.kind == "claim"]
    # a claim's own date, else its source's; in the lane of its chip's vendor, else its vendor's
    assert claims == [("2023-07", "blue-reviews", "blue", ""), ("2024-01-10", "a2-fast", "acme", "a2")]
    # with a family, only claims about its chips
    family = timeline(kb, families=["Alpha"], claims=True)
    assert [e.entity_id for e in family.events if e.kind == "claim"] == ["a2-fast"]
