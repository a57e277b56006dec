"""`D` in the explorer: which git revision to show the changes since (default ``HEAD``)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ..widgets.capped_input import CappedInput

DEFAULT_REVISION = "HEAD"
REVISION_LENGTH = 200  # characters: a branch, a tag, HEAD~3, a commit id


class ChangesSinceScreen(ModalScreen[str | None]):
    """``ChangesSinceScreen(revision)``: returns the revision typed (the default when left
    empty), or None when cancelled."""

    DEFAULT_CSS = """
    ChangesSinceScreen { align: center middle; }
    ChangesSinceScreen > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ChangesSinceScreen .changes-row { height: 1; margin-top: 1; }
    ChangesSinceScreen .changes-row Label { width: auto; padding: 0 1; }
    ChangesSinceScreen .changes-row Input { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, revision: str = DEFAULT_REVISION) -> None:
        super().__init__()
        self.revision = revision

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Changes since a git revision", style="bold"))
            with Horizontal(classes="changes-row"):
                yield Label("revision")
                yield CappedInput(
                    self.revision, placeholder=DEFAULT_REVISION, compact=True,
                    max_length=REVISION_LENGTH, id="changes-revision",
                )
            yield Static(
                Text(
                    "The file as it was at that revision (HEAD, HEAD~3, a tag, a commit) "
                    "against the file as it is: + added, ~ changed in the actor list and the "
                    "relations pane. Enter to compare, Esc to cancel; D again clears the marks.",
                    style="dim",
                )
            )

    def on_mount(self) -> None:
        self.query_one("#changes-revision", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or DEFAULT_REVISION)
