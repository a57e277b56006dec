"""Every built-in theme keeps the lists, the cursor and the quote readable.

Line API widgets style their own segments; a theme colour given as "auto" or with
transparency must be resolved against what is behind it, or a light theme draws dark
text on a dark cursor. Measured here as the WCAG contrast of the segments drawn.
"""

from __future__ import annotations

import pytest
from fixtures_kb import explorer_kb
from rich.segment import Segment
from textual.color import Color

from tui.app import StakeholderApp
from tui.screens.search import SearchScreen
from tui.widgets.actor_list import ActorList
from tui.widgets.relation_table import RelationTable
from tui.widgets.search_results import SearchResults
from tui.widgets.source_text import SourceText

# (gruvbox is left out: its own focused-cursor colours are 2.2:1, a choice of the theme.)
THEMES = ["textual-dark", "textual-light", "solarized-light", "nord", "dracula"]
READABLE = 3.0  # WCAG's minimum for large or bold text; body text here is higher


def luminance(color: Color) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(segment: Segment) -> float:
    style = segment.style
    assert style is not None and style.color is not None and style.bgcolor is not None
    fore = luminance(Color.from_rich_color(style.color))
    back = luminance(Color.from_rich_color(style.bgcolor))
    return (max(fore, back) + 0.05) / (min(fore, back) + 0.05)


def text_segments(strip) -> list[Segment]:
    return [segment for segment in strip if segment.text.strip()]


async def explorer_in(pilot, explorer, theme: str, *keys: str):
    """The explorer in ``theme``, after ``keys`` (e.g. "2" to focus the relations)."""
    screen = await explorer(pilot)
    pilot.app.theme = theme
    await pilot.press(*keys)
    await pilot.pause()
    return screen


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("focused", [True, False])
async def test_the_actor_cursor_row_is_readable(theme, focused, explorer):
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer_in(pilot, explorer, theme, *([] if focused else ["2"]))
        actors = screen.query_one(ActorList)
        line = actors.render_line(actors.cursor_row - actors.scroll_offset.y)
        segments = text_segments(line)
        assert segments
        assert all(contrast(segment) >= READABLE for segment in segments), theme


@pytest.mark.parametrize("theme", THEMES)
async def test_the_quote_in_its_article_is_readable(theme, explorer):
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer_in(pilot, explorer, theme)
        text = screen.query_one(SourceText)
        quoted = [
            segment
            for y in range(text.size.height)
            for segment in text_segments(text.render_line(y))
            if segment.style is not None and segment.style.underline
        ]
        assert quoted
        assert all(contrast(segment) >= READABLE for segment in quoted), theme


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("focused", [True, False])
async def test_the_relations_header_and_cursor_row_are_readable(theme, focused, explorer):
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer_in(pilot, explorer, theme, *(["2"] if focused else []))
        table = screen.query_one(RelationTable)
        header = text_segments(table.render_line(0))
        cursor = text_segments(table.render_line(table.cursor_row - table.scroll_offset.y + 1))
        assert header and cursor
        assert all(contrast(segment) >= READABLE for segment in header + cursor), theme


@pytest.mark.parametrize("theme", THEMES)
async def test_the_highlighted_search_hit_is_readable(theme, explorer, settle):
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        app.theme = theme
        await pilot.press("slash", *"haftar")
        await settle(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen.hits)
        await pilot.pause()
        results = app.screen.query_one(SearchResults)
        segments = [s for line in results.hit_lines(0) for s in text_segments(line)]
        assert any(segment.style.underline for segment in segments)  # the match
        assert all(contrast(segment) >= READABLE for segment in segments), theme
