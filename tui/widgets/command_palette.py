"""The command palette with its query capped as every other text input of the app is.

Textual's palette searches every provider again on each key, over the whole query: a long
paste arriving key by key would cost more at every key (see ``capped_input``).
"""

from __future__ import annotations

from textual.command import CommandInput, CommandPalette

from ..search import MAX_QUERY_LENGTH


class CappedCommandPalette(CommandPalette):
    """``CommandPalette`` whose input holds at most ``MAX_QUERY_LENGTH`` characters."""

    def on_mount(self) -> None:
        self.query_one(CommandInput).max_length = MAX_QUERY_LENGTH
