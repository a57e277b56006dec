"""Settings that persist: read with validation, written whole and atomically, saved as they
change; a damaged file is said, ignored and left alone until a setting changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import hypothesis
import pytest
from fixtures_kb import explorer_kb
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input

from tui import settings
from tui.app import DEFAULT_THEME, StakeholderApp
from tui.filters import Filters
from tui.settings import Settings, read_settings, store
from tui.views import ExportScreen
from tui.widgets.actor_list import ActorList, SortOrder


@pytest.fixture
def settings_file() -> Path:
    """The settings file of this test, in the private folder conftest.py gives each test."""
    return settings.settings_path()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def stored(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --- the file, without a terminal -----------------------------------------------------------


def test_tests_never_touch_the_real_config_folder():
    from platformdirs import user_config_dir

    assert settings.settings_folder() != Path(user_config_dir("stakeholders"))
    assert os.environ["STAKEHOLDERS_CONFIG_DIR"] == str(settings.settings_folder())


def test_no_file_gives_the_defaults_quietly(settings_file):
    assert not settings_file.exists()
    assert read_settings() == ({}, None)


def test_a_round_trip_keeps_every_setting(settings_file):
    every = {
        "theme": "nord",
        "actor_sort": "name",
        "relation_sort": "date",
        "export_folder": "/tmp/x",
    }
    assert store(every, Settings()) == every
    assert stored(settings_file) == every
    assert read_settings() == (every, None)
    assert [p.name for p in settings_file.parent.iterdir()] == ["settings.json"]  # no temporary


def test_unknown_keys_are_ignored_and_wrong_types_ignored_one_by_one(settings_file):
    write(
        settings_file,
        json.dumps(
            {
                "theme": "nord",
                "actor_sort": 3,
                "relation_sort": True,
                "export_folder": "bad\u0000path",
                "from_a_newer_version": {"x": 1},
            }
        ),
    )
    assert read_settings() == (
        {"theme": "nord"},
        f"Settings file {settings_file}: ignored actor_sort, relation_sort, export_folder "
        "(wrong type of value).",
    )


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("{'theme': 'nord'", "it is not JSON (Expecting property name enclosed in double quotes"),
        ('["theme", "nord"]', "it does not hold a JSON object"),
        ("[" * 70_000, "it is larger than 64 KiB"),
        ("[" * 60_000, "it is not JSON this app writes (nested too deep)"),
    ],
    ids=["not-json", "not-an-object", "too-large", "too-deep"],
)
def test_a_damaged_file_is_ignored_with_a_reason(settings_file, content, why):
    write(settings_file, content)
    found, problem = read_settings()
    assert found == {}
    assert problem.startswith(f"Settings file {settings_file} ignored: {why}")
    assert "\n" not in problem


def test_a_file_that_is_not_utf8_or_not_a_file_is_ignored(settings_file):
    write(settings_file, "")
    settings_file.write_bytes(b'{"theme": "\xff"}')
    assert read_settings()[1].endswith("ignored: it is not UTF-8 text.")
    settings_file.unlink()
    settings_file.mkdir()
    assert read_settings()[1].endswith("ignored: not a regular file (it is a folder).")


def test_storing_keeps_what_another_window_saved_since(settings_file):
    mine = store({"theme": "nord"}, Settings())
    write(settings_file, json.dumps({"theme": "nord", "actor_sort": "name"}))  # another window
    assert store({"export_folder": "/data"}, mine) == {
        "theme": "nord",
        "actor_sort": "name",
        "export_folder": "/data",
    }
    assert stored(settings_file) == {
        "theme": "nord",
        "actor_sort": "name",
        "export_folder": "/data",
    }


def test_storing_over_a_damaged_file_replaces_it_whole(settings_file):
    write(settings_file, "{not json")
    assert store({"theme": "dracula"}, {"actor_sort": "name"}) == {
        "theme": "dracula",
        "actor_sort": "name",
    }
    assert stored(settings_file) == {"theme": "dracula", "actor_sort": "name"}


def test_a_key_that_is_not_a_setting_is_refused(settings_file):
    with pytest.raises(KeyError, match="not a setting: relations_sort"):
        store({"relations_sort": "date"}, {})
    assert not settings_file.exists()


def test_a_linked_settings_file_is_written_where_it_points(settings_file, tmp_path):
    real = tmp_path / "dotfiles" / "stakeholders.json"
    write(real, "{}")
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.symlink_to(real)
    store({"theme": "nord"}, Settings())
    assert settings_file.is_symlink()
    assert stored(real) == {"theme": "nord"}


# --- the file read without importing json ------------------------------------------------

WORDS = st.text(st.characters(codec="utf-8"), max_size=12)  # any character but surrogates


@hypothesis.settings(max_examples=300, deadline=None)
@given(st.dictionaries(WORDS, WORDS, max_size=6))
def test_what_is_written_reads_back_as_json_reads_it(written):
    text = settings._encoded(written).decode("utf-8")
    assert settings._parsed(text) == json.loads(text) == written
    if not any(map(needs_an_escape, (*written, *written.values()))):
        assert settings._flat_object(text) == written  # read without importing json


def needs_an_escape(text: str) -> bool:
    """Whether json.dumps(text, ensure_ascii=False) writes an escape in it."""
    return any(character in '"\\' or character < " " for character in text)


def near_json_lines():
    """Lines like those written, some with the slips a hand edit makes: escapes, spaces,
    missing or extra commas, other values (most lines are right, so that both readings run)."""
    plain = st.characters(codec="utf-8", exclude_categories=("Cc",), exclude_characters='"\\')
    good_token = st.text(plain, max_size=12).map(lambda w: f'"{w}"')
    token = st.one_of(good_token, good_token, WORDS.map(json.dumps), st.sampled_from(["1", '"']))
    separator = st.sampled_from([": ", ": ", ": ", ":", " : "])
    comma = st.sampled_from(["right", "right", "right", "", ",", ",,"])
    line = st.tuples(st.sampled_from(["  ", "", "\t"]), token, separator, token, comma)

    def joined(lines):
        last = len(lines) - 1
        return [
            f"{indent}{key}{sep}{value}" + ("," * (number < last) if comma == "right" else comma)
            for number, (indent, key, sep, value, comma) in enumerate(lines)
        ]

    return st.lists(line, max_size=5).map(joined)


@hypothesis.settings(max_examples=1000, deadline=None)
@given(
    near_json_lines(),
    st.sampled_from(["{", "{", " {", "{ ", "["]),
    st.sampled_from(["}", "}", " }", "]"]),
)
def test_the_quick_reading_agrees_with_json_or_leaves_it_to_json(lines, opening, closing):
    text = "\n".join([opening, *lines, closing])
    quick = settings._flat_object(text)
    if quick is not None:
        assert json.loads(text) == quick


def test_a_start_up_with_a_settings_file_does_not_import_json(settings_file):
    store({"theme": "nord", "export_folder": "/home/analyst/Briefings (2017)"}, {})
    probe = (
        "import sys; from tui import settings; "
        "found, problem = settings.read_settings(); "
        "print(found['theme'], problem, 'json' in sys.modules)"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["nord", "None", "False"]


# --- the app --------------------------------------------------------------------------------


def app_for() -> StakeholderApp:
    return StakeholderApp(knowledge_base=explorer_kb())


async def test_a_theme_chosen_is_saved_at_once_and_used_next_time(explorer, settle, settings_file):
    async with app_for().run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        assert not settings_file.exists()  # starting changes nothing
        pilot.app.theme = "nord"
        await settle(pilot, settings_file.exists)
        assert stored(settings_file) == {"theme": "nord"}
    app = app_for()
    assert app.theme == "nord"
    async with app.run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        assert pilot.app.theme == "nord"
        pilot.app.theme = DEFAULT_THEME  # back to the default is a choice to keep too
        await settle(pilot, lambda: stored(settings_file) == {"theme": DEFAULT_THEME})


async def test_an_unknown_stored_theme_falls_back_to_the_default(explorer, settings_file):
    write(settings_file, json.dumps({"theme": "no-such-theme"}))
    async with app_for().run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        assert pilot.app.theme == DEFAULT_THEME
    assert stored(settings_file) == {"theme": "no-such-theme"}  # untouched


async def test_the_actor_sort_is_saved_kept_through_filters_and_used_next_time(
    explorer, settle, settings_file
):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("s")
        await settle(pilot, settings_file.exists)
        assert stored(settings_file) == {"actor_sort": "name"}
        assert screen.query_one(ActorList).sorting is SortOrder.NAME
        pilot.app.set_filters(Filters(polarity=(-2, -1)))  # the panes are rebuilt
        await settle(pilot, lambda: pilot.app.screen.kb is pilot.app.knowledge_base)
        await pilot.pause()
        assert pilot.app.screen.query_one(ActorList).sorting is SortOrder.NAME
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        assert actors.sorting is SortOrder.NAME
        assert actors.border_subtitle == "by name"


async def test_the_relation_sort_is_saved_kept_through_filters_and_used_next_time(
    explorer, settle, settings_file
):
    from tui.widgets.relation_table import RelationSort, RelationTable, sorted_items

    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("2", "s")
        await settle(pilot, settings_file.exists)
        assert stored(settings_file) == {"relation_sort": "date"}
        pilot.app.set_filters(Filters(polarity=(-2, -1)))  # the panes are rebuilt
        await settle(pilot, lambda: pilot.app.screen.kb is pilot.app.knowledge_base)
        await pilot.pause()
        assert pilot.app.screen.query_one(RelationTable).sorting is RelationSort.DATE
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        table = screen.query_one(RelationTable)
        assert table.sorting is RelationSort.DATE
        assert table.border_subtitle == RelationSort.DATE.label
        # The cursor starts on the first row shown, in the remembered order.
        first = sorted_items(screen.kb, screen.actor_id, RelationSort.DATE)
        assert screen.item == (first[0] if first else None)


async def test_a_damaged_file_is_said_in_one_line_and_left_until_a_change(
    explorer, settle, settings_file
):
    damaged = '{"theme": "nord", [b]oops[/b]'
    write(settings_file, damaged)
    app = app_for()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await explorer(pilot)
        await settle(pilot, lambda: bool(app._notifications))
        [notice] = app._notifications
        assert notice.markup is False
        assert notice.message.startswith(f"Settings file {settings_file} ignored: it is not JSON")
        assert "[b]oops[/b]" not in notice.message and "\n" not in notice.message
        assert app.theme == DEFAULT_THEME
        assert settings_file.read_text(encoding="utf-8") == damaged
        await pilot.press("s")  # a setting changes: the file is replaced whole
        await settle(pilot, lambda: stored_or_none(settings_file) is not None)
        assert stored(settings_file) == {"actor_sort": "name"}


def stored_or_none(path: Path) -> dict | None:
    try:
        return stored(path)
    except ValueError:
        return None


async def test_a_damaged_file_is_not_rewritten_by_starting_and_quitting(explorer, settings_file):
    write(settings_file, "{not json")
    async with app_for().run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        await pilot.press("q")
    assert settings_file.read_text(encoding="utf-8") == "{not json"


async def test_a_settings_folder_that_cannot_be_written_is_said_once(
    explorer, settle, monkeypatch, tmp_path
):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("STAKEHOLDERS_CONFIG_DIR", str(blocker / "config"))
    app = app_for()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await explorer(pilot)
        await settle(pilot, lambda: len(app._notifications) == 1)
        [unread] = app._notifications
        assert unread.message.endswith("/config/settings.json ignored: Not a directory.")
        await pilot.press("s")
        await settle(pilot, lambda: len(app._notifications) == 2)
        await pilot.press("s")
        await pilot.pause()
        [_, unsaved] = app._notifications
        assert unsaved.message.startswith("Could not save the settings in")
        assert unsaved.message.endswith(": Not a directory.")
        assert app.settings == {"actor_sort": "relations"}  # kept for the session


async def test_the_export_folder_is_remembered_and_offered_next_time(
    explorer, settle, settings_file, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, ExportScreen))
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = "exports/briefing.json"
        path_input.focus()
        await pilot.press("enter")
        await settle(pilot, lambda: (exports / "briefing.json").exists())
        await settle(pilot, settings_file.exists)
        assert stored(settings_file) == {"export_folder": str(exports.resolve())}
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, ExportScreen))
        offered = app.screen.query_one("#export-path", Input).value
        assert offered == str(exports.resolve() / "stakeholders-export.json")


async def test_a_remembered_export_folder_that_is_gone_is_not_offered(settings_file, tmp_path):
    from views_host import HostApp, settle

    gone = tmp_path / "gone"
    async with HostApp(lambda: ExportScreen(explorer_kb(), folder=str(gone))).run_test() as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
        path = pilot.app.screen.query_one("#export-path", Input).value
        assert path == "./stakeholders-export.json"
