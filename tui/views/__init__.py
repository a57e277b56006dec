"""Analyst views: stance matrix, neighbourhood, timeline, filters and export.

Each screen takes an already filtered ``KnowledgeBase`` (``tui.filters.apply``) and an
optional ``Filters`` to show in its filter bar; the app owns the one ``Filters`` state.
"""

from .date_window_screen import DateWindowScreen
from .export_screen import ExportScreen
from .filter_bar import FilterBar
from .filter_screen import FilterScreen
from .matrix import StanceMatrixScreen
from .neighbourhood import NeighbourhoodScreen
from .quote_screen import QuoteScreen
from .relations_screen import RelationsScreen
from .timeline import TimelineScreen

__all__ = [
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
