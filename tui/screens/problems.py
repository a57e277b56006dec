"""The problems of a file that no longer checks, over the last good knowledge base."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..sanitize import display


class ProblemsScreen(ModalScreen[None]):
    """``ProblemsScreen(report)``: the report as ``check`` prints it (``path:line:col``);
    it closes by itself once the file checks again, or with Esc."""

    CSS_PATH = "problems.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", tooltip="Back to the last good version"),
    ]

    def __init__(self, report: str) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-dialog"):
            yield Static(
                Text("The file no longer checks: still showing the last good version",
                     style="bold"),
                id="problems-title",
            )
            with VerticalScroll(id="problems-scroll"):
                yield Static(self._text(), id="problems-text")
            yield Static(
                Text("Fix it in your editor: this closes by itself once it checks · Esc close",
                     style="dim"),
                id="problems-hint",
            )

    def _text(self) -> Text:
        return Text(display(self.report, keep_newlines=True))

    def show(self, report: str) -> None:
        """A later reload's problems, in place of these."""
        self.report = report
        self.query_one("#problems-text", Static).update(self._text())
