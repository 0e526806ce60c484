"""The knowledge base as loaded: entities by id, the problems found, and questions asked of it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kb.store.figures import FIGURES
from kb.store.load import read_kb_files
from kb.store.model import Chip, Claim, Entity, Problem, Source, Spec, Vendor
from kb.store.validate import check_entities, unique_entities
from kb.store.yamlread import Limits

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
    def _links(self) -> dict[str, dict[str, set[str]]]:
        """For each claim, the claims that support it or contradict it, in either direction."""
        links: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"supports": set(), "contradicts": set()})
        for claim in self.claims:
            for relation in ("supports", "contradicts"):
                for other in getattr(claim, relation):
                    if other != claim.id and isinstance(self.entities.get(other), Claim):
                        links[claim.id][relation].add(other)
                        links[other][relation].add(claim.id)
        return links

    def linked(self, claim_id: str, relation: str) -> list[str]:
        """Claims linked to `claim_id` by `relation` ("supports" or "contradicts"), either way round."""
        return sorted(self._links.get(claim_id, {}).get(relation, set()))

    @cached_property
    def _incoming(self) -> dict[str, dict[str, set[str]]]:
        """For each claim, the claims whose `supports` / `contradicts` name it."""
        incoming: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"supports": set(), "contradicts": set()})
        for claim in self.claims:
            for relation in ("supports", "contradicts"):
                for other in getattr(claim, relation):
                    if other != claim.id:
                        incoming[other][relation].add(claim.id)
        return incoming

    def status(self, claim_id: str) -> str:
        """contested when another claim contradicts it, corroborated when another supports it,
        unverified otherwise.  Only links pointing at the claim count: the evidence that
        contradicts a claim is not itself contested by doing so."""
        links = self._incoming.get(claim_id, {})
        if links.get("contradicts"):
            return "contested"
        if links.get("supports"):
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
    loaded = read_kb_files(root, limits)
    problems = list(loaded.problems)
    by_id = unique_entities(loaded.entities, problems)
    check_entities(by_id, problems)
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.message))
    return KnowledgeBase(root=root, entities=by_id, problems=problems)
