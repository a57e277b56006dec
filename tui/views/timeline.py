"""Dated relations in date order, with the sources' publication dates as markers."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..analysis import TimelineEntry, timeline
from ..filters import DateWindow, Filters
from ..model import KnowledgeBase, counted
from ..sanitize import display
from ..widgets.fitting_footer import FittingFooter
from ..wording import type_label
from .base import AnalystView
from .date_window_screen import DateWindowScreen
from .filter_bar import FilterBar
from .quote_screen import QuoteScreen
from .render import (
    MUTED_STYLE,
    actor_label,
    citation_text,
    evidence_block,
    polarity_text,
    relation_details,
)
from .timeline_list import TimelineList

DETAIL_RADIUS = 60  # characters of context around the quote in the detail pane


class TimelineScreen(AnalystView):
    """``TimelineScreen(kb, filters=None, window=None)``.

    Dates are shown as written, at their precision. ``w`` edits the date window, ``x``
    clears it; Enter (or a click on the highlighted row) on a relation shows all its quotes.
    """

    HELP_TITLE = "Timeline"
    CSS_PATH = "timeline.tcss"
    BINDINGS = [
        Binding("w", "edit_window", "Window", tooltip="Only the relations within a date window"),
        Binding("x", "clear_window", "All dates", tooltip="Drop the date window"),
    ]

    def __init__(
        self,
        kb: KnowledgeBase,
        filters: Filters | None = None,
        *,
        window: DateWindow | None = None,
    ) -> None:
        super().__init__(kb, filters)
        self.window = window or DateWindow()
        self.entries: list[TimelineEntry] = []

    def compose(self) -> ComposeResult:
        yield Static(id="timeline-title")
        yield FilterBar(self.filters)
        yield TimelineList(self.kb, id="timeline-list")
        with VerticalScroll(id="timeline-detail"):
            yield Static(id="timeline-detail-text")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.rebuild()
        self.query_one(TimelineList).focus()

    def rebuild(self) -> None:
        self.entries = timeline(self.kb, self.window)
        self.query_one(TimelineList).set_entries(self.kb, self.entries)
        markers = sum(entry.is_publication for entry in self.entries)
        title = Text.assemble(("Timeline", "bold"))
        dated = len(self.entries) - markers
        title.append(
            f" · {counted(dated, 'dated relation')}, {counted(markers, 'publication')}"
        )
        window = "all dates" if self.window.is_open else display(self.window.describe())
        title.append(f" · window: {window}")
        # Said, not silently hidden: a relation with no date has no place on a timeline.
        undated = sum(relation.date is None for relation in self.kb.relations)
        if undated:
            title.append(f" · {undated} undated", style=MUTED_STYLE)
        self.query_one("#timeline-title", Static).update(title)
        self._describe(0)

    def _describe(self, index: int) -> None:
        detail = self.query_one("#timeline-detail-text", Static)
        if not self.entries:
            detail.update(Text("No dated relation in this window.", style=MUTED_STYLE))
            return
        entry = self.entries[index]
        relation = entry.relation
        if relation is None:
            source = entry.source
            text = Text.assemble(("Publication of ", "bold"))
            text.append_text(citation_text(source))
            text.append(f"\npublished {display(source.published)}")
            if source.dateline:
                text.append(f" · {display(source.dateline)}")
            detail.update(text)
            return
        text = actor_label(self.kb, relation.source)
        text.append(f" → {type_label(relation.type, relation.modality)} ")
        text.append_text(polarity_text(relation.polarity))
        text.append(" → ")
        text.append_text(actor_label(self.kb, relation.target))
        text.append("\n")
        text.append_text(relation_details(self.kb, relation))
        text.append("\n" + display(relation.summary) + "\n")
        text.append_text(evidence_block(self.kb, relation.evidence[0], DETAIL_RADIUS))
        if len(relation.evidence) > 1:
            text.append(f"\n+{len(relation.evidence) - 1} more quote(s): Enter", style=MUTED_STYLE)
        detail.update(text)

    def on_timeline_list_highlighted(self, event: TimelineList.Highlighted) -> None:
        event.stop()
        self._describe(event.index)

    def on_timeline_list_selected(self, event: TimelineList.Selected) -> None:
        event.stop()
        relation = self.entries[event.index].relation
        if relation is None:
            self.app.bell()
            return
        self.app.push_screen(QuoteScreen(self.kb, relation.id))

    def action_edit_window(self) -> None:
        def narrowed(window: DateWindow | None) -> None:
            if window is not None:
                self.window = window
                self.rebuild()

        self.app.push_screen(DateWindowScreen(self.window), narrowed)

    def action_clear_window(self) -> None:
        self.window = DateWindow()
        self.rebuild()
