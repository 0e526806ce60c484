"""How well chipkb search finds what people mean: the judged query set scored.

    python benchmarks/bench_relevance.py [--kb DIR] [--queries FILE] [--json] [--segmenter NAME]

Runs every query of `benchmarks/relevance_queries.yaml` (issue 14: Japanese as typed, English with
chip names and aliases, mixed scripts and filters) against the KB (the bundled one by default),
each as `chipkb search` runs it, and prints success@1, success@5 and MRR overall and per group,
then each failing query with what ranked above the ids it expected.

Scoring, over the rows a search shows (one per entity; a source's passages are one row):
success@1 = the first row is one of the query's `first` ids (or of its `relevant` ids when it
names no `first`); success@5 = a relevant id is among the first five rows; reciprocal rank = 1 /
the rank of the first relevant row (0 when none of the first LIMIT rows is). A query marked
`exactly` (filters that select a set of chips) scores only when its results are exactly the chips
whose YAML meets its filters, which this script reads for itself (`chips_meeting`: PyYAML and
the units of kb.store.figures, none of the search's code), so the set follows the KB as chips
are added; the chips the query lists must be among them.  `relevant_if` (filters in the same
form) adds the chips that meet it to a query's relevant and first ids (`HBM capacity`: every chip
that states one).

`--segmenter` measures another way of cutting a query's Japanese into words in place of chipkb's
(`script`: kb.search.analysis.query_words): `phrase` (each run one strict phrase, as before issue
14), or a morphological analyzer, each keeping the content words (nouns, verbs, adjectives, their
okurigana cut off) of what it finds: `fugashi` (with unidic-lite), `sudachi` (SudachiPy with its
core dictionary), `janome`.  The analyzers are not dependencies of chipkb: install them to measure.

The index is built in a fresh temporary cache folder (CHIPKB_CACHE_DIR), so the numbers are the
search's, whatever index is in the user's cache.  tests/kb/search/test_relevance.py uses `judge`
as a regression floor: the set may not fall below success@5 0.95 and MRR 0.85.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "relevance_queries.yaml"
#: Rows looked at for the reciprocal rank (the page `chipkb search` shows).
LIMIT = 20
#: Rows fetched for a query marked `exactly`.
EVERY = 500
TARGETS = {"success@5": 0.95, "MRR": 0.85}

#: One row as a search shows it: (id, type, title).
Row = tuple[str, str, str]
#: A search: the query's rows, best first, and up to `limit` of them; raises on a query error.
Search = Callable[[str, int], list[Row]]


class Judged:
    """One query of the set and the ids a good answer holds."""

    def __init__(self, entry: dict[str, Any], chips: list[dict[str, Any]] | None = None) -> None:
        self.query: str = entry["query"]
        self.group: str = entry["group"]
        self.listed: list[str] = list(entry["relevant"])
        self.relevant: list[str] = list(self.listed)
        self.first: list[str] = list(entry.get("first") or entry["relevant"])
        self.exactly: bool = bool(entry.get("exactly", False))
        self.why: str = entry.get("why", "")
        if chips is not None and self.exactly:
            self.relevant = sorted(chips_meeting(chips, self.query))
            self.first = list(self.relevant)
        if chips is not None and entry.get("relevant_if"):
            extra = sorted(chips_meeting(chips, entry["relevant_if"]))
            self.relevant += [chip for chip in extra if chip not in self.relevant]
            self.first += [chip for chip in extra if chip not in self.first]


class Outcome:
    """How one query fared."""

    def __init__(self, judged: Judged, rows: list[Row], error: str = "") -> None:
        self.judged = judged
        self.rows = rows
        self.error = error
        ids = [row[0] for row in rows]
        relevant = set(judged.relevant)
        self.rank = next((n for n, row_id in enumerate(ids[:LIMIT], start=1) if row_id in relevant), 0)
        self.set_ok = not judged.exactly or (set(ids) == relevant and set(judged.listed) <= relevant)
        self.at1 = bool(ids) and ids[0] in judged.first and self.set_ok
        self.at5 = 0 < self.rank <= 5 and self.set_ok
        self.rr = (1 / self.rank if self.rank else 0.0) if self.set_ok else 0.0

    @property
    def failed(self) -> bool:
        return not (self.at1 and self.at5)


class Report:
    def __init__(self, outcomes: list[Outcome]) -> None:
        self.outcomes = outcomes

    def scores(self, group: str | None = None) -> dict[str, float]:
        chosen = [o for o in self.outcomes if group is None or o.judged.group == group]
        count = len(chosen) or 1
        return {
            "queries": len(chosen),
            "success@1": sum(o.at1 for o in chosen) / count,
            "success@5": sum(o.at5 for o in chosen) / count,
            "MRR": sum(o.rr for o in chosen) / count,
        }

    def groups(self) -> list[str]:
        return list(dict.fromkeys(o.judged.group for o in self.outcomes))

    def table(self) -> str:
        lines = ["| group | queries | success@1 | success@5 | MRR |", "|---|---:|---:|---:|---:|"]
        for group in [*self.groups(), None]:
            s = self.scores(group)
            name = group or "**all**"
            lines.append(f"| {name} | {s['queries']} | {s['success@1']:.3f} | {s['success@5']:.3f} | {s['MRR']:.3f} |")
        return "\n".join(lines)

    def failures(self) -> str:
        lines = []
        for outcome in self.outcomes:
            if not outcome.failed:
                continue
            judged = outcome.judged
            if outcome.error:
                lines.append(f"- [{judged.group}] {judged.query}: error: {outcome.error}")
                continue
            if not outcome.set_ok:
                ids = {row[0] for row in outcome.rows}
                extra, lacking = sorted(ids - set(judged.relevant)), sorted(set(judged.relevant) - ids)
                lines.append(
                    f"- [{judged.group}] {judged.query}: not exactly the set; extra {extra}, lacking {lacking}"
                )
                continue
            where = f"first relevant at rank {outcome.rank}" if outcome.rank else f"nothing relevant in the top {LIMIT}"
            lines.append(f"- [{judged.group}] {judged.query}: {where}; expected first one of {judged.first}")
            above = outcome.rows[: (outcome.rank - 1) if outcome.rank else 5] or outcome.rows[:1]
            for number, (row_id, kind, title) in enumerate(above, start=1):
                lines.append(f"    {number}. {kind} {row_id}: {title[:90]}")
        return "\n".join(lines) or "(none)"


def load_queries(path: Path = QUERIES, kb: Path | None = None) -> list[Judged]:
    """The judged set; with `kb`, the sets of its `exactly` and `relevant_if` queries read from
    that KB's YAML."""
    import yaml

    chips = kb_chips(kb) if kb is not None else None
    with open(path, encoding="utf-8") as file:
        return [Judged(entry, chips) for entry in yaml.safe_load(file)["queries"]]


def kb_chips(kb: Path) -> list[dict[str, Any]]:
    """Every chip and claim written in the KB's YAML files, as PyYAML reads them (each with a
    `_type`)."""
    import yaml

    chips = []
    for path in sorted(kb.rglob("*.yaml")):
        if any(part.startswith(".") for part in path.relative_to(kb).parts):
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        for section, kind in (("chips", "chip"), ("claims", "claim")):
            if isinstance(data, dict) and isinstance(data.get(section), list):
                chips += [{**item, "_type": kind} for item in data[section] if isinstance(item, dict) and "id" in item]
    return chips


_FILTER = re.compile(r"([a-z][a-z0-9-]*)(>=|<=|>|<|=|:)(\S+)")
_AMOUNT = re.compile(r"([0-9.]+)\s*(.*)")


def chips_meeting(chips: list[dict[str, Any]], query: str) -> set[str]:
    """The ids of the chips (or with `type:claim`, the claims) that meet every filter of `query`:
    `type:chip`, `vendor:V`, `kind:K`, `tag:T` (claims), `has:FIGURE`, `FIGURE>=VALUE[UNIT]` (and
    >, <=, <, =, `FIGURE:A..B`), `announced`/`available` compared as dates (a shorter date is its
    first day; `<=` and a range's end take in all of it).  A chip meets a figure filter when any
    of its stated or estimated values does."""
    from kb.store.figures import FIGURES

    def meets(chip: dict[str, Any], name: str, operator: str, value: str) -> bool:
        if name == "type":
            return chip["_type"] == value
        if name == "tag":
            return value in (chip.get("tags") or [])
        if name in ("vendor", "kind"):
            return str(chip.get(name, "")).lower() == value.lower()
        if name == "has":
            return any(spec.get("name") == value and spec.get("value") is not None for spec in chip.get("specs", []))
        if name in ("announced", "available"):
            date = str(chip.get(name) or "")
            if not date:
                return False
            if operator == ":":
                low, _, high = value.partition("..") if ".." in value else (value, "", value)
                return (not low or date >= low) and (not high or date < high + "~")
            return {">=": date >= value, ">": date >= value + "~", "<=": date < value + "~", "<": date < value,
                    "=": value <= date < value + "~"}[operator]  # fmt: skip
        figure = FIGURES[name]

        def canonical(text: str) -> float:
            number, unit = _AMOUNT.fullmatch(text).groups()  # type: ignore[union-attr]
            unit = next((u for u in figure.units if u.lower() == unit.strip().lower()), figure.unit)
            return float(number) * figure.units[unit]

        values = [
            float(spec["value"]) * figure.units[spec["unit"]]
            for spec in chip.get("specs", [])
            if spec.get("name") == name and spec.get("value") is not None and spec.get("unit") in figure.units
        ]
        if operator == ":":
            low, _, high = value.partition("..")
            unit = _AMOUNT.fullmatch(high).group(2) if high else ""  # type: ignore[union-attr]
            low_value = canonical(low + ("" if _AMOUNT.fullmatch(low).group(2) else unit)) if low else None  # type: ignore[union-attr]
            high_value = canonical(high) if high else None
            return any(
                (low_value is None or v >= low_value) and (high_value is None or v <= high_value) for v in values
            )
        bound = canonical(value)
        tests = {">=": bound.__le__, ">": bound.__lt__, "<=": bound.__ge__, "<": bound.__gt__, "=": bound.__eq__}
        return any(tests[operator](v) for v in values)

    found = set()
    filters = [match.groups() for match in map(_FILTER.fullmatch, query.split()) if match]
    wanted = next((value for name, _, value in filters if name == "type"), "chip")
    for chip in (item for item in chips if item["_type"] == wanted):
        if all(meets(chip, name, operator, value) for name, operator, value in filters):
            found.add(str(chip["id"]))
    return found


def judge(search: Search, queries: Sequence[Judged]) -> Report:
    outcomes = []
    for judged in queries:
        try:
            rows = search(judged.query, EVERY if judged.exactly else LIMIT)
        except Exception as error:  # a query error is a failed query, shown with its message
            outcomes.append(Outcome(judged, [], f"{type(error).__name__}: {error}"))
            continue
        outcomes.append(Outcome(judged, rows))
    return Report(outcomes)


def engine_search(engine: Any) -> Search:
    """A Search over a kb.search.engine.SearchEngine."""

    def search(query: str, limit: int) -> list[Row]:
        return [(hit.id, hit.type, hit.title) for hit in engine.search(query, limit=limit).hits]

    return search


#: Parts of speech whose words a query keeps, by analyzer (unidic for fugashi, Sudachi's, IPA's for Janome).
_CONTENT = ("名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞", "代名詞", "連体詞")


def _content_words(tokens: list[tuple[str, str]]) -> list[str]:
    """(surface, part of speech) pairs as query words: content words only, okurigana cut off."""
    words = []
    for surface, pos in tokens:
        if not pos.startswith(_CONTENT):
            continue
        word = surface.rstrip("ぁ-ゟ") if any(not "ぁ" <= c <= "ゟ" for c in surface) else surface
        if word.endswith("ー") and len(word) > 2:
            word = word.rstrip("ー")
        if word:
            words.append(word)
    return words


def segmenter(name: str) -> Callable[[str], list[str]]:
    """A replacement for kb.search.analysis.query_words (see the module docstring)."""
    if name == "phrase":
        return lambda run: [run]
    if name == "fugashi":
        import fugashi

        tagger = fugashi.Tagger()
        return lambda run: _content_words([(w.surface, w.feature.pos1) for w in tagger(run)]) or [run]
    if name == "sudachi":
        import sudachipy

        tokenizer = sudachipy.Dictionary(dict="core").create()
        mode = sudachipy.SplitMode.A
        return lambda run: (
            _content_words([(m.surface(), m.part_of_speech()[0]) for m in tokenizer.tokenize(run, mode)]) or [run]
        )
    if name == "janome":
        from janome.tokenizer import Tokenizer

        janome = Tokenizer()
        return lambda run: (
            _content_words([(t.surface, t.part_of_speech.split(",")[0]) for t in janome.tokenize(run)]) or [run]
        )
    raise SystemExit(f"unknown segmenter {name!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, default=REPO / "kb" / "data", help="the KB (default: the bundled one)")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the judged set")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--segmenter",
        choices=("script", "phrase", "fugashi", "sudachi", "janome"),
        default="script",
        help="how a query's Japanese is cut into words (default: chipkb's, script)",
    )
    args = parser.parse_args(argv)
    if args.segmenter != "script":
        import kb.search.query

        kb.search.query.query_words = segmenter(args.segmenter)  # type: ignore[assignment]
    queries = load_queries(args.queries, args.kb)
    with tempfile.TemporaryDirectory(prefix="chipkb-relevance-") as cache:
        os.environ["CHIPKB_CACHE_DIR"] = cache
        from kb.search.engine import SearchEngine

        engine = SearchEngine.open(args.kb)
        try:
            report = judge(engine_search(engine), queries)
        finally:
            engine.close()
    if args.json:
        scores = {group or "all": report.scores(group) for group in [*report.groups(), None]}
        print(json.dumps({"scores": scores, "failing": [o.judged.query for o in report.outcomes if o.failed]}))
        return 0
    print(f"Relevance of chipkb search on {args.kb}: {len(queries)} judged queries ({args.queries.name})")
    print(f"Japanese cut into words by: {args.segmenter}\n")
    print(report.table())
    overall = report.scores()
    met = ", ".join(
        f"{name} {overall[name]:.3f} {'>=' if overall[name] >= floor else '<'} {floor}"
        for name, floor in TARGETS.items()
    )
    print(f"\nTargets: {met}\n\nFailing queries (not first, nothing relevant in the top 5, or not exactly the set):")
    print(report.failures())
    return 0


if __name__ == "__main__":
    sys.exit(main())
