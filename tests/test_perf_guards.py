"""Guards on what makes a large knowledge base slow, checked by counting, never by timing.

`make bench` measures the times. These tests catch the regressions that would make the
work of one keystroke grow with the size of the data (10,000 actors, 50,000 quotes): text
folded again, a list rebuilt, an index rebuilt, a result list filled with every match; and
a cache that would serve stale text. Drawing only the rows in view is covered in
tests/test_app_widgets.py; the cache's stamps, corruption and rebuilds in tests/test_cache.py.
"""

from __future__ import annotations

import dataclasses
import gc
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_kb import explorer_kb
from textual.widgets import Footer, Input

import tui.search
from tests.kb_files import ONE_RELATION, write_kb
from tests.search_kb import synthetic_kb
from tui import cache
from tui.app import YOUNG_GENERATION_THRESHOLD, StakeholderApp
from tui.loader import LoadError, load_knowledge_base
from tui.model import KnowledgeBase
from tui.screens.search import MAX_RESULTS, SearchScreen
from tui.search import SearchIndex
from tui.widgets.actor_list import ActorList
from tui.widgets.items import evidence_of, items_of
from tui.widgets.relation_table import RelationTable
from tui.widgets.search_results import SearchResults

SIZE = (80, 24)

@pytest.fixture(scope="module")
def big_kb() -> KnowledgeBase:
    return synthetic_kb()  # 10,000 actors, 50,000 relations, 1,000 stances


@pytest.fixture(scope="module")
def big_index(big_kb) -> SearchIndex:
    return SearchIndex(big_kb)


def calls_to(monkeypatch, owner, name: str) -> list[dict]:
    """Record every call to ``owner.name`` from now on, as its arguments by name."""
    calls: list[dict] = []
    original = getattr(owner, name)
    signature = inspect.signature(original)

    def spy(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        calls.append(bound.arguments)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return calls


# --- search -----------------------------------------------------------------------------


def test_a_search_folds_its_query_not_the_entries(monkeypatch, big_index):
    folded = calls_to(monkeypatch, tui.search, "fold")
    for query in ("ceasefire talks", "qzx", "the"):
        big_index.search(query, limit=MAX_RESULTS + 1)
    assert [call["text"] for call in folded] == ["ceasefire talks", "qzx", "the"]


def test_names_that_fill_the_results_leave_texts_and_quotes_unscanned(monkeypatch, big_index):
    scans = calls_to(monkeypatch, tui.search._LongMatcher, "find")
    hits = big_index.search("1", limit=20)  # the index in every name: "… 1", "… 10", …
    assert len(hits) == 20 and {hit.kind for hit in hits} == {"actor"}
    assert scans == []


async def test_the_overlay_asks_for_one_page_of_a_query_matching_everything(
    monkeypatch, big_kb, big_index, explorer, settle
):
    assert len(big_index.search("the", limit=100_000)) > 10 * MAX_RESULTS
    searched = calls_to(monkeypatch, SearchIndex, "search")
    app = StakeholderApp(knowledge_base=big_kb)
    async with app.run_test(size=SIZE) as pilot:
        await explorer(pilot)
        await pilot.press("slash")
        await settle(pilot, lambda: isinstance(app.screen, SearchScreen))
        screen = app.screen
        await pilot.press("t", "h", "e")
        await settle(pilot, lambda: screen.query_one(Input).value == "the")
        await settle(pilot, lambda: screen.query_one(SearchResults).hit_count == MAX_RESULTS)
    assert searched and all(call["limit"] == MAX_RESULTS + 1 for call in searched)


async def test_the_search_index_is_built_once_for_every_opening(monkeypatch, explorer, settle):
    built: list[KnowledgeBase] = []

    class CountedIndex(SearchIndex):
        def __init__(self, kb: KnowledgeBase) -> None:
            built.append(kb)
            super().__init__(kb)

    monkeypatch.setattr(tui.search, "SearchIndex", CountedIndex)  # imported on first use
    app = StakeholderApp(knowledge_base=synthetic_kb(200, 400, 20))
    async with app.run_test(size=SIZE) as pilot:
        explorer_screen = await explorer(pilot)
        for _ in range(3):
            await pilot.press("slash")
            await settle(pilot, lambda: isinstance(app.screen, SearchScreen))
            await pilot.press("escape")
            await settle(pilot, lambda: app.screen is explorer_screen)
    assert len(built) == 1


# --- the explorer -----------------------------------------------------------------------


async def test_a_cursor_move_draws_the_view_and_fills_in_the_new_actor_only(
    monkeypatch, big_kb, explorer, settle
):
    async with StakeholderApp(knowledge_base=big_kb).run_test(size=SIZE) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        table = screen.query_one(RelationTable)
        rebuilt = calls_to(monkeypatch, ActorList, "_rebuild")
        drawn = calls_to(monkeypatch, ActorList, "render_line")
        rows_added = calls_to(monkeypatch, RelationTable, "_texts_of")
        for _ in range(3):
            target = next(
                actor
                for actor in map(actors.actor_at, range(actors.cursor_row + 1, actors.row_count))
                if actor is not None
            )
            await pilot.press("down")
            await settle(pilot, lambda: table.actor_id == screen.actor_id == target)  # noqa: B023
            await pilot.pause()
            height = actors.scrollable_content_region.height
            assert rebuilt == []
            assert len(rows_added) == len(items_of(big_kb, screen.actor_id))
            assert len(drawn) <= 4 * height  # a repaint of the view at most, never the list
            rows_added.clear()
            drawn.clear()


async def test_an_actor_with_thousands_of_relations_styles_only_the_rows_in_view(
    monkeypatch, big_kb, explorer, settle
):
    """The columns are as wide as their widest cell, but only the rows on screen get their
    texts made (the widths are measured from the relations' distinct values), and only
    they are made into styled cells and lines."""
    hub = big_kb.actors[0].id
    relations = tuple(
        dataclasses.replace(relation, source=hub) if index < 3000 and relation.target != hub
        else relation
        for index, relation in enumerate(big_kb.relations)
    )
    kb = dataclasses.replace(big_kb, relations=relations)
    async with StakeholderApp(knowledge_base=kb).run_test(size=SIZE) as pilot:
        screen = await explorer(pilot)
        table = screen.query_one(RelationTable)
        texts = calls_to(monkeypatch, RelationTable, "_texts_of")
        styled = calls_to(monkeypatch, RelationTable, "_cells")
        screen.actor_id = hub
        await settle(pilot, lambda: table.actor_id == hub)
        await pilot.pause()
        assert table.row_count >= 3000
        others = sum(item.kind != "relation" for item in table.items)  # measured from texts
        assert 0 < len(texts) <= table.scrollable_content_region.height + others
        assert 0 < len(styled) <= table.scrollable_content_region.height


async def test_the_explorer_fills_the_relations_once_at_start(monkeypatch, explorer):
    """The panes are bound to the first actor from the start: no empty fill then a second
    one, and a resize at start does not fill the table again."""
    kb = explorer_kb()
    filled = calls_to(monkeypatch, RelationTable, "_repopulate")
    async with StakeholderApp(knowledge_base=kb).run_test(size=SIZE) as pilot:
        screen = await explorer(pilot)
        await pilot.pause()
        assert [call["self"].actor_id for call in filled] == [screen.actor_id]
        assert screen.actor_id == screen.query_one(ActorList).first_actor_id()


def _single_quote_neighbours(actors: ActorList, kb: KnowledgeBase) -> int:
    """A row whose actor, like the actor on the next actor row, has a first item with one
    quote: moving between them leaves every key's availability as it was."""

    def one_quote(row: int) -> bool:
        actor_id = actors.actor_at(row)
        items = items_of(kb, actor_id) if actor_id is not None else []
        return bool(items) and len(evidence_of(kb, items[0])) == 1

    return next(row for row in range(actors.row_count - 1) if one_quote(row) and one_quote(row + 1))


async def test_a_cursor_move_that_changes_no_key_leaves_the_footer_alone(
    monkeypatch, big_kb, explorer, settle
):
    async with StakeholderApp(knowledge_base=big_kb).run_test(size=SIZE) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        row = _single_quote_neighbours(actors, big_kb)
        screen.actor_id = actors.actor_at(row)
        await settle(pilot, lambda: actors.cursor_row == row)
        await pilot.pause()
        recomposed = calls_to(monkeypatch, Footer, "recompose")
        await pilot.press("down")
        await settle(pilot, lambda: screen.actor_id == actors.actor_at(row + 1))
        await pilot.pause()
        await pilot.pause()
        assert recomposed == []


# --- loading and the cache --------------------------------------------------------------


@pytest.mark.parametrize("collecting", [True, False])
def test_loading_leaves_the_garbage_collector_as_it_found_it(tmp_path, collecting):
    good = write_kb(tmp_path, ONE_RELATION, name="good.yaml")
    bad = write_kb(tmp_path, ONE_RELATION.replace("polarity: 1", "polarity: 9"), name="bad.yaml")
    was_enabled = gc.isenabled()
    try:
        gc.enable() if collecting else gc.disable()
        load_knowledge_base(good)
        assert gc.isenabled() is collecting
        with pytest.raises(LoadError):
            load_knowledge_base(bad)
        assert gc.isenabled() is collecting
    finally:
        gc.enable() if was_enabled else gc.disable()


def test_an_edited_source_text_is_read_again(tmp_path):
    path = write_kb(tmp_path, ONE_RELATION)
    cache.load(path)
    source = tmp_path / "s1.txt"
    source.write_text(source.read_text() + "Italy said nothing more.\n")
    reloaded = cache.load(path)
    assert reloaded.source_by_id["s1"].text.endswith("Italy said nothing more.\n")
    assert cache.read_entry(path).source_by_id["s1"].text.endswith("nothing more.\n")


def test_an_edit_that_keeps_the_size_of_the_yaml_is_noticed(tmp_path):
    path = write_kb(tmp_path, ONE_RELATION)
    cache.load(path)
    written = path.stat()
    path.write_text(path.read_text().replace("name: Italy", "name: Itali"))
    assert path.stat().st_size == written.st_size
    # A later modification time, as any edit gives (set here: file systems differ in grain).
    later = written.st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(later, later))
    assert cache.load(path).actor_by_id["italy"].name == "Itali"


async def test_the_app_tunes_the_collector_while_it_runs_and_restores_it(explorer):
    before = gc.get_threshold()
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=SIZE) as pilot:
        await explorer(pilot)
        assert gc.get_threshold()[0] == YOUNG_GENERATION_THRESHOLD
    assert gc.get_threshold() == before


def test_start_up_imports_only_what_the_first_screen_needs():
    """Search, help, the analyst views, PyYAML and msgspec load on first use, not with the
    app, nor with the bench's probes (its start-up child imports them beside the app)."""
    later = (
        "tui.search tui.screens.search tui.screens.help tui.analysis tui.export msgspec yaml "
        "hashlib json calendar tui.screens.loading"
    )
    probe = (
        "import sys, tui.app, tui.cli, bench.probes; "
        f"print(*(m for m in {later!r}.split() if m in sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == []


def test_the_cli_imports_textual_out_of_the_collectors_way():
    """What the import makes lives as long as the app: it is frozen, never walked by an
    older generation's collection, and the collector is on again once the app is built."""
    probe = (
        "import gc, sys; from pathlib import Path; from tui.cli import explorer_app; "
        "assert 'textual.app' not in sys.modules; "
        "count = lambda: sum(older['collections'] for older in gc.get_stats()[1:]); "
        "collections = count(); "
        "app = explorer_app(Path('data/actors.yaml')); "
        "print(gc.isenabled(), gc.get_freeze_count(), count() - collections, type(app).__name__)"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    enabled, frozen, collections, app = done.stdout.split()
    assert (enabled, collections, app) == ("True", "0", "StakeholderApp")
    assert int(frozen) > 40_000


def test_a_start_from_the_cache_never_imports_pyyaml(tmp_path):
    """Reading the cache is msgspec's job; PyYAML (7 ms to import) is for parsing only."""
    folder = tmp_path / "kb"
    folder.mkdir()
    path = write_kb(folder, ONE_RELATION)
    probe = (
        "import sys; from tui import cache; "
        f"kb, unsaved = cache.open_file({str(path)!r}); "
        "print(unsaved is None, 'yaml' in sys.modules, len(kb.relations))"
    )
    env = dict(os.environ, STAKEHOLDERS_CACHE_DIR=str(tmp_path / "cache"))
    run = [sys.executable, "-c", probe]
    cache_miss = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert cache_miss.stdout.split() == ["False", "True", "1"]  # parsed, entry not written
    with_entry = run[:2] + [probe.replace("print(", "unsaved.write(); print(", 1)]
    subprocess.run(with_entry, env=env, capture_output=True, text=True, check=True)
    cache_hit = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert cache_hit.stdout.split() == ["True", "False", "1"]


@pytest.mark.parametrize("child", [["minimal"], ["panes"], ["explorer", "data/actors.yaml"]])
def test_each_start_up_child_of_the_bench_reaches_its_first_full_screen(child, tmp_path):
    """The harness itself runs (it times nothing here): each child prints the clock
    reading of its first full screen."""
    printed = bench_child(["bench.startup", *child], cache=tmp_path, timeout=120)
    assert float(printed.strip().splitlines()[-1]) > 0


def bench_child(module_and_args: list[str], *, cache: Path, timeout: float) -> str:
    """What ``python -m MODULE ARGS...`` of the bench prints, run from the project's root
    with its own cache directory."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, STAKEHOLDERS_CACHE_DIR=str(cache))
    done = subprocess.run(
        [sys.executable, "-m", *module_and_args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    return done.stdout


def test_the_bench_session_runs_every_interaction_on_a_generated_kb(tmp_path):
    """The harness itself runs (it times nothing here): on a small generated knowledge base
    with its hubs, each interaction reaches its result on screen."""
    from bench.generate import HUBS, generate

    path = generate(tmp_path / "kb", actors=60, relations=300)
    printed = bench_child(
        ["bench.interact", "session", str(path), "1"], cache=tmp_path / "cache", timeout=300
    )
    session = json.loads(printed)
    assert session["busiest_rows"] >= 300 // 10 // HUBS
    assert len(session["onto_busiest"]) == 1 and len(session["cursor"]) == 25
    assert all(latency > 0 for latency in session["cursor"] + session["search"])


async def test_a_focus_change_between_panes_restyles_each_of_their_nodes_once(
    explorer, monkeypatch
):
    # A :focus-within rule on a pane that takes focus itself restyles it and its scrollbars
    # a second time on every focus change (and twice at start-up). Only the source pane,
    # whose text takes the focus, needs one; it is left out here.
    from textual.css.stylesheet import Stylesheet

    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        restyled: list[object] = []
        real_apply = Stylesheet.apply

        def apply(self, node, *args, **kwargs):
            restyled.append(node)
            return real_apply(self, node, *args, **kwargs)

        monkeypatch.setattr(Stylesheet, "apply", apply)
        screen = pilot.app.screen
        panes = [screen.query_one(f"#{pane}") for pane in ("actors", "relations", "detail",
                                                           "source")]
        in_panes = {id(node) for pane in panes for node in pane.walk_children(with_self=True)}
        for key in ("2", "3", "1"):
            restyled.clear()
            await pilot.press(key)
            await pilot.pause()
            # (The footer's keys, composed anew for the focused pane's bindings, are not
            # counted: only the panes' own widgets and their scrollbars.)
            panes_restyled = [node for node in restyled if id(node) in in_panes or (
                node.parent is not None and id(node.parent) in in_panes)]
            assert panes_restyled, key
            assert len(panes_restyled) == len(set(map(id, panes_restyled))), (key, panes_restyled)
