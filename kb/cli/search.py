"""Full-text search of the KB, English and Japanese: words, "phrases", AND, OR, NOT, wildcards
(infer*), fuzzy terms (trainum~) and filters: type:claim vendor:aws chip:trainium2 kind:forecast
tag:supply-chain lang:ja year:2023..2025. On a terminal the hits are a table with the matches
highlighted; piped, one hit a line: type, id, title and snippet separated by tabs; --markdown
prints them as one note for Obsidian or zk, --out FILE writes that note (a file edited by hand
since chipkb wrote it is kept, exit 1, unless --force). Exit 0 with hits, 1 with none (saying
which terms matched nothing, and what was meant), 2 for a malformed query."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from kb.cli.common import add_kb_argument, kb_folder, print_json

if TYPE_CHECKING:
    from rich.text import Text

    from kb.search.engine import SearchResults


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from kb.store.schema import ENTITY_TYPES

    parser.add_argument("query", nargs="+", help="what to search for (several words are one query)")
    add_kb_argument(parser)
    parser.add_argument("--type", choices=ENTITY_TYPES, help="only hits of this type")
    parser.add_argument("--limit", type=_limit, default=20, metavar="N", help="show at most N hits (default 20)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the hits as one markdown note")
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


def _search(args: argparse.Namespace) -> int:
    root = kb_folder(args)  # a string: pathlib is not imported unless a note is written (kb.locations)
    from kb.search.engine import SearchEngine
    from kb.search.index import IndexBusy
    from kb.search.query import QueryError

    query = " ".join(args.query)
    try:
        engine = SearchEngine.open(root, notice=_say, searches_once=True)
    except IndexBusy as error:
        _say(str(error))
        return 1
    except OSError as error:
        _say(f"cannot open the search index: {error.strerror or error}")
        return 1
    try:
        results = engine.search(query, type=args.type, limit=args.limit)
    except QueryError as error:
        _say(f"error: {error}")
        return 2
    except (IndexBusy, OSError) as error:  # a damaged index found while searching could not be rebuilt
        _say(str(error) if isinstance(error, IndexBusy) else f"cannot rebuild the search index: {error.strerror}")
        return 1
    finally:
        engine.close()
    if args.markdown or args.out is not None:
        written = _note(root, results, args.out, args.force)
        if written:
            return written
    elif args.json:
        print_json(
            {
                "query": results.query,
                "total": results.total,
                "hits": [
                    {
                        "id": hit.id,
                        "type": hit.type,
                        "title": hit.title,
                        "score": hit.score,
                        "snippet": hit.snippet,
                        "highlights": [list(span) for span in hit.highlights],
                        "passage": hit.passage,
                    }
                    for hit in results.hits
                ],
                "unmatched_terms": results.unmatched_terms,
                "suggestions": results.suggestions,
            }
        )
    elif sys.stdout.isatty():
        _print_table(results)
    else:
        for hit in results.hits:
            print(f"{hit.type}\t{hit.id}\t{hit.title}\t{hit.snippet}")
    if not results.hits:
        _say(_no_hits(results))
        return 1
    return 0


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
    table = Table(show_lines=False, caption=f"{total} hit{'s' if total != 1 else ''}, {len(hits)} shown")
    for name in ("type", "id", "title", "snippet"):
        table.add_column(name, overflow="fold")
    for hit in hits:
        shown_id = hit.id + (f" ¶{hit.passage}" if hit.passage else "")
        table.add_row(
            Text(hit.type),
            Text(shown_id),
            _highlighted(hit.title, hit.title_highlights),
            _highlighted(hit.snippet, hit.highlights),
        )
    if hits:
        Console(highlight=False).print(table)
