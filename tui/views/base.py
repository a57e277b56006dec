"""What the full-screen analyst views share: the data they show and how the app refills it."""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from ..analysis import rolled_up
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

    ROLL_UP_BINDING = Binding(
        "a",
        "toggle_roll_up",
        "People",
        tooltip="Roll each state's people and bodies (ministers, services, navy) into it, "
        "or show them apart",
        id="roll-up",
    )
    """For a view that draws actors as nodes: ``a`` folds people into their state."""

    def __init__(
        self, kb: KnowledgeBase, filters: Filters | None = None, *, roll_up: bool = False
    ) -> None:
        super().__init__()
        self.kb = kb
        self.filters = filters or Filters()
        self.roll_up = roll_up
        self._rolled: tuple[KnowledgeBase, KnowledgeBase] | None = None

    @property
    def shown(self) -> KnowledgeBase:
        """What the view draws: ``kb``, with each state's people rolled into it while
        ``roll_up`` is on (``analysis.rolled_up``)."""
        if not self.roll_up:
            return self.kb
        if self._rolled is None or self._rolled[0] is not self.kb:
            self._rolled = (self.kb, rolled_up(self.kb))
        return self._rolled[1]

    def action_toggle_roll_up(self) -> None:
        self.roll_up = not self.roll_up
        self.rebuild()

    def set_data(self, kb: KnowledgeBase, filters: Filters) -> None:
        """Show another (re-filtered) knowledge base, keeping the view's own settings."""
        self.kb = kb
        self.filters = filters
        self.query_one(FilterBar).set_filters(filters)
        self.rebuild()

    def rebuild(self) -> None:
        raise NotImplementedError
