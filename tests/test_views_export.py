"""The export dialog writes the knowledge base it is given, in the chosen format."""

from __future__ import annotations

import json

import pytest
from analyst_kb import sample_kb
from textual.widgets import Input, Select
from views_host import SIZE_IDS, SIZES, HostApp, pressing, screen_text, settle

from tui.export import EXTENSIONS, FORMATS
from tui.filters import Filters, apply
from tui.views import ExportScreen


def export_app(kb=None, filters=None) -> HostApp:
    return HostApp(lambda: ExportScreen(kb or sample_kb(), filters))


async def opened(pilot) -> ExportScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
    await pilot.pause()
    return pilot.app.screen


def test_every_format_has_a_known_extension():
    assert set(EXTENSIONS) == set(FORMATS)


async def test_write_puts_the_default_file_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert screen.query_one("#export-path", Input).value == "./stakeholders-export.json"
        await pilot.click("#export-write")
        await settle(pilot, lambda: bool(pilot.app.results))
        [written] = pilot.app.results
        assert [path.resolve() for path in written] == [tmp_path / "stakeholders-export.json"]
        data = json.loads((tmp_path / "stakeholders-export.json").read_text(encoding="utf-8"))
        assert len(data["relations"]) == len(sample_kb().relations)
        [notification] = pilot.app._notifications
        assert notification.message == "Exported json to stakeholders-export.json"
        assert notification.markup is False


async def test_changing_the_format_changes_the_default_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.query_one(Select).value = "csv"
        await pilot.pause()
        path_input = screen.query_one("#export-path", Input)
        assert path_input.value == "./stakeholders-export.csv"
        path_input.focus()
        await pilot.press("enter")
        await settle(pilot, lambda: bool(pilot.app.results))
        assert sorted(path.name for path in tmp_path.iterdir()) == [
            "stakeholders-export-connections.csv",
            "stakeholders-export-elements.csv",
        ]


async def test_a_path_typed_by_the_user_is_kept_when_the_format_changes(tmp_path):
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        target = tmp_path / "net.md"
        screen.query_one("#export-path", Input).value = str(target)
        screen.query_one(Select).value = "markdown"
        await pilot.pause()
        assert screen.query_one("#export-path", Input).value == str(target)
        await pilot.click("#export-write")
        await settle(pilot, lambda: bool(pilot.app.results))
        assert target.read_text(encoding="utf-8").startswith("#")


async def test_the_export_holds_only_what_the_filters_let_through(tmp_path):
    filters = Filters(types={"backs"})
    kb = apply(sample_kb(), filters)
    async with export_app(kb, filters).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert "filtered: type: backs" in screen_text(pilot.app)
        screen.query_one("#export-path", Input).value = str(tmp_path / "backs.json")
        await pilot.click("#export-write")
        await settle(pilot, lambda: bool(pilot.app.results))
    data = json.loads((tmp_path / "backs.json").read_text(encoding="utf-8"))
    assert {relation["type"] for relation in data["relations"]} == {"backs"}
    assert len(data["relations"]) == 5


async def test_an_unwritable_path_is_reported_and_the_dialog_stays(tmp_path):
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.query_one("#export-path", Input).value = str(tmp_path / "missing" / "x.json")
        await pilot.click("#export-write")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert "Could not write" in screen_text(pilot.app)
        assert not (tmp_path / "missing").exists()
        path_input = screen.query_one("#export-path", Input)
        path_input.value = "  "
        path_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "Give a file to write." in screen_text(pilot.app)


async def test_a_path_with_markup_is_notified_literally(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with export_app().run_test(size=(80, 24), notifications=True) as pilot:
        screen = await opened(pilot)
        screen.query_one("#export-path", Input).value = "[b]x[@click=app.quit]"
        await pilot.click("#export-write")
        await settle(pilot, lambda: bool(pilot.app.results))
        await settle(pilot, lambda: "[b]x[@click=app.quit]" in screen_text(pilot.app))
        assert "Exported json to" in screen_text(pilot.app)
        assert (tmp_path / "[b]x[@click=app.quit]").exists()
        assert pilot.app.is_running


async def test_escape_cancels_without_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with export_app().run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: bool(pilot.app.results))
        assert pilot.app.results == [None]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_export_screen(snap_compare, size):
    filters = Filters(status="current")
    app = export_app(apply(sample_kb(), filters), filters)
    assert snap_compare(app, terminal_size=size, run_before=pressing())
