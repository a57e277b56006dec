"""Live reload (issue 17, item 6): an edit made in another editor shows within a second, the
selection kept; a file that no longer checks shows its problems over the last good version,
and the app recovers once it is fixed; the app's own saves are not read back as edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import StakeholderApp
from tui.loader import bundled_knowledge_base_path
from tui.screens.explorer import ExplorerScreen
from tui.screens.problems import ProblemsScreen
from tui.widgets.actor_detail import ActorDetail

BUNDLED = Path(bundled_knowledge_base_path())
pytestmark = pytest.mark.skipif(not BUNDLED.is_file(), reason="no bundled knowledge base")


async def within_seconds(pilot, condition, seconds: float = 5.0) -> None:
    """Wait for ``condition`` in short pauses (the file watcher runs in real time)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("not within the time")


def italy(app: StakeholderApp) -> str:
    return app.full_knowledge_base.actor_by_id["italy"].name


async def test_an_outside_edit_shows_and_the_selection_stays(copy, explorer, settle):
    text = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"pinot", "enter")
        await settle(pilot, lambda: screen.actor_id == "roberta-pinotti")
        copy.write_text(text.replace("name: Italy\n", "name: Italia\n", 1), encoding="utf-8")
        await within_seconds(pilot, lambda: italy(pilot.app) == "Italia")
        detail = screen.query_one(ActorDetail)
        await settle(pilot, lambda: "affiliated with Italia" in detail.text)
        assert screen.actor_id == "roberta-pinotti"


async def test_a_broken_file_shows_its_problems_then_recovers(copy, explorer, settle):
    text = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        copy.write_text(text.replace("target: roberta-pinotti", "target: nobody", 1),
                        encoding="utf-8")
        await within_seconds(pilot, lambda: isinstance(pilot.app.screen, ProblemsScreen))
        report = pilot.app.screen.report
        assert f"{copy}:" in report and "nobody" in report
        assert italy(pilot.app) == "Italy"  # the last good version stays under it
        copy.write_text(text, encoding="utf-8")
        await within_seconds(pilot, lambda: pilot.app.screen is screen)
        assert pilot.app._problems_shown is None


async def test_a_source_edit_reloads_too_and_own_saves_do_not(copy, explorer, settle):
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        app = pilot.app
        assert app._is_own_write({copy.resolve()})  # as loaded: nothing new
        source = next(copy.parent.glob("sources/*"))
        source.write_text(source.read_text(encoding="utf-8").replace("Haftar", "Hafter", 1),
                          encoding="utf-8")
        # A quote no longer in the source: the file does not check any more.
        await within_seconds(pilot, lambda: isinstance(app.screen, ProblemsScreen))


async def test_no_watch_leaves_the_file_alone(copy, explorer, settle):
    text = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy, watch=False).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        copy.write_text(text.replace("name: Italy\n", "name: Italia\n", 1), encoding="utf-8")
        for _ in range(20):
            await pilot.pause(0.05)
        assert italy(pilot.app) == "Italy"
        await pilot.press("ctrl+l")  # by hand, it reloads
        await within_seconds(pilot, lambda: italy(pilot.app) == "Italia")
        assert isinstance(pilot.app.screen, ExplorerScreen) and pilot.app.screen is screen


async def test_a_slow_reload_shows_its_progress_over_the_last_good_version(
    copy, explorer, settle, monkeypatch
):
    """The loader is held mid-way (as a 25 MB file would keep it busy): the progress line
    says what it is doing while the explorer stays usable, and goes once it is done."""
    import threading

    import tui.app
    from tui.widgets.actor_list import ActorList
    from tui.widgets.reload_bar import ReloadBar

    release = threading.Event()
    real_load = tui.app.load_knowledge_base

    def held_load(path, *, progress=None, **limits):
        if progress is not None:
            progress(40, 100, "checking")
            release.wait(10)
        return real_load(path, progress=progress, **limits)

    monkeypatch.setattr(tui.app, "load_knowledge_base", held_load)
    async with StakeholderApp(copy, watch=False).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        bar = screen.query_one(ReloadBar)
        assert not bar.display
        await pilot.press("ctrl+l")
        await settle(pilot, lambda: bar.display and bar.children)
        assert "Reloading actors.yaml: checking" in str(
            bar.query_one("#reload-stage").render()
        )
        # The bar itself shows from the report after it is mounted (a tick later).
        await settle(pilot, lambda: bar.query_one("ProgressBar").percentage is not None)
        assert bar.query_one("ProgressBar").percentage == pytest.approx(0.4)
        actors = screen.query_one(ActorList)
        before = screen.actor_id
        await pilot.press("down")  # the last good version is still there to use
        await settle(pilot, lambda: screen.actor_id != before)
        release.set()
        await settle(pilot, lambda: not bar.display)
        assert actors is screen.query_one(ActorList)  # the panes were refilled in place


async def test_a_saved_change_refills_the_panes_in_place_and_keeps_the_focus(
    copy, explorer, settle
):
    from tui.changes import Change
    from tui.edit import update_item
    from tui.widgets.relation_table import RelationTable

    async with StakeholderApp(copy, watch=False).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"pinot", "enter")
        await settle(pilot, lambda: screen.actor_id == "roberta-pinotti")
        table = screen.query_one(RelationTable)
        table.focus()
        await pilot.pause()
        claim = table.item
        pilot.app.change_file(Change(
            "a summary", lambda text: update_item(text, "relations", claim.id,
                                                  {"summary": "Changed in place."})))
        await settle(pilot, lambda: screen.unfiltered.relation_by_id[claim.id].summary
                     == "Changed in place.")
        await settle(pilot, lambda: not pilot.app._writing)
        assert screen.query_one(RelationTable) is table and screen.focused is table
        assert table.item == claim and screen.actor_id == "roberta-pinotti"


async def test_a_changed_source_text_says_how_to_re_anchor_its_quotes(copy, explorer, settle):
    async with StakeholderApp(copy, watch=False).run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        app = pilot.app
        source = next(copy.parent.glob("sources/*"))
        source.write_text(source.read_text(encoding="utf-8").replace(
            "adminstration", "administration"), encoding="utf-8")
        app.action_reload()
        await settle(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        report = app.screen.report
        # As `check` prints it: the pin first, the candidates, and the command to apply them.
        assert report.index("does not match its `sha256`") < report.index("is not in source")
        assert "candidate 1, score" in report and "fix --review" in report


async def test_an_edit_before_the_watcher_starts_is_read_too(copy, explorer, settle, monkeypatch):
    """The watcher starts a moment after the explorer is up (not in its first frame): a
    file written in between is caught by its modification time when it starts."""
    import tui.app

    monkeypatch.setattr(tui.app, "WATCH_DELAY_SECONDS", 1.0)
    text = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        assert not pilot.app._changed_since_read(pilot.app._watched_files())
        copy.write_text(text.replace("name: Italy\n", "name: Italia\n", 1), encoding="utf-8")
        assert pilot.app._changed_since_read(pilot.app._watched_files())
        await within_seconds(pilot, lambda: italy(pilot.app) == "Italia")


async def test_a_reload_asked_for_during_another_waits_and_runs_only_if_the_file_changed(
    copy, explorer, settle, monkeypatch
):
    """One reload at a time (two would each read the whole file, at half the speed): one
    asked for meanwhile (the watcher seeing the very edit being read) runs after it, and
    only if the file changed since that one read it."""
    import threading

    import tui.app

    release = threading.Event()
    real_load = tui.app.load_knowledge_base
    loads: list[str] = []

    def held_load(path, **kwargs):
        loads.append(path.read_text(encoding="utf-8"))
        release.wait(10)
        return real_load(path, **kwargs)

    monkeypatch.setattr(tui.app, "load_knowledge_base", held_load)
    text = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy, watch=False).run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        app = pilot.app
        app.action_reload()
        await settle(pilot, lambda: len(loads) == 1)
        app.action_reload(quietly=True)  # the same file: nothing more to read
        release.set()
        await settle(pilot, lambda: not app._reloading)
        assert len(loads) == 1
        release.clear()
        app.action_reload()
        await settle(pilot, lambda: len(loads) == 2)
        copy.write_text(text.replace("name: Italy\n", "name: Italia\n", 1), encoding="utf-8")
        app.action_reload(quietly=True)  # changed while the other read it: read again
        release.set()
        await settle(pilot, lambda: italy(app) == "Italia")
        assert len(loads) == 3 and "name: Italia\n" in loads[2]
