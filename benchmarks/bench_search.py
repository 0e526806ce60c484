"""How fast the search index builds, keeps fresh and answers, on synthetic KBs.

    python benchmarks/bench_search.py [--sizes 1000 10000] [--with-100k] [--runs 11] [--repeat 50]
                                      [--profile] [--startup] [--breakdown] [--filters] [--builds]
                                      [--work DIR]

For each size, a synthetic KB of that many claims (`python -m devtools.synth`, 100 claims a file) and
an empty cache folder, then, each in a fresh Python process:

1. full build: `SearchIndex.open()` on the empty cache (time inside the process, and the peak
   resident memory of the process plus that of its YAML-parsing helper process: an upper bound);
2. re-index after editing one claims file (time of `SearchIndex.open()`, which finds and
   re-indexes the file);
3. `chipkb search bandwidth` as a whole process on the fresh index, piped, against
   `python -c "import whoosh.index, whoosh.qparser"`: alternating, `--runs` of each after two
   warm-up runs of each (so both have Python's bytecode cached, in a private PYTHONPYCACHEPREFIX),
   medians and their ratio;
4. warm query latency, in one process with the engine open: each query run 5 times untimed, then
   `--repeat` times, p50 and p95 of `SearchEngine.search(query)` (20 hits with snippets);
5. the size of the index folder.

`--profile` adds, for the largest size, a cProfile of the full build and of the warm queries,
summed by where the time is spent (whoosh, chipkb, yaml, the standard library).

`--filters` measures, instead of the rows above (after the build), whole processes of
`chipkb search` with a figure or date filter (FILTER_QUERIES) alternating with the plain
`chipkb search bandwidth` on the same KB, `--runs` of each after two warm-up runs, medians and
each one's ratio to the plain search (issue 12: within 1.5x at 100,000 claims and 1,000 chips).

`--builds` measures only the full build (1), as shipped against whoosh's own parallel writer
(`procs=2`, `multisegment=True`, patched in for the measurement), alternating, `--runs` of each,
each in an empty cache folder: median seconds, peak memory, and the document count of each build.

`--startup` measures only what start-up needs: the build (1, which it needs anyway) and the
whole-process rows (3).  `--breakdown` adds, for the largest size, where a search's whole-process
time goes: the same command cut short after each of its steps (the parser, whoosh, chipkb's search
modules, opening the index, the search), each step a whole process, alternating with the bare
import, `--runs` of each, medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import alternate  # benchmarks/timing.py: run as `python benchmarks/...`

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QUERIES = {
    "term": "bandwidth",
    "two-term AND": "memory AND bandwidth",
    "field filter": "vendor:aster inference",
    "phrase": '"supply chain"',
    "Japanese term": "推論",
    "fuzzy": "bandwith~",
}
EDITED_FILE = "claims/claims-0000.yaml"
FILTER_QUERIES = (
    "hbm-capacity>=100GB",
    "type:chip bf16-dense>1000",
    "type:chip vendor:aster hbm-capacity>=64GB",
    "announced>=2024",
    "inference hbm-capacity>=96GB",
)

BUILD = """
import json, resource, sys, time
from pathlib import Path
from kb.search.index import SearchIndex
start = time.perf_counter()
searcher = SearchIndex(Path(sys.argv[1])).open()
seconds = time.perf_counter() - start
docs = searcher.doc_count()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "docs": docs}))
"""

#: BUILD with whoosh's own parallel writer (`procs` sub-writer processes, one segment each, no
#: merge at the end) instead of chipkb's single writer: measured, not shipped (BENCHMARKS.md).
BUILD_WHOOSH_PARALLEL = BUILD.replace(
    "from kb.search.index import SearchIndex",
    """from whoosh.index import FileIndex
_writer = FileIndex.writer
FileIndex.writer = lambda self, procs=1, **kw: _writer(self, procs=2, multisegment=True, **kw)
from kb.search.index import SearchIndex""",
)

LATENCY = """
import json, sys, time
from pathlib import Path
from kb.search.engine import SearchEngine
engine = SearchEngine.open(Path(sys.argv[1]))
repeat = int(sys.argv[3])
out = {}
for name, query in json.loads(sys.argv[2]).items():
    for _ in range(5):
        results = engine.search(query)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        engine.search(query)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    out[name] = {"p50": times[len(times) // 2], "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
                 "total": results.total}
print(json.dumps(out))
"""

PROFILE = """
import cProfile, json, pstats, shutil, sys, os
from pathlib import Path
from kb.search.index import SearchIndex
from kb.search.engine import SearchEngine

def shares(profile):
    stats = pstats.Stats(profile).stats
    groups = {}
    top = []
    for (filename, line, function), (_, _, tottime, _, _) in stats.items():
        if "/whoosh/" in filename:
            group = "whoosh"
        elif "/kb/" in filename:
            group = "chipkb (kb/)"
        elif "yaml" in filename:
            group = "yaml"
        else:
            group = "Python (stdlib, builtins)"
        groups[group] = groups.get(group, 0) + tottime
        top.append((tottime, f"{Path(filename).name}:{line}({function})"))
    total = sum(groups.values())
    top.sort(reverse=True)
    return {"total": total, "groups": {g: t / total for g, t in sorted(groups.items(), key=lambda i: -i[1])},
            "top": [(name, t / total) for t, name in top[:8]]}

root = Path(sys.argv[1])
build = cProfile.Profile()
build.enable()
SearchIndex(root).open()
build.disable()
engine = SearchEngine.open(root)
queries = cProfile.Profile()
queries.enable()
for query in json.loads(sys.argv[2]).values():
    for _ in range(20):
        engine.search(query)
queries.disable()
print(json.dumps({"build": shares(build), "queries": shares(queries)}))
"""


def environment(cache: Path, pycache: Path) -> dict[str, str]:
    env = {**os.environ, "CHIPKB_CACHE_DIR": str(cache), "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def child(script: str, *args: str, env: dict[str, str]) -> dict:
    done = subprocess.run([PYTHON, "-c", script, *args], cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def chipkb_command() -> list[str]:
    script = Path(PYTHON).parent / "chipkb"
    return [str(script)] if script.exists() else [PYTHON, "-m", "kb"]


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure_filters(kb_root: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    """Median whole-process ms of the plain search and of each filter query."""
    commands = {"bandwidth": [*chipkb_command(), "search", "--kb", str(kb_root), "bandwidth"]}
    for query in FILTER_QUERIES:
        commands[query] = [*chipkb_command(), "search", "--kb", str(kb_root), query]
    return alternate(commands, env, runs)


def filters_table(sizes: list[int], results: list[dict[str, float]]) -> str:
    lines = ["| `chipkb search` whole process (ms, median) | " + " | ".join(f"{c:,} claims" for c in sizes) + " |"]
    lines.append("|---|" + "---:|" * len(sizes))
    for query in ["bandwidth", *FILTER_QUERIES]:
        cells = []
        for times in results:
            ratio = times[query] / times["bandwidth"]
            cells.append(f"{times[query]:.0f}" + ("" if query == "bandwidth" else f" ({ratio:.2f}x)"))
        lines.append(f"| `{query}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def compare_builds(claims: int, work: Path, runs: int) -> dict[str, dict[str, float]]:
    """The full build as shipped against whoosh's parallel writer, alternating, each in an empty cache
    folder: median seconds and peak memory, and each build's document count (they must agree)."""
    from devtools.synth import generate

    kb_root = work / f"kb-{claims}"
    shutil.rmtree(kb_root, ignore_errors=True)
    generate(kb_root, claims)
    builds = {"chipkb's writer": BUILD, "whoosh's parallel writer (procs=2)": BUILD_WHOOSH_PARALLEL}
    runs_of: dict[str, list[dict]] = {name: [] for name in builds}
    for run in range(runs):
        for number, (name, script) in enumerate(builds.items()):
            cache = work / f"cache-build-{run}-{number}"
            runs_of[name].append(child(script, str(kb_root), env=environment(cache, work / "pycache")))
            shutil.rmtree(cache, ignore_errors=True)
    return {
        name: {
            "seconds": statistics.median(r["seconds"] for r in results),
            "peak_mb": statistics.median(r["peak_mb"] for r in results),
            "docs": sorted({r["docs"] for r in results}),
            "runs": [round(r["seconds"], 1) for r in results],
        }
        for name, results in runs_of.items()
    }


def measure(claims: int, work: Path, runs: int, repeat: int, startup_only: bool, filters: bool = False) -> dict:
    from devtools.synth import generate

    kb_root = work / f"kb-{claims}"
    cache = work / f"cache-{claims}"
    shutil.rmtree(kb_root, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    generate(kb_root, claims)
    env = environment(cache, work / "pycache")
    result: dict = {"claims": claims}
    build = child(BUILD, str(kb_root), env=env)
    result["build_s"], result["build_peak_mb"] = build["seconds"], build["peak_mb"]
    result["index_mb"] = folder_size(cache) / 2**20
    if filters:
        result["filters"] = measure_filters(kb_root, env, runs)
        return result
    if not startup_only:
        edited = kb_root / EDITED_FILE
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace('statement: "', 'statement: "Edited: ', 1), encoding="utf-8")
        result["reindex_one_file_s"] = child(BUILD, str(kb_root), env=env)["seconds"]
    search = [*chipkb_command(), "search", "--kb", str(kb_root), "bandwidth"]
    times = alternate({"search": search, "bare": BARE}, env, runs)
    result["search_process_ms"], result["bare_import_ms"] = times["search"], times["bare"]
    result["ratio"] = result["search_process_ms"] / result["bare_import_ms"]
    if not startup_only:
        queries = json.dumps(QUERIES, ensure_ascii=False)
        result["latency"] = child(LATENCY, str(kb_root), queries, str(repeat), env=env)
    return result


BARE = [PYTHON, "-c", "import whoosh.index, whoosh.qparser"]


#: `chipkb search --kb KB bandwidth` in steps, as kb.cli.main and kb.cli.search run them; each
#: step's script is the ones before it plus its own line.  Each ends as `chipkb` does (gc.freeze).
STEPS = {
    "the command line parsed (kb.cli.main, argparse, kb.cli.search)": (
        "import gc, sys\nfrom kb.cli.main import build_parser\n"
        "args = build_parser(only='search').parse_args(['search', '--kb', sys.argv[1], 'bandwidth'])\n"
        "gc.set_threshold(100_000, *gc.get_threshold()[1:])"
    ),
    "... and `import whoosh.index, whoosh.qparser`": "import whoosh.index, whoosh.qparser",
    "... and chipkb's search modules (kb.search.engine, kb.search.index, kb.search.analysis, kb.search.documents)": (
        "from kb.search.engine import SearchEngine"
    ),
    "... and the index opened (whoosh's codec and searching modules, the segment)": (
        "engine = SearchEngine.open(sys.argv[1], searches_once=True)"
    ),
    "... and the search (20 hits with snippets)": "engine.search('bandwidth')",
}


def breakdown(kb_root: Path, env: dict[str, str], runs: int) -> dict[str, float]:
    """Median whole-process ms of `python -c pass`, the bare import, each step and the command."""
    commands = {"`python -c pass`": [PYTHON, "-c", "pass"], "bare": BARE}
    script = ""
    for name, line in STEPS.items():
        script += line + "\n"
        commands[name] = [PYTHON, "-c", script + "gc.freeze()", str(kb_root)]
    commands["`chipkb search --kb KB bandwidth`, in full"] = [
        *chipkb_command(),
        "search",
        "--kb",
        str(kb_root),
        "bandwidth",
    ]
    return alternate(commands, env, runs)


def breakdown_table(times: dict[str, float]) -> str:
    bare = times.pop("bare")
    lines = [
        "| | ms | x bare import |",
        "|---|---:|---:|",
        f"| bare `import whoosh.index, whoosh.qparser` | {bare:.0f} | 1.00 |",
    ]
    lines += [f"| {name} | {ms:.0f} | {ms / bare:.2f} |" for name, ms in times.items()]
    return "\n".join(lines)


def table(results: list[dict]) -> str:
    sizes = [f"{r['claims']:,} claims" for r in results]
    rows = [
        ("full build (s)", [f"{r['build_s']:.1f}" for r in results]),
        ("full build peak memory, both processes (MB)", [f"{r['build_peak_mb']:.0f}" for r in results]),
        ("index size (MB)", [f"{r['index_mb']:.1f}" for r in results]),
    ]
    if "reindex_one_file_s" in results[0]:
        rows.append(("re-index after editing one file (s)", [f"{r['reindex_one_file_s']:.2f}" for r in results]))
    rows += [
        ("`chipkb search` whole process (ms, median)", [f"{r['search_process_ms']:.0f}" for r in results]),
        ("bare `import whoosh.index, whoosh.qparser` (ms)", [f"{r['bare_import_ms']:.0f}" for r in results]),
        ("ratio search / bare import", [f"{r['ratio']:.2f}x" for r in results]),
    ]
    for name in QUERIES if "latency" in results[0] else ():
        rows.append(
            (
                f"warm {name} `{QUERIES[name]}` p50 / p95 (ms)",
                [f"{r['latency'][name]['p50']:.1f} / {r['latency'][name]['p95']:.1f}" for r in results],
            )
        )
    lines = ["| | " + " | ".join(sizes) + " |", "|---|" + "---:|" * len(sizes)]
    lines += [f"| {name} | " + " | ".join(values) + " |" for name, values in rows]
    return "\n".join(lines)


def profile_table(profile: dict) -> str:
    lines = []
    for phase in ("build", "queries"):
        data = profile[phase]
        lines.append(f"\n{phase} (cProfile, {data['total']:.1f} s of own time):\n")
        lines += [f"- {group}: {share:.0%}" for group, share in data["groups"].items()]
        lines.append("- top functions: " + ", ".join(f"{name} {share:.0%}" for name, share in data["top"]))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="claims per KB")
    parser.add_argument("--with-100k", action="store_true", help="add a KB of 100,000 claims (takes minutes)")
    parser.add_argument("--runs", type=int, default=11, help="whole-process runs of each command")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs of each warm query")
    parser.add_argument("--profile", action="store_true", help="profile the largest size's build and queries")
    parser.add_argument("--startup", action="store_true", help="only the build and the whole-process rows")
    parser.add_argument("--breakdown", action="store_true", help="where the largest size's search start-up goes")
    parser.add_argument("--filters", action="store_true", help="figure and date filters against the plain search")
    parser.add_argument(
        "--builds", action="store_true", help="only the full build, as shipped against whoosh's parallel writer"
    )
    parser.add_argument("--work", type=Path, help="folder for the KBs and caches (default: a temporary one)")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes + ([100_000] if args.with_100k else [])))
    work = args.work or Path(tempfile.mkdtemp(prefix="chipkb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.builds:
        for claims in sizes:
            print(f"building {claims:,} claims in {work}, {args.runs} times each ...", file=sys.stderr, flush=True)
            print(f"{claims:,} claims:", json.dumps(compare_builds(claims, work, args.runs), indent=2))
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    results = []
    for claims in sizes:
        print(f"measuring {claims:,} claims in {work} ...", file=sys.stderr, flush=True)
        results.append(measure(claims, work, args.runs, args.repeat, args.startup, args.filters))
    if args.filters:
        print(filters_table(sizes, [r["filters"] for r in results]))
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    print(table(results))
    if args.breakdown:
        largest = sizes[-1]
        env = environment(work / f"cache-{largest}", work / "pycache")
        print(f"\nWhere `chipkb search` spends its time at {largest:,} claims (ms, medians of {args.runs} runs):\n")
        print(breakdown_table(breakdown(work / f"kb-{largest}", env, args.runs)))
    if args.profile:
        largest = sizes[-1]
        shutil.rmtree(work / f"cache-{largest}", ignore_errors=True)
        env = environment(work / f"cache-{largest}", work / "pycache")
        kb_root = str(work / f"kb-{largest}")
        print(f"\nProfile at {largest:,} claims:")
        print(profile_table(child(PROFILE, kb_root, json.dumps(QUERIES, ensure_ascii=False), env=env)))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
