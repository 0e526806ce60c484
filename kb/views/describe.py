"""An entity as plain data: its fields as loaded, and the names its references resolve to.

Used by `chipkb show --json`, the index and export, so every view of an entity agrees.
"""

from __future__ import annotations

from typing import Any

from kb.store import schema
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Entity, Link, Source, Spec, Vendor


def spec_fields(spec: Spec) -> dict[str, Any]:
    data: dict[str, Any] = {"name": spec.name}
    if spec.value is not None:
        data["value"] = spec.value
    data["unit"] = spec.unit
    data["source"] = spec.source
    if spec.status != "stated":
        data["status"] = spec.status
    if spec.locator:
        data["locator"] = spec.locator
    if spec.note:
        data["note"] = spec.note
    return data


def claim_links(kb: KnowledgeBase, claim: Claim) -> list[tuple[str, list[Link]]]:
    """A claim's links in the four directions every view shows, each with its heading: the links
    it makes (Supports, Contradicts, as written in its YAML) and the links other claims make to
    it (Supported by, Contradicted by). Each Link names the other claim."""
    return [
        ("Supports", list(claim.supports)),
        ("Contradicts", list(claim.contradicts)),
        ("Supported by", kb.supported_by(claim.id)),
        ("Contradicted by", kb.contradicted_by(claim.id)),
    ]


def link_fields(link: Link) -> dict[str, str]:
    return {"claim": link.claim, "reason": link.reason}


def entity_fields(entity: Entity) -> dict[str, Any]:
    """The entity's schema fields that hold a value, in schema order."""
    data: dict[str, Any] = {"type": entity.type}
    for field in schema.SCHEMA[entity.type]:
        value = getattr(entity, field.name)
        if field.kind == "specs":
            value = [spec_fields(s) for s in value]
        elif field.kind == "links":
            value = [link_fields(link) for link in value]
        if value in ("", [], None):
            continue
        data[field.name] = value
    return data


def resolved(kb: KnowledgeBase, entity: Entity) -> dict[str, Any]:
    """Names and details that the entity's references point at."""
    out: dict[str, Any] = {}
    if isinstance(entity, Chip):
        out["vendor_name"] = kb.title_of(entity.vendor)
        if entity.foundry:
            out["foundry_name"] = kb.title_of(entity.foundry)
        out["figure_sources"] = {s.source: kb.title_of(s.source) for s in entity.specs}
        out["disputed_figures"] = sorted(kb.disputed_figures(entity))
        out["claims"] = [c.id for c in kb.claims_about(entity.id)]
    elif isinstance(entity, Claim):
        source = kb.get(entity.source)
        out["source_title"] = kb.title_of(entity.source)
        if isinstance(source, Source):
            out["source_url"] = source.url
            out["source_publisher"] = source.publisher
        out["subject_names"] = {s: kb.title_of(s) for s in entity.subjects}
        out["status"] = kb.status(entity.id)
        # incoming links only; the links this claim makes are its own `supports` / `contradicts`
        out["supported_by"] = [link_fields(link) for link in kb.supported_by(entity.id)]
        out["contradicted_by"] = [link_fields(link) for link in kb.contradicted_by(entity.id)]
    elif isinstance(entity, Vendor):
        out["chips"] = [c.id for c in kb.chips_of(entity.id)]
        out["claims"] = [c.id for c in kb.claims_about(entity.id)]
    elif isinstance(entity, Source):
        out["claims"] = [c.id for c in kb.claims_quoting(entity.id)]
    return out
