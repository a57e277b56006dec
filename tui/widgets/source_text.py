"""A source text, word-wrapped, with one span highlighted, drawn line by line.

Sources and quotes can be megabytes on one line, so nothing builds a renderable of the
whole text: the text is sanitized once, wrapped into line offsets, and only the lines in
view are drawn.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..sanitize import display
from .row_cursor import SCROLL_BINDINGS


def sanitized_with_span(text: str, start: int, end: int) -> tuple[str, int, int]:
    """``text`` made terminal-safe, and where ``text[start:end]`` lies in the result.

    The three parts are sanitized separately: a stand-in such as ``\\x1b`` is longer than
    the character it replaces, so offsets into the raw text would drift. A Windows line end
    is a line end; a lone carriage return is shown as ``\\x0d``.
    """

    def shown(part: str) -> str:
        return display(part.replace("\r\n", "\n"), keep_newlines=True)

    before, quote, after = shown(text[:start]), shown(text[start:end]), shown(text[end:])
    return before + quote + after, len(before), len(before) + len(quote)


def _chars_within(text: str, start: int, limit: int, width: int) -> int:
    """How many characters from ``start`` (at most ``limit - start``) fit in ``width`` cells."""
    count = limit - start
    while count > 1:
        over = cell_len(text[start : start + count]) - width
        if over <= 0:
            break
        count -= max(1, over // 2)
    return max(1, count)


def wrap_offsets(text: str, width: int) -> tuple[array, array]:
    """Start and end offsets of each line of ``text`` word-wrapped to ``width`` cells.

    Lines break at newlines, then at the last space that fits; a word longer than the
    width is cut. The space a line breaks at belongs to no line.
    """
    width = max(1, width)
    starts, ends = array("q"), array("q")
    length = len(text)
    position = 0
    while True:
        newline = text.find("\n", position)
        stop = length if newline == -1 else newline
        single_cells = text[position:stop].isascii()  # controls are already stand-ins
        if position == stop:
            starts.append(position)
            ends.append(stop)
        while position < stop:
            limit = min(stop, position + width)
            if not single_cells:
                limit = position + _chars_within(text, position, limit, width)
            if limit == stop:
                starts.append(position)
                ends.append(stop)
                position = stop
                break
            space = text.rfind(" ", position + 1, limit + 1)
            line_end, position_next = (space, space + 1) if space != -1 else (limit, limit)
            starts.append(position)
            ends.append(line_end)
            position = position_next
        if newline == -1:
            return starts, ends
        position = newline + 1


class SourceText(ScrollView, can_focus=True):
    """Shows ``show(text, start, end)``: the text wrapped to the width, the span highlighted."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"source-text--quote", "source-text--caveat"}
    BINDINGS: ClassVar[list[BindingType]] = [*SCROLL_BINDINGS]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""
        self._span = (0, 0)
        self._span_class = "source-text--quote"
        self._raw: str | None = None  # the text last given to show(), kept to compare
        self._raw_span = (0, 0)
        self._starts, self._ends = array("q", [0]), array("q", [0])
        self._wrapped_width = -1

    @property
    def text(self) -> str:
        """The sanitized text shown."""
        return self._text

    @property
    def span(self) -> tuple[int, int]:
        """Offsets of the highlighted span in ``text``."""
        return self._span

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, index: int) -> int:
        """Where wrapped line ``index`` starts in ``text``."""
        return self._starts[index]

    def line_of(self, offset: int) -> int:
        """The wrapped line that holds ``offset`` of ``text``."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def show(self, text: str, start: int, end: int, *, caveat: bool = False) -> None:
        """Show ``text`` with ``start:end`` highlighted: as evidence, or as a caveat."""
        self._span_class = "source-text--caveat" if caveat else "source-text--quote"
        if text is not self._raw or (start, end) != self._raw_span:
            self._raw, self._raw_span = text, (start, end)
            self._text, shown_start, shown_end = sanitized_with_span(text, start, end)
            self._span = (shown_start, shown_end)
            self._wrapped_width = -1
        self._wrap()
        self.scroll_to_span()

    def clear(self, message: str = "") -> None:
        self._raw = None
        self._text, self._span = display(message, keep_newlines=True), (0, 0)
        self._wrapped_width = -1
        self._wrap()
        self.scroll_home(animate=False, immediate=True)

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width or self.size.width or 80
        if width != self._wrapped_width:
            self._wrapped_width = width
            self._starts, self._ends = wrap_offsets(self._text, width)
            self.virtual_size = Size(width, len(self._starts))
        self.refresh()

    def scroll_to_span(self) -> None:
        """Scroll so the highlighted span starts a third of the way down the view."""
        if self._span[1] > self._span[0]:
            first = self.line_of(self._span[0])
            height = self.scrollable_content_region.height or self.size.height
            self.scroll_to(y=max(0, first - height // 3), animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._wrapped_width:
            self._wrap()
            self.scroll_to_span()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.visual_style.rich_style
        if index >= len(self._starts):
            return Strip.blank(width, base)
        start, end = self._starts[index], self._ends[index]
        span_start, span_end = self._span
        text = self._text
        if span_end <= start or span_start >= end:
            segments = [Segment(text[start:end], base)]
        else:
            quote = base + self.get_component_rich_style(self._span_class, partial=True)
            cut_start, cut_end = max(start, span_start), min(end, span_end)
            segments = [
                Segment(text[start:cut_start], base),
                Segment(text[cut_start:cut_end], quote),
                Segment(text[cut_end:end], base),
            ]
        return Strip(segments).crop_extend(0, width, base)
