"""A one-line bar that says which filters are on."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..filters import Filters, UndatedHidden
from ..sanitize import display


class FilterBar(Static):
    """``FilterBar(filters)``; call ``set_filters(filters)`` when they change.

    Shows ``Filters.describe()`` (the text query comes from the user: it is sanitized and
    never parsed as markup), or "no filters"; and how many undated relations a date window
    hides (``undated_hidden`` of the app), so that none goes unsaid.
    """

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $boost;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    FilterBar.-active {
        background: $warning 20%;
        color: $text;
    }
    """

    def __init__(
        self, filters: Filters | None = None, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.filters = filters or Filters()
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.set_filters(self.filters)

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self.set_class(filters.is_active, "-active")
        if filters.is_active:
            line = Text.assemble(("Filters: ", "bold"))
            line.append(display(filters.describe()))
            hidden = self._undated_hidden().total
            if hidden:
                line.append(f" · {hidden:,} undated hidden", style="bold")
        else:
            line = Text("no filters")
        if line != self._shown:  # an update lays the screen out again: every save calls this
            self._shown = line
            self.update(line)

    def _undated_hidden(self) -> UndatedHidden:
        # Counted by the app against the unfiltered knowledge base, which no screen holds.
        return getattr(self.app, "undated_hidden", UndatedHidden())
