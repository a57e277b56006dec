"""An actor with its people and bodies (issue 15, item 3): ``a`` in the explorer includes
what an actor's affiliates and members did, each row saying who acted; the matrix and the
neighbourhood roll people up into their state."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.widgets import Static, Tree
from views_host import HostApp, settle

from tui.analysis import most_connected, rolled_up, stance_matrix, who_acted
from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.model import Actor, KnowledgeBase
from tui.views import NeighbourhoodScreen, StanceMatrixScreen
from tui.views.matrix import MatrixTable
from tui.widgets.items import items_of, why_no_items
from tui.widgets.relation_table import RelationTable

pytestmark = pytest.mark.skipif(
    not bundled_knowledge_base_path().is_file(), reason="the bundled knowledge base is not there"
)

ITALYS_PEOPLE = (
    "roberta-pinotti",
    "italian-security-chiefs",
    "marco-minniti",
    "italian-intelligence-services",
    "italian-naval-forces",
    "italian-officials",
)


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    return load_knowledge_base(bundled_knowledge_base_path())


def bare(*actors: Actor) -> KnowledgeBase:
    return KnowledgeBase(sources=(), actors=actors, relations=(), stances=())


# --- the core ----------------------------------------------------------------------------


def test_affiliates_are_found_through_affiliation_and_posts_nearest_first(bundled):
    assert bundled.affiliates_of("italy") == ITALYS_PEOPLE
    assert bundled.affiliates_of("united-states") == ("us-military", "donald-trump")
    assert bundled.affiliates_of("roberta-pinotti") == ()
    nested = bare(
        Actor("state", "State", "state"),
        Actor("ministry", "Ministry", "government", affiliation="state"),
        Actor("minister", "Minister", "person", affiliation="ministry"),
        Actor("envoy", "Envoy", "person", memberships=()),
    )
    assert nested.affiliates_of("state") == ("ministry", "minister")


def test_a_cycle_of_affiliations_ends_and_never_lists_the_actor_itself():
    looped = bare(
        Actor("a", "A", "state", affiliation="b"),
        Actor("b", "B", "government", affiliation="a"),
    )
    assert looped.affiliates_of("a") == ("b",)
    assert looped.state_of("b") == "a"
    assert looped.state_of("a") is None  # through b back to itself: no other state


def test_the_state_of_an_actor_is_the_state_its_affiliations_reach(bundled):
    assert bundled.state_of("roberta-pinotti") == "italy"
    assert bundled.state_of("us-military") == "united-states"
    assert bundled.state_of("italy") is None
    # Haftar belongs to the forces he commands, which answer to no state: he stays himself.
    assert bundled.state_of("khalifa-haftar") is None
    assert bundled.state_of("fayez-al-sarraj") is None  # the GNA is a government, not a state


def test_items_with_affiliates_add_each_claim_of_the_people_once_saying_whose(bundled):
    own = items_of(bundled, "italy")
    everything = items_of(bundled, "italy", with_affiliates=True)
    assert everything[: len(own)] == own
    added = everything[len(own) :]
    assert added, "Italy's people did things the article reports"
    assert {item.via for item in added} <= set(ITALYS_PEOPLE)
    assert ItemRef("relation", "haftar-meets-pinotti", "roberta-pinotti") in added
    assert ItemRef("relation", "italian-navy-trains-coastguard", "italian-naval-forces") in added
    keys = [item.key for item in everything]
    assert len(keys) == len(set(keys))  # a meeting of two of Italy's people shows once
    # Without the toggle nothing of theirs is listed.
    assert all(item.via is None for item in own)


def test_an_empty_pane_with_affiliates_says_neither_has_anything(bundled):
    nobody = bare(Actor("s", "State", "state"), Actor("m", "Minister", "person", affiliation="s"))
    assert why_no_items(nobody, nobody, "m", with_affiliates=True) == (
        "Minister has no relations or stances."  # no people of its own: said as before
    )
    assert why_no_items(nobody, nobody, "s", with_affiliates=True) == (
        "Neither State nor its people have relations or stances."
    )


def test_rolling_up_folds_people_into_their_state_and_keeps_who_acted(bundled):
    rolled = rolled_up(bundled)
    assert "roberta-pinotti" not in rolled.actor_by_id
    assert "khalifa-haftar" in rolled.actor_by_id and "haftar-forces" in rolled.actor_by_id
    meeting = rolled.relation_by_id["haftar-meets-pinotti"]
    assert (meeting.source, meeting.target, meeting.participants) == (
        "khalifa-haftar",
        "italy",
        (),
    )
    assert who_acted(bundled, rolled, "haftar-meets-pinotti") == (
        "Khalifa Haftar → Roberta Pinotti, Italian security chiefs"
    )
    assert who_acted(bundled, rolled, "italy-backs-gna") is None  # nobody was rolled up
    # Trump leading the US is within the state once he is rolled into it: left out.
    assert "trump-leads-us" not in rolled.relation_by_id
    cells = stance_matrix(rolled, most_connected(rolled, 12))
    assert "haftar-meets-pinotti" in cells[("khalifa-haftar", "italy")].relation_ids
    # Nothing to roll: the same knowledge base.
    assert rolled_up(rolled) is rolled


# --- the explorer ------------------------------------------------------------------------


def bundled_app() -> StakeholderApp:
    return StakeholderApp(Path(bundled_knowledge_base_path()))


def row_by_id(table: RelationTable, relation_id: str) -> int:
    return next(row for row, item in enumerate(table.items) if item.id == relation_id)


async def test_a_includes_italys_people_each_row_saying_who_acted(explorer, settle):
    async with bundled_app().run_test(size=(220, 50)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"italy", "enter")
        await settle(pilot, lambda: screen.actor_id == "italy")
        table = screen.query_one(RelationTable)
        own_rows = table.row_count
        assert "via" not in table.column_labels  # no room taken while nobody is in it
        assert not any(item.id == "haftar-meets-pinotti" for item in table.items)

        await pilot.press("a")
        await settle(pilot, lambda: table.row_count > own_rows)
        assert screen.with_affiliates
        assert "with 4 of its people" in str(table.border_title)
        labels = table.column_labels
        assert labels[:3] == ["±", "via", "with"]
        meeting = row_by_id(table, "haftar-meets-pinotti")
        cells = dict(zip(labels, (cell.plain for cell in table.cells_at(meeting)), strict=True))
        # From Pinotti's side: Haftar met her.
        assert cells["±"] == "← +"
        assert cells["via"] == "Roberta Pinotti"
        assert cells["with"] == "Khalifa Haftar"
        navy = row_by_id(table, "italian-navy-trains-coastguard")
        navy_cells = dict(zip(labels, (c.plain for c in table.cells_at(navy)), strict=True))
        assert navy_cells["via"] == "Italian naval forces"
        assert navy_cells["with"] == "Libyan coastguard"
        # Italy's own rows name nobody in "via".
        backs = row_by_id(table, "italy-backs-gna")
        assert dict(zip(labels, (c.plain for c in table.cells_at(backs)), strict=True))["via"] == ""

        # Enter on Pinotti's meeting follows it to Haftar, in the history like any jump.
        table.focus()
        table.item = table.items[meeting]
        screen.item = table.items[meeting]
        await pilot.press("enter")
        await settle(pilot, lambda: screen.actor_id == "khalifa-haftar")
        assert screen.item == ItemRef("relation", "haftar-meets-pinotti")
        await pilot.press("b")
        await settle(pilot, lambda: screen.actor_id == "italy")
        assert screen.item == ItemRef("relation", "haftar-meets-pinotti", "roberta-pinotti")

        # Again to leave them out: the highlighted claim of Pinotti's goes, the first row comes.
        await pilot.press("a")
        await settle(pilot, lambda: table.row_count == own_rows)
        assert "via" not in table.column_labels
        assert screen.item == table.items[0]


async def test_the_toggle_keeps_the_highlighted_claim_when_it_is_the_actors_own(explorer, settle):
    async with bundled_app().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"italy", "enter")
        await settle(pilot, lambda: screen.actor_id == "italy")
        table = screen.query_one(RelationTable)
        await pilot.press("2", "j", "j")
        await settle(pilot, lambda: table.cursor_row == 2)
        kept = screen.item
        await pilot.press("a")
        await settle(pilot, lambda: screen.with_affiliates)
        assert screen.item == kept and table.items[table.cursor_row] == kept


# --- the views ---------------------------------------------------------------------------


async def test_the_matrix_rolls_people_into_their_state_with_a(bundled):
    app = HostApp(lambda: StanceMatrixScreen(bundled))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))
        screen = pilot.app.screen
        table = screen.query_one(MatrixTable)
        await settle(pilot, lambda: table.row_count > 0)
        assert "boris-johnson" in screen.actor_ids
        before = screen.cells.get(("khalifa-haftar", "italy"))
        assert before is None or "haftar-meets-pinotti" not in before.relation_ids

        await pilot.press("a")
        await settle(pilot, lambda: screen.roll_up)
        title = str(screen.query_one("#matrix-title", Static).render())
        assert "people in their states" in title
        assert "boris-johnson" not in screen.actor_ids
        cell = screen.cells[("khalifa-haftar", "italy")]
        assert "haftar-meets-pinotti" in cell.relation_ids
        row, column = screen.actor_ids.index("khalifa-haftar"), screen.actor_ids.index("italy")
        table.cursor_coordinate = Coordinate(row, column)
        await pilot.pause()
        said = str(screen.query_one("#matrix-cell", Static).render())
        assert "(Khalifa Haftar → Roberta Pinotti, Italian security chiefs)" in said

        await pilot.press("a")
        await settle(pilot, lambda: not screen.roll_up)
        assert "boris-johnson" in screen.actor_ids


async def test_the_neighbourhood_of_a_minister_rolled_up_is_her_states(bundled):
    app = HostApp(lambda: NeighbourhoodScreen(bundled, "roberta-pinotti"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, NeighbourhoodScreen))
        screen = pilot.app.screen
        tree = screen.query_one(Tree)
        await settle(pilot, lambda: bool(tree.root.children))
        assert [node.data.actor_id for node in tree.root.children] == ["khalifa-haftar"]

        await pilot.press("a")
        await settle(pilot, lambda: screen.centre == "italy")
        neighbours = [node.data.actor_id for node in tree.root.children]
        assert "khalifa-haftar" in neighbours and "libyan-coastguard" in neighbours
        await pilot.press("down")
        await settle(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data)
        info = str(screen.query_one("#neighbourhood-info-text", Static).render())
        assert "(Khalifa Haftar → Roberta Pinotti, Italian security chiefs)" in info


async def test_views_opened_with_people_included_open_rolled_up(explorer, settle):
    async with bundled_app().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("a", "m")
        await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))
        assert pilot.app.screen.roll_up
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is screen)
        await pilot.press("a", "m")
        await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))
        assert not pilot.app.screen.roll_up


async def test_the_toggle_is_in_the_palette_and_the_help(explorer, settle):
    async with bundled_app().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        commands = {c.title: c for c in pilot.app.get_system_commands(screen)}
        commands["People in or out"].callback()
        await settle(pilot, lambda: screen.with_affiliates)
        assert screen.active_bindings["a"].binding.tooltip.startswith("Include the claims")
