"""`chipkb validate` on one large KB file: the code as it is against another copy of the `kb` package.

    python benchmarks/bench_validate.py --claims 100000 --runs 5 --against REV

makes `python -m devtools.synth --claims N --one-file` (every vendor, chip, source and claim in
one `kb.yaml`; 100,000 claims make 40 MB), then runs `python -m kb validate` on it as whole
processes, alternating this tree's `kb` with the `kb` of git revision REV (extracted with
`git archive` into a scratch folder; HEAD by default), after one untimed run of each, and prints
each one's median wall time and the ratio.  CHIPKB_MAX_FILE_BYTES is raised to let
the file be read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(kb: Path, package_root: Path, env: dict[str, str]) -> float:
    """Wall seconds of one validate run."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "kb", "validate", "--kb", str(kb)],
        cwd=package_root,
        env={**env, "PYTHONPATH": str(package_root)},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"validate failed ({result.returncode}): {result.stderr[-500:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", default="HEAD", help="git revision to compare with (default HEAD)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as scratch:
        work = Path(scratch)
        kb = work / "kb-one-file"
        subprocess.run(
            [sys.executable, "-m", "devtools.synth", "--claims", str(args.claims), "--out", str(kb), "--one-file"],
            cwd=REPO,
            check=True,
        )
        before_root = work / "before"
        before_root.mkdir()
        archive = subprocess.run(["git", "archive", args.against, "kb"], cwd=REPO, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(before_root)], input=archive.stdout, check=True)
        env = {
            **os.environ,
            "CHIPKB_MAX_FILE_BYTES": "200000000",
            "CHIPKB_CACHE_DIR": str(work / "cache"),
            "CHIPKB_CONFIG_DIR": str(work / "config"),
        }
        sides = {"this tree": REPO, args.against: before_root}
        times: dict[str, list[float]] = {name: [] for name in sides}
        for root in sides.values():  # warm-up: bytecode compiled, file in the page cache
            run(kb, root, env)
        for _ in range(args.runs):
            for name, root in sides.items():
                times[name].append(run(kb, root, env))
        size = (kb / "kb.yaml").stat().st_size / 1e6
        print(f"chipkb validate, {args.claims} claims in one file ({size:.0f} MB), median of {args.runs}:")
        for name, values in times.items():
            print(f"  {name}: {statistics.median(values):.2f} s  (runs: {', '.join(f'{v:.1f}' for v in values)})")
        ratio = statistics.median(times["this tree"]) / statistics.median(times[args.against])
        print(f"  ratio this tree / {args.against}: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
