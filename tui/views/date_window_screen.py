"""A small modal to edit a date window: from and to, each of any precision."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..filters import DateWindow
from ..widgets.capped_input import CappedInput

DATE_PLACEHOLDER = "YYYY[-MM[-DD]]"


class DateWindowScreen(ModalScreen[DateWindow | None]):
    """``DateWindowScreen(window)``: returns the new window, or None when cancelled."""

    CSS_PATH = "date_window_screen.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, window: DateWindow | None = None) -> None:
        super().__init__()
        self.window = window or DateWindow()

    def compose(self) -> ComposeResult:
        with Vertical(id="window-dialog"):
            yield Static(Text("Date window", style="bold"))
            with Horizontal(classes="window-row"):
                yield Label("from")
                yield CappedInput(
                    self.window.start or "",
                    placeholder=DATE_PLACEHOLDER,
                    compact=True,
                    id="window-from",
                )
                yield Label("to")
                yield CappedInput(
                    self.window.end or "",
                    placeholder=DATE_PLACEHOLDER,
                    compact=True,
                    id="window-to",
                )
            yield Static(
                Text("Empty = open. 2017-08 counts as the whole month.", style="dim"),
                id="window-help",
            )
            yield Static(id="window-error")
            with Horizontal(classes="window-buttons"):
                yield Button("Apply", variant="primary", compact=True, id="window-apply")
                yield Button("All dates", compact=True, id="window-all")
                yield Button("Cancel", compact=True, id="window-cancel")

    def on_mount(self) -> None:
        self.query_one("#window-from", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_apply(self) -> None:
        start = self.query_one("#window-from", Input).value.strip()
        end = self.query_one("#window-to", Input).value.strip()
        try:
            window = DateWindow(start or None, end or None)
        except ValueError as error:
            self.query_one("#window-error", Static).update(Text(str(error), style="bold red"))
            return
        self.dismiss(window)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "window-apply":
            self.action_apply()
        elif event.button.id == "window-all":
            self.dismiss(DateWindow())
        else:
            self.dismiss(None)
