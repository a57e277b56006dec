"""Who the highlighted actor is: kind, aliases, affiliation, members, description, stances."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from ..detail import INDENT, Block, describe, plain
from ..model import KnowledgeBase
from .row_cursor import SCROLL_BINDINGS

# The text of the pane is worked out in the core (tui.detail), for `stakeholders show` too.
__all__ = ["ActorDetail", "Block", "describe", "layout", "plain"]


def layout(blocks: list[Block]) -> Group:
    """The blocks for a ``Static``: runs of prefixed ones in a grid, so that their lines
    wrap under their text, not under the prefix."""
    parts: list[Text | Table] = []
    grid: Table | None = None
    for prefix, text in blocks:
        if not prefix:
            parts.append(text)
            grid = None
            continue
        if grid is None:
            grid = Table.grid()
            grid.add_column(width=len(INDENT), no_wrap=True)
            grid.add_column(ratio=1)
            parts.append(grid)
        grid.add_row(Text(prefix), text)
    return Group(*parts)


class ActorDetail(VerticalScroll):
    """``ActorDetail(kb, unfiltered=None)``: the detail of ``actor_id``."""

    ALLOW_MAXIMIZE = True  # z zooms it like the other panes (containers do not by default)

    BINDINGS: ClassVar[list[BindingType]] = [*SCROLL_BINDINGS]

    actor_id: reactive[str | None] = reactive(None, init=False)

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        unfiltered: KnowledgeBase | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.kb = kb
        self.unfiltered = unfiltered or kb
        self._blocks = describe(kb, None, self.unfiltered)
        self._text = Static(layout(self._blocks), id="detail-text")

    @property
    def text(self) -> str:
        """What the pane says, as plain text."""
        return plain(self._blocks)

    def compose(self) -> ComposeResult:
        yield self._text

    def on_mount(self) -> None:
        self.border_title = "Detail"

    def watch_actor_id(self, actor_id: str | None) -> None:
        self._blocks = describe(self.kb, actor_id, self.unfiltered)
        self._text.update(layout(self._blocks))
        self.scroll_home(animate=False)
