"""A count with its noun, for people: "1 error", "2 errors", "0 warnings"."""

from __future__ import annotations


def counted(number: int, noun: str) -> str:
    """`number` and `noun`, the noun plural unless the number is one (nouns that add an "s")."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
