"""A yes-or-no question before a change that removes something."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..sanitize import display


class ConfirmScreen(ModalScreen[bool]):
    """``ConfirmScreen(question)``: dismisses with True on ``y``, False on ``n`` or Esc."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 70; max-width: 100%; height: auto;
        border: round $warning; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(display(self.question, keep_newlines=True)))
            yield Static(Text("y yes · n or Esc no", style="dim"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
