"""A modal to export the (filtered) knowledge base to a file."""

from __future__ import annotations

import io
import os
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ..export import (
    EXTENSIONS,
    FORMATS,
    WriteError,
    check_export_paths,
    export_paths,
    write_export,
)
from ..filters import Filters
from ..model import KnowledgeBase
from ..sanitize import display
from ..widgets.capped_input import CappedInput

# Characters the file input takes: PATH_MAX on Linux, so any path the system can open fits,
# while a runaway paste stays too short to slow the input's redraw.
MAX_PATH_LENGTH = 4096


def default_path(fmt: str, folder: Path | None = None) -> str:
    """``stakeholders-export.<ext>`` in ``folder``, else in the current directory."""
    name = f"stakeholders-export.{EXTENSIONS[fmt]}"
    return str(folder / name) if folder is not None else f"./{name}"


def usable_folder(folder: str | os.PathLike[str] | None) -> Path | None:
    """``folder`` if it is a folder now (the last export's may since have gone), else None."""
    if not folder:
        return None
    try:
        path = Path(folder)
        return path if path.is_dir() else None
    except (OSError, ValueError):
        return None


def absolute(path: Path) -> Path:
    """Where ``path`` is, from the working directory: its folder resolved (links followed,
    as the system will follow them), its name as given (an export replaces the file itself)."""
    try:
        return path.parent.resolve() / path.name
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL: said when writing
        return path.absolute()


class ExportScreen(ModalScreen[list[Path] | None]):
    """``ExportScreen(kb, filters=None, folder=None)``: returns the written paths, or None
    when cancelled.

    The knowledge base given is the one exported, so an export honours the filters that
    produced it; ``filters`` only says so in the dialog. The file is offered in ``folder``
    (the last export's) when it is still a folder, else in the working directory; every
    file the export will write is shown as an absolute path before anything is written. A
    file that already exists is not replaced until the user confirms: Write names it and
    becomes Overwrite, and pressing it again writes; changing the file or the format
    withdraws that.
    """

    CSS_PATH = "export_screen.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        kb: KnowledgeBase,
        filters: Filters | None = None,
        *,
        folder: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__()
        self.kb = kb
        self.filters = filters or Filters()
        self.folder = usable_folder(folder)
        self.format = FORMATS[0]
        # The existing files the user was shown and may now overwrite by writing again.
        self.overwriting: frozenset[Path] = frozenset()

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
                yield CappedInput(
                    default_path(self.format, self.folder),
                    max_length=MAX_PATH_LENGTH,
                    compact=True,
                    id="export-path",
                )
            yield Static(id="export-target")
            yield Static(id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button("Write", variant="primary", compact=True, id="export-write")
                yield Button("Cancel", compact=True, id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-format", Select).focus()
        self._show_target()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        path_input = self.query_one("#export-path", Input)
        if path_input.value == default_path(self.format, self.folder):
            path_input.value = default_path(str(event.value), self.folder)
        self.format = str(event.value)
        self._withdraw_overwrite()
        self._show_target()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._withdraw_overwrite()
        self._show_target()

    def _target(self) -> Path | None:
        """The file typed, its ``~`` expanded; None when there is none (or no such home)."""
        typed = self.query_one("#export-path", Input).value.strip()
        try:
            return Path(typed).expanduser() if typed else None
        except RuntimeError:  # ~name of no known user
            return None

    def _show_target(self) -> None:
        """Say where the export goes, absolute: a relative path is read from the working
        directory, which the user may not have in mind."""
        target = self._target()
        shown = self.query_one("#export-target", Static)
        if target is None:
            shown.update("")
            return
        paths = [display(str(absolute(path))) for path in export_paths(self.format, target)]
        shown.update(Text("Writes " + " and ".join(paths)))

    def _withdraw_overwrite(self) -> None:
        if not self.overwriting:
            return
        self.overwriting = frozenset()
        button = self.query_one("#export-write", Button)
        button.label = "Write"
        button.variant = "primary"
        message = self.query_one("#export-error", Static)
        message.remove_class("-warning")
        message.update("")

    def _ask_to_overwrite(self, existing: list[Path]) -> None:
        self.overwriting = frozenset(existing)
        names = " and ".join(display(str(path)) for path in existing)
        if len(existing) == 1:
            text = f"{names} already exists. Press Overwrite to replace it, or change the file."
        else:
            text = f"{names} already exist. Press Overwrite to replace them, or change the file."
        button = self.query_one("#export-write", Button)
        button.label = "Overwrite"
        button.variant = "error"
        message = self.query_one("#export-error", Static)
        message.add_class("-warning")
        message.update(Text(text))

    def _show_error(self, text: str) -> None:
        message = self.query_one("#export-error", Static)
        message.remove_class("-warning")
        message.update(Text(display(text), style="bold red"))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_write(self) -> None:
        target = self.query_one("#export-path", Input).value.strip()
        if not target:
            self._show_error("Give a file to write.")
            return
        try:
            out = Path(target).expanduser()
        except RuntimeError:  # ~name of no known user
            self._show_error(f"Could not find the home folder in {target}: give a full path.")
            return
        try:
            paths = check_export_paths(self.kb, self.format, out)
            existing = [path for path in paths if os.path.lexists(path)]
            if not self.overwriting.issuperset(existing):
                self._ask_to_overwrite(existing)
                return
            # With a path to write to, nothing goes to the stream: it only fills the signature.
            written = write_export(self.kb, self.format, out, io.StringIO())
        except WriteError as problem:  # its message names the file and what to do
            self._show_error(str(problem))
            return
        except (OSError, ValueError) as problem:
            self._show_error(f"Could not write: {problem}")
            return
        names = ", ".join(display(str(absolute(path))) for path in written)
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
