"""The installed `chipkb` command in a real terminal (tmux): it starts, takes a Japanese query typed
as keystrokes, shows the results, and quits on q."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.support.paths import APP_KB

WIDTH, HEIGHT = 120, 35
TIMEOUT = 60.0


def chipkb_command() -> Path:
    command = Path(sys.executable).parent / "chipkb"
    assert command.exists(), f"chipkb is not installed next to {sys.executable}"
    return command


class Tmux:
    """A private tmux server (its own socket), so the test neither sees nor disturbs the user's."""

    def __init__(self, socket: Path) -> None:
        tmux = shutil.which("tmux")
        assert tmux, "tmux is needed for this test (.ci/run installs it)"
        self.base = [tmux, "-u", "-S", str(socket)]

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.base, *args], capture_output=True, text=True, check=check, timeout=30)

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "app").stdout

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never showed; the screen was:\n{self.screen()}")

    def alive(self) -> bool:
        return self("has-session", "-t", "app", check=False).returncode == 0


def start_chipkb(tmux: Tmux, kb: Path) -> None:
    environment = {
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "CHIPKB_CACHE_DIR": os.environ["CHIPKB_CACHE_DIR"],
        "CHIPKB_CONFIG_DIR": os.environ["CHIPKB_CONFIG_DIR"],
    }
    command = ["env", *(f"{k}={v}" for k, v in environment.items()), str(chipkb_command()), "tui", "--kb", str(kb)]
    tmux("new-session", "-d", "-s", "app", "-x", str(WIDTH), "-y", str(HEIGHT), "--", *command)


def test_chipkb_in_tmux_finds_a_japanese_query_and_quits_on_q(tmp_path) -> None:
    tmux = Tmux(tmp_path / "tmux.sock")
    try:
        start_chipkb(tmux, APP_KB)
        tmux.wait_for("Vendors (2)")
        tmux("send-keys", "-t", "app", "/")
        # Textual moves focus on its next turn; a person sees the box focused before typing, and so
        # must the test, or a loaded machine delivers the query to the tree.
        tmux.wait_for("Clear search")
        tmux("send-keys", "-t", "app", "-l", "推論")
        tmux.wait_for("4 results")
        tmux.wait_for("The review says the Blue X5 is a")  # the count paints a frame before the list
        shown = tmux.wait_for("Blue X5 レビュー")
        assert "推論" in shown.splitlines()[1]  # typed into the search box
        tmux("send-keys", "-t", "app", "Escape")
        tmux.wait_for("Vendors (2)")
        tmux("send-keys", "-t", "app", "q")
        deadline = time.monotonic() + TIMEOUT
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not tmux.alive(), "chipkb did not quit on q"
    finally:
        tmux("kill-server", check=False)


def test_a_first_start_builds_a_large_index_inside_the_app(tmp_path) -> None:
    """A KB of many files is parsed by a second process while the index is built; started from
    inside the running app (where Textual stands in for stderr), that must still work."""
    kb = tmp_path / "kb"
    subprocess.run(
        [sys.executable, "-m", "devtools.synth", "--claims", "2000", "--out", str(kb)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    tmux = Tmux(tmp_path / "tmux.sock")
    try:
        start_chipkb(tmux, kb)
        tmux.wait_for("Vendors (")
        tmux("send-keys", "-t", "app", "/")
        tmux.wait_for("Clear search")
        tmux("send-keys", "-t", "app", "-l", "推論")
        shown = tmux.wait_for(" results")
        assert "Could not open the search index" not in shown
        tmux("send-keys", "-t", "app", "Escape")
        tmux.wait_for("Vendors (")  # an Escape and a q sent together read as alt+q
        tmux("send-keys", "-t", "app", "q")
        deadline = time.monotonic() + TIMEOUT
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not tmux.alive(), "chipkb did not quit on q"
    finally:
        tmux("kill-server", check=False)
