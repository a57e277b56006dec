"""The UI half of the hostile-input battery: every case of tests/hostile_kb.py in every place
text from data can show (actor list, relations, detail, source pane, search results,
notifications, the loading screen), drawn literally, aligned, and never acted on.
"""

from __future__ import annotations

import os
import unicodedata

import pytest
from hostile_kb import CASES, build
from textual.widgets import Input
from views_host import HostApp, settle

from tui.app import StakeholderApp
from tui.loader import load_knowledge_base
from tui.screens.explorer import ExplorerScreen
from tui.screens.loading import LoadingScreen
from tui.screens.search import SearchScreen
from tui.views import ExportScreen


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return load_knowledge_base(build(tmp_path_factory.mktemp("hostile")))


def rows(app) -> list:
    return list(app.screen._compositor.render_strips())


def assert_safe_and_aligned(app) -> str:
    """No control or format character in any cell; every row exactly the screen's width."""
    width = app.size.width
    lines = []
    for strip in rows(app):
        text = strip.text
        bad = {c for c in text if unicodedata.category(c) in ("Cc", "Cf") and c != "\u200d"}
        assert not bad, f"raw {bad!r} would reach the terminal in {text!r}"
        assert strip.cell_length == width, f"row of {strip.cell_length} cells: {text!r}"
        lines.append(text)
    return "\n".join(lines)


async def open_explorer(pilot) -> ExplorerScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, ExplorerScreen))
    await settle(pilot, lambda: pilot.app.screen.actor_id is not None)
    return pilot.app.screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_case_in_list_relations_detail_and_source(hostile, size):
    app = StakeholderApp(knowledge_base=hostile)
    async with app.run_test(size=size) as pilot:
        screen = await open_explorer(pilot)
        for case in CASES:
            screen.actor_id = case
            await pilot.pause()
            await pilot.pause()
            assert_safe_and_aligned(app)
        assert app.is_running




@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("click-quit", "[@click=app.quit]"),
        ("close-tag", "[/]"),
        ("open-bracket", "[/"),
        ("link", "[link='https://example.org']x[/link]"),
        ("minister", "[Minister] said"),
        ("clear-screen", "wipe\\x1b[2J\\x1b[Hout"),
        ("osc52-clipboard", "copy\\x1b]52;c;aGVsbG8=\\x07me"),
        ("carriage-return", "over\\x0dwrite"),
        ("rlo", "abc⟨RLO⟩dcba"),
        ("nul", "nul\\x00here"),
    ],
)
async def test_each_case_reads_literally(hostile, case, expected):
    app = StakeholderApp(knowledge_base=hostile)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_explorer(pilot)
        screen.actor_id = case
        await pilot.pause()
        await pilot.pause()
        shown = assert_safe_and_aligned(app)
        # the actor list row, the detail's name, and the relation's "with" column at least
        assert shown.count(expected) >= 2, shown


async def test_clicking_action_markup_runs_nothing(hostile, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = StakeholderApp(knowledge_base=hostile)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_explorer(pilot)
        for case in ("click-quit", "click-screenshot"):
            screen.actor_id = case
            await pilot.pause()
            await pilot.pause()
            clicked = 0
            for y, line in enumerate(assert_safe_and_aligned(app).splitlines()):
                x = line.find("[@click")
                while x >= 0:
                    await pilot.click(offset=(x + 3, y))
                    clicked += 1
                    x = line.find("[@click", x + 1)
            assert clicked >= 2
            assert app.is_running
    assert os.listdir(tmp_path) == []  # no screenshot was saved


async def test_search_results_show_every_case_safely(hostile):
    app = StakeholderApp(knowledge_base=hostile)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_explorer(pilot)
        for query in ("Described as", "Summary", "Position", "Case", "click", "x1b"):
            await pilot.press("slash")
            await settle(pilot, lambda: isinstance(app.screen, SearchScreen))
            app.screen.query_one(Input).value = query
            await pilot.pause()
            await pilot.pause()
            assert_safe_and_aligned(app)
            await pilot.press("escape")
            await settle(pilot, lambda: isinstance(app.screen, ExplorerScreen))
        assert app.is_running


async def test_notification_shows_a_hostile_path_literally(hostile, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = StakeholderApp(knowledge_base=hostile)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_explorer(pilot)
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, ExportScreen))
        app.screen.query_one("#export-path", Input).value = "[@click=app.quit]x[b]y.json"
        await pilot.click("#export-write")
        await settle(pilot, lambda: (tmp_path / "[@click=app.quit]x[b]y.json").exists())
        await settle(pilot, lambda: list(app._notifications))
        notes = [n for n in app._notifications if "[@click=app.quit]x[b]y.json" in n.message]
        assert notes and not any(n.markup for n in notes)
        assert_safe_and_aligned(app)

        assert app.is_running


async def test_loading_screen_shows_a_hostile_path_literally(tmp_path):
    path = tmp_path / "[@click=app.quit] \x1b[2J" / "actors.yaml"
    app = HostApp(lambda: LoadingScreen(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, LoadingScreen))
        await pilot.pause()
        app.screen.set_progress(1, 4, "[@click=app.quit] parsing \x1b]0;title\x07")
        await pilot.pause()
        shown = assert_safe_and_aligned(app)
        assert "[@click=app.quit] \\x1b[2J" in shown
        assert "[@click=app.quit] parsing \\x1b]0;title\\x07" in shown
