"""The analyst views over the bundled knowledge base, loaded and verified by the loader."""

from __future__ import annotations

import pytest
from textual.coordinate import Coordinate
from textual.widgets import Tree
from views_host import HostApp, settle

from tui.analysis import most_connected, stance_matrix, timeline
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.sanitize import display
from tui.views import NeighbourhoodScreen, QuoteScreen, StanceMatrixScreen, TimelineScreen
from tui.views.matrix import MatrixTable
from tui.views.timeline_list import TimelineList

pytestmark = pytest.mark.skipif(
    not bundled_knowledge_base_path().is_file(), reason="the bundled knowledge base is not there"
)


@pytest.fixture(scope="module")
def bundled():
    return load_knowledge_base(bundled_knowledge_base_path())


async def test_every_relation_of_the_matrix_leads_to_its_quote(bundled):
    actors = most_connected(bundled, 12)
    cells = stance_matrix(bundled, actors)
    assert cells, "the most connected actors of the bundled file relate to each other"
    (row, column), cell = next(iter(cells.items()))
    app = HostApp(lambda: StanceMatrixScreen(bundled))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))
        screen = pilot.app.screen
        await settle(pilot, lambda: screen.query_one(MatrixTable).row_count > 0)
        table = screen.query_one(MatrixTable)
        table.cursor_coordinate = Coordinate(actors.index(row), actors.index(column))
        await pilot.press("enter", "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuoteScreen))
        relation = bundled.relation_by_id[cell.relation_ids[0]]
        assert pilot.app.screen.relation == relation
        blocks = pilot.app.screen.query(".quote-evidence")
        assert len(blocks) == len(relation.evidence)
        for block, evidence in zip(blocks, relation.evidence, strict=True):
            assert display(evidence.quote[:200], keep_newlines=True) in str(block.content)


async def test_the_neighbourhood_of_the_most_connected_actor(bundled):
    [hub] = most_connected(bundled, 1)
    app = HostApp(lambda: NeighbourhoodScreen(bundled, hub, hops=2))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, NeighbourhoodScreen))
        tree = pilot.app.screen.query_one(Tree)
        await settle(pilot, lambda: bool(tree.root.children))
        # The source of an event is linked to each of its other parties; a party to its source.
        neighbours = {
            other
            for r in bundled.relations_of(hub)
            for other in (r.parties[1:] if r.source == hub else (r.source,))
            if other != hub
        }
        assert len(tree.root.children) == len(neighbours)


async def test_the_timeline_lists_every_dated_relation(bundled):
    app = HostApp(lambda: TimelineScreen(bundled))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, TimelineScreen))
        listing = pilot.app.screen.query_one(TimelineList)
        await settle(pilot, lambda: bool(listing.entries))
        assert listing.entries == timeline(bundled)
        dated = sum(1 for relation in bundled.relations if relation.date)
        assert len(listing.entries) == dated + len(bundled.sources)
