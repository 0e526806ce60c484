"""Checks across entities: unique ids, references that resolve, figures from the vocabulary,
excerpts found verbatim in their source, and warnings about a source text's repeated or cut
paragraphs."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from kb.store import schema
from kb.store.figures import FIGURES, unit_error
from kb.store.model import Chip, Claim, Entity, Location, Problem, Source, Vendor
from kb.text.passages import contains_excerpt, normalise_whitespace, paragraphs
from kb.text.slugs import slugify
from kb.text.suggest import did_you_mean


def unique_entities(entities: Iterable[Entity], problems: list[Problem]) -> dict[str, Entity]:
    """Entities by id; a second entity with a taken id is reported (naming both places) and dropped."""
    by_id: dict[str, Entity] = {}
    for entity in entities:
        first = by_id.get(entity.id)
        if first is not None:
            problems.append(
                Problem.at(
                    entity.place("id"),
                    f"duplicate id {entity.id!r}: also a {first.type} at {first.place('id')}",
                )
            )
            continue
        by_id[entity.id] = entity
    return by_id


class _Checker:
    def __init__(self, by_id: dict[str, Entity], problems: list[Problem]) -> None:
        self.by_id = by_id
        self.problems = problems
        self._normalised_texts: dict[str, str] = {}
        self._finders: dict[str, ExcerptFinder] = {}

    def normalised_text(self, source: Source) -> str:
        """A source's text with whitespace normalised, computed once however many claims quote it."""
        text = self._normalised_texts.get(source.id)
        if text is None:
            text = self._normalised_texts[source.id] = normalise_whitespace(source.text)
        return text

    def finder(self, source: Source) -> ExcerptFinder:
        found = self._finders.get(source.id)
        if found is None:
            found = self._finders[source.id] = ExcerptFinder(self.normalised_text(source))
        return found

    def ref(self, where: Location, field: str, wanted: str, targets: tuple[str, ...]) -> None:
        if not wanted:
            return
        found = self.by_id.get(wanted)
        names = " or ".join(targets)
        if found is None:
            self.problems.append(
                Problem.at(where, f"{field} refers to unknown {names} {wanted!r}{self._suggestion(wanted, targets)}")
            )
        elif found.type not in targets:
            self.problems.append(Problem.at(where, f"{field} must name a {names}, but {wanted!r} is a {found.type}"))

    def _suggestion(self, wanted: str, targets: tuple[str, ...]) -> str:
        """A close id, or the id of an entity whose name or alias is what was typed."""
        candidates = [e for e in self.by_id.values() if e.type in targets]
        for entity in candidates:
            names = [getattr(entity, "name", ""), *getattr(entity, "aliases", [])]
            if any(wanted == slugify(name) for name in names if name):
                return f" (did you mean {entity.id!r}?)"
        return did_you_mean(wanted, [e.id for e in candidates])

    def entity_refs(self, entity: Entity) -> None:
        for field in schema.SCHEMA[entity.type]:
            if field.kind == "links":
                for link in getattr(entity, field.name):
                    self.ref(link.location or entity.place(field.name), field.name, link.claim, field.targets)
                continue
            if field.kind not in ("ref", "refs"):
                continue
            value = getattr(entity, field.name)
            wanted = value if isinstance(value, list) else [value]
            for item in wanted:
                self.ref(entity.place(field.name), field.name, item, field.targets)

    def chip(self, chip: Chip) -> None:
        for spec in chip.specs:
            where = spec.location or chip.location
            self.ref(where, "figure source", spec.source, ("source",))
            if spec.name not in FIGURES:
                self.problems.append(
                    Problem.at(where, f"unknown figure name {spec.name!r}{did_you_mean(spec.name, FIGURES)}")
                )
                continue
            error = unit_error(spec.name, spec.unit)
            if error:
                self.problems.append(Problem.at(where, error))

    def claim(self, claim: Claim) -> None:
        for field in ("supports", "contradicts"):
            seen: set[str] = set()
            for link in getattr(claim, field):
                where = link.location or claim.place(field)
                if link.claim == claim.id:
                    self.problems.append(Problem.at(where, f"claim {claim.id!r} {field} itself"))
                elif link.claim in seen:
                    self.problems.append(Problem.at(where, f"claim {claim.id!r} {field} {link.claim!r} twice"))
                seen.add(link.claim)
        supported = {link.claim for link in claim.supports}
        for link in claim.contradicts:
            if link.claim in supported:
                self.problems.append(
                    Problem.at(
                        link.location or claim.place("contradicts"),
                        f"claim both supports and contradicts {link.claim!r}",
                    )
                )
        source = self.by_id.get(claim.source)
        if isinstance(source, Source) and claim.excerpt and not self.finder(source).contains(claim.excerpt):
            self.problems.append(
                Problem.at(
                    claim.place("excerpt"),
                    f"excerpt not found verbatim in the text of source {source.id!r}",
                )
            )


class ExcerptFinder:
    """`contains_excerpt` on one source's normalised text, for many excerpts, in time that does not
    grow with the text's length: after the first EXCERPTS_BEFORE_INDEX excerpts, the text's
    GRAM-character runs at every STRIDE-th position are indexed, and a long enough excerpt is
    looked for only where one of its own runs stands (any excerpt of GRAM + STRIDE - 1 characters
    or more has a run at one of those positions).  100,000 claims quoting one 500 KB text: 16 s of
    scanning becomes under a second.  The answer is always `contains_excerpt`'s
    (tests/kb/store/test_excerpt_finder.py)."""

    GRAM = 12
    STRIDE = 8
    EXCERPTS_BEFORE_INDEX = 32
    #: A run found this often is too common to narrow the search: the text is scanned instead.
    MAX_CANDIDATES = 64
    #: A shorter text is always scanned: scanning it costs less than indexing it (100,000 claims
    #: quoting 2,500 texts of 4 KB, 40 claims each: indexing every text took 1.5 s more).
    MIN_TEXT = 32_768

    def __init__(self, normalised: str) -> None:
        self.text = normalised
        self.asked = 0
        self.index: dict[str, list[int]] | None = None

    def contains(self, excerpt: str) -> bool:
        wanted = normalise_whitespace(excerpt)
        self.asked += 1
        if (
            len(wanted) < self.GRAM + self.STRIDE - 1
            or self.asked <= self.EXCERPTS_BEFORE_INDEX
            or len(self.text) < self.MIN_TEXT
        ):
            return contains_excerpt(self.text, excerpt)
        if self.index is None:
            self.index = {}
            for at in range(0, len(self.text) - self.GRAM + 1, self.STRIDE):
                self.index.setdefault(self.text[at : at + self.GRAM], []).append(at)
        for offset in range(self.STRIDE):
            places = self.index.get(wanted[offset : offset + self.GRAM], ())
            if len(places) > self.MAX_CANDIDATES:
                return contains_excerpt(self.text, excerpt)
            if any(at >= offset and self.text.startswith(wanted, at - offset) for at in places):
                return True
        return False


def check_entities(by_id: dict[str, Entity], problems: list[Problem]) -> None:
    checker = _Checker(by_id, problems)
    for entity in by_id.values():
        checker.entity_refs(entity)
        if isinstance(entity, Chip):
            checker.chip(entity)
        elif isinstance(entity, Claim):
            checker.claim(entity)
        elif isinstance(entity, Source):
            problems.extend(paragraph_warnings(entity))
        elif isinstance(entity, Vendor) and entity.parent == entity.id:
            problems.append(Problem.at(entity.place("parent"), f"vendor {entity.id!r} is its own parent"))


_MIN_CUT = 4  # characters: a cut Japanese sentence can be as short as 今、AWS
_MIN_PART = 10  # characters of an earlier paragraph a fragment must repeat to be reported
_NEAR = 0.85  # similarity above which a paragraph is a reworded or damaged copy
_SENTENCE_ENDS = tuple(".!?。．！？」』)）*:：")
#: Bounds that keep the check linear in a source's length: a long text is compared with its
#: first paragraphs only (a republished article repeats its opening), and difflib gets a budget.
_MAX_EARLIER = 300
_NEAR_PER_PARAGRAPH = 3
_NEAR_PER_SOURCE = 600


class _Earlier:
    """The first paragraphs of a text, kept so later ones can be compared with them cheaply."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.kept: list[tuple[str, int]] = []
        self.by_prefix: dict[str, list[tuple[str, int]]] = {}
        self.joined = ""
        self.near_budget = _NEAR_PER_SOURCE

    def add(self, key: str, line: int) -> None:
        if key in self.seen:
            return
        self.seen[key] = line
        if len(self.kept) < _MAX_EARLIER:
            self.kept.append((key, line))
            self.by_prefix.setdefault(key[:_MIN_PART], []).append((key, line))
            self.joined += key + "\0"

    def repeat_of(self, key: str) -> tuple[str, int] | None:
        """How `key` repeats an earlier paragraph, and that paragraph's line, if it does."""
        if key in self.seen:
            return "repeats", self.seen[key]
        if len(key) >= _MIN_CUT and "\0" + key in "\0" + self.joined:
            line = next(line for text, line in self.kept if text.startswith(key))
            return "is cut short: the start of", line
        if len(key) < _MIN_PART:
            return None
        if not key.endswith(_SENTENCE_ENDS):  # a damaged copy is cut off mid-sentence
            for text, line in self.by_prefix.get(key[:_MIN_PART], [])[:_NEAR_PER_PARAGRAPH]:
                if self.near_budget <= 0:
                    break
                self.near_budget -= 1
                matcher = difflib.SequenceMatcher(None, key, text[: len(key)], autojunk=False)
                # the quick ratios are upper bounds of ratio(): most pairs stop there, cheaply
                if matcher.real_quick_ratio() >= _NEAR and matcher.quick_ratio() >= _NEAR and matcher.ratio() >= _NEAR:
                    return "is a damaged or cut copy of", line
        if key[1:] in self.joined:
            line = next(line for text, line in self.kept if key[1:] in text)
            return "repeats part of", line
        return None


def paragraph_warnings(source: Source) -> list[Problem]:
    """Warn about paragraphs that repeat an earlier one: whole, cut short, reworded, or in part.

    A source is kept as published, so these are warnings: they tell the editor which passage to
    quote (the first complete one) and the reader that the text is damaged. A defect at a line the
    source lists in `acknowledged_defects` is information instead; an acknowledged line with no
    defect is a warning, so the list cannot go stale.
    """
    warnings = []
    earlier = _Earlier()
    acknowledged = set(source.acknowledged_defects)
    found: set[int] = set()
    for line, paragraph in paragraphs(source.text):
        key = normalise_whitespace(paragraph)
        message = earlier.repeat_of(key)
        if message:
            at = source.text_first_line + line
            place = Location(source.text_path, at, 1)
            first = source.text_first_line + message[1]
            severity = "info" if at in acknowledged else "warning"
            warnings.append(Problem.at(place, f"paragraph {message[0]} the one at line {first}", severity))
            found.add(at)
        earlier.add(key, line)
    for line in sorted(acknowledged - found):
        warnings.append(
            Problem.at(
                source.place("acknowledged_defects"),
                f"acknowledged_defects lists line {line} of {source.text_path}, where no paragraph repeats"
                " or cuts an earlier one",
                "warning",
            )
        )
    return warnings
