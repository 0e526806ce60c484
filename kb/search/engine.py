"""Running a query: the engine opens a KB folder's index, parses a query (kb.search.query), finds
and ranks hits, highlights them (kb.search.snippets) and says which words matched nothing, with
suggestions.

A chip name such as `B200 (SXM)`, `v5e` or `Trn1-vs-A100` is read as words (a hyphenated name is
a phrase), and if whoosh still cannot parse a query, it is searched again as plain words.

Ranking, on top of whoosh's BM25 over the words:

- a query that names an entity (its id, name or alias, in any case or width: `Trn2`, `tpu-v5e`,
  `TPU v5e`) puts that entity first, and an entity named by part of the query (`Trn2 HBM`) ranks
  above the other hits that match as well;
- a row per entity: a source shows once, at its best passage, with how many more of its passages
  match (`Hit.more`; `search(..., passages=True)` lists them);
- no cliff: when a query of plain words finds nothing that holds them all, the results that hold
  the most of them come back (`SearchResults.partial`), each with the words it lacks
  (`Hit.missing`); a word the index has never seen is still named, with suggestions.

Each hit also says why it matched when a word matched something other than its title and text
(`Hit.reasons`: an alias, a tag, a vendor's name) and, for a figure or date filter, which of the
chip's values met it (an estimate marked as such).
"""

from __future__ import annotations

import copy
import heapq
import threading  # whoosh imports it anyway: the engine's lock costs chipkb search nothing
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from whoosh import query as wq
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser, SingleQuotePlugin

from kb.search.analysis import is_cjk, name_key, normalise, raw_tokens, stem_word
from kb.search.documents import STEMMED_FIELDS, TEXT_FIELDS, WRITTEN_FIELD, query_schema
from kb.search.index import DAMAGE_ERRORS, SearchIndex
from kb.search.query import Prepared, QueryError, is_cjk_char, plain_words, prepare, rewrite
from kb.search.snippets import Highlighter, snippet
from kb.store import schema

if TYPE_CHECKING:
    from pathlib import Path

    from whoosh.searching import Searcher

#: How alike (difflib's ratio) a suggestion must be to the word it replaces.
_SIMILAR = 0.7
#: What naming an entity adds to its score (a constant: BM25 would weigh a name by how long the
#: entity's document is): the whole query naming it puts it above any BM25 score.
NAMED = 1000.0
#: ... part of the query naming it (`Trn2` in `Trn2 HBM`), or the query naming a figure it states
#: (`HBM capacity`): above the hits whose words score alike.
NAMED_PART = 20.0
#: What a hit gains by holding the words of one run of Japanese within NEAR_SLOP positions of
#: each other, in any order (`推論に特化` and 「推論」に特化した).
NEAR = 5.0
NEAR_SLOP = 4
#: How many words in a row may make a name (`NVIDIA A100 SXM4 40 GB` has six).
_NAME_WORDS = 6
#: When no result holds every word: the score of each word a result holds, so that results with
#: more of the words always come first.
MATCHED_WORD = 100_000.0

#: What bounds a query's cost, whatever it asks (each said in `SearchResults.limits` when it applies):
#: the indexed words one wildcard, prefix or fuzzy word of the text stands for (`?*` is every word
#: of the KB: 10 s at 10k claims, scoring every posting of the index) ...
EXPANSION_LIMIT = 100
#: ... the edits a fuzzy word allows (`chip~9`) ...
MAX_EDITS = 2
#: ... the wildcard and fuzzy words of one query (more is refused, with QueryError) ...
MAX_EXPANDING = 20
#: ... the length of a word that gets "did you mean" suggestions (the edit-distance automaton of a
#: 10,000-character word took 34 s) and how many unknown words get them (each costs a walk of the
#: vocabulary: 50 fuzzy words took 40 s).
SUGGEST_MAX_CHARS = 40
SUGGEST_MAX_WORDS = 5

#: Why a hit matched, besides its title and text: (what, as shown, spans of the matched words).
Reason = tuple[str, str, tuple[tuple[int, int], ...]]


class Hit:
    """One row of results: an entity, at its best document.  `title` and `snippet` are KB text
    made safe to print (control characters shown as escapes, whitespace collapsed); the spans
    index into them: `highlights` into `snippet`, `title_highlights` into `title`.  For a passage
    of a source's text, `passage` is its number (from 1) and `line` the line of the text it starts
    on; `more` counts the source's other matching passages (`passages` lists them when asked).
    `missing` are the query's words this hit lacks (only when no hit holds them all); `reasons`
    what else matched: ("alias", "Trn2", spans), ("tag", "supply-chain (サプライチェーン)", spans),
    ("figure", "HBM capacity 96 GiB (103.08 GB)", ()).

    (This module's records are plain classes: `dataclasses`, with the `inspect` it imports, would
    cost every `chipkb search` ~10 ms.)"""

    __slots__ = (
        "highlights",
        "id",
        "line",
        "missing",
        "more",
        "passage",
        "passages",
        "real_highlights",
        "real_snippet",
        "real_title",
        "real_title_highlights",
        "reasons",
        "score",
        "snippet",
        "title",
        "title_highlights",
        "type",
    )

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
        more: int = 0,
        missing: tuple[str, ...] = (),
        reasons: tuple[Reason, ...] = (),
        passages: list[Hit] | None = None,
        real_title: str = "",
        real_title_highlights: tuple[tuple[int, int], ...] = (),
        real_snippet: str = "",
        real_highlights: tuple[tuple[int, int], ...] = (),
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
        self.more = more
        self.missing = missing
        self.reasons = reasons
        self.passages = passages
        self.real_title = real_title
        self.real_title_highlights = real_title_highlights
        self.real_snippet = real_snippet
        self.real_highlights = real_highlights

    def __repr__(self) -> str:
        return f"Hit({self.type} {self.id!r}, passage={self.passage}, score={self.score})"


class SearchResults:
    """`total` counts every row that matches (an entity once, however many of its passages
    match), `hits` the best `limit` after the first `offset`; `more` says whether any row comes
    after them; `partial` that no row holds every word of the query, so these hold the most of
    them (each hit's `missing` says which it lacks); `unmatched_terms` are the query's terms (as
    typed, or `vendor:x` for a filter) that match no document, and `suggestions` the nearest
    indexed terms for some of them; `limits` which of the limits on a query's cost applied (one
    line each: a wildcard searched for its first EXPANSION_LIMIT words, suggestions left out)."""

    __slots__ = ("hits", "limits", "offset", "partial", "query", "suggestions", "total", "unmatched_terms")

    def __init__(
        self,
        query: str,
        total: int,
        hits: list[Hit],
        unmatched_terms: list[str],
        suggestions: dict[str, list[str]],
        offset: int = 0,
        partial: bool = False,
        limits: tuple[str, ...] = (),
    ) -> None:
        self.query = query
        self.total = total
        self.hits = hits
        self.unmatched_terms = unmatched_terms
        self.suggestions = suggestions
        self.offset = offset
        self.partial = partial
        self.limits = limits

    @property
    def more(self) -> bool:
        return self.offset + len(self.hits) < self.total


class _Plan:
    """A parsed query taken apart: the filters every hit must meet, the user's words (each a
    query of its own), and the whole; `plain` when the words are only ANDed (no OR, NOT)."""

    def __init__(self, prepared: Prepared, parsed: wq.Query) -> None:
        self.prepared = prepared
        self.parsed = parsed
        children = list(parsed.children()) if isinstance(parsed, wq.And) else [parsed]
        self.filters = [c for c in children if _is_filter(c)]
        self.words = [c for c in children if not _is_filter(c)]
        self.plain = not prepared.operators
        #: The limits on the query's cost that applied (SearchResults.limits).
        self.limits: dict[str, None] = dict.fromkeys(_bound_expanding(parsed))
        if self.plain:
            # `why`, `the`, `its` in a question: a hit need not hold them
            kept = [word for word in self.words if not _is_stopword(word)]
            if kept:
                self.words = kept


#: Words of English questions that a hit need not hold (`why does AWS build its own chips`); quoted,
#: they count as any word does.
_STOPWORDS = (
    "a an and are as at be by did do does for from how in is it its of on or that the this to was what when where"
)
STOPWORDS = frozenset([*_STOPWORDS.split(), "which", "who", "why", "with"])


def _is_stopword(word: wq.Query) -> bool:
    leaves = next(_user_terms(word), [])
    return bool(leaves) and all(isinstance(q, wq.Term) and str(q.text) in STOPWORDS for q in leaves)


def _is_filter(query: wq.Query) -> bool:
    """A filter: a leaf of `facets` (or several, ANDed: `tag:"a b"`; or a figure filter)."""
    if isinstance(query, wq.ConstantScoreQuery):
        query = query.child
    if query.is_leaf():
        return query.field() == "facets"
    return isinstance(query, wq.And) and all(c.is_leaf() and c.field() == "facets" for c in query.children())


def _bound_expanding(parsed: wq.Query) -> list[str]:
    """Refuses a query with more than MAX_EXPANDING wildcard or fuzzy words of the text; gives a
    fuzzy word more than MAX_EDITS edits no more, and says so."""
    said: list[str] = []
    expanding: set[tuple[type, str]] = set()
    for leaf in parsed.leaves():
        if isinstance(leaf, wq.MultiTerm) and not isinstance(leaf, wq.Every) and leaf.field() in TEXT_FIELDS:
            expanding.add((type(leaf), str(getattr(leaf, "text", ""))))
        if isinstance(leaf, wq.FuzzyTerm) and leaf.maxdist > MAX_EDITS:
            said.append(
                f"{leaf.text}~{leaf.maxdist}: a fuzzy word allows at most {MAX_EDITS} edits; searched with {MAX_EDITS}"
            )
            leaf.maxdist = MAX_EDITS
    if len(expanding) > MAX_EXPANDING:
        raise QueryError(
            f"the query has {len(expanding)} wildcard or fuzzy words; at most {MAX_EXPANDING} are searched at once"
        )
    return said


class _Expanded:
    """The indexed terms each wildcard, prefix and fuzzy leaf stands for, found once per search
    (whoosh would otherwise walk the vocabulary again for the search, the highlights and the
    unmatched terms).  A word of the text stands for its first EXPANSION_LIMIT words at most
    (`limits` says which were cut); a filter's values are not cut, since the documents they hold,
    together, are at most the index's documents once per filter.

    In a stemmed field a word is compared with the words of the text as written, not only with
    their stems (whoosh's own expansion): `acceleratox~` is one edit from "accelerator" but four
    from its stem `acceler`, and `accelerat*` starts "accelerators" but not `acceler`.  The words it
    reaches in kb.search.documents.WRITTEN_FIELD are searched as their stems, as if typed."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.found: dict[int, list[tuple[str, str]]] = {}
        self.limits: dict[str, None] = {}

    def terms(self, leaf: wq.Query) -> list[tuple[str, str]]:
        if id(leaf) not in self.found:
            if isinstance(leaf, wq.MultiTerm) and leaf.field() in TEXT_FIELDS:
                self.found[id(leaf)] = self._words(leaf)
            else:
                self.found[id(leaf)] = [
                    (fieldname, text.decode("utf-8") if isinstance(text, bytes) else str(text))
                    for fieldname, text in leaf.existing_terms(self.reader, phrases=True, expand=True)
                ]
        return self.found[id(leaf)]

    def _reached(self, leaf: wq.MultiTerm) -> Iterator[str]:
        """The words of its field a wildcard, prefix or fuzzy leaf reaches, in alphabetical order,
        read from the lexicon as they are needed (a fuzzy leaf's, which whoosh gives in no order,
        all at once)."""
        texts = (
            text.decode("utf-8") if isinstance(text, bytes) else str(text)
            for _, text in leaf.expanded_terms(self.reader)
        )
        return iter(sorted(set(texts))) if isinstance(leaf, wq.FuzzyTerm) else texts

    def _words(self, leaf: wq.MultiTerm) -> list[tuple[str, str]]:
        """The terms of a wildcard, prefix or fuzzy word of the text: the indexed terms of its field
        it reaches and, in a stemmed field, the stems of the words as written it reaches; the first
        EXPANSION_LIMIT of those terms, in the alphabetical order of the words."""
        field = leaf.field()
        # (word, the term it is searched as, whether the field holds that term)
        reached: list[Iterator[tuple[str, str, bool]]] = [((text, text, True) for text in self._reached(leaf))]
        if field in STEMMED_FIELDS:
            in_written = copy.copy(leaf)
            in_written.fieldname = WRITTEN_FIELD  # type: ignore[attr-defined]
            reached.append((text, stem_word(text), False) for text in self._reached(in_written))
        terms: dict[str, None] = {}
        for _, term, held in heapq.merge(*reached):
            if term in terms or not (held or (field, term) in self.reader):
                continue
            if len(terms) == EXPANSION_LIMIT:
                self.limits[
                    f"{_shown([leaf])} stands for more than {EXPANSION_LIMIT} words: searched for the first"
                    f" {EXPANSION_LIMIT} in alphabetical order (make it longer to narrow it)"
                ] = None
                break
            terms[term] = None
        return [(field, term) for term in terms]

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
        cls,
        kb_root: str | Path,
        notice: Callable[[str], None] | None = None,
        *,
        searches_once: bool = False,
        stop: Callable[[], bool] | None = None,
    ) -> SearchEngine:
        """Open (building or refreshing incrementally as needed) the index of kb_root. Never raises
        for a damaged index: rebuilds it and calls notice(one line).  `searches_once` and `stop`:
        see kb.search.index.SearchIndex."""
        index = SearchIndex(kb_root, notice, searches_once=searches_once, stop=stop)
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
        return self._plan(text).parsed

    def _plan(self, text: str) -> _Plan:
        prepared = prepare(text)
        try:
            parsed = self._parser.parse(prepared.text)
        except Exception:  # whoosh's parser has corner cases of its own: search the words
            words = plain_words(prepared.text)
            try:
                parsed = self._parser.parse(words)
            except Exception:
                raise QueryError(f"cannot read the query {text!r}; try plain words") from None
        if parsed is wq.NullQuery or not any(leaf.field() is not None for leaf in parsed.leaves()):
            raise QueryError(f"nothing to search for in {text.strip()!r}: it has no words")
        return _Plan(prepared, rewrite(parsed, prepared.filters))

    def search(
        self, query: str, *, type: str | None = None, limit: int = 20, offset: int = 0, passages: bool = False
    ) -> SearchResults:
        """The best `limit` rows after the first `offset` (so every row can be reached, a page at a
        time); with `passages`, each source's other matching passages too (`Hit.passages`)."""
        plan = self._plan(query)
        if type is not None:
            if type not in schema.ENTITY_TYPES:
                raise QueryError(f"--type {type} is not a type; use one of {', '.join(schema.ENTITY_TYPES)}")
            plan.filters.append(wq.Term("facets", f"type:{type}"))
        with self._lock:
            try:
                return self._run(query, plan, limit, offset, passages)
            except DAMAGE_ERRORS as error:
                searcher = self._index.rebuild(_error_name(error))
                self._searcher.close()
                self._set(searcher)
                return self._run(query, plan, limit, offset, passages)

    def _run(self, query: str, plan: _Plan, limit: int, offset: int, passages: bool) -> SearchResults:
        searcher = self._searcher
        expanded = _Expanded(searcher.reader())
        parsed = plan.parsed
        ranked = [self._named(plan, _and(plan.words))] if plan.words else []
        found = self._collect(_and([*plan.filters, *ranked]), expanded, offset + limit)
        total, partial, missing_of = len(found), False, None
        if total == 0 and plan.plain and len(plan.words) > 1:
            # No row holds every word: the rows that hold the most of them.  Words that match nothing
            # at all are left out first; if the others match together, those are the rows.
            present = [word for word in plan.words if self._found_anywhere(word, expanded)]
            if present and len(present) < len(plan.words):
                found = self._collect(
                    _and([*plan.filters, self._named(plan, _and(present), whole=False)]), expanded, offset + limit
                )
            if present and not len(found):  # each word worth MATCHED_WORD: rows with more words come first
                either = wq.Or([wq.Or([word, wq.ConstantScoreQuery(word, MATCHED_WORD)]) for word in present])
                found = self._collect(
                    _and([*plan.filters, self._named(plan, either, whole=False)]), expanded, offset + limit
                )
            total, partial = len(found), len(found) > 0
            missing_of = _Missing(searcher, expanded, plan.words, present)
        highlighter = self._highlighter(parsed, expanded)
        counts = found.collapsed_counts
        hits = []
        for hit in found[offset : offset + limit]:
            stored = hit.fields()
            made = self._hit(stored, float(hit.score or 0.0), highlighter, plan)
            made.more = counts.get(stored["id"], 0) if stored["type"] == "source" else 0  # a source's id is its group
            if missing_of is not None:
                made.missing = missing_of.lacking(hit.docnum)
            if made.more and (passages or made.passage is None):
                others = self._passages(found.q, stored["id"], hit.docnum, expanded, highlighter, plan)
                if made.passage is None and others and others[0].passage is not None:
                    # the row stays where its title put it, but shows its best passage, not its title's details
                    best = others.pop(0)
                    title = self._hit(stored, made.score, highlighter, plan)
                    made.snippet, made.highlights, made.passage, made.line = (
                        best.snippet,
                        best.highlights,
                        best.passage,
                        best.line,
                    )
                    made.real_snippet, made.real_highlights = best.real_snippet, best.real_highlights
                    others.insert(0, title)
                made.passages = others if passages else None
            hits.append(made)
        asked = _and([*plan.filters, *plan.words]) if plan.plain and plan.words else parsed  # without `why`, `the`
        unmatched = self._unmatched(asked, expanded, run_phrases=total == 0 or partial)
        limits = {**plan.limits, **expanded.limits}
        suggestions = self._suggestions(asked, unmatched, limits) if unmatched else {}
        return SearchResults(query, total, hits, unmatched, suggestions, offset, partial, tuple(limits))

    def _collect(self, query: wq.Query, expanded: _Expanded, limit: int) -> Any:
        """Every match scored, one row per entity: a source's passages collapse into its best one.

        The total is exact without counting again: optimize=False scores every match, and the
        collector never swaps its matcher for a quicker one (whoosh's `replace`, every ten matches
        by default), which prunes the matches that cannot reach the top `limit` and so leaves
        them uncounted (`memory AND bandwidth` counted 32 of 34 that way)."""
        searcher = self._searcher
        # room for the documents a better passage of the same source pushes out of the top `limit`
        top = searcher.collector(limit=2 * max(1, limit) + 10, optimize=False)
        top.replace = 0
        collector = _collapsing(top)
        searcher.search_with_collector(expanded.query(query), collector)
        results = collector.results()
        results._total = collector.count()  # len() of collapsed results counts them uncollapsed otherwise
        return results

    def _named(self, plan: _Plan, words: wq.Query, *, whole: bool = True) -> wq.Query:
        """`words`, ranked (module docstring): the entity the whole query names first (`whole`: its
        words may be missing from it), then the entities part of the query names, the chips that
        state the figure the query names (`HBM capacity`), and the hits that hold the words of a
        run of Japanese near each other."""
        if not plan.plain or not plan.words:
            return words
        reader = self._searcher.reader()
        names = [_name_of(word) for word in plan.words]

        def known(facet: str) -> bool:
            return bool(reader.doc_frequency("facets", facet))

        def naming(key: str) -> wq.Query | None:
            """What `key` names: an entity by a name (`name:` facet) or by its id (`id:`)."""
            for facet in (f"name:{key}", f"id:{key}"):
                if key and known(facet):
                    return wq.Term("facets", facet)
            return None

        full = name_key(" ".join(names)) if all(names) else ""
        boosts: list[wq.Query] = []
        parts = {
            name_key(" ".join(run))
            for size in range(1, min(_NAME_WORDS, len(names)) + 1)
            for first in range(len(names) - size + 1)
            if all(run := names[first : first + size])
        } - ({full} if whole else set())
        named = [query for query in map(naming, sorted(parts)) if query is not None]
        if named:
            boosts.append(wq.ConstantScoreQuery(wq.Or(named), NAMED_PART))
        if full and known(f"has:{full}"):
            boosts.append(wq.ConstantScoreQuery(wq.Term("facets", f"has:{full}"), NAMED_PART))
        near = [_near(run) for run in plan.prepared.runs] if whole else []  # (not among partial hits)
        near = [query for query in near if query is not None]
        if near:
            boosts.append(wq.ConstantScoreQuery(wq.Or(near), NEAR))
        if boosts:
            # a boost adds to the score of a hit the words found, and finds nothing itself (Require
            # scores only its first part; AndMaybe would do, but whoosh scores its optional part only
            # now and then)
            words = wq.Or([words, *(wq.Require(boost, words) for boost in boosts)])
        whole_name = naming(full) if whole else None
        if whole_name is not None:
            words = wq.Or([words, wq.ConstantScoreQuery(whole_name, NAMED)])
        return words

    def _hit(self, stored: dict[str, Any], score: float, highlighter: Highlighter, plan: _Plan) -> Hit:
        body, label = stored.get("text", ""), stored.get("label", "")
        body_spans, label_spans = highlighter.spans(body), highlighter.spans(label)  # found once, used twice
        shown, marks = snippet(body, body_spans)
        title, title_marks = snippet(label, label_spans, width=None)
        real_snippet, real_marks = snippet(body, body_spans, escape=False)
        return Hit(
            id=stored["id"],
            type=stored["type"],
            title=title,
            score=round(score, 4),
            snippet=shown,
            highlights=marks,
            passage=stored.get("passage"),
            line=stored.get("line"),
            title_highlights=title_marks,
            real_title=label,
            real_title_highlights=tuple(label_spans),
            real_snippet=real_snippet,
            real_highlights=real_marks,
            reasons=_reasons(stored, highlighter, plan, _marked(shown, marks) | _marked(title, title_marks)),
        )

    def _passages(
        self, query: wq.Query, entity: str, best: int, expanded: _Expanded, highlighter: Highlighter, plan: _Plan
    ) -> list[Hit]:
        """The other documents of `entity` that `query` matches, best first."""
        within = wq.And([query, wq.Term("facets", f"id:{entity}")])
        found = self._searcher.search(within, limit=None, optimize=False)
        return [
            self._hit(hit.fields(), float(hit.score or 0.0), highlighter, plan) for hit in found if hit.docnum != best
        ]

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

    def _found_anywhere(self, word: wq.Query, expanded: _Expanded) -> bool:
        """Whether some document holds `word` (one word of the query, in any of its fields)."""
        return any(self._matches_any(leaf, expanded, True) for leaves in _user_terms(word) for leaf in leaves)

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

    def _suggestions(self, parsed: wq.Query, unmatched: list[str], limits: dict[str, None]) -> dict[str, list[str]]:
        """For each unmatched term (or each unknown word of an unmatched phrase), the nearest
        indexed terms: for the first SUGGEST_MAX_WORDS of them, of SUGGEST_MAX_CHARS characters at
        most (`limits` says when some were left out)."""
        found: dict[str, list[str]] = {}
        asked = 0
        for leaves in _user_terms(parsed):
            if _shown(leaves) not in unmatched or hasattr(leaves[0], "typed"):
                continue
            leaf = next((q for q in leaves if q.field() == "exact"), leaves[0])
            name = leaf.field()
            words = [str(getattr(leaf, "text", getattr(leaf, "start", "")))]
            if name in TEXT_FIELDS:
                words = [str(w) for w in getattr(leaf, "words", words)]
            for word in words:
                if len(word) > SUGGEST_MAX_CHARS:
                    limits[f"no suggestions for words over {SUGGEST_MAX_CHARS} characters"] = None
                    continue
                if name in TEXT_FIELDS and not (word.isascii() and word.isalnum() and not self._known(word)):
                    continue
                asked += 1
                if asked > SUGGEST_MAX_WORDS:
                    limits[f"suggestions for the first {SUGGEST_MAX_WORDS} unknown words only"] = None
                    return found
                close = self._close_words(word) if name in TEXT_FIELDS else self._close_facets(word)
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
        names = close_matches(word, candidates, n=3, cutoff=_SIMILAR)
        if names:  # a mistyped name: the names it is near, not the words of the text
            return names
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
    elif hasattr(leaf, "typed"):  # a figure or date filter (kb.search.figure_filter), as typed
        return str(leaf.typed)
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


def _collapsing(child: Any) -> Any:
    """whoosh's CollapseCollector on the `group` column, keeping a source's best document, and
    counting every document it sets aside and the rows left: whoosh's does not count the one it
    drops when a better one of the same source comes later, and its count subtracts documents
    it never collected.  It is also quicker: it reads each segment's column of groups at once
    rather than a document at a time (a read from the file each, when the index is not
    memory-mapped), and scores a source's document once, not twice."""
    from bisect import insort

    from whoosh import collectors

    class Collapse(collectors.CollapseCollector):
        #: Documents collected, then pushed out by a better one of the same source.
        removed = 0

        def set_subsearcher(self, subsearcher: Any, offset: int) -> None:
            collectors.WrappingCollector.set_subsearcher(self, subsearcher, offset)
            self.group_of = _groups(subsearcher.reader())

        def count(self) -> int:
            return int(self.child.count()) - self.removed

        def collect_matches(self) -> None:
            child, group_of = self.child, self.group_of
            matcher, offset = child.matcher, child.offset
            scored = getattr(child, "_collect", None)  # what ScoredCollector.collect calls with the score
            for sub_docnum in child.matches():
                key = group_of(sub_docnum)
                if not key:
                    child.collect(sub_docnum)
                    continue
                score = matcher.score()
                sortkey = 0 - score
                best = self.lists[key]
                if best and sortkey >= best[-1][0]:
                    self.collapsed_counts[key] += 1
                    self.collapsed_total += 1
                    continue
                if best:
                    child.remove(best.pop()[1])
                    self.collapsed_counts[key] += 1
                    self.collapsed_total += 1
                    self.removed += 1
                insort(best, (sortkey, offset + sub_docnum))
                if scored is not None:
                    scored(offset + sub_docnum, score)
                else:
                    child.collect(sub_docnum)

    return Collapse(child, "group", limit=1)


def _groups(reader: Any) -> Callable[[int], str]:
    """A segment's `group` of each document (its source's id, or "")."""
    column = reader.column_reader("group", translate=False) if reader.has_column("group") else None
    if column is None:
        return lambda docnum: ""
    parts = ("_dbfile", "_basepos", "_doccount", "_typecode", "_uniques")
    if all(hasattr(column, part) for part in parts):  # whoosh's RefBytesColumn: its references in one read
        refs = column._dbfile.get_array(column._basepos, column._typecode, column._doccount)
        names = [unique.decode("utf-8") for unique in column._uniques]
        return lambda docnum: names[refs[docnum]]
    return lambda docnum: column[docnum].decode("utf-8")


def _near(words: list[str]) -> wq.Query | None:
    """The words of a run of Japanese near each other, in any order, each as the span of its
    bigrams (None for fewer than two words of two characters or more)."""
    from whoosh.query.spans import SpanNear2

    spans: list[wq.Query] = []
    for word in words:
        bigrams = [term for term, *_ in raw_tokens(word, stem=True, unigrams="none")]
        if len(word) > 1 and bigrams:
            spans.append(wq.Term("body", bigrams[0]) if len(bigrams) == 1 else wq.Phrase("body", bigrams))
    if len(spans) < 2:
        return None
    return SpanNear2(spans, slop=NEAR_SLOP, ordered=False)


def _and(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _name_of(word: wq.Query) -> str:
    """One word of the query as it names things (from its unstemmed `exact` leaf), or "" when it
    is not a plain word or phrase."""
    leaves = next(_user_terms(word), [])
    leaf = next((q for q in leaves if q.field() == "exact"), None)
    if isinstance(leaf, wq.Term):
        return str(leaf.text)
    if isinstance(leaf, wq.Phrase):
        words = [str(w) for w in leaf.words]
        if all(len(w) == 2 and is_cjk(w) for w in words):
            return words[0] + "".join(w[-1] for w in words[1:])
        return " ".join(words)
    return ""


class _Missing:
    """Which of the query's words a document lacks (for results that hold only some of them);
    the words not `present` anywhere are lacked by every document."""

    def __init__(self, searcher: Searcher, expanded: _Expanded, words: list[wq.Query], present: list[wq.Query]) -> None:
        self.searcher = searcher
        self.expanded = expanded
        self.words = words
        self.docs: list[set[int] | None] = [None if word in present else set() for word in words]

    def lacking(self, docnum: int) -> tuple[str, ...]:
        out = []
        for number, word in enumerate(self.words):
            if self.docs[number] is None:
                self.docs[number] = set(self.searcher.docs_for_query(self.expanded.query(word)))
            if docnum not in self.docs[number]:  # type: ignore[operator]
                shown = [_shown(leaves) for leaves in _user_terms(word)]
                out.append(" ".join(dict.fromkeys(shown)))
        return tuple(out)


def _reasons(stored: dict[str, Any], highlighter: Highlighter, plan: _Plan, seen: set[str]) -> tuple[Reason, ...]:
    """What a hit matched besides its title and text: the fields its words matched (only the
    names or tags that matched; an alias always, the others only for words not already
    highlighted in its title or snippet, `seen`), and the values that met a figure or date filter."""
    reasons: list[Reason] = []
    # the first two characters of every term: a field that holds none of them cannot have matched
    # (a Porter stem keeps the start of its word), and most fields of most hits hold none
    starts = {term[:2] for term in (*highlighter.stemmed, *highlighter.exact, *highlighter.chars)}
    for label, text in stored.get("meta") or ():
        folded = text.casefold() if text.isascii() else normalise(text)
        if not any(start in folded for start in starts):
            continue
        items = []
        for item in text.split(", ") if label in ("about", "vendor") else [text]:
            spans = highlighter.spans(item)
            if spans and (label == "alias" or not {visible_lower(item[s:e]) for s, e in spans} <= seen):
                items.append((item, spans))
        if items:
            shown, marks, at = [], [], 0
            for item, spans in items:
                marks += [(at + s, at + e) for s, e in spans]
                shown.append(item)
                at += len(item) + 2
            reasons.append((label, ", ".join(shown), tuple(marks)))
    for wanted in plan.prepared.filters:
        for name, value, _estimate, figure_shown in stored.get("figures") or ():
            if wanted.figure is not None and name == wanted.figure and value is not None and wanted.accepts(value):
                reasons.append(("figure", figure_shown, ()))
            elif wanted.figure is None and value is None and wanted.accepts_date(name, figure_shown):
                reasons.append((name, figure_shown.split(" ", 1)[-1], ()))
    return tuple(dict.fromkeys(reasons))


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> set[str]:
    return {visible_lower(text[start:end]) for start, end in spans}


def visible_lower(text: str) -> str:
    return " ".join(text.split()).casefold()


def _error_name(error: BaseException) -> str:
    """`struct.error`, `EOFError`: what went wrong, without a message that may span lines."""
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
