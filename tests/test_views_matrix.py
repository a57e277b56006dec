"""The stance matrix screen: cursor, kinds, sizes, relations and quotes, snapshots."""

from __future__ import annotations

import pytest
from analyst_kb import sample_kb, synthetic_kb
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from views_host import SIZE_IDS, SIZES, HostApp, screen_text, settle

from tui.filters import Filters, apply
from tui.views import QuoteScreen, RelationsScreen, StanceMatrixScreen
from tui.views.matrix import MatrixTable


def matrix_app(kb=None, **options) -> HostApp:
    return HostApp(lambda: StanceMatrixScreen(kb or sample_kb(), **options))


async def opened(pilot) -> StanceMatrixScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))
    screen = pilot.app.screen
    await settle(pilot, lambda: screen.query_one(MatrixTable).row_count > 0)
    return screen


async def test_rows_and_columns_are_the_most_connected_actors():
    async with matrix_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        table = screen.query_one(MatrixTable)
        assert screen.actor_ids[:4] == ["khalifa-haftar", "italy", "lna", "gna"]
        assert table.row_count == len(table.columns) == 12
        # cell (Haftar, Italy): visits +1 and threatens -2: mixed (net -1)
        assert table.get_cell_at(Coordinate(0, 1)).plain == "±"
        assert table.get_cell_at(Coordinate(1, 3)).plain == "++"  # Italy backs the GNA
        assert table.get_cell_at(Coordinate(1, 0)).plain == "0"  # Italy deals with Haftar
        assert table.get_cell_at(Coordinate(3, 1)).plain == "·"  # the GNA does nothing to Italy
        text = screen_text(pilot.app)
        assert "row acts on column" in text
        assert "\u20071 Khalifa Haftar" in text  # numbers right-aligned by a figure space


async def test_cursor_moves_cell_by_cell_with_arrows_and_hjkl():
    async with matrix_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        table = screen.query_one(MatrixTable)
        assert table.cursor_coordinate == Coordinate(0, 0)
        await pilot.press("l")
        assert table.cursor_coordinate == Coordinate(0, 1)
        await pilot.pause()
        assert "Khalifa Haftar → Italy: net −1 ± · 2 relations" in screen_text(pilot.app)
        await pilot.press("j", "right", "down")
        assert table.cursor_coordinate == Coordinate(2, 2)
        await pilot.press("k", "h", "left", "up")
        assert table.cursor_coordinate == Coordinate(0, 0)
        await pilot.pause()
        assert "Khalifa Haftar → Khalifa Haftar: no relation" in screen_text(pilot.app)


async def test_enter_lists_the_relations_then_shows_a_quote_in_its_source():
    async with matrix_app().run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("l", "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, RelationsScreen))
        relations = pilot.app.screen
        assert relations.relation_ids == ("haftar-visits-italy", "haftar-threatens-italy")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Khalifa Haftar → Italy · net −1 ±" in text
        assert "threatens" in text
        table = relations.query_one(DataTable)
        await pilot.press("j")  # k/j, g/G as in every list
        assert table.cursor_row == 1
        await pilot.press("k", "G")
        assert table.cursor_row == 1
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("down", "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuoteScreen))
        assert pilot.app.screen.relation.id == "haftar-threatens-italy"
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Last month Haftar threatened to bomb Italian ships" in text
        assert "News24, “Strongman Haftar bolsters stature" in text  # the citation
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is relations)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))


async def test_enter_on_an_empty_cell_opens_nothing():
    async with matrix_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is screen


async def test_a_double_click_on_a_cell_lists_its_relations():
    async with matrix_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        table = screen.query_one(MatrixTable)
        target = Coordinate(1, 3)  # Italy backs the GNA
        region = table._get_cell_region(target)  # includes the header and the row labels
        offset = (region.x + 1, region.y)
        await pilot.click(MatrixTable, offset=offset)
        assert table.cursor_coordinate == target
        await pilot.click(MatrixTable, offset=offset)
        await settle(pilot, lambda: isinstance(pilot.app.screen, RelationsScreen))
        assert pilot.app.screen.relation_ids == ("italy-backs-gna",)


async def test_kind_key_limits_rows_and_columns_to_one_kind_and_cycles_back():
    async with matrix_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        kb = screen.kb
        await pilot.press("c")
        assert screen.kind == "state"
        assert screen.actor_ids == ["italy", "egypt", "uae", "russia"]
        assert all(kb.actor_by_id[a].kind == "state" for a in screen.actor_ids)
        assert screen.query_one(MatrixTable).row_count == 4
        kinds_present = 7  # every kind but organisation, media and other
        for _ in range(kinds_present):
            await pilot.press("c")
        assert screen.kind is None
        assert len(screen.actor_ids) == 12


async def test_size_key_cycles_how_many_actors_are_shown():
    kb = synthetic_kb(200, 2000)
    async with matrix_app(kb).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        sizes = []
        for _ in range(4):
            sizes.append(len(screen.actor_ids))
            await pilot.press("n")
        assert sizes == [12, 20, 30, 50]
        assert len(screen.actor_ids) == 12


async def test_set_data_shows_a_refiltered_base():
    async with matrix_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        filters = Filters(types={"backs"})
        screen.set_data(apply(screen.kb, filters), filters)
        await pilot.pause()
        # two "backs" each for the LNA and the GNA, then one each, in file order
        assert screen.actor_ids == [
            "lna", "gna", "khalifa-haftar", "italy", "egypt", "uae", "russia", "un"
        ]
        assert "Filters: type: backs" in screen_text(pilot.app)


async def test_a_base_without_relations_says_so():
    kb = apply(sample_kb(), Filters(kinds={"media"}))
    async with HostApp(lambda: StanceMatrixScreen(kb)).run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))
        await pilot.pause()
        assert "No actor has a relation." in screen_text(pilot.app)
        await pilot.press("enter", "l", "c", "n")
        assert isinstance(pilot.app.screen, StanceMatrixScreen)


async def test_ten_thousand_actors_show_only_the_top_rows():
    kb = synthetic_kb(10_000, 20_000)
    async with matrix_app(kb).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert screen.query_one(MatrixTable).row_count == 12


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_matrix(snap_compare, size):
    filters = Filters(types={"backs", "opposes", "threatens", "visits", "deals-with"})
    kb = apply(sample_kb(), filters)
    app = HostApp(lambda: StanceMatrixScreen(kb, filters))
    assert snap_compare(app, terminal_size=size, press=["l"])


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_relations_of_a_cell(snap_compare, size):
    assert snap_compare(matrix_app(), terminal_size=size, press=["l", "enter"])


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_quote_of_a_relation(snap_compare, size):
    assert snap_compare(matrix_app(), terminal_size=size, press=["l", "enter", "enter"])
