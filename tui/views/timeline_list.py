"""A virtual list of timeline entries: only the rows on screen are ever rendered.

A DataTable measures every cell when rows are added, which takes seconds for tens of
thousands of relations; this Line API widget costs the same for ten rows or fifty thousand.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..analysis import TimelineEntry
from ..model import KnowledgeBase, Status
from ..sanitize import display
from ..widgets.row_cursor import RowCursor, cursor_bindings
from ..wording import type_label
from .render import MUTED_STYLE, actor_name, polarity_text

DATE_WIDTH = 10
SIGN_WIDTH = 2
PUBLICATION_STYLE = "bold cyan"


class TimelineList(RowCursor, ScrollView, can_focus=True):
    """``TimelineList(kb)``; ``set_entries(entries)`` shows them, the cursor on the first.

    Posts ``Highlighted`` when the cursor moves and ``Selected`` on Enter or on a click on
    the row under the cursor.
    """

    BINDINGS = [*cursor_bindings("entry"), Binding("enter", "select", "Quotes")]
    COMPONENT_CLASSES = {"timeline-list--cursor"}
    DEFAULT_CSS = """
    TimelineList {
        background: $surface;
        overflow-x: hidden;
    }
    TimelineList > .timeline-list--cursor {
        background: $block-cursor-blurred-background;
    }
    TimelineList:focus > .timeline-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    cursor = reactive(0)

    class Highlighted(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, kb: KnowledgeBase, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kb = kb
        self.entries: list[TimelineEntry] = []

    def set_entries(self, kb: KnowledgeBase, entries: list[TimelineEntry]) -> None:
        self.kb = kb
        self.entries = entries
        self.virtual_size = Size(0, len(entries))  # no sideways scrolling
        self.set_reactive(TimelineList.cursor, 0)
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def row_text(self, index: int, width: int) -> Text:
        """One row: date at its precision, polarity sign, who does what to whom, summary."""
        entry = self.entries[index]
        who_width = max(12, min(38, (width - DATE_WIDTH - SIGN_WIDTH - 3) // 2))
        date = Text(display(entry.date).ljust(DATE_WIDTH))
        relation = entry.relation
        if relation is None:
            source = entry.source
            date.stylize(PUBLICATION_STYLE)
            who = Text("◆ published: " + display(source.publisher), style=PUBLICATION_STYLE)
            what = Text(display(source.title), style=PUBLICATION_STYLE)
            sign = Text(" " * SIGN_WIDTH)
        else:
            who = Text(
                f"{actor_name(self.kb, relation.source)} → "
                f"{type_label(relation.type, relation.modality)} → "
                f"{actor_name(self.kb, relation.target)}"
            )
            what = Text(display(relation.summary))
            if relation.status is Status.PAST:
                what.append(" (past)", style=MUTED_STYLE)
            sign = polarity_text(relation.polarity)
            sign.pad_right(SIGN_WIDTH - len(sign))
        who.truncate(who_width, overflow="ellipsis", pad=True)
        line = Text.assemble(date, " ", sign, " ", who, " ", what, no_wrap=True, end="")
        line.truncate(width, overflow="ellipsis")
        return line

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # less the scrollbar: rows fit, cut with …
        style = self.visual_style.rich_style
        index = self.scroll_offset.y + y
        if index >= len(self.entries):
            return Strip.blank(width, style)
        if index == self.cursor:
            style += self.get_component_rich_style("timeline-list--cursor")
        segments = self.row_text(index, width).render(self.app.console)
        return Strip(Segment.apply_style(segments, style)).crop_extend(0, width, style)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(new))

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.entries) - 1))

    def _move_by(self, rows: int) -> None:
        self.cursor += rows

    def _page_rows(self) -> int:
        return max(1, self.size.height - 1)

    def _move_to_end(self, last: bool) -> None:
        self.cursor = len(self.entries) - 1 if last else 0

    def action_select(self) -> None:
        if self.entries:
            self.post_message(self.Selected(self.cursor))

    def on_click(self, event: Click) -> None:
        index = self.scroll_offset.y + event.y
        if index >= len(self.entries):
            return
        if index == self.cursor:
            self.action_select()
        else:
            self.cursor = index
