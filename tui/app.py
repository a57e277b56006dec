"""The Textual application: load a knowledge base, then explore it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from . import cache
from .loader import MAX_BYTES, LoadError
from .model import KnowledgeBase
from .screens.explorer import ExplorerScreen
from .screens.loading import LoadingScreen
from .search import SearchIndex

DEFAULT_THEME = "textual-dark"


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
        self.knowledge_base = knowledge_base
        self._search_index: SearchIndex | None = None
        self.theme = DEFAULT_THEME

    @property
    def search_index(self) -> SearchIndex:
        """The search index of the knowledge base, built on first use."""
        if self._search_index is None:
            if self.knowledge_base is None:
                raise RuntimeError("the knowledge base is not loaded yet")
            self._search_index = SearchIndex(self.knowledge_base)
        return self._search_index

    def on_mount(self) -> None:
        if self.knowledge_base is not None:
            self.push_screen(ExplorerScreen(self.knowledge_base))
            return
        loading = LoadingScreen(self.path)
        self.push_screen(loading)
        self._load(loading)

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
        self.knowledge_base = kb
        self.switch_screen(ExplorerScreen(kb))
