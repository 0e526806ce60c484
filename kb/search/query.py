"""The query language: a query's text checked (one clear line for a mistake, as a QueryError) and
lightly rewritten before whoosh parses it, and what whoosh parsed adapted to the index.

Words, `AND`, `OR`, `NOT`, "phrases", wildcards and `term~` for fuzzy are whoosh's; the filters
`type:`, `vendor:`, `chip:`, `kind:`, `tag:`, `lang:`, `id:` and `year:2024` or `year:2023..2025`
are chipkb's. Year ranges become whoosh's range syntax; the spaces inside a quoted Japanese phrase
are removed, since Japanese is written without them.
"""

from __future__ import annotations

import copy
import re

from whoosh import query as wq

from kb.search.analysis import is_cjk
from kb.search.documents import FILTERS, TEXT_FIELDS
from kb.store import schema

_FIELD = re.compile(r"(?<![^\s(])([A-Za-z_]+):")
_YEAR = re.compile(r"year:([^\s()]*)")
_YEAR_VALUE = re.compile(r"(\d{4})(?:\.\.(\d{4})?)?|\.\.(\d{4})")
_SPACE = re.compile(r"\s+")


class QueryError(Exception):
    """A query that cannot be searched; str(error) is one line for the user."""


def _kinds() -> set[str]:
    return {*schema.VENDOR_KINDS, *schema.CHIP_KINDS, *schema.CLAIM_KINDS, *schema.SOURCE_KINDS}


def _check_field(name: str, value: str) -> None:
    if name not in FILTERS:
        from kb.text.suggest import close_matches

        close = close_matches(name, FILTERS)
        meant = f"did you mean {close[0]}:? " if close else ""
        fields = ", ".join(f"{n}:" for n in FILTERS)
        raise QueryError(f"unknown field {name}: ({meant}fields are {fields}); to search for the text, quote it")
    if not value or value[0] in ")":
        raise QueryError(f"{name}: needs a value, e.g. {name}:{_EXAMPLES[name]}")
    plain = value.strip("()").lower()
    if name == "type" and plain not in schema.ENTITY_TYPES and not set(plain) & set("*?"):
        raise QueryError(f"type:{plain} is not a type; use one of {', '.join(schema.ENTITY_TYPES)}")
    if name == "kind" and plain not in _kinds() and not set(plain) & set("*?"):
        raise QueryError(f"kind:{plain} is not a kind; use one of {', '.join(sorted(_kinds()))}")


_EXAMPLES = {
    "type": "claim",
    "vendor": "aws",
    "chip": "trainium2",
    "kind": "forecast",
    "tag": "supply-chain",
    "lang": "ja",
    "year": "2023..2025",
    "id": "trainium2",
}


def _year_range(match: re.Match[str]) -> str:
    value = match.group(1)
    found = _YEAR_VALUE.fullmatch(value)
    if not found:
        raise QueryError(f"year:{value} is not a year; write year:2024, year:2023..2025, year:2023.. or year:..2025")
    first, last, only_last = found.groups()
    if only_last:
        return f"year:[0000 TO {only_last}]"
    if ".." not in value:
        return f"year:{first}"
    if last and last < first:
        raise QueryError(f"year:{value} ends before it starts")
    return f"year:[{first} TO {last or '9999'}]"


def prepare(text: str) -> str:
    """The query as whoosh should see it; raises QueryError for a mistake in it."""
    if not text.strip():
        raise QueryError("the query is empty")
    if text.count('"') % 2:
        raise QueryError('a phrase is not closed: the query has an odd number of double quotes (")')
    pieces = re.split(r'("[^"]*")', text)  # odd-numbered pieces are the quoted phrases
    depth = 0
    for number, piece in enumerate(pieces):
        if number % 2:
            pieces[number] = _join_cjk(piece)
            continue
        for char in piece:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                raise QueryError("a ')' in the query has no '(' before it")
        for found in _FIELD.finditer(piece):
            rest = piece[found.end() :]
            value = rest.split()[0] if rest.strip() else ""
            if not rest and number + 1 < len(pieces):
                value = pieces[number + 1]  # field:"a phrase"
            _check_field(found.group(1).lower(), value)
        pieces[number] = _YEAR.sub(_year_range, _FIELD.sub(lambda m: m.group(1).lower() + ":", piece))
    if depth > 0:
        raise QueryError("a '(' in the query is not closed")
    return "".join(pieces)


def is_cjk_char(text: str) -> bool:
    return len(text) == 1 and is_cjk(text)


def _join_cjk(phrase: str) -> str:
    """The phrase with the spaces between two CJK characters taken out: 推論 チップ is 推論チップ."""

    def gap(match: re.Match[str]) -> str:
        before, after = phrase[match.start() - 1 : match.start()], phrase[match.end() : match.end() + 1]
        return "" if is_cjk_char(before) and is_cjk_char(after) else match.group()

    return _SPACE.sub(gap, phrase)


def plain_words(text: str) -> str:
    """The words of `text` with every character whoosh's syntax uses taken out."""
    return " ".join(re.sub(r"[\"'()\[\]{}:^~*?\\]", " ", text).split())


def rewrite(query: wq.Query) -> wq.Query:
    """Three changes to what whoosh parsed.  A filter (`vendor:aws`) becomes a term of the
    `facets` field (`kb.search.documents`).  A lone CJK character becomes a prefix query: only the last
    character of a run is indexed alone (kb.search.analysis), every other one starts a bigram.  A fuzzy
    term keeps its first letter (`bandwith~` looks for one edit after the b): whoosh's fuzzy
    search walks the whole vocabulary otherwise, about ten times slower."""
    if query.is_leaf() and query.field() in FILTERS:
        return _facet(query)
    if isinstance(query, wq.FuzzyTerm):
        query.prefixlength = max(1, query.prefixlength)
        return query
    if isinstance(query, wq.Term) and query.fieldname in TEXT_FIELDS:
        text = query.text
        if isinstance(text, str) and is_cjk_char(text):
            return wq.Prefix(query.fieldname, text, boost=query.boost)
        return query
    return query.apply(rewrite)


def _facet(query: wq.Query) -> wq.Query:
    """A filter leaf as the same query on `facets`, its values prefixed with the filter's name."""
    name = query.field()
    if isinstance(query, wq.TermRange):
        return wq.TermRange("facets", f"{name}:{query.start}", f"{name}:{query.end}")
    if isinstance(query, wq.Phrase):
        return wq.And([wq.Term("facets", f"{name}:{word}") for word in query.words])
    moved = copy.copy(query)
    moved.fieldname = "facets"
    moved.text = f"{name}:{query.text}"  # type: ignore[attr-defined]
    if isinstance(moved, wq.FuzzyTerm):
        moved.prefixlength = len(name) + 1 + max(1, moved.prefixlength)
    return moved
