"""Which vendor a dataset's maker is, and which chip of the KB a row describes.

Names are compared in a normal form: Unicode NFKC, case folded, everything but letters and digits
removed, so "NVIDIA H100 SXM5 80GB", "NVIDIA H100 (SXM5 80 GB)" and "nvidia h100 sxm5 80 gb" are one
name and "Trainium 2" is "Trainium2". A name also stands for itself without a leading vendor name
("Amazon Trainium3" for "Trainium3", "Google Cloud TPU v5e" for "TPU v5e") and for each part around a
parenthesis ("Meta MTIA v2 (MTIA 200)" for "Meta MTIA v2" and "MTIA 200").

A row matches a chip of its own vendor (or of that vendor's parent or subsidiaries), never another
vendor's, and only by a whole name: "NVIDIA H100 PCIe" is not the H100 SXM5 the KB calls "H100".
How well it matches decides between candidates: 3 for the same full name, 2 for the same name once
a vendor prefix or a parenthesis is set aside, 1 for one of the chip's aliases; and above all, 4 for
the one chip that holds the importer's figures from the row (kb.importers.plan), so a chip the
importer added and a person renamed stays the row's chip. A row that matches
two chips equally well, or a chip that two rows match equally well, is left for the mapping table.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from kb.store.knowledge import KnowledgeBase

_NOT_ALNUM = re.compile(r"[\W_]+")
_PARENTHESIS = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*(.*)$")

BY_HISTORY, BY_NAME, BY_FORM, BY_ALIAS = 4, 3, 2, 1
HOW = {BY_HISTORY: "by the figures it holds from the row", BY_NAME: "by name", BY_FORM: "by name", BY_ALIAS: "by alias"}


def norm(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def forms(name: str, prefixes: Iterable[str]) -> set[str]:
    """The normal forms a name stands for: itself, its parts around a parenthesis, and each of
    these without a leading prefix (a vendor's name or alias)."""
    names = {" ".join(name.split())}
    match = _PARENTHESIS.match(name)
    if match:
        before, inside, after = (part.strip() for part in match.groups())
        names |= {f"{before} {after}".strip(), inside}
    prefix_words = sorted({tuple(norm(w) for w in p.split()) for p in prefixes if p.strip()}, key=len, reverse=True)
    found = set()
    for each in names:
        words = each.split()
        found.add(norm(each))
        normal = [norm(w) for w in words]
        for prefix in prefix_words:
            if prefix and len(normal) > len(prefix) and tuple(normal[: len(prefix)]) == prefix:
                found.add("".join(normal[len(prefix) :]))
    found.discard("")
    return found


class Matcher:
    """The KB's vendors and chips by the names they go by."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._vendors: dict[str, set[str]] = defaultdict(set)
        self._names: dict[str, list[str]] = {}
        for vendor in kb.vendors:
            names = [vendor.name, *vendor.aliases]
            self._names[vendor.id] = names
            for name in (*names, vendor.id):
                self._vendors[norm(name)].add(vendor.id)
                match = _PARENTHESIS.match(name)
                if match and match.group(1).strip():
                    self._vendors[norm(match.group(1))].add(vendor.id)
        self._chips: dict[str, list[tuple[str, str, set[str], set[str]]]] = {}
        self._family: dict[str, set[str]] = defaultdict(set)
        for vendor in kb.vendors:
            self._family[vendor.id].add(vendor.id)
            if vendor.parent:
                self._family[vendor.id].add(vendor.parent)
                self._family[vendor.parent].add(vendor.id)

    def vendor_names(self, vendor_id: str) -> list[str]:
        return self._names.get(vendor_id, [])

    def vendor(self, maker: str) -> list[str]:
        """The ids of the vendors a maker's name is (more than one when it is ambiguous)."""
        if not maker.strip():
            return []
        found = self._vendors.get(norm(maker), set())
        if not found:
            match = _PARENTHESIS.match(maker)
            if match and match.group(1).strip():
                found = self._vendors.get(norm(match.group(1)), set())
        return sorted(found)

    def _chip_forms(self, vendor_id: str) -> list[tuple[str, str, set[str], set[str]]]:
        """For each chip of a vendor's family: id, normal name, name forms and alias forms (computed once)."""
        cached = self._chips.get(vendor_id)
        if cached is None:
            family = self._family.get(vendor_id, {vendor_id})
            prefixes = self._prefixes(vendor_id)
            cached = self._chips[vendor_id] = [
                (
                    chip.id,
                    norm(chip.name),
                    forms(chip.name, prefixes),
                    set().union(*(forms(alias, prefixes) for alias in chip.aliases)),
                )
                for chip in self.kb.chips
                if chip.vendor in family
            ]
        return cached

    def _prefixes(self, vendor_id: str) -> list[str]:
        family = self._family.get(vendor_id, {vendor_id})
        return [*(n for v in sorted(family) for n in self.vendor_names(v)), *sorted(family)]

    def chips(self, name: str, maker: str, vendor_id: str) -> list[tuple[int, str]]:
        """(how well, chip id) for each chip of the vendor's family that the name matches, best first."""
        row_full = norm(name)
        row_forms = forms(name, [maker, *self._prefixes(vendor_id)])
        found = []
        for chip_id, chip_name, name_forms, alias_forms in self._chip_forms(vendor_id):
            how = 0
            if chip_name == row_full:
                how = BY_NAME
            elif row_forms & name_forms:
                how = BY_FORM
            elif row_forms & alias_forms:
                how = BY_ALIAS
            if how:
                found.append((how, chip_id))
        found.sort(key=lambda pair: (-pair[0], pair[1]))
        return found
