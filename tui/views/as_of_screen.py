"""A small modal for the as-of date: every view then shows only what held on that day."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..filters import date_span
from ..widgets.capped_input import CappedInput
from .date_window_screen import DATE_PLACEHOLDER

ANY_DATE = ""  # the result that clears the as-of date (None: cancelled)


class AsOfScreen(ModalScreen[str | None]):
    """``AsOfScreen(current)``: returns the new as-of date, ``ANY_DATE`` to clear it, or
    None when cancelled."""

    CSS_PATH = "as_of_screen.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="as-of-dialog"):
            yield Static(Text("As of", style="bold"))
            with Horizontal(classes="as-of-row"):
                yield Label("date")
                yield CappedInput(
                    self.current or "", placeholder=DATE_PLACEHOLDER, compact=True,
                    id="as-of-date",
                )
            yield Static(
                Text(
                    "Only what held on that day: events up to it, ties valid then, and the "
                    "quotes of sources published by then. 2017-09 is the month's last day.",
                    style="dim",
                ),
                id="as-of-help",
            )
            yield Static(id="as-of-error")
            with Horizontal(classes="as-of-buttons"):
                yield Button("Apply", variant="primary", compact=True, id="as-of-apply")
                yield Button("Any date", compact=True, id="as-of-clear")
                yield Button("Cancel", compact=True, id="as-of-cancel")

    def on_mount(self) -> None:
        self.query_one("#as-of-date", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_apply(self) -> None:
        value = self.query_one("#as-of-date", Input).value.strip()
        if value:
            try:
                date_span(value)
            except ValueError as error:
                self.query_one("#as-of-error", Static).update(
                    Text(str(error), style="bold red")
                )
                return
        self.dismiss(value or ANY_DATE)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "as-of-apply":
            self.action_apply()
        elif event.button.id == "as-of-clear":
            self.dismiss(ANY_DATE)
        else:
            self.action_cancel()
