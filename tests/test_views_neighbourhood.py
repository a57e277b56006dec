"""The neighbourhood screen: tree of relations, hops, recentring, snapshots."""

from __future__ import annotations

import pytest
from analyst_kb import sample_kb
from textual.widgets import Tree
from views_host import SIZE_IDS, SIZES, HostApp, screen_text, settle

from tui.filters import Filters, apply
from tui.views import NeighbourhoodScreen


def hood_app(actor_id="khalifa-haftar", kb=None, **options) -> HostApp:
    return HostApp(lambda: NeighbourhoodScreen(kb or sample_kb(), actor_id, **options))


async def opened(pilot) -> NeighbourhoodScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, NeighbourhoodScreen))
    screen = pilot.app.screen
    await settle(pilot, lambda: bool(screen.query_one(Tree).root.children))
    return screen


def children_of(node) -> list[str]:
    return [child.data.actor_id for child in node.children]


async def test_the_tree_lists_each_neighbour_with_its_edges():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        tree = screen.query_one(Tree)
        assert tree.root.label.plain == "Khalifa Haftar (person)"
        assert children_of(tree.root) == [
            "italy",
            "gna",
            "fayez-serraj",
            "emmanuel-macron",
            "russia",
        ]
        italy = tree.root.children[0]
        assert italy.label.plain == "Italy (state)  → visits +  → threatens −−  ← deals-with 0"
        assert tree.root.children[3].label.plain == "Emmanuel Macron (person)  ← hosts +"
        assert all(not child.children for child in tree.root.children)


async def test_highlighting_a_neighbour_shows_the_relation_summaries():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("down")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "→ visits +: Haftar met Italy's defence minister" in text
        assert "→ threatens −−: Haftar threatened to bomb Italian ships." in text


async def test_two_hops_toggle_with_a_key():
    async with hood_app("egypt").run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        tree = screen.query_one(Tree)
        assert children_of(tree.root) == ["lna"]
        assert not tree.root.children[0].children
        await pilot.press("t")
        assert screen.hops == 2
        lna = tree.root.children[0]
        assert children_of(lna) == ["uae", "benghazi-jihadists"]
        assert lna.is_expanded
        assert "2 hops" in screen_text(pilot.app)
        await pilot.press("t")
        assert not tree.root.children[0].children


async def test_enter_recentres_on_a_neighbour_and_b_goes_back():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        tree = screen.query_one(Tree)
        await pilot.press("down", "down", "enter")  # the GNA
        assert screen.centre == "gna"
        assert tree.root.label.plain == "Government of National Accord (government)"
        assert children_of(tree.root) == ["italy", "khalifa-haftar", "un"]
        await pilot.press("b")
        assert screen.centre == "khalifa-haftar"
        await pilot.press("b")  # nothing further back
        assert screen.centre == "khalifa-haftar"


async def test_enter_on_the_centre_keeps_it():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("enter")
        assert screen.centre == "khalifa-haftar"
        assert screen.history == []


async def test_a_click_on_a_neighbour_recentres_on_it():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        tree = screen.query_one(Tree)
        line = tree.root.children[4].line  # Russia
        await pilot.click(Tree, offset=(10, line))
        await settle(pilot, lambda: screen.centre == "russia")
        assert children_of(tree.root) == ["khalifa-haftar"]


async def test_escape_closes():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(pilot.app.screen, NeighbourhoodScreen))


async def test_set_data_keeps_the_centre_and_shows_the_filters():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        filters = Filters(polarity=(-2, -1))
        screen.set_data(apply(screen.kb, filters), filters)
        await pilot.pause()
        assert children_of(screen.query_one(Tree).root) == ["gna", "italy"]
        assert "Filters: polarity ≤ -1" in screen_text(pilot.app)


async def test_a_centre_filtered_out_shows_alone():
    kb = apply(sample_kb(), Filters(kinds={"state"}))
    async with hood_app("khalifa-haftar", kb).run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, NeighbourhoodScreen))
        await pilot.pause()
        tree = pilot.app.screen.query_one(Tree)
        assert tree.root.label.plain == "khalifa-haftar"
        assert not tree.root.children


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_one_hop(snap_compare, size):
    assert snap_compare(hood_app(), terminal_size=size, press=["down"])


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_two_hops(snap_compare, size):
    assert snap_compare(hood_app("italy"), terminal_size=size, press=["t", "down", "down"])
