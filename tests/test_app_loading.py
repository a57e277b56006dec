"""Opening a file: the loading screen, its progress, and a file that fails to load."""

from __future__ import annotations

import threading

import pytest
from fixtures_kb import explorer_kb
from kb_files import ONE_RELATION, write_kb
from textual.widgets import ProgressBar, Static

from tui import app as app_module
from tui import cache
from tui.app import StakeholderApp, _Load
from tui.loader import MAX_BYTES, MAX_TOTAL_BYTES, LoadError
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
    shown = []
    monkeypatch.setattr(LoadingScreen, "on_mount", lambda self: shown.append(self), raising=False)
    writers = []
    write = cache.UnsavedEntry.write
    monkeypatch.setattr(
        cache.UnsavedEntry,
        "write",
        lambda entry: writers.append(threading.current_thread()) or write(entry),
    )
    path = write_kb(tmp_path, ONE_RELATION)
    app = StakeholderApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        # Written behind the loading screen, before the explorer came up, by a thread that
        # an exit waits for (no half-written file).
        assert [(writer.name, writer.daemon) for writer in writers] == [
            ("write cache entry", False)
        ]
        assert cache.read_entry(path) == app.knowledge_base
        assert set(app.knowledge_base.actor_by_id) == {"haftar", "italy"}
        assert screen.item is not None
    assert len(shown) == 1  # the progress itself: see the slow loads below


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


class HeldLoad:
    """Stands in for ``cache.open_file``: reports ``progress``, then waits for ``release``
    before loading for real (in the app's load thread)."""

    def __init__(self, monkeypatch, progress: tuple[int, int, str]) -> None:
        self.progress = progress
        self.release = threading.Event()
        self.real = cache.open_file
        monkeypatch.setattr(cache, "open_file", self)

    def __call__(self, path, *, progress, **kwargs):
        progress(*self.progress)
        assert self.release.wait(10), "the test never released the load"
        return self.real(path, progress=progress, **kwargs)


def test_a_load_waited_for_leaves_its_cache_entry_to_the_app(tmp_path):
    path = write_kb(tmp_path, ONE_RELATION)
    load = _Load(path, (MAX_BYTES, MAX_TOTAL_BYTES), lambda: None, waited_for=True)
    load.start()
    assert load.wait(10)
    kb, entry = load.outcome
    assert entry is not None and cache.read_entry(path) is None  # for after the first frame
    entry.write()
    assert cache.read_entry(path) == kb


def test_a_load_no_longer_waited_for_writes_its_own_cache_entry(tmp_path, monkeypatch):
    held = HeldLoad(monkeypatch, (0, 1, "reading"))
    path = write_kb(tmp_path, ONE_RELATION)
    load = _Load(path, (MAX_BYTES, MAX_TOTAL_BYTES), lambda: None, waited_for=True)
    load.start()
    assert not load.wait(0)
    held.release.set()
    assert load.finished.wait(10)
    kb, entry = load.outcome
    assert entry is None and cache.read_entry(path) == kb
    assert load.progress == (1, 1, "writing the cache")


def test_a_load_not_waited_for_writes_its_own_cache_entry(tmp_path):
    path = write_kb(tmp_path, ONE_RELATION)
    finished = threading.Event()
    load = _Load(path, (MAX_BYTES, MAX_TOTAL_BYTES), finished.set, waited_for=False)
    load.start()
    assert finished.wait(10) and load.finished.is_set()
    kb, entry = load.outcome
    assert entry is None and cache.read_entry(path) == kb


async def test_a_small_file_that_loads_slowly_goes_on_behind_the_loading_screen(
    tmp_path, monkeypatch, explorer, settle
):
    """A small YAML naming very long source texts: the first frame does not wait for it."""
    monkeypatch.setattr(app_module, "AT_ONCE_WAIT_SECONDS", 0.01)
    held = HeldLoad(monkeypatch, (2, 5, "reading source texts"))
    app = StakeholderApp(write_kb(tmp_path, ONE_RELATION))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, LoadingScreen))
        loading = app.screen
        bar = loading.query_one(ProgressBar)
        await settle(pilot, lambda: (bar.progress, bar.total) == (2, 5))
        assert str(loading.query_one("#loading-stage", Static).content) == "reading source texts"
        held.release.set()
        screen = await explorer(pilot)
        assert app.screen_stack == [app.screen_stack[0], screen]  # the loading screen went
        assert set(app.knowledge_base.actor_by_id) == {"haftar", "italy"}


async def test_quitting_while_a_file_loads_leaves_at_once(tmp_path, monkeypatch, settle):
    monkeypatch.setattr(app_module, "LOAD_AT_ONCE_BYTES", 0)
    held = HeldLoad(monkeypatch, (0, 1, "reading"))
    app = StakeholderApp(write_kb(tmp_path, ONE_RELATION))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, LoadingScreen))
        await pilot.press("q")
        await settle(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0
    held.release.set()  # the load thread ends on its own; it writes nothing


async def test_an_unexpected_error_in_the_load_is_raised_not_left_waiting(
    tmp_path, monkeypatch, settle
):
    monkeypatch.setattr(app_module, "LOAD_AT_ONCE_BYTES", 0)

    def broken(path, **kwargs):
        raise RuntimeError("a bug in the loader")

    monkeypatch.setattr(cache, "open_file", broken)
    app = StakeholderApp(write_kb(tmp_path, ONE_RELATION))
    with pytest.raises(RuntimeError, match="a bug in the loader"):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot, lambda: app.return_code is not None)


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


async def test_a_cached_model_is_checked_after_the_first_frame_and_reread_if_wrong(
    tmp_path, monkeypatch, explorer, settle
):
    """A reopen shows the cached model at once and runs its consistency check in a thread
    afterwards (a third of a large reopen); a model that fails it is said and replaced by
    the file's own, read again."""
    path = write_kb(tmp_path, ONE_RELATION)
    cache.load(path)  # the entry to reopen from
    checked = []
    monkeypatch.setattr(
        cache, "consistent", lambda kb: checked.append(threading.current_thread()) and False
    )
    reads = []
    real = app_module.load_knowledge_base
    monkeypatch.setattr(
        app_module, "load_knowledge_base", lambda *a, **k: reads.append(a) or real(*a, **k)
    )
    app = StakeholderApp(path, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        first = app.full_knowledge_base
        await settle(pilot, lambda: any("reloaded" in n.message for n in app._notifications))
        assert reads, "the file was read again"
        assert checked and checked[0] is not threading.main_thread()
        assert [n.title for n in app._notifications][0] == "Cache"
        assert app.full_knowledge_base == first  # the same content, from the file this time


async def test_the_load_thread_prepares_what_the_explorer_reads(tmp_path, monkeypatch, explorer):
    """The indexes, the dispute decisions and the actor list's rows are worked out in the
    load's thread (most of a second on 50k actors), and the list takes those rows."""
    from tui.widgets import actor_list

    monkeypatch.setattr(app_module, "LOAD_AT_ONCE_BYTES", 0)  # as a large file would
    prepared = []
    prepare = actor_list.prepare
    monkeypatch.setattr(
        actor_list,
        "prepare",
        lambda kb, sorting: prepared.append(threading.current_thread()) or prepare(kb, sorting),
    )
    app = StakeholderApp(write_kb(tmp_path, ONE_RELATION), watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        assert prepared and threading.main_thread() not in prepared
        assert "_relations_by_actor" in vars(app.knowledge_base)
        assert actor_list._prepared == []  # taken by the list


def test_actor_rows_prepared_ahead_are_the_rows_built_on_the_spot():
    from tui.loader import bundled_knowledge_base_path, load_knowledge_base
    from tui.widgets import actor_list

    kb = load_knowledge_base(bundled_knowledge_base_path())
    for sorting in actor_list.SortOrder:
        fresh = actor_list._built_rows(kb, sorting, None, ahead=False)
        actor_list.prepare(kb, sorting)
        assert actor_list._built_rows(kb, sorting, None) == fresh
        assert actor_list._prepared == []
    actor_list.prepare(kb, actor_list.SortOrder.NAME)  # another order: built on the spot
    assert actor_list._built_rows(kb, actor_list.SortOrder.KIND, None) == actor_list._built_rows(
        kb, actor_list.SortOrder.KIND, None, ahead=False
    )
    actor_list._prepared.clear()


async def test_a_large_file_with_a_current_cache_entry_opens_straight_into_the_explorer(
    tmp_path, monkeypatch, explorer
):
    """No loading screen flashing before the explorer: the entry is read before the first
    frame (for at most CACHED_WAIT_SECONDS)."""
    monkeypatch.setattr(app_module, "LOAD_AT_ONCE_BYTES", 0)  # as a large file would
    shown = []
    monkeypatch.setattr(LoadingScreen, "on_mount", lambda self: shown.append(self), raising=False)
    path = write_kb(tmp_path, ONE_RELATION)
    cache.load(path)
    app = StakeholderApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        assert app.screen_stack == [screen]
        assert app.knowledge_base == cache.read_entry(path)
    assert shown == []


async def test_a_large_file_whose_cache_entry_is_stale_shows_the_loading_screen_at_once(
    tmp_path, monkeypatch, explorer
):
    monkeypatch.setattr(app_module, "LOAD_AT_ONCE_BYTES", 0)
    monkeypatch.setattr(app_module, "CACHED_WAIT_SECONDS", 30)  # never waited for
    shown = []
    monkeypatch.setattr(LoadingScreen, "on_mount", lambda self: shown.append(self), raising=False)
    path = write_kb(tmp_path, ONE_RELATION)
    cache.load(path)
    path.write_text(path.read_text().replace("Khalifa Haftar", "K. Haftar"))
    held = HeldLoad(monkeypatch, (0, 1, "reading"))
    app = StakeholderApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert len(shown) == 1  # up while the load is held
        held.release.set()
        await explorer(pilot)
        assert app.knowledge_base.actor_by_id["haftar"].name == "K. Haftar"


async def test_a_cached_reopen_slower_than_its_wait_goes_on_behind_the_loading_screen(
    tmp_path, monkeypatch, explorer, settle
):
    monkeypatch.setattr(app_module, "LOAD_AT_ONCE_BYTES", 0)
    monkeypatch.setattr(app_module, "CACHED_WAIT_SECONDS", 0.01)
    path = write_kb(tmp_path, ONE_RELATION)
    cache.load(path)
    release = threading.Event()
    read_entry = cache.read_entry

    def held(*args, **kwargs):
        assert release.wait(10), "the test never released the read"
        return read_entry(*args, **kwargs)

    monkeypatch.setattr(cache, "read_entry", held)
    app = StakeholderApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, LoadingScreen))
        release.set()
        await explorer(pilot)
        assert app.knowledge_base == read_entry(path)


async def test_a_damaged_cache_entry_is_never_shown(tmp_path, monkeypatch, explorer):
    """Damage that still decodes is caught by the checksum before the first frame: the
    explorer shows the file's own model."""
    monkeypatch.setattr(app_module, "LOAD_AT_ONCE_BYTES", 0)  # a reopen of a large file
    monkeypatch.setattr(cache, "CHECKSUM_BESIDE_BYTES", 0)  # summed in a thread, as there
    path = write_kb(tmp_path, ONE_RELATION)
    cache.load(path)
    entry = cache.entry_path(path)
    entry.write_bytes(entry.read_bytes().replace(b"Khalifa Haftar", b"Khalifa Hafter"))
    app = StakeholderApp(path, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        assert app.full_knowledge_base.actor_by_id["haftar"].name == "Khalifa Haftar"
