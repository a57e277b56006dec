"""The search overlay: type to find actors, relations, stances and quotes; Enter goes there."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future, wait
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..loader import collector_paused
from ..model import counted
from ..sanitize import display, truncate
from ..widgets.capped_input import CappedInput
from ..widgets.search_results import SearchResults

if TYPE_CHECKING:  # the index is built (and its module imported) on the first search
    from ..search import Hit, SearchIndex

MAX_RESULTS = 25


class SearchScreen(ModalScreen["Hit | None"]):
    """``SearchScreen(index_soon)``: dismisses with the chosen Hit, or None on Escape.
    ``index_soon`` (a Future, as ``StakeholderApp.search_index_soon`` gives it) may still be
    building: the overlay opens at once, keys typed meanwhile are answered when it is
    ready, and Enter waits for it (the hit it goes to is the one for the query typed)."""

    CSS_PATH = "search.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", show=False),
        # A priority binding, not Input.Submitted: that message is handled after any key
        # already queued behind Enter (a paste, a macro: "/pinot⏎3l"), which would first
        # change the query; the binding goes with the results on show when Enter came.
        Binding("enter", "go", "Go", show=False, priority=True),
        Binding("down,ctrl+n", "move('cursor', 1)", "Next result", show=False),
        Binding("up,ctrl+p", "move('cursor', -1)", "Previous result", show=False),
        Binding("pagedown", "move('page', 1)", "Next page", show=False),
        Binding("pageup", "move('page', -1)", "Previous page", show=False),
    ]

    def __init__(self, index_soon: Future[SearchIndex]) -> None:
        super().__init__()
        self.index_soon = index_soon
        self.index: SearchIndex | None = None  # once built
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog"):
            # Capped at the query length search uses (MAX_QUERY_LENGTH), a paste cut to fit.
            yield CappedInput(
                placeholder="Search actors, relations, stances, quotes", id="search-input"
            )
            yield Static(id="search-status")
            # The input keeps the focus; the list follows the arrow keys from there.
            yield SearchResults(id="search-results")

    def on_mount(self) -> None:
        query = self.query_one(Input)
        query.focus()
        # Watched, not left to Input.Changed: the results change in the same turn as the
        # input's text, so one frame shows both (a message can arrive a frame later).
        self.watch(query, "value", self._show_results)
        if self.index_soon.done():
            self._index_built()
        else:
            self.run_worker(self._wait_for_index(), name="search index", group="search index")

    async def _wait_for_index(self) -> None:
        await asyncio.wait({asyncio.wrap_future(self.index_soon)})
        self._index_built()

    def _index_built(self) -> None:
        """The index is ready (or failed): the results of the query typed so far."""
        if self.index is not None:
            return  # Enter waited for it first
        error = self.index_soon.exception()
        if error is not None:
            self.query_one("#search-status", Static).update(
                Content(display(f"Search is not available: {error}")))
            return
        self.index = self.index_soon.result()
        if not self.index.prepared:
            # Searched at every keystroke: worth the digests that let scans skip most text.
            # Built in a thread (a second on 50k actors), so the first keys are answered by
            # whole scans meanwhile, with the same results.
            self.app.run_worker(
                self._prepare_index, name="search digests", group="search digests", thread=True
            )
        self._show_results(self.query_one(Input).value)

    def _prepare_index(self) -> None:
        if self.index is not None:
            with collector_paused():  # long-lived sets of words: frozen, not walked
                self.index.prepare()

    def _show_results(self, query: str) -> None:
        status = self.query_one("#search-status", Static)
        if self.index is None:
            if self.index_soon.done():
                return  # it failed: said so
            status.update(Content("Indexing the knowledge base…"), layout=False)
            return
        # One more than shown, to know whether there are more.
        hits = self.index.search(query, limit=MAX_RESULTS + 1)
        more = len(hits) > MAX_RESULTS
        self.hits = hits[:MAX_RESULTS]
        if not query.strip():
            message = "Type to search · ↑↓ choose · Enter go · Esc close"
        elif not self.hits:
            message = f"No results for “{truncate(display(query.strip()), 40)}”"
        else:
            count = len(self.hits)
            message = f"{count}+ results" if more else counted(count, "result")
        status.update(Content(message), layout=False)  # one line, whatever it says
        self.query_one(SearchResults).show(self.hits)

    def action_move(self, action: str, step: int) -> None:
        getattr(self.query_one(SearchResults), f"action_{action}")(step)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_go(self) -> None:
        if self.index is None:
            # Enter before the index was ready: wait for it here, so that the keys queued
            # behind Enter ("/pinot⏎3l") reach the explorer after the hit, as they would.
            wait({self.index_soon})
            self._index_built()
        if not self.hits:
            self.app.bell()
            return
        highlighted_index = self.query_one(SearchResults).highlighted
        self.dismiss(self.hits[highlighted_index or 0])

    @on(SearchResults.Chosen)
    def _clicked(self, event: SearchResults.Chosen) -> None:
        event.stop()
        self.dismiss(self.hits[event.index])
