"""The loaded KB: entities, their locations in the YAML, and problems found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple


class Location(NamedTuple):
    """A place in a KB file; line and column count from 1.

    A named tuple, not a frozen dataclass: a KB of 10,000 claims has about 90,000 of them (one for
    each field written), and a tuple is made, pickled and unpickled in half the time."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong with the KB, reported as `path:line:col: message`."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"

    @classmethod
    def at(cls, where: Location, message: str, severity: str = "error") -> Problem:
        return cls(where.path, where.line, where.col, message, severity)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        prefix = "" if self.is_error else f"{self.severity}: "
        return f"{self.path}:{self.line}:{self.col}: {prefix}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass
class Spec:
    """One figure of a chip, with its own source."""

    name: str
    unit: str
    source: str
    value: float | None = None
    status: str = "stated"
    locator: str = ""
    note: str = ""
    location: Location | None = None

    @property
    def is_estimate(self) -> bool:
        return self.status == "estimate"


@dataclass(frozen=True)
class Link:
    """A link between two claims, with why it holds. In a claim's `supports`/`contradicts`,
    `claim` is the claim linked to; in what KnowledgeBase.supported_by/contradicted_by return,
    it is the claim the link comes from."""

    claim: str
    reason: str
    location: Location | None = field(default=None, compare=False)


@dataclass
class Entity:
    """Fields shared by every entity; `where` maps field names to their places in the YAML."""

    type: ClassVar[str] = ""
    id: str
    location: Location
    where: dict[str, Location] = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        """What a person calls the entity; subclasses say which field that is."""
        return self.id

    def place(self, field_name: str) -> Location:
        """Where `field_name` is written, or the entity itself when the field is absent."""
        return self.where.get(field_name, self.location)


@dataclass
class Vendor(Entity):
    type: ClassVar[str] = "vendor"
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    kind: str = ""
    country: str = ""
    summary: str = ""
    strategy: list[str] = field(default_factory=list)
    parent: str = ""
    sources: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.name


@dataclass
class Chip(Entity):
    type: ClassVar[str] = "chip"
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    vendor: str = ""
    family: str = ""
    generation: str = ""
    kind: str = ""
    announced: str = ""
    available: str = ""
    process: str = ""
    foundry: str = ""
    instances: list[str] = field(default_factory=list)
    interconnect: str = ""
    memory: str = ""
    specs: list[Spec] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.name


@dataclass
class Source(Entity):
    type: ClassVar[str] = "source"
    title: str = ""  # type: ignore[assignment]  # a plain field here, a property elsewhere
    publisher: str = ""
    author: str = ""
    url: str = ""
    published: str = ""
    language: str = ""
    kind: str = ""
    license: str = ""
    text: str = ""
    text_file: str = ""
    acknowledged_defects: list[int] = field(default_factory=list)
    #: Where the text was read from (the YAML file, or the text_file) and the line its text starts on.
    text_path: str = field(default="", repr=False)
    text_first_line: int = field(default=1, repr=False)


@dataclass
class Claim(Entity):
    type: ClassVar[str] = "claim"
    statement: str = ""
    subjects: list[str] = field(default_factory=list)
    source: str = ""
    excerpt: str = ""
    kind: str = ""
    date: str = ""
    tags: list[str] = field(default_factory=list)
    supports: list[Link] = field(default_factory=list)
    contradicts: list[Link] = field(default_factory=list)
    note: str = ""

    @property
    def title(self) -> str:
        return self.statement


ENTITY_CLASSES: dict[str, type[Entity]] = {c.type: c for c in (Vendor, Chip, Source, Claim)}
