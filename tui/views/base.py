"""What the full-screen analyst views share: the data they show and how the app refills it."""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from ..filters import Filters
from ..model import KnowledgeBase
from ..screens.help import HelpScreen
from .filter_bar import FilterBar


class AnalystView(Screen[None]):
    """A view of an already filtered knowledge base; ``Esc`` closes it.

    The app calls ``set_data`` when the filters change; subclasses draw in ``rebuild``.
    """

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "help", "Keys", tooltip="Every key of this view"),
    ]

    HELP_TITLE = "This view"

    def action_help(self) -> None:
        sections: list[tuple[str, DOMNode]] = [(self.HELP_TITLE, self)]
        if self.focused is not None:
            sections.append(("The list in focus", self.focused))
        self.app.push_screen(HelpScreen(sections))

    def __init__(self, kb: KnowledgeBase, filters: Filters | None = None) -> None:
        super().__init__()
        self.kb = kb
        self.filters = filters or Filters()

    def set_data(self, kb: KnowledgeBase, filters: Filters) -> None:
        """Show another (re-filtered) knowledge base, keeping the view's own settings."""
        self.kb = kb
        self.filters = filters
        self.query_one(FilterBar).set_filters(filters)
        self.rebuild()

    def rebuild(self) -> None:
        raise NotImplementedError
