"""What the search index holds: its schema, and the documents made from each entity.

One document per vendor, chip and claim; a source gives one document for its title and publisher
and one per paragraph of its text, so a hit lands on a passage, not a whole article (and the
search shows one row per source, its best passage first: the `group` column).  Every document
stores what a hit needs to be shown (id, type, title, text to cut a snippet from, the other
fields a word may have matched), so a search never loads the KB.

Words reach everything a person would search: a claim's tags (`supply-chain` as `supply chain`)
and kind, a chip's aliases, family, kind, vendor's names and figures' labels, each also in the
Japanese of `kb.search.synonyms` where the KB names it in English only.  Each entity's main
document also carries its names as `name:` facets (`name:trn2`, `name:tpu-v5e`), so that a query
naming an entity puts it first, and a chip's figures and dates as `fig:` and `announced:` facets
for the filters of `kb.search.figure_filter`.

A claim's document also needs a little from other entities: which subjects are chips and which
vendors, a chip's vendor and its names, the names of its subjects, its source's date and
language.  Those "facts" are kept per entity in the index manifest, so one changed file can be
re-indexed without reading the rest of the KB.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from whoosh import columns, fields, formats
from whoosh.analysis import SpaceSeparatedTokenizer

from kb.search.analysis import ChipTokenizer, name_key, stemmed_away
from kb.search.synonyms import KINDS, TAGS, VENDORS, words_for
from kb.text.slugs import slugify

if TYPE_CHECKING:  # kb.store.model is not imported at run time: `chipkb search` needs only the constants here
    from kb.store.model import Chip, Claim, Entity, Source, Vendor

#: The free-text fields a plain query word is looked up in.
TEXT_FIELDS = ("body", "exact", "about")
#: The text fields whose words are indexed as their stems ...
STEMMED_FIELDS = ("body", "about")
#: ... and the field of their words that stemming changes, as written (`accelerators`, stemmed
#: `acceler`): a wildcard or fuzzy word of the query is compared with these words too, then
#: searched as their stems (kb.search.engine), so `acceleratox~` finds "accelerator".
WRITTEN_FIELD = "written"
#: The filters a query can use (`vendor:aws`).  They are all indexed in one field, `facets`, as
#: `vendor:aws`, `year:2024` and so on: whoosh spends as much on each field of a document as on
#: its words, and nine small filter fields made a full build a fifth slower.
FILTERS = ("type", "vendor", "chip", "kind", "tag", "lang", "year", "id")

Facts = dict[str, Any]
Document = dict[str, Any]
#: What a hit may have matched besides its text and title: (what it is, as shown), e.g.
#: ("alias", "Trn2"), ("tag", "supply-chain (サプライチェーン, 供給網)").
Meta = list[tuple[str, str]]

#: Filter values that are not also stored fields.
_FILTER_ONLY = frozenset(FILTERS) - {"id", "type"}
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.STORED(),
        type=fields.STORED(),
        file=fields.ID(),  # the YAML file a document came from: re-indexing a file deletes by it
        label=fields.STORED(),
        text=fields.STORED(),
        passage=fields.STORED(),
        line=fields.STORED(),
        meta=fields.STORED(),
        figures=fields.STORED(),  # a chip's values: (figure, canonical value, estimate?, as shown), and dates
        # A source's id on its documents (empty elsewhere): a search shows a source once, at its
        # best passage, and counts the others.  Few distinct values: whoosh keeps one copy of each.
        group=fields.ID(sortable=columns.RefBytesColumn()),
        # All the text, titles and names included, stemmed.  (A separate, boosted title field was
        # tried: every word then costs whoosh two posting lists at query time, for little.)
        body=fields.TEXT(analyzer=ChipTokenizer(stem=True), multitoken_query="phrase"),
        # Names (and a claim's subjects' names) as written, unstemmed: they rank name matches first.
        exact=fields.TEXT(analyzer=ChipTokenizer(stem=False), field_boost=2.0, multitoken_query="phrase"),
        # What describes an entity without being its text: a claim's tags and kind, a chip's
        # vendor and kind, each with its words in the other language (kb.search.synonyms).  Worth
        # less than the text: a claim that says 垂直統合 ranks above one only tagged with it.
        about=_unscored(fields.TEXT(analyzer=ChipTokenizer(stem=True), field_boost=0.5, multitoken_query="phrase")),
        facets=fields.KEYWORD(lowercase=True),
        # Only looked up (WRITTEN_FIELD), never searched: the words `documents` lists, whether a
        # document holds each, no counts or positions, no lengths.
        written=fields.FieldType(formats.Existence(), SpaceSeparatedTokenizer()),
    )


def _unscored(field: fields.TEXT) -> fields.TEXT:
    """A field scored by how often a word occurs in it (half a point each, with field_boost 0.5),
    not by BM25: whoosh keeps no lengths for it, so a search reads none for each document it
    matches (tags are a few words long anyway)."""
    field.scorable = False
    return field


def query_schema(schema: fields.Schema) -> fields.Schema:
    """What whoosh's query parser is given: the index's text fields, and each filter as a field of
    its own, so `vendor:aws` and `year:[2023 TO 2025]` parse; `kb.search.engine` then turns them into
    terms of `facets`.  `cmp` stands for a figure or date filter, which kb.search.query puts in
    place of `hbm-capacity>=100GB` before whoosh reads the query."""
    filters: dict[str, fields.FieldType] = {name: fields.KEYWORD(lowercase=True) for name in FILTERS}
    filters["year"] = fields.ID()
    filters["id"] = fields.ID()
    filters["cmp"] = fields.ID()
    return fields.Schema(**{name: schema[name] for name in TEXT_FIELDS}, **filters)


def _year(date: str) -> str | None:
    return date[:4] if len(date) >= 4 and date[:4].isdigit() else None


def _lines(*parts: str | list[str]) -> str:
    """Non-empty parts, one a line."""
    out: list[str] = []
    for part in parts:
        out.extend(p for p in (part if isinstance(part, list) else [part]) if p)
    return "\n".join(out)


def _labelled(key: str, table: dict[str, tuple[str, ...]]) -> str:
    """`supply-chain (サプライチェーン, 供給網)`: a slug with its words in the other language."""
    extra = table.get(key, ())
    return f"{key} ({', '.join(extra)})" if extra else key


def _words(keys: list[str], table: dict[str, tuple[str, ...]]) -> list[str]:
    return [word for key in keys if key for word in words_for(table, key)]


def facts_of(entity: Entity) -> Facts | None:
    """What other entities' documents need to know about `entity` (None: nothing)."""
    if entity.type == "vendor":
        vendor: Vendor = entity  # type: ignore[assignment]
        return {"type": "vendor", "names": [vendor.name, *vendor.aliases, *VENDORS.get(vendor.id, ())]}
    if entity.type == "chip":
        chip: Chip = entity  # type: ignore[assignment]
        return {"type": "chip", "vendor": chip.vendor, "names": [chip.name, *chip.aliases]}
    if entity.type == "source":
        source: Source = entity  # type: ignore[assignment]
        return {"type": "source", "year": _year(source.published), "lang": source.language.lower()}
    return None


def refs_of(entity: Entity) -> list[str]:
    """The ids whose facts the entity's documents use: a claim's subjects and source, a chip's
    vendor (its names are words of the chip)."""
    if entity.type == "claim":
        claim: Claim = entity  # type: ignore[assignment]
        return [*claim.subjects, claim.source]
    if entity.type == "chip":
        return [entity.vendor] if entity.vendor else []  # type: ignore[attr-defined]
    return []


def file_key(rel: str) -> str:
    """The `file` field of the documents read from the KB file `rel`, and the term that deletes
    them: the path as text whoosh can encode.  A file name that is not UTF-8 reaches Python with
    surrogate escapes (`x\\udcff.yaml`), which whoosh cannot encode; its bytes are written as
    backslash escapes instead (`x\\xff.yaml`), one key per name."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def documents(
    entity: Entity, facts: Mapping[str, Facts], file: str, written: set[str] | None = None
) -> Iterator[Document]:
    """The documents of one entity read from `file` (its path inside the KB, with `/`).

    WRITTEN_FIELD is only looked up, never searched, so a word in it need be held by one document
    of each file only (the file's documents are deleted and indexed together): `written` holds
    the words that documents of `file` already carry, kept by a caller that indexes a whole file,
    and is updated; by default, a word is carried once per entity (a source's passages)."""
    carried: set[str] = set() if written is None else written
    makers = {
        "vendor": lambda: [_vendor(entity)],  # type: ignore[arg-type]
        "chip": lambda: [_chip(entity, facts)],  # type: ignore[arg-type]
        "claim": lambda: [_claim(entity, facts)],  # type: ignore[arg-type]
        "source": lambda: list(_source(entity)),  # type: ignore[arg-type]
    }
    docs = makers[entity.type]() if entity.type in makers else []
    key = file_key(file)
    for number, doc in enumerate(docs):
        doc.update(id=entity.id, type=entity.type, file=key)
        facets = [f"{name}:{value}" for name in FILTERS for value in str(doc.get(name) or "").split()]
        if number == 0:  # the entity's main document: the one its names find (its id is an `id:` facet already)
            names = dict.fromkeys(name_key(name) for name in doc.pop("names", []))
            facets += [f"name:{key}" for key in names if key and key != entity.id]
        facets += doc.pop("more_facets", [])
        doc["facets"] = " ".join(facets)
        fresh = [
            word for word in stemmed_away(_lines(*(doc.get(n, "") for n in STEMMED_FIELDS))) if word not in carried
        ]
        carried.update(fresh)
        doc[WRITTEN_FIELD] = " ".join(fresh)
        doc.pop("names", None)
        yield {name: value for name, value in doc.items() if name not in _FILTER_ONLY and value not in (None, "", [])}


def _vendor(vendor: Vendor) -> Document:
    names = [vendor.name, *vendor.aliases]
    japanese = list(VENDORS.get(vendor.id, ()))
    meta: Meta = [("alias", alias) for alias in vendor.aliases]
    meta += [("name", name) for name in japanese]
    meta.append(("kind", _labelled(vendor.kind, KINDS)))
    return {
        "label": vendor.name,
        "text": _lines(vendor.summary, vendor.strategy) or vendor.name,
        "body": _lines(names, vendor.summary, vendor.strategy, vendor.country),
        "exact": _lines(names, japanese, vendor.id),
        "about": _lines(_words([vendor.kind], KINDS)),
        "vendor": " ".join(filter(None, (vendor.id, vendor.parent))),
        "kind": vendor.kind,
        "lang": "en",
        "meta": meta,
        "names": [*names, *japanese],
    }


def _figure(chip: Chip) -> list[str]:
    from kb.store.figures import FIGURES, format_spec

    lines = []
    for spec in chip.specs:
        label = FIGURES[spec.name].label if spec.name in FIGURES else spec.name
        value = format_spec(spec)
        lines.append(f"{label}: {value}" + (f" ({spec.note})" if spec.note else ""))
    return lines


def _values(chip: Chip) -> tuple[list[tuple[str, float, bool, str]], list[str]]:
    """The chip's figures that have a value, in the canonical unit, and their facets: each value
    (`fig:tdp:...`) and each figure stated (`has:tdp`, `has:hbm-capacity`, by name and by label)."""
    from kb.search.figure_filter import value_term
    from kb.store.figures import FIGURES, format_spec

    values, facets = [], []
    for spec in chip.specs:
        figure = FIGURES.get(spec.name)
        if figure is None or spec.value is None or spec.unit not in figure.units:
            continue
        canonical = figure.to_canonical(spec.value, spec.unit)
        values.append((spec.name, canonical, spec.is_estimate, f"{figure.label} {format_spec(spec)}"))
        facets.append(value_term(spec.name, canonical))
    for spec in chip.specs:  # which figures the chip states: a query that is a figure's label ranks them first
        figure = FIGURES.get(spec.name)
        facets += [f"has:{spec.name}"] + ([f"has:{name_key(figure.label)}"] if figure else [])
    return values, list(dict.fromkeys(facets))


def chip_names(chip: Chip, vendor_names: list[str]) -> list[str]:
    """What people call the chip: its name and aliases, the name without its vendor's name or
    its parenthesis (`NVIDIA H100 (SXM5 80 GB)` is also `H100 (SXM5 80 GB)` and `H100`), and
    its family with its generation (`TPU v5e`)."""
    found = [chip.name, *chip.aliases]
    for name in list(found):
        for vendor in sorted(vendor_names, key=len, reverse=True):
            if name.casefold().startswith(vendor.casefold() + " "):
                found.append(name[len(vendor) + 1 :])
                break
    found += [_PARENTHESIS.sub("", name) for name in found]
    if chip.family and chip.generation:
        found.append(f"{chip.family} {chip.generation}")
    return [name for name in dict.fromkeys(found) if name.strip()]


def _chip(chip: Chip, facts: Mapping[str, Facts]) -> Document:
    vendor_names = list(facts.get(chip.vendor, {}).get("names", [])) if chip.vendor else []
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
    values, value_facets = _values(chip)
    when = [(name, date) for name, date in (("announced", chip.announced), ("available", chip.available)) if date]
    values += [(name, None, False, f"{name} {date}") for name, date in when]
    dates = [f"{name}:{date}" for name, date in when]
    meta: Meta = [("alias", alias) for alias in chip.aliases]
    if vendor_names:
        meta.append(("vendor", ", ".join(vendor_names)))
    if chip.family:
        meta.append(("family", chip.family))
    meta.append(("kind", _labelled(chip.kind, KINDS)))
    return {
        "label": chip.name,
        "text": details or chip.name,
        "body": _lines(names, details),
        "exact": _lines(names, chip.id, chip.family),
        "about": _lines(vendor_names, _words([chip.kind], KINDS)),
        "vendor": " ".join(filter(None, (chip.vendor, chip.foundry))),
        "chip": " ".join(dict.fromkeys([chip.id, *(slugify(n) for n in names)])),
        "kind": chip.kind,
        "year": _year(chip.announced or chip.available),
        "lang": "en",
        "meta": meta,
        "figures": values,
        "names": chip_names(chip, vendor_names),
        "more_facets": value_facets + dates,
    }


def _claim(claim: Claim, facts: Mapping[str, Facts]) -> Document:
    chips = [s for s in claim.subjects if facts.get(s, {}).get("type") == "chip"]
    vendors = [s for s in claim.subjects if facts.get(s, {}).get("type") == "vendor"]
    vendors += [facts[c]["vendor"] for c in chips if facts[c].get("vendor")]
    names = [name for s in claim.subjects for name in facts.get(s, {}).get("names", [])]
    source = facts.get(claim.source, {})
    meta: Meta = [("tag", _labelled(tag, TAGS)) for tag in claim.tags]
    meta += [("about", ", ".join(facts[s]["names"])) for s in claim.subjects if facts.get(s, {}).get("names")]
    meta.append(("kind", _labelled(claim.kind, KINDS)))
    return {
        "label": claim.statement,
        "text": claim.excerpt,
        "body": _lines(claim.statement, claim.excerpt),
        "exact": _lines(names),
        "about": _lines(_words(claim.tags, TAGS), _words([claim.kind], KINDS)),
        "vendor": " ".join(dict.fromkeys(vendors)),
        "chip": " ".join(dict.fromkeys(chips)),
        "kind": claim.kind,
        "tag": " ".join(claim.tags),
        "lang": source.get("lang"),
        "year": _year(claim.date) or source.get("year"),
        "meta": meta,
    }


def _source(source: Source) -> Iterator[Document]:
    from kb.text.passages import paragraphs

    common = {
        "label": source.title,
        "kind": source.kind,
        "lang": source.language.lower(),
        "year": _year(source.published),
        "group": source.id,
    }
    meta: Meta = [
        (label, value) for label, value in (("publisher", source.publisher), ("author", source.author)) if value
    ]
    yield {
        **common,
        "text": _lines(source.publisher, source.author, source.published, source.url) or source.title,
        "body": _lines(source.title, source.publisher, source.author),
        "exact": _lines(source.title, source.id),
        "meta": meta,
        "names": [source.title],
    }
    for number, (line, paragraph) in enumerate(paragraphs(source.text), start=1):
        yield {
            **common,
            "text": paragraph,
            "body": paragraph,
            "passage": number,
            "line": source.text_first_line + line,
        }
