"""`kb.views.chart`: the rows of `rank` as points against date (a series per vendor) or bars, and the
drawing on a plotext figure: each point labelled where there is room, never a number in e-notation."""

from __future__ import annotations

import re

import plotext
import pytest

from kb.store.knowledge import load_kb
from kb.views.chart import chart, chip_label, draw, legend, nice_ticks, notes, walk
from tests.kb.views.figures_kb import figures_kb


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory):
    return load_kb(figures_kb(tmp_path_factory.mktemp("figures")))


def plain(text: str) -> str:
    return plotext.uncolorize(text)


def test_points_are_the_ranked_rows_at_their_dates_one_series_per_vendor(kb) -> None:
    data = chart(kb, "bf16-dense")
    assert [(s.vendor, [p.row.chip.id for p in s.points]) for s in data.series] == [
        ("acme", ["a1", "a2"]),
        ("blue", ["b1", "b2"]),
        ("cyan", ["c3"]),
    ]
    assert len({s.colour for s in data.series}) == 3
    # in date order, as the cursor walks them; b2 has only an availability month
    assert [(p.row.chip.id, p.date.text) for p in data.points] == [
        ("a1", "2021-03"),
        ("c3", "2022"),
        ("b1", "2022-06-15"),
        ("a2", "2023"),
        ("b2", "2024-02"),
    ]
    assert [p.row.chip.id for p in data.points if p.estimate] == ["b1"]
    assert [r.chip.id for r in data.bars] == ["a2", "b2", "a1", "c3", "b1"]  # ranked, then the estimate
    assert data.undated == ()
    assert notes(data) == ["1 chips state the figure as not disclosed"]
    assert walk(data.points, data.points[-1].row, 1) is data.points[0].row


def test_drawn_against_date_every_point_labelled_and_the_values_readable(kb) -> None:
    data = chart(kb, "bf16-dense")
    unlabelled = draw(plotext, data, width=90, height=20, colour=False)
    text = plain(plotext.build())
    assert unlabelled == []
    for name in ("A1", "A2", "B1 (est.)", "B2", "C3"):
        assert name in text, name
    assert "BF16 dense (TFLOPS)" in text
    assert "2021" in text and "2024" in text
    assert not re.search(r"\de[+-]?\d", text)  # no exponent notation anywhere
    assert [entry for entry, _ in legend(data)][:3] == ["● Acme Cloud", "● Blue Silicon", "● Cyan Devices"]


def test_bars_rank_best_first_with_their_values_and_a_log_scale(kb) -> None:
    data = chart(kb, "bf16-dense")
    draw(plotext, data, width=70, height=20, bars=True, log=True, colour=False)
    lines = plain(plotext.build()).splitlines()
    labels = [line.split("┤")[0].strip() for line in lines if "┤" in line]
    assert labels == ["1. A2 400", "2. B2 300", "3. A1 100", "3. C3 100", "est. B1 300"]
    assert "log scale" in lines[0]


def test_per_watt_chart_says_how_many_chips_were_skipped(kb) -> None:
    data = chart(kb, "bf16-dense", per_watt=True)
    assert data.ranking.unit == "TFLOPS/W"
    assert "2 chips without a TDP skipped" in notes(data)


def test_ticks_are_round_and_labels_short() -> None:
    assert nice_ticks(0, 2307) == [0, 1000, 2000]
    assert nice_ticks(0, 8) == [0, 2, 4, 6, 8]
    assert nice_ticks(64, 2307, log=True) == [50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0]
    assert nice_ticks(5, 50000, log=True) == [10.0, 100.0, 1000.0, 10000.0]
    assert nice_ticks(0.78, 2.25, log=True) == [0.5, 1.0, 2.0]
    assert chip_label("NVIDIA H100 (SXM5 80 GB)", "nvidia", "NVIDIA") == "H100"
    assert chip_label("AWS Trainium2", "aws", "Amazon Web Services") == "Trainium2"
    assert chip_label("Apple M1", "apple", "Apple") == "M1"
    assert chip_label("(Prototype)", "x", "X") == "(Prototype)"
