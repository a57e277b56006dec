"""Monkey tests: hundreds of random keys and resizes never crash the app or unlink its panes.

Seeded, so a failure replays exactly. Runs on the bundled knowledge base and on the hostile
one (markup, controls, a one-megabyte quote). The working directory is a temporary folder,
so a random Enter in the export dialog writes there and nowhere near the data.
"""

from __future__ import annotations

import random

import pytest
from hostile_kb import build

from tui.app import StakeholderApp
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.screens.explorer import ExplorerScreen
from tui.widgets.actor_detail import ActorDetail
from tui.widgets.actor_list import ActorList
from tui.widgets.items import evidence_of, items_of
from tui.widgets.relation_table import RelationTable
from tui.widgets.source_view import SourceView

PRESSES_PER_RUN = 150
KEYS = (
    "up down j k g G home end pageup pagedown left right tab shift+tab enter backspace b f "
    "alt+left alt+right left_square_bracket right_square_bracket s z escape escape escape "
    "slash question_mark m n t F X e 1 2 3 4 a h l x w c space ctrl+s ctrl+r ctrl+n"
).split()
SIZES = [(80, 24), (120, 40), (60, 20), (100, 30), (200, 50), (40, 12)]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return load_knowledge_base(build(tmp_path_factory.mktemp("hostile")))


@pytest.fixture(scope="module")
def bundled():
    return load_knowledge_base(bundled_knowledge_base_path())


def assert_linked(screen: ExplorerScreen) -> None:
    """Every pane shows the screen's one selection."""
    actor_id, item = screen.actor_id, screen.item
    assert screen.query_one(ActorList).actor_id == actor_id
    assert screen.query_one(RelationTable).actor_id == actor_id
    assert screen.query_one(ActorDetail).actor_id == actor_id
    source = screen.query_one(SourceView)
    assert source.item == item
    assert source.evidence_index == screen.evidence_index
    if item is not None:
        assert item in items_of(screen.kb, actor_id, with_affiliates=screen.with_affiliates)
        assert 0 <= screen.evidence_index < len(evidence_of(screen.kb, item))


async def monkey(kb, seed: int) -> int:
    rng = random.Random(seed)
    app = StakeholderApp(knowledge_base=kb)
    pressed = 0
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(PRESSES_PER_RUN):
            if rng.random() < 0.06:
                await pilot.resize_terminal(*rng.choice(SIZES))
            await pilot.press(rng.choice(KEYS))
            pressed += 1
            await pilot.pause()
            if isinstance(app.screen, ExplorerScreen) and app.screen.is_mounted:
                await pilot.pause()
                if app.screen.query(ActorList):
                    assert_linked(app.screen)
        assert app.is_running, "the app quit or crashed"
    return pressed


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_monkey_on_the_bundled_knowledge_base(bundled, seed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert await monkey(bundled, seed) == PRESSES_PER_RUN


@pytest.mark.parametrize("seed", [4, 5])
async def test_monkey_on_the_hostile_knowledge_base(hostile, seed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert await monkey(hostile, seed) == PRESSES_PER_RUN
