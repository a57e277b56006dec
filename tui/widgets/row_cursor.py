"""The cursor keys shared by the Line API lists (actors, relations, search results, the
timeline), and the scroll keys of the panes that only scroll.

Each list has its own geometry (group headers to skip, a header line, two lines a hit), so
each says how it moves; the keys and the actions they run are the same everywhere.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.geometry import Size


def cursor_bindings(noun: str) -> list[Binding]:
    """Up/k, down/j, home/g, end/G, page up/down, described in the help with ``noun``."""
    return [
        Binding("up,k", "cursor(-1)", f"Previous {noun}", show=False),
        Binding("down,j", "cursor(1)", f"Next {noun}", show=False),
        Binding("home,g", "jump(0)", f"First {noun}", show=False),
        Binding("end,G", "jump(-1)", f"Last {noun}", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]


SCROLL_BINDINGS: list[Binding] = [
    Binding("k", "scroll_up", "Scroll up", show=False),
    Binding("j", "scroll_down", "Scroll down", show=False),
    Binding("g", "scroll_home", "Top", show=False),
    Binding("G", "scroll_end", "Bottom", show=False),
]
"""k/j and g/G for a pane that scrolls (the detail, the source text, the help): the same
keys as the lists' cursor, on Textual's scroll actions."""


LETTER_CURSOR_BINDINGS: list[Binding] = [
    Binding("k", "cursor_up", "Up", show=False),
    Binding("j", "cursor_down", "Down", show=False),
]
"""k/j on Textual's own lists (``Tree``, ``DataTable``), whose arrows run these actions."""


class SteadyScrollbars:
    """For a ``ScrollView``: the scrollbars are worked out and repainted on a layout only
    when the view's size, its virtual size, its container or its styles changed.

    Textual's ``ScrollView`` updates them on every layout of the screen (the size the
    compositor reports as virtual is never the view's own), and every layout then repaints
    each of its scrollbars: on a cursor move in the explorer, milliseconds of the frame.
    """

    _sizes_seen: tuple | None = None  # what the scrollbars were last worked out for

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        seen = (size, self.virtual_size, container_size, self.styles._cache_key)  # type: ignore[attr-defined]
        if seen == self._sizes_seen and self._size == size:  # type: ignore[attr-defined]
            # As ScrollView answers when nothing changed: a Resize only if the container did.
            return self._container_size != container_size  # type: ignore[attr-defined]
        resized = super()._size_updated(  # type: ignore[misc]
            size, virtual_size, container_size, layout
        )
        self._sizes_seen = (size, self.virtual_size, container_size, self.styles._cache_key)  # type: ignore[attr-defined]
        return resized


class RowCursor(SteadyScrollbars):
    """The actions of ``cursor_bindings``, for a widget that implements ``_move_by(rows)``
    and ``_page_rows()``, and ``_move_to_end(last)`` if it binds ``jump``."""

    def _move_by(self, rows: int) -> None:
        raise NotImplementedError

    def _move_to_end(self, last: bool) -> None:
        raise NotImplementedError

    def _page_rows(self) -> int:
        raise NotImplementedError

    def action_cursor(self, step: int) -> None:
        self._move_by(step)

    def action_page(self, direction: int) -> None:
        self._move_by(direction * self._page_rows())

    def action_jump(self, end: int) -> None:
        """``jump(0)``: the first row; ``jump(-1)``: the last."""
        self._move_to_end(last=end < 0)
