"""The relations and stances of the highlighted actor, one row each."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from ..analysis import polarity_sign
from ..model import KnowledgeBase, Relation, Stance
from ..sanitize import display
from .actor_list import fit
from .items import ItemRef, claim_of, items_of

NAME_WIDTH = (12, 24)  # least and most cells of a counterpart or issue name
FIXED_WIDTH = 33  # the direction, type and date columns, their padding, a scrollbar
CLAIM_WIDTH = 32  # cells of "who asserts it (how firmly)"
SUMMARY_WIDTH = 80
NO_DATE = "—"

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


class RelationTable(DataTable, inherit_bindings=True):
    """``RelationTable(kb)``: rows for ``actor_id``'s relations then stances; cursor on ``item``.

    The relation's polarity reads without colour too: ``++ + 0 − −−``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Follow", tooltip="Go to the other actor"),
        Binding("k", "cursor_up", "Previous row", show=False),
        Binding("j", "cursor_down", "Next row", show=False),
        Binding("g", "scroll_top", "First row", show=False),
        Binding("G", "scroll_bottom", "Last row", show=False),
        # With a row cursor these scroll sideways, to the columns out of view.
        Binding("left", "cursor_left", "Scroll left", show=False),
        Binding("right", "cursor_right", "Scroll right", show=False),
    ]

    actor_id: reactive[str | None] = reactive(None, init=False)
    item: reactive[ItemRef | None] = reactive(None, init=False)

    class ItemHighlighted(Message):
        def __init__(self, table: RelationTable, item: ItemRef) -> None:
            super().__init__()
            self.table = table
            self.item = item

        @property
        def control(self) -> RelationTable:
            return self.table

    class ItemSelected(ItemHighlighted):
        """Enter (or a click on the highlighted row) on a relation or stance."""

    def __init__(self, kb: KnowledgeBase, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.kb = kb
        self._items: list[ItemRef] = []
        self._row_of_item: dict[ItemRef, int] = {}
        self._names_cut_to = NAME_WIDTH[1]

    def on_mount(self) -> None:
        # The signal comes once the new theme's colours are in ``theme_variables``.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._repopulate())

    def on_resize(self) -> None:
        if self._name_width() != self._names_cut_to:
            self._repopulate()

    def _name_width(self) -> int:
        """Names are cut so that the date column stays in view when the pane is narrow."""
        least, most = NAME_WIDTH
        return max(least, min(most, self.scrollable_content_region.width - FIXED_WIDTH))

    @property
    def items(self) -> list[ItemRef]:
        return list(self._items)

    def watch_actor_id(self) -> None:
        self._repopulate()

    def watch_item(self, item: ItemRef | None) -> None:
        row = self._row_of_item.get(item) if item is not None else None
        if row is not None and row != self.cursor_row:
            with self.prevent(DataTable.RowHighlighted):
                self.move_cursor(row=row)

    def _repopulate(self) -> None:
        actor_id = self.actor_id
        self._items = items_of(self.kb, actor_id)
        self._row_of_item = {item: row for row, item in enumerate(self._items)}
        self._names_cut_to = self._name_width()
        with self.prevent(DataTable.RowHighlighted):
            # Columns keep the width of the widest cell they ever held: start them afresh.
            self.clear(columns=True)
            for key, label in COLUMNS:
                self.add_column(Text(label), key=key)
            for item in self._items:
                if item.kind == "relation":
                    cells = self._relation_cells(self.kb.relation_by_id[item.id], actor_id)
                else:
                    cells = self._stance_cells(self.kb.stance_by_id[item.id])
                self.add_row(*cells, key=item.key)
            row = self._row_of_item.get(self.item) if self.item is not None else None
            if row is not None:
                self.move_cursor(row=row)
        self._update_title()

    def _update_title(self) -> None:
        actor = self.kb.actor_by_id.get(self.actor_id) if self.actor_id else None
        if actor is None:
            self.border_title = "Relations"
            return
        relations = sum(1 for item in self._items if item.kind == "relation")
        stances = len(self._items) - relations
        counts = f"{relations} relation{'s' * (relations != 1)}"
        if stances:
            counts += f", {stances} stance{'s' * (stances != 1)}"
        self.border_title = Content(f"{fit(display(actor.name), 40)} · {counts}")

    def _polarity_style(self, value: int) -> str:
        # The text- variants: the theme's shades made to be read on its own background.
        colours = self.app.theme_variables
        good, bad = colours.get("text-success", "green"), colours.get("text-error", "red")
        return {2: f"bold {good}", 1: good, 0: "", -1: bad, -2: f"bold {bad}"}[
            max(-2, min(2, value))
        ]

    def _relation_cells(self, relation: Relation, actor_id: str | None) -> list[Text]:
        counterpart_id = relation.counterpart(actor_id or relation.source)
        counterpart = self.kb.actor_by_id.get(counterpart_id)
        name = counterpart.name if counterpart is not None else counterpart_id
        return [
            Text.assemble(
                direction_arrow(relation, actor_id or relation.source),
                " ",
                (polarity_sign(relation.polarity), self._polarity_style(relation.polarity)),
            ),
            Text(display(relation.type)),
            Text(fit(display(name), self._names_cut_to)),
            Text(display(relation.date) if relation.date else NO_DATE),
            Text(relation.status.value, style="italic" if relation.status == "past" else ""),
            Text(fit(claim_of(self.kb, relation), CLAIM_WIDTH)),
            Text(fit(display(relation.summary), SUMMARY_WIDTH)),
        ]

    def _stance_cells(self, stance: Stance) -> list[Text]:
        return [
            Text("◆"),
            Text("stance"),
            Text(fit(display(stance.issue), self._names_cut_to)),
            Text(""),
            Text(""),
            Text(""),
            Text(fit(display(stance.position), SUMMARY_WIDTH)),
        ]

    def _item_at(self, row: int) -> ItemRef | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        item = self._item_at(event.cursor_row)
        if item is not None and event.row_key.value == item.key:
            self.post_message(self.ItemHighlighted(self, item))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self._item_at(event.cursor_row)
        if item is not None and event.row_key.value == item.key:
            self.post_message(self.ItemSelected(self, item))
