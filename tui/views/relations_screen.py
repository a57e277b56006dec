"""A modal listing some relations; Enter on one shows its quotes."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ..model import KnowledgeBase, status_label
from ..sanitize import display
from ..widgets.fitting_footer import FittingFooter
from ..widgets.row_cursor import LETTER_CURSOR_BINDINGS
from ..wording import type_label
from .quote_screen import QuoteScreen
from .render import polarity_text


class RelationRows(DataTable):
    """The relations' table: the arrows, and k/j, g/G as in the explorer's lists."""

    BINDINGS = [
        *LETTER_CURSOR_BINDINGS,
        Binding("g", "scroll_top", "First row", show=False),
        Binding("G", "scroll_bottom", "Last row", show=False),
    ]


class RelationsScreen(ModalScreen[None]):
    """``RelationsScreen(kb, relation_ids, heading)``: one row per relation, in the given order,
    under ``heading`` (a ``Text``, e.g. "Khalifa Haftar → Italy · net -1")."""

    CSS_PATH = "relations_screen.tcss"
    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, kb: KnowledgeBase, relation_ids: Sequence[str], heading: Text) -> None:
        super().__init__()
        self.kb = kb
        self.relation_ids = tuple(relation_ids)
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(id="relations-dialog"):
            yield Static(self.heading, id="relations-title")
            yield RelationRows(cursor_type="row", id="relations-table")
            yield Static(Text("Enter: quotes", style="dim"), id="relations-hint")
        yield FittingFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(Text("type"), key="type")
        table.add_column(Text("±"), key="polarity")
        table.add_column(Text("date"), key="date")
        table.add_column(Text("status"), key="status")
        table.add_column(Text("summary"), key="summary")
        for relation_id in self.relation_ids:
            relation = self.kb.relation_by_id[relation_id]
            table.add_row(
                Text(type_label(relation.type, relation.modality)),
                polarity_text(relation.polarity, justify="center"),
                Text(display(relation.date) if relation.date else "—"),
                Text(status_label(relation)),
                Text(display(relation.summary)),
                key=relation_id,
            )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.app.push_screen(QuoteScreen(self.kb, str(event.row_key.value)))
