"""The explorer over the hostile knowledge base: every case drawn literally, nothing acted on."""

from __future__ import annotations

import unicodedata

import pytest
from hostile_kb import CASES, build
from views_host import screen_text

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.loader import load_knowledge_base
from tui.widgets.source_text import SourceText


@pytest.fixture(scope="module")
def hostile_kb(tmp_path_factory):
    return load_knowledge_base(build(tmp_path_factory.mktemp("hostile")))


def unsafe(text: str) -> set[str]:
    """Characters that would act on a terminal or reorder text if they reached it."""
    return {
        char
        for char in text
        if char != "\n" and unicodedata.category(char) in ("Cc", "Cf") and char != "\u200d"
    }


async def test_every_case_is_drawn_literally_in_every_pane(hostile_kb, explorer):
    app = StakeholderApp(knowledge_base=hostile_kb)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        for case in CASES:
            screen.actor_id = case
            await pilot.pause()
            await pilot.pause()
            shown = screen_text(app)
            assert not unsafe(shown), case
        screen.actor_id = "click-quit"
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        assert shown.count("[@click=app.quit]") >= 3  # list, relation table, detail, source
        screen.actor_id = "clear-screen"
        await pilot.pause()
        await pilot.pause()
        assert "wipe\\x1b[2J\\x1b[Hout" in screen_text(app)
        assert not app._exit


async def test_the_megabyte_quote_opens_at_its_start_and_scrolls_to_its_end(hostile_kb, explorer):
    app = StakeholderApp(knowledge_base=hostile_kb)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "anchor"
        screen.item = ItemRef("relation", "rel-big-quote")
        await pilot.pause()
        await pilot.pause()
        text = screen.query_one(SourceText)
        assert text.span[1] - text.span[0] > 900_000
        top = text.scroll_offset.y
        assert top <= text.line_of(text.span[0]) < top + text.scrollable_content_region.height
        assert "Big: long line of words" in screen_text(app)
        await pilot.press("4", "end")
        await pilot.pause()
        assert text.scroll_offset.y == text.max_scroll_y
        assert "end." in screen_text(app)
