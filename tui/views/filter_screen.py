"""A modal to edit every filter at once; it returns the new ``Filters``."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Input,
    Label,
    RadioSet,
    Select,
    SelectionList,
    Static,
)

from ..filters import POLARITY_MAX, POLARITY_MIN, Filters, StatusChoice, UndatedHidden
from ..model import ACTOR_KINDS, RELATION_TYPES, signed_number
from ..widgets.capped_input import CappedInput
from ..widgets.fitting_footer import FittingFooter
from ..widgets.toggles import MarkedCheckbox, MarkedRadioButton, MarkedSelectionList
from .date_dialog import DATE_PLACEHOLDER

ORIGIN_OPTIONS = [("any", 1), *((f"≥ {n} origins", n) for n in range(2, 6))]
ANY_GRADE = "any"
RELIABILITY_OPTIONS = [("any", ANY_GRADE), ("A", "A"), *((f"A-{g}", g) for g in "BCDE")]


def _grade(value: object) -> str | None:
    return None if value == ANY_GRADE else str(value)


POLARITY_NAMES = {-2: "hostile", -1: "negative", 0: "neutral", 1: "positive", 2: "close"}
STATUS_ORDER = (StatusChoice.BOTH, StatusChoice.CURRENT, StatusChoice.PAST)


def _polarity_options() -> list[tuple[str, int]]:
    return [
        (f"{signed_number(value)} {POLARITY_NAMES[value]}", value)
        for value in range(POLARITY_MIN, POLARITY_MAX + 1)
    ]


class FilterScreen(ModalScreen[Filters]):
    """``FilterScreen(filters, undated_hidden=...)``: returns the edited filters, ``Filters()``
    when cleared, and the filters it was given when cancelled (so the result is always a
    ``Filters``). ``undated_hidden``: what the date window of ``filters`` hides for want of
    a date, said under "keep undated"."""

    CSS_PATH = "filter_screen.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply"),
        Binding("ctrl+r", "clear", "Clear all"),
    ]

    def __init__(
        self, filters: Filters | None = None, *, undated_hidden: UndatedHidden | None = None
    ) -> None:
        super().__init__()
        self.filters = filters or Filters()
        self.undated_hidden = undated_hidden or UndatedHidden()

    def compose(self) -> ComposeResult:
        filters = self.filters
        low, high = filters.polarity
        with Vertical(id="filter-dialog"):
            yield Static(Text("Filters", style="bold"))
            with Horizontal(id="filter-lists"):
                with Vertical():
                    yield Label("Relation types (none = all)")
                    yield MarkedSelectionList(
                        *((name, name, name in filters.types) for name in RELATION_TYPES),
                        id="filter-types",
                    )
                with Vertical():
                    yield Label("Actor kinds (none = all)")
                    yield MarkedSelectionList(
                        *((name, name, name in filters.kinds) for name in ACTOR_KINDS),
                        id="filter-kinds",
                    )
            with Horizontal(classes="filter-row"):
                yield Label("Polarity", classes="filter-label")
                yield Select(
                    _polarity_options(), value=low, allow_blank=False, compact=True,
                    id="filter-polarity-min",
                )
                yield Label("to", classes="filter-to")
                yield Select(
                    _polarity_options(), value=high, allow_blank=False, compact=True,
                    id="filter-polarity-max",
                )
            with Horizontal(classes="filter-row"):
                yield Label("Status", classes="filter-label")
                with RadioSet(compact=True, id="filter-status"):
                    for choice in STATUS_ORDER:
                        yield MarkedRadioButton(
                            choice.value, value=choice is filters.status, compact=True
                        )
            with Horizontal(classes="filter-row"):
                yield Label("Dates", classes="filter-label")
                yield CappedInput(
                    filters.date_from or "", placeholder=DATE_PLACEHOLDER, compact=True,
                    id="filter-date-from",
                )
                yield Label("to", classes="filter-to")
                yield CappedInput(
                    filters.date_to or "", placeholder=DATE_PLACEHOLDER, compact=True,
                    id="filter-date-to",
                )
                yield MarkedCheckbox(
                    "keep undated",
                    value=filters.keep_undated,
                    compact=True,
                    tooltip="Under a date window, show the relations that have no date too",
                    id="filter-keep-undated",
                )
            if self.undated_hidden.total:
                yield Static(self._undated_note(), id="filter-undated-note")
            with Horizontal(classes="filter-row"):
                yield Label("Sources", classes="filter-label")
                yield Select(
                    ORIGIN_OPTIONS, value=max(1, filters.min_origins), allow_blank=False,
                    compact=True, id="filter-origins",
                )
                yield Label("reliability", classes="filter-to")
                yield Select(
                    RELIABILITY_OPTIONS, value=filters.min_reliability or ANY_GRADE,
                    allow_blank=False, compact=True, id="filter-reliability",
                )
            with Horizontal(classes="filter-row"):
                yield Label("As of", classes="filter-label")
                yield CappedInput(
                    filters.as_of or "",
                    placeholder=f"{DATE_PLACEHOLDER}: only what held on that day",
                    compact=True,
                    id="filter-as-of",
                )
            with Horizontal(classes="filter-row"):
                yield Label("Text", classes="filter-label")
                yield CappedInput(
                    filters.text,
                    placeholder="names, aliases, summaries, stances, quotes",
                    compact=True,
                    id="filter-text",
                )
            yield Static(id="filter-error")
            with Horizontal(id="filter-buttons"):
                yield Button("Apply", variant="primary", compact=True, id="filter-apply")
                yield Button("Clear all", compact=True, id="filter-clear")
                yield Button("Cancel", compact=True, id="filter-cancel")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#filter-types", SelectionList).focus()

    def _undated_note(self) -> Text:
        hidden = self.undated_hidden.describe()
        return Text(f"This window hides {hidden}: tick “keep undated” to show them.")

    def _edited(self) -> Filters:
        """The filters the form shows; ``ValueError`` when a field is invalid."""
        status = STATUS_ORDER[max(0, self.query_one(RadioSet).pressed_index)]
        # Both selects have no blank choice, so each value is one of the polarities.
        low = int(self.query_one("#filter-polarity-min", Select).value)
        high = int(self.query_one("#filter-polarity-max", Select).value)
        if low > high:
            raise ValueError(f"polarity: the lower bound ({low}) is above the upper ({high})")
        return Filters(
            types=frozenset(self.query_one("#filter-types", SelectionList).selected),
            kinds=frozenset(self.query_one("#filter-kinds", SelectionList).selected),
            polarity=(low, high),
            date_from=self.query_one("#filter-date-from", Input).value.strip() or None,
            date_to=self.query_one("#filter-date-to", Input).value.strip() or None,
            status=status,
            text=self.query_one("#filter-text", Input).value,
            keep_undated=self.query_one("#filter-keep-undated", MarkedCheckbox).value,
            min_origins=int(self.query_one("#filter-origins", Select).value),
            min_reliability=_grade(self.query_one("#filter-reliability", Select).value),
            as_of=self.query_one("#filter-as-of", Input).value.strip() or None,
        )

    def action_apply(self) -> None:
        try:
            filters = self._edited()
        except ValueError as error:
            self.query_one("#filter-error", Static).update(Text(str(error), style="bold red"))
            return
        self.dismiss(filters)

    def action_clear(self) -> None:
        self.dismiss(Filters())

    def action_cancel(self) -> None:
        self.dismiss(self.filters)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "filter-apply": self.action_apply,
            "filter-clear": self.action_clear,
            "filter-cancel": self.action_cancel,
        }
        actions[event.button.id or ""]()
