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
    _said = ""  # what the stage line says

    def show(self, name: str, done: int, total: int, stage: str) -> None:
        from textual.widgets import ProgressBar

        if self._stage is None:
            self._stage = Static(id="reload-stage", markup=False)
            self._progress = ProgressBar(total=None, show_eta=False, id="reload-progress")
            self.mount(self._stage, self._progress)
        if not self.display:
            self.display = True
        said = display(f"Reloading {name}: {stage}")
        if said != self._said:
            # Only when it changes: a new text lays the screen out again, and every pane
            # is painted again with it (a frame of tens of milliseconds, at each report).
            self._said = said
            self._stage.update(Content(said))
        if self._progress.is_mounted:  # else it shows from the next report, a tick later
            self._progress.update(total=max(total, 1), progress=done)

    def hide(self) -> None:
        self.display = False
