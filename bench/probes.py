"""What "the result is on screen" means for each measured interaction, as frame targets.

A target is ready when its widget holds the expected state; ``FrameRecorder`` then waits for
a frame that paints it. The checks look at widget state only (never at a pause or a sleep).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App, ComposeResult
from textual.widgets import Input, Label, Static

from tui.model import KnowledgeBase
from tui.screens.explorer import ExplorerScreen
from tui.widgets.actor_detail import ActorDetail
from tui.widgets.actor_list import ActorList
from tui.widgets.items import evidence_of, items_of
from tui.widgets.relation_table import RelationTable
from tui.widgets.source_text import SourceText, sanitized_with_span
from tui.widgets.source_view import SourceView

from .frames import Target

if TYPE_CHECKING:  # the app imports search on first use; the start-up child must not
    from tui.screens.search import SearchScreen


def explorer_of(app: App) -> ExplorerScreen | None:
    """The app's current screen if it is the explorer (not before it runs, not behind an
    overlay)."""
    screen = app.screen_stack[-1] if app.screen_stack else None
    return screen if isinstance(screen, ExplorerScreen) else None


def next_actor_row(actors: ActorList, row: int) -> int:
    """The next row below ``row`` that is an actor (not a group header)."""
    row += 1
    while actors.actor_at(row) is None:
        row += 1
    return row


def _quote_on_show(kb: KnowledgeBase, actor_id: str | None) -> tuple[int, int, int] | None:
    """(length of the sanitized source text, span of the quote in it) for the first quote
    of the actor's first item, which the source pane shows when the actor is highlighted."""
    items = items_of(kb, actor_id)
    quotes = evidence_of(kb, items[0]) if items else ()
    if not quotes:
        return None
    text = kb.source_by_id[quotes[0].source].text
    shown, start, end = sanitized_with_span(text, quotes[0].start, quotes[0].end)
    return len(shown), start, end


def explorer_shows(app: App, actor_id: str | None = None) -> list[Target]:
    """The four linked panes showing ``actor_id`` (default: the first actor of the list),
    its first relation or stance, and that item's first quote in its source text.

    Usable before the explorer exists: nothing is ready until it is the current screen.
    What the panes should show is worked out here when the explorer is already up, else
    once, when it first is; never again for each frame.
    """
    expected: dict[str, object] = {}

    def fill() -> bool:
        screen = explorer_of(app)
        # Laid out for its width: Textual sets the layout class on the screen's first resize.
        if screen is None or not screen.has_class(screen.layout_class(screen.size.width)):
            return False
        if not expected:
            actor = (
                actor_id if actor_id is not None else screen.query_one(ActorList).first_actor_id()
            )
            items = items_of(screen.kb, actor)
            expected.update(
                actor=actor,
                rows=len(items),
                item=items[0] if items else None,
                quote=_quote_on_show(screen.kb, actor),
            )
        return True

    fill()

    def find(kind, selector: str | None = None):
        def widget():
            screen = explorer_of(app)
            if screen is None:
                return None
            pane = screen.query_one(kind)
            return pane.query_one(selector) if selector else pane

        return widget

    def actors_ready() -> bool:
        actors = explorer_of(app).query_one(ActorList)
        return fill() and actors.actor_at(actors.cursor_row) == expected["actor"]

    def relations_ready() -> bool:
        table = explorer_of(app).query_one(RelationTable)
        return (
            fill() and table.actor_id == expected["actor"] and table.row_count == expected["rows"]
        )

    def detail_ready() -> bool:
        return fill() and explorer_of(app).query_one(ActorDetail).actor_id == expected["actor"]

    def source_ready() -> bool:
        view = explorer_of(app).query_one(SourceView)
        if not fill() or view.item != expected["item"]:
            return False
        text = view.query_one(SourceText)
        if expected["quote"] is None:
            return text.span == (0, 0)
        return (len(text.text), *text.span) == expected["quote"]

    # The widgets whose drawing shows the change: the list and table themselves, the text
    # inside the detail pane, the source text (not the panes' borders).
    return [
        Target("actor list", find(ActorList), actors_ready),
        Target("relations", find(RelationTable), relations_ready),
        Target("detail", find(ActorDetail, "Static"), detail_ready),
        Target("source", find(SourceView, "SourceText"), source_ready),
    ]


def search_shows(screen: SearchScreen, query: str) -> list[Target]:
    """The search overlay showing the results for ``query`` (typed into its input)."""
    from tui.widgets.search_results import SearchResults

    before = screen.hits  # replaced by a new list each time the results are worked out

    def ready() -> bool:
        return screen.query_one(Input).value == query and screen.hits is not before

    return [
        Target("results", lambda: screen.query_one(SearchResults), ready),
        Target("status", lambda: screen.query_one("#search-status", Static), ready),
    ]


class LabelFloor(App[None]):
    """Reference (c): a plain Input that copies its value into a Label on every keystroke."""

    CSS = "Label { width: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.shown = ""

    def compose(self) -> ComposeResult:
        yield Input()
        yield Label(markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.shown = event.value
        self.query_one(Label).update(event.value)


def label_shows(app: LabelFloor, value: str) -> list[Target]:
    return [Target("label", lambda: app.query_one(Label), lambda: app.shown == value)]
