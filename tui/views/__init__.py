"""Analyst views: stance matrix, neighbourhood, timeline, filters and export.

Each screen takes an already filtered ``KnowledgeBase`` (``tui.filters.apply``) and an
optional ``Filters`` to show in its filter bar; the app owns the one ``Filters`` state.

The screens are imported on first use (PEP 562), so that the explorer starts without
loading the views, the analysis and the export formats it may never need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_MODULE_OF = {
    "AsOfScreen": "as_of_screen",
    "DateWindowScreen": "date_window_screen",
    "ExportScreen": "export_screen",
    "FilterBar": "filter_bar",
    "FilterScreen": "filter_screen",
    "NeighbourhoodScreen": "neighbourhood",
    "QuoteScreen": "quote_screen",
    "RelationsScreen": "relations_screen",
    "StanceMatrixScreen": "matrix",
    "TimelineScreen": "timeline",
}

__all__ = [
    "AsOfScreen",
    "DateWindowScreen",
    "ExportScreen",
    "FilterBar",
    "FilterScreen",
    "NeighbourhoodScreen",
    "QuoteScreen",
    "RelationsScreen",
    "StanceMatrixScreen",
    "TimelineScreen",
]

if TYPE_CHECKING:
    from .as_of_screen import AsOfScreen
    from .date_window_screen import DateWindowScreen
    from .export_screen import ExportScreen
    from .filter_bar import FilterBar
    from .filter_screen import FilterScreen
    from .matrix import StanceMatrixScreen
    from .neighbourhood import NeighbourhoodScreen
    from .quote_screen import QuoteScreen
    from .relations_screen import RelationsScreen
    from .timeline import TimelineScreen


def __getattr__(name: str) -> object:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    globals()[name] = value
    return value
