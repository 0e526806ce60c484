"""kb.store.bulk: the cycle collector paused while any pause lasts, in any thread."""

from __future__ import annotations

import gc
import threading

from kb.store.bulk import cycle_collection_paused


def test_overlapping_pauses_in_two_threads_keep_the_collector_off_until_the_last_ends() -> None:
    assert gc.isenabled()
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def other() -> None:
        with cycle_collection_paused():
            first_in.set()
            second_done.wait(5)
        seen.append(gc.isenabled())  # the last pause has ended

    thread = threading.Thread(target=other)
    with cycle_collection_paused():
        thread.start()
        first_in.wait(5)
    seen.append(gc.isenabled())  # the other thread's pause still runs
    second_done.set()
    thread.join(5)
    assert seen == [False, True]
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
