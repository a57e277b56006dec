"""A one-line text input with a length cap that cuts what is too long instead of refusing it.

Textual's ``Input`` redraws and measures its whole value on every key, so a long paste that
arrives key by key (a terminal sends a paste holding control characters that way) costs
more at every key and freezes the app. Every text input of the app is a ``CappedInput``:
``max_length`` defaults to the search query's cap. A paste that does not fit is cut to the
room left, not refused whole as ``Input`` would; a value set from code is cut too. The bell
rings once for a run of refused keys, not once per key.

``Input`` also draws its value raw: a pasted escape sequence would reach the terminal. What
comes in is made ``input_safe`` first (controls dropped, tabs and line breaks as spaces).
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from ..sanitize import input_safe
from ..search import MAX_QUERY_LENGTH


class CappedInput(Input):
    """``Input`` that never holds more than ``max_length`` characters (at least 1)."""

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "",
        *,
        max_length: int = MAX_QUERY_LENGTH,
        **kwargs: Any,
    ) -> None:
        max_length = max(1, max_length)
        super().__init__(
            None if value is None else input_safe(value)[:max_length],
            placeholder,
            max_length=max_length,
            **kwargs,
        )
        self._refused_at: str | None = None  # the value when the bell last rang

    def validate_value(self, value: str) -> str:
        value = input_safe(value)
        return value[: self.max_length] if self.max_length else value

    def replace(self, text: str, start: int, end: int) -> None:
        text = input_safe(text)
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        room = max(0, self.max_length - len(value) + end - start) if self.max_length else len(text)
        if len(text) <= room:
            super().replace(text, start, end)
            return
        if room > 0:
            super().replace(text[:room], start, end)
        self.restricted()

    def restricted(self) -> None:
        if self._refused_at != self.value:
            self._refused_at = self.value
            super().restricted()
