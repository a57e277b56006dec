"""When a Textual app produced each frame, and which widgets each frame painted.

Textual hands every frame to ``App._display(screen, update)``; headless, it returns without
turning the update into terminal output. ``FrameRecorder`` wraps that method on one app
instance: it renders the update to its escape sequences (the real cost of a frame), stamps
the time, and notes which watched widgets the update covers. Latency is then measured from
an input to the first frame that shows its result, never around ``pilot.pause()``.

Only Textual is imported here: the start-up child process times a bare Textual app with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from time import perf_counter

from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.app import App
from textual.geometry import Region
from textual.widget import Widget


def painted_regions(update: object) -> list[Region] | None:
    """The screen regions a frame rewrites; None when it rewrites everything it covers."""
    if isinstance(update, ChopsUpdate):
        return [Region(x1, y, x2 - x1, 1) for y, x1, x2 in update.spans]
    if isinstance(update, LayoutUpdate):
        return [update.region]
    return None


def paints(regions: list[Region] | None, widget: Widget) -> bool:
    """Whether a frame with these painted regions rewrites any cell of ``widget``.

    A widget that shrank to nothing (an emptied auto-height list) shows its new state in
    whichever frame comes next: that frame repaints whatever the widget used to cover.
    """
    area = widget.region
    if not area:
        return True
    if regions is None:
        return True
    return any(area.overlaps(region) for region in regions)


@dataclass
class Target:
    """A widget that must show a new state: ``widget()`` finds it (None while it does not
    exist yet), ``ready()`` says whether its state is the expected one."""

    name: str
    widget: Callable[[], Widget | None]
    ready: Callable[[], bool]
    shown_at: float | None = None  # first frame that painted it while ready


@dataclass
class Watch:
    """Waits for the first frame by which every target has been painted in its new state."""

    targets: list[Target]
    started: float = field(default_factory=perf_counter)
    done_at: float | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def on_frame(self, regions: list[Region] | None, now: float) -> None:
        for target in self.targets:
            if target.shown_at is not None:
                continue
            try:
                widget = target.widget()
                if widget is not None and target.ready() and paints(regions, widget):
                    target.shown_at = now
            except Exception:  # noqa: S112 - a screen that is not up yet is simply not ready
                continue
        if all(target.shown_at is not None for target in self.targets):
            self.done_at = max(target.shown_at for target in self.targets)  # type: ignore[type-var]
            self.done.set()

    def can_settle(self) -> bool:
        """Every target holds its new state and at least one was painted in it."""
        return all(_ready(target) for target in self.targets) and any(
            target.shown_at is not None for target in self.targets
        )

    def settle(self) -> float:
        """After the app went quiet: when the last target that changed was shown.

        A target that is ready but was never repainted looked the same before and after
        the input, so it does not delay the result.
        """
        if not self.can_settle():
            raise RuntimeError("settled before the result was on screen")
        self.done_at = max(t.shown_at for t in self.targets if t.shown_at is not None)
        return self.done_at


def _ready(target: Target) -> bool:
    try:
        return target.widget() is not None and target.ready()
    except Exception:
        return False


class FrameRecorder:
    """``FrameRecorder(app)`` before the app runs; ``times`` then lists every frame."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.times: list[float] = []
        self.watches: list[Watch] = []
        self.on_frame: Callable[[float], None] | None = None
        display = app._display

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return  # Textual draws nothing for these either
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            now = perf_counter()
            self.times.append(now)
            if self.watches:
                regions = painted_regions(renderable)
                for watch in list(self.watches):
                    watch.on_frame(regions, now)
                    if watch.done.is_set():
                        self.watches.remove(watch)
            if self.on_frame is not None:
                self.on_frame(now)

        app._display = timed_display  # type: ignore[method-assign]

    def watch(self, targets: list[Target]) -> Watch:
        watch = Watch(targets)
        self.watches.append(watch)
        return watch
