"""The highlighted row is always the claim that E and Delete act on: after a delete, the
row that took the deleted one's place is selected; after filters hid every claim and
are cleared, the row the cursor shows is selected."""

from __future__ import annotations

from tui.app import StakeholderApp
from tui.filters import Filters
from tui.widgets.relation_table import RelationTable


async def test_after_a_delete_the_next_row_is_the_selected_claim(copy, explorer, settle):
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"khalifa haftar", "enter")
        await settle(pilot, lambda: screen.actor_id == "khalifa-haftar")
        await pilot.press("2", "j")
        table = screen.query_one(RelationTable)
        await settle(pilot, lambda: table.cursor_row == 1 and screen.item == table.items[1])
        deleted, following = table.items[1], table.items[2]
        await pilot.press("delete")
        await settle(pilot, lambda: pilot.app.screen is not screen)
        await pilot.press("y")
        await settle(pilot, lambda: deleted.id not in screen.unfiltered.relation_by_id)
        await settle(pilot, lambda: screen.item == following)
        assert table.item == following and table.items[table.cursor_row] == following
        # Delete again asks about the claim on show, not the one deleted.
        await pilot.press("delete")
        await settle(pilot, lambda: pilot.app.screen is not screen)
        question = pilot.app.screen.question
        assert f"Delete {following.kind} {following.id}?" in question
        assert deleted.id not in question
        await pilot.press("n")


async def test_after_filters_hid_every_claim_the_cursor_row_is_selected(copy, explorer,
                                                                        settle):
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        app = pilot.app
        app.set_filters(Filters(as_of="2000"))  # before any source: nothing is shown
        await settle(pilot, lambda: screen.item is None and not screen.kb.relations)
        app.set_filters(Filters())
        table = screen.query_one(RelationTable)
        await settle(pilot, lambda: table.row_count > 0 and screen.item is not None)
        assert screen.item == table.items[table.cursor_row]


async def test_zooming_the_source_pane_shows_the_claim_whole(copy, explorer, settle):
    from tui.widgets.claim_block import ELLIPSIS, ClaimBlock

    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"pinot", "enter", "2", "4")
        claim = screen.query_one(ClaimBlock)
        await settle(pilot, lambda: claim.text.startswith("stated"))
        width = claim.content_region.width
        assert claim.lines(width)[-1].plain.endswith(ELLIPSIS)  # two lines, cut
        await pilot.press("z")
        await settle(pilot, lambda: not claim.lines(claim.content_region.width)[-1]
                     .plain.endswith(ELLIPSIS))
        assert len(claim.lines(claim.content_region.width)) > 2
