"""What the date modals share: a title, a row of labelled date inputs, a dim help line, an
error line, and Apply, a button that clears the dates, and Cancel.

A subclass states only what differs: its texts, its inputs, its widget ids, and what the
dates it was given (or none) come to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..widgets.capped_input import CappedInput

DATE_PLACEHOLDER = "YYYY[-MM[-DD]]"

ResultT = TypeVar("ResultT")


class DateDialog(ModalScreen[ResultT | None]):
    """``DateDialog(values)``, a value (or None) for each input: returns ``parsed`` of what the
    inputs hold, ``cleared()`` from the clearing button, or None when cancelled.

    Its own widgets are ``#{ID_PREFIX}-dialog``, ``-help``, ``-error``, ``-apply`` and
    ``-cancel``; ``FIELDS`` and ``CLEAR_BUTTON`` name the inputs and the clearing button.
    """

    CSS_PATH = "date_dialog.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    HEADING: ClassVar[str]
    HELP_LINE: ClassVar[str]
    ID_PREFIX: ClassVar[str]
    FIELDS: ClassVar[Sequence[tuple[str, str]]]  # (label, input id), left to right
    CLEAR_BUTTON: ClassVar[tuple[str, str]]  # (label, button id)

    def __init__(self, values: Sequence[str | None]) -> None:
        super().__init__()
        self.values = values

    def parsed(self, values: list[str]) -> ResultT:
        """The result for the inputs' values (stripped, in ``FIELDS`` order); a ValueError
        says what is wrong with them."""
        raise NotImplementedError

    def cleared(self) -> ResultT:
        """The result of the clearing button."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id=f"{self.ID_PREFIX}-dialog", classes="date-dialog"):
            yield Static(Text(self.HEADING, style="bold"))
            with Horizontal(classes="date-row"):
                for (label, input_id), value in zip(self.FIELDS, self.values, strict=True):
                    yield Label(label)
                    yield CappedInput(
                        value or "", placeholder=DATE_PLACEHOLDER, compact=True, id=input_id
                    )
            yield Static(Text(self.HELP_LINE, style="dim"), id=f"{self.ID_PREFIX}-help")
            yield Static(id=f"{self.ID_PREFIX}-error", classes="date-error")
            clear_label, clear_id = self.CLEAR_BUTTON
            with Horizontal(classes="date-buttons"):
                yield Button(
                    "Apply", variant="primary", compact=True, id=f"{self.ID_PREFIX}-apply"
                )
                yield Button(clear_label, compact=True, id=clear_id)
                yield Button("Cancel", compact=True, id=f"{self.ID_PREFIX}-cancel")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_apply(self) -> None:
        values = [
            self.query_one(f"#{input_id}", Input).value.strip() for _, input_id in self.FIELDS
        ]
        try:
            result = self.parsed(values)
        except ValueError as error:
            self.query_one(f"#{self.ID_PREFIX}-error", Static).update(
                Text(str(error), style="bold red")
            )
            return
        self.dismiss(result)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        # An error said what the inputs held: gone once they hold something else.
        self.query_one(f"#{self.ID_PREFIX}-error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == f"{self.ID_PREFIX}-apply":
            self.action_apply()
        elif event.button.id == self.CLEAR_BUTTON[1]:
            self.dismiss(self.cleared())
        else:
            self.action_cancel()
