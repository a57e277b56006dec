"""The relations and stances of the highlighted actor, one row each, drawn line by line.

A Line API widget rather than a ``DataTable``: it keeps each row's cells as plain text and
styles only the lines in view, each once until the rows, the theme or the width change (an
actor with thousands of relations costs one pass over their texts, not thousands of
styled rows).
A ``DataTable`` measured and rendered every cell through Rich on each cursor move in the
actor list, the largest part of a move's repaint and of the first frame.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..model import KnowledgeBase, Relation, counted, polarity_sign, status_label
from ..sanitize import display
from ..wording import type_label
from .actor_list import fit
from .items import ItemRef, claim_of, items_of
from .row_cursor import RowCursor, cursor_bindings

NAME_WIDTH = (12, 24)  # least and most cells of a counterpart or issue name
FIXED_WIDTH = 33  # the direction, type and date columns, their padding, a scrollbar
CLAIM_WIDTH = 32  # cells of "who asserts it (how firmly)"
SUMMARY_WIDTH = 80
NO_DATE = "—"
PADDING = 1  # cells either side of each cell
NAME_COLUMN = 2  # "with": the counterpart, or the issue of a stance
STATUS_COLUMN = 4

COLUMNS = (
    ("direction", "±"),
    ("type", "type"),
    ("with", "with"),
    ("date", "date"),
    ("status", "status"),
    ("claim", "per"),
    ("summary", "summary"),
)


def direction_arrow(relation: Relation, actor_id: str) -> str:
    if relation.source == relation.target:
        return "↻"
    return "→" if relation.source == actor_id else "←"


class RelationTable(RowCursor, ScrollView, can_focus=True, inherit_bindings=False):
    """``RelationTable(kb)``: rows for ``actor_id``'s relations then stances; cursor on ``item``.

    The relation's polarity reads without colour too: ``++ + 0 − −−``. The header stays
    on the first line; the columns scroll sideways under it.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "relation-table--header",
        "relation-table--cursor",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        # One key, two labels: the footer says what Enter does on the row under the cursor.
        Binding("enter", "select", "Follow", tooltip="Go to the other actor"),
        Binding("enter", "read", "Quote", tooltip="Read the claim's quote in its source"),
        *cursor_bindings("row"),
        Binding("left", "scroll_columns(-1)", "Scroll left", show=False),
        Binding("right", "scroll_columns(1)", "Scroll right", show=False),
    ]

    actor_id: reactive[str | None] = reactive(None, init=False)
    item: reactive[ItemRef | None] = reactive(None, init=False)
    """The highlighted row's relation or stance; setting it moves the cursor silently."""

    class ItemHighlighted(Message):
        """The user moved the cursor to a row."""

        def __init__(self, table: RelationTable, item: ItemRef) -> None:
            super().__init__()
            self.table = table
            self.item = item

        @property
        def control(self) -> RelationTable:
            return self.table

    class ItemSelected(ItemHighlighted):
        """Enter (or a double click) on a relation or stance."""

    def __init__(self, kb: KnowledgeBase, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kb = kb
        self._items: list[ItemRef] = []
        self._row_of_item: dict[ItemRef, int] = {}
        self._texts: list[list[str]] = []  # each row's cells, names whole: cut when drawn
        self._widest: list[int] = []  # each column's widest cell (and label), names whole
        self._widths: list[int] = []  # as drawn, the name column cut to the name width
        self._lines: dict[int, Strip] = {}  # row (-1: the header) -> its whole line, drawn
        self._cursor = -1
        self._names_cut_to = 0  # the name width of _widths and _lines; 0: not worked out

    def on_mount(self) -> None:
        # The signal comes once the new theme's colours are in ``theme_variables``.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._redraw())

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()  # a shorter pane may have left it below the view

    def _name_width(self) -> int:
        """Names are cut so that the date column stays in view when the pane is narrow."""
        least, most = NAME_WIDTH
        return max(least, min(most, self.scrollable_content_region.width - FIXED_WIDTH))

    def _column_widths(self) -> list[int]:
        """Each column as wide as its widest cell, names cut for the pane's width now.

        Worked out when drawn, not when filled: Textual paints a frame at the new size
        before the widget hears of the resize (the first frame among them).
        """
        name_width = self._name_width()
        if name_width != self._names_cut_to:
            self._names_cut_to = name_width
            self._widths = list(self._widest)
            self._widths[NAME_COLUMN] = min(self._widest[NAME_COLUMN], name_width)
            self._lines.clear()
        return self._widths

    def _update_virtual_size(self) -> None:
        widths = self._column_widths()
        self.virtual_size = Size(
            sum(width + 2 * PADDING for width in widths), len(self._items) + 1
        )

    # --- rows -------------------------------------------------------------------------

    @property
    def items(self) -> list[ItemRef]:
        return list(self._items)

    @property
    def row_count(self) -> int:
        return len(self._items)

    @property
    def cursor_row(self) -> int:
        """The row of the cursor, or -1 when the table is empty."""
        return self._cursor

    def cells_at(self, row: int) -> list[Text]:
        """The cells of a row, as drawn (before the cursor's style)."""
        return self._cells(row)

    def watch_actor_id(self) -> None:
        self._repopulate()

    def watch_item(self, item: ItemRef | None) -> None:
        row = self._row_of_item.get(item) if item is not None else None
        if row is not None and row != self._cursor:
            self._move_to(row, announce=False)

    def _repopulate(self) -> None:
        actor_id = self.actor_id
        on_stance_before = self._on_quote_only_row(self._cursor)
        self._items = items_of(self.kb, actor_id)
        self._row_of_item = {item: row for row, item in enumerate(self._items)}
        self._texts = [self._texts_of(item, actor_id) for item in self._items]
        widest = [len(label) for _key, label in COLUMNS]
        for texts in self._texts:
            for column, text in enumerate(texts):
                widest[column] = max(widest[column], cell_len(text))
        self._widest = widest
        self._names_cut_to = 0
        row = self._row_of_item.get(self.item) if self.item is not None else None
        self._cursor = row if row is not None else (0 if self._items else -1)
        if self._on_quote_only_row(self._cursor) != on_stance_before:
            self.refresh_bindings()  # Enter's label: Follow or Quote
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._scroll_to_cursor()
        self._update_title()
        self.refresh()

    def _update_title(self) -> None:
        actor = self.kb.actor_by_id.get(self.actor_id) if self.actor_id else None
        if actor is None:
            self.border_title = "Relations"
            return
        relations = sum(1 for item in self._items if item.kind == "relation")
        attributes = sum(1 for item in self._items if item.kind == "attribute")
        stances = len(self._items) - relations - attributes
        counts = counted(relations, "relation")
        if attributes:
            counts += f", {counted(attributes, 'attribute')}"
        if stances:
            counts += f", {counted(stances, 'stance')}"
        self.border_title = Content(f"{fit(display(actor.name), 40)} · {counts}")

    def _texts_of(self, item: ItemRef, actor_id: str | None) -> list[str]:
        """What each cell of an item's row says (display-safe); ``_cells`` styles them."""
        if item.kind == "stance":
            stance = self.kb.stance_by_id[item.id]
            position = fit(display(stance.position), SUMMARY_WIDTH)
            return ["◆", "stance", display(stance.issue), "", "", "", position]
        if item.kind == "attribute":
            attribute = self.kb.attribute_by_id[item.id]
            return [
                "●",
                display(attribute.type),
                "",
                display(attribute.date) if attribute.date else NO_DATE,
                status_label(attribute),
                fit(claim_of(self.kb, attribute), CLAIM_WIDTH),
                fit(display(attribute.summary), SUMMARY_WIDTH),
            ]
        relation = self.kb.relation_by_id[item.id]
        counterpart_id = relation.counterpart(actor_id or relation.source)
        counterpart = self.kb.actor_by_id.get(counterpart_id)
        name = counterpart.name if counterpart is not None else counterpart_id
        arrow = direction_arrow(relation, actor_id or relation.source)
        return [
            f"{arrow} {polarity_sign(relation.polarity)}",
            display(type_label(relation.type, relation.modality)),
            display(name),
            display(relation.date) if relation.date else NO_DATE,
            status_label(relation),
            fit(claim_of(self.kb, relation), CLAIM_WIDTH),
            fit(display(relation.summary), SUMMARY_WIDTH),
        ]

    def _cells(self, row: int) -> list[Text]:
        """A row's cells as drawn (before the cursor's style), the name cut to the width."""
        texts = self._texts[row]
        cells = [Text(text) for text in texts]
        cells[NAME_COLUMN] = Text(fit(texts[NAME_COLUMN], self._column_widths()[NAME_COLUMN]))
        item = self._items[row]
        if item.kind == "relation":
            relation = self.kb.relation_by_id[item.id]
            cells[0].stylize(self._polarity_style(relation.polarity), len("→ "))  # the sign
            if relation.status == "past":
                cells[STATUS_COLUMN].style = "italic"
        return cells

    def _polarity_style(self, value: int | None) -> str:
        if value is None:
            return "dim"
        # The text- variants: the theme's shades made to be read on its own background.
        colours = self.app.theme_variables
        good, bad = colours.get("text-success", "green"), colours.get("text-error", "red")
        return {2: f"bold {good}", 1: good, 0: "", -1: bad, -2: f"bold {bad}"}[
            max(-2, min(2, value))
        ]

    # --- the cursor -------------------------------------------------------------------

    def _move_to(self, row: int, *, announce: bool = True) -> None:
        if not 0 <= row < len(self._items) or row == self._cursor:
            return
        previous, self._cursor = self._cursor, row
        if self._on_quote_only_row(previous) != self._on_quote_only_row(row):
            self.refresh_bindings()  # Enter's label: Follow or Quote (a footer rebuild)
        self._refresh_row(previous)
        self._refresh_row(row)
        self._scroll_to_cursor()
        if announce:
            self.post_message(self.ItemHighlighted(self, self._items[row]))

    def _refresh_row(self, row: int) -> None:
        line = row + 1 - self.scroll_offset.y  # the header takes the first line
        if row >= 0 and line >= 1:
            self.refresh_line(line)

    def _scroll_to_cursor(self) -> None:
        if self._cursor >= 0:
            # The header covers the view's first line: keep one line of room above the row.
            self.scroll_to_region(
                Region(0, self._cursor + 1, 1, 1),
                spacing=Spacing(1, 0, 0, 0),
                animate=False,
                immediate=True,
                force=True,
                x_axis=False,
            )

    def _move_by(self, rows: int) -> None:
        if self._items:
            self._move_to(max(0, min(len(self._items) - 1, self._cursor + rows)))

    def _move_to_end(self, last: bool) -> None:
        self._move_to(len(self._items) - 1 if last else 0)

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)  # less the header line

    def action_scroll_columns(self, direction: int) -> None:
        """Scroll sideways to the next column start out of view, or back to the last."""
        starts, x = [0], 0
        for width in self._column_widths()[:-1]:
            x += width + 2 * PADDING
            starts.append(x)
        now = self.scroll_offset.x
        if direction > 0:
            target = next((start for start in starts if start > now), now)
        else:
            target = next((start for start in reversed(starts) if start < now), 0)
        self.scroll_to(x=target, animate=False, immediate=True)

    def _on_quote_only_row(self, row: int) -> bool:
        """Whether the row is a claim with no counterpart to follow (Enter reads its quote)."""
        return 0 <= row < len(self._items) and self._items[row].kind != "relation"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select":
            return not self._on_quote_only_row(self._cursor)
        if action == "read":
            return self._on_quote_only_row(self._cursor)
        return True

    def action_select(self) -> None:
        if 0 <= self._cursor < len(self._items):
            self.post_message(self.ItemSelected(self, self._items[self._cursor]))

    def action_read(self) -> None:
        self.action_select()  # the screen shows a stance's quote

    async def _on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("relation_row")
        if row is None:
            return
        self._move_to(row)
        if event.chain >= 2:
            self.action_select()

    # --- drawing ----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._redraw()

    def _redraw(self) -> None:
        self._lines.clear()
        self.refresh()

    def _line(self, row: int) -> Strip:
        """A row's whole line (row -1: the header), the table's base style under it."""
        widths = self._column_widths()
        line = self._lines.get(row)
        if line is None:
            cells = [Text(label) for _key, label in COLUMNS] if row < 0 else self._cells(row)
            text = Text(no_wrap=True, end="")
            for cell, width in zip(cells, widths, strict=True):
                text.append(" " * PADDING)
                text.append_text(cell)
                text.append(" " * (width - cell.cell_len + PADDING))
            segments = list(text.render(self.app.console))
            line = Strip(Segment.apply_style(segments, self.visual_style.rich_style), text.cell_len)
            self._lines[row] = line
        return line

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        left = self.scroll_offset.x
        base = self.visual_style.rich_style
        if y == 0:
            header = self.get_component_rich_style("relation-table--header")
            strip = self._line(-1).crop_extend(left, left + width, base)
            return Strip(Segment.apply_style(strip, post_style=header), width)
        row = self.scroll_offset.y + y - 1
        if not 0 <= row < len(self._items):
            return Strip.blank(width, base)
        strip = self._line(row).crop_extend(left, left + width, base)
        if row == self._cursor:
            # The full style: its translucent (blurred) background blended over the
            # table's, its "auto" foreground resolved against the result.
            cursor = self.get_component_rich_style("relation-table--cursor")
            strip = Strip(Segment.apply_style(strip, post_style=cursor), width)
        return strip.apply_meta({"relation_row": row})
