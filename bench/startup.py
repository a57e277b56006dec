"""Child process of the start-up measurements; prints when its first full screen was drawn.

``python -m bench.startup minimal``: reference (a), a Textual app that mounts one Static.
``python -m bench.startup explorer FILE``: the explorer on FILE, first full screen meaning
the explorer with its four panes filled (the first actor, its first relation, the detail,
the quote in its source).

Both run headless and print ``time.perf_counter()`` at the frame that completes the screen.
On Linux that clock is CLOCK_MONOTONIC, shared by all processes, so the parent subtracts
the moment it started this process: the figure includes interpreter start-up and imports.
"""

from __future__ import annotations

import sys

from .frames import FrameRecorder, Target

SIZE = (120, 40)


def _run(app, targets: list[Target]) -> None:
    recorder = FrameRecorder(app)
    watch = recorder.watch(targets)
    shown: list[float] = []

    def after_frame(now: float) -> None:
        if watch.done.is_set() and not shown:
            shown.append(watch.done_at)
            app.exit()

    recorder.on_frame = after_frame
    app.run(headless=True, size=SIZE)
    if not shown:
        raise SystemExit(f"the app ended before its first full screen: {app.return_value!r}")
    print(repr(shown[0]))


def minimal() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello")

    app = Minimal()
    _run(app, [Target("static", lambda: app.query_one(Static), lambda: True)])


def explorer(path: str) -> None:
    from pathlib import Path

    from tui.app import StakeholderApp

    from .probes import explorer_shows

    app = StakeholderApp(Path(path))
    targets = explorer_shows(app)
    _run(app, targets)


if __name__ == "__main__":
    if sys.argv[1:2] == ["minimal"]:
        minimal()
    else:
        explorer(sys.argv[2])
