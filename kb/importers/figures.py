"""Comparing a dataset's figure with the KB's, and writing it as one line of YAML."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from kb.importers.dataset import Proposed
from kb.importers.yamltext import flow_mapping, number_text, scalar
from kb.store.figures import FIGURES, format_number
from kb.store.model import Spec


def canonical(name: str, value: float | Decimal, unit: str) -> Decimal | None:
    figure = FIGURES.get(name)
    if figure is None or unit not in figure.units:
        return None
    return Decimal(str(value)) * Decimal(repr(figure.factor(unit)))


def agrees(figure: Proposed, spec: Spec) -> bool:
    """Whether the dataset's figure says what the KB's says: the same value once both are in the
    canonical unit, or the same once the dataset's is rounded as the KB's is written (989.4 TFLOPS
    is the KB's 989 TFLOPS; 494.7 is not its 494.5)."""
    if spec.value is None or spec.name != figure.name:
        return False
    ours = canonical(figure.name, figure.value, figure.unit)
    theirs = canonical(spec.name, spec.value, spec.unit)
    if ours is None or theirs is None:
        return False
    if round(ours, 6) == round(theirs, 6):
        return True
    factor = canonical(spec.name, 1, spec.unit)
    if not factor:
        return False
    in_their_unit = ours / factor
    written = _written(spec.value)
    try:
        if in_their_unit.quantize(Decimal(1).scaleb(written.as_tuple().exponent), ROUND_HALF_UP) == written:
            return True
        if spec.unit == figure.unit:
            mine = figure.value.normalize()
            return written.quantize(Decimal(1).scaleb(min(0, mine.as_tuple().exponent)), ROUND_HALF_UP) == mine
    except InvalidOperation:  # pragma: no cover - quantize beyond Decimal's precision
        return False
    return False


def _written(value: float) -> Decimal:
    """The KB's number as its YAML writes it (989 -> 989, 3.35 -> 3.35)."""
    return Decimal(repr(value)) if not float(value).is_integer() else Decimal(int(value))


def shown(value: Decimal | float | None, unit: str, status: str = "stated") -> str:
    if value is None:
        return "not disclosed"
    text = f"{format_number(float(value))} {unit}"
    return f"{text} (estimate)" if status == "estimate" else text


def spec_shown(spec: Spec) -> str:
    return shown(spec.value, spec.unit, spec.status)


def figure_content(figure: Proposed, source: str) -> str:
    """The figure as the one-line flow mapping the importer writes."""
    pairs = [
        ("name", figure.name),
        ("value", number_text(figure.value)),
        ("unit", scalar(figure.unit)),
        ("source", source),
    ]
    if figure.status != "stated":
        pairs.append(("status", figure.status))
    pairs.append(("locator", scalar(figure.locator)))
    if figure.note:
        pairs.append(("note", scalar(figure.note)))
    return flow_mapping(pairs)
