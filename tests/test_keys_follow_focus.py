"""Keys follow focus: a key that comes after a key that moved the focus goes to the newly
focused pane, however fast the two come (a paste, a macro, a fast typist).

``pilot.press`` waits for the app to go idle between keys, which hides the race: ``burst``
posts every key at once, as a terminal driver does when the keys arrive together."""

from __future__ import annotations

from fixtures_kb import explorer_kb
from keys_burst import burst
from textual.widgets import Input

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.screens.explorer import ExplorerScreen
from tui.widgets.actor_list import ActorList
from tui.widgets.relation_table import RelationTable


def app_for() -> StakeholderApp:
    return StakeholderApp(knowledge_base=explorer_kb())


async def focus_on(pilot, settle, pane: str) -> None:
    await settle(pilot, lambda: pilot.app.focused is not None and pilot.app.focused.id == pane)


async def settled(pilot, settle, condition) -> None:
    """Wait for ``condition``, then a little more: a stray late key would show by then."""
    await settle(pilot, condition)
    for _ in range(3):
        await pilot.pause()


async def test_enter_then_j_in_the_actor_list_moves_the_relations_cursor(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors, table = screen.query_one(ActorList), screen.query_one(RelationTable)
        actor_row, actor = actors.cursor_row, screen.actor_id
        assert table.cursor_row == 0 and table.row_count > 1

        burst(pilot, "enter", "j")

        await focus_on(pilot, settle, "relations")
        await settled(pilot, settle, lambda: table.cursor_row == 1)
        assert table.cursor_row == 1
        assert actors.cursor_row == actor_row and screen.actor_id == actor
        assert screen.item == table.items[1]


async def test_enter_on_a_relation_then_j_moves_on_from_the_counterpart(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        table = screen.query_one(RelationTable)
        await pilot.press("2")
        await focus_on(pilot, settle, "relations")
        # Italy's row after it is not the GNA's: a ``j`` that went to Italy's rows is lost.
        backs = ItemRef("relation", "italy-backs-gna")
        for _ in range(20):
            if screen.item == backs:
                break
            await pilot.press("j")
            await settle(pilot, lambda: screen.item == table.items[table.cursor_row])
        assert screen.item == backs

        burst(pilot, "enter", "j")

        await settle(pilot, lambda: screen.actor_id == "gna")
        await settled(pilot, settle, lambda: screen.item != backs)
        assert screen.actor_id == "gna"
        assert pilot.app.focused is table
        assert table.cursor_row == table.items.index(backs) + 1
        assert screen.item == table.items[table.cursor_row]


async def test_tab_then_j_moves_the_relations_cursor(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors, table = screen.query_one(ActorList), screen.query_one(RelationTable)
        actor_row = actors.cursor_row

        burst(pilot, "tab", "j")

        await focus_on(pilot, settle, "relations")
        await settled(pilot, settle, lambda: table.cursor_row == 1)
        assert table.cursor_row == 1 and actors.cursor_row == actor_row


async def test_a_pane_number_then_j_moves_that_panes_cursor(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors, table = screen.query_one(ActorList), screen.query_one(RelationTable)
        actor_row = actors.cursor_row

        burst(pilot, "2", "j")

        await focus_on(pilot, settle, "relations")
        await settled(pilot, settle, lambda: table.cursor_row == 1)
        assert table.cursor_row == 1 and actors.cursor_row == actor_row


async def test_escape_then_k_moves_the_previous_panes_cursor(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors, table = screen.query_one(ActorList), screen.query_one(RelationTable)
        screen.actor_id = "khalifa-haftar"
        await settle(pilot, lambda: actors.actor_at(actors.cursor_row) == "khalifa-haftar")
        actor_row, actor = actors.cursor_row, screen.actor_id
        await pilot.press("2")
        await focus_on(pilot, settle, "relations")
        await pilot.press("j")
        await settle(pilot, lambda: table.cursor_row == 1)

        burst(pilot, "escape", "k")

        await focus_on(pilot, settle, "actors")
        await settled(pilot, settle, lambda: actors.cursor_row < actor_row)
        assert actors.cursor_row < actor_row and screen.actor_id != actor
        assert table.cursor_row <= 0  # the list's new actor: its relations from the top


async def test_a_burst_of_characters_reaches_the_search_input_in_order(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        text = "haftar visits italy"

        burst(pilot, "slash", *text)

        await settle(pilot, lambda: not isinstance(pilot.app.screen, ExplorerScreen))
        field = pilot.app.screen.query_one(Input)
        await settled(pilot, settle, lambda: field.value == text)
        assert field.value == text


async def test_tab_then_typing_fills_the_next_field_of_the_filter_dialog(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        await pilot.press("F")
        await settle(pilot, lambda: not isinstance(pilot.app.screen, ExplorerScreen))
        dialog = pilot.app.screen
        date_from = dialog.query_one("#filter-date-from", Input)
        date_to = dialog.query_one("#filter-date-to", Input)
        dialog.set_focus(date_from)
        await settle(pilot, lambda: pilot.app.focused is date_from)

        burst(pilot, "tab", *"2017")

        await settled(pilot, settle, lambda: date_to.value == "2017")
        assert (date_from.value, date_to.value) == ("", "2017")
