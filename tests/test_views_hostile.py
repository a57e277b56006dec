"""Hostile text from a knowledge base shows literally in every analyst view and does nothing."""

from __future__ import annotations

import dataclasses

import pytest
from hostile_kb import build
from textual.widgets import Tree
from views_host import HostApp, screen_text, settle

from tui.loader import load_knowledge_base
from tui.views import NeighbourhoodScreen, QuoteScreen, StanceMatrixScreen, TimelineScreen


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The shared hostile battery, every relation dated so that the timeline lists it too."""
    kb = load_knowledge_base(build(tmp_path_factory.mktemp("hostile")))
    dated = tuple(
        dataclasses.replace(relation, date=f"2019-{1 + index % 12:02d}")
        for index, relation in enumerate(kb.relations)
    )
    return dataclasses.replace(kb, relations=dated)


def assert_literal(text: str) -> None:
    assert "[@click=app.quit]" in text
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text


async def poke(pilot, *keys: str) -> None:
    """Press keys and click around the screen; nothing from the data may act."""
    screen = pilot.app.screen
    await pilot.press(*keys)
    for x, y in [(2, 3), (30, 5), (10, 10), (60, 8), (5, 20)]:
        await pilot.click(offset=(x, y))
    await pilot.pause()
    assert pilot.app.is_running
    assert screen in pilot.app.screen_stack


async def test_the_matrix_shows_hostile_names_literally(hostile):
    app = HostApp(lambda: StanceMatrixScreen(hostile, top_n=20))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))
        await pilot.pause()
        text = screen_text(pilot.app)
        assert_literal(text)
        assert "wipe\\x1b[2J" in text
        assert "abc⟨RLO⟩dcba" in text
        await poke(pilot, "j", "l", "c", "n")


async def test_the_neighbourhood_shows_hostile_names_literally(hostile):
    app = HostApp(lambda: NeighbourhoodScreen(hostile, "anchor", hops=2))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, NeighbourhoodScreen))
        screen = pilot.app.screen
        await settle(pilot, lambda: bool(screen.query_one(Tree).root.children))
        text = screen_text(pilot.app)
        assert_literal(text)
        assert "[link='https://example.org']x[/link]" in text
        await pilot.press("down", "down", "down", "down", "down")
        await pilot.pause()
        assert "Summary [@click=app.quit]" in screen_text(pilot.app)
        await poke(pilot, "t", "b")


async def test_the_timeline_and_its_quotes_show_hostile_text_literally(hostile):
    app = HostApp(lambda: TimelineScreen(hostile))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, TimelineScreen))
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Hostile [b]title[/b] [@click=app.quit]" in text
        assert "◆ published: Wire wipe\\x1b[2J\\x1b[Hout" in text
        assert_literal(text)
        await poke(pilot, "down", "down", "down", "down")
        quote_screen = QuoteScreen(hostile, "rel-click-quit")
        await pilot.app.push_screen(quote_screen)
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Case 4 click-quit: [@click=app.quit] (end 4)." in text
        assert_literal(text)
        await poke(pilot)


async def test_a_huge_quote_is_cut_in_the_quote_screen(tmp_path):
    kb = load_knowledge_base(build(tmp_path))
    app = HostApp(lambda: QuoteScreen(kb, "rel-big-quote"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuoteScreen))
        [block] = pilot.app.screen.query(".quote-evidence")
        assert "more characters of the quote)" in str(block.content)
        assert len(str(block.content)) < 5_000
