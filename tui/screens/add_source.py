"""The "Add source..." form: an article's text file and what is known of it (title,
publisher, date; url, origin, byline, language if known). Nothing is written until Enter,
and then through the app's one write path (``tui.sources_add`` checks the text and copies
it, ``tui.edit`` adds the entry): a refusal is shown here, the form kept to mend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..sanitize import display
from ..sources_add import SourceFields
from ..widgets.capped_input import CappedInput

PATH_LIMIT = 4096  # characters of a path typed in the form
TEXT_LIMIT = 1000  # of a title, a publisher, a url or a byline
# (id, label, placeholder, cap) of each field, in the form's order.
FIELDS = (
    ("as-path", "Text file", "the article's text, a UTF-8 file: ~/news/story.txt", PATH_LIMIT),
    ("as-title", "Title", "the headline as published", TEXT_LIMIT),
    ("as-publisher", "Publisher", "e.g. News24", TEXT_LIMIT),
    ("as-published", "Published", "YYYY-MM-DD, or YYYY-MM-DDTHH:MM", 40),
    ("as-url", "URL", "where it was published (optional)", TEXT_LIMIT),
    ("as-origin", "Origin", "the wire agency, e.g. AFP (optional)", TEXT_LIMIT),
    ("as-byline", "Byline", "the author(s) as printed (optional)", TEXT_LIMIT),
    ("as-language", "Language", "e.g. en (optional)", 40),
)

Save = Callable[[Path, SourceFields, Callable[[str], None], Callable[[str], None]], None]


class AddSourceScreen(ModalScreen[str | None]):
    """``AddSourceScreen(save)``: ``save(path, fields, on_refused, on_saved)`` is the app's
    write path; it calls ``on_refused(report)`` if the source is refused (the form stays),
    else ``on_saved(source_id)`` (the form closes with the new source's id)."""

    CSS_PATH = "add_source.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the form; nothing is written"),
        Binding("ctrl+s", "save", "Save", show=False,
                tooltip="Check the text, copy it and add the source to the file"),
    ]

    def __init__(self, save: Save) -> None:
        super().__init__()
        self.save = save
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="add-source-dialog"):
            yield Static(Text("Add a source", style="bold"))
            for widget_id, label, placeholder, cap in FIELDS:
                with Horizontal(classes="add-source-row"):
                    yield Static(label, classes="add-source-label")
                    yield CappedInput(
                        placeholder=placeholder, max_length=cap, compact=True, id=widget_id
                    )
            yield Static(id="add-source-problem")
            yield Static(Text("Enter save · Tab next field · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#as-path", Input).focus()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        if self._saving:
            return
        typed = self._value("as-path")
        if not typed:
            self.show_problem("Give the path of the article's text file.")
            self.query_one("#as-path", Input).focus()
            return
        fields = SourceFields(
            *(self._value(widget_id) for widget_id in (
                "as-title", "as-publisher", "as-published", "as-url", "as-origin",
                "as-byline", "as-language",
            ))
        )
        self._saving = True
        self.show_problem("Checking and saving…", muted=True)
        self.save(Path(typed).expanduser(), fields, self._refused, self.dismiss)

    def _refused(self, report: str) -> None:
        self._saving = False
        self.show_problem(report)

    def show_problem(self, message: str, *, muted: bool = False) -> None:
        self.query_one("#add-source-problem", Static).update(
            Text(display(message, keep_newlines=True), style="dim" if muted else "bold")
        )
