"""The search overlay's result list: two lines a hit, drawn line by line.

Every keystroke replaces the whole list, so its cost is paid per keystroke. An
``OptionList`` rendered each new option through ``Content`` (wrapping, then styles, then
a strip per line): about 4 ms for a screenful, a third of the keystroke. These lines are
made straight from segments, and only for the hits in view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..sanitize import display, display_pieces, truncate
from ..search import window
from .row_cursor import RowCursor

if TYPE_CHECKING:
    from ..search import Hit

KINDS = ("actor", "relation", "attribute", "stance", "quote")
BADGE_WIDTH = max(len(kind) for kind in KINDS)
MAX_CONTEXT = 160  # characters of a hit's context line; names can be absurdly long
LINES_PER_HIT = 2
PADDING = 1  # cells either side of a line


class SearchResults(RowCursor, ScrollView, can_focus=False):
    """``SearchResults()``; ``show(hits)`` replaces the list and highlights the first hit.

    It never takes the focus: the search input keeps it and moves the highlight through
    the actions of ``RowCursor``. A click on a hit posts ``Chosen``.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "search-results--badge",
        "search-results--match",
        "search-results--context",
        "search-results--highlighted",
    }

    class Chosen(Message):
        """A click on the hit at ``index``."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hits: list[Hit] = []
        self._highlighted: int | None = None
        self._lines: dict[tuple[int, bool], tuple[Strip, Strip]] = {}

    @property
    def hit_count(self) -> int:
        return len(self._hits)

    @property
    def highlighted(self) -> int | None:
        """The index of the highlighted hit, or None when the list is empty."""
        return self._highlighted

    def show(self, hits: list[Hit]) -> None:
        self._hits = list(hits)
        self._highlighted = 0 if hits else None
        self._lines.clear()
        self.virtual_size = Size(0, LINES_PER_HIT * len(hits))
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    # --- the highlight ----------------------------------------------------------------

    def _highlight(self, index: int) -> None:
        if not self._hits:
            return
        index = max(0, min(len(self._hits) - 1, index))
        if index == self._highlighted:
            return
        self._highlighted = index
        self.scroll_to_region(
            Region(0, LINES_PER_HIT * index, 1, LINES_PER_HIT),
            animate=False,
            immediate=True,
            x_axis=False,
        )
        self.refresh()

    def _move_by(self, rows: int) -> None:
        self._highlight((self._highlighted or 0) + rows)

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // LINES_PER_HIT)

    async def _on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("hit")
        if index is not None and index < len(self._hits):  # not a line of an older list
            self.post_message(self.Chosen(index))

    # --- drawing ----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self.refresh()

    def on_resize(self) -> None:
        self._lines.clear()  # drawn to the old width

    def hit_lines(self, index: int) -> tuple[Strip, Strip]:
        """The two lines of hit ``index``: what it is and where, then its context."""
        highlighted = index == self._highlighted
        key = (index, highlighted)
        lines = self._lines.get(key)
        if lines is None:
            lines = self._draw(self._hits[index], highlighted, index)
            self._lines[key] = lines
        return lines

    def _draw(self, hit: Hit, highlighted: bool, index: int) -> tuple[Strip, Strip]:
        width = self.scrollable_content_region.width
        base = self.visual_style.rich_style
        # On the highlighted hit its colours win over the parts' (readable in any
        # theme); a match keeps its bold underline there.
        over = (
            self.get_component_rich_style("search-results--highlighted")
            if highlighted
            else Style()
        )
        badge, match = (
            base + self.get_component_rich_style(f"search-results--{name}", partial=True) + over
            for name in ("badge", "match")
        )
        # In full: a partial style would drop the muted colour's alpha, not blend it.
        context = base + self.get_component_rich_style("search-results--context") + over
        base += over
        pad = " " * PADDING
        title = [Segment(pad, base), Segment(hit.kind.ljust(BADGE_WIDTH), badge)]
        title.append(Segment(" ", base))
        label, spans = hit.label, hit.spans
        room = width - 2 * PADDING - BADGE_WIDTH - 1
        if spans and spans[0][1] >= room:
            # The match would fall past the end of the line: show the part around it.
            label, spans = window(label, spans, room)
        title += [
            Segment(piece, match if matched else base)
            for piece, matched in display_pieces(label, spans)
        ]
        indent = pad + " " * (BADGE_WIDTH + 1)
        below = [
            Segment(indent, base),
            Segment(truncate(display(hit.context), MAX_CONTEXT), context),
        ]
        meta = {"hit": index}
        return (
            _fit(title, width, base).apply_meta(meta),
            _fit(below, width, base).apply_meta(meta),
        )

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        index, part = divmod(line, LINES_PER_HIT)
        if not 0 <= index < len(self._hits):
            return Strip.blank(self.scrollable_content_region.width, self.visual_style.rich_style)
        return self.hit_lines(index)[part]


def _fit(segments: list[Segment], width: int, style: Style) -> Strip:
    """One line of exactly ``width`` cells, a cut marked with an ellipsis, padding after."""
    strip = Strip(segments)
    if strip.cell_length > width - PADDING:
        kept = strip.crop(0, max(0, width - PADDING - 1))
        last_style = next((s.style for s in reversed(list(kept)) if s.text), style)
        strip = Strip([*kept, Segment("…", last_style)])
    return strip.extend_cell_length(width, style)

