"""The message the explorer shows instead of its panes in a terminal too small for them."""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Static

MIN_WIDTH = 60
"""Below 60 columns the relations lose their columns and the footer most of its keys."""
MIN_HEIGHT = 20
"""From 20 rows each stacked pane shows some content; the source, two lines of its text."""


def is_too_small(size: Size) -> bool:
    """Whether the panes do not fit a terminal of ``size``."""
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


def too_small_message(size: Size) -> str:
    return (
        f"The terminal is {size.width}x{size.height}; the explorer needs at least "
        f"{MIN_WIDTH}x{MIN_HEIGHT}.\n\nEnlarge it, or press z to zoom the focused pane "
        "(z again to come back)."
    )


class TooSmall(Static):
    """``TooSmall(size)``: the message, for a terminal of ``size``; the screen shows it (and
    hides the panes) while ``fit`` says the terminal is too small."""

    def __init__(self, size: Size) -> None:
        super().__init__(too_small_message(size), markup=False, id="too-small")

    def fit(self, size: Size) -> bool:
        """Tell of a terminal of ``size``; whether it is too small."""
        self.update(too_small_message(size))
        return is_too_small(size)
