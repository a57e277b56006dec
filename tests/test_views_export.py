"""The export dialog writes the knowledge base it is given, in the chosen format."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from analyst_kb import sample_kb
from textual.widgets import Button, Input, Select, Static
from views_host import SIZE_IDS, SIZES, HostApp, pressing, screen_text, settle

from tui.export import EXTENSIONS, FORMATS
from tui.filters import Filters, apply
from tui.views import ExportScreen


def export_app(kb=None, filters=None) -> HostApp:
    return HostApp(lambda: ExportScreen(kb or sample_kb(), filters))


async def opened(pilot) -> ExportScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
    await pilot.pause()
    screen = pilot.app.screen
    # A button ignores clicks for 0.2 s after one; a test's second click comes sooner.
    screen.query_one("#export-write", Button).active_effect_duration = 0
    return screen


async def enter_path(pilot, screen: ExportScreen, value: str) -> None:
    """Type ``value`` as the file and wait for the dialog to say where that is: the line may
    wrap and move the buttons, which a click aimed at them would then miss."""
    screen.query_one("#export-path", Input).value = value
    await settle(pilot, lambda: Path(value).stem in target_line(screen))
    await pilot.pause()


def target_line(screen: ExportScreen) -> str:
    """The dialog's "Writes <absolute path>" line, as plain text."""
    return str(screen.query_one("#export-target", Static).content)


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
        written_to = tmp_path.resolve() / "stakeholders-export.json"
        assert notification.message == f"Exported json to {written_to}"
        assert notification.markup is False


async def test_the_file_is_shown_absolute_before_anything_is_written(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    here = tmp_path.resolve() / "sub"
    async with export_app().run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert target_line(screen) == f"Writes {here / 'stakeholders-export.json'}"
        assert "Writes" in screen_text(pilot.app)  # the path itself may wrap anywhere
        await enter_path(pilot, screen, "../out/net.csv")
        screen.query_one(Select).value = "csv"
        await settle(pilot, lambda: "elements" in target_line(screen))
        out = tmp_path.resolve() / "out"
        assert target_line(screen) == (
            f"Writes {out / 'net-elements.csv'} and {out / 'net-connections.csv'}"
        )
        screen.query_one(Select).value = "markdown"
        await enter_path(pilot, screen, "~/briefing.md")
        assert target_line(screen) == f"Writes {Path.home().resolve() / 'briefing.md'}"
    assert list(tmp_path.rglob("*.*")) == []  # nothing written


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
        await enter_path(pilot, screen, str(target))
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
        await enter_path(pilot, screen, str(tmp_path / "backs.json"))
        await pilot.click("#export-write")
        await settle(pilot, lambda: bool(pilot.app.results))
    data = json.loads((tmp_path / "backs.json").read_text(encoding="utf-8"))
    assert {relation["type"] for relation in data["relations"]} == {"backs"}
    assert len(data["relations"]) == 5


def message(screen: ExportScreen) -> str:
    """The dialog's error or warning line, as plain text (the screen may wrap it)."""
    return str(screen.query_one("#export-error", Static).content)


def write_label(screen: ExportScreen) -> str:
    return str(screen.query_one("#export-write", Button).label)


async def test_an_unwritable_path_is_reported_and_the_dialog_stays(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await enter_path(pilot, screen, "missing/x.json")
        await pilot.click("#export-write")
        await settle(pilot, lambda: "does not exist" in message(screen))
        assert pilot.app.screen is screen
        assert message(screen) == (
            "The folder missing does not exist: create it or choose another path."
        )
        assert "The folder missing does not exist" in screen_text(pilot.app)
        assert ".tmp" not in screen_text(pilot.app)
        assert not (tmp_path / "missing").exists()
        path_input = screen.query_one("#export-path", Input)
        path_input.value = "  "
        path_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "Give a file to write." in screen_text(pilot.app)


def unwrapped(app) -> str:
    """The screen's text with every line joined, and the toasts' left edges dropped."""
    return "".join(line.replace("▌", "").strip() for line in screen_text(app).splitlines())


async def test_a_path_with_markup_is_notified_literally(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with export_app().run_test(size=(80, 24), notifications=True) as pilot:
        screen = await opened(pilot)
        await enter_path(pilot, screen, "[b]x[@click=app.quit]")
        await pilot.click("#export-write")
        await settle(pilot, lambda: bool(pilot.app.results))
        # The toast names the file by its absolute path, which may wrap anywhere.
        await settle(pilot, lambda: "[b]x[@click=app.quit]" in unwrapped(pilot.app))
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


async def test_a_csv_export_to_a_missing_folder_names_the_folder(tmp_path):
    missing = tmp_path / "exp"
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.query_one(Select).value = "csv"
        await pilot.pause()
        await enter_path(pilot, screen, str(missing / "out.csv"))
        await pilot.click("#export-write")
        await settle(pilot, lambda: "does not exist" in message(screen))
        assert message(screen) == (
            f"The folder {missing} does not exist: create it or choose another path."
        )
        assert pilot.app.screen is screen
        assert pilot.app.results == []
    assert list(tmp_path.iterdir()) == []


async def test_an_existing_file_is_overwritten_only_when_confirmed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "stakeholders-export.json"
    existing.write_text("the user's file", encoding="utf-8")
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.click("#export-write")
        await settle(pilot, lambda: write_label(screen) == "Overwrite")
        assert message(screen) == (
            "stakeholders-export.json already exists. "
            "Press Overwrite to replace it, or change the file."
        )
        assert "stakeholders-export.json already exists" in screen_text(pilot.app)
        assert "Overwrite" in screen_text(pilot.app)
        assert pilot.app.screen is screen
        assert existing.read_text(encoding="utf-8") == "the user's file"
        await pilot.click("#export-write")
        await settle(pilot, lambda: bool(pilot.app.results))
        assert [path.name for path in pilot.app.results[0]] == ["stakeholders-export.json"]
    data = json.loads(existing.read_text(encoding="utf-8"))
    assert len(data["relations"]) == len(sample_kb().relations)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["stakeholders-export.json"]


async def test_enter_twice_in_the_file_field_overwrites(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "stakeholders-export.json"
    existing.write_text("the user's file", encoding="utf-8")
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await settle(pilot, lambda: write_label(screen) == "Overwrite")
        assert existing.read_text(encoding="utf-8") == "the user's file"
        await pilot.press("enter")
        await settle(pilot, lambda: bool(pilot.app.results))
    assert json.loads(existing.read_text(encoding="utf-8"))["relations"]


async def test_csv_names_each_file_of_the_export_that_exists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    connections = tmp_path / "stakeholders-export-connections.csv"
    connections.write_text("the user's table", encoding="utf-8")
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.query_one(Select).value = "csv"
        await pilot.pause()
        await pilot.click("#export-write")
        await settle(pilot, lambda: write_label(screen) == "Overwrite")
        assert message(screen) == (
            "stakeholders-export-connections.csv already exists. "
            "Press Overwrite to replace it, or change the file."
        )
        assert not (tmp_path / "stakeholders-export-elements.csv").exists()
        (tmp_path / "stakeholders-export-elements.csv").write_text("another", encoding="utf-8")
        await pilot.click("#export-write")  # a second file appeared: ask again, for both
        await settle(pilot, lambda: "already exist." in message(screen))
        assert message(screen) == (
            "stakeholders-export-elements.csv and stakeholders-export-connections.csv "
            "already exist. Press Overwrite to replace them, or change the file."
        )
        assert connections.read_text(encoding="utf-8") == "the user's table"
        await pilot.click("#export-write")
        await settle(pilot, lambda: bool(pilot.app.results))
    assert connections.read_text(encoding="utf-8").startswith("From,To,")


async def test_changing_the_file_or_the_format_withdraws_the_overwrite(tmp_path):
    existing = tmp_path / "mine.txt"
    existing.write_text("the user's file", encoding="utf-8")
    async with export_app().run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        path_input = screen.query_one("#export-path", Input)
        await enter_path(pilot, screen, str(existing))
        await pilot.click("#export-write")
        await settle(pilot, lambda: write_label(screen) == "Overwrite")
        await enter_path(pilot, screen, str(tmp_path / "other.txt"))
        await settle(pilot, lambda: write_label(screen) == "Write")
        assert message(screen) == ""
        await enter_path(pilot, screen, str(existing))
        await pilot.click("#export-write")
        await settle(pilot, lambda: write_label(screen) == "Overwrite")
        screen.query_one(Select).value = "markdown"
        await settle(pilot, lambda: write_label(screen) == "Write")
        assert path_input.value == str(existing)
        await pilot.click("#export-write")  # asks again: the export it confirmed has changed
        await settle(pilot, lambda: write_label(screen) == "Overwrite")
        assert existing.read_text(encoding="utf-8") == "the user's file"
        assert pilot.app.results == []
        await pilot.click("#export-write")
        await settle(pilot, lambda: bool(pilot.app.results))
    assert existing.read_text(encoding="utf-8").startswith("# Stakeholder briefing")


async def test_the_knowledge_base_is_refused_not_offered_for_overwriting(tmp_path):
    kb_file = tmp_path / "kb.yaml"
    kb_file.write_text("the analyst's file", encoding="utf-8")
    kb = dataclasses.replace(sample_kb(), path=str(kb_file))
    async with export_app(kb).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await enter_path(pilot, screen, str(kb_file))
        for _ in range(2):
            await pilot.click("#export-write")
            await settle(pilot, lambda: "refusing to overwrite" in message(screen))
            assert write_label(screen) == "Write"
        assert message(screen).endswith("it is part of the knowledge base")
        assert pilot.app.results == []
    assert kb_file.read_text(encoding="utf-8") == "the analyst's file"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_snapshot_export_screen(snap_compare, size, monkeypatch):
    monkeypatch.chdir("/")  # the dialog shows the absolute path: the same on every machine
    filters = Filters(status="current")
    app = export_app(apply(sample_kb(), filters), filters)
    assert snap_compare(app, terminal_size=size, run_before=pressing())
