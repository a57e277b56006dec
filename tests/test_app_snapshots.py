"""SVG snapshots of the explorer at the two sizes that matter: 80x24 and 120x40."""

from __future__ import annotations

import pytest
from fixtures_kb import explorer_kb
from textual.widgets import Input

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.screens.explorer import ExplorerScreen

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


async def _opened(pilot) -> ExplorerScreen:
    for _ in range(100):
        if isinstance(pilot.app.screen, ExplorerScreen) and pilot.app.screen.actor_id:
            break
        await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExplorerScreen)
    return screen


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_main_screen(snap_compare, size):
    async def run_before(pilot) -> None:
        await _opened(pilot)

    app = StakeholderApp(knowledge_base=explorer_kb())
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_relation_highlighted(snap_compare, size):
    async def run_before(pilot) -> None:
        screen = await _opened(pilot)
        screen.actor_id = "khalifa-haftar"
        await pilot.press("2")
        for _ in range(10):
            if screen.item == ItemRef("relation", "haftar-threatens-italy"):
                break
            await pilot.press("j")
        await pilot.pause()

    app = StakeholderApp(knowledge_base=explorer_kb())
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_snapshot_relations_scrolled_right(snap_compare):
    """Scrolled three columns right: the direction and counterpart stay, the summary the
    edge cuts ends in "…", and no column shows as a sliver."""

    async def run_before(pilot) -> None:
        screen = await _opened(pilot)
        screen.actor_id = "khalifa-haftar"
        await pilot.press("2", "right", "right", "right")
        await pilot.pause()
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    app = StakeholderApp(knowledge_base=explorer_kb())
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_help(snap_compare):
    async def run_before(pilot) -> None:
        await _opened(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    app = StakeholderApp(knowledge_base=explorer_kb())
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
