"""The Textual application: load a knowledge base, then explore it."""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from . import (
    cache,
    views,  # each view's modules load on first use (see views/__init__.py)
)
from .filters import Filters, apply
from .loader import MAX_BYTES, LoadError, collector_paused
from .model import KnowledgeBase
from .screens.explorer import ExplorerScreen

if TYPE_CHECKING:
    # Imported where first used: neither is needed for the first frame of a small file.
    from .screens.loading import LoadingScreen
    from .search import SearchIndex

DEFAULT_THEME = "textual-dark"
LOAD_AT_ONCE_BYTES = 256 * 1024
"""A knowledge-base file smaller than this loads before the first frame (in milliseconds),
straight into the explorer; a larger one loads in a thread behind the loading screen."""
YOUNG_GENERATION_THRESHOLD = 10_000


def _size_of(path: Path | None) -> float:
    """The file's size, or infinity when it cannot be read (the threaded load reports why)."""
    try:
        return path.stat().st_size if path is not None else math.inf
    except OSError:
        return math.inf


class _ProgressRelay:
    """Forwards the loader's progress to the loading screen, at most once per percent."""

    def __init__(self, app: StakeholderApp, screen: LoadingScreen) -> None:
        self.app = app
        self.screen = screen
        self.last: tuple[str, int] | None = None

    def __call__(self, done: int, total: int, stage: str) -> None:
        step = (stage, done * 100 // max(total, 1))
        if step != self.last:
            self.last = step
            self.app.call_from_thread(self.screen.set_progress, done, total, stage)


class StakeholderApp(App[LoadError | None]):
    """``StakeholderApp(path)`` loads ``path`` first; ``StakeholderApp(knowledge_base=kb)``
    opens an already loaded base. A file that fails to load ends the app with the
    ``LoadError`` as its result and return code 1."""

    CSS_PATH = "app.tcss"
    TITLE = "Stakeholder Explorer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Leave the explorer", id="quit"),
        Binding(
            "F",
            "edit_filters",
            "Filter",
            tooltip="Filter every view by type, polarity, kind, dates, status or text",
            id="filters",
        ),
        Binding("X", "clear_filters", "Clear filters", show=False, tooltip="Drop every filter"),
        Binding(
            "e",
            "export",
            "Export",
            show=False,
            tooltip="Write what is shown (filters applied) as JSON, CSV, GEXF, ...",
            id="export",
        ),
    ]

    def __init__(
        self,
        path: Path | None = None,
        *,
        knowledge_base: KnowledgeBase | None = None,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        if path is None and knowledge_base is None:
            raise ValueError("give a path to load or a knowledge base")
        super().__init__()
        self.path = path
        self.max_bytes = max_bytes
        self.full_knowledge_base = knowledge_base
        self.knowledge_base = knowledge_base  # what the views show: the filters applied
        self.filters = Filters()
        self._search_index: SearchIndex | None = None
        self._load_error: LoadError | None = None
        self._unsaved_entry: cache.UnsavedEntry | None = None
        self._collector_thresholds = gc.get_threshold()
        self.theme = DEFAULT_THEME

    @property
    def search_index(self) -> SearchIndex:
        """The search index of the knowledge base, built on first use."""
        if self._search_index is None:
            if self.knowledge_base is None:
                raise RuntimeError("the knowledge base is not loaded yet")
            from .search import SearchIndex
            with collector_paused():  # a large index of long-lived objects
                self._search_index = SearchIndex(self.knowledge_base)
        return self._search_index

    def get_default_screen(self) -> Screen:
        if self.knowledge_base is None and _size_of(self.path) < LOAD_AT_ONCE_BYTES:
            # No loading screen to lay out and paint first: a small file opens in one frame,
            # and its cache entry is written once that frame is out.
            try:
                kb, self._unsaved_entry = cache.open_file(self.path, max_bytes=self.max_bytes)
            except LoadError as error:
                self._load_error = error  # the app ends with it once mounted
            else:
                self.full_knowledge_base = self.knowledge_base = kb
        if self.knowledge_base is not None:
            return ExplorerScreen(self.knowledge_base)
        return super().get_default_screen()

    def on_mount(self) -> None:
        # Each frame makes tens of thousands of short-lived objects; at the default young
        # threshold (700) they are collected dozens of times per keystroke and survivors
        # promoted, which brings a full collection (25-50 ms) every few cursor moves.
        self._collector_thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *self._collector_thresholds[1:])
        if self._load_error is not None:
            self.exit(self._load_error, 1)
            return
        if self.knowledge_base is not None:
            if self._unsaved_entry is not None:
                self.call_after_refresh(self._unsaved_entry.write)
            return  # the explorer is the default screen
        from .screens.loading import LoadingScreen

        loading = LoadingScreen(self.path)
        self.push_screen(loading)
        self._load(loading)

    def on_unmount(self) -> None:
        gc.set_threshold(*self._collector_thresholds)  # the process's, as it was

    @work(thread=True, exclusive=True)
    def _load(self, loading: LoadingScreen) -> None:
        try:
            kb = cache.load(
                self.path, progress=_ProgressRelay(self, loading), max_bytes=self.max_bytes
            )
        except LoadError as error:
            if not get_current_worker().is_cancelled:
                self.call_from_thread(self.exit, error, 1)
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._open, kb)

    def _open(self, kb: KnowledgeBase) -> None:
        self.full_knowledge_base = self.knowledge_base = kb
        self.switch_screen(ExplorerScreen(kb))

    # --- filters and export, from every screen ------------------------------------------

    def set_filters(self, filters: Filters) -> None:
        """Apply ``filters`` to the knowledge base and show the result on every screen."""
        if self.full_knowledge_base is None or filters == self.filters:
            return
        self.filters = filters
        self.knowledge_base = apply(self.full_knowledge_base, filters)
        self._search_index = None
        for screen in self.screen_stack:
            set_data = getattr(screen, "set_data", None)
            if set_data is not None:
                set_data(self.knowledge_base, filters)

    def action_edit_filters(self) -> None:
        if self.knowledge_base is not None:
            self.push_screen(views.FilterScreen(self.filters), self.set_filters)

    def action_clear_filters(self) -> None:
        self.set_filters(Filters())

    def action_export(self) -> None:
        if self.knowledge_base is not None:  # the dialog reports what it wrote
            self.push_screen(views.ExportScreen(self.knowledge_base, self.filters))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_palette" and isinstance(self.screen, ModalScreen):
            from .screens.search import SearchScreen  # not before the first search

            if isinstance(self.screen, SearchScreen):
                return False  # ctrl+p moves up in the search results
        if action in ("edit_filters", "clear_filters", "export"):
            return self.knowledge_base is not None
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.knowledge_base is None:
            return
        if isinstance(screen, ExplorerScreen):
            yield SystemCommand(
                "Stance matrix", "Who is aligned with whom (m)", screen.action_matrix
            )
            yield SystemCommand(
                "Neighbourhood",
                "The highlighted actor and its neighbours (n)",
                screen.action_neighbourhood,
            )
            yield SystemCommand(
                "Timeline", "The dated relations in order (t)", screen.action_timeline
            )
        yield SystemCommand("Filters", "Filter every view (F)", self.action_edit_filters)
        yield SystemCommand("Clear filters", "Drop every filter (X)", self.action_clear_filters)
        yield SystemCommand("Export", "Write what is shown to a file (e)", self.action_export)
