"""The timeline screen: order, precision, markers, window, detail pane, snapshots."""

from __future__ import annotations

import pytest
from analyst_kb import sample_kb, synthetic_kb
from textual.widgets import Input
from views_host import SIZE_IDS, SIZES, HostApp, pressing, screen_text, settle

from tests.kb_files import HEADER, write_kb
from tui.filters import DateWindow, Filters, apply
from tui.loader import load_knowledge_base
from tui.views import DateWindowScreen, QuoteScreen, TimelineScreen
from tui.views.timeline_list import TimelineList


def timeline_app(kb=None, **options) -> HostApp:
    return HostApp(lambda: TimelineScreen(kb or sample_kb(), **options))


async def opened(pilot) -> TimelineScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, TimelineScreen))
    screen = pilot.app.screen
    await settle(pilot, lambda: bool(screen.query_one(TimelineList).entries))
    return screen


def rows(screen: TimelineScreen, width: int = 100) -> list[str]:
    listing = screen.query_one(TimelineList)
    return [listing.row_text(index, width).plain for index in range(len(listing.entries))]


def dates(screen: TimelineScreen) -> list[str]:
    return [row[:10].rstrip() for row in rows(screen)]


async def test_rows_are_in_date_order_at_their_precision_with_publications():
    async with timeline_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert dates(screen) == [
            "2016",
            "2017",
            "2017-07",
            "2017-07",
            "2017-07-25",
            "2017-07-25",
            "2017-07-26",
            "2017-08",
            "2017-09-26",
            "2017-09-26",
            "2017-09-27",
        ]
        shown = rows(screen, width=100)
        assert shown[6] == f"2017-07-26    {'◆ published: Wire':<38} Rivals meet near Paris"
        assert shown[7] == (
            f"2017-08    −− {'Khalifa Haftar → threatens → Italy':<38} "
            "Haftar threatened to bomb Italian ships."
        )
        # narrower: the "who" column shrinks and is cut with an ellipsis
        assert rows(screen, width=60)[7].startswith("2017-08    −− Khalifa Haftar → thre… Haftar")
        assert "9 dated relations, 2 publications · window: all dates" in screen_text(pilot.app)
        undated = sum(relation.date is None for relation in screen.kb.relations)
        assert undated and f"window: all dates · {undated} undated" in screen_text(pilot.app)
        # A summary longer than the line ends with an ellipsis, not cut mid-word.
        cut = rows(screen, width=60)[7]
        assert len(cut) == 60 and cut.endswith("…")


async def test_rows_fit_beside_the_scrollbar_and_a_cut_ends_with_an_ellipsis():
    async with timeline_app(synthetic_kb(40, 200)).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        listing = screen.query_one(TimelineList)
        await settle(pilot, lambda: listing.scrollable_content_region.height > 0)
        width = listing.scrollable_content_region.width
        assert listing.max_scroll_y > 0 and width < listing.size.width  # a scrollbar
        assert listing.max_scroll_x == 0  # nothing to scroll sideways to
        cut = 0
        for y in range(listing.scrollable_content_region.height):
            line = listing.render_line(y)
            assert line.cell_length == width
            whole = listing.row_text(listing.scroll_offset.y + y, 1000).plain.rstrip()
            if len(whole) > width:
                cut += 1
                assert line.text.endswith("…"), line.text
        assert cut


async def test_the_selected_entry_shows_its_actors_and_quote_below():
    async with timeline_app().run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        for _ in range(7):
            await pilot.press("down")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Khalifa Haftar (person) → threatens −− → Italy (state)" in text
        assert "2017-08 · “Last month” · event · stated" in text
        assert "Last month Haftar threatened to bomb Italian ships" in text
        await pilot.press("up")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Publication of News24" not in text
        assert "Publication of Wire, “Rivals meet near Paris”, 2017-07-26" in text


async def test_enter_on_a_relation_shows_all_its_quotes_and_on_a_marker_nothing():
    async with timeline_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("down", "down", "enter")  # 2017-07: Haftar and Serraj agree
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuoteScreen))
        quotes = [str(block.content) for block in pilot.app.screen.query(".quote-evidence")]
        assert len(quotes) == 2
        assert "Haftar and Serraj agreed in Paris to a conditional ceasefire" in quotes[0]
        assert quotes[1].startswith("Wire, “Rivals meet near Paris”, 2017-07-26\n")
        assert "The two men agreed to a ceasefire and to elections in 2018" in quotes[1]
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is screen)
        for _ in range(4):
            await pilot.press("down")
        await pilot.press("enter")  # the publication marker
        await pilot.pause()
        assert pilot.app.screen is screen


async def test_a_click_moves_the_cursor_and_a_second_click_opens_the_quotes():
    async with timeline_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        listing = screen.query_one(TimelineList)
        await pilot.click(TimelineList, offset=(5, 7))
        assert listing.cursor == 7
        await pilot.pause()
        assert "Last month Haftar threatened to bomb Italian ships" in screen_text(pilot.app)
        await pilot.click(TimelineList, offset=(5, 7))
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuoteScreen))
        assert pilot.app.screen.relation.id == "haftar-threatens-italy"


async def test_a_long_timeline_scrolls_with_the_cursor():
    kb = synthetic_kb(50, 500)
    async with timeline_app(kb).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        listing = screen.query_one(TimelineList)
        last = len(listing.entries) - 1
        await pilot.press("end")
        assert listing.cursor == last
        await pilot.pause()
        assert listing.row_text(last, 80).plain[:40] in screen_text(pilot.app)
        await pilot.press("pageup", "k", "j", "up")
        assert listing.cursor == last - (listing.size.height - 1) - 1
        await pilot.press("home")
        assert listing.cursor == 0
        assert listing.scroll_offset.y == 0
        await pilot.press("G")  # the keys of every list in the app
        assert listing.cursor == last
        await pilot.press("g")
        assert listing.cursor == 0


async def test_a_date_window_narrows_the_timeline_and_x_clears_it():
    async with timeline_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DateWindowScreen))
        await pilot.press(*"2017-08", "tab", *"2017-09", "enter")
        await settle(pilot, lambda: pilot.app.screen is screen)
        assert screen.window == DateWindow("2017-08", "2017-09")
        # the year 2017 overlaps the window; undated and other months do not
        assert dates(screen) == ["2017", "2017-08", "2017-09-26", "2017-09-26", "2017-09-27"]
        assert "window: 2017-08..2017-09" in screen_text(pilot.app)
        assert "4 dated relations, 1 publication · " in screen_text(pilot.app)
        await pilot.press("x")
        assert len(dates(screen)) == 11


async def test_the_window_dialog_refuses_a_bad_date_and_cancels_with_escape():
    async with timeline_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DateWindowScreen))
        dialog = pilot.app.screen
        await pilot.press(*"2017-13", "enter")
        await pilot.pause()
        assert pilot.app.screen is dialog
        assert "not a date: '2017-13'" in screen_text(pilot.app)
        await pilot.press("backspace")  # the date it was about is gone: so is the error
        await settle(pilot, lambda: "not a date" not in screen_text(pilot.app))
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is screen)
        assert screen.window.is_open


async def test_the_window_dialog_opens_on_the_current_window_and_all_dates_clears_it():
    async with timeline_app(window=DateWindow("2017-07")).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert dates(screen)[0] == "2017"
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DateWindowScreen))
        assert pilot.app.screen.query_one("#window-from", Input).value == "2017-07"
        await pilot.click("#window-all")
        await settle(pilot, lambda: pilot.app.screen is screen)
        assert screen.window.is_open
        assert len(dates(screen)) == 11


async def test_an_empty_window_says_so():
    async with timeline_app(window=DateWindow("1990", "1991")).run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, TimelineScreen))
        await pilot.pause()
        assert "No dated relation in this window." in screen_text(pilot.app)
        await pilot.press("enter", "down")
        assert isinstance(pilot.app.screen, TimelineScreen)


async def test_set_data_keeps_the_window():
    async with timeline_app(window=DateWindow("2017-07", "2017-07")).run_test() as pilot:
        screen = await opened(pilot)
        filters = Filters(types={"hosts"})
        screen.set_data(apply(screen.kb, filters), filters)
        await pilot.pause()
        assert dates(screen) == ["2017-07-25", "2017-07-25", "2017-07-26"]
        assert "Filters: type: hosts" in screen_text(pilot.app)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_timeline(snap_compare, size):
    filters = Filters(status="current")
    kb = apply(sample_kb(), filters)
    app = HostApp(lambda: TimelineScreen(kb, filters))
    assert snap_compare(app, terminal_size=size, press=["down", "down"])


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_window_dialog(snap_compare, size):
    assert snap_compare(timeline_app(), terminal_size=size, run_before=pressing("w", *"2017-07"))


DATED_RELATION = """\
relations:
  - id: haftar-meets-italy
    source: haftar
    target: italy
    type: meets
    polarity: 1
    date: "2017-09-26"
    summary: Haftar met Italy's defence minister.
    evidence:
      - source: s1
        quote: "met Italy's defence minister"
"""


@pytest.mark.parametrize("published", ["2017-09-27T10:00", "2017-09-27T10:00:00", "2017-09-27"])
async def test_a_source_published_at_a_time_of_day_shows_and_takes_a_date_window(
    tmp_path, published
):
    header = HEADER.replace('published: "2017-09-27T10:00"', f'published: "{published}"')
    kb = load_knowledge_base(write_kb(tmp_path, DATED_RELATION, header=header))
    assert kb.sources[0].published == published
    async with timeline_app(kb).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert dates(screen) == ["2017-09-26", "2017-09-27"]
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DateWindowScreen))
        await pilot.press(*"2017-09-27", "tab", *"2017-09", "enter")
        await settle(pilot, lambda: pilot.app.screen is screen)
        assert screen.window == DateWindow("2017-09-27", "2017-09")
        assert dates(screen) == ["2017-09-27"]  # the publication; the meeting was the day before
        assert "window: 2017-09-27..2017-09" in screen_text(pilot.app)


@pytest.mark.parametrize("typed", ["2017W393", "20170927", "2017-09-27T10:00"])
async def test_the_window_dialog_refuses_week_basic_and_timed_dates_with_a_message(typed):
    async with timeline_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DateWindowScreen))
        dialog = pilot.app.screen
        await pilot.press(*typed, "enter")
        await pilot.pause()
        assert pilot.app.screen is dialog
        assert f"not a date: '{typed}'" in screen_text(pilot.app)
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is screen)
        assert screen.window.is_open
