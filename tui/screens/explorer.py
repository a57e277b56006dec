"""The explorer: actors, their relations and stances, who they are, and the source behind it.

The screen owns the selection (``actor_id``, ``item``, ``evidence_index``); the panes post
messages up when the user moves, and the selection flows back down through data binding.
Jumps (following a relation, a search hit) are recorded in a browser-like history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from .. import views  # each view's modules load on first use (see views/__init__.py)
from ..changes import Focus
from ..claims import ItemRef, claim_by_ref
from ..commands import GoToProvider
from ..filters import Filters
from ..model import KnowledgeBase
from ..sanitize import display
from ..views.filter_bar import FilterBar
from ..widgets.actor_detail import ActorDetail
from ..widgets.actor_list import ActorList, SortOrder
from ..widgets.fitting_footer import FittingFooter
from ..widgets.items import actor_name, describe_item, evidence_of, items_of
from ..widgets.relation_table import RelationSort, RelationTable, first_item
from ..widgets.reload_bar import ReloadBar
from ..widgets.source_text import SourceText
from ..widgets.source_view import SourceView
from ..widgets.too_small import TooSmall, is_too_small

if TYPE_CHECKING:
    from ..diff import Marks
    from ..search import Hit


# Where Esc goes back to from each pane (the ids of the focusable panes).
PREVIOUS_PANE = {"relations": "actors", "detail": "relations", "source-text": "relations"}


@dataclass(frozen=True, slots=True)
class Place:
    """One entry of the history: what was highlighted."""

    actor_id: str | None
    item: ItemRef | None
    evidence_index: int


def _shows_quote_keys(bindings: list[BindingType]) -> bool:
    """Whether the footer shows the quote-stepping keys (dimmed when there is one quote)."""
    return any(
        isinstance(binding, Binding)
        and binding.show
        and binding.action in ("next_quote", "previous_quote")
        for binding in bindings
    )


class ExplorerScreen(Screen[None]):
    """``ExplorerScreen(kb, filters=None, unfiltered=None, actor_sort=...)``: the main screen.

    ``kb`` is ``unfiltered`` with ``filters`` applied (without filters, ``kb`` itself): the
    panes say whether an actor has nothing to show or the filters hid it. ``actor_sort``
    is the actor list's order, kept when the filters refill the panes."""

    # "Go to actor" / "Go to relation" in the command palette, next to the app's commands.
    COMMANDS = {GoToProvider}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [
        (0, "-single"),
        (70, "-narrow"),
        (110, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", tooltip="Find an actor, relation or quote"),
        Binding(
            "backspace,b,alt+left",
            "back",
            "Back",
            show=False,
            tooltip="Back to where you were before the last jump",
            id="back",
        ),
        Binding(
            "f,alt+right",
            "forward",
            "Fwd",
            show=False,
            tooltip="Forward again after going back",
            id="forward",
        ),
        Binding(
            "right_square_bracket",
            "next_quote",
            "Quote",
            key_display="[ ]",
            show=False,
            tooltip="Next quote of the highlighted relation or stance",
            id="next-quote",
        ),
        Binding(
            "left_square_bracket",
            "previous_quote",
            "Previous quote",
            show=False,
            id="previous-quote",
        ),
        Binding(
            "z",
            "zoom",
            "Zoom",
            show=False,
            tooltip="Fill the screen with the focused pane (again to undo)",
        ),
        Binding(
            "a",
            "toggle_affiliates",
            "People",
            show=False,  # the 80-column footer is full: in the palette, the help and README
            tooltip="Include the claims of the actor's people and bodies (Italy's ministers, "
            "services, navy), each row saying whose (via); again to leave them out",
            id="affiliates",
        ),
        Binding(
            "E",
            "edit",
            "Edit",
            show=False,
            tooltip="Edit the highlighted claim (in the actor list: the actor)",
            id="edit",
        ),
        Binding(
            "delete",
            "delete",
            "Delete",
            show=False,
            tooltip="Delete the highlighted claim (in the actor list: the actor), asked first",
            id="delete",
        ),
        Binding(
            "D",
            "changes_since",
            "Changes",
            show=False,
            tooltip="Changes since a git revision (asked, HEAD by default): + added, ~ changed "
            "in the actor list and the relations pane; D again, or Esc in the actor list, "
            "clears the marks",
            id="changes-since",
        ),
        Binding(
            "R",
            "review",
            "Review",
            show=False,
            tooltip="Review the proposals for the source on show (stakeholders propose makes "
            "them): accept, reject or skip each",
            id="review",
        ),
        Binding("m", "matrix", "Matrix", tooltip="Who is aligned with whom: the stance matrix"),
        Binding(
            "n",
            "neighbourhood",
            "Near",
            tooltip="The highlighted actor and its neighbours, one or two hops out",
        ),
        Binding("t", "timeline", "Time", tooltip="The dated relations in order"),
        Binding("question_mark", "help", "Keys", tooltip="Every key of the explorer"),
        Binding("escape", "back_out", "Back out", show=False),
        Binding("1", "focus_pane('actors')", "Actors pane", show=False),
        Binding("2", "focus_pane('relations')", "Relations pane", show=False),
        Binding("3", "focus_pane('detail')", "Detail pane", show=False),
        Binding("4", "focus_pane('source-text')", "Source pane", show=False),
    ]

    _QUOTE_KEYS_IN_FOOTER: ClassVar[bool] = _shows_quote_keys(BINDINGS)

    # The screen draws none of these itself (the panes bound to them redraw what changes):
    # a repaint of the screen would repaint every pane on it, on every cursor move.
    actor_id: reactive[str | None] = reactive(None, init=False, repaint=False)
    item: reactive[ItemRef | None] = reactive(None, init=False, repaint=False)
    evidence_index: reactive[int] = reactive(0, init=False, repaint=False)
    with_affiliates: reactive[bool] = reactive(False, init=False, repaint=False)
    """Whether the relations pane includes what the actor's people and bodies did."""

    def __init__(
        self,
        kb: KnowledgeBase,
        filters: Filters | None = None,
        *,
        unfiltered: KnowledgeBase | None = None,
        actor_sort: SortOrder = SortOrder.KIND,
        relation_sort: RelationSort = RelationSort.FILE,
    ) -> None:
        super().__init__()
        self.kb = kb
        self.filters = filters or Filters()
        self.unfiltered = unfiltered or kb
        self.actor_sort = actor_sort
        self.relation_sort = relation_sort
        self._history: list[Place] = []
        self._history_index = -1
        self._pending_data: tuple[KnowledgeBase, Filters, Place] | None = None
        self._source_to_show: str | None = None  # a source added: shown once the panes refill
        self.changes_since: tuple[str, Marks] | None = None  # D: the revision and its marks
        # The layout class Textual sets on the first resize, set now: else the first frame is
        # painted with no layout (every pane stacked), and every widget is restyled twice.
        self.add_class(self.layout_class(self.app.size.width), update=False)
        self.set_class(is_too_small(self.app.size), "-too-small", update=False)

    @classmethod
    def layout_class(cls, width: int) -> str:
        """The class of HORIZONTAL_BREAKPOINTS that Textual gives the screen at ``width``."""
        return max(point for point in cls.HORIZONTAL_BREAKPOINTS if point[0] <= width)[1]

    def compose(self) -> ComposeResult:
        actors = ActorList(self.kb, sorting=self.actor_sort, id="actors")
        # The panes start on the first actor: their bindings fill them once, with it.
        first = actors.first_actor_id()
        self.set_reactive(ExplorerScreen.actor_id, first)
        self.set_reactive(ExplorerScreen.item, self._first_item_of(first))
        with Container(id="panes"):
            with Container(id="browse"):
                yield actors.data_bind(ExplorerScreen.actor_id)
                yield RelationTable(
                    self.kb, unfiltered=self.unfiltered, sorting=self.relation_sort, id="relations"
                ).data_bind(
                    ExplorerScreen.actor_id, ExplorerScreen.item, ExplorerScreen.with_affiliates
                )
            with Container(id="read"):
                yield ActorDetail(self.kb, unfiltered=self.unfiltered, id="detail").data_bind(
                    ExplorerScreen.actor_id
                )
                yield SourceView(self.kb, unfiltered=self.unfiltered, id="source").data_bind(
                    ExplorerScreen.actor_id, ExplorerScreen.item, ExplorerScreen.evidence_index
                )
        yield TooSmall(self.app.size)
        yield FilterBar(self.filters)
        yield ReloadBar()
        yield FittingFooter()

    def on_resize(self, event: events.Resize) -> None:
        # Below the smallest size the panes fit, the message instead of them (app.tcss).
        self.set_class(self.query_one(TooSmall).fit(event.size), "-too-small")

    def on_mount(self) -> None:
        self._history = [self.place]
        self._history_index = 0
        actors = self.query_one(ActorList)
        # At once, not from ActorList.Highlighted (three message hops up, by when the
        # cursor's move alone has been drawn): the panes follow in the same frame.
        actors.highlighted_signal.subscribe(self, self._follow_actor_list, immediate=True)
        actors.focus()

    def set_data(
        self,
        kb: KnowledgeBase,
        filters: Filters,
        *,
        unfiltered: KnowledgeBase | None = None,
        focus: Place | None = None,
    ) -> None:
        """Show a re-filtered (or changed: ``unfiltered``) knowledge base, keeping the
        selection where it still exists, or showing ``focus``."""
        if unfiltered is not None and unfiltered is not self.unfiltered:
            self.unfiltered = unfiltered
            if self.changes_since is not None:  # the marks (D) of the file as it is now
                self.compare_with(self.changes_since[0], again=True)
        # Recompose from the screen's own message loop, where its panes bind to it, and
        # only while it is on show (a screen under a view is refilled when it returns).
        self._pending_data = (kb, filters, focus or self.place)
        if self.is_current:
            self.call_later(self._refill_pending)

    def on_screen_resume(self) -> None:
        if self._pending_data is not None:
            self.call_later(self._refill_pending)

    def _refill_pending(self) -> None:
        if self._pending_data is not None:
            pending, self._pending_data = self._pending_data, None
            self._refill(*pending)

    def _refill(self, kb: KnowledgeBase, filters: Filters, before: Place) -> None:
        """The panes take the new knowledge base in place (a change saved to a 25 MB file
        is on screen without building the screen again), then the selection."""
        self.kb, self.filters = kb, filters
        actors = self.query_one_optional(ActorList)
        if actors is None:
            return  # the app is closing: the screen composed nothing
        cursor_line = actors.cursor_line
        table = self.query_one(RelationTable)
        row_before = table.cursor_row
        actors.show_data(kb)
        table.show_data(kb, self.unfiltered)
        self.query_one(ActorDetail).show_data(kb, self.unfiltered)
        self.query_one(SourceView).show_data(kb, self.unfiltered)
        self.query_one(FilterBar).set_filters(filters)
        # An actor merged into another since (its old id in `merged_from`): that one.
        found = kb.resolve_actor(before.actor_id) if before.actor_id is not None else None
        actor_id = found.id if found is not None else None
        self.actor_id = actor_id or actors.first_actor_id()
        actors.keep_cursor_on_line(cursor_line)
        items = self._items_of(self.actor_id)
        if before.item in items:
            self.item = before.item
        else:
            # Gone (deleted, or hidden by the filters): the row that took its place, so
            # that the highlighted row is always the claim E and Delete act on.
            shown = table.items
            row = row_before if self.actor_id == before.actor_id else 0
            self.item = shown[min(max(row, 0), len(shown) - 1)] if shown else None
        self._keep_history_in(kb)
        self.refresh_bindings()
        if self.focused is None:
            actors.focus()
        self._show_pending_source()

    def show_source(self, source_id: str) -> None:
        """Show a source whole in the source pane and focus it (a source just added: once
        the panes have taken the knowledge base that has it)."""
        self._source_to_show = source_id
        self.call_later(self._show_pending_source)

    def _show_pending_source(self) -> None:
        source_id = self._source_to_show
        if source_id is None or self._pending_data is not None:
            return  # nothing to show, or the refill to come shows it
        self._source_to_show = None
        if source_id in self.kb.source_by_id:
            self.query_one(SourceView).show_source(source_id)
            self.action_focus_pane("source-text")

    def _keep_history_in(self, kb: KnowledgeBase) -> None:
        """Keep the places of the history that the re-filtered ``kb`` still shows, the
        current one being where the refill left the selection. A place whose relation or
        stance was filtered out keeps its actor; one whose actor was, goes."""
        places: list[Place] = []
        index = 0
        for position, place in enumerate(self._history):
            if position == self._history_index:
                place = self.place
            elif place.actor_id not in kb.actor_by_id:
                continue
            elif place.item not in self._items_of(place.actor_id):
                place = Place(place.actor_id, self._first_item_of(place.actor_id), 0)
            if not places or places[-1] != place:
                places.append(place)
            if position == self._history_index:
                index = len(places) - 1
        self._history, self._history_index = places, index

    # --- the selection ----------------------------------------------------------------

    @property
    def place(self) -> Place:
        return Place(self.actor_id, self.item, self.evidence_index)

    @property
    def can_go_back(self) -> bool:
        return self._history_index > 0

    @property
    def can_go_forward(self) -> bool:
        return self._history_index < len(self._history) - 1

    def watch_actor_id(self, actor_id: str | None) -> None:
        self.item = self._first_item_of(actor_id)

    def _first_item_of(self, actor_id: str | None) -> ItemRef | None:
        """The first row the relations pane shows for ``actor_id``, in its order."""
        return first_item(
            self.kb, actor_id, self.relation_sort, with_affiliates=self.with_affiliates
        )

    def _items_of(self, actor_id: str | None) -> list[ItemRef]:
        """The rows the relations pane shows for ``actor_id`` (in file order)."""
        return items_of(self.kb, actor_id, with_affiliates=self.with_affiliates)

    def watch_with_affiliates(self) -> None:
        # The same claim stays highlighted if the pane still lists it, else the first row.
        kept = self.item.key if self.item is not None else None
        items = self._items_of(self.actor_id)
        same = [item for item in items if item.key == kept]
        self.item = same[0] if same else self._first_item_of(self.actor_id)

    def watch_item(self, old: ItemRef | None, new: ItemRef | None) -> None:
        self.evidence_index = 0
        # Only the quote-stepping keys depend on the item; rebuilding the footer on every
        # cursor move would cost a full layout each time, and only a footer that shows them
        # changes (they are left out of it: their dimming is seen nowhere).
        if self._QUOTE_KEYS_IN_FOOTER and self._steps_quotes(old) != self._steps_quotes(new):
            self.refresh_bindings()

    def _steps_quotes(self, item: ItemRef | None) -> bool:
        return len(evidence_of(self.kb, item)) > 1

    def _show(self, place: Place) -> None:
        # Each assignment resets the ones after it, so they go in this order.
        self.actor_id = place.actor_id
        self.item = place.item
        self.evidence_index = place.evidence_index

    def _jump(self, place: Place) -> None:
        """Show ``place`` and record it in the history, dropping any forward entries."""
        if place == self.place:
            return
        self._history[self._history_index] = self.place
        del self._history[self._history_index + 1 :]
        self._history.append(place)
        self._history_index += 1
        self._show(place)
        self.refresh_bindings()

    def _step_history(self, step: int) -> None:
        target = self._history_index + step
        if not 0 <= target < len(self._history):
            self.app.bell()
            return
        self._history[self._history_index] = self.place
        self._history_index = target
        self._show(self._history[target])
        self.refresh_bindings()

    def go_to_hit(self, hit: Hit) -> None:
        """Show a search hit: its actor, then its relation or stance and quote."""
        if hit.actor_id not in self.kb.actor_by_id:
            return
        item: ItemRef | None = None
        if hit.relation_id is not None:
            item = ItemRef("relation", hit.relation_id)
        elif hit.attribute_id is not None:
            item = ItemRef("attribute", hit.attribute_id)
        elif hit.stance_id is not None:
            item = ItemRef("stance", hit.stance_id)
        if item is None:
            place = Place(hit.actor_id, self._first_item_of(hit.actor_id), 0)
            pane = "actors"
        else:
            quotes = len(evidence_of(self.kb, item))
            index = min(max(0, hit.evidence_index), max(0, quotes - 1))
            place = Place(hit.actor_id, item, index)
            pane = "source-text" if hit.kind == "quote" else "relations"
        self._jump(place)
        self.action_focus_pane(pane)

    # --- messages from the panes ------------------------------------------------------

    def _follow_actor_list(self, actor_id: str) -> None:
        self.actor_id = actor_id

    def on_actor_list_sort_changed(self, message: ActorList.SortChanged) -> None:
        self.actor_sort = message.sorting  # and on to the app, which saves it

    def on_relation_table_sort_changed(self, message: RelationTable.SortChanged) -> None:
        self.relation_sort = message.sorting  # kept when the filters rebuild the panes

    def on_actor_list_selected(self, message: ActorList.Selected) -> None:
        self.actor_id = message.actor_id
        self.action_focus_pane("relations")

    def on_relation_table_item_highlighted(self, message: RelationTable.ItemHighlighted) -> None:
        if message.item in self._items_of(self.actor_id):
            self.item = message.item

    def on_relation_table_item_selected(self, message: RelationTable.ItemSelected) -> None:
        item = message.item
        if item.kind != "relation":  # a stance or an attribute: no counterpart to follow
            self.action_focus_pane("source-text")
            return
        relation = self.kb.relation_by_id[item.id]
        # A row of one of the actor's people reads from that one's side.
        counterpart = relation.counterpart(item.via or self.actor_id or relation.source)
        if counterpart != self.actor_id:
            # On the counterpart's page the claim is its own (a party to it): no "via".
            own = ItemRef(item.kind, item.id)
            self._jump(Place(counterpart, own, self.evidence_index))

    def on_actor_detail_name_selected(self, message: ActorDetail.NameSelected) -> None:
        actor_id = message.actor_id
        if actor_id not in self.kb.actor_by_id:
            self.app.bell()  # named, but hidden by the filters
            self.notify("The filters hide that actor: X clears them.", severity="warning")
            return
        if actor_id != self.actor_id:
            self._jump(Place(actor_id, self._first_item_of(actor_id), 0))

    def on_source_text_selected(self, message: SourceText.Selected) -> None:
        """c on a selection: the capture form; a or A: a quote or caveat of the claim."""
        view = self.query_one(SourceView)
        evidence, source_id = view.evidence, view.source_id
        why = self.app.why_read_only()
        if source_id is None or why is not None:
            self.app.bell()
            if why is not None:
                self.notify(why, severity="warning", markup=False)
            return
        if message.what == "capture":
            from ..capture import draft
            from .capture import CaptureScreen

            found = draft(self.unfiltered, source_id, message.start, message.end)
            self.app.push_screen(CaptureScreen(self.unfiltered, found, self.app.save_capture))
            return
        if evidence is None or self.item is None or self.actor_id is None:
            self.app.bell()
            return
        from ..capture import evidence_entry

        entry = evidence_entry(self.unfiltered, evidence.source, message.start, message.end)
        self.app.add_quote(
            self.actor_id, self.item.kind, self.item.id, entry, message.what == "caveat"
        )

    # --- actions ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None shows the key dimmed in the footer: there, but not usable now.
        if action == "back":
            return True if self.can_go_back else None
        if action == "forward":
            return True if self.can_go_forward else None
        if action in ("next_quote", "previous_quote"):
            return True if self._steps_quotes(self.item) else None
        return True

    def action_search(self) -> None:
        from .search import SearchScreen  # with the index, on the first search

        def show_hit(hit: Hit | None) -> None:
            if hit is not None:
                self.go_to_hit(hit)

        self.app.push_screen(SearchScreen(self.app.search_index_soon()), show_hit)

    def action_back(self) -> None:
        self._step_history(-1)

    def action_forward(self) -> None:
        self._step_history(1)

    def _step_quote(self, step: int) -> None:
        count = len(evidence_of(self.kb, self.item))
        if count > 1:
            self.evidence_index = (self.evidence_index + step) % count

    def action_next_quote(self) -> None:
        self._step_quote(1)

    def action_previous_quote(self) -> None:
        self._step_quote(-1)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            self.maximize(self.focused)

    def action_toggle_affiliates(self) -> None:
        self.with_affiliates = not self.with_affiliates
        if self.with_affiliates:
            self.notify(
                "With the claims of each actor's people and bodies: the 'via' column says whose.",
                timeout=3,
            )
        else:
            self.notify("Each actor's own relations and stances only.", timeout=3)

    def _can_write(self) -> bool:
        why = self.app.why_read_only()
        if why is not None:
            self.app.bell()
            self.notify(why, severity="warning", markup=False)
        return why is None

    def _in_actor_list(self) -> bool:
        return self.focused is not None and self.focused.id == "actors"

    def action_edit(self) -> None:
        if not self._can_write() or self.actor_id is None:
            return
        from .capture import CaptureScreen, NewActorScreen

        if self._in_actor_list():
            actor = self.unfiltered.actor_by_id[self.actor_id]

            def save(edited: dict | None) -> None:
                if edited is not None:
                    self.app.save_actor_edit(actor.id, edited)

            self.app.push_screen(NewActorScreen(self.unfiltered, [], editing=actor), save)
            return
        claim = claim_by_ref(self.unfiltered, self.item)
        if claim is None or not claim.evidence:
            self.app.bell()
            return
        from ..capture import draft

        quote = claim.evidence[0]
        found = draft(self.unfiltered, quote.source, quote.start, quote.end)
        self.app.push_screen(
            CaptureScreen(self.unfiltered, found, self.app.save_capture, editing=claim)
        )

    def action_delete(self) -> None:
        if not self._can_write() or self.actor_id is None:
            return
        from ..edit import references_to
        from .confirm import ConfirmScreen

        if self._in_actor_list():
            actor_id = self.actor_id
            named = references_to(self.unfiltered, actor_id)
            if named:
                listed = ", ".join(named[:8]) + (f" and {len(named) - 8} more" if len(named) > 8
                                                 else "")
                self.notify(
                    f"{actor_name(self.unfiltered, actor_id)} cannot be deleted: {listed} "
                    "name it. Delete or change those first.",
                    title="Not deleted", severity="error", markup=False, timeout=8,
                )
                return
            question = f"Delete actor {actor_name(self.unfiltered, actor_id)} ({actor_id})?"
            kind, item_id, focus = "actor", actor_id, None
        else:
            if self.item is None:
                self.app.bell()
                return
            kind, item_id = self.item.kind, self.item.id
            question = f"Delete {kind} {item_id}?\n{describe_item(self.unfiltered, self.item)}"
            focus = Focus(self.actor_id)

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.delete_item(kind, item_id, focus)

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_changes_since(self) -> None:
        """D: mark what changed since a git revision, asked for; D again clears the marks."""
        if self.changes_since is not None:
            self.clear_changes()
            return
        if getattr(self.app, "path", None) is None:
            self.app.bell()
            self.notify("This knowledge base was not opened from a file: there is no "
                        "revision to compare it with.", severity="warning")
            return
        from .changes_since import ChangesSinceScreen

        def chosen(revision: str | None) -> None:
            if revision:
                self.compare_with(revision)

        self.app.push_screen(ChangesSinceScreen(), chosen)

    def compare_with(self, revision: str, *, again: bool = False) -> None:
        """In a thread: the file at ``revision`` (read with git, checked by the loader)
        against the knowledge base as it is; then the marks. ``again``: the marks on show,
        worked out anew for a change saved or reloaded since, without a word unless they
        go."""
        from ..diff import marks_since

        app, current = self.app, self.unfiltered
        path, caps = app.path, (app.max_bytes, app.max_total_bytes)

        def run() -> None:
            found = marks_since(path, revision, current, *caps)
            app.call_from_thread(self.show_changes, revision, found, compared=current,
                                 again=again)

        if not again:
            self.notify(f"Comparing with {display(revision)}…", timeout=2, markup=False)
        self.run_worker(run, name="changes since", thread=True, group="changes", exclusive=True)

    def show_changes(
        self, revision: str, found: Marks | str, *, compared: KnowledgeBase | None = None,
        again: bool = False,
    ) -> None:
        """Mark what changed since ``revision`` (or say why it could not be read).
        ``compared``: the model the marks were worked out for; they are dropped if another
        is on show by now (a later change compares again), or if the marks they would
        replace (``again``) were cleared meanwhile."""
        if compared is not None and compared is not self.unfiltered:
            return
        if again and (self.changes_since is None or self.changes_since[0] != revision):
            return
        shown = display(revision)
        if isinstance(found, str) or found.diff.empty:
            if again:
                self._clear_marks()
            if isinstance(found, str):
                self.notify(found, title=f"No changes shown since {shown}", severity="error",
                            markup=False, timeout=10)
            else:
                self.notify(f"No changes since {shown}.", markup=False)
            return
        self.changes_since = (revision, found)
        self.query_one(ActorList).show_marks(found.actors)
        self.query_one(RelationTable).show_marks(found.claims)
        self._show_change_notes(revision, found)
        if again:
            return
        removed = found.diff.count("removed")
        gone = (f" Removed items are not on screen: `stakeholders diff --git {shown}` lists "
                "them." if removed else "")
        self.notify(f"{display(found.summary())}.{gone} + added, ~ changed; D again clears.",
                    title=f"Changes since {shown}", markup=False, timeout=10)

    def _show_change_notes(self, revision: str, found: Marks) -> None:
        """The detail and source panes say what changed in the actor and claim on show."""
        from ..diff import change_note

        shown = display(revision)

        def actor_note(actor_id: str) -> str:
            note = change_note(found, shown, "actors", actor_id)
            if not note and actor_id in found.actors:
                note = f"~ {found.claims_note(actor_id)} since {shown}"
            return note

        self.query_one(ActorDetail).show_changes(actor_note)
        self.query_one(SourceView).show_changes(
            lambda section, item_id: change_note(found, shown, section, item_id))

    def clear_changes(self) -> None:
        self._clear_marks()
        self.notify("Change marks cleared.", timeout=2)

    def _clear_marks(self) -> None:
        self.changes_since = None
        self.query_one(ActorList).show_marks({})
        self.query_one(RelationTable).show_marks({})
        self.query_one(ActorDetail).show_changes(None)
        self.query_one(SourceView).show_changes(None)

    def action_review(self) -> None:
        from .review import open_review  # like the views, on first use

        open_review(self)

    def action_matrix(self) -> None:
        self.app.push_screen(
            views.StanceMatrixScreen(self.kb, self.filters, roll_up=self.with_affiliates)
        )

    def action_neighbourhood(self) -> None:
        if self.actor_id is not None:
            self.app.push_screen(
                views.NeighbourhoodScreen(
                    self.kb, self.actor_id, self.filters, roll_up=self.with_affiliates
                )
            )

    def action_timeline(self) -> None:
        self.app.push_screen(views.TimelineScreen(self.kb, self.filters))

    def action_help(self) -> None:
        from .help import HelpScreen  # like the views, on first use

        self.app.push_screen(
            HelpScreen(
                [
                    ("Explorer", self),
                    ("Actor list (1)", self.query_one("#actors")),
                    ("Relations and stances (2)", self.query_one("#relations")),
                    ("Detail (3)", self.query_one("#detail")),
                    ("Source (4)", self.query_one("#source-text")),
                ]
            )
        )

    def action_focus_pane(self, pane: str) -> None:
        if self.maximized is not None:
            self.minimize()
        # At once, not with ``Widget.focus()`` (a callback queued behind what is already
        # queued): the next key's bindings are those of the pane this one moved to.
        self.set_focus(self.query_one(f"#{pane}", Widget))

    def action_back_out(self) -> None:
        """Esc: undo a zoom, else return to the previous pane in reading order."""
        if self.maximized is not None:
            self.minimize()
            return
        focused_id = self.focused.id if self.focused is not None else None
        previous = PREVIOUS_PANE.get(focused_id) if focused_id is not None else None
        if previous is not None:
            self.action_focus_pane(previous)
        elif self.changes_since is not None:
            self.clear_changes()  # back out of the change marks (D)
