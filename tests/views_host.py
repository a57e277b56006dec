"""A minimal app that shows one analyst view, for Pilot and snapshot tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


class HostApp(App[None]):
    """Pushes the screen ``make_screen()`` builds; collects what it is dismissed with."""

    def __init__(self, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)


async def settle(pilot, condition: Callable[[], bool], attempts: int = 100) -> None:
    """Pause until ``condition()`` holds; fail after a bounded number of pauses."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition not reached")


def pressing(*keys: str):
    """A snapshot ``run_before``: once the view is up, press ``keys``, then stop every input
    cursor blinking so that the picture does not depend on timing."""

    async def run_before(pilot) -> None:
        await settle(pilot, lambda: len(pilot.app.screen_stack) > 1)
        await pilot.press(*keys)
        await pilot.pause()
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    return run_before


def screen_text(app: App[Any]) -> str:
    """What the active screen shows, as plain text, one line per terminal row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
