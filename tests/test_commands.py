"""The command palette provider: "Go to actor" and "Go to relation" entries."""

from __future__ import annotations

from concurrent.futures import Future

import pytest
from textual.app import App, ComposeResult
from textual.command import CommandPalette, DiscoveryHit, Hit
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from tests.search_kb import HOSTILE_NAME, ready, sample_kb
from tui.commands import GoToProvider, highlighted
from tui.search import Hit as SearchHit
from tui.search import SearchIndex


class GoToScreen(Screen[None]):
    COMMANDS = {GoToProvider}

    def __init__(self) -> None:
        super().__init__()
        self.visited: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        yield Static("explorer")

    def go_to_hit(self, hit: SearchHit) -> None:
        self.visited.append(hit)


class PaletteHost(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.index = SearchIndex(sample_kb())
        self.explorer = GoToScreen()

    def search_index_soon(self) -> Future[SearchIndex]:
        return ready(self.index)

    def on_mount(self) -> None:
        self.push_screen(self.explorer)


async def collect(hits) -> list[Hit | DiscoveryHit]:
    return [hit async for hit in hits]


async def wait_for(pilot, condition) -> None:
    for _ in range(100):
        if condition():
            return
        await pilot.pause()
    assert condition()


async def test_search_offers_actors_then_relations() -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen is app.explorer)
        provider = GoToProvider(app.explorer)
        hits = await collect(provider.search("haftar"))
        texts = [hit.text for hit in hits]
        assert texts[0] == "Go to actor: Khalifa Haftar"
        assert texts[1:] == [
            "Go to relation: Haftar met Italy's defence minister and security chiefs in Rome.",
            "Go to relation: Haftar refuses to recognise the unity government.",
        ]
        scores = [hit.score for hit in hits]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < score <= 1 for score in scores)
        assert all(isinstance(hit.match_display, Content) for hit in hits)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Go to actor: haftar", ["Go to actor: Khalifa Haftar"]),
        ("go to actor haftar", ["Go to actor: Khalifa Haftar"]),
        (
            "go to relation: haftar",
            [
                "Go to relation: Haftar met Italy's defence minister and security chiefs in "
                "Rome.",
                "Go to relation: Haftar refuses to recognise the unity government.",
            ],
        ),
    ],
)
async def test_the_command_names_can_be_typed(query, expected) -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen is app.explorer)
        provider = GoToProvider(app.explorer)
        assert [hit.text for hit in await collect(provider.search(query))] == expected


async def test_the_start_of_a_command_name_offers_its_actors() -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen is app.explorer)
        provider = GoToProvider(app.explorer)
        for query in ("go to", "Go to act", "go to actor"):
            texts = [hit.text for hit in await collect(provider.search(query))]
            assert texts and all(text.startswith("Go to actor: ") for text in texts), query


async def test_alias_and_context_in_the_prompt() -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen is app.explorer)
        (hit,) = await collect(GoToProvider(app.explorer).search("field marshal"))
        prompt = hit.match_display
        assert isinstance(prompt, Content)
        assert prompt.plain == "Go to actor: Field Marshal  alias of Khalifa Haftar"
        assert any(prompt.plain[s.start : s.end] == "Field Marshal" for s in prompt.spans)


async def test_choosing_an_entry_goes_to_its_hit() -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen is app.explorer)
        hits = await collect(GoToProvider(app.explorer).search("unity government"))
        relation_entry = next(hit for hit in hits if hit.text.startswith("Go to relation"))
        relation_entry.command()
        (visited,) = app.explorer.visited
        assert visited.kind == "relation" and visited.relation_id == "italy-backs-gna"


async def test_discover_offers_the_best_connected_actors() -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen is app.explorer)
        hits = await collect(GoToProvider(app.explorer).discover())
        assert all(isinstance(hit, DiscoveryHit) for hit in hits)
        assert [hit.text for hit in hits][:3] == [
            "Go to actor: Italy",
            "Go to actor: Khalifa Haftar",
            "Go to actor: Government of National Accord",
        ]
        hits[1].command()
        assert [hit.actor_id for hit in app.explorer.visited] == ["khalifa-haftar"]


async def test_markup_in_names_stays_literal() -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen is app.explorer)
        hits = await collect(GoToProvider(app.explorer).search("bold front"))
        assert hits[0].match_display.plain.startswith(f"Go to actor: {HOSTILE_NAME}")


async def test_without_a_search_index_nothing_is_offered() -> None:
    class Bare(App[None]):
        pass

    app = Bare()
    async with app.run_test():
        provider = GoToProvider(app.screen)
        assert await collect(provider.search("haftar")) == []
        assert await collect(provider.discover()) == []


async def test_through_the_palette() -> None:
    app = PaletteHost()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen is app.explorer)
        app.action_command_palette()
        await wait_for(
            pilot, lambda: isinstance(app.screen, CommandPalette) and app.screen.query(Input)
        )
        palette = app.screen
        await pilot.press(*"serraj")
        await wait_for(
            pilot,
            lambda: any(
                "Fayez al-Serraj" in str(option.prompt)
                for option in palette.query_one("CommandList").options
            ),
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.explorer.visited))
        assert [hit.actor_id for hit in app.explorer.visited] == ["fayez-serraj"]


def test_highlighted_sanitizes_each_piece() -> None:
    content = highlighted("a\x1bbc\x1bd", ((2, 3),), "bold")
    assert content.plain == "a\\x1bbc\\x1bd"
    (span,) = content.spans
    assert content.plain[span.start : span.end] == "b"
    assert span.style == "bold"


def test_highlighted_keeps_markup_literal() -> None:
    content = highlighted("[b]x[/b]", ((3, 4),), "bold")
    assert content.plain == "[b]x[/b]"
    assert content.plain[content.spans[0].start : content.spans[0].end] == "x"
