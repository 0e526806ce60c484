"""The KB schema as data: which fields each entity type has and what each must hold.

One table drives validation (`kb.store.load`), the JSON Schema for editors (`devtools.jsonschema`) and
the schema reference in `docs/schema.md`, so the three cannot drift apart.
"""

from __future__ import annotations

import re

DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
#: DATE for JSON Schema, with the calendar in it: months 01-12, and only days that exist
#: (29 February in leap years only), so an editor flags `2020-13` and `2020-02-31` as it is typed.
DATE_PATTERN = (
    "^(?:[0-9]{4}(?:-(?:0[1-9]|1[0-2]))?"
    "|[0-9]{4}-(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|[0-9]{4}-(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|[0-9]{4}-02-(?:0[1-9]|1[0-9]|2[0-8])"
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$"
)
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")
LANGUAGE_PATTERN = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

#: The longest id: every file system takes a file name of 255 bytes, and an id becomes one in an
#: export (`chips/<id>.md`, written through `.<id>.md.<16 hex digits>.tmp`), with room to spare
#: for the folders above it on systems that limit a whole path (260 characters on Windows).
MAX_ID_LENGTH = 100
#: Names Windows gives to devices: no file may be called `con.md` there, so no id may be one.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)
#: Every figure is a positive quantity (a throughput, a capacity, a power, a size, a count): its
#: value, as written in its unit, lies in this range, so that no conversion or quotient overflows.
FIGURE_MIN = 1e-6
FIGURE_MAX = 1e12
FIGURE_RANGE_TEXT = "above 0, from 0.000001 to 1000000000000"

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

    `kind` is one of: text (a string), slug, ref (one id), refs (a list of ids), links (a list
    of `{claim: ID, reason: "..."}`), strings (a list of strings), lines (a list of line
    numbers), date (YYYY, YYYY-MM or YYYY-MM-DD), number, enum, specs.

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
    return Field(
        "id",
        "slug",
        f"Global id, a lowercase slug unique across the whole KB, at most {MAX_ID_LENGTH} characters"
        " (and not a name Windows reserves: con, prn, aux, nul, com0-com9, lpt0-lpt9).",
        required=True,
    )


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
        Field(
            "acknowledged_defects",
            "lines",
            "Lines of the text's file where a repeated or cut paragraph is kept as published on purpose:"
            " the validator reports them as information, not warnings.",
        ),
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
        Field(
            "supports",
            "links",
            'Claims this one supports, each with a one-line reason: `{claim: ID, reason: "..."}`.',
            targets=("claim",),
        ),
        Field(
            "contradicts",
            "links",
            'Claims this one contradicts, each with a one-line reason: `{claim: ID, reason: "..."}`.',
            targets=("claim",),
        ),
        Field("note", "text", "What a reader should know about the claim, e.g. why no other source bears on it."),
    ),
}

SPEC_FIELDS: tuple[Field, ...] = (
    Field("name", "text", "A figure name from the controlled vocabulary (kb/store/figures.py).", required=True),
    Field(
        "value",
        "number",
        "The figure as a number (absent when not disclosed): positive, from 0.000001 to 1000000000000 in its"
        " unit. An exponent needs a dot and a sign (`1.5e+3`): YAML reads `1.5e3` as text.",
    ),
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
