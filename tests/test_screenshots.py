"""The palette's Screenshot saves to a folder that exists and says where, or why it could not."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from fixtures_kb import explorer_kb

from tui import screenshots
from tui.app import StakeholderApp
from tui.screenshots import NotSaved, Place, places, save

SVG = "<svg>a picture</svg>"


# --- without a terminal ---------------------------------------------------------------------


def test_tests_never_save_to_the_downloads_folder(tmp_path, monkeypatch):
    configured = os.environ[screenshots.LOCATION_VARIABLE]
    monkeypatch.chdir(tmp_path)
    assert places() == [Place(Path(configured), create=True), Place(tmp_path)]


def test_without_a_configured_folder_downloads_is_used_only_if_it_exists(tmp_path, monkeypatch):
    monkeypatch.delenv(screenshots.LOCATION_VARIABLE)
    monkeypatch.chdir(tmp_path)
    downloads = tmp_path / "Downloads"
    monkeypatch.setattr(screenshots, "user_downloads_path", lambda: downloads)
    assert places() == [Place(tmp_path)]
    downloads.mkdir()
    assert places() == [Place(downloads), Place(tmp_path)]


def test_the_file_name_sorts_by_time_and_has_no_reserved_character():
    when = datetime(2017, 8, 1, 10, 20, 30)
    assert screenshots.file_name("Stakeholder Explorer", when) == (
        "stakeholder-explorer-2017-08-01T10-20-30.svg"
    )


def test_a_missing_configured_folder_is_created(tmp_path):
    folder = tmp_path / "new" / "shots"
    saved = save(SVG, "a.svg", [Place(folder, create=True)])
    assert saved == screenshots.Saved(folder / "a.svg")
    assert (folder / "a.svg").read_text(encoding="utf-8") == SVG


def test_an_existing_picture_is_never_replaced(tmp_path):
    (tmp_path / "a.svg").write_text("older", encoding="utf-8")
    assert save(SVG, "a.svg", [Place(tmp_path)]).path == tmp_path / "a-2.svg"
    assert save(SVG, "a.svg", [Place(tmp_path)]).path == tmp_path / "a-3.svg"
    assert (tmp_path / "a.svg").read_text(encoding="utf-8") == "older"


def test_each_folder_that_refuses_is_named_with_its_reason(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    saved = save(SVG, "a.svg", [Place(blocker / "shots", create=True), Place(tmp_path)])
    assert saved == screenshots.Saved(
        tmp_path / "a.svg", ((blocker / "shots", "Not a directory"),)
    )
    with pytest.raises(NotSaved) as failure:
        save(SVG, "a.svg", [Place(blocker / "shots", create=True), Place(blocker / "more")])
    assert str(failure.value) == (
        f"{blocker / 'shots'}: Not a directory; {blocker / 'more'}: Not a directory"
    )


# --- the app --------------------------------------------------------------------------------


def screenshot_command(app):
    [command] = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
    return command


async def test_the_palette_command_saves_and_says_the_full_path(
    explorer, settle, tmp_path, monkeypatch
):
    folder = tmp_path / "not" / "yet"
    monkeypatch.setenv(screenshots.LOCATION_VARIABLE, str(folder))
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await explorer(pilot)
        screenshot_command(app).callback()
        await settle(pilot, lambda: bool(app._notifications))
        [written] = folder.iterdir()
        assert written.name.startswith("stakeholder-explorer-") and written.suffix == ".svg"
        assert "Haftar" in written.read_text(encoding="utf-8")
        [notice] = app._notifications
        assert notice.message == f"Saved to {written}"
        assert notice.markup is False and notice.severity == "information"


async def test_a_screenshot_nowhere_to_go_says_why(explorer, settle, tmp_path, monkeypatch):
    blocker = tmp_path / "[b]file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(screenshots.LOCATION_VARIABLE, str(blocker / "shots"))
    monkeypatch.setattr(
        screenshots, "places", lambda folder=None: [Place(blocker / "shots", create=True)]
    )
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await explorer(pilot)
        app.action_screenshot()
        await settle(pilot, lambda: bool(app._notifications))
        [notice] = app._notifications
        assert notice.message == (
            f"Could not save the screenshot: {blocker / 'shots'}: Not a directory."
        )
        assert notice.markup is False and notice.severity == "error"


async def test_a_folder_that_refuses_falls_back_to_the_working_directory(
    explorer, settle, tmp_path, monkeypatch
):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(screenshots.LOCATION_VARIABLE, str(blocker / "shots"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await explorer(pilot)
        app.action_screenshot("shot.svg")
        await settle(pilot, lambda: bool(app._notifications))
        [notice] = app._notifications
        assert notice.message == (
            f"Saved to {work / 'shot.svg'} (not {blocker / 'shots'}: Not a directory)"
        )
    assert (work / "shot.svg").exists()
