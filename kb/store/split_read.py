"""Reading a KB's files in two processes: a forked child reads some of them while this process
does something else, then this one reads the others and takes the child's back.

The app's first start on a KB it has not seen was mostly reading YAML (about 1 s at 10,000
claims) after importing Textual (about 0.3 s), one after the other on one core.  Started before
Textual is imported, the child reads while the app starts; the app reads its own files once its
screen shows, and the two together are what one process would have read, in file order.  The
child takes files spread over the whole list (three in five), not the first ones: files of one
kind sit together (sources, then claims) and read at different speeds per byte.

Once its part is sent, the child can go on to read the rest and hand the whole to `afterwards`:
the app keeps its copy of the loaded KB that way (tui.kb_cache), and never waits for it itself.
Nobody waits for that: a thread of this process reaps the child whenever it ends (no zombie is
left while the app runs), and its standard streams are /dev/null, so it never holds the app's
terminal or pipes open after the app has quit.

The child is forked, so it starts at once with the modules already imported; a fork is made only
while this process has a single thread (forking a threaded process can copy a lock some other
thread holds), and only where `os.fork` exists.  What it read comes back pickled through a pipe
that only the two processes hold, never through a file anyone else could write.  Should the child
fail in any way (killed, out of memory, a broken pipe), this process reads the child's files
itself: the result is the same, only slower.  Ctrl-C ends the child without a word: the parent
answers it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path

from kb.store.bulk import cycle_collection_paused
from kb.store.load import LoadedFiles, kb_files, read_files
from kb.store.model import Entity, Problem
from kb.store.yamlread import Limits

#: Below this many bytes of YAML, one process reads the KB in less time than a fork costs to pay off.
SPLIT_BYTES = 256 * 1024
#: Of every CHILD_OF files, the child reads CHILD_TAKES: it starts first, while the parent imports
#: Textual, but it also pickles what it read, which the parent unpickles (benchmarks/bench_app.py).
CHILD_TAKES, CHILD_OF = 3, 5

#: What reading gave, by the file's place in the list: its entities and its problems.
Parts = dict[int, tuple[list[Entity], list[Problem]]]


class SplitRead:
    """A read of one KB's files, begun (perhaps in a child process) and finished by `finish`."""

    def __init__(
        self,
        kb_root: Path,
        limits: Limits | None = None,
        *,
        fork: bool = True,
        afterwards: Callable[[LoadedFiles], None] | None = None,
    ) -> None:
        self.kb_root = kb_root
        self.limits = limits or Limits.from_environment()
        self._scan_problems: list[Problem] = []
        self.files = kb_files(kb_root, self._scan_problems)
        self._child: tuple[int, int] | None = None  # its pid, and the end of its pipe to read from
        self._child_takes: list[int] = []
        #: Whether the child took `afterwards` on: it sent its part, so it is alive and will read the rest.
        self.afterwards_taken = False
        self._ended: int | None = None  # the child's exit code, once reaped
        self._if_it_fails: Callable[[], None] | None = None
        self._reaping = threading.Lock()
        if fork and _can_fork() and _worth_splitting(self.files):
            self._child_takes = [i for i in range(len(self.files)) if i % CHILD_OF < CHILD_TAKES]
            self._child = _start_child(self, afterwards)
            if self._child is None:
                self._child_takes = []

    @property
    def child_pid(self) -> int | None:
        """The child reading now, if there is one (not after `finish`)."""
        return None if self._child is None else self._child[0]

    def finish(self) -> LoadedFiles:
        """Everything read, as `read_kb_files` would give it: this process reads its files, then takes
        the child's (or reads the child's files too, should the child have failed)."""
        taken = set(self._child_takes)
        parts = self._read([i for i in range(len(self.files)) if i not in taken])
        theirs = self._collect()
        self.afterwards_taken = theirs is not None
        parts.update(theirs or self._read(self._child_takes))
        return self._whole(parts)

    def on_child_failure(self, callback: Callable[[], None]) -> None:
        """Call `callback` should the child that took `afterwards` on end without finishing it
        (killed, out of memory, an exception): at once when it already has, else when it does
        (in the thread that reaps it)."""
        with self._reaping:
            failed = self._ended is not None and self._ended != 0
            if self._ended is None:
                self._if_it_fails = callback
        if failed:
            callback()

    def _reap(self, pid: int) -> None:
        try:
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
        except ChildProcessError:
            code = 1
        with self._reaping:
            self._ended, callback = code, self._if_it_fails
        if code != 0 and callback is not None:
            callback()

    def _read(self, indices: list[int]) -> Parts:
        parts: Parts = {}
        with cycle_collection_paused():
            for index in indices:
                loaded = LoadedFiles()
                read_files([self.files[index]], self.kb_root, self.limits, loaded)
                parts[index] = (loaded.entities, loaded.problems)
        return parts

    def _whole(self, parts: Parts) -> LoadedFiles:
        loaded = LoadedFiles(files=self.files, problems=list(self._scan_problems))
        for index in range(len(self.files)):
            entities, problems = parts[index]
            loaded.entities.extend(entities)
            loaded.problems.extend(problems)
        return loaded

    def _collect(self) -> Parts | None:
        """The child's parts, or None when it has none to give (it failed, or there is no child)."""
        if self._child is None:
            return None
        (pid, pipe), self._child = self._child, None
        try:
            with os.fdopen(pipe, "rb") as stream:
                data = stream.read()
            with cycle_collection_paused():
                parts = pickle.loads(data)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            parts = None
        finally:
            threading.Thread(target=self._reap, args=(pid,), name="chipkb-reap", daemon=True).start()
        return parts if isinstance(parts, dict) and sorted(parts) == self._child_takes else None

    def __del__(self) -> None:
        """A read never finished (the app quit first): the child's next write fails, and it exits."""
        if self._child is not None:
            os.close(self._child[1])


def _can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def _worth_splitting(files: list[Path]) -> bool:
    total = 0
    for file in files:
        with contextlib.suppress(OSError):
            total += file.stat().st_size
    return len(files) >= CHILD_OF and total >= SPLIT_BYTES


def _start_child(read: SplitRead, afterwards: Callable[[LoadedFiles], None] | None) -> tuple[int, int] | None:
    """Fork the child; its pid, and the end of its pipe to read from."""
    reading, writing = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return None
    if pid:
        os.close(writing)
        return pid, reading
    code = 1
    try:  # never returns, never runs the parent's exit handlers or flushes its buffers
        os.close(reading)
        _child(read, writing, afterwards)
        code = 0
    finally:
        os._exit(code)


def _child(read: SplitRead, writing: int, afterwards: Callable[[LoadedFiles], None] | None) -> None:
    """The child: its part pickled into the pipe, then perhaps the rest and `afterwards`."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(null, stream)
    with cycle_collection_paused():
        parts = read._read(read._child_takes)
        data = pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)
    with os.fdopen(writing, "wb") as stream:
        stream.write(data)
    if afterwards is not None:
        parts.update(read._read([i for i in range(len(read.files)) if i not in parts]))
        afterwards(read._whole(parts))
