"""Child process of the start-up measurements; prints when its first full screen was drawn.

``python -m bench.startup minimal``: reference (a), a Textual app that mounts one Static.
``python -m bench.startup minimal-terminal``: the same app on the real driver, until ctrl+q,
for the pseudo-terminal row (which watches its screen from outside, as it does the app's).
``python -m bench.startup panes``: for scale, the explorer's shell with no app code: four
bordered Static panes in its layout, a status line and a Footer with eight keys.
``python -m bench.startup explorer FILE``: the explorer on FILE, made by the function that
`stakeholders FILE` uses; its first full screen is the explorer laid out for its width with
its four panes filled (the first actor, its first relation, the detail, the quote in its
source).

The others run headless and print ``time.perf_counter()`` at the frame that completes the screen.
On Linux that clock is CLOCK_MONOTONIC, shared by all processes, so the parent subtracts
the moment it started this process: the figure includes interpreter start-up and imports.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported in each child after its own start-up, as the app does it
    from .frames import Target

SIZE = (120, 40)


def _run(app, targets: list[Target]) -> None:
    from .frames import FrameRecorder

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


def _minimal_app():
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello")

    return Minimal()


def minimal() -> None:
    from textual.widgets import Static

    from .frames import Target

    app = _minimal_app()
    _run(app, [Target("static", lambda: app.query_one(Static), lambda: True)])


def minimal_terminal() -> None:
    """The same app on the real driver, in the terminal it was started in, until ctrl+q
    (the pseudo-terminal row watches its screen from outside: bench/on_pty.py)."""
    _minimal_app().run()


def panes() -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.containers import Container
    from textual.widgets import Footer, Static

    from .frames import Target

    class Panes(App[None]):
        CSS = """
        #panes { layout: horizontal; height: 1fr; }
        #browse { layout: horizontal; width: 2fr; }
        #read { width: 1fr; }
        .pane { border: round $foreground 25%; height: 1fr; }
        #actors { width: 30; }
        """
        BINDINGS = [Binding(key, "bell", f"Key {key}") for key in "abcdefgh"]

        def compose(self) -> ComposeResult:
            with Container(id="panes"):
                with Container(id="browse"):
                    yield Static("actor\n" * 40, id="actors", classes="pane")
                    yield Static("relation\n" * 10, classes="pane")
                with Container(id="read"):
                    yield Static("detail\n" * 8, classes="pane")
                    yield Static("source text\n" * 40, id="source", classes="pane")
            yield Static("no filters")
            yield Footer()

    app = Panes()
    _run(app, [Target("panes", lambda: app.query_one("#source"), lambda: True)])


def explorer(path: str) -> None:
    from pathlib import Path

    from tui.cli import explorer_app

    app = explorer_app(Path(path))  # as `stakeholders FILE` makes it

    from .probes import explorer_shows

    targets = explorer_shows(app)
    _run(app, targets)


if __name__ == "__main__":
    if sys.argv[1:2] == ["minimal"]:
        minimal()
    elif sys.argv[1:2] == ["minimal-terminal"]:
        minimal_terminal()
    elif sys.argv[1:2] == ["panes"]:
        panes()
    else:
        explorer(sys.argv[2])
