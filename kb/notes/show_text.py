"""An entity as plain text for `chipkb show`: its fields, then what they point at."""

from __future__ import annotations

from kb.store.figures import format_spec
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Entity
from kb.views.describe import claim_links, entity_fields, resolved


def render_entity(kb: KnowledgeBase, entity: Entity) -> str:
    lines = [f"{entity.type} {entity.id}: {entity.title}"]
    fields = entity_fields(entity)
    details = resolved(kb, entity)
    for name, value in fields.items():
        if name in ("type", "id", "specs", "text", "supports", "contradicts"):
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
            lines.append(f"    {spec.name}: {format_spec(spec)}{mark}  -- {kb.title_of(spec.source)}{note}")
    if isinstance(entity, Claim):
        lines.append(f"  status: {details['status']}")
        lines.append(f"  source title: {details['source_title']}")
        if details.get("source_url"):
            lines.append(f"  source url: {details['source_url']}")
        names = ", ".join(f"{name} ({sid})" for sid, name in details["subject_names"].items())
        lines.append(f"  subject names: {names}")
        for heading, links in claim_links(kb, entity):
            if links:
                lines.append(f"  {heading.lower()}:")
                lines += [f"    {link.claim} -- {link.reason}" for link in links]
    for key in ("chips", "claims"):
        if details.get(key):
            lines.append(f"  {key}: {', '.join(details[key])}")
    return "\n".join(lines)
