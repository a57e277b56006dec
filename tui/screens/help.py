"""Every key of the screen on show, read from the bindings themselves so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets.row_cursor import SCROLL_BINDINGS


def key_rows(node: DOMNode) -> list[tuple[list[Binding], str, str]]:
    """``(bindings, description, tooltip)`` for each action bound on ``node``.

    The keys of one action are merged into one row; system bindings are left out.
    """
    grouped: dict[str, list[Binding]] = {}
    for bindings in node._bindings.key_to_bindings.values():
        for binding in bindings:
            if not binding.system:
                grouped.setdefault(binding.action, []).append(binding)
    rows = []
    for action, bindings in grouped.items():
        description = next((b.description for b in bindings if b.description), "")
        tooltip = next((b.tooltip for b in bindings if b.tooltip), "")
        rows.append((bindings, description or action.replace("_", " ").capitalize(), tooltip))
    return rows


class KeyList(VerticalScroll):
    """The scrolling body of the help: the arrows, and k/j, g/G as in the panes."""

    BINDINGS: ClassVar[list[BindingType]] = [*SCROLL_BINDINGS]


class HelpScreen(ModalScreen[None]):
    """``HelpScreen(sections)``: the keys of the app, then of each ``(title, node)`` given
    (a screen and its panes)."""

    CSS_PATH = "help.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", tooltip="Close this help"),
    ]

    def __init__(self, sections: Iterable[tuple[str, DOMNode]]) -> None:
        super().__init__()
        self._sections = list(sections)

    def sections(self) -> Iterable[tuple[str, DOMNode]]:
        yield "Everywhere", self.app
        yield from self._sections

    def render_keys(self) -> Group:
        parts = []
        for title, node in self.sections():
            parts.append(Text(title, style="bold underline"))
            table = Table.grid(padding=(0, 2))
            table.add_column(no_wrap=True, style="bold")
            table.add_column(no_wrap=True)
            table.add_column(style="dim", ratio=1)
            for bindings, description, tooltip in key_rows(node):
                # Each key as itself: a footer label such as "[ ]" may stand for two keys.
                shown = (self.app.get_key_display(replace(b, key_display=None)) for b in bindings)
                keys = ", ".join(dict.fromkeys(shown))
                table.add_row(Text(keys), Text(description), Text(tooltip))
            parts.extend([table, Text("")])
        return Group(*parts[:-1])

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            with KeyList(id="help-body"):
                yield Static(self.render_keys(), id="help-keys")
            yield Static(Text("Esc, q or ? closes", style="dim"), id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-dialog").border_title = "Keys"
        self.query_one("#help-body").focus()
