"""Latency inside a running app: from a key event to the frame that shows its result.

Each key is handed to the app's driver the way a terminal's input thread hands it over;
``t0`` is taken just before. The app then runs on its own; ``t1`` is the frame by which
every watched widget has been painted in its new state (see ``frames.Watch``). Between keys
the app is left to go idle, then one frame period more, as between a typist's keystrokes,
so that no key waits on the previous one.

Run as a child process, one scenario per process, so that each app starts from a clean
interpreter (the garbage collector's work depends on everything else alive in the process):

``python -m bench.interact floor ROUNDS``       reference (c), the Input-to-Label floor
``python -m bench.interact session FILE ROUNDS``  open, cursor moves (down the list, and
                                                onto its busiest actor), search keystrokes
``python -m bench.interact loading FILE``       frame gaps and event-loop stalls while
                                                FILE loads (give an empty cache directory)
``python -m bench.interact save FILE ROUNDS``   a captured claim saved to FILE (a copy: it
                                                is written) until it is on screen, then
                                                undone; and FILE reloaded after an outside
                                                edit. Frame gaps and stalls meanwhile
Output: one JSON object of seconds.
"""

from __future__ import annotations

import asyncio
import json
import sys
import unicodedata
from pathlib import Path
from time import perf_counter

from textual import events
from textual.app import App
from textual.keys import _character_to_key, _get_unicode_name_from_key
from textual.screen import UPDATE_PERIOD

from tui.app import StakeholderApp
from tui.screens.search import SearchScreen
from tui.widgets.actor_list import ActorList
from tui.widgets.items import items_of
from tui.widgets.relation_table import RelationTable
from tui.widgets.source_text import SourceText
from tui.widgets.source_view import SourceView

from .frames import FrameRecorder, Target
from .probes import (
    LabelFloor,
    explorer_of,
    explorer_shows,
    label_shows,
    next_actor_row,
    search_shows,
)

SIZE = (120, 40)
QUIET = 0.3  # seconds without a frame after which the app has finished with a key
LATE = 0.05  # a wait that overran by more than this was held up by the app: not quiet
LIMIT = 30.0  # seconds after which a key counts as lost: the benchmark fails loudly
OPEN_LIMIT = 600.0  # for opening a file (traced by tracemalloc, a huge one takes minutes)
GAP = UPDATE_PERIOD + 0.005  # between the last frame of one key and the next key
CURSOR_MOVES = 25  # per round: from the top, past the bottom of the view (it scrolls)
STALL_PROBE = 0.005  # seconds the event-loop probe sleeps between its checks

# Names (word starts; several words), quotes only, nothing at all, and every quote.
QUERIES = ("talks", "port 42", "item 4242", "qzx", "over the")
CLEAR = "ctrl+u"  # the Input's "delete everything left of the cursor"


def key_event(key: str) -> events.Key:
    """The event a terminal would deliver for ``key`` (as Textual's Pilot builds it)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def press(app: App, recorder: FrameRecorder, key: str, targets: list[Target]) -> float:
    """Seconds from delivering ``key`` to the frame that shows its result."""
    watch = recorder.watch(targets)
    event = key_event(key)
    event.set_sender(app)
    t0 = perf_counter()
    app._driver.send_message(event)
    while not watch.done.is_set():
        frames = len(recorder.times)
        waited_from = perf_counter()
        try:
            await asyncio.wait_for(watch.done.wait(), QUIET)
        except TimeoutError:
            if perf_counter() - t0 > LIMIT:
                raise RuntimeError(f"no result on screen {LIMIT:.0f} s after {key!r}") from None
            # Quiet: no frame for QUIET seconds of a loop that was free to run them. A
            # target that was never repainted then looked the same before and after the key.
            free = perf_counter() - waited_from < QUIET + LATE
            if free and len(recorder.times) == frames and watch.can_settle():
                recorder.watches.remove(watch)
                watch.settle()
    assert watch.done_at is not None
    await _idle(recorder)
    return watch.done_at - t0


async def _idle(recorder: FrameRecorder) -> None:
    """Let the app finish, then wait one frame period past its last frame."""
    for _ in range(3):
        await asyncio.sleep(0)
    while True:
        wait = recorder.times[-1] + GAP - perf_counter() if recorder.times else 0
        if wait <= 0:
            return
        await asyncio.sleep(wait)


def typed_keys(query: str) -> list[tuple[str, str]]:
    """(key, value of the input after it) for typing ``query`` then clearing it."""
    return [(query[n - 1], query[:n]) for n in range(1, len(query) + 1)] + [(CLEAR, "")]


async def label_floor(rounds: int) -> list[float]:
    """Reference (c): per-keystroke latency of an Input copying its value into a Label."""
    app = LabelFloor()
    recorder = FrameRecorder(app)
    latencies: list[float] = []
    async with app.run_test(size=SIZE):
        await _idle(recorder)
        for _ in range(rounds):
            for query in QUERIES:
                for key, value in typed_keys(query):
                    latencies.append(await press(app, recorder, key, label_shows(app, value)))
    return latencies


class Session:
    """The explorer on one knowledge base, with its frames recorded from the start."""

    def __init__(self, path: Path) -> None:
        self.app = StakeholderApp(path)
        self.recorder = FrameRecorder(self.app)
        self.first_screen = self.recorder.watch(explorer_shows(self.app))
        self.created = perf_counter()

    async def open(self) -> float:
        """Wait for the first full explorer screen; seconds since the app was created."""
        await asyncio.wait_for(self.first_screen.done.wait(), OPEN_LIMIT)
        await _idle(self.recorder)
        return self.first_screen.done_at - self.created

    async def cursor_moves(self, rounds: int, per_round: int = CURSOR_MOVES) -> list[float]:
        """Cursor down in the actor list, the relation, detail and source panes following.
        Each round starts again from the top."""
        app = self.app
        actors = explorer_of(app).query_one(ActorList)
        actors.focus()
        latencies: list[float] = []
        for _ in range(rounds):
            first = actors.first_actor_id()
            if actors.actor_at(actors.cursor_row) != first:
                await press(app, self.recorder, "home", explorer_shows(app, first))
            for _ in range(per_round):
                target = actors.actor_at(next_actor_row(actors, actors.cursor_row))
                shown = explorer_shows(app, target)
                latencies.append(await press(app, self.recorder, "down", shown))
        return latencies

    async def moves_onto_the_busiest_actor(self, rounds: int) -> tuple[int, list[float]]:
        """Cursor onto the actor with the most rows in the relations table, from the actor
        next to it, the panes following; then back, unmeasured. Returns its row count."""
        app = self.app
        screen = explorer_of(app)
        kb = screen.kb
        busiest = max((actor.id for actor in kb.actors), key=lambda id: len(items_of(kb, id)))
        actors = screen.query_one(ActorList)
        actors.focus()
        row = next(row for row in range(actors.row_count) if actors.actor_at(row) == busiest)
        above = next((r for r in range(row - 1, -1, -1) if actors.actor_at(r) is not None), None)
        neighbour = above if above is not None else next_actor_row(actors, row)
        onto, back = ("down", "up") if above is not None else ("up", "down")
        start = actors.actor_at(neighbour)
        if screen.actor_id != start:
            shown = self.recorder.watch(explorer_shows(app, start))
            screen.actor_id = start
            await asyncio.wait_for(shown.done.wait(), LIMIT)
            await _idle(self.recorder)
        latencies: list[float] = []
        for _ in range(rounds):
            latencies.append(await press(app, self.recorder, onto, explorer_shows(app, busiest)))
            await press(app, self.recorder, back, explorer_shows(app, start))
        return len(items_of(kb, busiest)), latencies

    async def search(self, rounds: int) -> tuple[float, list[float]]:
        """Open the search overlay (its index, then its digests, built in threads),
        then type every query, clearing the input after each. Returns the opening latency,
        the time until the digests are built, and the keystrokes' latencies."""
        app = self.app

        def overlay() -> SearchScreen | None:
            return app.screen if isinstance(app.screen, SearchScreen) else None

        def part(name: str, selector: str) -> Target:
            def find():
                screen = overlay()
                return screen.query_one(selector) if screen is not None else None

            return Target(name, find, lambda: overlay() is not None)

        targets = [part("input", "#search-input"), part("status", "#search-status")]
        pressed = perf_counter()
        opened = await press(app, self.recorder, "slash", targets)
        screen = overlay()
        # Its word digests are built in a thread: keys typed before then are answered by
        # whole scans (the same hits, slower). Measured at full speed, as after a pause.
        await _until(lambda: screen.index is not None and screen.index.prepared)
        ready = perf_counter() - pressed
        latencies: list[float] = []
        for _ in range(rounds):
            for query in QUERIES:
                for key, value in typed_keys(query):
                    targets = search_shows(screen, value)
                    latencies.append(await press(app, self.recorder, key, targets))
        return opened, ready, latencies


async def session(path: Path, rounds: int) -> dict:
    run = Session(path)
    async with run.app.run_test(size=SIZE):
        opened = await run.open()
        cursor = await run.cursor_moves(rounds)
        busiest_rows, onto_busiest = await run.moves_onto_the_busiest_actor(rounds)
        search_opened, search_ready, search = await run.search(rounds)
    return {
        "open": opened,
        "cursor": cursor,
        "busiest_rows": busiest_rows,
        "onto_busiest": onto_busiest,
        "search_open": search_opened,
        "search_ready": search_ready,
        "search": search,
    }


async def loading(path: Path) -> dict:
    """While ``path`` loads behind the progress screen: the longest time between two frames
    and the longest the event loop was kept from running (how late an input would be
    handled), from the first frame to the full explorer."""
    run = Session(path)
    stalls: list[tuple[float, float]] = []

    async def probe() -> None:
        while True:
            before = perf_counter()
            await asyncio.sleep(STALL_PROBE)
            after = perf_counter()
            stalls.append((after, after - before - STALL_PROBE))

    async with run.app.run_test(size=SIZE):
        watcher = asyncio.create_task(probe())
        opened = await run.open()
        watcher.cancel()
    done = run.first_screen.done_at
    frames = [t for t in run.recorder.times if t <= done]
    gaps = [later - earlier for earlier, later in zip(frames, frames[1:], strict=False)]
    return {
        "open": opened,
        "first_frame": frames[0] - run.created,
        "frames": len(frames),
        "frame_gap": max(gaps, default=0.0),
        "stall": max((lag for at, lag in stalls if at <= done), default=0.0),
    }


class StallProbe:
    """How long the event loop is kept from running: a task that sleeps briefly, and notes
    how late it wakes."""

    def __init__(self) -> None:
        self.stalls: list[tuple[float, float]] = []
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        async def probe() -> None:
            while True:
                before = perf_counter()
                await asyncio.sleep(STALL_PROBE)
                after = perf_counter()
                self.stalls.append((after, after - before - STALL_PROBE))

        self.task = asyncio.create_task(probe())

    def longest(self, start: float, end: float) -> float:
        return max((lag for at, lag in self.stalls if start <= at <= end), default=0.0)


def _gaps(times: list[float], start: float, end: float) -> float:
    """The longest time between two frames from ``start`` to ``end`` (the wait until the
    first frame after ``start`` included)."""
    inside = [start, *(t for t in times if start < t <= end)]
    return max((b - a for a, b in zip(inside, inside[1:], strict=False)), default=0.0)


async def save(path: Path, rounds: int) -> dict:
    """A claim captured (as the capture form's Save does it: ``app.save_capture``) until the
    explorer shows it highlighted with its quote; then undone. Then an outside edit (the
    file rewritten as it is) until the app has reloaded it."""
    from tui.screens.capture import Capture
    from tui.widgets.items import ItemRef

    run = Session(path)
    probe = StallProbe()
    async with run.app.run_test(size=SIZE):
        await run.open()
        probe.start()
        app = run.app
        kb = app.full_knowledge_base
        actor, other = kb.actors[0].id, kb.actors[1].id
        source = kb.sources[0]
        quote = source.text[: source.text.index(".") + 1]
        saves, gaps, stalls = [], [], []
        for round_ in range(rounds):
            claim_id = f"bench-capture-{round_}"
            claim = {"id": claim_id, "kind": "event", "source": actor, "target": other,
                     "type": "meets", "polarity": 1, "summary": "A captured claim.",
                     "evidence": [{"source": source.id, "quote": quote}]}
            item = ItemRef("relation", claim_id)

            watch = run.recorder.watch(_claim_shows(app, item))
            capture = Capture(items=(("relations", claim),), claim="relation",
                              claim_id=claim_id, actor_id=actor)
            t0 = perf_counter()
            app.save_capture(capture, on_refused=_fail, on_saved=lambda: None)
            await asyncio.wait_for(watch.done.wait(), LIMIT)
            saves.append(watch.done_at - t0)
            gaps.append(_gaps(run.recorder.times, t0, watch.done_at))
            stalls.append(probe.longest(t0, watch.done_at))
            await _idle(run.recorder)
            undone = app.full_knowledge_base
            app.action_undo()
            await _until(lambda undone=undone: app.full_knowledge_base is not undone
                         and not app._writing)
            await _idle(run.recorder)
        reloaded = app.full_knowledge_base
        t0 = perf_counter()
        path.write_bytes(path.read_bytes())  # an editor's save: same text, new file times
        app.action_reload(quietly=True)
        await _until(lambda: app.full_knowledge_base is not reloaded, limit=OPEN_LIMIT)
        reload_done = perf_counter()
        await _idle(run.recorder)
    return {
        "saves": saves,
        "frame_gaps": gaps,
        "stalls": stalls,
        "reload": reload_done - t0,
        "reload_frame_gap": _gaps(run.recorder.times, t0, reload_done),
        "reload_stall": probe.longest(t0, reload_done),
    }


def _claim_shows(app: App, item) -> list[Target]:
    """The relations pane with ``item`` highlighted, and the source pane showing its quote."""

    def table():
        screen = explorer_of(app)
        return screen.query_one(RelationTable) if screen is not None else None

    def view():
        screen = explorer_of(app)
        return screen.query_one(SourceView) if screen is not None else None

    return [
        Target("relations", table, lambda: table().item == item),
        Target("source", lambda: view().query_one(SourceText), lambda: view().item == item),
    ]


def _fail(report: str) -> None:
    raise RuntimeError(f"the benchmark's capture was refused: {report}")


async def _until(condition, limit: float = LIMIT) -> None:
    started = perf_counter()
    while not condition():
        if perf_counter() - started > limit:
            raise RuntimeError(f"not done {limit:.0f} s on")
        await asyncio.sleep(0.01)


def main(argv: list[str]) -> dict:
    if argv[0] == "floor":
        return {"keys": asyncio.run(label_floor(int(argv[1])))}
    if argv[0] == "session":
        return asyncio.run(session(Path(argv[1]), int(argv[2])))
    if argv[0] == "loading":
        return asyncio.run(loading(Path(argv[1])))
    if argv[0] == "save":
        return asyncio.run(save(Path(argv[1]), int(argv[2])))
    raise SystemExit(f"unknown scenario {argv[0]!r}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
