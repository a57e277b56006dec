"""``collector_paused`` in several threads at once (a load, a save, the search index): the
collector stays off until the last block ends, then is frozen and on again."""

from __future__ import annotations

import gc
import threading

from tui.loader import collector_paused


def test_overlapping_blocks_in_two_threads_keep_the_collector_off_until_the_last_ends():
    assert gc.isenabled()
    first_in, first_may_end, first_out = (threading.Event() for _ in range(3))

    def first() -> None:
        with collector_paused():
            first_in.set()
            first_may_end.wait(10)
        first_out.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(10) and not gc.isenabled()
    with collector_paused():
        first_may_end.set()
        assert first_out.wait(10)
        assert not gc.isenabled()  # the first block ended, this one has not
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
