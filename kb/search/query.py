"""The query language: a query's text checked (one clear line for a mistake, as a QueryError) and
lightly rewritten before whoosh parses it, and what whoosh parsed adapted to the index.

Words, `AND`, `OR`, `NOT`, "phrases", wildcards and `term~` for fuzzy are whoosh's; the filters
`type:`, `vendor:`, `chip:`, `kind:`, `tag:`, `lang:`, `id:` and `year:2024` or `year:2023..2025`
are chipkb's, and so are the figure and date filters of `kb.search.figure_filter`
(`hbm-capacity>=100GB`, `announced>=2024`, `available:2023..2025`), each of which stands in the
query whoosh reads as `cmp:N` until `rewrite` puts the filter in its place.

Year ranges become whoosh's range syntax.  A run of Japanese outside quotes becomes its words
(`kb.search.analysis.query_words`: `推論に特化` is `推論 特化`), each of which must match, as
English words must; inside quotes it stays one phrase, with the spaces between Japanese
characters taken out, since Japanese is written without them.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from typing import TYPE_CHECKING

from whoosh import query as wq

from kb.search.analysis import cjk_run, is_cjk, query_words
from kb.search.documents import FILTERS, TEXT_FIELDS
from kb.store import schema

if TYPE_CHECKING:
    from kb.search.figure_filter import FilterRange

_FIELD = re.compile(r"(?<![^\s(])([A-Za-z_]+):")
_YEAR = re.compile(r"year:([^\s()]*)")
_YEAR_VALUE = re.compile(r"(\d{4})(?:\.\.(\d{4})?)?|\.\.(\d{4})")
_SPACE = re.compile(r"\s+")
_WORD_CHARS = re.compile(r"[^\W_]+")
#: A word of the query that is whoosh syntax, not text: a field, a wildcard, a fuzzy term, a boost.
_SYNTAX = re.compile(r"[:*?~^]")
#: A number run into a unit, `3nm`, `80GB`: searched as written and as two words (`3 nm`, `3-nm`).
_NUMBER_UNIT = re.compile(r"(?<![^\s(])(\d+(?:\.\d+)?)([A-Za-z]{1,6})(?=[\s)]|$)")
_OPERATORS = re.compile(r"(?<!\S)(?:AND|OR|NOT|ANDNOT|ANDMAYBE)(?!\S)")


class QueryError(Exception):
    """A query that cannot be searched; str(error) is one line for the user."""


def _kinds() -> set[str]:
    return {*schema.VENDOR_KINDS, *schema.CHIP_KINDS, *schema.CLAIM_KINDS, *schema.SOURCE_KINDS}


def _check_field(name: str, value: str) -> None:
    if name not in FILTERS:
        from kb.search.figure_filter import DATE_FIELDS, is_filter_name

        if name != "cmp" and is_filter_name(name):
            return  # a figure or date: kb.search.figure_filter checks it
        from kb.text.suggest import close_matches

        close = close_matches(name, [*FILTERS, *DATE_FIELDS])
        meant = f"did you mean {close[0]}:? " if close else ""
        fields = ", ".join(f"{n}:" for n in [*FILTERS, *DATE_FIELDS])
        raise QueryError(
            f"unknown field {name}: ({meant}fields are {fields}, and figures such as hbm-capacity>=100GB);"
            " to search for the text, quote it"
        )
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
    if value == "*":
        return "year:*"  # anything with a year (kb.search.query._facet)
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


class Prepared:
    """A query as whoosh should read it (`text`), the figure and date filters that stand in it as
    `cmp:N`, and whether it uses AND, OR or NOT (a query of plain words may come back with results
    that lack some of them: kb.search.engine), and which words came from one run of Japanese."""

    __slots__ = ("filters", "operators", "runs", "text")

    def __init__(self, text: str, filters: list[FilterRange], operators: bool, runs: list[list[str]]) -> None:
        self.text = text
        self.filters = filters
        self.operators = operators
        #: The words of each run of Japanese that became two words or more (`推論に特化`: 推論, 特化):
        #: a hit that holds them near each other ranks higher.
        self.runs = runs


#: The longest query searched: whoosh's parser tries its patterns at every character of a word,
#: so its time grows with the square of a word's length (a second for 10,000 characters).
MAX_QUERY_CHARS = 2000


def prepare(text: str) -> Prepared:
    """The query as whoosh should see it; raises QueryError for a mistake in it."""
    if not text.strip():
        raise QueryError("the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; a query has {MAX_QUERY_CHARS} at most")
    if text.count('"') % 2:
        raise QueryError('a phrase is not closed: the query has an odd number of double quotes (")')
    pieces = re.split(r'("[^"]*")', text)  # odd-numbered pieces are the quoted phrases
    operators = any(_OPERATORS.search(piece) for piece in pieces[::2])
    filters: list[FilterRange] = []
    runs: list[list[str]] = []
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
        piece = _figure_filters(piece, filters)
        piece = _YEAR.sub(_year_range, _FIELD.sub(lambda m: m.group(1).lower() + ":", piece))
        piece = _NUMBER_UNIT.sub(r'(\1\2 OR "\1 \2")', piece)
        pieces[number] = _japanese_words(piece, operators, runs)
    if depth > 0:
        raise QueryError("a '(' in the query is not closed")
    return Prepared("".join(pieces), filters, operators, runs)


def _figure_filters(piece: str, filters: list[FilterRange]) -> str:
    """`piece` with each figure or date filter (`tdp<=500W`, `available:2023..2025`) replaced by
    `cmp:N`, N its place in `filters`; `year>=2024` becomes `year:2024..`."""
    if not any(char in piece for char in "<>=") and ":" not in piece:
        return piece
    from kb.search import figure_filter

    def compared(found: re.Match[str]) -> str:
        name, operator, value = found.groups()
        if name.lower() == "year" and operator != "=" and re.fullmatch(r"\d{4}", value):
            year = int(value) + (operator == ">") - (operator == "<")
            return f"year:{year}.." if operator.startswith(">") else f"year:..{year}"
        if name.lower() in FILTERS:
            raise QueryError(
                f"{found.group()}: {name} is compared with {name}:value, e.g. {name}:{_EXAMPLES[name.lower()]}"
            )
        try:
            filters.append(figure_filter.comparison(name, operator, value, found.group()))
        except figure_filter.FilterError as error:
            raise QueryError(str(error)) from None
        return f"cmp:{len(filters) - 1}"

    def ranged(found: re.Match[str]) -> str:
        name, value = found.groups()
        if name.lower() in FILTERS or name.lower() == "cmp" or not figure_filter.is_filter_name(name):
            return found.group()
        try:
            filters.append(figure_filter.span(name, value, found.group()))
        except figure_filter.FilterError as error:
            raise QueryError(str(error)) from None
        return f"cmp:{len(filters) - 1}"

    piece = figure_filter.COMPARISON.sub(compared, piece)
    return figure_filter.RANGE.sub(ranged, piece) if ":" in piece else piece


def _japanese_words(piece: str, operators: bool, runs: list[list[str]]) -> str:
    """`piece` with each run of Japanese outside whoosh syntax replaced by its words
    (kb.search.analysis.query_words), in parentheses when the query has operators (so that
    `推論に特化 OR x` keeps its meaning)."""
    if max(piece, default="") < "\u2e80":
        return piece

    def words(found: re.Match[str]) -> str:
        normal = unicodedata.normalize("NFKC", found.group())
        found_words = [word for run in _WORD_CHARS.findall(normal) for word in _run_words(run)]
        if not found_words:
            return " "
        if len(found_words) > 1:
            runs.append(found_words)
        joined = " ".join(found_words)
        return f" ({joined}) " if operators and len(found_words) > 1 else f" {joined} "

    parts = re.split(r"(\s+)", piece)
    for number, part in enumerate(parts):
        if part and not part.isspace() and not _SYNTAX.search(part) and max(part) >= "\u2e80":
            parts[number] = cjk_run().sub(words, part)
    return "".join(parts)


def _run_words(run: str) -> list[str]:
    """The words of one \\w run of a normalised query: its Latin parts as they are, its CJK parts
    cut into words."""
    if max(run) < "\u2e80":
        return [run]
    out: list[str] = []
    done = 0
    for found in cjk_run().finditer(run):
        if found.start() > done:
            out.append(run[done : found.start()])
        out.extend(query_words(found.group()))
        done = found.end()
    if done < len(run):
        out.append(run[done:])
    return out


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


def rewrite(query: wq.Query, filters: list[FilterRange] | None = None) -> wq.Query:
    """Four changes to what whoosh parsed.  A figure or date filter's stand-in (`cmp:N`) becomes
    the filter, `filters[N]`.  A filter (`vendor:aws`) becomes a term of the
    `facets` field (`kb.search.documents`).  A lone CJK character becomes a prefix query: only the last
    character of a run is indexed alone (kb.search.analysis), every other one starts a bigram.  A fuzzy
    term keeps its first letter (`bandwith~` looks for one edit after the b): whoosh's fuzzy
    search walks the whole vocabulary otherwise, about ten times slower."""
    if query.is_leaf() and query.field() == "cmp":
        number = str(getattr(query, "text", ""))
        if not number.isdigit() or filters is None or int(number) >= len(filters):
            raise QueryError("unknown field cmp:; to search for the text, quote it")
        return wq.ConstantScoreQuery(filters[int(number)], 1.0)  # a filter selects, it does not rank
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
    return query.apply(lambda child: rewrite(child, filters))


def _facet(query: wq.Query) -> wq.Query:
    """A filter leaf as the same query on `facets`, its values prefixed with the filter's name.

    `vendor:*` is every document that has a vendor (`id:*` every document: each has a type, as it
    has an id); a wildcard, prefix or fuzzy value (`tag:supply*`) stays one, on the filter's
    values; a range's open end (`vendor:[TO c]`) is the first or last of the filter's values."""
    name = query.field()
    if isinstance(query, wq.Every):
        return wq.Prefix("facets", f"{'type' if name == 'id' else name}:")
    if isinstance(query, wq.TermRange):
        start = f"{name}:{query.start}" if query.start is not None else f"{name}:"
        end = f"{name}:{query.end}" if query.end is not None else f"{name};"  # `;` sorts right after `:`
        return wq.TermRange("facets", start, end, query.startexcl, query.endexcl)
    if isinstance(query, wq.Phrase):
        return wq.And([wq.Term("facets", f"{name}:{word}") for word in query.words])
    if not isinstance(getattr(query, "text", None), str):
        raise QueryError(f"{name}: cannot take {query}; write {name}:value, e.g. {name}:{_EXAMPLES[name]}")
    moved = copy.copy(query)
    moved.fieldname = "facets"
    moved.text = f"{name}:{query.text}"  # type: ignore[attr-defined]
    if isinstance(moved, wq.FuzzyTerm):
        moved.prefixlength = len(name) + 1 + max(1, moved.prefixlength)
    return moved
