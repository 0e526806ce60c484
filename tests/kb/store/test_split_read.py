"""kb.store.split_read: the files read in two processes give exactly what one process reads.

Each case runs in a fresh Python process (a fork is made only from a process with one thread,
which pytest's may not be), on a KB with problems in several files and an id defined twice (the
first file wins, so the order of the files matters)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.store.load import read_kb_files
from tests.support.kb_files import synthetic_kb, write_kb

SCRIPT = r"""
import json, os, signal, sys, threading
from pathlib import Path
from kb.store import split_read
from kb.store.load import read_kb_files

root, case, after = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
split_read.SPLIT_BYTES = 0  # the test KB is small

def keep(loaded):
    if case == "fails-early":
        raise RuntimeError("the copy cannot be written")
    if case == "fails-late":
        import time
        time.sleep(60)  # killed meanwhile
    after.write_text(json.dumps([[e.id for e in loaded.entities], [str(p) for p in loaded.problems]]))

if case == "threaded":
    release = threading.Event()
    threading.Thread(target=release.wait).start()
read = split_read.SplitRead(root, afterwards=keep)
forked_pid = read.child_pid
forked = forked_pid is not None
if case == "killed":
    os.kill(read.child_pid, signal.SIGKILL)
loaded = read.finish()
if case == "threaded":
    release.set()
failure_seen = threading.Event()
if case == "fails-late":
    read.on_child_failure(failure_seen.set)
    os.kill(forked_pid, signal.SIGKILL)
elif case == "fails-early":
    import time
    time.sleep(3)  # the child has read the rest and failed by now
    read.on_child_failure(failure_seen.set)
expected = read_kb_files(root)
print(json.dumps({
    "forked": forked,
    "same": loaded.entities == expected.entities and loaded.problems == expected.problems,
    "files": loaded.files == expected.files,
    "afterwards_taken": read.afterwards_taken,
    "failure_seen": failure_seen.wait(10) if case.startswith("fails") else None,
}))
"""


@pytest.fixture(scope="module")
def kb_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = synthetic_kb(tmp_path_factory.mktemp("split") / "kb", claims=2500)
    write_kb(
        root,
        {
            "claims-0.yaml": (root / "claims-0.yaml").read_text(encoding="utf-8") + "  - {id: broken\n",
            "more/again.yaml": "claims:\n  - {id: claim-00001, statement: Defined again, subjects: [chip-1], "
            "source: src, excerpt: Paragraph 1 says}\n",
            "more/unknown.yaml": "gadgets: []\n",
            "more/vendor.yaml": "vendors:\n  - {id: vendor-9, name: Vendor 9, kind: foundry}\n",
        },
    )
    return root


def _run(kb_root: Path, case: str, after: Path) -> dict[str, bool | None]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(kb_root), case, str(after)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _outcome(*, forked: bool, taken: bool, failure_seen: bool | None = None) -> dict[str, bool | None]:
    """What the script prints when the read gave exactly what one process reads."""
    return {"forked": forked, "same": True, "files": True, "afterwards_taken": taken, "failure_seen": failure_seen}


def _wait_for(path: Path) -> list[list[str]]:
    for _ in range(200):
        if path.exists() and path.read_text():
            return json.loads(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} was never written")


def test_the_two_processes_read_what_one_reads_and_the_child_goes_on_to_the_whole(kb_root, tmp_path) -> None:
    after = tmp_path / "after.json"
    assert _run(kb_root, "plain", after) == _outcome(forked=True, taken=True)
    expected = read_kb_files(kb_root)
    assert expected.problems, "the KB is meant to have problems in several files"
    assert _wait_for(after) == [[e.id for e in expected.entities], [str(p) for p in expected.problems]]


def test_a_child_that_dies_is_replaced_by_reading_its_files_here(kb_root, tmp_path) -> None:
    after = tmp_path / "after.json"
    assert _run(kb_root, "killed", after) == _outcome(forked=True, taken=False)
    assert not after.exists()


def test_a_process_with_threads_does_not_fork(kb_root, tmp_path) -> None:
    after = tmp_path / "after.json"
    assert _run(kb_root, "threaded", after) == _outcome(forked=False, taken=False)
    assert not after.exists()


@pytest.mark.parametrize("case", ["fails-late", "fails-early"])
def test_a_child_that_dies_after_sending_its_part_is_reported_to_whoever_waits(kb_root, tmp_path, case) -> None:
    """The app then writes its copy itself (tui.first_load): reported when it dies, or at once if it
    already had when the app asks."""
    after = tmp_path / "after.json"
    assert _run(kb_root, case, after) == _outcome(forked=True, taken=True, failure_seen=True)
    assert not after.exists()
