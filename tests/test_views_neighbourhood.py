"""The neighbourhood screen: tree of relations, hops, recentring, snapshots."""

from __future__ import annotations

from dataclasses import replace

import pytest
from analyst_kb import sample_kb
from textual.containers import VerticalScroll
from textual.widgets import Static, Tree
from views_host import SIZE_IDS, SIZES, HostApp, screen_text, settle

from tui.analysis import neighbourhood
from tui.app import StakeholderApp
from tui.filters import Filters, apply
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.model import KnowledgeBase
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


async def test_the_centre_highlighted_says_how_many_relations_and_actors():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        hood = neighbourhood(screen.kb, "khalifa-haftar")
        relations = sum(len(neighbour.edges) for neighbour in hood.neighbours)
        assert relations > len(hood.neighbours) > 1
        await pilot.pause()
        info = screen.query_one("#neighbourhood-info-text", Static)
        assert str(info.content) == (
            f"Khalifa Haftar (person) · {relations} relations with {len(hood.neighbours)} "
            "actors; move down the tree for each one's"
        )


async def test_highlighting_a_neighbour_shows_the_relation_summaries():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("down")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "→ visits +: Haftar met Italy's defence minister" in text
        assert "→ threatens −−: Haftar threatened to bomb Italian ships." in text


async def test_the_tree_moves_with_j_k_g_and_capital_g_too():
    async with hood_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        tree = screen.query_one(Tree)
        assert tree.cursor_line == 0
        await pilot.press("j", "j")
        assert tree.cursor_line == 2
        await pilot.press("k")
        assert tree.cursor_line == 1
        await pilot.press("G")
        assert tree.cursor_line == tree.last_line > 1
        await pilot.press("g")
        assert tree.cursor_line == 0


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


# --- every relation of the highlighted actor can be read; a cut label ends in "…" -----------


def with_claims(kb, count: int):
    """``kb`` with ``count`` more relations from Haftar to Italy, each with a long summary."""
    template = kb.relation_by_id["haftar-threatens-italy"]
    extra = tuple(
        replace(
            template,
            id=f"haftar-warns-italy-{number}",
            type="warns",
            polarity=-1,
            summary=f"Claim {number}: " + "a summary long enough to wrap on any screen " * 3,
        )
        for number in range(1, count + 1)
    )
    return KnowledgeBase(kb.sources, kb.actors, kb.relations + extra, kb.stances, kb.path)


def info_scroll(screen) -> VerticalScroll:
    return screen.query_one("#neighbourhood-info", VerticalScroll)


async def read_all_of_the_detail(pilot, wanted: list[str]) -> set[str]:
    """Tab from the tree to the detail under it and scroll down with the keyboard until the
    screen stops changing: the texts of ``wanted`` that were on screen at some point."""
    seen: set[str] = set()
    await pilot.press("tab")
    await pilot.pause()
    for _ in range(100):
        text = screen_text(pilot.app)
        seen.update(item for item in wanted if item in text)
        if seen == set(wanted):
            break
        await pilot.press("down")
        for _ in range(20):  # the scroll may be animated
            await pilot.pause()
            if screen_text(pilot.app) != text:
                break
        else:
            break  # the end: nothing more to see
    return seen


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_every_relation_of_the_highlighted_actor_can_be_read(size):
    kb = with_claims(sample_kb(), 6)
    async with hood_app(kb=kb).run_test(size=size) as pilot:
        screen = await opened(pilot)
        await pilot.press("down")  # Italy: 3 relations of the sample, and the 6 claims
        await pilot.pause()
        wanted = [
            "→ visits +: Haftar met",
            "→ threatens −−: Haftar threatened",
            "← deals-with 0: Italy keeps",
            *(f"→ warns −: Claim {number}:" for number in range(1, 7)),
        ]
        assert await read_all_of_the_detail(pilot, wanted) == set(wanted)
        await pilot.press("home")  # the heading says how many there are
        heading = "Italy (state) · related to Khalifa Haftar · 9 relations"
        await settle(pilot, lambda: heading in screen_text(pilot.app))
        scroll = info_scroll(screen)
        assert scroll.max_scroll_y > 0  # more than fits: it scrolls, with a scrollbar
        assert scroll.show_vertical_scrollbar
        assert pilot.app.focused is scroll
        # Back to the tree: another actor's relations are shown from their first line.
        await pilot.press("shift+tab")
        await settle(pilot, lambda: isinstance(pilot.app.focused, Tree))
        await pilot.press("down")
        await settle(
            pilot,
            lambda: (
                "Government of National Accord (government) · related" in screen_text(pilot.app)
            ),
        )
        assert scroll.scroll_y == 0


needs_bundled = pytest.mark.skipif(
    not bundled_knowledge_base_path().is_file(), reason="the bundled knowledge base is not there"
)


@needs_bundled
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_walkthrough_over_the_bundled_file_shows_the_third_relation(explorer, size):
    """``n`` in the app on the bundled file; the unity government under its first actor,
    Italy, has three relations with Italy: the third used to be cut off unannounced."""
    async with StakeholderApp(bundled_knowledge_base_path()).run_test(size=size) as pilot:
        await explorer(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(pilot.app.screen, NeighbourhoodScreen))
        screen = pilot.app.screen
        tree = screen.query_one(Tree)
        await settle(pilot, lambda: bool(tree.root.children))
        assert screen.centre == "italy"
        for _ in range(len(tree.root.children)):
            await pilot.press("down")
            node = tree.cursor_node
            if node is not None and node.data is not None:
                if node.data.actor_id == "gna":
                    break
        named = "Government of National Unity (government) · related"
        await settle(pilot, lambda: named in screen_text(pilot.app))
        wanted = [
            "→ backs ++: Italy has hitherto",
            "→ invests-in ++: Italy has invested",
            "→ other −: Italy has grown frustrated",
        ]
        if size == (120, 40):  # room for all three
            assert all(item in screen_text(pilot.app) for item in wanted)
        assert await read_all_of_the_detail(pilot, wanted) == set(wanted)
        await pilot.press("home")
        heading = "Government of National Unity (government) · related to Italy · 3 relations"
        await settle(pilot, lambda: heading in screen_text(pilot.app))


def tree_rows(screen) -> list[tuple[str, str]]:
    """Each node's label in full, and the row the tree draws for it (guides taken off)."""
    tree = screen.query_one(Tree)
    rows = screen_text(screen.app).splitlines()
    region = tree.content_region
    shown = []
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        row = rows[region.y + line - tree.scroll_offset.y][region.x : region.right]
        shown.append((node.label.plain, row.lstrip("│├└─▼▶ ").rstrip()))
    return shown


@needs_bundled
async def test_a_label_too_wide_for_the_tree_ends_in_an_ellipsis():
    kb = load_knowledge_base(bundled_knowledge_base_path())
    async with hood_app("italy", kb).run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.pause()
        assert all(label == row for label, row in tree_rows(screen))  # all fit
        await pilot.resize_terminal(80, 24)
        await settle(pilot, lambda: screen.query_one(Tree).size.width == 80)
        await pilot.pause()
        rows = tree_rows(screen)
        cut = [(label, row) for label, row in rows if label != row]
        assert cut, "at 80 columns the Government of National Unity's label does not fit"
        for label, row in cut:
            assert row.endswith("…") and label.startswith(row[:-1]), (label, row)
        assert (
            "Government of National Unity (government)  → backs ++  → invests-in ++  → other −"
            in [label for label, _ in cut]
        )
        assert screen.query_one(Tree).max_scroll_x == 0  # nothing past the edge
