"""The search overlay, driven with Textual's Pilot in a small host app."""

from __future__ import annotations

import threading

from textual.app import App
from textual.widgets import Input, Static

from tests.keys_burst import burst
from tests.search_kb import (
    HOSTILE_NAME,
    HOSTILE_QUOTE,
    make_kb,
    ready,
    sample_kb,
    synthetic_kb,
)
from tui.app import StakeholderApp
from tui.model import Actor
from tui.sanitize import display
from tui.screens import search as search_screen
from tui.screens.search import MAX_RESULTS, SearchScreen
from tui.search import Hit, SearchIndex
from tui.widgets.search_results import SearchResults

UNSET = object()


class SearchHost(App[None]):
    """Opens the search overlay at once and records what it is dismissed with."""

    def __init__(self, index: SearchIndex) -> None:
        super().__init__()
        self.index = index
        self.result: object = UNSET

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(ready(self.index)), self._record)

    def _record(self, hit: Hit | None) -> None:
        self.result = hit


async def open_search(pilot) -> SearchScreen:
    for _ in range(50):
        if isinstance(pilot.app.screen, SearchScreen) and pilot.app.screen.is_mounted:
            break
        await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    screen.query_one(Input).cursor_blink = False
    return screen


async def wait_for(pilot, condition) -> None:
    for _ in range(50):
        if condition():
            return
        await pilot.pause()
    assert condition()


def status_text(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-status", Static).visual)


def option_texts(screen: SearchScreen) -> list[str]:
    """Each hit's two lines as drawn."""
    results = screen.query_one(SearchResults)
    return [
        "\n".join(line.text.strip() for line in results.hit_lines(index))
        for index in range(results.hit_count)
    ]


async def test_typing_updates_results() -> None:
    app = SearchHost(SearchIndex(sample_kb()))
    async with app.run_test() as pilot:
        screen = await open_search(pilot)
        assert screen.query_one(Input).has_focus
        assert screen.hits == [] and option_texts(screen) == []
        await pilot.press(*"haftar")
        await wait_for(pilot, lambda: screen.query_one(Input).value == "haftar")
        assert screen.hits == screen.index.search("haftar")
        texts = option_texts(screen)
        assert texts[0].startswith("actor     Khalifa Haftar\n")
        assert "Khalifa Haftar → Italy · visits" in texts[1]
        assert status_text(screen) == f"{len(screen.hits)} results"
        await pilot.press("backspace", "backspace", "backspace")
        await wait_for(pilot, lambda: screen.query_one(Input).value == "haf")
        assert screen.hits == screen.index.search("haf")


async def test_a_match_past_the_lines_width_is_shown_with_its_context() -> None:
    ahead = "of the GNA; it has said it could lead a post-stabilisation "
    described = make_kb([Actor("italy", "Italy", "state", (), None, ahead + "peace force")])
    app = SearchHost(SearchIndex(described))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot)
        await pilot.press(*"peace")
        await wait_for(pilot, lambda: screen.hits)
        results = screen.query_one(SearchResults)
        assert results.scrollable_content_region.width < len(ahead) + 20  # the test's point
        (first_line, _) = results.hit_lines(0)
        assert "peace force" in first_line.text
        assert first_line.text.strip().startswith("actor     …")


async def test_no_results_line() -> None:
    app = SearchHost(SearchIndex(sample_kb()))
    async with app.run_test() as pilot:
        screen = await open_search(pilot)
        await pilot.press(*"qqqzzz")
        await wait_for(pilot, lambda: screen.query_one(Input).value == "qqqzzz")
        assert screen.hits == []
        assert option_texts(screen) == []
        assert status_text(screen) == "No results for “qqqzzz”"
        await pilot.press("enter")
        await pilot.pause()
        assert app.result is UNSET and app.screen is screen


async def test_enter_returns_the_first_hit() -> None:
    app = SearchHost(SearchIndex(sample_kb()))
    async with app.run_test() as pilot:
        screen = await open_search(pilot)
        await pilot.press(*"italy")
        await wait_for(pilot, lambda: screen.query_one(Input).value == "italy")
        expected = screen.hits[0]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.result is not UNSET)
        assert app.result == expected
        assert expected.kind == "actor" and expected.actor_id == "italy"


async def test_arrows_move_in_the_results_and_enter_picks_the_highlighted() -> None:
    app = SearchHost(SearchIndex(sample_kb()))
    async with app.run_test() as pilot:
        screen = await open_search(pilot)
        results = screen.query_one(SearchResults)
        await pilot.press(*"unity")
        await wait_for(pilot, lambda: len(screen.hits) >= 3)
        assert results.highlighted == 0
        await pilot.press("down", "down")
        assert results.highlighted == 2
        await pilot.press("up")
        assert results.highlighted == 1
        await pilot.press("ctrl+n")
        assert results.highlighted == 2
        assert screen.query_one(Input).has_focus
        expected = screen.hits[2]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.result is not UNSET)
        assert app.result == expected


async def test_ctrl_p_moves_up_when_the_app_leaves_it_to_the_screen() -> None:
    class PaletteKeyFree(SearchHost):
        # The app's command palette binding (ctrl+p, priority) would win otherwise.
        def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
            return not (action == "command_palette" and isinstance(self.screen, SearchScreen))

    app = PaletteKeyFree(SearchIndex(sample_kb()))
    async with app.run_test() as pilot:
        screen = await open_search(pilot)
        await pilot.press(*"unity")
        await wait_for(pilot, lambda: len(screen.hits) >= 3)
        await pilot.press("down", "down", "ctrl+p")
        assert screen.query_one(SearchResults).highlighted == 1
        assert app.screen is screen


async def test_escape_returns_none() -> None:
    app = SearchHost(SearchIndex(sample_kb()))
    async with app.run_test() as pilot:
        await open_search(pilot)
        await pilot.press(*"haftar", "escape")
        await wait_for(pilot, lambda: app.result is not UNSET)
        assert app.result is None
        assert not isinstance(app.screen, SearchScreen)


async def test_clicking_a_result_returns_it() -> None:
    app = SearchHost(SearchIndex(sample_kb()))
    async with app.run_test() as pilot:
        screen = await open_search(pilot)
        await pilot.press(*"unity")
        await wait_for(pilot, lambda: len(screen.hits) >= 2)
        expected = screen.hits[1]
        # Each result is two lines: the second result starts on the list's third line.
        await pilot.click(SearchResults, offset=(12, 2))
        await wait_for(pilot, lambda: app.result is not UNSET)
        assert app.result == expected


async def test_markup_and_control_characters_show_literally() -> None:
    app = SearchHost(SearchIndex(sample_kb()))
    async with app.run_test(size=(160, 40)) as pilot:  # wide enough for the whole quote
        screen = await open_search(pilot)
        await pilot.press(*"front")
        await wait_for(pilot, lambda: bool(screen.hits))
        texts = option_texts(screen)
        assert any(HOSTILE_NAME in text for text in texts)
        assert any(display(HOSTILE_QUOTE) in text for text in texts)
        assert all("\x1b" not in text for text in texts)
        # The hostile [@click=app.quit] did nothing.
        assert app.is_running and app.screen is screen


async def test_result_count_is_capped() -> None:
    app = SearchHost(SearchIndex(synthetic_kb(2_000, 2_000, 10)))
    async with app.run_test() as pilot:
        screen = await open_search(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: bool(screen.hits))
        assert len(screen.hits) == MAX_RESULTS
        assert screen.query_one(SearchResults).hit_count == MAX_RESULTS
        assert status_text(screen) == f"{MAX_RESULTS}+ results"


def test_search_overlay_snapshot(snap_compare) -> None:
    async def type_query(pilot) -> None:
        await open_search(pilot)
        await pilot.press(*"unity")
        await pilot.pause()

    app = SearchHost(SearchIndex(sample_kb()))
    assert snap_compare(app, terminal_size=(80, 24), run_before=type_query)


# --- the index built in a thread, in the app ----------------------------------------------


def held_index(monkeypatch, *, fails: bool = False) -> threading.Event:
    """The app's search index held back until the returned event is set (a large file's
    second of building), or failing once let go."""
    release = threading.Event()
    real_init = SearchIndex.__init__

    def held(self: SearchIndex, kb) -> None:
        assert release.wait(10)
        if fails:
            raise MemoryError("no room for the index")
        real_init(self, kb)

    monkeypatch.setattr(SearchIndex, "__init__", held)
    return release


async def test_the_overlay_opens_before_the_index_is_built_and_keeps_the_keys(
    monkeypatch, copy, explorer, settle
):
    release = held_index(monkeypatch)
    async with StakeholderApp(copy, watch=False).run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        await pilot.press("slash", *"pinot")
        screen = await open_search(pilot)
        await settle(pilot, lambda: screen.query_one(Input).value == "pinot")
        assert screen.index is None and status_text(screen) == "Indexing the knowledge base…"
        release.set()
        await settle(pilot, lambda: screen.hits)
        assert screen.hits == screen.index.search("pinot", limit=MAX_RESULTS)
        assert screen.hits[0].actor_id == "roberta-pinotti"
        await settle(pilot, lambda: screen.index.prepared)  # its digests, in a thread too


async def test_enter_before_the_index_is_built_waits_and_goes_to_the_hit(
    monkeypatch, copy, explorer, settle
):
    """"/pinot⏎3" typed in one go on a large file: Enter waits for the index, goes to the
    hit for "pinot", and the keys behind it reach the explorer, as on a small one."""
    release = held_index(monkeypatch)
    waited: list[bool] = []
    real_wait = search_screen.wait

    def wait(futures):
        waited.extend(not future.done() for future in futures)
        release.set()  # the build goes on while the UI thread waits for it
        return real_wait(futures)

    monkeypatch.setattr(search_screen, "wait", wait)
    async with StakeholderApp(copy, watch=False).run_test(size=(120, 40)) as pilot:
        explorer_screen = await explorer(pilot)
        burst(pilot, "slash", *"pinot", "enter", "3")
        await settle(pilot, lambda: pilot.app.screen is explorer_screen
                     and explorer_screen.actor_id == "roberta-pinotti")
        await settle(pilot, lambda: explorer_screen.focused is not None
                     and explorer_screen.focused.id == "detail")
    assert waited == [True]


async def test_an_index_that_cannot_be_built_is_said(monkeypatch, copy, explorer, settle):
    release = held_index(monkeypatch, fails=True)
    release.set()
    async with StakeholderApp(copy, watch=False).run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        await pilot.press("slash")
        screen = await open_search(pilot)
        await settle(pilot, lambda: "not available" in status_text(screen))
        assert status_text(screen) == "Search is not available: no room for the index"
        await pilot.press(*"pinot", "enter")  # nothing to go to: a bell, no traceback
        assert pilot.app.screen is screen and screen.hits == []


async def test_an_index_that_failed_is_built_again_on_the_next_search(
    monkeypatch, copy, explorer, settle
):
    attempts: list[int] = []
    real_init = SearchIndex.__init__

    def once_failing(self: SearchIndex, kb) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise MemoryError("no room for the index")
        real_init(self, kb)

    monkeypatch.setattr(SearchIndex, "__init__", once_failing)
    async with StakeholderApp(copy, watch=False).run_test(size=(120, 40)) as pilot:
        explorer_screen = await explorer(pilot)
        await pilot.press("slash")
        screen = await open_search(pilot)
        await settle(pilot, lambda: "not available" in status_text(screen))
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is explorer_screen)
        await pilot.press("slash", *"pinot")
        screen = await open_search(pilot)
        await settle(pilot, lambda: screen.hits)
        assert screen.hits[0].actor_id == "roberta-pinotti" and len(attempts) == 2
