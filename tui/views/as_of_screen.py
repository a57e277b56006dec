"""A small modal for the as-of date: every view then shows only what held on that day."""

from __future__ import annotations

from ..filters import date_span
from .date_dialog import DateDialog

ANY_DATE = ""  # the result that clears the as-of date (None: cancelled)


class AsOfScreen(DateDialog[str]):
    """``AsOfScreen(current)``: returns the new as-of date, ``ANY_DATE`` to clear it, or
    None when cancelled."""

    HEADING = "As of"
    HELP_LINE = (
        "Only what held on that day: events up to it, ties valid then, and the quotes of "
        "sources published by then. 2017-09 is the month's last day."
    )
    ID_PREFIX = "as-of"
    FIELDS = (("date", "as-of-date"),)
    CLEAR_BUTTON = ("Any date", "as-of-clear")

    def __init__(self, current: str | None = None) -> None:
        super().__init__([current])

    def parsed(self, values: list[str]) -> str:
        (value,) = values
        if value:
            date_span(value)  # raises ValueError on what is not a date
        return value or ANY_DATE

    def cleared(self) -> str:
        return ANY_DATE
