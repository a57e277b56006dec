"""A small modal to edit a date window: from and to, each of any precision."""

from __future__ import annotations

from ..filters import DateWindow
from .date_dialog import DateDialog


class DateWindowScreen(DateDialog[DateWindow]):
    """``DateWindowScreen(window)``: returns the new window, or None when cancelled."""

    HEADING = "Date window"
    HELP_LINE = "Empty = open. 2017-08 counts as the whole month."
    ID_PREFIX = "window"
    FIELDS = (("from", "window-from"), ("to", "window-to"))
    CLEAR_BUTTON = ("All dates", "window-all")

    def __init__(self, window: DateWindow | None = None) -> None:
        window = window or DateWindow()
        super().__init__([window.start, window.end])

    def parsed(self, values: list[str]) -> DateWindow:
        start, end = values
        return DateWindow(start or None, end or None)

    def cleared(self) -> DateWindow:
        return DateWindow()
