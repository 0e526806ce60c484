"""Which of a chip's figures a view shows: the one rule that rank, charts and compare share.

A chip may state a figure more than once (sources disagree, or round differently).  The *preferred*
value is the first figure of that name in the chip's YAML whose status is `stated` (not an
estimate, not "not disclosed") and whose unit fits the figure.  A chip with no stated value falls
back to its first estimate, which views mark as an estimate; a chip that only says the figure is
not disclosed has no value at all.  So the order of a chip's specs in its YAML is how an editor
says which source the KB prefers.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.store.figures import FIGURES
from kb.store.model import Chip, Spec

STATED, ESTIMATE, NOT_DISCLOSED = "stated", "estimate", "not-disclosed"


@dataclass(frozen=True)
class Preferred:
    """A chip's figure as views show it."""

    #: stated, estimate or not-disclosed.
    status: str
    #: The spec whose value is shown (None when the figure is not disclosed).
    spec: Spec | None
    #: In the figure's canonical unit (None when not disclosed).
    value: float | None
    #: Every value the chip's sources give for the figure, estimates included, in canonical units.
    values: tuple[float, ...]

    @property
    def disputed(self) -> bool:
        """The sources give different values (the same test as `KnowledgeBase.disputed_figures`)."""
        return len({round(v, 6) for v in self.values}) > 1


def _usable(spec: Spec) -> bool:
    figure = FIGURES.get(spec.name)
    return figure is not None and spec.value is not None and spec.unit in figure.units


def canonical(spec: Spec) -> float:
    """A spec's value in its figure's canonical unit (the spec must have a value in an accepted unit)."""
    assert spec.value is not None
    return FIGURES[spec.name].to_canonical(spec.value, spec.unit)


def preferred(chip: Chip, name: str) -> Preferred | None:
    """The preferred value of figure `name` for `chip`, or None when the chip says nothing of it."""
    specs = [s for s in chip.specs if s.name == name]
    if not specs:
        return None
    with_values = [s for s in specs if _usable(s)]
    values = tuple(canonical(s) for s in with_values)
    stated = next((s for s in with_values if not s.is_estimate), None)
    if stated is not None:
        return Preferred(STATED, stated, canonical(stated), values)
    if with_values:
        return Preferred(ESTIMATE, with_values[0], canonical(with_values[0]), values)
    if any(s.status == NOT_DISCLOSED for s in specs):
        return Preferred(NOT_DISCLOSED, None, None, values)
    return None
