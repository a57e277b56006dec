"""A line over the footer while the file is read again (an outside edit, or Ctrl+L): what
is being done, and how far along it is. The last good knowledge base stays usable under it."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from ..sanitize import display


class ReloadBar(Horizontal):
    """Hidden until ``show`` is called; ``hide`` when the reload is over. Its parts are made
    on the first ``show``: most sessions never reload a file that takes a while."""

    _stage: Static | None = None
    _progress = None  # its ProgressBar, made with the stage line

    def show(self, name: str, done: int, total: int, stage: str) -> None:
        from textual.widgets import ProgressBar

        if self._stage is None:
            self._stage = Static(id="reload-stage", markup=False)
            self._progress = ProgressBar(total=None, show_eta=False, id="reload-progress")
            self.mount(self._stage, self._progress)
        self.display = True
        self._stage.update(Content(display(f"Reloading {name}: {stage}")))
        if self._progress.is_mounted:  # else it shows from the next report, a tick later
            self._progress.update(total=max(total, 1), progress=done)

    def hide(self) -> None:
        self.display = False
