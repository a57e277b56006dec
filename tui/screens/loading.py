"""Shown while a knowledge base loads: what is being read, and how far along it is."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from ..sanitize import display


class LoadingScreen(Screen[None]):
    """``LoadingScreen(path)``; the loader's progress arrives through ``set_progress``.

    Its styles are in app.tcss, not beside it: a large file's first frame is this screen.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="loading-box"):
            yield Static("Stakeholder Explorer", id="loading-title")
            yield Static(Content(display(str(self.path))), id="loading-path")
            yield ProgressBar(total=None, show_eta=False, id="loading-bar")
            yield Static("starting", id="loading-stage", markup=False)

    def set_progress(self, done: int, total: int, stage: str) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#loading-stage", Static).update(Content(display(stage)))
