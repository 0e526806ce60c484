"""The KB schema as data: which fields each entity type has and what each must hold.

One table drives validation (`kb.store.load`), the JSON Schema for editors (`devtools.jsonschema`) and
the schema reference in `docs/schema.md`, so the three cannot drift apart.
"""

from __future__ import annotations

import re

DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
DATE_PATTERN = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")
LANGUAGE_PATTERN = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

ENTITY_TYPES = ("vendor", "chip", "source", "claim")
#: Top-level key of a KB file for each entity type.
SECTION_OF = {"vendor": "vendors", "chip": "chips", "source": "sources", "claim": "claims"}
TYPE_OF_SECTION = {section: kind for kind, section in SECTION_OF.items()}

VENDOR_KINDS = ("hyperscaler", "chip-designer", "foundry", "device-maker", "platform", "other")
CHIP_KINDS = (
    "training-accelerator",
    "inference-accelerator",
    "accelerator",
    "gpu",
    "cpu",
    "soc",
    "other",
)
CLAIM_KINDS = ("fact", "vendor-claim", "analysis", "forecast")
SOURCE_KINDS = ("primary", "secondary", "dataset")
SPEC_STATUSES = ("stated", "estimate", "not-disclosed")


class Field:
    """One field of an entity.

    `kind` is one of: text (a string), slug, ref (one id), refs (a list of ids),
    strings (a list of strings), date (YYYY, YYYY-MM or YYYY-MM-DD), number, enum, specs.

    (A plain class, not a dataclass: `chipkb search` imports this module for the entity types,
    and `dataclasses` with the `inspect` it loads would cost it ~10 ms.)
    """

    __slots__ = ("choices", "doc", "kind", "name", "required", "targets")

    def __init__(
        self,
        name: str,
        kind: str,
        doc: str,
        required: bool = False,
        targets: tuple[str, ...] = (),
        choices: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.kind = kind
        self.doc = doc
        self.required = required
        self.targets = targets
        self.choices = choices

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.kind!r})"


def _id() -> Field:
    return Field("id", "slug", "Global id, a lowercase slug unique across the whole KB.", required=True)


def _aliases() -> Field:
    return Field("aliases", "strings", "Other names users search for (e.g. Trn1).")


SCHEMA: dict[str, tuple[Field, ...]] = {
    "vendor": (
        _id(),
        Field("name", "text", "Display name.", required=True),
        _aliases(),
        Field("kind", "enum", "What sort of company it is.", required=True, choices=VENDOR_KINDS),
        Field("country", "text", "Country of headquarters."),
        Field("summary", "text", "One paragraph on its silicon strategy."),
        Field("strategy", "strings", "Strategy notes; each sourced fact belongs in a claim."),
        Field("parent", "ref", "The vendor that owns this one.", targets=("vendor",)),
        Field("sources", "refs", "Sources behind the summary and notes.", targets=("source",)),
    ),
    "chip": (
        _id(),
        Field("name", "text", "Display name.", required=True),
        _aliases(),
        Field("vendor", "ref", "The vendor that designs it.", required=True, targets=("vendor",)),
        Field("family", "text", "Product family (Trainium, TPU, Graviton, ...)."),
        Field("generation", "text", "Generation within the family (1, 2, v5e, ...)."),
        Field("kind", "enum", "What the chip is for.", required=True, choices=CHIP_KINDS),
        Field("announced", "date", "When it was announced."),
        Field("available", "date", "When customers could first use it."),
        Field("process", "text", "Process node as the vendor names it (e.g. TSMC N5)."),
        Field("foundry", "ref", "The foundry that makes it.", targets=("vendor",)),
        Field("instances", "strings", "Cloud instances that offer it (e.g. trn1.32xlarge)."),
        Field("interconnect", "text", "Chip-to-chip interconnect (e.g. NeuronLink)."),
        Field("memory", "text", "Memory type (e.g. HBM2e)."),
        Field("specs", "specs", "Figures, each with its own source."),
        Field("sources", "refs", "Sources for the dates, instances and other non-figure fields.", targets=("source",)),
    ),
    "source": (
        _id(),
        Field("title", "text", "Title as published.", required=True),
        Field("publisher", "text", "Who published it."),
        Field("author", "text", "Who wrote it."),
        Field("url", "text", "Where it can be read."),
        Field("published", "date", "Publication date."),
        Field("language", "text", "BCP 47 language tag of the text (e.g. ja, en).", required=True),
        Field("kind", "enum", "Primary (the vendor's own) or secondary.", choices=SOURCE_KINDS),
        Field("license", "text", "Licence of the quoted material, where one applies (e.g. CC BY 4.0)."),
        Field("text", "text", "Full text where we may hold it, otherwise the passages we quote."),
        Field("text_file", "text", "A sibling .md file holding the text (instead of `text`)."),
    ),
    "claim": (
        _id(),
        Field("statement", "text", "One English sentence.", required=True),
        Field("subjects", "refs", "Chips and vendors the claim is about.", required=True, targets=("chip", "vendor")),
        Field("source", "ref", "Where the claim was made.", required=True, targets=("source",)),
        Field("excerpt", "text", "Verbatim quote from the source's text, in its language.", required=True),
        Field("kind", "enum", "Fact, vendor claim, analysis or forecast.", required=True, choices=CLAIM_KINDS),
        Field("date", "date", "When the claim was made (defaults to the source's date)."),
        Field("tags", "strings", "Topic tags (lowercase slugs)."),
        Field("supports", "refs", "Claims this one supports.", targets=("claim",)),
        Field("contradicts", "refs", "Claims this one contradicts.", targets=("claim",)),
    ),
}

SPEC_FIELDS: tuple[Field, ...] = (
    Field("name", "text", "A figure name from the controlled vocabulary (kb/store/figures.py).", required=True),
    Field("value", "number", "The figure as a number (absent when not disclosed)."),
    Field("unit", "text", "A unit accepted for this figure (e.g. TFLOPS, GiB, TB/s, W).", required=True),
    Field("source", "ref", "Where the figure is stated.", required=True, targets=("source",)),
    Field(
        "status",
        "enum",
        "stated (default: the source states it), estimate (the source estimates it: a third party's"
        " figure, never shown as the vendor's) or not-disclosed (the source says it is not disclosed).",
        choices=SPEC_STATUSES,
    ),
    Field(
        "locator",
        "text",
        "Where in the source the figure stands: a page, table, row or column"
        " (e.g. row 'Google TPU v5p', column 'TDP (W)').",
    ),
    Field("note", "text", "Anything a reader needs to read the figure right."),
)


def fields_of(entity_type: str) -> dict[str, Field]:
    return {f.name: f for f in SCHEMA[entity_type]}
