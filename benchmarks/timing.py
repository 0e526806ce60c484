"""Timing whole processes the way every benchmark here does: in turn, after warm-up, medians.

The machines are shared and noisy, so two commands are never timed one batch after the other:
each round runs every command once, and what is compared is their medians over the rounds.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def wall(command: list[str], env: dict[str, str]) -> float:
    """Seconds `command` takes as a whole process, run from the repository, its output discarded."""
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def alternate(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, float]:
    """Median wall time (ms) of each command, run in turn `runs` times after two warm-up rounds."""
    for _ in range(2):
        for command in commands.values():
            wall(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(wall(command, env))
    return {name: statistics.median(values) * 1000 for name, values in times.items()}
