"""Textual's footer, compact in a narrow terminal so that the keys of every screen fit in 80
columns."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

COMPACT_BELOW = 100
"""The roomy footer style fits from about 100 columns; below, the compact one."""


class FittingFooter(Footer):
    """``FittingFooter()``: the footer, in the style that fits the terminal's width."""

    def __init__(self) -> None:
        # Compact from the first frame, which Textual paints before the first resize.
        super().__init__(compact=self.app.size.width < COMPACT_BELOW)

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
