"""Opening a file: the loading screen, its progress, and a file that fails to load."""

from __future__ import annotations

import pytest
from fixtures_kb import explorer_kb
from kb_files import ONE_RELATION, write_kb
from textual.widgets import ProgressBar, Static

from tui import app as app_module
from tui import cache
from tui.app import StakeholderApp, _ProgressRelay
from tui.loader import LoadError
from tui.screens.loading import LoadingScreen


async def test_a_small_file_opens_straight_into_the_explorer(tmp_path, monkeypatch, explorer):
    shown = []
    monkeypatch.setattr(LoadingScreen, "compose", lambda self: shown.append(self) or iter(()))
    app = StakeholderApp(write_kb(tmp_path, ONE_RELATION))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        assert app.screen_stack == [screen]  # the explorer is the first screen
        assert set(app.knowledge_base.actor_by_id) == {"haftar", "italy"}
    assert shown == []


async def test_a_file_loads_behind_a_progress_screen_then_opens(tmp_path, monkeypatch, explorer):
    monkeypatch.setattr(app_module, "LOAD_AT_ONCE_BYTES", 0)  # as a large file would
    reports: list[tuple[int, int, str]] = []
    monkeypatch.setattr(LoadingScreen, "set_progress", lambda self, *report: reports.append(report))
    app = StakeholderApp(write_kb(tmp_path, ONE_RELATION))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        assert set(app.knowledge_base.actor_by_id) == {"haftar", "italy"}
        assert screen.item is not None
    assert reports[0][2] == "reading"
    done, total, stage = reports[-1]
    assert stage == "done" and done == total


async def test_the_loading_screen_shows_the_stage_and_how_far(tmp_path):
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(80, 24)) as pilot:
        loading = LoadingScreen(tmp_path / "[b]kb[/b].yaml")
        await app.push_screen(loading)
        loading.set_progress(3, 12, "verifying quotes [/]")
        await pilot.pause()
        bar = loading.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (3, 12)
        assert str(loading.query_one("#loading-stage", Static).content) == "verifying quotes [/]"
        assert "[b]kb[/b].yaml" in str(loading.query_one("#loading-path", Static).content)


def test_progress_is_relayed_once_per_percent_and_stage():
    relayed = []

    class FakeApp:
        def call_from_thread(self, callback, *args):
            relayed.append(args)

    class FakeScreen:
        def set_progress(self, done, total, stage):
            raise AssertionError("called directly, not from the app's thread")

    relay = _ProgressRelay(FakeApp(), FakeScreen())
    for done in range(1001):
        relay(done, 1000, "verifying quotes")
    relay(4, 4, "done")
    assert len(relayed) == 101 + 1
    assert relayed[-1] == (4, 4, "done")


@pytest.mark.parametrize("at_once_below", [app_module.LOAD_AT_ONCE_BYTES, 0])
async def test_a_file_that_fails_to_load_ends_the_app_with_its_problems(
    tmp_path, settle, monkeypatch, at_once_below
):
    monkeypatch.setattr(app_module, "LOAD_AT_ONCE_BYTES", at_once_below)
    broken = ONE_RELATION.replace("polarity: 1", "polarity: 3")
    app = StakeholderApp(write_kb(tmp_path, broken))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.return_code is not None)
    assert app.return_code == 1
    assert isinstance(app.return_value, LoadError)
    assert "polarity" in app.return_value.report()


async def test_a_missing_file_ends_the_app_with_its_problem(tmp_path, settle):
    app = StakeholderApp(tmp_path / "nowhere.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: app.return_code is not None)
    assert app.return_code == 1
    assert "nowhere.yaml" in app.return_value.report()


def test_the_app_needs_a_file_or_a_knowledge_base():
    with pytest.raises(ValueError):
        StakeholderApp()


async def test_a_small_file_writes_its_cache_entry_after_the_first_frame(
    tmp_path, monkeypatch, explorer, settle
):
    monkeypatch.setenv("STAKEHOLDERS_CACHE_DIR", str(tmp_path / "cache"))
    path = write_kb(tmp_path, ONE_RELATION)
    app = StakeholderApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        await settle(pilot, lambda: cache.read_entry(path) is not None)
        assert cache.read_entry(path) == app.knowledge_base
