"""The knowledge base as loaded: entities by id, the problems found, and questions asked of it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kb.store.figures import FIGURES
from kb.store.load import LoadedFiles, read_kb_files
from kb.store.model import Chip, Claim, Entity, Link, Problem, Source, Spec, Vendor
from kb.store.validate import check_entities, unique_entities
from kb.store.yamlread import Limits
from kb.text.slugs import fold_name

STATUSES = ("corroborated", "contested", "unverified")


@dataclass
class KnowledgeBase:
    root: Path
    entities: dict[str, Entity] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    @property
    def vendors(self) -> list[Vendor]:
        return [e for e in self.entities.values() if isinstance(e, Vendor)]

    @property
    def chips(self) -> list[Chip]:
        return [e for e in self.entities.values() if isinstance(e, Chip)]

    @property
    def sources(self) -> list[Source]:
        return [e for e in self.entities.values() if isinstance(e, Source)]

    @property
    def claims(self) -> list[Claim]:
        return [e for e in self.entities.values() if isinstance(e, Claim)]

    @cached_property
    def _by_name(self) -> dict[str, set[str]]:
        """Every id, name and alias, folded (fold_name), with the ids of the entities it names."""
        names: dict[str, set[str]] = defaultdict(set)
        for entity in self.entities.values():
            for name in (entity.id, getattr(entity, "name", ""), *getattr(entity, "aliases", ())):
                if name:
                    names[fold_name(str(name))].add(entity.id)
        return names

    def lookup(self, name: str) -> list[Entity]:
        """The entities `name` names: the one with that id, else every entity whose id, name or
        alias it is, in any case or width (`Trn2`, `trn2`, `ＴＲＮ２`); one entity unless the name
        is ambiguous, none when nothing has it."""
        exact = self.entities.get(name)
        if exact is not None:
            return [exact]
        return [self.entities[i] for i in sorted(self._by_name.get(fold_name(name), ()))]

    def title_of(self, entity_id: str) -> str:
        entity = self.entities.get(entity_id)
        return entity.title if entity else entity_id

    @cached_property
    def _claims_by_subject(self) -> dict[str, list[Claim]]:
        index: dict[str, list[Claim]] = defaultdict(list)
        for claim in self.claims:
            for subject in claim.subjects:
                index[subject].append(claim)
        return index

    def claims_about(self, entity_id: str) -> list[Claim]:
        return list(self._claims_by_subject.get(entity_id, []))

    def claims_quoting(self, source_id: str) -> list[Claim]:
        return [c for c in self.claims if c.source == source_id]

    def chips_of(self, vendor_id: str) -> list[Chip]:
        return [c for c in self.chips if c.vendor == vendor_id]

    @cached_property
    def _incoming(self) -> dict[str, dict[str, list[Link]]]:
        """For each claim, the links other claims make to it, each naming the claim it comes from."""
        incoming: dict[str, dict[str, list[Link]]] = defaultdict(lambda: {"supports": [], "contradicts": []})
        for claim in self.claims:
            for relation in ("supports", "contradicts"):
                for link in getattr(claim, relation):
                    if link.claim != claim.id:
                        incoming[link.claim][relation].append(Link(claim.id, link.reason, link.location))
        for relations in incoming.values():
            for links in relations.values():
                links.sort(key=lambda link: link.claim)
        return incoming

    def supported_by(self, claim_id: str) -> list[Link]:
        """The claims that support `claim_id` (their `supports` names it), with their reasons."""
        return list(self._incoming.get(claim_id, {}).get("supports", []))

    def contradicted_by(self, claim_id: str) -> list[Link]:
        """The claims that contradict `claim_id` (their `contradicts` names it), with their reasons."""
        return list(self._incoming.get(claim_id, {}).get("contradicts", []))

    def status(self, claim_id: str) -> str:
        """*contested* when any claim contradicts it, else *corroborated* when any claim supports
        it, else *unverified*. Only links other claims make to it count: a claim that supports or
        contradicts another is not thereby corroborated or contested itself."""
        if self.contradicted_by(claim_id):
            return "contested"
        if self.supported_by(claim_id):
            return "corroborated"
        return "unverified"

    def disputed_figures(self, chip: Chip) -> dict[str, list[Spec]]:
        """Figures of `chip` whose sources state different values, by figure name."""
        groups: dict[str, list[Spec]] = defaultdict(list)
        for spec in chip.specs:
            if spec.value is not None and spec.name in FIGURES:
                groups[spec.name].append(spec)
        disputed = {}
        for name, specs in groups.items():
            figure = FIGURES[name]
            values = {
                round(figure.to_canonical(s.value, s.unit), 6)
                for s in specs
                if s.unit in figure.units and s.value is not None
            }
            if len(values) > 1:
                disputed[name] = specs
        return disputed


def load_kb(root: Path, limits: Limits | None = None) -> KnowledgeBase:
    """Load and check the KB in `root`; problems are returned, never raised."""
    return checked_kb(root, read_kb_files(root, limits))


def checked_kb(root: Path, loaded: LoadedFiles) -> KnowledgeBase:
    """The KB of the files read into `loaded`, checked as a whole (ids, references, excerpts)."""
    problems = list(loaded.problems)
    by_id = unique_entities(loaded.entities, problems)
    check_entities(by_id, problems)
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.message))
    return KnowledgeBase(root=root, entities=by_id, problems=problems)
