"""Full-text search of the KB, English and Japanese: words, "phrases", AND, OR, NOT, wildcards
(infer*), fuzzy terms (trainum~), filters (type:claim vendor:aws chip:trainium2 kind:forecast
tag:supply-chain lang:ja year:2023..2025) and figure and date filters on chips
(hbm-capacity>=100GB tdp<=500W bf16-dense>1000 announced>=2024 available:2023..2025; a chip
matches when any of its values does). One row per entity: a source at its best passage, with how
many more of its passages match (--passages lists them). A query that names a chip or vendor puts
it first; when no hit holds every word, the hits that hold the most of them are shown, each with
the words it lacks. On a terminal the hits are a table with the matches highlighted; piped, one
hit a line: type, id, title and snippet separated by tabs, then what else it says in brackets (more
passages, missing words, an alias matched). --format json gives the hits with the offsets of every
match (in the snippet, the title and each other field that matched), the total and whether more
follow (--offset pages on); jsonl one hit a line; csv and tsv a row a hit (docs/outputs.md).
--markdown prints the hits as one note for Obsidian or zk, --out FILE writes that note (a file edited
by hand since chipkb wrote it is kept, exit 1, unless --force). Exit 0 with hits, 1 with none (saying
which terms matched nothing, and what was meant), 2 for a malformed query or filter (with --json, a
JSON error object)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kb.cli.common import BadQuery, IndexUnavailable, UsageError, add_kb_argument, kb_folder
from kb.cli.output import FORMATS, Column, add_format_argument, print_records

if TYPE_CHECKING:
    from rich.text import Text

    from kb.search.engine import SearchResults


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more")
    return value


def _limit(text: str) -> int:
    return _whole_number(text, 1)


def _offset(text: str) -> int:
    return _whole_number(text, 0)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from kb.store.schema import ENTITY_TYPES

    parser.add_argument("query", nargs="+", help="what to search for (several words are one query)")
    add_kb_argument(parser)
    parser.add_argument("--type", choices=ENTITY_TYPES, help="only hits of this type")
    parser.add_argument("--limit", type=_limit, default=20, metavar="N", help="show at most N hits (default 20)")
    parser.add_argument(
        "--offset", type=_offset, default=0, metavar="N", help="skip the best N hits (the next page: --offset 20)"
    )
    parser.add_argument("--passages", action="store_true", help="also list each source's other matching passages")
    add_format_argument(
        parser,
        FORMATS,
        shorthands=("json", "markdown"),
        table="a table on a terminal; piped, one tab-separated hit a line",
    )
    parser.add_argument("--out", metavar="FILE", help="write the markdown note to FILE")
    parser.add_argument("--force", action="store_true", help="with --out: overwrite a file edited by hand")


def _say(message: str) -> None:
    from kb.text.terminal_safe import visible

    print(f"chipkb: {visible(message)}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    import gc

    # Importing whoosh and opening the index make tens of thousands of objects and next to no
    # garbage: collecting after every 700 of them (Python's default) only walks them again and
    # again (~8 ms of a search at 10k claims).  Every 100,000 keeps a full build's memory as it was.
    threshold = gc.get_threshold()
    gc.set_threshold(100_000, *threshold[1:])
    try:
        return _search(args)
    finally:
        gc.set_threshold(*threshold)


#: The columns of --format csv and tsv (a hit's other passages are in json and jsonl only).
COLUMNS: tuple[Column, ...] = tuple(
    (key, key) for key in ("type", "id", "title", "score", "passage", "line", "snippet", "more", "missing")
)


def _search(args: argparse.Namespace) -> int:
    if args.out is not None and args.format not in ("table", "markdown"):
        raise UsageError(f"--out writes a markdown note; it cannot be given with --format {args.format}")
    root = kb_folder(args)  # a string: pathlib is not imported unless a note is written (kb.locations)
    from kb.search.engine import SearchEngine
    from kb.search.index import IndexBusy
    from kb.search.query import QueryError

    query = " ".join(args.query)
    try:
        engine = SearchEngine.open(root, notice=_say, searches_once=True)
    except IndexBusy as error:
        raise IndexUnavailable(str(error)) from None
    except OSError as error:
        raise IndexUnavailable(f"cannot open the search index: {error.strerror or error}") from None
    try:
        results = engine.search(query, type=args.type, limit=args.limit, offset=args.offset, passages=args.passages)
    except QueryError as error:
        raise BadQuery(str(error)) from None
    except (IndexBusy, OSError) as error:  # a damaged index found while searching could not be rebuilt
        message = str(error) if isinstance(error, IndexBusy) else f"cannot rebuild the search index: {error.strerror}"
        raise IndexUnavailable(message) from None
    finally:
        engine.close()
    if args.format == "markdown" or args.out is not None:
        written = _note(root, results, args.out, args.force)
        if written:
            return written
    else:
        hits = [_hit_record(hit, args.passages) for hit in results.hits]
        document = {
            "query": results.query,
            "total": results.total,
            "offset": results.offset,
            "more": results.more,
            "partial": results.partial,
            "hits": hits,
            "unmatched_terms": results.unmatched_terms,
            "suggestions": results.suggestions,
        }
        if results.limits:  # which limits on a query's cost applied (kb.search.engine), one line each
            document["limits"] = list(results.limits)
        if not print_records(args.format, hits, COLUMNS, document):
            _print_text(results)
    for limit in results.limits:
        _say(f"note: {limit}")
    if not results.hits and results.total:  # a page past the last: the query did match
        last = results.total - 1
        _say(f"note: no hits from --offset {results.offset} on: the query has {results.total} (offsets 0 to {last})")
        return 0
    if not results.hits:
        _say(_no_hits(results))
        return 1
    if results.partial and args.format not in ("json", "jsonl"):
        _say(_partial(results))
    return 0


def _spans(spans: tuple[tuple[int, int], ...]) -> list[list[int]]:
    return [list(span) for span in spans]


def _hit_record(hit: Any, passages: bool) -> dict[str, Any]:
    """One hit as --format json gives it: the offsets of the matches in its title
    (`title_highlights`), snippet (`highlights`) and each other field it matched (`matched`); `more`
    counts a source's other matching passages (listed in `passages` with --passages), `missing` the
    query's words it lacks; `line` is where a passage starts in its source's text."""
    shown: dict[str, Any] = {
        "id": hit.id,
        "type": hit.type,
        "title": hit.real_title,
        "title_highlights": _spans(hit.real_title_highlights),
        "score": hit.score,
        "snippet": hit.real_snippet,
        "highlights": _spans(hit.real_highlights),
        "passage": hit.passage,
        "line": hit.line,
        "more": hit.more,
        "missing": list(hit.missing),
        "matched": [{"field": field, "text": text, "highlights": _spans(spans)} for field, text, spans in hit.reasons],
    }
    if passages:
        shown["passages"] = [
            {
                "passage": passage.passage,
                "line": passage.line,
                "score": passage.score,
                "snippet": passage.real_snippet,
                "highlights": _spans(passage.real_highlights),
            }
            for passage in hit.passages or ()
        ]
    return shown


def _print_text(results: SearchResults) -> None:
    """A table on a terminal; piped, one tab-separated line a hit (and a line per other passage)."""
    if sys.stdout.isatty():
        _print_table(results)
        return
    for hit in results.hits:
        print(f"{hit.type}\t{hit.id}\t{hit.title}\t{hit.snippet}{_notes(hit)}")
        for passage in hit.passages or ():
            print(f"{passage.type}\t{passage.id}\t{passage.title}\t¶{passage.passage} {passage.snippet}")


def _notes(hit: Any) -> str:
    """What a hit's line adds after its snippet: ` (+2 more passages; missing: 特化; alias: Trn2)`."""
    notes = []
    if hit.more:
        notes.append(f"+{hit.more} more passage{'s' if hit.more != 1 else ''}")
    if hit.missing:
        notes.append("missing: " + ", ".join(hit.missing))
    notes += [f"{field}: {text}" for field, text, _ in hit.reasons]
    return f" ({'; '.join(notes)})" if notes else ""


def _partial(results: SearchResults) -> str:
    return "no hit holds every word of the query: these hold the most of them (each says what it lacks)"


def _note(root: str, results: SearchResults, out_file: str | None, force: bool) -> int:
    """Print the hits as a note, or write it to `out_file`; non-zero when it could not be written."""
    from kb.notes.render import results_note
    from kb.text.terminal_safe import visible

    note = results_note(results.query, [(hit.id, hit.type, hit.title, hit.snippet) for hit in results.hits])
    if out_file is None:
        sys.stdout.write(visible(note))
        return 0
    from pathlib import Path

    from kb.cli.export import print_kept
    from kb.notes.export import ExportError, write_notes

    out = Path(out_file)
    if out.parent.resolve().is_relative_to(Path(root).resolve()):
        _say(f"{out}: inside the KB folder {root}; write it somewhere else")
        return 1
    try:
        report = write_notes(out.parent, {out.name: note}, force=force)
    except (ExportError, OSError) as error:
        _say(str(error) if isinstance(error, ExportError) else f"cannot write {out}: {error.strerror}")
        return 1
    if report.kept:
        print_kept(report.kept)
        return 1
    print(visible(f"{'unchanged' if report.unchanged else 'wrote'} {out}"))
    return 0


def _no_hits(results: SearchResults) -> str:
    unmatched, suggestions = results.unmatched_terms, results.suggestions
    if not unmatched:
        return "no hits: each term matches something, but no document matches the whole query"
    parts = []
    for term in unmatched:
        meant = [w for key, words in suggestions.items() if key == term or key in term.split() for w in words]
        parts.append(term + (f" (did you mean {' or '.join(meant)}?)" if meant else ""))
    return "no hits: nothing matches " + ", ".join(parts)


def _highlighted(text: str, spans: tuple[tuple[int, int], ...]) -> Text:
    """KB text as a rich Text (never markup) with the matches styled."""
    from rich.text import Text

    shown = Text(text)
    for start, end in spans:
        shown.stylize("bold reverse", start, end)
    return shown


def _print_table(results: SearchResults) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    hits, total = results.hits, results.total
    first = results.offset + 1
    shown = f"{first}-{results.offset + len(hits)} shown" if hits else "none shown"
    more = f"; the next: --offset {results.offset + len(hits)}" if results.more else ""
    partial = "; none holds every word" if results.partial else ""
    table = Table(show_lines=False, caption=f"{total} hit{'s' if total != 1 else ''}, {shown}{more}{partial}")
    for name in ("type", "id", "title", "snippet"):
        table.add_column(name, overflow="fold")
    for hit in hits:
        shown_id = hit.id + (f" ¶{hit.passage}" if hit.passage else "")
        if hit.more:
            shown_id += f" (+{hit.more} more passage{'s' if hit.more != 1 else ''})"
        snippet = _highlighted(hit.snippet, hit.highlights)
        if hit.missing:
            snippet.append("\nmissing: " + ", ".join(hit.missing), style="yellow")
        for field, text, spans in hit.reasons:
            snippet.append(f"\n{field}: ", style="dim")
            snippet.append_text(_highlighted(text, spans))
        table.add_row(Text(hit.type), Text(shown_id), _highlighted(hit.title, hit.title_highlights), snippet)
        for passage in hit.passages or ():
            table.add_row(
                Text(""), Text(f"  ¶{passage.passage}"), Text(""), _highlighted(passage.snippet, passage.highlights)
            )
    if hits:
        Console(highlight=False).print(table)
