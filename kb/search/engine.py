"""Running a query: the engine opens a KB folder's index, parses a query (kb.search.query), finds
and ranks hits, highlights them (kb.search.snippets) and says which words matched nothing, with
suggestions.

A chip name such as `B200 (SXM)`, `v5e` or `Trn1-vs-A100` is read as words (a hyphenated name is
a phrase), and if whoosh still cannot parse a query, it is searched again as plain words.
"""

from __future__ import annotations

import threading  # whoosh imports it anyway: the engine's lock costs chipkb search nothing
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from whoosh import query as wq
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser, SingleQuotePlugin

from kb.search.analysis import is_cjk, raw_tokens, stem_word
from kb.search.documents import TEXT_FIELDS, query_schema
from kb.search.index import DAMAGE_ERRORS, SearchIndex
from kb.search.query import QueryError, is_cjk_char, plain_words, prepare, rewrite
from kb.search.snippets import Highlighter, snippet
from kb.store import schema

if TYPE_CHECKING:
    from pathlib import Path

    from whoosh.searching import Searcher

#: How alike (difflib's ratio) a suggestion must be to the word it replaces.
_SIMILAR = 0.7


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


class SearchEngine:
    """Searches one KB folder's index; open it with `SearchEngine.open(kb_root)`.

    Besides QueryError, `open`, `search` and `refresh` can raise OSError (the cache folder cannot
    be written, the disk is full) and kb.search.index.IndexBusy (another process has been building the
    index for ten minutes).  An engine may be shared between threads (the app searches in one
    and refreshes in another): `search`, `refresh` and `close` take turns on the engine's own lock,
    since whoosh's searcher is not meant for two threads at once and `refresh` replaces it.
    """

    def __init__(self, index: SearchIndex, searcher: Searcher) -> None:
        self._index = index
        self._lock = threading.Lock()
        self._set(searcher)

    @classmethod
    def open(
        cls, kb_root: str | Path, notice: Callable[[str], None] | None = None, *, searches_once: bool = False
    ) -> SearchEngine:
        """Open (building or refreshing incrementally as needed) the index of kb_root. Never raises
        for a damaged index: rebuilds it and calls notice(one line).  `searches_once`: see
        kb.search.index.SearchIndex."""
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
        with self._lock:
            searcher = self._index.refresh()
            if searcher is None:
                return False
            self._searcher.close()
            self._set(searcher)
            return True

    def close(self) -> None:
        with self._lock:
            self._searcher.close()

    def parse(self, text: str) -> wq.Query:
        """The whoosh query for `text`; raises QueryError."""
        prepared = prepare(text)
        try:
            parsed = self._parser.parse(prepared)
        except Exception:  # whoosh's parser has corner cases of its own: search the words
            words = plain_words(prepared)
            try:
                parsed = self._parser.parse(words)
            except Exception:
                raise QueryError(f"cannot read the query {text!r}; try plain words") from None
        if parsed is wq.NullQuery or not any(leaf.field() is not None for leaf in parsed.leaves()):
            raise QueryError(f"nothing to search for in {text.strip()!r}: it has no words")
        return rewrite(parsed)

    def search(self, query: str, *, type: str | None = None, limit: int = 20) -> SearchResults:
        parsed = self.parse(query)
        if type is not None:
            if type not in schema.ENTITY_TYPES:
                raise QueryError(f"--type {type} is not a type; use one of {', '.join(schema.ENTITY_TYPES)}")
            parsed = wq.And([parsed, wq.Term("facets", f"type:{type}")])
        with self._lock:
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

    def _highlighter(self, parsed: wq.Query, expanded: _Expanded) -> Highlighter:
        highlighter = Highlighter()
        for leaf in (leaf for group in _user_terms(parsed) for leaf in group):
            if leaf.field() not in TEXT_FIELDS:
                continue
            if isinstance(leaf, wq.Prefix) and is_cjk_char(str(leaf.text)):
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
        from kb.text.suggest import close_matches

        name, _, value = facet.partition(":")
        prefix = f"{name}:"
        values = [v.decode("utf-8")[len(prefix) :] for v in self._searcher.reader().expand_prefix("facets", prefix)]
        return [prefix + close for close in close_matches(value, values, n=3)]

    def _close_words(self, word: str) -> list[str]:
        """Names (unstemmed) first, then words of the text, each as it is written in the KB; only
        those that look like the word (a short word allows one edit, a longer one two)."""
        from kb.text.suggest import close_matches

        word = word.lower()
        edits = 1 if len(word) <= 4 else 2
        candidates = list(self._searcher.corrector("exact").suggest(word, limit=5, maxdist=edits))
        for stem in self._searcher.corrector("body").suggest(stem_word(word), limit=5, maxdist=edits):
            written = self._written(stem)
            if written:
                candidates.append(written)
        return close_matches(word, candidates, n=3, cutoff=_SIMILAR)

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
        elif isinstance(leaf, wq.Prefix) and not is_cjk_char(text):
            text += "*"
    return text  # a filter's text is already `vendor:aws`


def _error_name(error: BaseException) -> str:
    """`struct.error`, `EOFError`: what went wrong, without a message that may span lines."""
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
