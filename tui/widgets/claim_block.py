"""The highlighted claim in full, above its quote: as many lines as the pane can spare."""

from __future__ import annotations

from textual.content import Content
from textual.css.scalar import Unit
from textual.geometry import Size
from textual.widget import Widget

ELLIPSIS = "…"


class ClaimBlock(Widget):
    """``ClaimBlock()``; ``show(text)`` sets the claim (display-safe text, never markup).

    The text wraps to the pane. When it needs more lines than the block's max-height
    leaves, the last line shown ends in "…", so a cut is never silent (z zooms the pane).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")

    def show(self, text: str) -> None:
        self._content = Content(text)
        self.display = bool(text)
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        """Every line of the claim, as shown when there is room for all of it."""
        return self._content.plain

    def _max_lines(self) -> int | None:
        max_height = self.styles.max_height
        if max_height is None or max_height.unit is not Unit.CELLS:
            return None
        return max(1, int(max_height.value) - self.styles.gutter.height)

    def lines(self, width: int) -> list[Content]:
        """The lines shown at ``width`` cells, the last one marked if the claim was cut."""
        if width <= 0:
            return []
        lines = [
            line for paragraph in self._content.split("\n") for line in paragraph.wrap(width)
        ]
        limit = self._max_lines()
        if limit is not None and len(lines) > limit:
            lines = lines[:limit]
            last = lines[-1].truncate(width - 1).rstrip()
            # A cut between lines gets a space before the mark, a cut inside a line none.
            lines[-1] = last + (" " if last.cell_length < width - 2 else "") + ELLIPSIS
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_region.width))
