"""The filter screen returns the Filters it shows; the filter bar describes them."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, RadioButton, Select, SelectionList
from views_host import SIZE_IDS, SIZES, HostApp, pressing, screen_text, settle

from tui.filters import Filters, StatusChoice, UndatedHidden
from tui.views import FilterBar, FilterScreen

EVERYTHING = Filters(
    types={"backs", "threatens"},
    polarity=(-2, 1),
    kinds={"state", "person"},
    date_from="2017-07",
    date_to="2017-09-30",
    status="past",
    text="haftar",
)


def filter_app(filters: Filters | None = None) -> HostApp:
    return HostApp(lambda: FilterScreen(filters))


async def opened(pilot) -> FilterScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, FilterScreen))
    await pilot.pause()
    return pilot.app.screen


async def closed_with(pilot) -> Filters:
    await settle(pilot, lambda: bool(pilot.app.results))
    [result] = pilot.app.results
    return result


async def test_applying_an_unchanged_form_returns_the_same_filters():
    async with filter_app(EVERYTHING).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert set(screen.query_one("#filter-types", SelectionList).selected) == {
            "backs",
            "threatens",
        }
        assert screen.query_one("#filter-date-from", Input).value == "2017-07"
        assert screen.query_one("#filter-polarity-max", Select).value == 1
        await pilot.press("ctrl+s")
        assert await closed_with(pilot) == EVERYTHING


async def test_what_is_ticked_reads_without_colour():
    async with filter_app(EVERYTHING).run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        shown = screen_text(pilot.app)
        assert "▐X▌ backs" in shown and "▐ ▌ opposes" in shown
        assert "▐X▌ state" in shown and "▐ ▌ government" in shown
        assert "▐ ▌ both" in shown and "▐●▌ past" in shown
        await pilot.press("down", "enter")  # tick "opposes"
        await settle(pilot, lambda: "▐X▌ opposes" in screen_text(pilot.app))


async def test_every_control_feeds_the_returned_filters():
    async with filter_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("enter")  # the types list has focus: toggle "backs"
        await pilot.press("down", "enter")  # and "opposes"
        screen.query_one("#filter-kinds", SelectionList).focus()
        await pilot.press("down", "down", "down", "down", "enter")  # "person"
        screen.query_one("#filter-polarity-min", Select).value = -1
        screen.query_one("#filter-polarity-max", Select).value = 1
        past = screen.query(RadioButton)[2]
        await pilot.click(past, offset=(1, 0))
        screen.query_one("#filter-date-from", Input).focus()
        await pilot.press(*"2017-07", "tab", *"2017-08", "tab", "enter")
        screen.query_one("#filter-origins", Select).value = 3
        screen.query_one("#filter-reliability", Select).value = "B"
        screen.query_one("#filter-as-of", Input).focus()
        await pilot.press(*"2017-09-30", "tab", *"Rome")
        await pilot.click("#filter-apply")
        assert await closed_with(pilot) == Filters(
            types={"backs", "opposes"},
            kinds={"person"},
            polarity=(-1, 1),
            status=StatusChoice.PAST,
            date_from="2017-07",
            date_to="2017-08",
            text="Rome",
            keep_undated=True,
            min_origins=3,
            min_reliability="B",
            as_of="2017-09-30",
        )


async def test_enter_in_the_text_box_applies():
    async with filter_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.query_one("#filter-text", Input).focus()
        await pilot.press(*"[b]x", "enter")
        assert await closed_with(pilot) == Filters(text="[b]x")


async def test_clear_all_returns_no_filters():
    async with filter_app(EVERYTHING).run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("ctrl+r")
        assert await closed_with(pilot) == Filters()


async def test_the_clear_button_returns_no_filters():
    async with filter_app(EVERYTHING).run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.click("#filter-clear")
        assert await closed_with(pilot) == Filters()


async def test_cancel_returns_the_filters_it_was_given():
    async with filter_app(EVERYTHING).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.query_one("#filter-text", Input).value = "changed"
        await pilot.press("escape")
        assert await closed_with(pilot) == EVERYTHING


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("#filter-date-from", "2017-02-30", "not a date: '2017-02-30'"),
        ("#filter-date-to", "July", "not a date: 'July'"),
    ],
)
async def test_a_bad_date_is_reported_and_the_screen_stays(field, value, message):
    async with filter_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.query_one(field, Input).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert message in screen_text(pilot.app)
        assert pilot.app.results == []


async def test_an_inverted_polarity_range_is_reported():
    async with filter_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.query_one("#filter-polarity-min", Select).value = 2
        screen.query_one("#filter-polarity-max", Select).value = -2
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert "lower bound (2) is above the upper (-2)" in screen_text(pilot.app)


class BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield FilterBar()


async def test_the_filter_bar_describes_the_filters_literally():
    async with BarApp().run_test(size=(80, 3)) as pilot:
        bar = pilot.app.query_one(FilterBar)
        assert screen_text(pilot.app).splitlines()[0].strip() == "no filters"
        assert not bar.has_class("-active")
        bar.set_filters(Filters(types={"backs"}, text="[@click=app.quit]\x1b[2J"))
        await pilot.pause()
        line = screen_text(pilot.app).splitlines()[0].strip()
        assert line == "Filters: type: backs · text: “[@click=app.quit]\\x1b[2J”"
        assert bar.has_class("-active")
        await pilot.click(FilterBar, offset=(40, 0))
        assert pilot.app.is_running
        # Longer than the line: cut with an ellipsis, not at the edge.
        bar.set_filters(Filters(kinds={"state", "person"}, status="past", text="x" * 100))
        await pilot.pause()
        line = screen_text(pilot.app).splitlines()[0]
        assert line.startswith(" Filters: kind: state,person · past ties only · text: “xxx")
        assert line.rstrip().endswith("…")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_filter_screen(snap_compare, size):
    assert snap_compare(filter_app(EVERYTHING), terminal_size=size, run_before=pressing())


# --- undated relations under a date window --------------------------------------------------


async def test_the_bar_says_how_many_undated_relations_a_window_hides(explorer, settle):
    from fixtures_kb import explorer_kb

    from tui.app import StakeholderApp
    from tui.screens.explorer import ExplorerScreen

    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        window = Filters(date_from="2017-09", date_to="2017-09")
        app.set_filters(window)
        await settle(pilot, lambda: "2 undated hidden" in bar_text(app))
        assert bar_text(app) == "Filters: 2017-09..2017-09 · 2 undated hidden"
        app.set_filters(Filters(date_from="2017-09", date_to="2017-09", keep_undated=True))
        await settle(pilot, lambda: "with undated" in bar_text(app))
        assert bar_text(app) == "Filters: 2017-09..2017-09 with undated"
        assert isinstance(app.screen, ExplorerScreen)
        assert "italy-backs-gna" in app.screen.kb.relation_by_id


def bar_text(app) -> str:
    return str(app.screen.query_one(FilterBar).render()).strip()


async def test_the_dialog_says_what_the_window_hides_and_offers_to_keep_it():
    window = Filters(date_from="2017-09", date_to="2017-09")
    hidden = UndatedHidden(relations=2)
    async with HostApp(lambda: FilterScreen(window, undated_hidden=hidden)).run_test(
        size=(80, 24)
    ) as pilot:
        screen = await opened(pilot)
        shown = screen_text(pilot.app)
        assert "This window hides 2 undated relations: tick “keep undated” to show them." in shown
        assert "▐ ▌ keep undated" in shown  # unticked reads without colour too
        screen.query_one("#filter-keep-undated").focus()
        await pilot.press("enter")
        await settle(pilot, lambda: "▐X▌ keep undated" in screen_text(pilot.app))
        await pilot.press("ctrl+s")
        assert await closed_with(pilot) == Filters(
            date_from="2017-09", date_to="2017-09", keep_undated=True
        )
