"""The relations and stances of the highlighted actor, one row each, drawn line by line.

A Line API widget rather than a ``DataTable``: it keeps each row's cells as plain text and
styles only the lines in view, each once until the rows, the theme or the width change (an
actor with thousands of relations costs one pass over their texts, not thousands of
styled rows).
A ``DataTable`` measured and rendered every cell through Rich on each cursor move in the
actor list, the largest part of a move's repaint and of the first frame.

The first columns (direction and polarity, which of the actor's people the claim is of when
the pane includes them, the counterpart) stay put while the others scroll sideways under
them: whatever column is in view, the row says whom it is about. The "via" column takes no
room while no row has someone in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from itertools import accumulate
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..claims import ItemRef, claim_by_ref
from ..model import (
    Attribute,
    Confidence,
    KnowledgeBase,
    Relation,
    Stance,
    counted,
    polarity_sign,
    status_label,
)
from ..recent import Recent
from ..sanitize import display, plain_ascii
from ..wording import type_label
from .actor_list import fit
from .items import actor_name, items_of, why_no_items
from .row_cursor import RowCursor, cursor_bindings

if TYPE_CHECKING:
    from collections.abc import Callable

NAME_WIDTH = (8, 24)  # least and most cells of a counterpart or issue name
NAME_LAST_RESORT = 6  # a name is cut this short only when a type is cut as short as it goes
TYPE_LEAST = 12  # a type is cut no shorter: "me… (intent)" still says it is an offer
SUMMARY_WIDTH = 80
LEAST_CUT = 6  # cells a column cut at the right edge needs to show anything of itself
NO_DATE = "—"
PADDING = 1  # cells either side of each cell
FILLED_KEPT = 16  # actors whose rows are kept, to move back onto at once

COLUMNS = (
    ("direction", "±"),
    ("via", "via"),
    ("with", "with"),
    ("type", "type"),
    ("date", "date"),
    ("hedge", "hedge"),
    ("per", "per"),  # who says so next to how firmly: "according to whom" before status
    ("status", "status"),
    ("summary", "summary"),
)
SIGN, VIA, NAME, TYPE, DATE, HEDGE, PER, STATUS, SUMMARY = range(len(COLUMNS))
FROZEN = 3  # direction, which of its people, counterpart stay in view when the others scroll
KIND_ORDER = {"relation": 0, "attribute": 1, "stance": 2}  # the groups, whatever the sort


class RelationSort(StrEnum):
    """The order of the rows within each group (relations, attributes, stances)."""

    FILE = "file"
    DATE = "date"
    TYPE = "type"
    POLARITY = "polarity"
    COUNTERPART = "counterpart"

    def next(self) -> RelationSort:
        orders = list(RelationSort)
        return orders[(orders.index(self) + 1) % len(orders)]

    @classmethod
    def named(cls, name: str | None) -> RelationSort:
        """The order called ``name`` (as stored in the settings), else the file order."""
        try:
            return cls(name)
        except ValueError:
            return cls.FILE

    @property
    def label(self) -> str:
        return "in file order" if self is RelationSort.FILE else f"by {self.value}"


@dataclass(frozen=True, slots=True)
class _Layout:
    """The columns as drawn at one pane width."""

    view_width: int
    widths: tuple[int, ...]  # each column's cells, names (then types) cut for the width
    starts: tuple[int, ...]  # where each column (its left padding) starts on a whole line
    frozen: int  # cells of the frozen columns, their padding included
    total: int  # cells of a whole line


@dataclass(slots=True)
class _Filled:
    """An actor's rows in file order, their texts (each made when first drawn), each
    column's widest text, and what each order and the title were worked out to."""

    items: list[ItemRef]
    texts: list[list[str] | None]
    widest: list[int]
    # sorting -> (the rows in that order, the file row of each; None: the same, each
    # row's place): a move back onto the actor works none of it out again.
    orders: dict[RelationSort, tuple[list[ItemRef], list[int] | None, dict[ItemRef, int]]] = (
        field(default_factory=dict)
    )
    counts: str | None = None  # the title's counts


@dataclass(frozen=True, slots=True)
class _Window:
    """The part of the whole lines shown right of the frozen columns at one scroll offset.

    A column an edge of the view cuts is shown cut with "…" if enough of it is in view,
    else left blank: never a sliver of one or two letters."""

    view_start: int  # the first cell in view right of the frozen columns
    start: int  # the first cell shown: past view_start when a column there is left blank
    end: int  # the cell after the last shown: short of the edge, likewise
    left_cut: int | None  # the column the left edge cuts, its text shown from a "…"
    right_cut: int | None  # the column the right edge cuts, its text shown up to a "…"


def _widest_of(rows: list[list[str]]) -> list[int]:
    """Each column's widest text, its header's included; the "via" column's is 0 (no room
    taken) while no row names anyone in it."""
    widest = [len(label) for _key, label in COLUMNS]
    for texts in rows:
        for column, text in enumerate(texts):
            widest[column] = max(widest[column], cell_len(text))
    if not any(texts[VIA] for texts in rows):
        widest[VIA] = 0
    return widest


def _distinct_status(relations: list[Relation]) -> list[Relation]:
    """A relation of each distinct (status, kind): what ``status_label`` reads."""
    return list({(r.status, r.kind): r for r in relations}.values())


def _sign_text(arrow: str, polarity: int | None) -> str:
    return f"{arrow} {polarity_sign(polarity)}"


def _type_text(relation_type: str, modality) -> str:
    return display(type_label(relation_type, modality))


def _date_text(date: str | None) -> str:
    return display(date) if date else NO_DATE


def direction_arrow(relation: Relation, actor_id: str) -> str:
    if relation.source == relation.target:
        return "↻"
    return "→" if relation.source == actor_id else "←"


def fit_type(label: str, width: int) -> str:
    """A type label cut to ``width``, keeping its modality mark: "med… (intent)"."""
    verb, opening, mark = label.partition(" (")
    kept = opening + mark
    if not opening or cell_len(label) <= width or width - cell_len(kept) < 3:
        return fit(label, width)
    return fit(verb, width - cell_len(kept)) + kept


def column_cells(width: int) -> int:
    """The cells a column takes, its padding included: none for a column of no width."""
    return width + 2 * PADDING if width else 0


def padded_line(cells: list[Text], widths: tuple[int, ...]) -> Text:
    """The cells side by side, each padded to its column's width: one Text made at once
    (appending checks each piece for control codes; the cells are display-safe). A column
    of no width is left out, padding and all."""
    pieces: list[str] = []
    spans: list[Span] = []
    offset = 0
    for cell, width in zip(cells, widths, strict=True):
        if not width:
            continue
        plain = cell.plain
        start = offset + PADDING
        if cell.style:
            spans.append(Span(start, start + len(plain), cell.style))
        spans.extend(span.move(start) for span in cell.spans)
        piece = " " * PADDING + plain + " " * (width - cell_len(plain) + PADDING)
        pieces.append(piece)
        offset += len(piece)
    return Text("".join(pieces), spans=spans, no_wrap=True, end="")


def line_segments(cells: list[Text], widths: tuple[int, ...], console: Console) -> list[Segment]:
    """``padded_line(cells, widths).render(console)``, made without the Text: the same
    segments, an unstyled run of text (padding and cells) one segment up to the next
    styled piece. A cell is styled whole or by spans, never both (nothing overlaps)."""
    if any(cell.style and cell.spans for cell in cells):
        return list(padded_line(cells, widths).render(console))
    get_style = console.get_style
    null = Style.null()
    segments: list[Segment] = []
    run: list[str] = []  # unstyled text not yet made a segment

    def styled(text: str, style: str | Style) -> None:
        unstyled = "".join(run)
        if unstyled:
            segments.append(Segment(unstyled, null))
        run.clear()
        segments.append(Segment(text, get_style(style, default=null)))

    pad = " " * PADDING
    for cell, width in zip(cells, widths, strict=True):
        if not width:
            continue
        plain = cell.plain
        run.append(pad)
        if not plain:
            pass
        elif cell.style:
            styled(plain, cell.style)
        elif cell.spans:
            at = 0
            for span in sorted(cell.spans, key=attrgetter("start")):
                if span.start > at:
                    run.append(plain[at : span.start])
                if span.end > span.start:
                    styled(plain[span.start : span.end], span.style)
                at = max(at, span.end)
            run.append(plain[at:])
        else:
            run.append(plain)
        run.append(" " * (width - cell_len(plain) + PADDING))
    unstyled = "".join(run)
    if unstyled or not segments:
        # A line with no styled piece is one segment of no style, as Text renders it.
        segments.append(Segment(unstyled, null if segments else None))
    return segments


def pieces_of(segments: list[Segment], cuts: list[int]) -> list[list[Segment]]:
    """The segments between cell positions: before ``cuts[0]``, between each two cuts, an
    empty piece for each cut past the end. A cut before the one ahead of it (a pane too
    narrow for its frozen columns, as in the frame drawn on a resize) cuts there too."""
    cuts = list(accumulate((max(0, cut) for cut in cuts), max))
    pieces = list(Segment.divide(segments, cuts))
    return pieces + [[] for _ in range(len(cuts) - len(pieces))]


def sorted_items(
    kb: KnowledgeBase,
    actor_id: str | None,
    sorting: RelationSort,
    *,
    with_affiliates: bool = False,
) -> list[ItemRef]:
    """``items_of(kb, actor_id, ...)`` in the order the table shows them with ``sorting``."""
    items = items_of(kb, actor_id, with_affiliates=with_affiliates)
    if sorting is RelationSort.FILE:
        return items
    return sorted(items, key=order_key(kb, actor_id, sorting))


def first_item(
    kb: KnowledgeBase,
    actor_id: str | None,
    sorting: RelationSort,
    *,
    with_affiliates: bool = False,
) -> ItemRef | None:
    """``sorted_items(...)[0]`` (None when there is no row), without making every row: in
    file order the actor's first claim, else the first least row (a stable sort's first)."""
    if actor_id is None:
        return None
    if sorting is RelationSort.FILE:
        own = (
            ("relation", kb.relations_of(actor_id)),
            ("attribute", kb.attributes_of(actor_id)),
            ("stance", kb.stances_of(actor_id)),
        )
        for kind, claims in own:
            if claims:
                return ItemRef(kind, claims[0].id)
    items = items_of(kb, actor_id, with_affiliates=with_affiliates)
    if not items:
        return None
    if sorting is RelationSort.FILE:
        return items[0]
    return min(items, key=order_key(kb, actor_id, sorting))  # the first of the least


def order_key(
    kb: KnowledgeBase, actor_id: str | None, sorting: RelationSort
) -> Callable[[ItemRef], tuple]:
    """The sort key of a row: relations, attributes and stances stay apart; within them,
    ``sorting``'s order, then the date (undated last), then the file order (a stable sort)."""

    def key(item: ItemRef) -> tuple:
        claim = claim_by_ref(kb, item)
        by_date = (claim.date is None, claim.date or "")
        if sorting is RelationSort.TYPE:
            first: tuple = (_type_of(claim).casefold(),)
        elif sorting is RelationSort.COUNTERPART:
            first = (_counterpart_of(kb, claim, item.via or actor_id).casefold(),)
        elif sorting is RelationSort.POLARITY:
            polarity = claim.polarity if isinstance(claim, Relation) else None
            first = (polarity is None, polarity or 0)  # −− first, no valence last
        else:
            first = ()
        return (KIND_ORDER[item.kind], *first, by_date)

    return key


def _type_of(claim: Relation | Attribute | Stance) -> str:
    if isinstance(claim, Relation):
        return type_label(claim.type, claim.modality)
    return claim.type if isinstance(claim, Attribute) else "stance"


def _counterpart_of(kb: KnowledgeBase, claim: Relation | Attribute | Stance, actor_id) -> str:
    """The "with" column's name: the other actor, a stance's issue, or none."""
    if isinstance(claim, Relation):
        return actor_name(kb, claim.counterpart(actor_id or claim.source))
    return claim.issue if isinstance(claim, Stance) else ""


class RelationTable(RowCursor, ScrollView, can_focus=True, inherit_bindings=False):
    """``RelationTable(kb, unfiltered=None, sorting=...)``: rows for ``actor_id``'s relations,
    attributes then stances; cursor on ``item``.

    The relation's polarity reads without colour too: ``++ + 0 − −−``. The header stays
    on the first line; the columns after the counterpart scroll sideways under it. An
    empty table says why: the actor has nothing, or the filters (``kb`` is ``unfiltered``
    filtered) hid it all.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "relation-table--header",
        "relation-table--cursor",
        "relation-table--empty",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        # One key, two labels: the footer says what Enter does on the row under the cursor.
        Binding("enter", "select", "Follow", tooltip="Go to the other actor"),
        Binding("enter", "read", "Quote", tooltip="Read the claim's quote in its source"),
        *cursor_bindings("row"),
        Binding("left", "scroll_columns(-1)", "Scroll left", show=False),
        Binding("right", "scroll_columns(1)", "Scroll right", show=False),
        Binding(
            "s",
            "cycle_sort",
            "Sort",
            show=False,
            tooltip="Sort the rows in file order, by date, type, polarity or counterpart",
            id="relation-sort",
        ),
    ]

    # Each watcher redraws what its change needs (the cursor move, two rows): none
    # repaints the whole table by itself.
    actor_id: reactive[str | None] = reactive(None, init=False, repaint=False)
    item: reactive[ItemRef | None] = reactive(None, init=False, repaint=False)
    """The highlighted row's relation or stance; setting it moves the cursor silently."""
    sorting: reactive[RelationSort] = reactive(RelationSort.FILE, init=False, repaint=False)
    """The rows' order; setting it re-sorts them, the cursor staying on its row's item."""
    with_affiliates: reactive[bool] = reactive(False, init=False, repaint=False)
    """Whether the rows include what the actor's people and bodies did (``a``)."""

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

    class SortChanged(Message):
        """The user chose another order (``s``); the app may remember it."""

        def __init__(self, sorting: RelationSort) -> None:
            super().__init__()
            self.sorting = sorting

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        unfiltered: KnowledgeBase | None = None,
        sorting: RelationSort = RelationSort.FILE,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.kb = kb
        self.unfiltered = unfiltered or kb
        self.set_reactive(RelationTable.sorting, sorting)
        self._file_items: list[ItemRef] = []  # the rows in file order, and their texts
        # Each row's cells, names whole (cut when drawn); None until the row is drawn.
        self._file_texts: list[list[str] | None] = []
        self._items: list[ItemRef] = []  # the rows as sorted
        self._order: list[int] | None = None  # file row of each sorted row; None: the same
        self._row_of_item: dict[ItemRef, int] = {}
        self._widest = _widest_of([])  # each column's widest text
        # (actor, with its people) -> (its rows, their texts, widest): the last few actors
        # shown, for the same knowledge base and marks; moving back onto one is instant.
        self._filled: Recent[_Filled] = Recent(FILLED_KEPT)  # by (actor, with affiliates)
        self._filled_now = _Filled([], [], self._widest)  # the actor's on show
        self._layout: _Layout | None = None  # the widths at the pane's width; None: not yet
        self._lines: dict[int, list[Segment]] = {}  # row (-1: the header) -> its whole line
        self._view: tuple[int, int] = (0, 0)  # the scroll offset and width of _shown
        self._window: _Window | None = None  # what of the whole lines _shown shows
        self._shown: dict[int, Strip] = {}  # row -> the part of its line in view
        self._why_empty = why_no_items(kb, self.unfiltered, None)  # what no rows mean
        self._why_empty_lines: dict[int, list[Strip]] = {}  # width -> its lines, wrapped
        self._cursor = -1
        self._marks: dict[tuple[str, str], str] = {}  # (kind, id) -> "+" or "~" (`D`)

    def show_marks(self, marks: dict[tuple[str, str], str]) -> None:
        """Mark claims (``D``: added "+", changed "~") at the start of their rows; an empty
        dict takes the marks away."""
        self._marks = marks
        self._filled.clear()
        self._repopulate()

    @property
    def marks(self) -> dict[tuple[str, str], str]:
        return self._marks

    def show_data(self, kb: KnowledgeBase, unfiltered: KnowledgeBase) -> None:
        """Show another (re-filtered or changed) knowledge base in place."""
        self.kb, self.unfiltered = kb, unfiltered
        self._filled.clear()
        self._repopulate()

    def on_mount(self) -> None:
        self.border_subtitle = self.sorting.label
        # The signal comes once the new theme's colours are in ``theme_variables``.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._redraw())

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()  # a shorter pane may have left it below the view

    # --- columns ----------------------------------------------------------------------

    def _layout_now(self) -> _Layout:
        """The columns for the pane's width now (outside drawing, which has the width)."""
        return self._layout_at(self.scrollable_content_region.width)

    def _layout_at(self, view_width: int) -> _Layout:
        """The columns for a pane ``view_width`` cells wide.

        Worked out when drawn, not when filled: Textual paints a frame at the new size
        before the widget hears of the resize (the first frame among them).
        """
        if self._layout is None or self._layout.view_width != view_width:
            self._layout = self._layout_for(view_width)
            self._lines.clear()
            self._window = None
            self._shown.clear()
        return self._layout

    def _layout_for(self, view_width: int) -> _Layout:
        """Types, then names, then names again are cut so that the date is in view when the
        pane is narrow: two relations of one pair and type most often differ there. With the
        "via" column on show, the names come first: the date is then one → away."""
        widths = list(self._widest)
        least, most = NAME_WIDTH
        widths[NAME] = min(widths[NAME], most)
        widths[VIA] = min(widths[VIA], most)
        kept_in_view = TYPE if widths[VIA] else DATE
        over = sum(map(column_cells, widths[: kept_in_view + 1])) - view_width
        cuts = (
            (TYPE, TYPE_LEAST),
            (NAME, least),
            (VIA, least),
            (NAME, NAME_LAST_RESORT),
            (VIA, NAME_LAST_RESORT),
        )
        for column, shortest in cuts:
            if not widths[column]:
                continue  # a column not shown is not cut into one
            cut = max(0, min(over, widths[column] - shortest))
            widths[column] -= cut
            over -= cut
        starts, x = [], 0
        for width in widths:
            starts.append(x)
            x += column_cells(width)
        return _Layout(view_width, tuple(widths), tuple(starts), starts[FROZEN], x)

    def _update_virtual_size(self) -> None:
        if not self._items:
            self.virtual_size = Size(0, 1)
            return
        layout = self._layout_now()
        width = layout.total
        if width > layout.view_width:
            # Room to scroll the last column to the frozen ones' side, as ← → do with each.
            width = max(width, layout.starts[-1] + layout.view_width - layout.frozen)
        self.virtual_size = Size(width, len(self._items) + 1)

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

    @property
    def column_labels(self) -> list[str]:
        """The headers of the columns drawn ("via" only while a row names someone in it)."""
        widths = self._layout_now().widths
        return [label for (_key, label), width in zip(COLUMNS, widths, strict=True) if width]

    def cells_at(self, row: int) -> list[Text]:
        """The cells of a row drawn, one per ``column_labels`` (before the cursor's style)."""
        widths = self._layout_now().widths
        cells = self._cells(row, widths)
        return [cell for cell, width in zip(cells, widths, strict=True) if width]

    def watch_actor_id(self) -> None:
        self._repopulate()

    def watch_with_affiliates(self, was: bool, now: bool) -> None:
        if was != now:  # data binding sets it once at mount: the rows are filled already
            self._repopulate()

    def watch_item(self, item: ItemRef | None) -> None:
        row = self._row_of_item.get(item) if item is not None else None
        if row is not None and row != self._cursor:
            self._move_to(row, announce=False)

    def watch_sorting(self) -> None:
        self.border_subtitle = self.sorting.label
        current = self._items[self._cursor] if self._cursor >= 0 else None
        self._sort_rows()
        self._cursor = self._row_of_item.get(current, -1) if current is not None else -1
        self._lines.clear()
        self._shown.clear()
        self.refresh()
        self._scroll_to_cursor(center=True)

    def _repopulate(self) -> None:
        actor_id = self.actor_id
        on_stance_before = self._on_quote_only_row(self._cursor)
        self._fill(actor_id)
        self._sort_rows()
        self._why_empty = (
            ""
            if self._items
            else why_no_items(
                self.kb, self.unfiltered, actor_id, with_affiliates=self.with_affiliates
            )
        )
        self._why_empty_lines.clear()
        self._layout = None
        self._lines.clear()
        self._shown.clear()
        row = self._row_of_item.get(self.item) if self.item is not None else None
        self._cursor = row if row is not None else (0 if self._items else -1)
        if self.has_focus and self._on_quote_only_row(self._cursor) != on_stance_before:
            self.refresh_bindings()  # Enter's label: Follow or Quote (as in _move_to)
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._scroll_to_cursor()
        self._update_title()
        self.refresh()

    def _fill(self, actor_id: str | None) -> None:
        """The actor's rows in file order, and each column's widest text. The texts of a
        row are made when it is drawn: an actor with thousands of rows shows a few dozen."""

        def fill() -> _Filled:
            items = items_of(self.kb, actor_id, with_affiliates=self.with_affiliates)
            texts: list[list[str] | None] = [None] * len(items)
            if self._marks:  # the sign column's width depends on each row's mark: all made
                texts = [self._row_texts_of(item, actor_id) for item in items]
                widest = _widest_of(texts)  # type: ignore[arg-type]
            else:
                widest = self._widest_for(items, actor_id)
            return _Filled(items, texts, widest)

        filled = self._filled.get((actor_id, self.with_affiliates), fill)
        self._filled_now = filled
        self._file_items, self._file_texts = filled.items, filled.texts
        self._widest = filled.widest

    def _row_texts_of(self, item: ItemRef, actor_id: str | None) -> list[str]:
        """``_texts_of`` with the row's change mark (``D``), if marks are on show."""
        texts = self._texts_of(item, actor_id)
        if self._marks:  # a column of its own at the start of the first cell
            texts[SIGN] = f"{self._marks.get((item.kind, item.id), ' ')} {texts[SIGN]}"
        return texts

    def _texts(self, row: int) -> list[str]:
        """The texts of (sorted) row ``row``, made the first time it is asked for."""
        index = row if self._order is None else self._order[row]
        texts = self._file_texts[index]
        if texts is None:
            texts = self._row_texts_of(self._file_items[index], self.actor_id)
            self._file_texts[index] = texts
        return texts

    def _widest_for(self, items: list[ItemRef], actor_id: str | None) -> list[int]:
        """``_widest_of`` the texts of ``items``' rows (no marks on show), without making
        each row's texts: a relation's cells are measured from the values they show, each
        distinct one once (thousands of rows share a few types, dates and counterparts),
        its summary only until one fills the column, its counterparts only until one is as
        long as a name is drawn (the "with" column then says at least that)."""
        kb = self.kb
        relation_by_id = kb.relation_by_id
        others: list[list[str]] = []  # attributes and stances: their texts, made
        relations: list[Relation] = []
        actings: list[str] = []  # the side each relation's row reads from
        vias = {item.via for item in items}
        own = list(kb.relations_of(actor_id)) if actor_id is not None and vias == {None} else []
        if own and [item.id for item in items[: len(own)]] == [r.id for r in own]:
            # The actor's own rows (items_of): its relations first, as the file has them.
            relations, actings = own, [actor_id] * len(own)  # type: ignore[list-item]
            rest = items[len(own) :]
        else:
            rest = items
        for item in rest:
            if item.kind != "relation":
                others.append(self._texts_of(item, actor_id))
                continue
            relation = relation_by_id[item.id]
            relations.append(relation)
            actings.append(item.via or actor_id or relation.source)
        # Each distinct value once, gathered a column at a time.
        pairs = list(zip(relations, actings, strict=True))
        signs = {(direction_arrow(rel, acting), rel.polarity) for rel, acting in pairs}
        names = {rel.counterpart(acting) for rel, acting in pairs}
        types = set(map(attrgetter("type", "modality"), relations))
        dates = set(map(attrgetter("date"), relations))
        hedges = set(map(attrgetter("confidence"), relations))
        asserters = set(map(attrgetter("asserted_by"), relations))
        statuses = {status_label(relation) for relation in _distinct_status(relations)}
        summaries = list(map(attrgetter("summary"), relations))
        if plain_ascii(summaries):
            summary = min(max(map(len, summaries), default=0), SUMMARY_WIDTH)
        else:
            summary = 0
            for text in summaries:
                if summary >= SUMMARY_WIDTH:
                    break
                summary = max(summary, cell_len(fit(display(text), SUMMARY_WIDTH)))
        widest = _widest_of(others)
        via_texts = [actor_name(kb, via) if via is not None else "" for via in vias]
        measured = (
            (SIGN, [_sign_text(arrow, polarity) for arrow, polarity in signs]),
            (VIA, via_texts),
            (TYPE, [_type_text(type_, modality) for type_, modality in types]),
            (DATE, [_date_text(date) for date in dates]),
            (HEDGE, [hedge.value for hedge in hedges]),
            (PER, [self._asserter_text(asserter) for asserter in asserters]),
            (STATUS, list(statuses)),
        )
        for column, texts in measured:
            widest[column] = max(widest[column], *map(cell_len, texts), 0)
        widest[SUMMARY] = max(widest[SUMMARY], summary)
        actor_by_id = kb.actor_by_id
        plain_names = [
            actor.name if (actor := actor_by_id.get(name)) is not None else name
            for name in names
        ]
        if plain_ascii(plain_names):
            widest[NAME] = max(widest[NAME], *map(len, plain_names), 0)
        else:
            # The column is cut to the longest a name is drawn: past it, none is measured.
            for name in plain_names:
                if widest[NAME] >= NAME_WIDTH[1]:
                    break
                widest[NAME] = max(widest[NAME], cell_len(display(name)))
        if not any(via_texts):
            widest[VIA] = 0
        return widest

    def _sort_rows(self) -> None:
        """Put the rows in ``sorting``'s order; equal rows keep their file order."""
        filled = self._filled_now
        found = filled.orders.get(self.sorting)
        if found is None:
            items = filled.items
            if self.sorting is RelationSort.FILE:
                rows, order = items, None
            else:
                key = order_key(self.kb, self.actor_id, self.sorting)
                order = sorted(range(len(items)), key=lambda index: key(items[index]))
                rows = [items[index] for index in order]
            found = (rows, order, {item: row for row, item in enumerate(rows)})
            filled.orders[self.sorting] = found
        self._items, self._order, self._row_of_item = found

    def _update_title(self) -> None:
        actor = self.kb.actor_by_id.get(self.actor_id) if self.actor_id else None
        if actor is None:
            self.border_title = "Relations"
            return
        counts = self._filled_now.counts
        if counts is None:
            counts = self._counts()
            self._filled_now.counts = counts
        self.border_title = Content(f"{fit(display(actor.name), 40)} · {counts}")

    def _counts(self) -> str:
        """The title's count of the rows: whose, and of what kind."""
        relations = sum(1 for item in self._items if item.kind == "relation")
        attributes = sum(1 for item in self._items if item.kind == "attribute")
        stances = len(self._items) - relations - attributes
        people = len({item.via for item in self._items if item.via is not None})
        counts = f"with {people} of its people · " if people else ""
        counts += counted(relations, "relation")
        if attributes:
            counts += f", {counted(attributes, 'attribute')}"
        if stances:
            counts += f", {counted(stances, 'stance')}"
        return counts

    def _texts_of(self, item: ItemRef, actor_id: str | None) -> list[str]:
        """What each cell of an item's row says (display-safe); ``_cells`` styles them."""
        via = actor_name(self.kb, item.via) if item.via is not None else ""
        if item.kind == "stance":
            stance = self.kb.stance_by_id[item.id]
            return [
                "◆",
                via,
                display(stance.issue),
                "stance",
                display(stance.date) if stance.date else NO_DATE,
                *self._assertion_of(stance.asserted_by, stance.confidence, ""),
                fit(display(stance.position), SUMMARY_WIDTH),
            ]
        if item.kind == "attribute":
            attribute = self.kb.attribute_by_id[item.id]
            return [
                "●",
                via,
                "",
                display(attribute.type),
                display(attribute.date) if attribute.date else NO_DATE,
                *self._assertion_of(
                    attribute.asserted_by, attribute.confidence, status_label(attribute)
                ),
                fit(display(attribute.summary), SUMMARY_WIDTH),
            ]
        # The cells as _widest_for measures them: a change here is a change there.
        relation = self.kb.relation_by_id[item.id]
        acting = item.via or actor_id or relation.source  # the row reads from its side
        return [
            _sign_text(direction_arrow(relation, acting), relation.polarity),
            via,
            display(self._counterpart_name(relation.counterpart(acting))),
            _type_text(relation.type, relation.modality),
            _date_text(relation.date),
            *self._assertion_of(relation.asserted_by, relation.confidence, status_label(relation)),
            fit(display(relation.summary), SUMMARY_WIDTH),
        ]

    def _counterpart_name(self, counterpart_id: str) -> str:
        counterpart = self.kb.actor_by_id.get(counterpart_id)
        return counterpart.name if counterpart is not None else counterpart_id

    def _asserter_text(self, asserted_by: str | None) -> str:
        return fit(actor_name(self.kb, asserted_by), NAME_WIDTH[1]) if asserted_by else ""

    def _assertion_of(
        self, asserted_by: str | None, confidence: Confidence, status: str
    ) -> tuple[str, str, str]:
        """The hedge, per and status cells: how firmly, who says so, whether it still holds."""
        return confidence.value, self._asserter_text(asserted_by), status

    def _cells(self, row: int, widths: tuple[int, ...]) -> list[Text]:
        """A row's cells as drawn (before the cursor's style), names and type cut to fit."""
        texts = self._texts(row)
        cells = [Text(text) for text in texts]
        cells[NAME] = Text(fit(texts[NAME], widths[NAME]))
        cells[VIA] = Text(fit(texts[VIA], widths[VIA]), style="italic" if texts[VIA] else "")
        cells[TYPE] = Text(fit_type(texts[TYPE], widths[TYPE]))
        if texts[HEDGE] != Confidence.STATED:
            cells[HEDGE].style = "italic"  # a hedged claim reads as one
        item = self._items[row]
        if item.kind == "relation":
            relation = self.kb.relation_by_id[item.id]
            sign = len(texts[SIGN]) - len(polarity_sign(relation.polarity))
            cells[SIGN].stylize(self._polarity_style(relation.polarity), sign)  # the sign
            if relation.status == "past":
                cells[STATUS].style = "italic"
        mark = texts[SIGN][:1] if self._marks else ""
        if mark in ("+", "~"):
            colours = self.app.theme_variables
            colour = colours.get("text-success" if mark == "+" else "text-warning",
                                 "green" if mark == "+" else "yellow")
            cells[SIGN].stylize(f"bold {colour}", 0, 1)
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
        if self.has_focus and self._on_quote_only_row(previous) != self._on_quote_only_row(row):
            # Enter's label: Follow or Quote (a footer rebuild). The footer shows the keys
            # of the focused pane only: focus coming here refreshes them.
            self.refresh_bindings()
        self._refresh_row(previous)
        self._refresh_row(row)
        self._scroll_to_cursor()
        if announce:
            self.post_message(self.ItemHighlighted(self, self._items[row]))

    def _refresh_row(self, row: int) -> None:
        line = row + 1 - self.scroll_offset.y  # the header takes the first line
        if row >= 0 and line >= 1:
            self.refresh_line(line)

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        if self._cursor >= 0:
            # The header covers the view's first line: keep one line of room above the row.
            self.scroll_to_region(
                Region(0, self._cursor + 1, 1, 1),
                spacing=Spacing(1, 0, 0, 0),
                animate=False,
                immediate=True,
                force=True,
                center=center,
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
        """Scroll sideways to the next column start, or back to the previous one."""
        layout = self._layout_now()
        starts = [start - layout.frozen for start in layout.starts[FROZEN:]]
        now = self.scroll_offset.x
        if direction > 0:
            if now + layout.view_width >= layout.total:
                return  # the last column is whole in view: nothing more to bring in
            # Past the last column's start, a long summary is read a view at a time.
            target = next((start for start in starts if start > now), None)
            if target is None:
                target = now + layout.view_width - layout.frozen
        else:
            target = next((start for start in reversed(starts) if start < now), 0)
        self.scroll_to(x=target, animate=False, immediate=True)

    def action_cycle_sort(self) -> None:
        self.sorting = self.sorting.next()
        self.post_message(self.SortChanged(self.sorting))

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
        self._shown.clear()
        self._why_empty_lines.clear()
        self.refresh()

    def _line(self, row: int, layout: _Layout, base: Style) -> list[Segment]:
        """A row's whole line (row -1: the header), the table's base style under it and
        the row's number on it for a click."""
        line = self._lines.get(row)
        if line is None:
            if row < 0:
                cells, meta = [Text(label) for _key, label in COLUMNS], None
            else:
                cells = self._cells(row, layout.widths)
                meta = Style.from_meta({"relation_row": row})
            rendered = line_segments(cells, layout.widths, self.app.console)
            line = list(Segment.apply_style(rendered, base, meta))
            self._lines[row] = line
        return line

    def _forget_shown_if_scrolled(self, width: int) -> None:
        """The lines in view hold one scroll offset and width: another makes them anew."""
        view = (self.scroll_offset.x, width)
        if view != self._view:
            self._view = view
            self._window = None
            self._shown.clear()

    def _window_at(self, layout: _Layout) -> _Window:
        """What the scroll offset shows right of the frozen columns."""
        if self._window is not None:
            return self._window
        view_start = layout.frozen + self.scroll_offset.x
        edge = view_start + layout.view_width - layout.frozen
        start, end, left_cut, right_cut = view_start, edge, None, None
        for column in range(FROZEN, len(COLUMNS)):
            text_start = layout.starts[column] + PADDING
            text_end = text_start + layout.widths[column]
            if text_start < view_start < text_end:
                if min(text_end, edge) - view_start >= LEAST_CUT:
                    left_cut = column
                else:
                    start = min(text_end, edge)
            if text_start < edge < text_end:
                if edge - max(text_start, view_start) >= LEAST_CUT:
                    right_cut = column
                else:
                    end = max(text_start, start)
        self._window = _Window(view_start, start, end, left_cut, right_cut)
        return self._window

    def _text_span(self, row: int, column: int | None, layout: _Layout) -> tuple[int, int]:
        """Where a cell's text (row -1: the header's) lies on the whole line, as drawn."""
        if column is None:
            return (0, 0)
        if row < 0:
            width = len(COLUMNS[column][1])
        else:
            width = min(cell_len(self._texts(row)[column]), layout.widths[column])
        text_start = layout.starts[column] + PADDING
        return (text_start, text_start + width)

    def _left_cut(self, row: int, window: _Window, layout: _Layout) -> tuple[int, bool]:
        """Where the row's text in the column the left edge cuts is shown from, and whether
        a "…" stands before it: one cell in, or blank to its end when little of it is left."""
        text_start, text_end = self._text_span(row, window.left_cut, layout)
        if not text_start < window.start < text_end:
            return window.start, False
        if text_end - window.start >= LEAST_CUT:
            return window.start + 1, True
        return text_end, False

    def _in_view(self, row: int, layout: _Layout, base: Style) -> Strip:
        """The frozen columns and the part of the others in view (row -1: the header), a
        text an edge cuts marked with "…" on that side."""
        shown = self._shown.get(row)
        if shown is not None:
            return shown
        window = self._window_at(layout)
        line = self._line(row, layout, base)
        pad_style = line[-1].style  # the line's end padding: the row's number is on it
        left, marked = self._left_cut(row, window, layout)
        right_text = self._text_span(row, window.right_cut, layout)
        right = window.end - (right_text[0] < window.end < right_text[1])
        # Cut in one pass over the line: a Strip per crop costs more than the crop.
        cuts = [layout.frozen, window.start, left, max(left, right), window.end]
        frozen, _hidden, first, middle, last = pieces_of(line, cuts)
        segments = frozen
        if window.start > window.view_start:
            segments.append(Segment(" " * (window.start - window.view_start), pad_style))
        if marked and first:
            segments.append(Segment("…", first[0].style))
        elif left > window.start:
            segments.append(Segment(" " * (left - window.start), pad_style))
        segments += middle
        if right < window.end and last:
            segments.append(Segment("…", last[0].style))
        used = layout.frozen + max(0, min(window.end, layout.total) - window.view_start)
        if used < layout.view_width:
            segments.append(Segment(" " * (layout.view_width - used), pad_style))
        shown = Strip(segments, layout.view_width)
        self._shown[row] = shown
        return shown

    def _why_empty_line(self, y: int, width: int, base: Style) -> Strip:
        """Line ``y`` of why the table is empty, wrapped to the pane, muted."""
        lines = self._why_empty_lines.get(width)
        if lines is None:
            muted = base + self.get_component_rich_style("relation-table--empty")
            wrapped = Text(self._why_empty).wrap(self.app.console, max(1, width - 2 * PADDING))
            indent = " " * PADDING
            lines = [
                Strip([Segment(indent + line.plain, muted)]).extend_cell_length(width, base)
                for line in wrapped
            ]
            self._why_empty_lines[width] = lines
        return lines[y] if y < len(lines) else Strip.blank(width, base)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.visual_style.rich_style
        if not self._items:
            return self._why_empty_line(y, width, base)
        self._forget_shown_if_scrolled(width)
        layout = self._layout_at(width)
        if y == 0:
            header = self.get_component_rich_style("relation-table--header")
            strip = self._in_view(-1, layout, base)
            return Strip(Segment.apply_style(strip, post_style=header), width)
        row = self.scroll_offset.y + y - 1
        if not 0 <= row < len(self._items):
            return Strip.blank(width, base)
        strip = self._in_view(row, layout, base)
        if row == self._cursor:
            # The full style: its translucent (blurred) background blended over the
            # table's, its "auto" foreground resolved against the result.
            cursor = self.get_component_rich_style("relation-table--cursor")
            strip = Strip(Segment.apply_style(strip, post_style=cursor), width)
        return strip
