"""How fast the app starts and answers a query, measured as a user would feel it.

    python benchmarks/bench_app.py [--runs 7] [--claims 10000] [--json FILE]

1. Start-up, as whole processes in one run, alternating: `chipkb tui` (with CHIPKB_EXIT_WHEN_READY=1,
   which quits as soon as the KB's tree is on screen and the app takes keys) against an empty
   Textual app with a Footer (which quits after its first paint), each in its own pseudo-terminal
   of 140x40.  Done on the bundled KB and on a synthetic KB of `--claims` claims
   (`python -m devtools.synth`), after one untimed warm-up run each (so the search index, the app's copy
   of the loaded KB and Python's bytecode exist, as they would on a user's second start).
   Medians and the ratio.
   With `--first-start`, only the synthetic KB, and each timed `chipkb tui` run gets a new, empty
   cache folder: the first start on a KB the app has not seen (no copy of the loaded KB, no search
   index; Python's bytecode is warm), alternating with the empty app as above.
2. Search latency at `--claims` claims: the app runs in-process (Pilot); queries are typed
   key by key, and the time from the debounce firing (typing stopped) to the results being
   painted is read from the main screen's own timestamps.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIZE = (140, 40)
EMPTY_APP = """
from textual.app import App
from textual.widgets import Footer

class Empty(App):
    def compose(self):
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.exit)

Empty().run()
"""
QUERIES = ("training", "推論", '"custom silicon"', "type:chip memory", "cost OR power")


def run_in_terminal(command: list[str], env: dict[str, str]) -> float:
    """Seconds from starting `command` in a fresh pseudo-terminal to its exit."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    output = bytearray()
    drained = threading.Thread(target=_drain, args=(master, output), daemon=True)
    drained.start()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    code = process.wait(timeout=300)
    elapsed = time.perf_counter() - start
    os.close(slave)
    drained.join(timeout=5)
    os.close(master)
    if code != 0:
        tail = output[-2000:].decode("utf-8", "replace")
        raise SystemExit(f"{' '.join(command)} exited with {code}; its terminal ended with:\n{tail}")
    return elapsed


def _drain(master: int, output: bytearray) -> None:
    """Read the terminal's output (so the app never blocks on a full pipe), keeping its end."""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            return
        if not chunk:
            return
        output.extend(chunk)
        del output[:-4000]


def start_up(kb: Path, runs: int, env: dict[str, str]) -> dict[str, float]:
    chipkb = [str(Path(sys.executable).parent / "chipkb"), "tui", "--kb", str(kb)]
    empty = [sys.executable, "-c", EMPTY_APP]
    app_env = {**env, "CHIPKB_EXIT_WHEN_READY": "1"}
    run_in_terminal(chipkb, app_env)  # warm-up: builds the search index, fills bytecode caches
    run_in_terminal(empty, env)
    app_times, empty_times = [], []
    for _ in range(runs):
        app_times.append(run_in_terminal(chipkb, app_env))
        empty_times.append(run_in_terminal(empty, env))
    app_median, empty_median = statistics.median(app_times), statistics.median(empty_times)
    return {
        "chipkb_s": round(app_median, 3),
        "empty_app_s": round(empty_median, 3),
        "ratio": round(app_median / empty_median, 2),
        "chipkb_runs": [round(t, 3) for t in app_times],
        "empty_runs": [round(t, 3) for t in empty_times],
    }


def first_start(kb: Path, runs: int, env: dict[str, str], scratch: Path) -> dict[str, object]:
    """`start_up` with a new cache folder for every chipkb run: a KB the app has never seen."""
    chipkb = [str(Path(sys.executable).parent / "chipkb"), "tui", "--kb", str(kb)]
    empty = [sys.executable, "-c", EMPTY_APP]

    def fresh(number: int) -> dict[str, str]:
        return {**env, "CHIPKB_EXIT_WHEN_READY": "1", "CHIPKB_CACHE_DIR": str(scratch / f"first-{number}")}

    run_in_terminal(chipkb, fresh(-1))  # warm-up: bytecode
    run_in_terminal(empty, env)
    app_times, empty_times = [], []
    for number in range(runs):
        app_times.append(run_in_terminal(chipkb, fresh(number)))
        empty_times.append(run_in_terminal(empty, env))
    app_median, empty_median = statistics.median(app_times), statistics.median(empty_times)
    return {
        "chipkb_first_start_s": round(app_median, 3),
        "empty_app_s": round(empty_median, 3),
        "ratio": round(app_median / empty_median, 2),
        "chipkb_runs": [round(t, 3) for t in app_times],
        "empty_runs": [round(t, 3) for t in empty_times],
    }


async def search_latency(kb: Path) -> dict[str, object]:
    sys.path.insert(0, str(REPO))
    from tui.app import ChipKBApp

    app = ChipKBApp(kb, poll_seconds=0)
    latencies: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        while app.session.kb is None or app.session.engine is None:
            await pilot.pause(0.05)
        pane = app.main.search_pane()
        for query in QUERIES:
            await pilot.press("slash")
            await pilot.press("ctrl+a", "ctrl+k")  # empty the box
            for char in query:
                await pilot.press(char if char != " " else "space")
            while pane.results_for != query or pane.results_at < pane.debounced_at:
                await asyncio.sleep(0.005)  # not pilot.pause(): that would keep the UI thread busy
            latencies[query] = round((pane.results_at - pane.debounced_at) * 1000, 1)
    values = list(latencies.values())
    return {"per_query_ms": latencies, "median_ms": statistics.median(values), "max_ms": max(values)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--first-start", action="store_true", help="only the first start on an unseen KB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chipkb-bench-") as scratch:
        folder = Path(scratch)
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "CHIPKB_CACHE_DIR": str(folder / "cache"),
            "CHIPKB_CONFIG_DIR": str(folder / "config"),
            # Bytecode as an installed package has it (pip compiles at install time), kept out of the
            # source tree; PYTHONDONTWRITEBYTECODE would otherwise recompile kb/ and tui/ every start.
            "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ.update({k: env[k] for k in ("CHIPKB_CACHE_DIR", "CHIPKB_CONFIG_DIR")})
        synthetic = folder / "synthetic"
        subprocess.run(
            [sys.executable, "-m", "devtools.synth", "--claims", str(args.claims), "--out", str(synthetic)],
            check=True,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
        )
        if args.first_start:
            results: dict[str, object] = {
                "python": sys.version.split()[0],
                f"first_start_{args.claims}": first_start(synthetic, args.runs, env, folder),
            }
            print(json.dumps(results, ensure_ascii=False, indent=2))
            return 0
        results = {
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "bundled_kb": start_up(REPO / "kb" / "data", args.runs, env),
            f"synthetic_{args.claims}": start_up(synthetic, args.runs, env),
            f"search_{args.claims}": asyncio.run(search_latency(synthetic)),
        }
    print(json.dumps(results, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
