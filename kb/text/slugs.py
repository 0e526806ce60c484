"""Slugs: the lowercase ids of the KB (`trainium2`, `aws-trn1-vs-p4d`), names turned into one, and
names folded for comparison (`Trn2` names what `trn2` names)."""

from __future__ import annotations

import re
import unicodedata

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
#: SLUG for JSON Schema.
SLUG_PATTERN = "^[a-z0-9][a-z0-9-]*$"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def fold_name(name: str) -> str:
    """A name as it is compared: NFKC (full-width letters as ASCII), case folded, spaces trimmed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def is_slug(text: str) -> bool:
    return SLUG.match(text) is not None


def slugify(name: str) -> str:
    """`Trainium 2 (Trn2)` -> `trainium-2-trn2`: lowercase letters and digits joined by hyphens."""
    return _NOT_SLUG.sub("-", name.lower()).strip("-")
