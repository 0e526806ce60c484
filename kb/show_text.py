"""An entity as plain text for `chipkb show`: its fields, then what they point at."""

from __future__ import annotations

from kb.describe import entity_fields, resolved
from kb.figures import FIGURES
from kb.knowledge import KnowledgeBase
from kb.model import Chip, Claim, Entity, Spec


def format_figure(spec: Spec) -> str:
    """`190 TFLOPS`, `32 GiB (34.36 GB)` or `not disclosed`: a stated unit is never relabelled."""
    if spec.value is None:
        return "not disclosed"
    shown = f"{spec.value:g} {spec.unit}"
    figure = FIGURES.get(spec.name)
    if figure and spec.unit != figure.unit and spec.unit in figure.units:
        shown += f" ({figure.to_canonical(spec.value, spec.unit):.4g} {figure.unit})"
    return shown


def render_entity(kb: KnowledgeBase, entity: Entity) -> str:
    lines = [f"{entity.type} {entity.id}: {entity.title}"]
    fields = entity_fields(entity)
    details = resolved(kb, entity)
    for name, value in fields.items():
        if name in ("type", "id", "specs", "text"):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        lines.append(f"  {name}: {value}")
    if isinstance(entity, Chip):
        lines.append(f"  vendor name: {details['vendor_name']}")
        disputed = set(details["disputed_figures"])
        if entity.specs:
            lines.append("  figures:")
        for spec in entity.specs:
            mark = "  [sources disagree]" if spec.name in disputed else ""
            note = f" ({spec.note})" if spec.note else ""
            lines.append(f"    {spec.name}: {format_figure(spec)}{mark}  -- {kb.title_of(spec.source)}{note}")
    if isinstance(entity, Claim):
        lines.append(f"  status: {details['status']}")
        lines.append(f"  source title: {details['source_title']}")
        if details.get("source_url"):
            lines.append(f"  source url: {details['source_url']}")
        names = ", ".join(f"{name} ({sid})" for sid, name in details["subject_names"].items())
        lines.append(f"  subject names: {names}")
        for relation, label in (("supported_by", "linked in support"), ("contradicted_by", "linked in contradiction")):
            if details[relation]:
                lines.append(f"  {label}: {', '.join(details[relation])}")
    for key in ("chips", "claims"):
        if details.get(key):
            lines.append(f"  {key}: {', '.join(details[key])}")
    return "\n".join(lines)
