"""The analyst views, filters and export as reached from the explorer."""

from __future__ import annotations

from fixtures_kb import explorer_kb
from textual.widgets import Footer, Input

from tui.app import StakeholderApp
from tui.filters import Filters
from tui.loader import bundled_knowledge_base_path
from tui.screens.explorer import ExplorerScreen
from tui.screens.help import HelpScreen, key_rows
from tui.views import (
    ExportScreen,
    FilterScreen,
    NeighbourhoodScreen,
    StanceMatrixScreen,
    TimelineScreen,
)
from tui.views.filter_bar import FilterBar
from tui.widgets.actor_list import ActorList


def app_for() -> StakeholderApp:
    return StakeholderApp(knowledge_base=explorer_kb())


async def test_each_view_opens_by_its_key_and_esc_returns(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        for key, view in (("m", StanceMatrixScreen), ("n", NeighbourhoodScreen),
                          ("t", TimelineScreen)):
            await pilot.press(key)
            await settle(pilot, lambda view=view: isinstance(pilot.app.screen, view))
            await pilot.press("escape")
            await settle(pilot, lambda: pilot.app.screen is screen)


async def test_neighbourhood_centres_on_the_highlighted_actor(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(pilot.app.screen, NeighbourhoodScreen))
        assert pilot.app.screen.centre == screen.actor_id


async def test_views_are_in_the_command_palette(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        titles = {command.title for command in pilot.app.get_system_commands(screen)}
        assert {"Stance matrix", "Neighbourhood", "Timeline", "Filters", "Clear filters",
                "Export"} <= titles


async def test_the_palettes_keys_command_opens_the_screens_own_key_list(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        for opened in (screen, None):
            if opened is None:
                await pilot.press("m")
                await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))
                opened = pilot.app.screen
            keys = [c for c in pilot.app.get_system_commands(opened) if c.title == "Keys"]
            assert len(keys) == 1
            keys[0].callback()
            await settle(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
            await pilot.press("escape")  # closes it, unlike Textual's key panel
            await settle(pilot, lambda opened=opened: pilot.app.screen is opened)
            assert not pilot.app.screen.query("HelpPanel")


async def test_filters_apply_to_the_explorer_and_clear_with_one_key(explorer, settle):
    app = app_for()
    full = explorer_kb()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        bar = screen.query_one(FilterBar)
        assert not bar.filters.is_active

        await pilot.press("F")
        await settle(pilot, lambda: isinstance(app.screen, FilterScreen))
        app.screen.query_one("#filter-kinds").select("person")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen and app.filters.is_active)
        await settle(pilot, lambda: screen.query_one(FilterBar).filters.kinds == {"person"})

        listed = screen.query_one(ActorList)
        people = [a.id for a in full.actors if a.kind == "person"]
        assert {a.id for a in screen.kb.actors} == set(people)
        assert listed.first_actor_id() in people
        assert screen.actor_id in people
        assert all(a.kind == "person" for a in app.search_index_soon().result().kb.actors)

        await pilot.press("X")
        await settle(pilot, lambda: not app.filters.is_active)
        await settle(pilot, lambda: len(screen.kb.actors) == len(full.actors))
        assert not screen.query_one(FilterBar).filters.is_active


async def test_filtering_scrolls_the_actor_list_only_as_far_as_the_cursor_needs(
    explorer, settle
):
    app = StakeholderApp(bundled_knowledge_base_path())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        listed = screen.query_one(ActorList)
        # The lowest actor in view: centring it would scroll the list.
        height = listed.scrollable_content_region.height
        in_view = next(filter(None, map(listed.actor_at, range(height - 1, 0, -1))))
        screen.actor_id = in_view
        await pilot.pause()
        assert listed.scroll_offset.y == 0

        app.set_filters(Filters(types={"opposes"}))
        await settle(pilot, lambda: screen.query_one(FilterBar).filters.is_active)
        listed = screen.query_one(ActorList)
        await settle(pilot, lambda: listed.scrollable_content_region.height > 0)
        await pilot.pause()
        assert screen.actor_id == in_view
        assert listed.scroll_offset.y == 0  # it was in view: nothing moves

        last = listed.actor_at(listed.row_count - 1)
        screen.actor_id = last
        await pilot.pause()
        app.set_filters(Filters(types={"backs"}))
        await settle(pilot, lambda: screen.query_one(FilterBar).filters.types == {"backs"})
        listed = screen.query_one(ActorList)
        await settle(pilot, lambda: listed.scrollable_content_region.height > 0)
        await pilot.pause()
        top, height = listed.scroll_offset.y, listed.scrollable_content_region.height
        assert screen.actor_id == last
        assert top <= listed.cursor_row < top + height

        # Up from the bottom until the list has scrolled: the cursor on the view's first
        # lines, mid-list. After a filter it is on the same line of the view, not centred.
        for _ in range(40):
            if listed.scroll_offset.y < listed.max_scroll_y - 2:
                break
            await pilot.press("k")
        line = listed.cursor_row - listed.scroll_offset.y
        assert 0 <= line < height // 2 and listed.scroll_offset.y > 0
        app.set_filters(Filters(text="drone"))
        await settle(pilot, lambda: screen.query_one(FilterBar).filters.text == "drone")
        listed = screen.query_one(ActorList)
        await settle(pilot, lambda: listed.scrollable_content_region.height > 0)
        await pilot.pause()
        assert listed.cursor_row - listed.scroll_offset.y == line


async def test_filter_change_refreshes_an_open_view(explorer, settle):
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(app.screen, TimelineScreen))
        timeline = app.screen
        app.set_filters(Filters(polarity=(-2, -1)))
        await settle(pilot, lambda: timeline.query_one(FilterBar).filters.is_active)
        assert all(r.polarity < 0 for r in timeline.kb.relations)


async def test_explorer_under_a_view_is_refilled_when_it_returns(explorer, settle):
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(app.screen, TimelineScreen))
        app.set_filters(Filters(polarity=(-2, -1)))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ExplorerScreen))
        await settle(pilot, lambda: app.screen.query_one(FilterBar).filters.is_active)
        assert all(r.polarity < 0 for r in app.screen.kb.relations)


async def test_export_writes_the_filtered_view(explorer, settle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        app.set_filters(Filters(polarity=(2, 2)))
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, ExportScreen))
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = str(tmp_path / "out.json")
        await pilot.click("#export-write")
        await settle(pilot, lambda: (tmp_path / "out.json").exists())
    import json

    data = json.loads((tmp_path / "out.json").read_text())
    assert data["relations"] and all(r["polarity"] == 2 for r in data["relations"])


async def test_the_footer_stays_compact_at_80_columns_after_filtering(explorer, settle):
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        assert screen.query_one(Footer).compact
        app.set_filters(Filters(polarity=(-2, -1)))
        await settle(pilot, lambda: screen.query_one(FilterBar).filters.is_active)
        assert screen.query_one(Footer).compact
        await pilot.press("X")
        await settle(pilot, lambda: not screen.query_one(FilterBar).filters.is_active)
        assert screen.query_one(Footer).compact


async def test_every_screens_footer_fits_80_columns(explorer, settle):
    async with app_for().run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        for key, view in (("m", StanceMatrixScreen), ("n", NeighbourhoodScreen),
                          ("t", TimelineScreen), ("F", FilterScreen), (None, ExplorerScreen)):
            if key is not None:
                await pilot.press(key)
            await settle(pilot, lambda view=view: isinstance(pilot.app.screen, view))
            footer = pilot.app.screen.query_one(Footer)
            await settle(pilot, lambda footer=footer: footer.size.width == 80)
            await pilot.pause()
            assert footer.virtual_size.width <= 80, view  # every key in view, none scrolled out
            if key is not None:
                await pilot.press("escape")
                await settle(pilot, lambda: pilot.app.screen is screen)


async def test_question_mark_lists_the_keys_of_each_view(explorer, settle):
    async with app_for().run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        for key, view, own_key in (("m", StanceMatrixScreen, "Kind"),
                                   ("n", NeighbourhoodScreen, "1/2 hops"),
                                   ("t", TimelineScreen, "Window")):
            await pilot.press(key)
            await settle(pilot, lambda view=view: isinstance(pilot.app.screen, view))
            await pilot.press("question_mark")
            await settle(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
            titles = [title for title, _ in pilot.app.screen.sections()]
            assert titles[:2] == ["Everywhere", view.HELP_TITLE]
            rows = [description for _, node in pilot.app.screen.sections()
                    for _, description, _ in key_rows(node)]
            assert own_key in rows and "Close" in rows
            await pilot.press("escape")
            await settle(pilot, lambda view=view: isinstance(pilot.app.screen, view))
            await pilot.press("escape")
            await settle(pilot, lambda: isinstance(pilot.app.screen, ExplorerScreen))


def test_every_key_a_view_adds_says_what_it_does_in_the_help():
    for view in (StanceMatrixScreen, NeighbourhoodScreen, TimelineScreen):
        for binding in view.BINDINGS:
            assert binding.tooltip, (view.__name__, binding.key)
