"""Making many objects at once: Python's cycle collector paused meanwhile.

Reading a KB makes millions of objects (YAML nodes, marks, entities, locations) with no cycles
among them, and so does turning a loaded KB into JSON or back.  The collector, which runs every
few hundred allocations, would walk them all again and again: 100,000 claims in one file take
25 s to read with it and 10 s without; the app's copy of a 10,000-claim KB takes 0.6 s to write
with it and 0.2 s without.  The collector is process-wide and threads pause it independently (the
app's loading worker while another writes), so pauses are counted: it comes back on when the last
one ends, if it was on when the first began.  Nothing here makes cycles, and the next collection
after the pause finds any others.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_pauses = 0
_was_collecting = False


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """The cycle collector off meanwhile, and back to what it was once no pause is left."""
    global _pauses, _was_collecting
    with _lock:
        if _pauses == 0:
            _was_collecting = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_collecting:
                gc.enable()
