"""A modal to export the (filtered) knowledge base to a file."""

from __future__ import annotations

import io
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ..export import EXTENSIONS, FORMATS, write_export
from ..filters import Filters
from ..model import KnowledgeBase
from ..sanitize import display


def default_path(fmt: str) -> str:
    """``./stakeholders-export.<ext>``, in the current directory."""
    return f"./stakeholders-export.{EXTENSIONS[fmt]}"


class ExportScreen(ModalScreen[list[Path] | None]):
    """``ExportScreen(kb, filters=None)``: returns the written paths, or None when cancelled.

    The knowledge base given is the one exported, so an export honours the filters that
    produced it; ``filters`` only says so in the dialog.
    """

    CSS_PATH = "export_screen.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, kb: KnowledgeBase, filters: Filters | None = None) -> None:
        super().__init__()
        self.kb = kb
        self.filters = filters or Filters()
        self.format = FORMATS[0]

    def compose(self) -> ComposeResult:
        scope = Text(
            f"{len(self.kb.actors)} actors, {len(self.kb.relations)} relations, "
            f"{len(self.kb.stances)} stances"
        )
        if self.filters.is_active:
            scope.append(" · filtered: " + display(self.filters.describe()), style="dim")
        with Vertical(id="export-dialog"):
            yield Static(Text("Export", style="bold"))
            yield Static(scope, id="export-scope")
            with Horizontal(classes="export-row"):
                yield Label("Format", classes="export-label")
                yield Select(
                    [(name, name) for name in FORMATS],
                    value=self.format,
                    allow_blank=False,
                    compact=True,
                    id="export-format",
                )
            with Horizontal(classes="export-row"):
                yield Label("File", classes="export-label")
                yield Input(default_path(self.format), compact=True, id="export-path")
            yield Static(id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button("Write", variant="primary", compact=True, id="export-write")
                yield Button("Cancel", compact=True, id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-format", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        path_input = self.query_one("#export-path", Input)
        if path_input.value == default_path(self.format):
            path_input.value = default_path(str(event.value))
        self.format = str(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_write(self) -> None:
        target = self.query_one("#export-path", Input).value.strip()
        error = self.query_one("#export-error", Static)
        if not target:
            error.update(Text("Give a file to write.", style="bold red"))
            return
        try:
            # With a path to write to, nothing goes to the stream: it only fills the signature.
            written = write_export(self.kb, self.format, Path(target).expanduser(), io.StringIO())
        except (OSError, ValueError) as problem:
            error.update(Text(display(f"Could not write: {problem}"), style="bold red"))
            return
        names = ", ".join(display(str(path)) for path in written)
        self.app.notify(f"Exported {self.format} to {names}", title="Export", markup=False)
        self.dismiss(written)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_write()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-write":
            self.action_write()
        else:
            self.action_cancel()
