"""Every actor of the knowledge base, one row each, drawn line by line.

Knowledge bases reach tens of thousands of actors, so this is a Line API widget: it keeps
a plain list of rows and renders only the rows in view. The highlighted row is announced
at once with ``ActorList.Highlighted``; the screen owns the selection and binds it back
into ``actor_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter, neg
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.signal import Signal
from textual.strip import Strip

from ..model import ACTOR_KINDS, Actor, KnowledgeBase
from ..sanitize import display, display_all
from .row_cursor import RowCursor, cursor_bindings


class SortOrder(StrEnum):
    KIND = "kind"
    NAME = "name"
    RELATIONS = "relations"

    def next(self) -> SortOrder:
        orders = list(SortOrder)
        return orders[(orders.index(self) + 1) % len(orders)]

    @classmethod
    def named(cls, name: str | None) -> SortOrder:
        """The order called ``name`` (as stored in the settings), else the default."""
        try:
            return cls(name)
        except ValueError:
            return cls.KIND


@dataclass(slots=True)  # not frozen: a frozen one's __init__ costs 2.5x, on 50k rows a reopen
class _Row:
    """A group header (``actor`` is None) or an actor. (Replaced, never changed.)"""

    label: str  # display-safe text
    actor: Actor | None = None
    count: int = 0  # relations of the actor, or actors in the group


def fit(text: str, width: int) -> str:
    """Cut display text to ``width`` terminal cells, marking a cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


class ActorList(RowCursor, ScrollView, can_focus=True, inherit_bindings=False):
    """``ActorList(kb, sorting=...)``: the actors grouped by kind, or sorted by name or by
    relation count."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "actor-list--header",
        "actor-list--cursor",
        "actor-list--detail",
    }
    # Not the scroll view's bindings: the keys move the cursor, and the list never scrolls
    # sideways.
    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("actor"),
        Binding("enter", "select", "Relations", tooltip="Go to the actor's relations"),
        Binding(
            "s",
            "cycle_sort",
            "Sort",
            show=False,
            tooltip="Sort the actors by kind, by name, or by number of relations",
            id="sort",
        ),
    ]

    actor_id: reactive[str | None] = reactive(None, init=False, repaint=False)
    """The highlighted actor; setting it moves the cursor without announcing it (and
    redraws only the rows that changed: not the whole list)."""
    sorting: reactive[SortOrder] = reactive(SortOrder.KIND, init=False)

    class Highlighted(Message):
        """The cursor moved to an actor."""

        def __init__(self, actor_list: ActorList, actor_id: str) -> None:
            super().__init__()
            self.actor_list = actor_list
            self.actor_id = actor_id

        @property
        def control(self) -> ActorList:
            return self.actor_list

    class Selected(Highlighted):
        """Enter (or a double click) on an actor."""

    class SortChanged(Message):
        """The user chose another order (``s``); the app remembers it."""

        def __init__(self, sorting: SortOrder) -> None:
            super().__init__()
            self.sorting = sorting

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        sorting: SortOrder = SortOrder.KIND,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.kb = kb
        self.set_reactive(ActorList.sorting, sorting)  # the rows are built in it below
        self._relation_counts: dict[str, int] = {}
        self._rows: list[_Row] = []
        self._row_of_actor: dict[str, int] = {}
        self._cursor = -1  # index into _rows of an actor row; -1 when there is none
        self._jumped_before_layout = False
        self._cursor_line_wanted: int | None = None
        self._marks: dict[str, str] = {}  # actor id -> "+" or "~" (changes since, `D`)
        self.highlighted_signal: Signal[str] = Signal(self, "highlighted")
        """The highlighted actor's id, published as the cursor moves to it: a subscriber
        (the explorer) has the other panes follow before the cursor's move is drawn, so
        that one frame shows it all. ``Highlighted`` comes a few messages later."""
        self._rebuild(counted=False)

    def show_marks(self, marks: dict[str, str]) -> None:
        """Mark actors (``D``: added "+", changed "~") in a column before their names; an
        empty dict takes the marks away."""
        self._marks = marks
        self.refresh()

    @property
    def marks(self) -> dict[str, str]:
        return self._marks

    def show_data(self, kb: KnowledgeBase) -> None:
        """Show another (re-filtered or changed) knowledge base in place: the rows are
        built again, the cursor kept on its actor while that one is listed."""
        current = self.actor_at(self._cursor)
        old, self.kb = self.kb, kb
        if kb.actors is old.actors and self.sorting is not SortOrder.RELATIONS:
            # A claim changed: the same rows in the same order, a few counts changed.
            self._recount(kb.actors_with_other_relations(old))
        else:
            self._rebuild(counted=False)
        self._cursor = self._row_of_actor.get(current, -1) if current is not None else -1
        self.border_title = f"Actors ({len(kb.actors):,})"
        self.refresh()

    # --- rows -------------------------------------------------------------------------

    def _rebuild(self, *, counted: bool = True) -> None:
        """The rows again, in the current order (``counted``: from the current counts,
        else from counts worked out again, or as ``prepare`` left them)."""
        built = _built_rows(self.kb, self.sorting, self._relation_counts if counted else None)
        self._relation_counts = built.counts
        self._rows = built.rows
        self._row_of_actor = built.row_of_actor
        self._count_width = built.count_width
        self._kind_width = built.kind_width
        self.virtual_size = Size(0, len(built.rows))

    def _recount(self, actor_ids: list[str]) -> None:
        counts = self._relation_counts
        for actor_id in actor_ids:
            counts[actor_id] = len(self.kb.relations_of(actor_id))
            row = self._row_of_actor[actor_id]
            self._rows[row] = _Row(self._rows[row].label, self._rows[row].actor,
                                   counts[actor_id])
        self._count_width = len(str(max(counts.values(), default=0)))

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        """The row of the cursor (group headers count as rows), or -1."""
        return self._cursor

    def first_actor_id(self) -> str | None:
        first = self._step(0, 1)
        return self.actor_at(first) if first is not None else None

    def actor_at(self, row: int) -> str | None:
        actor = self._rows[row].actor if 0 <= row < len(self._rows) else None
        return actor.id if actor is not None else None

    # --- state ------------------------------------------------------------------------

    def watch_actor_id(self, actor_id: str | None) -> None:
        row = self._row_of_actor.get(actor_id) if actor_id is not None else None
        if row is None or row == self._cursor:
            return
        if not self.scrollable_content_region:
            # Not laid out yet (a list refilled by a filter): with no height to tell what is
            # in view, the first resize scrolls, and only if it must.
            self._cursor = row
            self._jumped_before_layout = True
            self.refresh()
        else:
            # A jump (follow, go to, back) lands mid-pane when its row is out of view.
            self._move_to(row, announce=False, center=not self._in_view(row))

    def on_mount(self) -> None:
        self.border_title = f"Actors ({len(self.kb.actors):,})"
        self.border_subtitle = f"by {self.sorting.value}"

    @property
    def cursor_line(self) -> int:
        """The line of the view the cursor is on (outside the view when it is out of it)."""
        return self._cursor - self.scroll_offset.y

    def keep_cursor_on_line(self, line: int) -> None:
        """Scroll so that the cursor is on ``line`` of the view, now or once laid out: a
        list that replaces another (after a filter) keeps the cursor where the user saw it."""
        if not (self.scrollable_content_region and self._show_cursor_on_line(line)):
            self._cursor_line_wanted = line

    def _show_cursor_on_line(self, line: int) -> bool:
        if self._cursor < 0 or not 0 <= line < self.scrollable_content_region.height:
            return False
        self.scroll_to(y=max(0, self._cursor - line), animate=False, immediate=True)
        return True

    def on_resize(self) -> None:
        line, self._cursor_line_wanted = self._cursor_line_wanted, None
        jumped, self._jumped_before_layout = self._jumped_before_layout, False
        if line is not None and self._show_cursor_on_line(line):
            return
        if jumped:
            if not self._in_view(self._cursor):
                self._scroll_to_cursor(center=True)
            return
        self._scroll_to_cursor()  # a shorter pane may have left it below the view

    def _in_view(self, row: int) -> bool:
        top = self.scroll_offset.y
        return top <= row < top + self.scrollable_content_region.height

    def watch_sorting(self) -> None:
        self.border_subtitle = f"by {self.sorting.value}"
        current = self.actor_at(self._cursor)
        self._rebuild()
        self._cursor = self._row_of_actor.get(current, -1) if current is not None else -1
        self.refresh()
        self._scroll_to_cursor(center=True)

    def _move_to(self, row: int, *, announce: bool = True, center: bool = False) -> None:
        if self.actor_at(row) is None:
            return
        previous, self._cursor = self._cursor, row
        if previous >= 0:
            self.refresh_line(previous)
        self.refresh_line(row)
        self._scroll_to_cursor(center=center)
        if announce:
            actor_id = self._rows[row].actor.id
            self.highlighted_signal.publish(actor_id)
            self.post_message(self.Highlighted(self, actor_id))

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        row = self._cursor
        if row < 0:
            return
        # Keep the group header in view when the cursor reaches the first actor of a group.
        top = row - 1 if row > 0 and self._rows[row - 1].actor is None else row
        self.scroll_to_region(
            Region(0, top, 1, row - top + 1),
            animate=False,
            force=True,
            immediate=True,
            center=center,
        )

    def _step(self, start: int, direction: int) -> int | None:
        """The nearest actor row from ``start`` (inclusive) in ``direction``."""
        row = start
        while 0 <= row < len(self._rows):
            if self._rows[row].actor is not None:
                return row
            row += direction
        return None

    def _move_by(self, delta: int) -> None:
        direction = 1 if delta > 0 else -1
        if self._cursor < 0:
            target = self._step(0, 1)
        else:
            start = max(0, min(len(self._rows) - 1, self._cursor + delta))
            target = self._step(start, direction)
            if target is None:
                target = self._step(start, -direction)
        if target is not None and target != self._cursor:
            self._move_to(target)

    def _move_to_end(self, last: bool) -> None:
        target = self._step(len(self._rows) - 1, -1) if last else self._step(0, 1)
        if target is not None:
            self._move_to(target)
        if not last:
            self.scroll_home(animate=False, immediate=True)  # the first group's header too

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    # --- actions ----------------------------------------------------------------------

    def action_select(self) -> None:
        actor_id = self.actor_at(self._cursor)
        if actor_id is not None:
            self.post_message(self.Selected(self, actor_id))

    def action_cycle_sort(self) -> None:
        self.sorting = self.sorting.next()
        self.post_message(self.SortChanged(self.sorting))

    async def _on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("actor_row")
        if row is None:
            return
        if row != self._cursor:
            self._move_to(row)
        if event.chain >= 2:
            self.action_select()

    # --- drawing ----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def _mark_style(self, mark: str) -> Style:
        if mark.isspace() or not mark:
            return Style()
        colours = self.app.theme_variables
        colour = colours.get("text-success", "green") if mark == "+" else \
            colours.get("text-warning", "yellow")
        return Style.parse(f"bold {colour}")

    def render_line(self, y: int) -> Strip:
        row_index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.visual_style.rich_style
        if not 0 <= row_index < len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[row_index]
        if row.actor is None:
            style = base + self.get_component_rich_style("actor-list--header", partial=True)
            text = fit(f"{row.label} ({row.count:,})", width)
            return Strip([Segment(text, style)]).extend_cell_length(width, style)

        style = base
        if row_index == self._cursor:
            # The full style: its translucent (blurred) background blended over the list's,
            # its "auto" foreground resolved against the result.
            style += self.get_component_rich_style("actor-list--cursor")
            detail_style = style
        else:
            # In full: a partial style would drop the muted colour's alpha, not blend it.
            detail_style = style + self.get_component_rich_style("actor-list--detail")
        count = f" {row.count:>{self._count_width}}"
        kind = ""
        if self.sorting is not SortOrder.KIND and width >= 30:
            kind_width = min(self._kind_width, width // 3)
            kind = " " + fit(display(row.actor.kind), kind_width).ljust(kind_width)
        indent = " " if self.sorting is SortOrder.KIND else ""
        mark = self._marks.get(row.actor.id, " ") if self._marks else ""
        if mark:
            indent = ""  # the mark's column is the indent of the grouped list
        name_width = width - len(mark) - len(indent) - len(count) - len(kind)
        name = fit(row.label, name_width)
        padding = " " * max(0, name_width - cell_len(name))
        segments = [
            Segment(mark, style + self._mark_style(mark)),
            Segment(indent + name + padding, style),
            Segment(kind, detail_style),
            Segment(count, detail_style),
        ]
        strip = Strip(segments).crop_extend(0, width, style)
        return strip.apply_meta({"actor_row": row_index})


def _by_name(actors: Sequence[Actor], first: Iterable[int] | None = None) -> list[Actor]:
    """``actors`` by name (case folded), then id; after ``first`` (a key per actor), if
    given."""
    keys = [map(str.casefold, map(attrgetter("name"), actors)), map(attrgetter("id"), actors),
            range(len(actors))]
    # Flat tuples whose first item is a str or an int: sorted compares those in C.
    order = sorted(zip(first, *keys, strict=True) if first is not None else zip(*keys, strict=True))
    return [actors[key[-1]] for key in order]


@dataclass(frozen=True, slots=True)
class _Built:
    """The rows of a list, and what is worked out from them."""

    counts: dict[str, int]  # actor id -> its relations (the list updates it in place)
    rows: list[_Row]
    row_of_actor: dict[str, int]
    count_width: int
    kind_width: int


_prepared: list[tuple[KnowledgeBase, SortOrder, _Built]] = []  # prepare's, taken once


def prepare(kb: KnowledgeBase, sorting: SortOrder) -> None:
    """Build the rows of a list of ``kb`` in ``sorting`` now, in a worker thread, for the
    next list made of it: half a second on 50k actors that the UI thread would otherwise
    spend as the explorer first appears (or as a change is shown)."""
    _prepared[:] = [(kb, sorting, _built_rows(kb, sorting, None, ahead=False))]


def _built_rows(
    kb: KnowledgeBase, sorting: SortOrder, counts: dict[str, int] | None, *, ahead: bool = True
) -> _Built:
    """The rows of ``kb``'s actors in ``sorting``, by ``counts`` (None: worked out);
    ``ahead``: taken from ``prepare`` when it built these very rows."""
    if ahead and counts is None and _prepared:
        ((prepared_kb, prepared_sorting, built),) = _prepared
        if prepared_kb is kb and prepared_sorting is sorting:
            _prepared.clear()  # the counts are the list's own from now on
            return built
    if counts is None:
        counts = kb.relation_counts()
    actors = kb.actors
    # In C-level passes (map, zip, sorted on plain tuples): on 50k actors, a call per
    # actor for the sort key and per row took 160 ms of every reopen.
    rows: list[_Row] = []
    row_of_actor: dict[str, int] = {}

    def add(members: list[Actor]) -> None:
        ids = list(map(attrgetter("id"), members))
        row_of_actor.update(zip(ids, range(len(rows), len(rows) + len(members)), strict=True))
        labels = display_all(list(map(attrgetter("name"), members)))
        rows.extend(map(_Row, labels, members, map(counts.__getitem__, ids)))

    if sorting is SortOrder.KIND:
        groups: dict[str, list[Actor]] = {}
        for actor in actors:
            groups.setdefault(actor.kind, []).append(actor)
        known = {kind: rank for rank, kind in enumerate(ACTOR_KINDS)}
        ranked = sorted(groups, key=lambda kind: (known.get(kind, len(known)), kind))
        for kind in ranked:
            rows.append(_Row(display(kind), None, len(groups[kind])))
            add(_by_name(groups[kind]))
    elif sorting is SortOrder.NAME:
        add(_by_name(actors))
    else:
        most_first = map(neg, map(counts.__getitem__, map(attrgetter("id"), actors)))
        add(_by_name(actors, first=most_first))
    return _Built(
        counts,
        rows,
        row_of_actor,
        len(str(max(counts.values(), default=0))),
        max((len(kind) for kind in {a.kind for a in actors}), default=0),
    )
