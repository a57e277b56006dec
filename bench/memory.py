"""Child process of the memory measurements (tracemalloc slows everything, so it runs alone).

``python -m bench.memory parsed FILE``: bytes the parsed knowledge base keeps alive, traced
from before ``load_knowledge_base`` to after it with garbage collected (the model alone).
``python -m bench.memory app FILE``: the explorer opening FILE (through the cache, as the
app does, so an empty cache directory means a first open that parses the YAML), then
moving the cursor and searching; the tracemalloc peak of the whole session, counted from
just before the app is made (modules already imported).
``python -m bench.memory rss FILE``: the same session untraced; the rise of the peak
resident set size over it.
Output: one JSON object.
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import sys
import tracemalloc
from pathlib import Path


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def _peak_rss() -> int:
    """This process's peak resident set size. Not ``ru_maxrss``: Linux carries that over
    from the parent through fork and exec, so a child would report its parent's size."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def parsed(path: Path) -> dict:
    from tui.loader import load_knowledge_base

    gc.collect()
    tracemalloc.start()
    kb = load_knowledge_base(path)
    gc.collect()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"kept": kept, "load_peak": peak, "actors": len(kb.actors)}


async def _session(path: Path) -> None:
    from .interact import SIZE, Session

    session = Session(path)
    async with session.app.run_test(size=SIZE):
        await session.open()
        await session.cursor_moves(1, 20)
        await session.search(1)


def app(path: Path, *, traced: bool) -> dict:
    """The session's tracemalloc peak (``traced``), or its rise of the peak RSS (not traced:
    tracemalloc's own bookkeeping would inflate the RSS)."""
    from tui.app import StakeholderApp  # noqa: F401 - imported before the baseline

    from . import interact  # noqa: F401

    gc.collect()
    rss_before = _rss()
    if traced:
        tracemalloc.start()
    asyncio.run(_session(path))
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"peak": peak}
    return {"rss_rise": _peak_rss() - rss_before}


if __name__ == "__main__":
    mode, file = sys.argv[1], Path(sys.argv[2])
    if mode == "parsed":
        print(json.dumps(parsed(file)))
    else:
        print(json.dumps(app(file, traced=mode == "app")))
