"""The stance matrix: what each actor does to each other actor, net, at a glance."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from ..analysis import (
    MIXED,
    MatrixCell,
    MatrixScope,
    most_connected,
    net_label,
    stance_matrix,
    who_acted,
)
from ..filters import Filters
from ..model import ACTOR_KINDS, KnowledgeBase, counted
from ..sanitize import display
from ..widgets.fitting_footer import FittingFooter
from ..widgets.row_cursor import LETTER_CURSOR_BINDINGS
from ..wording import type_label
from .base import AnalystView
from .filter_bar import FilterBar
from .relations_screen import RelationsScreen
from .render import (
    MIXED_STYLE,
    MUTED_STYLE,
    actor_name,
    no_relation_text,
    polarity_style,
    polarity_text,
)

SIZES = (12, 20, 30, 50)
"""How many of the most connected actors the matrix shows; 12 fits 80x24."""
NAME_WIDTH = 18
LEGEND = (
    "net: ++ ≥+2  + +1  0 zero  − −1  −− ≤−2  ± mixed  · none  │  Enter: relations"
)


class MatrixTable(DataTable):
    """A cell-cursor table that also moves with h, j, k, l."""

    BINDINGS = [
        Binding("h", "cursor_left", "Left", show=False),
        *LETTER_CURSOR_BINDINGS,
        Binding("l", "cursor_right", "Right", show=False),
    ]


class StanceMatrixScreen(AnalystView):
    """``StanceMatrixScreen(kb, filters=None, top_n=12, roll_up=False)``.

    Rows and columns are the ``top_n`` most connected actors (optionally of one kind), in
    the same order; cell (row, column) is the net polarity of what the row actor does to
    the column actor.
    """

    HELP_TITLE = "Stance matrix"
    CSS_PATH = "matrix.tcss"
    BINDINGS = [
        Binding("c", "cycle_kind", "Kind", tooltip="One kind of actor at a time, then all"),
        Binding(
            "n",
            "cycle_size",
            "Size",
            tooltip=f"The {', '.join(map(str, SIZES))} most connected actors, in turn",
        ),
        Binding(
            "t",
            "cycle_scope",
            "Count",
            tooltip="Count events and current ties, current ties only, or events only",
        ),
        AnalystView.ROLL_UP_BINDING,
    ]

    def __init__(
        self,
        kb: KnowledgeBase,
        filters: Filters | None = None,
        *,
        top_n: int = SIZES[0],
        roll_up: bool = False,
    ) -> None:
        super().__init__(kb, filters, roll_up=roll_up)
        self.top_n = top_n
        self.kind: str | None = None
        self.scope = MatrixScope.BOTH
        self.actor_ids: list[str] = []
        self.cells: dict[tuple[str, str], MatrixCell] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="matrix-title")
        yield FilterBar(self.filters)
        yield MatrixTable(cursor_type="cell", id="matrix-table")
        yield Static(id="matrix-cell")
        yield Static(Text(LEGEND, style=MUTED_STYLE), id="matrix-legend")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.rebuild()
        self.query_one(MatrixTable).focus()

    def _kinds(self) -> list[str | None]:
        present = {actor.kind for actor in self.shown.actors}
        return [None, *(kind for kind in ACTOR_KINDS if kind in present)]

    def rebuild(self) -> None:
        shown = self.shown
        if self.kind not in self._kinds():
            self.kind = None  # the filters or the roll-up took the last of the kind away
        self.actor_ids = most_connected(shown, self.top_n, self.kind)
        self.cells = stance_matrix(shown, self.actor_ids, self.scope)
        table = self.query_one(MatrixTable)
        table.clear(columns=True)
        for number, actor_id in enumerate(self.actor_ids, start=1):
            table.add_column(Text(str(number), justify="center"), width=2, key=actor_id)
        for number, row in enumerate(self.actor_ids, start=1):
            # A figure space keeps the numbers right-aligned: leading spaces are dropped.
            label = Text.assemble((f"{number:\u2007>2} ", MUTED_STYLE))
            name = Text(actor_name(shown, row))
            name.truncate(NAME_WIDTH, overflow="ellipsis")  # in cells: wide scripts count double
            label.append_text(name)
            table.add_row(*(self._cell_text(row, column) for column in self.actor_ids),
                          key=row, label=label)
        kind = self.kind or "all kinds"
        title = Text.assemble(("Stance matrix", "bold"))
        if self.roll_up:  # first: a narrow screen cuts the end of the title
            title.append(" · people in their states")
        title.append(
            f" · row acts on column · {self.scope} · {kind} · {len(self.actor_ids)} most connected"
            f" (max {self.top_n})"
        )
        self.query_one("#matrix-title", Static).update(title)
        self._describe_cell(table.cursor_coordinate)

    def _cell_text(self, row: str, column: str) -> Text:
        cell = self.cells.get((row, column))
        if cell is None:
            return no_relation_text()
        if cell.mixed:
            return Text(MIXED, style=MIXED_STYLE, justify="center")
        return polarity_text(cell.net, justify="center")

    def _pair_at(self, coordinate: Coordinate) -> tuple[str, str] | None:
        if not self.actor_ids:
            return None
        return self.actor_ids[coordinate.row], self.actor_ids[coordinate.column]

    def _describe_cell(self, coordinate: Coordinate) -> None:
        info = self.query_one("#matrix-cell", Static)
        pair = self._pair_at(coordinate)
        if pair is None:
            kind = f" of kind {self.kind}" if self.kind else ""
            info.update(Text(f"No actor{kind} has a relation."))
            return
        row, column = pair
        shown = self.shown
        line = Text()
        line.append(actor_name(shown, row), style="bold")
        line.append(" → ")
        line.append(actor_name(shown, column), style="bold")
        cell = self.cells.get(pair)
        if cell is None:
            line.append(": no relation", style=MUTED_STYLE)
        else:
            count = len(cell.relation_ids)
            line.append(": net ")
            style = MIXED_STYLE if cell.mixed else polarity_style(cell.net)
            line.append(net_label(cell), style=style)
            line.append(f" · {counted(count, 'relation')}: ")
            for index, relation_id in enumerate(cell.relation_ids):
                relation = shown.relation_by_id[relation_id]
                if index:
                    line.append(", ")
                line.append(f"{type_label(relation.type, relation.modality)} ")
                line.append_text(polarity_text(relation.polarity))
                acted = who_acted(self.kb, shown, relation_id)
                if acted is not None:
                    line.append(f" ({display(acted)})", style=MUTED_STYLE)
        info.update(line)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self._describe_cell(event.coordinate)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        pair = self._pair_at(event.coordinate)
        cell = self.cells.get(pair) if pair else None
        if pair is None or cell is None:
            self.app.bell()
            return
        row, column = pair
        if cell.mixed and self._disputed(row, column):
            # Both signs on one pair: where sources disagree about it, that comes first.
            self.app.action_disputes(frozenset(pair))
            return
        title = Text()
        title.append(actor_name(self.shown, row), style="bold")
        title.append(" → ")
        title.append(actor_name(self.shown, column), style="bold")
        title.append(f" · net {net_label(cell)}")
        self.app.push_screen(RelationsScreen(self.kb, cell.relation_ids, title))

    def _disputed(self, first: str, second: str) -> bool:
        from ..disputes import disputes

        wanted = {first, second}
        for dispute in disputes(self.shown):
            if dispute.section != "relations":
                continue
            claims = [self.shown.relation_by_id.get(i) for i in (dispute.first, dispute.second)]
            if all(c is not None and {c.source, c.target} == wanted for c in claims):
                return True
        return False

    def action_cycle_kind(self) -> None:
        kinds = self._kinds()
        self.kind = kinds[(kinds.index(self.kind) + 1) % len(kinds)]
        self.rebuild()

    def action_cycle_size(self) -> None:
        larger = [size for size in SIZES if size > self.top_n]
        self.top_n = larger[0] if larger else SIZES[0]
        self.rebuild()

    def action_cycle_scope(self) -> None:
        scopes = list(MatrixScope)
        self.scope = scopes[(scopes.index(self.scope) + 1) % len(scopes)]
        self.rebuild()
