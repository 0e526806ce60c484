""" "Did you mean …?": the one way chipkb suggests a name for a mistyped one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: How alike (difflib's ratio) a candidate must be to the word typed to be suggested.
CUTOFF = 0.6


def close_matches(word: str, candidates: Iterable[str], n: int = 1, cutoff: float = CUTOFF) -> list[str]:
    """Up to `n` distinct candidates most like `word` (other than `word` itself), best first."""
    unique = [candidate for candidate in dict.fromkeys(candidates) if candidate != word]
    return difflib.get_close_matches(word, unique, n=n, cutoff=cutoff)


def did_you_mean(word: str, candidates: Iterable[str], n: int = 1) -> str:
    """` (did you mean 'x'?)` or ` (did you mean 'x', 'y' or 'z'?)`, ready to end a message; or ``."""
    close = [repr(match) for match in close_matches(word, candidates, n)]
    if not close:
        return ""
    listed = close[0] if len(close) == 1 else f"{', '.join(close[:-1])} or {close[-1]}"
    return f" (did you mean {listed}?)"
