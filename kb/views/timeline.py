"""How the race moved: chips placed by their announcement and availability dates, and (asked for)
dated claims, in date order, one lane per vendor.

A date is kept as precise as the KB writes it (`kb.views.dates`): a chip announced in `2023` sits at
the head of 2023, before the chips of 2023-01, and no view ever shows it with a month or day it
does not have.  Events on the same date are ordered announced, available, claim, then by vendor and
name.  A claim's date is its own `date`, else its source's publication date; a claim sits in the
lane of the vendor of its first chip subject (else its first vendor subject).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Source, Vendor
from kb.views.dates import PartialDate, parse_date
from kb.views.rank import select_chips

ANNOUNCED, AVAILABLE, CLAIM = "announced", "available", "claim"
_EVENT_ORDER = {ANNOUNCED: 0, AVAILABLE: 1, CLAIM: 2}


@dataclass(frozen=True)
class Event:
    date: PartialDate
    #: announced, available or claim
    kind: str
    #: The chip's or claim's id.
    entity_id: str
    #: The chip's name, or the claim's statement.
    title: str
    vendor: str
    vendor_name: str
    #: For a claim, the chip it is about (its first chip subject), else ''.
    chip_id: str = ""

    def sort_key(self) -> tuple[PartialDate, int, str, str, str]:
        return (self.date, _EVENT_ORDER[self.kind], self.vendor_name.casefold(), self.title.casefold(), self.entity_id)


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    #: Vendor ids in the order of their first event (the app's lanes).
    lanes: tuple[str, ...]
    #: Chips kept by the filters that have neither date.
    undated: tuple[Chip, ...]


def _claim_lane(kb: KnowledgeBase, claim: Claim, chips: dict[str, Chip], vendors: set[str]) -> tuple[str, str] | None:
    """(vendor id, chip id) of the claim's lane, or None when none of its subjects is kept."""
    for subject in claim.subjects:
        chip = chips.get(subject)
        if chip is not None:
            return chip.vendor, chip.id
    for subject in claim.subjects:
        if subject in vendors and isinstance(kb.get(subject), Vendor):
            return subject, ""
    return None


def claim_date(kb: KnowledgeBase, claim: Claim) -> PartialDate | None:
    """The claim's own date, else its source's publication date."""
    if claim.date:
        return parse_date(claim.date)
    source = kb.get(claim.source)
    return parse_date(source.published) if isinstance(source, Source) else None


def timeline(
    kb: KnowledgeBase,
    *,
    vendors: Iterable[str] = (),
    families: Iterable[str] = (),
    kinds: Iterable[str] = (),
    since: int | None = None,
    claims: bool = False,
) -> Timeline:
    """The chips that pass the filters (`kb.views.rank.select_chips`) at their dates; with `claims`,
    the dated claims about them (and, without a family filter, about their vendors)."""
    vendor_list, family_list = list(vendors), list(families)
    chips = select_chips(kb, vendor_list, kinds, None, family_list)
    events: list[Event] = []
    undated: list[Chip] = []
    for chip in chips:
        vendor_name = kb.title_of(chip.vendor)
        dated = False
        for kind, text in ((ANNOUNCED, chip.announced), (AVAILABLE, chip.available)):
            date = parse_date(text)
            if date is not None:
                events.append(Event(date, kind, chip.id, chip.name, chip.vendor, vendor_name, chip.id))
                dated = True
        if not dated:
            undated.append(chip)
    if claims:
        by_id = {c.id: c for c in chips}
        kept_vendors = set() if family_list else {v.id for v in kb.vendors if not vendor_list or v.id in vendor_list}
        for claim in kb.claims:
            lane = _claim_lane(kb, claim, by_id, kept_vendors)
            date = claim_date(kb, claim)
            if lane is None or date is None:
                continue
            vendor, chip_id = lane
            events.append(Event(date, CLAIM, claim.id, claim.statement, vendor, kb.title_of(vendor), chip_id))
    if since is not None:
        events = [e for e in events if e.date.year >= since]
    events.sort(key=Event.sort_key)
    lanes = tuple(dict.fromkeys(e.vendor for e in events))
    undated.sort(key=lambda c: (c.name.casefold(), c.id))
    return Timeline(tuple(events), lanes, tuple(undated))
