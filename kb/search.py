"""Searching the KB: the query language, running a query, snippets with highlights, suggestions.

The query language is whoosh's (AND, OR, NOT, "phrases", wildcards, `term~` for fuzzy) over the
text fields, plus filters: `type:`, `vendor:`, `chip:`, `kind:`, `tag:`, `lang:`, `id:` and
`year:2024` or `year:2023..2025`.  Before whoosh sees a query it is checked (one clear line for
a mistake, as a QueryError) and lightly rewritten: year ranges into whoosh's range syntax, and
the spaces inside a quoted Japanese phrase removed, since Japanese is written without them.
A chip name such as `B200 (SXM)`, `v5e` or `Trn1-vs-A100` is read as words (a hyphenated name is
a phrase), and if whoosh still cannot parse a query, it is searched again as plain words.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from whoosh import query as wq
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser, SingleQuotePlugin

from kb import schema
from kb.analysis import is_cjk, raw_tokens, stem_word
from kb.documents import FILTERS, TEXT_FIELDS, query_schema
from kb.index import DAMAGE_ERRORS, SearchIndex
from kb.terminal_safe import visible

if TYPE_CHECKING:
    from pathlib import Path

    from whoosh.searching import Searcher

SNIPPET_CHARS = 200
_CONTEXT_BEFORE = 40
_ELLIPSIS = "…"
_FIELD = re.compile(r"(?<![^\s(])([A-Za-z_]+):")
_YEAR = re.compile(r"year:([^\s()]*)")
_YEAR_VALUE = re.compile(r"(\d{4})(?:\.\.(\d{4})?)?|\.\.(\d{4})")
_SPACE = re.compile(r"\s+")
#: How alike (difflib's ratio) a suggestion must be to the word it replaces.
_SIMILAR = 0.7


class QueryError(Exception):
    """A query that cannot be searched; str(error) is one line for the user."""


class Hit:
    """One document found.  `title` and `snippet` are KB text made safe to print (control
    characters shown as escapes, whitespace collapsed); the spans index into them: `highlights`
    into `snippet`, `title_highlights` into `title`.  For a passage of a source's text, `passage`
    is its number (from 1) and `line` the line of the text it starts on.

    (This module's records are plain classes: `dataclasses`, with the `inspect` it imports, would
    cost every `chipkb search` ~10 ms.)"""

    __slots__ = ("highlights", "id", "line", "passage", "score", "snippet", "title", "title_highlights", "type")

    def __init__(
        self,
        *,
        id: str,
        type: str,
        title: str,
        score: float,
        snippet: str,
        highlights: tuple[tuple[int, int], ...],
        passage: int | None = None,
        line: int | None = None,
        title_highlights: tuple[tuple[int, int], ...] = (),
    ) -> None:
        self.id = id
        self.type = type
        self.title = title
        self.score = score
        self.snippet = snippet
        self.highlights = highlights
        self.passage = passage
        self.line = line
        self.title_highlights = title_highlights

    def __repr__(self) -> str:
        return f"Hit({self.type} {self.id!r}, passage={self.passage}, score={self.score})"


class SearchResults:
    """`total` counts every match, `hits` the best `limit`; `unmatched_terms` are the query's
    terms (as typed, or `vendor:x` for a filter) that match no document, and `suggestions` the
    nearest indexed terms for some of them."""

    __slots__ = ("hits", "query", "suggestions", "total", "unmatched_terms")

    def __init__(
        self,
        query: str,
        total: int,
        hits: list[Hit],
        unmatched_terms: list[str],
        suggestions: dict[str, list[str]],
    ) -> None:
        self.query = query
        self.total = total
        self.hits = hits
        self.unmatched_terms = unmatched_terms
        self.suggestions = suggestions


# -- checking and rewriting the query text -----------------------------------------------------


def _kinds() -> set[str]:
    return {*schema.VENDOR_KINDS, *schema.CHIP_KINDS, *schema.CLAIM_KINDS, *schema.SOURCE_KINDS}


def _check_field(name: str, value: str) -> None:
    if name not in FILTERS:
        import difflib

        close = difflib.get_close_matches(name, FILTERS, n=1)
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


def _is_cjk_char(text: str) -> bool:
    return len(text) == 1 and is_cjk(text)


def _join_cjk(phrase: str) -> str:
    """The phrase with the spaces between two CJK characters taken out: 推論 チップ is 推論チップ."""

    def gap(match: re.Match[str]) -> str:
        before, after = phrase[match.start() - 1 : match.start()], phrase[match.end() : match.end() + 1]
        return "" if _is_cjk_char(before) and _is_cjk_char(after) else match.group()

    return _SPACE.sub(gap, phrase)


def _plain_words(text: str) -> str:
    """The words of `text` with every character whoosh's syntax uses taken out."""
    return " ".join(re.sub(r"[\"'()\[\]{}:^~*?\\]", " ", text).split())


# -- running -----------------------------------------------------------------------------------


def _rewrite(query: wq.Query) -> wq.Query:
    """Three changes to what whoosh parsed.  A filter (`vendor:aws`) becomes a term of the
    `facets` field (`kb.documents`).  A lone CJK character becomes a prefix query: only the last
    character of a run is indexed alone (kb.analysis), every other one starts a bigram.  A fuzzy
    term keeps its first letter (`bandwith~` looks for one edit after the b): whoosh's fuzzy
    search walks the whole vocabulary otherwise, about ten times slower."""
    if query.is_leaf() and query.field() in FILTERS:
        return _facet(query)
    if isinstance(query, wq.FuzzyTerm):
        query.prefixlength = max(1, query.prefixlength)
        return query
    if isinstance(query, wq.Term) and query.fieldname in TEXT_FIELDS:
        text = query.text
        if isinstance(text, str) and _is_cjk_char(text):
            return wq.Prefix(query.fieldname, text, boost=query.boost)
        return query
    return query.apply(_rewrite)


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


class _Expanded:
    """The indexed terms each wildcard, prefix and fuzzy leaf stands for, found once per search
    (whoosh would otherwise walk the vocabulary again for the search, the highlights and the
    unmatched terms)."""

    def __init__(self, reader: object) -> None:
        self.reader = reader
        self.found: dict[int, list[tuple[str, str]]] = {}

    def terms(self, leaf: wq.Query) -> list[tuple[str, str]]:
        if id(leaf) not in self.found:
            self.found[id(leaf)] = [
                (fieldname, text.decode("utf-8") if isinstance(text, bytes) else str(text))
                for fieldname, text in leaf.existing_terms(self.reader, phrases=True, expand=True)  # type: ignore[arg-type]
            ]
        return self.found[id(leaf)]

    def query(self, query: wq.Query) -> wq.Query:
        """`query` with each multi-term leaf replaced by the terms it stands for."""
        if isinstance(query, wq.MultiTerm) and not isinstance(query, wq.Every):
            terms = [wq.Term(fieldname, text, boost=query.boost) for fieldname, text in self.terms(query)]
            return wq.Or(terms) if terms else wq.NullQuery
        if query.is_leaf():
            return query
        return query.apply(self.query)


class _Highlighter:
    """Which tokens of a hit's text to highlight: those the query's terms match."""

    def __init__(self) -> None:
        self.stemmed: set[str] = set()
        self.exact: set[str] = set()
        self.chars: set[str] = set()

    def spans(self, text: str) -> list[tuple[int, int]]:
        exact, chars, stemmed = self.exact, self.chars, self.stemmed
        # A stem starts with its word's first letter (kb.analysis.stem_word), so a word that starts
        # no stemmed term is never stemmed here: stemming every word of 20 hits was a third of the
        # time their highlights took in a fresh process.
        initials = {term[:1] for term in stemmed}
        found = sorted(
            (start, end)
            for term, _, start, end, is_word in raw_tokens(text, stem=False, unigrams="all")
            if term in exact
            or term in chars
            or (term[:1] in initials and (stem_word(term) if is_word else term) in stemmed)
        )
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


def snippet(
    text: str, spans: list[tuple[int, int]], width: int | None = SNIPPET_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About `width` characters of `text` (all of it when width is None) around the most
    highlighted stretch, whitespace collapsed and control characters made visible, with the
    spans' places in the result."""
    begin, end = 0, len(text)
    if width is not None and len(text) > width and len(_SPACE.sub(" ", text.strip())) > width:
        best = (0, 0)
        for start, _ in spans or [(0, 0)]:
            window = max(0, start - _CONTEXT_BEFORE)
            count = sum(1 for s, e in spans if s >= window and e <= window + width)
            if count > best[1]:
                best = (window, count)
        begin = best[0]
        space = text.find(" ", begin, begin + 15)
        if begin and space != -1 and not any(begin <= s <= space for s, _ in spans):
            begin = space + 1  # start at a word, not inside one
        end = min(len(text), begin + width)
    inside = [(max(s, begin), min(e, end)) for s, e in spans if s < end and e > begin]
    cuts = sorted({begin, end, *(point for span in inside for point in span)})
    starts, ends = {s for s, _ in inside}, {e for _, e in inside}
    out = _ELLIPSIS if begin > 0 else ""
    marks: list[tuple[int, int]] = []
    opened = 0
    for a, b in pairwise(cuts):
        piece = _SPACE.sub(" ", text[a:b])
        if piece.startswith(" ") and (not out or out.endswith(" ")):
            piece = piece[1:]
        if a in starts:
            opened = len(out)
        out += visible(piece)
        if b in ends:
            marks.append((opened, len(out)))
    result = out.rstrip()
    if end < len(text):
        result += _ELLIPSIS
    return result, tuple((s, min(e, len(result))) for s, e in marks if s < len(result))


class SearchEngine:
    """Searches one KB folder's index; open it with `SearchEngine.open(kb_root)`.

    Besides QueryError, `open`, `search` and `refresh` can raise OSError (the cache folder cannot
    be written, the disk is full) and kb.index.IndexBusy (another process has been building the
    index for ten minutes).  One engine is for one thread at a time: `refresh` closes the searcher
    that a `search` running in another thread would be using.
    """

    def __init__(self, index: SearchIndex, searcher: Searcher) -> None:
        self._index = index
        self._set(searcher)

    @classmethod
    def open(
        cls, kb_root: str | Path, notice: Callable[[str], None] | None = None, *, searches_once: bool = False
    ) -> SearchEngine:
        """Open (building or refreshing incrementally as needed) the index of kb_root. Never raises
        for a damaged index: rebuilds it and calls notice(one line).  `searches_once`: see
        kb.index.SearchIndex."""
        index = SearchIndex(kb_root, notice, searches_once=searches_once)
        return cls(index, index.open())

    def _set(self, searcher: Searcher) -> None:
        self._searcher = searcher
        parser = MultifieldParser(list(TEXT_FIELDS), query_schema(searcher.schema))
        parser.remove_plugin_class(SingleQuotePlugin)  # "Amazon's" is a word, not the start of a quote
        parser.add_plugin(FuzzyTermPlugin())
        self._parser = parser

    def refresh(self) -> bool:
        """Re-index changed files; True if anything changed."""
        searcher = self._index.refresh()
        if searcher is None:
            return False
        self._searcher.close()
        self._set(searcher)
        return True

    def close(self) -> None:
        self._searcher.close()

    def parse(self, text: str) -> wq.Query:
        """The whoosh query for `text`; raises QueryError."""
        prepared = prepare(text)
        try:
            parsed = self._parser.parse(prepared)
        except Exception:  # whoosh's parser has corner cases of its own: search the words
            words = _plain_words(prepared)
            try:
                parsed = self._parser.parse(words)
            except Exception:
                raise QueryError(f"cannot read the query {text!r}; try plain words") from None
        if parsed is wq.NullQuery or not any(leaf.field() is not None for leaf in parsed.leaves()):
            raise QueryError(f"nothing to search for in {text.strip()!r}: it has no words")
        return _rewrite(parsed)

    def search(self, query: str, *, type: str | None = None, limit: int = 20) -> SearchResults:
        parsed = self.parse(query)
        if type is not None:
            if type not in schema.ENTITY_TYPES:
                raise QueryError(f"--type {type} is not a type; use one of {', '.join(schema.ENTITY_TYPES)}")
            parsed = wq.And([parsed, wq.Term("facets", f"type:{type}")])
        try:
            return self._run(query, parsed, limit)
        except DAMAGE_ERRORS as error:
            searcher = self._index.rebuild(_error_name(error))
            self._searcher.close()
            self._set(searcher)
            return self._run(query, parsed, limit)

    def _run(self, query: str, parsed: wq.Query, limit: int) -> SearchResults:
        searcher = self._searcher
        expanded = _Expanded(searcher.reader())
        # optimize=False scores every match, so the total is exact without counting again
        results = searcher.search(expanded.query(parsed), limit=max(1, limit), optimize=False)
        total = len(results)
        highlighter = self._highlighter(parsed, expanded)
        hits = []
        for hit in results[:limit]:
            stored = hit.fields()
            body, label = stored.get("text", ""), stored.get("label", "")
            shown, marks = snippet(body, highlighter.spans(body))
            title, title_marks = snippet(label, highlighter.spans(label), width=None)
            hits.append(
                Hit(
                    id=stored["id"],
                    type=stored["type"],
                    title=title,
                    score=round(float(hit.score or 0.0), 4),
                    snippet=shown,
                    highlights=marks,
                    passage=stored.get("passage"),
                    line=stored.get("line"),
                    title_highlights=title_marks,
                )
            )
        unmatched = self._unmatched(parsed, expanded, run_phrases=total == 0)
        suggestions = self._suggestions(parsed, unmatched) if unmatched else {}
        return SearchResults(query, total, hits, unmatched, suggestions)

    def _highlighter(self, parsed: wq.Query, expanded: _Expanded) -> _Highlighter:
        highlighter = _Highlighter()
        for leaf in (leaf for group in _user_terms(parsed) for leaf in group):
            if leaf.field() not in TEXT_FIELDS:
                continue
            if isinstance(leaf, wq.Prefix) and _is_cjk_char(str(leaf.text)):
                highlighter.chars.add(str(leaf.text))
                continue
            for fieldname, word in expanded.terms(leaf):
                (highlighter.exact if fieldname == "exact" else highlighter.stemmed).add(word)
        return highlighter

    def _unmatched(self, parsed: wq.Query, expanded: _Expanded, *, run_phrases: bool) -> list[str]:
        """The query's terms, as the user would recognise them, that match no document at all.

        A phrase whose words all exist is searched only when `run_phrases` (the query found
        nothing); otherwise it counts as matched, which keeps a query with hits fast.
        """
        unmatched = []
        for leaves in _user_terms(parsed):
            if not any(self._matches_any(leaf, expanded, run_phrases) for leaf in leaves):
                term = _shown(leaves)
                if term not in unmatched:
                    unmatched.append(term)
        return unmatched

    def _matches_any(self, leaf: wq.Query, expanded: _Expanded, run_phrases: bool) -> bool:
        reader = self._searcher.reader()
        if isinstance(leaf, wq.Every):
            return bool(reader.doc_count())
        if isinstance(leaf, wq.Term):
            return bool(reader.doc_frequency(leaf.fieldname, leaf.text))
        if isinstance(leaf, wq.Phrase):
            words_exist = all(reader.doc_frequency(leaf.fieldname, w) for w in leaf.words)
            if not words_exist or not run_phrases:
                return words_exist
            return bool(self._searcher.search(leaf, limit=1).scored_length())
        return bool(expanded.terms(leaf))

    def _suggestions(self, parsed: wq.Query, unmatched: list[str]) -> dict[str, list[str]]:
        """For each unmatched term (or each unknown word of an unmatched phrase), the nearest
        indexed terms."""
        found: dict[str, list[str]] = {}
        for leaves in _user_terms(parsed):
            if _shown(leaves) not in unmatched:
                continue
            leaf = next((q for q in leaves if q.field() == "exact"), leaves[0])
            name = leaf.field()
            if name not in TEXT_FIELDS:
                close = self._close_facets(str(getattr(leaf, "text", getattr(leaf, "start", ""))))
                if close:
                    found[_shown(leaves)] = close
                continue
            words = [str(w) for w in getattr(leaf, "words", [getattr(leaf, "text", "")])]
            for word in words:
                if word.isascii() and word.isalnum() and not self._known(word):
                    close = self._close_words(word)
                    if close:
                        found[word if len(words) > 1 else _shown(leaves)] = close
        return found

    def _known(self, word: str) -> bool:
        reader = self._searcher.reader()
        return bool(reader.doc_frequency("exact", word) or reader.doc_frequency("body", stem_word(word)))

    def _close_facets(self, facet: str) -> list[str]:
        """The indexed values of a filter nearest to `facet` (`vendor:amzon`), as filters."""
        import difflib

        name, _, value = facet.partition(":")
        prefix = f"{name}:"
        values = [v.decode("utf-8")[len(prefix) :] for v in self._searcher.reader().expand_prefix("facets", prefix)]
        return [prefix + close for close in difflib.get_close_matches(value, values, n=3, cutoff=0.6)]

    def _close_words(self, word: str) -> list[str]:
        """Names (unstemmed) first, then words of the text, each as it is written in the KB; only
        those that look like the word (a short word allows one edit, a longer one two)."""
        import difflib

        word = word.lower()
        edits = 1 if len(word) <= 4 else 2
        candidates = list(self._searcher.corrector("exact").suggest(word, limit=5, maxdist=edits))
        for stem in self._searcher.corrector("body").suggest(stem_word(word), limit=5, maxdist=edits):
            written = self._written(stem)
            if written:
                candidates.append(written)
        close = []
        for candidate in candidates:
            similar = difflib.SequenceMatcher(None, word, candidate).ratio() >= _SIMILAR
            if similar and candidate != word and candidate not in close:
                close.append(candidate)
        return close[:3]

    def _written(self, stem: str) -> str | None:
        """A word of the KB whose stem is `stem`, found in the first document that holds it."""
        reader = self._searcher.reader()
        postings = reader.postings("body", stem)
        if not postings.is_active():
            return None
        text = reader.stored_fields(postings.id()).get("text", "")
        for term, _, _, _, is_word in raw_tokens(text, stem=False, unigrams="none"):
            if is_word and stem_word(term) == stem:
                return term
        return None


def _user_terms(query: wq.Query) -> Iterator[list[wq.Query]]:
    """The leaf queries grouped by the term the user typed: a word searched in every text field
    is one group; a filter is a group of its own.  Nothing under NOT."""
    if isinstance(query, wq.Not):
        return
    if isinstance(query, wq.AndNot):
        yield from _user_terms(query.a)
        return
    if query.is_leaf():
        if query.field() is not None:
            yield [query]
        return
    children = list(query.children())
    if (
        isinstance(query, wq.Or)
        and all(c.is_leaf() and c.field() in TEXT_FIELDS for c in children)
        and len({type(c) for c in children}) == 1
    ):
        yield children
        return
    for child in children:
        yield from _user_terms(child)


def _shown(leaves: list[wq.Query]) -> str:
    """A group of leaves as the user would write it (from the unstemmed exact-field leaf)."""
    leaf = next((q for q in leaves if q.field() == "exact"), leaves[0])
    if isinstance(leaf, wq.Phrase):
        words = [str(w) for w in leaf.words]
        if all(len(w) == 2 and is_cjk(w) for w in words):
            return words[0] + "".join(w[-1] for w in words[1:])
        text = '"' + " ".join(words) + '"'
    elif isinstance(leaf, wq.TermRange):  # only year: ranges are parsed; open ends are 0000 and 9999
        name, _, start = leaf.start.partition(":")
        end = leaf.end.partition(":")[2]
        return f"{name}:{'' if start == '0000' else start}..{'' if end == '9999' else end}"
    else:
        text = str(getattr(leaf, "text", leaf))
        if isinstance(leaf, wq.FuzzyTerm):
            text += "~"
        elif isinstance(leaf, wq.Prefix) and not _is_cjk_char(text):
            text += "*"
    return text  # a filter's text is already `vendor:aws`


def _error_name(error: BaseException) -> str:
    """`struct.error`, `EOFError`: what went wrong, without a message that may span lines."""
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
