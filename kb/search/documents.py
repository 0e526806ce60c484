"""What the search index holds: its schema, and the documents made from each entity.

One document per vendor, chip and claim; a source gives one document for its title and publisher
and one per paragraph of its text, so a hit lands on a passage, not a whole article.  Every
document stores what a hit needs to be shown (id, type, title, text to cut a snippet from), so a
search never loads the KB.

A claim's document also needs a little from other entities: which subjects are chips and which
vendors, a chip's vendor, the names of its subjects, its source's date and language.  Those
"facts" are kept per entity in the index manifest, so one changed file can be re-indexed without
reading the rest of the KB.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from whoosh import fields

from kb.search.analysis import ChipTokenizer
from kb.text.slugs import slugify

if TYPE_CHECKING:  # kb.store.model is not imported at run time: `chipkb search` needs only the constants here
    from kb.store.model import Chip, Claim, Entity, Source, Vendor

#: The free-text fields a plain query word is looked up in.
TEXT_FIELDS = ("body", "exact")
#: The filters a query can use (`vendor:aws`).  They are all indexed in one field, `facets`, as
#: `vendor:aws`, `year:2024` and so on: whoosh spends as much on each field of a document as on
#: its words, and nine small filter fields made a full build a fifth slower.
FILTERS = ("type", "vendor", "chip", "kind", "tag", "lang", "year", "id")

Facts = dict[str, Any]
Document = dict[str, Any]

#: Filter values that are not also stored fields.
_FILTER_ONLY = frozenset(FILTERS) - {"id", "type"}


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.STORED(),
        type=fields.STORED(),
        file=fields.ID(),  # the YAML file a document came from: re-indexing a file deletes by it
        label=fields.STORED(),
        text=fields.STORED(),
        passage=fields.STORED(),
        line=fields.STORED(),
        # All the text, titles and names included, stemmed.  (A separate, boosted title field was
        # tried: every word then costs whoosh two posting lists at query time, for little.)
        body=fields.TEXT(analyzer=ChipTokenizer(stem=True), multitoken_query="phrase"),
        # Names (and a claim's subjects' names) as written, unstemmed: they rank name matches first.
        exact=fields.TEXT(analyzer=ChipTokenizer(stem=False), field_boost=2.0, multitoken_query="phrase"),
        facets=fields.KEYWORD(lowercase=True),
    )


def query_schema(schema: fields.Schema) -> fields.Schema:
    """What whoosh's query parser is given: the index's text fields, and each filter as a field of
    its own, so `vendor:aws` and `year:[2023 TO 2025]` parse; `kb.search.engine` then turns them into
    terms of `facets`."""
    filters: dict[str, fields.FieldType] = {name: fields.KEYWORD(lowercase=True) for name in FILTERS}
    filters["year"] = fields.ID()
    filters["id"] = fields.ID()
    return fields.Schema(**{name: schema[name] for name in TEXT_FIELDS}, **filters)


def _year(date: str) -> str | None:
    return date[:4] if len(date) >= 4 and date[:4].isdigit() else None


def _lines(*parts: str | list[str]) -> str:
    """Non-empty parts, one a line."""
    out: list[str] = []
    for part in parts:
        out.extend(p for p in (part if isinstance(part, list) else [part]) if p)
    return "\n".join(out)


def facts_of(entity: Entity) -> Facts | None:
    """What other entities' documents need to know about `entity` (None: nothing)."""
    if entity.type == "vendor":
        return {"type": "vendor", "names": [entity.name, *entity.aliases]}  # type: ignore[attr-defined]
    if entity.type == "chip":
        chip: Chip = entity  # type: ignore[assignment]
        return {"type": "chip", "vendor": chip.vendor, "names": [chip.name, *chip.aliases]}
    if entity.type == "source":
        source: Source = entity  # type: ignore[assignment]
        return {"type": "source", "year": _year(source.published), "lang": source.language.lower()}
    return None


def refs_of(entity: Entity) -> list[str]:
    """The ids whose facts the entity's documents use: a claim's subjects and source."""
    if entity.type == "claim":
        claim: Claim = entity  # type: ignore[assignment]
        return [*claim.subjects, claim.source]
    return []


def documents(entity: Entity, facts: Mapping[str, Facts], file: str) -> Iterator[Document]:
    """The documents of one entity read from `file` (its path inside the KB, with `/`)."""
    makers = {
        "vendor": lambda: [_vendor(entity)],  # type: ignore[arg-type]
        "chip": lambda: [_chip(entity)],  # type: ignore[arg-type]
        "claim": lambda: [_claim(entity, facts)],  # type: ignore[arg-type]
        "source": lambda: list(_source(entity)),  # type: ignore[arg-type]
    }
    docs = makers[entity.type]() if entity.type in makers else []
    for doc in docs:
        doc.update(id=entity.id, type=entity.type, file=file)
        doc["facets"] = " ".join(f"{name}:{value}" for name in FILTERS for value in str(doc.get(name) or "").split())
        yield {name: value for name, value in doc.items() if name not in _FILTER_ONLY and value not in (None, "", [])}


def _vendor(vendor: Vendor) -> Document:
    names = [vendor.name, *vendor.aliases]
    return {
        "label": vendor.name,
        "text": _lines(vendor.summary, vendor.strategy) or vendor.name,
        "body": _lines(names, vendor.summary, vendor.strategy, vendor.country, vendor.kind),
        "exact": _lines(names, vendor.id),
        "vendor": " ".join(filter(None, (vendor.id, vendor.parent))),
        "kind": vendor.kind,
        "lang": "en",
    }


def _figure(chip: Chip) -> list[str]:
    from kb.store.figures import FIGURES, format_spec

    lines = []
    for spec in chip.specs:
        label = FIGURES[spec.name].label if spec.name in FIGURES else spec.name
        value = format_spec(spec)
        lines.append(f"{label}: {value}" + (f" ({spec.note})" if spec.note else ""))
    return lines


def _chip(chip: Chip) -> Document:
    names = [chip.name, *chip.aliases]
    details = _lines(
        chip.family,
        f"generation {chip.generation}" if chip.generation else "",
        chip.kind,
        chip.process,
        chip.interconnect,
        chip.memory,
        chip.instances,
        _figure(chip),
    )
    return {
        "label": chip.name,
        "text": details or chip.name,
        "body": _lines(names, details),
        "exact": _lines(names, chip.id, chip.family),
        "vendor": " ".join(filter(None, (chip.vendor, chip.foundry))),
        "chip": " ".join(dict.fromkeys([chip.id, *(slugify(n) for n in names)])),
        "kind": chip.kind,
        "year": _year(chip.announced or chip.available),
        "lang": "en",
    }


def _claim(claim: Claim, facts: Mapping[str, Facts]) -> Document:
    chips = [s for s in claim.subjects if facts.get(s, {}).get("type") == "chip"]
    vendors = [s for s in claim.subjects if facts.get(s, {}).get("type") == "vendor"]
    vendors += [facts[c]["vendor"] for c in chips if facts[c].get("vendor")]
    names = [name for s in claim.subjects for name in facts.get(s, {}).get("names", [])]
    source = facts.get(claim.source, {})
    return {
        "label": claim.statement,
        "text": claim.excerpt,
        "body": _lines(claim.statement, claim.excerpt),
        "exact": _lines(names),
        "vendor": " ".join(dict.fromkeys(vendors)),
        "chip": " ".join(dict.fromkeys(chips)),
        "kind": claim.kind,
        "tag": " ".join(claim.tags),
        "lang": source.get("lang"),
        "year": _year(claim.date) or source.get("year"),
    }


def _source(source: Source) -> Iterator[Document]:
    from kb.text.passages import paragraphs

    common = {
        "label": source.title,
        "kind": source.kind,
        "lang": source.language.lower(),
        "year": _year(source.published),
    }
    yield {
        **common,
        "text": _lines(source.publisher, source.author, source.published, source.url) or source.title,
        "body": _lines(source.title, source.publisher, source.author),
        "exact": _lines(source.title, source.id),
    }
    for number, (line, paragraph) in enumerate(paragraphs(source.text), start=1):
        yield {
            **common,
            "text": paragraph,
            "body": paragraph,
            "passage": number,
            "line": source.text_first_line + line,
        }
