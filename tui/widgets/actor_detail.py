"""Who the highlighted actor is: kind, aliases, affiliation, members, description, stances.

Every actor the detail names (its state, its people, the asserters of its claims, the
parties of what it says) can be highlighted with ``l``/``h`` and followed with Enter or a
click; the screen records the jump in its history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from ..detail import ACTOR_LINK, INDENT, Block, describe, plain
from ..model import KnowledgeBase
from ..sanitize import display
from .row_cursor import SCROLL_BINDINGS

# The text of the pane is worked out in the core (tui.detail), for `stakeholders show` too.
__all__ = ["ActorDetail", "Block", "describe", "layout", "plain"]

LINK = Style(underline=True)
CURRENT_LINK = Style(reverse=True, meta={"current_link": True})


@dataclass(frozen=True, slots=True)
class NameLink:
    """An actor's name in the detail: where it is, and whom it names."""

    block: int
    start: int
    end: int
    actor_id: str


def links_in(blocks: list[Block]) -> list[NameLink]:
    """The marked names of the blocks, in reading order."""
    found = []
    for index, (_prefix, text) in enumerate(blocks):
        for span in text.spans:
            style = span.style
            if isinstance(style, Style) and ACTOR_LINK in style.meta:
                found.append(NameLink(index, span.start, span.end, style.meta[ACTOR_LINK]))
    return sorted(found, key=lambda link: (link.block, link.start))


def with_links_shown(blocks: list[Block], links: list[NameLink], current: int) -> list[Block]:
    """The blocks with every name underlined and name ``current`` (if any) reversed."""
    if not links:
        return blocks
    shown = [(prefix, text.copy()) for prefix, text in blocks]
    for index, link in enumerate(links):
        style = LINK + CURRENT_LINK if index == current else LINK
        shown[link.block][1].stylize(style, link.start, link.end)
    return shown


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

    BINDINGS: ClassVar[list[BindingType]] = [
        *SCROLL_BINDINGS,
        Binding(
            "l,right",
            "next_name",
            "Next name",
            key_display="h l",
            tooltip="Highlight the next actor the detail names (its state, its people, "
            "who asserts its claims); Enter follows it",
            id="next-name",
        ),
        Binding("h,left", "previous_name", "Previous name", show=False, id="previous-name"),
        Binding("enter", "follow_name", "Follow", tooltip="Go to the highlighted name's actor"),
    ]

    actor_id: reactive[str | None] = reactive(None, init=False)

    class NameSelected(Message):
        """Enter (or a click) on an actor's name: the screen goes to that actor."""

        def __init__(self, detail: ActorDetail, actor_id: str) -> None:
            super().__init__()
            self.detail = detail
            self.actor_id = actor_id

        @property
        def control(self) -> ActorDetail:
            return self.detail

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
        self._links: list[NameLink] = []
        self._current_link = -1  # the highlighted name; -1: none yet
        self._text = Static(layout(self._blocks), id="detail-text")
        # After `D`: what changed in an actor since the revision ("" when nothing).
        self._change_note: Callable[[str], str] | None = None

    @property
    def text(self) -> str:
        """What the pane says, as plain text."""
        return plain(self._blocks)

    def compose(self) -> ComposeResult:
        yield self._text

    def show_data(self, kb: KnowledgeBase, unfiltered: KnowledgeBase) -> None:
        """Show another (re-filtered or changed) knowledge base in place."""
        self.kb, self.unfiltered = kb, unfiltered
        self.watch_actor_id(self.actor_id)

    def on_mount(self) -> None:
        self.border_title = "Detail"

    @property
    def highlighted_name(self) -> str | None:
        """The id of the actor whose name is highlighted, if any."""
        if 0 <= self._current_link < len(self._links):
            return self._links[self._current_link].actor_id
        return None

    @property
    def named_actors(self) -> list[str]:
        """The ids of the actors the detail names, in reading order (one per mention)."""
        return [link.actor_id for link in self._links]

    def show_changes(self, note_of: Callable[[str], str] | None) -> None:
        """Say first what changed in the actor since a revision (`D`); None: no more."""
        self._change_note = note_of
        self.watch_actor_id(self.actor_id)

    def watch_actor_id(self, actor_id: str | None) -> None:
        self._blocks = describe(self.kb, actor_id, self.unfiltered)
        note = self._change_note(actor_id) if self._change_note and actor_id else ""
        if note:
            self._blocks = [("", Text(display(note), style="bold")), *self._blocks]
        had_link = self.highlighted_name is not None
        # Its own name (a claim it asserts itself) leads nowhere: not one to step to.
        self._links = [link for link in links_in(self._blocks) if link.actor_id != actor_id]
        self._current_link = -1
        self._show()
        self.scroll_home(animate=False)
        if had_link:
            self.refresh_bindings()

    def _show(self) -> None:
        self._text.update(layout(with_links_shown(self._blocks, self._links, self._current_link)))

    def _step_name(self, step: int) -> None:
        if not self._links:
            self.app.bell()
            return
        if self._current_link < 0:
            self._current_link = 0 if step > 0 else len(self._links) - 1
        else:
            self._current_link = (self._current_link + step) % len(self._links)
        self._show()
        self.refresh_bindings()
        self.call_after_refresh(self._scroll_to_name)

    def _scroll_to_name(self) -> None:
        """Bring the highlighted name into view: the line it was drawn on."""
        width = self._text.content_region.width
        if width <= 0:
            return
        console = self.app.console
        renderable = layout(with_links_shown(self._blocks, self._links, self._current_link))
        lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
        rows = [
            y
            for y, line in enumerate(lines)
            if any(segment.style and segment.style.meta.get("current_link") for segment in line)
        ]
        if rows:  # a name wrapped over two lines: both in view
            region = Region(0, rows[0], 1, rows[-1] - rows[0] + 1)
            self.scroll_to_region(region, animate=False, immediate=True)

    def action_next_name(self) -> None:
        self._step_name(1)

    def action_previous_name(self) -> None:
        self._step_name(-1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "follow_name":
            return self.highlighted_name is not None
        if action in ("next_name", "previous_name"):
            return True if self._links else None
        return True

    def action_follow_name(self) -> None:
        actor_id = self.highlighted_name
        if actor_id is not None:
            self.post_message(self.NameSelected(self, actor_id))

    def on_click(self, event: events.Click) -> None:
        actor_id = event.style.meta.get(ACTOR_LINK)
        if actor_id is not None:
            event.stop()
            self.post_message(self.NameSelected(self, actor_id))
