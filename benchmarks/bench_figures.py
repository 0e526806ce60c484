"""How fast `chipkb rank`, `chipkb chart` and `chipkb timeline` answer, against `chipkb search` on the
same KB, and how fast the app's Chart view draws its points.

    python benchmarks/bench_figures.py [--claims 100000] [--runs 11] [--kb DIR] [--work DIR]

1. A synthetic KB of `--claims` claims (`python -m devtools.synth`: a chip for every 100 claims,
   each with a BF16 and an HBM figure and a TDP not disclosed), or the KB given with --kb.
2. Whole processes, piped, in turn, `--runs` of each after two warm-up rounds (so the search index
   and the chips' cache exist and are fresh, and Python's bytecode is cached): `chipkb search
   bandwidth`, `chipkb rank bf16-dense`, `chipkb chart bf16-dense --width 100 --height 30` and
   `chipkb timeline`. Medians, and each one's ratio to the search.
3. The first `chipkb rank` on the KB (an empty cache folder: it reads the chip files), once.
4. The Chart view in the app (in-process, headless, 120x40), the KB already loaded: the time from
   the `g` key to the plot's first draw of all its points, `--runs` times (median and max).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import alternate, wall  # benchmarks/timing.py: run as `python benchmarks/...`

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def chipkb() -> list[str]:
    script = Path(PYTHON).parent / "chipkb"
    return [str(script)] if script.exists() else [PYTHON, "-m", "kb"]


async def chart_view(kb_root: Path, runs: int) -> list[float]:
    """Milliseconds from `g` to the Chart view's first draw, the KB loaded, `runs` times."""
    from tui.app import ChipKBApp
    from tui.screens.chart import ChartScreen

    app = ChipKBApp(kb_root, poll_seconds=0)
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.session.kb is None:
            await pilot.pause(0.05)
        for _ in range(runs + 1):  # the first opening imports plotext: not counted
            start = time.perf_counter()
            await pilot.press("g")
            screen = app.screen
            while not isinstance(screen, ChartScreen) or screen.plot.drawn_at == 0:
                await pilot.pause(0.001)
                screen = app.screen
            assert screen.describe()["points"] > 0
            times.append((screen.plot.drawn_at - start) * 1000)
            await pilot.press("escape")
            await pilot.pause()
    return times[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--kb", type=Path, help="measure this KB instead of a synthetic one")
    parser.add_argument("--work", type=Path, help="keep the KB and caches here (default: a temporary folder)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="chipkb-bench-figures-"))
    work.mkdir(parents=True, exist_ok=True)
    kb_root = args.kb
    if kb_root is None:
        from devtools.synth import generate

        kb_root = work / f"kb-{args.claims}"
        if not kb_root.exists():
            generate(kb_root, args.claims)
    cache = work / "cache"
    env = {**os.environ, "CHIPKB_CACHE_DIR": str(cache), "CHIPKB_CONFIG_DIR": str(work / "config")}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    base = [*chipkb()]
    kb = ["--kb", str(kb_root)]
    print(f"KB: {kb_root} ({args.claims if args.kb is None else 'given'} claims)", flush=True)
    start = time.perf_counter()
    subprocess.run([*base, "search", *kb, "bandwidth"], env=env, capture_output=True, check=False)
    print(f"search index built (or found) in {time.perf_counter() - start:.1f} s", flush=True)
    shutil.rmtree(cache / "kb-sections", ignore_errors=True)
    cold = wall([*base, "rank", "bf16-dense", *kb], env) * 1000
    commands = {
        "chipkb search bandwidth": [*base, "search", *kb, "bandwidth"],
        "chipkb rank bf16-dense": [*base, "rank", "bf16-dense", *kb],
        "chipkb rank bf16-dense --json": [*base, "rank", "bf16-dense", "--json", *kb],
        "chipkb chart bf16-dense --width 100 --height 30": [
            *base,
            "chart",
            "bf16-dense",
            "--width",
            "100",
            "--height",
            "30",
            *kb,
        ],
        "chipkb timeline": [*base, "timeline", *kb],
    }
    medians = alternate(commands, env, args.runs)
    search = medians["chipkb search bandwidth"]
    print(f"\n| command (whole process, median of {args.runs}) | ms | ratio to search |")
    print("|---|---:|---:|")
    for name, ms in medians.items():
        print(f"| `{name}` | {ms:.0f} | {ms / search:.2f}x |")
    first = "`chipkb rank bf16-dense`, first run (empty cache: reads the chip files)"
    print(f"| {first} | {cold:.0f} | {cold / search:.2f}x |")
    os.environ.update({"CHIPKB_CACHE_DIR": str(cache), "CHIPKB_CONFIG_DIR": str(work / "config")})
    times = asyncio.run(chart_view(kb_root, args.runs))
    print(f"\nChart view, `g` to the first draw of every point: median {statistics.median(times):.0f} ms, ", end="")
    print(f"max {max(times):.0f} ms ({args.runs} openings, 120x40)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
