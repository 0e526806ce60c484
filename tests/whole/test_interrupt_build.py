"""Ctrl-C during an index build: one line, `chipkb: interrupted`, and exit 130, whenever it comes.

A full build of more than a few files parses YAML in a spawned process.  Ctrl-C reaches the whole
process group, so the parser process gets it too; it used to print its own traceback (20-40
lines) when the signal came while it was starting.  These tests run the real `chipkb search` on
a synthetic KB with a fresh cache, and send SIGINT to its process group while the parser process
starts, and later while the build runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.synth import generate

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the parser process in /proc")


@pytest.fixture(scope="module")
def big_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("kb") / "kb", 3000)  # 30 claim files: parsed in a second process


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in found.split()]


def _parser_started(pid: int) -> bool:
    """Whether `pid` has spawned the parser process (its command line runs multiprocessing's spawn_main)."""
    for child in _children(pid):
        with_args = Path(f"/proc/{child}/cmdline")
        try:
            if b"spawn_main" in with_args.read_bytes():
                return True
        except OSError:
            continue
    return False


def _default_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupted_search(kb: Path, cache: Path, after: float) -> subprocess.CompletedProcess[str]:
    """`chipkb search` building a fresh index, sent SIGINT `after` seconds after its parser process appeared."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "search", "x", "--kb", str(kb)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a command
        # and Ctrl-C at its default, as an interactive shell gives it: the test process's own state
        # (another test, or whatever ran pytest, may have left SIGINT ignored) must not leak in
        preexec_fn=_default_interrupt,
        env={**os.environ, "CHIPKB_CACHE_DIR": str(cache)},
    )
    deadline = time.monotonic() + 60
    while not _parser_started(process.pid):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the parser process never started"
        time.sleep(0.002)
    time.sleep(after)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize("after", [0.0, 0.01, 0.05, 0.1, 0.2, 0.4, 0.6])
def test_ctrl_c_during_a_build_is_one_line_and_exit_130(big_kb: Path, tmp_path: Path, after: float) -> None:
    result = _interrupted_search(big_kb, tmp_path / "cache", after)
    assert (result.returncode, result.stderr, result.stdout) == (130, "chipkb: interrupted\n", "")


def test_the_next_search_after_an_interrupted_build_answers(big_kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _interrupted_search(big_kb, cache, 0.2).returncode == 130
    again = subprocess.run(
        [sys.executable, "-m", "kb", "search", "type:vendor", "--kb", str(big_kb)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHIPKB_CACHE_DIR": str(cache)},
    )
    assert again.returncode == 0, again.stderr
    assert "aster" in again.stdout.lower()
