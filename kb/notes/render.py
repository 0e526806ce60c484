"""Entities, comparisons and search results as markdown notes that Obsidian and zk open as a vault.

Pure functions from KB objects to text; `kb.notes.export` writes the text.  Each note starts with YAML
front matter (made by `yaml.safe_dump` and read back before use) and links other notes with
Obsidian wikilinks, `[[chips/trainium2|Trainium2]]`.  The same KB always gives the same bytes:
everything is sorted and nothing depends on the clock.

The escaping rules for KB text are in kb.notes.markdown.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from typing import Any

from kb.notes.markdown import block, blockquote, front_matter, inline, label, one_line, url_text
from kb.store.figures import FIGURES, format_number
from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Entity, Source, Spec, Vendor
from kb.store.schema import SECTION_OF
from kb.text.slugs import SLUG
from kb.views.compare import Cell, Comparison
from kb.views.describe import claim_links

# --- links --------------------------------------------------------------------------------------


#: Note names the vault uses for notes that are not entities' (index.md); an entity with such an
#: id is linked by its folder form, so that a link never means two notes.
RESERVED_NAMES = frozenset({"index"})


def note_target(entity_type: str, entity_id: str) -> str:
    """The path of an entity's note without `.md`: `chips/trainium2`."""
    if not SLUG.match(entity_id):
        raise ValueError(f"id {entity_id!r} is not a slug; no note can be named after it")
    return f"{SECTION_OF[entity_type]}/{entity_id}"


def link_target(entity_type: str, entity_id: str) -> str:
    """What a wikilink names for an entity's note, in Obsidian's default "shortest path when
    possible" form: the file name alone (`trainium2`), since ids are unique across the KB and so
    are the notes' names; the folder form only for a name the vault uses for another note."""
    target = note_target(entity_type, entity_id)
    return target if entity_id in RESERVED_NAMES else entity_id


def note_path(entity: Entity) -> str:
    """Where the entity's note goes, relative to the vault: e.g. `chips/trainium2.md`."""
    return note_target(entity.type, entity.id) + ".md"


def link(kb: KnowledgeBase, entity_id: str, *, in_table: bool = False) -> str:
    """A wikilink to the entity's note, or the id as text when it names nothing in the KB."""
    entity = kb.get(entity_id)
    if entity is None or not SLUG.match(entity_id):
        return inline(entity_id)
    separator = "\\|" if in_table else "|"
    return f"[[{link_target(entity.type, entity.id)}{separator}{label(entity.title) or entity.id}]]"


_WIKILINK = re.compile(r"\[\[([^\[\]|\\]+)(\\?\|)([^\[\]]*)\]\]")


def unlink_absent(note: str, present: Container[str]) -> str:
    """`note` with every wikilink whose target is not in `present` written as its label, as plain
    text: a note exported alone must not link to notes the vault does not hold."""
    return _WIKILINK.sub(lambda m: m.group(0) if m.group(1) in present else inline(m.group(3)), note)


# --- pieces shared by the notes -------------------------------------------------------------------


def _entity_front_matter(entity: Entity, extra: dict[str, Any], tags: Iterable[str] = ()) -> str:
    aliases = [one_line(a) for a in getattr(entity, "aliases", [])]
    data: dict[str, Any] = {
        "id": entity.id,
        "type": entity.type,
        "title": one_line(entity.title),
        "aliases": aliases,
        "tags": [f"chipkb/{entity.type}", *(one_line(t) for t in tags)],
    }
    data.update({k: v for k, v in extra.items() if v not in ("", [], None)})
    return front_matter(data)


def _facts(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """`- Name: value` lines for the values that are there (values already markdown)."""
    return [f"- {name}: {value}" for name, value in pairs if value]


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", f"## {title}", "", *lines] if lines else []


def _claim_item(kb: KnowledgeBase, claim: Claim) -> str:
    return f"- {link(kb, claim.id)} ({claim.kind}, {kb.status(claim.id)})"


def _claim_items(kb: KnowledgeBase, claims: Iterable[Claim]) -> list[str]:
    return [_claim_item(kb, c) for c in sorted(claims, key=lambda c: c.id)]


def _links(kb: KnowledgeBase, ids: Iterable[str]) -> str:
    return ", ".join(link(kb, i) for i in ids)


def _note(front: str, body: list[str]) -> str:
    return front + "\n" + "\n".join(body).rstrip("\n") + "\n"


class _Footnotes:
    """One numbered footnote per source, in order of first mention."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.numbers: dict[str, int] = {}

    def ref(self, source_id: str) -> str:
        number = self.numbers.setdefault(source_id, len(self.numbers) + 1)
        return f"[^{number}]"

    def definitions(self) -> list[str]:
        lines = []
        for source_id, number in self.numbers.items():
            lines.append(f"[^{number}]: {source_line(self.kb, source_id)}")
        return ["", *lines] if lines else []


def source_line(kb: KnowledgeBase, source_id: str) -> str:
    """A source named in full: link to its note, publisher, date and url."""
    source = kb.get(source_id)
    if not isinstance(source, Source):
        return inline(source_id)
    parts = [link(kb, source_id)]
    parts += [inline(p) for p in (source.publisher, source.published) if p]
    if source.url:
        parts.append(url_text(source.url))
    return ", ".join(parts)


# --- entity notes ---------------------------------------------------------------------------------


def _vendor_note(kb: KnowledgeBase, vendor: Vendor) -> str:
    front = _entity_front_matter(vendor, {"kind": vendor.kind, "country": one_line(vendor.country)})
    body = [f"# {inline(vendor.title)}", ""]
    body += _facts(
        [
            ("Kind", vendor.kind),
            ("Also called", ", ".join(inline(a) for a in vendor.aliases)),
            ("Country", inline(vendor.country)),
            ("Part of", link(kb, vendor.parent) if vendor.parent else ""),
        ]
    )
    if vendor.summary:
        body += ["", block(vendor.summary)]
    body += _section("Strategy", [f"- {inline(s)}" for s in vendor.strategy])
    chips = sorted(kb.chips_of(vendor.id), key=lambda c: c.id)
    body += _section("Chips", [f"- {link(kb, c.id)} ({c.kind})" for c in chips])
    body += _section("Claims", _claim_items(kb, kb.claims_about(vendor.id)))
    body += _section("Sources", [f"- {source_line(kb, s)}" for s in vendor.sources])
    return _note(front, body)


def _spec_row(spec: Spec, disputed: bool, footnotes: _Footnotes) -> str:
    figure = FIGURES.get(spec.name)
    name = figure.label if figure else spec.name
    value = format_number(spec.value) if spec.value is not None else "not disclosed"
    notes = (["estimate"] if spec.is_estimate else []) + (["sources disagree"] if disputed else [])
    notes += [one_line(spec.note)] if spec.note else []
    cells = [inline(name), value, inline(spec.unit), footnotes.ref(spec.source), inline("; ".join(notes))]
    return "| " + " | ".join(cells) + " |"


def _figure_order(spec: Spec) -> int:
    names = list(FIGURES)
    return names.index(spec.name) if spec.name in FIGURES else len(names)


def _spec_table(kb: KnowledgeBase, chip: Chip, footnotes: _Footnotes) -> list[str]:
    if not chip.specs:
        return []
    disputed = kb.disputed_figures(chip)
    rows = [
        _spec_row(spec, spec.name in disputed, footnotes)
        for spec in sorted(chip.specs, key=_figure_order)  # stable: a figure's specs keep their order
    ]
    header = ["| Figure | Value | Unit | Source | Note |", "| --- | ---: | --- | --- | --- |"]
    return _section("Specs", header + rows)


def _chip_note(kb: KnowledgeBase, chip: Chip) -> str:
    front = _entity_front_matter(
        chip,
        {"vendor": chip.vendor, "kind": chip.kind, "family": one_line(chip.family), "date": chip.announced},
    )
    footnotes = _Footnotes(kb)
    body = [f"# {inline(chip.title)}", ""]
    body += _facts(
        [
            ("Vendor", link(kb, chip.vendor)),
            ("Kind", chip.kind),
            ("Also called", ", ".join(inline(a) for a in chip.aliases)),
            ("Family", inline(chip.family)),
            ("Generation", inline(chip.generation)),
            ("Announced", chip.announced),
            ("Available", chip.available),
            ("Process", inline(chip.process)),
            ("Foundry", link(kb, chip.foundry) if chip.foundry else ""),
            ("Memory", inline(chip.memory)),
            ("Interconnect", inline(chip.interconnect)),
            ("Instances", ", ".join(inline(i) for i in chip.instances)),
        ]
    )
    body += _spec_table(kb, chip, footnotes)
    body += _section("Claims", _claim_items(kb, kb.claims_about(chip.id)))
    body += _section("Sources", [f"- {source_line(kb, s)}" for s in chip.sources])
    body += footnotes.definitions()
    return _note(front, body)


def _claim_note(kb: KnowledgeBase, claim: Claim) -> str:
    source = kb.get(claim.source)
    date = claim.date or (source.published if isinstance(source, Source) else "")
    url = one_line(source.url) if isinstance(source, Source) else ""
    front = _entity_front_matter(
        claim,
        {
            "kind": claim.kind,
            "date": date,
            "url": url,
            "source": claim.source,
            "subjects": list(claim.subjects),
            "status": kb.status(claim.id),
        },
        tags=claim.tags,
    )
    body = [f"# {inline(claim.statement)}", "", blockquote(claim.excerpt), ""]
    body += [f"Source: {source_line(kb, claim.source)}", ""]
    body += _facts(
        [
            ("Statement", inline(claim.statement)),
            ("Kind", claim.kind),
            ("Status", kb.status(claim.id)),
            ("Date", date),
            ("About", _links(kb, claim.subjects)),
            ("Tags", ", ".join(inline(t) for t in claim.tags)),
        ]
    )
    for heading, links in claim_links(kb, claim):
        body += _section(heading, [f"- {link(kb, other.claim)}: {inline(other.reason)}" for other in links])
    return _note(front, body)


def _source_note(kb: KnowledgeBase, source: Source) -> str:
    front = _entity_front_matter(
        source,
        {
            "kind": source.kind,
            "url": one_line(source.url),
            "date": source.published,
            "publisher": one_line(source.publisher),
            "language": source.language,
        },
    )
    body = [f"# {inline(source.title)}", ""]
    body += _facts(
        [
            ("Publisher", inline(source.publisher)),
            ("Author", inline(source.author)),
            ("Published", source.published),
            ("Language", inline(source.language)),
            ("Kind", source.kind),
            ("License", inline(source.license)),
            ("URL", url_text(source.url) if source.url else ""),
        ]
    )
    body += _section("Claims quoting it", _claim_items(kb, kb.claims_quoting(source.id)))
    if source.text.strip():
        body += _section("Text", [block(source.text)])
    return _note(front, body)


def entity_note(kb: KnowledgeBase, entity: Entity) -> str:
    """The note of one vendor, chip, claim or source."""
    if isinstance(entity, Vendor):
        return _vendor_note(kb, entity)
    if isinstance(entity, Chip):
        return _chip_note(kb, entity)
    if isinstance(entity, Claim):
        return _claim_note(kb, entity)
    if isinstance(entity, Source):
        return _source_note(kb, entity)
    raise TypeError(f"no note for a {type(entity).__name__}")


# --- notes that gather several entities -----------------------------------------------------------

_INDEX_SECTIONS = (("vendor", "Vendors"), ("chip", "Chips"), ("claim", "Claims"), ("source", "Sources"))


def index_note(kb: KnowledgeBase, entities: Iterable[Entity], comparisons: Iterable[str] = ()) -> str:
    """`index.md`: a link to each of `entities`, by type, sorted by id, then to each comparison
    note (`comparisons/<name>.md` paths) in the vault."""
    by_id = {e.id: e for e in entities}
    front = front_matter({"id": "index", "type": "index", "title": "chipkb", "aliases": [], "tags": ["chipkb/index"]})
    body = ["# chipkb", "", "Vendors, chips, claims and sources exported from the chipkb knowledge base."]
    for entity_type, title in _INDEX_SECTIONS:
        ids = sorted(i for i, e in by_id.items() if e.type == entity_type)
        body += _section(f"{title} ({len(ids)})", [f"- {link(kb, i)}" for i in ids])
    names = sorted(path.removesuffix(".md").removeprefix("comparisons/") for path in comparisons)
    body += _section(
        f"Comparisons ({len(names)})",
        [f"- [[{comparison_target(kb, name)}|{label(name.replace('-vs-', ' vs '))}]]" for name in names],
    )
    return _note(front, body)


def comparison_name(chip_ids: Sequence[str]) -> str:
    """A comparison's id, also its file name: `alpha-vs-beta`, shortened with a hash when long."""
    import hashlib

    name = "-vs-".join(dict.fromkeys(chip_ids))
    if len(name) > 120:
        digest = hashlib.sha256(name.encode()).hexdigest()[:12]
        name = f"{name[:100].rstrip('-')}-{digest}"
    return name


def comparison_target(kb: KnowledgeBase, name: str) -> str:
    """A comparison note's link target: its name, or its path where an entity has that id too."""
    return f"comparisons/{name}" if name in kb.entities or name in RESERVED_NAMES else name


def comparison_path(chip_ids: Sequence[str]) -> str:
    """Where a comparison's note goes in a vault: `comparisons/alpha-vs-beta.md`."""
    for chip_id in chip_ids:
        note_target("chip", chip_id)  # refuses an id that is not a slug
    return f"comparisons/{comparison_name(chip_ids)}.md"


def _compare_cell(cell: Cell, derived: bool, footnotes: _Footnotes) -> str:
    if cell.value is None:
        text = "not disclosed" if cell.not_disclosed else ""
    else:
        text = format_number(cell.value)
        text = f"**{text}**" if cell.best else text
        if cell.estimate:
            text += " (estimate)"
        if cell.disputed:
            text += " (disputed)"
    if not derived:
        refs = dict.fromkeys(footnotes.ref(s.source) for s in cell.specs)
        text = " ".join([text, *refs]).strip()
    return text


def _disputes(kb: KnowledgeBase, comparison: Comparison) -> list[str]:
    lines = []
    for row in comparison.rows:
        if row.derived:
            continue
        for chip, cell in zip(comparison.chips, row.cells, strict=True):
            if not cell.disputed:
                continue
            stated = "; ".join(
                f"{format_number(s.value)} {inline(s.unit)} per {link(kb, s.source)}"
                for s in cell.specs
                if s.value is not None
            )
            lines.append(f"- {link(kb, chip.id)}, {inline(row.label)}: {stated}")
    return lines


def comparison_note(kb: KnowledgeBase, comparison: Comparison) -> str:
    """The comparison as one note: the table of `kb.views.compare` (best values in bold), the sources
    of its figures as footnotes, the disputed figures in full, and the claims about each chip."""
    ids = [c.id for c in comparison.chips]
    title = " vs ".join(one_line(c.title) for c in comparison.chips)
    front = front_matter(
        {
            "id": comparison_name(ids),
            "type": "comparison",
            "title": title,
            "aliases": [],
            "tags": ["chipkb/comparison"],
            "chips": ids,
        }
    )
    footnotes = _Footnotes(kb)
    header = ["Figure", "Unit", *(link(kb, i, in_table=True) for i in ids)]
    table = ["| " + " | ".join(header) + " |", "| " + " | ".join(["---", "---"] + ["---:"] * len(ids)) + " |"]
    for row in comparison.rows:
        name = inline(row.label + (" (derived)" if row.derived else ""))
        cells = [_compare_cell(c, row.derived, footnotes) for c in row.cells]
        table.append("| " + " | ".join([name, inline(row.unit), *cells]) + " |")
    body = [f"# {inline(title)}", ""]
    if comparison.rows:
        body += [*table, "", "Values are in each row's unit; the best value of a row is in bold."]
    else:
        body += ["None of these chips has figures in the KB."]
    body += _section("Disputed figures", _disputes(kb, comparison))
    for chip in comparison.chips:
        body += ["", f"## Claims about {link(kb, chip.id)}", ""]
        body += _claim_items(kb, comparison.claims.get(chip.id, [])) or ["None in the KB."]
    body += footnotes.definitions()
    return _note(front, body)


def results_note(query: str, hits: list[tuple[str, str, str, str]]) -> str:
    """Search results as one note; each hit is (id, type, title, snippet)."""
    front = front_matter(
        {
            "id": "search",
            "type": "search",
            "title": f"Search: {one_line(query)}",
            "aliases": [],
            "tags": ["chipkb/search"],
            "query": one_line(query),
        }
    )
    body = [f"# Search: {inline(query)}", ""]
    lines = []
    for number, (hit_id, hit_type, title, snippet) in enumerate(hits, start=1):
        if hit_type in SECTION_OF and SLUG.match(hit_id):
            target = f"[[{link_target(hit_type, hit_id)}|{label(title) or hit_id}]]"
        else:
            target = inline(title or hit_id)
        text = f" — {inline(snippet)}" if one_line(snippet) else ""
        lines.append(f"{number}. {target} ({inline(hit_type)}){text}")
    body += lines or ["No results."]
    return _note(front, body)
