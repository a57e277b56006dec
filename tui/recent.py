"""The last few values worked out, by key: a widget moving back onto one gets it at once."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class Recent(Generic[Value]):
    """``Recent(size)``: ``get(key, make)`` is ``make()`` the first time, then the value kept,
    while it is among the last ``size`` keys asked for."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: dict[Hashable, Value] = {}

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        values = self._values
        value = values.pop(key) if key in values else make()
        values[key] = value  # the most recent last
        while len(values) > self._size:
            del values[next(iter(values))]
        return value

    def clear(self) -> None:
        self._values.clear()
