"""The Textual application: load a knowledge base, then explore it."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import math
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from time import perf_counter, time_ns
from typing import TYPE_CHECKING, ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer

from . import (
    cache,
    settings,
    views,  # each view's modules load on first use (see views/__init__.py)
)
from .changes import Change, Done, FileChanges, Focus
from .edit import ChangeRefused
from .files import Stamp, stamp_or_none
from .filters import Filters, UndatedHidden, apply, undated_hidden
from .keys import KeysInOrder
from .loader import (
    MAX_BYTES,
    MAX_TOTAL_BYTES,
    LoadError,
    collector_paused,
    load_knowledge_base,
)
from .model import KnowledgeBase
from .sanitize import display
from .screens.explorer import ExplorerScreen
from .widgets.actor_list import ActorList, SortOrder
from .widgets.relation_table import RelationSort, RelationTable

if TYPE_CHECKING:
    # Imported where first used: neither is needed for the first frame of a small file.
    from .screens.capture import Capture, ClaimEdit
    from .screens.loading import LoadingScreen
    from .search import SearchIndex
    from .sources_add import SourceFields
    from .widgets.reload_bar import ReloadBar

DEFAULT_THEME = "textual-dark"
LOAD_AT_ONCE_BYTES = 256 * 1024
"""A knowledge-base file smaller than this is waited for before the first frame (for at most
AT_ONCE_WAIT_SECONDS), so that it opens straight into the explorer; a larger one shows the
loading screen at once."""
AT_ONCE_WAIT_SECONDS = 0.2
"""How long a small file may take before its first frame: past this (a small YAML naming
very long source texts), it goes on loading behind the loading screen."""
CACHED_WAIT_SECONDS = 0.6
"""How long a reopen of a larger file from a valid cache entry may take before its first
frame: a reopen that is ready by then shows the explorer as its first frame, with no
loading screen flashing before it; a slower one shows the loading screen after it."""
PROGRESS_PERIOD_SECONDS = 1 / 20
"""How often the loading screen shows the load's latest progress."""
# The file watcher starts this long after the explorer is shown, not before its first
# frame: importing and starting it is about 15 ms of a 300 ms start. A file written in
# between is caught by its modification time when the watcher starts.
WATCH_DELAY_SECONDS = 0.5
RELOAD_SHOWN_AFTER = 0.2  # seconds of a reload before its progress line shows
YOUNG_GENERATION_THRESHOLD = 10_000


def _size_of(path: Path | None) -> float:
    """The file's size, or infinity when it cannot be read (the load reports why)."""
    try:
        return path.stat().st_size if path is not None else math.inf
    except OSError:
        return math.inf


class _Load:
    """``_Load(path, (max_bytes, max_total_bytes), on_finish, waited_for=...).start()``
    opens a knowledge base in a thread of its own. The UI thread reads its latest
    ``progress`` and, once ``finished`` is set (and ``on_finish()`` called, from the load's
    thread), its ``outcome``: the model and its cache entry still to write, or the error it raised.

    A load the app waits for (``waited_for``, then ``wait``) leaves the cache entry to the
    app, to write after the first frame. Otherwise, or once the app has stopped waiting,
    the load writes the entry itself before it finishes, behind the loading screen:
    encoding a large model holds the interpreter for a while, and the explorer should not
    freeze just as it appears.
    """

    def __init__(
        self,
        path: Path,
        limits: tuple[int, int],
        on_finish: Callable[[], object],
        *,
        waited_for: bool,
        prepare: Callable[[KnowledgeBase], object] = KnowledgeBase.indexed,
    ) -> None:
        self.path = path
        self.max_bytes, self.max_total_bytes = limits
        self.on_finish = on_finish  # called from the load's thread, once finished
        self.prepare = prepare  # called from the load's thread with the model, once loaded
        self.progress: tuple[int, int, str] = (0, 1, "starting")
        self.stamp: Stamp | None = None  # the file's, if it did not change while loaded
        self.outcome: tuple[KnowledgeBase, cache.UnsavedEntry | None] | Exception | None = None
        # Read from the cache without its consistency check: the app runs it in a thread
        # once the explorer is up, and reads the file again if it fails.
        self.unchecked = False
        self.finished = threading.Event()
        self._lock = threading.Lock()  # who writes the entry is decided under it
        self._waited_for = waited_for
        # A daemon: quitting while a large file loads does not wait for the load.
        self._thread = threading.Thread(target=self._run, name="load knowledge base", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, seconds: float) -> bool:
        """Whether the load finished within ``seconds``; if not, it goes on on its own."""
        self.finished.wait(seconds)
        with self._lock:
            self._waited_for = self.finished.is_set()
            return self._waited_for

    def _run(self) -> None:
        try:
            before = stamp_or_none(self.path)
            limits = {"max_bytes": self.max_bytes, "max_total_bytes": self.max_total_bytes}
            with collector_paused():  # as open_file reads an entry: no cycles to find
                kb = cache.read_entry(self.path, **limits, checked=False)
            entry = None
            self.unchecked = kb is not None
            if kb is None:
                kb, entry = cache.open_file(
                    self.path, progress=self._report, cached=False, **limits
                )
            # The model is the file's as it was at both ends of the load, or it is unknown.
            self.stamp = before if before == stamp_or_none(self.path) else None
            # What the explorer reads worked out here, not by the UI thread as it fills
            # the panes (most of a second on 50k actors).
            self.prepare(kb)
            with self._lock:
                if self._waited_for:
                    self._finish((kb, entry))
                    return
            if entry is not None:
                self._report(1, 1, "writing the cache")
                # Not a daemon (a thread made here would inherit that): quitting meanwhile
                # waits for the write, and leaves no half-written file in the cache.
                writer = threading.Thread(
                    target=entry.write, name="write cache entry", daemon=False
                )
                writer.start()
                writer.join()
            self._finish((kb, None))
        except Exception as error:  # a LoadError, or a bug the UI thread raises again
            self._finish(error)

    def _finish(self, outcome: tuple[KnowledgeBase, cache.UnsavedEntry | None] | Exception) -> None:
        self.outcome = outcome
        self.finished.set()
        self.on_finish()

    def _report(self, done: int, total: int, stage: str) -> None:
        self.progress = (done, total, stage)  # one assignment: read whole by the UI thread


class StakeholderApp(KeysInOrder[LoadError | None]):
    """``StakeholderApp(path)`` loads ``path`` first; ``StakeholderApp(knowledge_base=kb)``
    opens an already loaded base. A file that fails to load ends the app with the
    ``LoadError`` as its result and return code 1."""

    CSS_PATH = "app.tcss"
    TITLE = "Stakeholder Explorer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Leave the explorer", id="quit"),
        Binding(
            "F",
            "edit_filters",
            "Filter",
            tooltip="Filter every view by type, polarity, kind, dates, status or text",
            id="filters",
        ),
        Binding("X", "clear_filters", "Clear filters", show=False, tooltip="Drop every filter"),
        Binding("exclamation_mark", "disputes", "Disputes", show=False, id="disputes",
                tooltip="Where sources disagree: both quotes side by side, who says each "
                "and when"),
        Binding("at", "as_of", "As of", show=False, id="as-of",
                tooltip="Show only what held on a day: events up to it, ties valid then, "
                "sources published by then"),
        Binding("u", "undo", "Undo", show=False, tooltip="Undo the last change to the file",
                id="undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, tooltip="Make the undone change again",
                id="redo"),
        Binding("ctrl+l", "reload", "Reload", show=False,
                tooltip="Read the knowledge base file again", id="reload"),
        Binding(
            "e",
            "export",
            "Export",
            show=False,
            tooltip="Write what is shown (filters applied) as JSON, CSV, GEXF, ...",
            id="export",
        ),
    ]

    def __init__(
        self,
        path: Path | None = None,
        *,
        knowledge_base: KnowledgeBase | None = None,
        max_bytes: int = MAX_BYTES,
        max_total_bytes: int = MAX_TOTAL_BYTES,
        read_only: bool = False,
        watch: bool = True,
    ) -> None:
        if path is None and knowledge_base is None:
            raise ValueError("give a path to load or a knowledge base")
        super().__init__()
        self.path = path
        self.max_bytes = max_bytes
        self.max_total_bytes = max_total_bytes
        self.full_knowledge_base = knowledge_base
        self.knowledge_base = knowledge_base  # what the views show: the filters applied
        self.filters = Filters()
        self.undated_hidden = UndatedHidden()  # what the date window hides for want of a date
        self._search_index: Future[SearchIndex] | None = None
        self.read_only = read_only
        self.watch_files = watch and path is not None  # live reload (--no-watch: off)
        self._reading_since_ns = time_ns()  # a file changed after this: read it again
        self._problems_shown: ModalScreen | None = None  # a reload's problems, on show
        self.changes: FileChanges | None = None  # once loaded from a file
        self._writing = False  # a change is being saved: the next waits
        self._reloading = False  # a reload is running: another asked for waits for it
        self._reload_asked: bool | None = None  # meanwhile (its ``quietly``), or None
        self._load: _Load | None = None
        self._load_error: LoadError | None = None
        self._unsaved_entry: cache.UnsavedEntry | None = None
        self._progress_timer: Timer | None = None
        self._collector_thresholds = gc.get_threshold()
        self.settings, self._settings_problem = settings.read_settings()  # said once up
        self._settings_unsaved_said = False
        stored_theme = self.settings.get("theme")
        self.theme = stored_theme if stored_theme in self.available_themes else DEFAULT_THEME

    def search_index_soon(self) -> Future[SearchIndex]:
        """The search index of the knowledge base on show: built on first use, in a thread
        of its own (a second on 50k actors: the search overlay opens meanwhile), and kept
        until the knowledge base or the filters change (one that failed is built again on
        the next search). ``result()`` waits for it. (A plain thread, not a worker: one
        waited for from the UI thread must not need the event loop to start.)"""
        failed = self._search_index is not None and self._search_index.done() and (
            self._search_index.exception() is not None)
        if self._search_index is None or failed:
            if self.knowledge_base is None:
                raise RuntimeError("the knowledge base is not loaded yet")
            kb, soon = self.knowledge_base, Future()

            def build() -> None:
                from .search import SearchIndex

                try:
                    with collector_paused():  # a large index of long-lived objects
                        soon.set_result(SearchIndex(kb))
                except Exception as error:  # for whoever waits for it to say
                    soon.set_exception(error)

            threading.Thread(target=build, name="search index", daemon=True).start()
            self._search_index = soon
        return self._search_index

    class LoadFinished(Message):
        """Posted from the load's thread when it is done."""

    def get_default_screen(self) -> Screen:
        waited = self._first_frame_wait() if self.knowledge_base is None else 0
        if waited:
            # No loading screen to lay out and paint first: a small file, or one with a
            # valid cache entry, opens in one frame; an entry still to write is written
            # once that frame is out.
            self._start_load(waited_for=True)
            if self._load is not None and self._load.wait(waited):
                self._take_outcome(self._load)
        if self.knowledge_base is not None:
            return self._explorer()
        return super().get_default_screen()

    def _first_frame_wait(self) -> float:
        """How long the first frame may wait for the load: 0 shows the loading screen at
        once."""
        if _size_of(self.path) < LOAD_AT_ONCE_BYTES:
            return AT_ONCE_WAIT_SECONDS
        if self.path is not None and cache.entry_is_current(
            self.path, max_bytes=self.max_bytes, max_total_bytes=self.max_total_bytes
        ):
            return CACHED_WAIT_SECONDS
        return 0

    def _explorer(self) -> ExplorerScreen:
        return ExplorerScreen(
            self.knowledge_base,
            self.filters,
            unfiltered=self.full_knowledge_base,
            actor_sort=SortOrder.named(self.settings.get("actor_sort")),
            relation_sort=RelationSort.named(self.settings.get("relation_sort")),
        )

    def on_mount(self) -> None:
        # Each frame makes tens of thousands of short-lived objects; at the default young
        # threshold (700) they are collected dozens of times per keystroke and survivors
        # promoted, which brings a full collection (25-50 ms) every few cursor moves.
        self._collector_thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *self._collector_thresholds[1:])
        if self._settings_problem is not None:
            self.notify(
                display(self._settings_problem), title="Settings", severity="warning", markup=False
            )
        if self._load_error is not None:
            self.exit(self._load_error, 1)
        elif self.knowledge_base is not None:
            self.call_after_refresh(self._write_cache_entry)
            self.set_timer(WATCH_DELAY_SECONDS, self._start_watching)
        else:
            from .screens.loading import LoadingScreen

            loading = LoadingScreen(self.path)
            self.push_screen(loading)
            self._progress_timer = self.set_interval(
                PROGRESS_PERIOD_SECONDS, lambda: self._show_progress(loading)
            )
            if self._load is None:  # a large file: it loads once this screen is out
                self.call_after_refresh(self._start_load, waited_for=False)

    def on_unmount(self) -> None:
        gc.set_threshold(*self._collector_thresholds)  # the process's, as it was

    def _start_load(self, *, waited_for: bool) -> None:
        if self.path is not None:
            self._load = _Load(
                self.path,
                (self.max_bytes, self.max_total_bytes),
                lambda: self.post_message(self.LoadFinished()),
                waited_for=waited_for,
                prepare=self._prepare,
            )
            self._load.start()

    def _show_progress(self, loading: LoadingScreen) -> None:
        if self._load is not None:
            loading.set_progress(*self._load.progress)

    def on_stakeholder_app_load_finished(self) -> None:
        if self._load is None or not self._load.finished.is_set():
            return  # taken before the first frame
        if self._progress_timer is not None:
            self._progress_timer.stop()
        self._take_outcome(self._load)
        if self._load_error is not None:
            self.exit(self._load_error, 1)
        elif self.knowledge_base is not None:
            # The load wrote its cache entry itself: the app was no longer waiting for it.
            self.switch_screen(self._explorer())
            self._start_watching()

    def _take_outcome(self, load: _Load) -> None:
        self._load = None
        outcome = load.outcome
        if isinstance(outcome, LoadError):
            self._load_error = outcome  # the app ends with it
        elif isinstance(outcome, Exception):
            raise outcome  # a bug: shown, never a loading screen left waiting forever
        elif outcome is not None:
            kb, self._unsaved_entry = outcome
            self.full_knowledge_base = self.knowledge_base = kb
            if load.unchecked:
                self.call_after_refresh(self._check_cached_model, kb)
            self.changes = FileChanges(
                load.path,
                load.stamp,
                kb,
                max_bytes=self.max_bytes,
                max_total_bytes=self.max_total_bytes,
            )

    def _check_cached_model(self, kb: KnowledgeBase) -> None:
        """Run the cache entry's consistency check (``cache.consistent``) in a thread, after
        the first frame; if it fails, say so and read the file again."""

        def check() -> None:
            if not cache.consistent(kb):
                self.call_from_thread(self._cached_model_failed, kb)

        self.run_worker(check, name="check the cached model", thread=True)

    def _cached_model_failed(self, kb: KnowledgeBase) -> None:
        if self.full_knowledge_base is not kb:
            return  # already replaced (a reload or a save)
        self.notify(
            display("The cached copy did not match the file's own rules: reading the file again."),
            title="Cache",
            severity="warning",
            markup=False,
        )
        self.action_reload()

    def _prepare(self, kb: KnowledgeBase, shown: KnowledgeBase | None = None) -> None:
        """In a worker thread, with a model just loaded, saved or reloaded (to replace
        ``shown``): build what the explorer will read of it (every index, the recorded
        dispute decisions, the actor list's rows), so that the UI thread showing it does
        not (most of a second on 50k actors). All of it lives as long as the model: frozen
        out of the collector's reach with it."""
        from . import disputes
        from .widgets import actor_list

        sorting = SortOrder.named(self.settings.get("actor_sort"))
        with collector_paused():
            kb.indexed()
            disputes._decisions(kb)  # its cache of the last model, warmed
            # The rows, where the list builds them again: a claim saved only recounts them.
            if not self.filters.is_active and (
                shown is None or kb.actors is not shown.actors or sorting is SortOrder.RELATIONS
            ):
                actor_list.prepare(kb, sorting)

    def _write_cache_entry(self) -> None:
        """In a thread: encoding a model with long source texts takes a while."""
        entry, self._unsaved_entry = self._unsaved_entry, None
        if entry is not None:
            self.run_worker(entry.write, name="write cache entry", thread=True)

    # --- settings -----------------------------------------------------------------------

    def remember(self, **changes: str) -> None:
        """Save settings the user changed (``remember(theme="nord")``, a key of
        ``settings.Settings``), at once: an app that is killed keeps them too. A file that
        cannot be written is said once, then skipped."""
        updated = settings.Settings(**{**self.settings, **changes})
        if updated == self.settings:
            return
        try:
            self.settings = settings.store(settings.Settings(**changes), self.settings)
        except OSError as error:
            self.settings = updated  # kept for this session
            self._say_settings_unsaved(error)

    def _say_settings_unsaved(self, error: OSError) -> None:
        if self._settings_unsaved_said:
            return
        self._settings_unsaved_said = True
        reason = error.strerror or str(error)
        self.notify(
            display(f"Could not save the settings in {settings.settings_path()}: {reason}."),
            title="Settings",
            severity="warning",
            markup=False,
        )

    def watch_theme(self, theme: str) -> None:
        if self.is_running:  # not the theme read from the settings in __init__
            self.remember(theme=theme)

    def on_actor_list_sort_changed(self, message: ActorList.SortChanged) -> None:
        self.remember(actor_sort=message.sorting.value)

    def on_relation_table_sort_changed(self, message: RelationTable.SortChanged) -> None:
        self.remember(relation_sort=message.sorting.value)

    # --- filters and export, from every screen ------------------------------------------

    def set_filters(self, filters: Filters) -> None:
        """Apply ``filters`` to the knowledge base and show the result on every screen."""
        if self.full_knowledge_base is None or filters == self.filters:
            return
        self.filters = filters
        self.undated_hidden = undated_hidden(self.full_knowledge_base, filters)
        self.knowledge_base = apply(self.full_knowledge_base, filters)
        self._search_index = None
        for screen in self.screen_stack:
            set_data = getattr(screen, "set_data", None)
            if set_data is not None:
                set_data(self.knowledge_base, filters)

    def action_edit_filters(self) -> None:
        if self.knowledge_base is not None:
            screen = views.FilterScreen(self.filters, undated_hidden=self.undated_hidden)
            self.push_screen(screen, self.set_filters)

    def action_clear_filters(self) -> None:
        self.set_filters(Filters())

    def action_as_of(self) -> None:
        if self.knowledge_base is None:
            return

        def chosen(day: str | None) -> None:
            if day is not None:
                self.set_filters(dataclasses.replace(self.filters, as_of=day or None))

        self.push_screen(views.AsOfScreen(self.filters.as_of), chosen)

    def action_disputes(self, pair: frozenset[str] | None = None) -> None:
        """The disputes of what is shown (the filters and the as-of date applied)."""
        from .screens.disputes import DisputesScreen

        if self.knowledge_base is not None:
            self.push_screen(DisputesScreen(self.knowledge_base, pair))

    def action_duplicates(self) -> None:
        """The likely duplicate actors of the whole file (the filters aside)."""
        from .screens.duplicates import DuplicatesScreen

        if isinstance(self.screen, DuplicatesScreen):
            return  # open already: the palette over it does not open another
        if self.full_knowledge_base is not None:
            self.push_screen(DuplicatesScreen(self.full_knowledge_base))

    def action_export(self) -> None:
        if self.knowledge_base is not None:  # the dialog reports what it wrote
            folder = self.settings.get("export_folder")
            screen = views.ExportScreen(self.knowledge_base, self.filters, folder=folder)
            self.push_screen(screen, self._remember_export_folder)

    def _remember_export_folder(self, written: list[Path] | None) -> None:
        if written:
            self.remember(export_folder=str(written[0].absolute().parent))

    # --- changes to the file -----------------------------------------------------------

    def why_read_only(self) -> str | None:
        """Why the file cannot be changed from the app, or None when it can."""
        if self.changes is None:
            return "This knowledge base was not opened from a file: there is nowhere to write."
        if self.read_only:
            return "Opened with --read-only: nothing is written."
        import os

        path = self.changes.path
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            return f"{display(str(path))} or its folder cannot be written by you."
        return None

    def change_file(
        self,
        change: Change,
        *,
        on_refused: Callable[[ChangeRefused], None] | None = None,
        on_saved: Callable[[], None] | None = None,
    ) -> None:
        """Save ``change`` in a thread (checked by the loader's rules: the changed items
        alone when that is certain to give the same result, else the whole file), then show it."""
        self._write(lambda changes: changes.make(change), on_refused, on_saved, "Saved")

    def save_capture(
        self,
        capture: Capture | ClaimEdit,
        on_refused: Callable[[str], None],
        on_saved: Callable[[], None],
    ) -> None:
        """The capture form's Save: a new claim (and its new actors, each at the end of its
        section), or the changed fields of a claim edited, in one change."""
        from . import edit
        from .screens.capture import ClaimEdit

        if isinstance(capture, ClaimEdit):
            change = self._edit_change(
                capture.description, capture.section, capture.claim_id, capture.new_id,
                capture.fields, Focus(capture.actor_id, capture.claim, capture.new_id),
            )
        else:

            def apply(text: str) -> str:
                for section, item in capture.items:
                    text = edit.append_item(text, section, item)
                return text

            focus = Focus(capture.actor_id, capture.claim, capture.claim_id)
            change = Change(f"captured {capture.description}", apply, focus)
        self.change_file(
            change, on_refused=lambda refused: on_refused(refused.report()), on_saved=on_saved
        )

    def _edit_change(
        self,
        description: str,
        section: str,
        old_id: str,
        new_id: str,
        fields: dict,
        focus: Focus,
    ) -> Change:
        """Fields of an item changed in place; a new id rewrites every reference to it."""
        from . import edit

        def apply(text: str) -> str:
            text = edit.update_item(text, section, old_id, fields)
            return edit.rename_references(text, old_id, new_id) if new_id != old_id else text

        return Change(description, apply, focus)

    def save_actor_edit(self, old_id: str, actor: dict) -> None:
        fields = {"name": actor["name"], "kind": actor["kind"], "aliases": actor["aliases"]}
        renamed = f" (now {actor['id']})" if actor["id"] != old_id else ""
        self.change_file(
            self._edit_change(f"edited actor {old_id}{renamed}", "actors", old_id, actor["id"],
                              fields, Focus(actor["id"]))
        )

    def delete_item(self, kind: str, item_id: str, focus: Focus | None) -> None:
        from . import edit

        section = edit.SECTION_OF[kind]
        self.change_file(
            Change(f"deleted {kind} {item_id}",
                   lambda text: edit.remove_item(text, section, item_id), focus)
        )

    def add_quote(self, actor_id: str, kind: str, claim_id: str, entry: dict, caveat: bool) -> None:
        """Add a quote (or a caveat) cut from a source to a claim."""
        from . import edit

        section = edit.SECTION_OF[kind]
        key = "caveats" if caveat else "evidence"
        what = "caveat" if caveat else "quote"
        self.change_file(
            Change(
                f"added a {what} to {kind} {claim_id}",
                lambda text: edit.append_entry(text, section, claim_id, key, entry),
                Focus(actor_id, kind, claim_id),
            )
        )

    def action_add_source(self) -> None:
        """The "Add source..." form; the new source then opens in the source pane."""
        why = self.why_read_only()
        if why is not None:
            self.bell()
            self.notify(why, title="Not available", severity="warning", markup=False)
            return
        from .screens.add_source import AddSourceScreen

        self.push_screen(AddSourceScreen(self.add_source))

    def add_source(
        self,
        path: Path,
        fields: SourceFields,
        on_refused: Callable[[str], None],
        on_saved: Callable[[str], None],
    ) -> None:
        """Copy the text at ``path`` into the sources folder and add its entry, in one
        change (the text is read, checked and copied in the writing thread; a refused entry
        removes the copy again); then show the new source whole in the source pane."""
        from . import edit, sources_add

        added: list[sources_add.NewSource] = []

        def step(changes: FileChanges) -> tuple[KnowledgeBase, Done]:
            kb = changes.kb or self.full_knowledge_base
            try:
                data = sources_add.read_text_file(path, max_bytes=self.max_bytes)
                source = sources_add.prepare(
                    kb, changes.path, data, fields, shown=display(str(path))
                )
                made = sources_add.write_text(source)
            except sources_add.SourceRefused as refused:
                raise ChangeRefused(refused.message) from None
            change = Change(
                f"added source {source.source_id}",
                lambda text: edit.append_item(text, "sources", source.entry),
            )
            try:
                done = changes.make(change)
            except ChangeRefused as refused:
                removed = sources_add.remove_text(source, made)
                message = f"{refused.message}; {sources_add.undone(source, removed)}"
                raise ChangeRefused(message, refused.problems) from None
            added.append(source)
            return done

        def saved() -> None:
            source_id = added[0].source_id
            on_saved(source_id)
            for screen in self.screen_stack:
                if isinstance(screen, ExplorerScreen):
                    screen.show_source(source_id)

        self._write(step, lambda refused: on_refused(refused.report()), saved, "Saved")

    def action_undo(self) -> None:
        self._write(lambda changes: changes.undo(), None, None, "Undone")

    def action_redo(self) -> None:
        self._write(lambda changes: changes.redo(), None, None, "Redone")

    def _write(
        self,
        step: Callable[[FileChanges], tuple[KnowledgeBase, Done]],
        on_refused: Callable[[ChangeRefused], None] | None,
        on_saved: Callable[[], None] | None,
        verb: str,
    ) -> None:
        why = self.why_read_only()
        if why is not None or self.changes is None:
            self._refused(ChangeRefused(why or ""), on_refused)
            return
        if self._writing:
            self._refused(ChangeRefused("A change is being saved: try again."), on_refused)
            return
        self._writing = True
        changes = self.changes
        shown = self.full_knowledge_base

        def run() -> None:
            try:
                kb, done = step(changes)
                self._prepare(kb, shown)
            except ChangeRefused as refused:
                self.call_from_thread(self._refused, refused, on_refused)
            else:
                self.call_from_thread(self._saved, kb, done, verb, on_saved)

        self.run_worker(run, name="save a change", thread=True, group="write")

    def _refused(
        self, refused: ChangeRefused, on_refused: Callable[[ChangeRefused], None] | None
    ) -> None:
        self._writing = False
        if on_refused is not None:
            on_refused(refused)
        else:
            self.notify(display(refused.report(), keep_newlines=True), title="Not written",
                        severity="error", markup=False, timeout=8)

    def _saved(
        self, kb: KnowledgeBase, done: Done, verb: str, on_saved: Callable[[], None] | None
    ) -> None:
        self._writing = False
        if on_saved is not None:
            on_saved()
        self.show_knowledge_base(kb, done.focus)
        name = self.changes.path.name if self.changes is not None else ""
        hint = " (u undoes it)" if verb != "Undone" else " (ctrl+r redoes it)"
        self.notify(display(f"{verb}: {done.description}, in {name}{hint}"), markup=False)

    def show_knowledge_base(self, kb: KnowledgeBase, focus: Focus | None = None) -> None:
        """Show a changed knowledge base on every screen, the filters applied again."""
        self.full_knowledge_base = kb
        self.undated_hidden = undated_hidden(kb, self.filters)
        self.knowledge_base = apply(kb, self.filters)
        self._search_index = None
        place = None
        if focus is not None:
            from .claims import ItemRef
            from .screens.explorer import Place

            item = ItemRef(focus.kind, focus.claim_id) if focus.kind and focus.claim_id else None
            place = Place(focus.actor_id, item, 0)
        for screen in self.screen_stack:
            if isinstance(screen, ExplorerScreen):
                screen.set_data(self.knowledge_base, self.filters, unfiltered=kb, focus=place)
            elif (set_data := getattr(screen, "set_data", None)) is not None:
                set_data(self.knowledge_base, self.filters)

    def _watched_files(self) -> set[Path]:
        """The knowledge base file and its sources, as the system resolves them."""
        from .files import inside

        if self.changes is None:
            return set()
        path = self.changes.path
        found = {path.resolve()}
        for source in (self.full_knowledge_base.sources if self.full_knowledge_base else ()):
            place = inside(path.parent, source.path)
            if place is not None:
                found.add(place)
        return found

    def _start_watching(self) -> None:
        if self.watch_files and self.changes is not None:
            self.run_worker(self._watch(), name="watch files", group="watch", exclusive=True)

    async def _watch(self) -> None:
        """Reload when the file or one of its sources changes on disk (an editor in another
        terminal): within a second, the selection kept where it still exists."""
        from watchfiles import awatch

        # Resolving every source's path takes a while on a large base: not on the UI thread.
        watched = await asyncio.to_thread(self._watched_files)
        folders = sorted({str(place.parent) for place in watched})
        if self._changed_since_read(watched):
            self.action_reload(quietly=True)
        try:
            async for batch in awatch(*folders, debounce=300, step=50, recursive=False):
                touched = {Path(changed).resolve() for _kind, changed in batch} & watched
                if touched and not self._is_own_write(touched):
                    self.action_reload(quietly=True)
                    watched = await asyncio.to_thread(self._watched_files) or watched
        except (OSError, RuntimeError) as error:  # a folder gone, a watch limit reached
            self.notify(display(f"Stopped watching the files: {error}"), severity="warning",
                        markup=False)

    def _changed_since_read(self, watched: set[Path]) -> bool:
        """Whether a watched file was written after the app began reading (before the
        watcher was there to see it), other than by the app's own save."""
        changed = set()
        for place in watched:
            try:
                if place.stat().st_mtime_ns > self._reading_since_ns:
                    changed.add(place)
            except OSError:
                changed.add(place)  # gone: the reload says so
        return bool(changed) and not self._is_own_write(changed)

    def _is_own_write(self, touched: set[Path]) -> bool:
        """Whether the only change is the app's own last save of the file."""
        if self.changes is None or touched != {self.changes.path.resolve()}:
            return False
        return stamp_or_none(self.changes.path) == self.changes.stamp

    def action_reload(self, quietly: bool = False) -> None:
        """Read the file again (after an edit elsewhere), in a thread.

        One reload at a time: two would each read the whole file at half the speed (the
        watcher sees the very edit a reload asked for is reading). One asked for meanwhile
        runs once this one is over, if the file changed since this one read it."""
        if self.changes is None or self.path is None:
            self.bell()
            return
        if self._reloading:
            asked = self._reload_asked
            self._reload_asked = quietly if asked is None else asked and quietly
            return
        self._reloading = True
        path, limits = self.path, (self.max_bytes, self.max_total_bytes)
        progress = [(0, 1, "reading")]  # the loader's last report, set from its thread
        started = perf_counter()

        def show_progress() -> None:
            # Only a reload that takes a while is shown: a small file's is over at once.
            if perf_counter() - started >= RELOAD_SHOWN_AFTER:
                for bar in self._reload_bars():
                    bar.show(path.name, *progress[0])

        timer = self.set_interval(PROGRESS_PERIOD_SECONDS, show_progress)

        def done(stamp: Stamp | None) -> None:
            """Over (``stamp``: the file's as read, None if unknown): the one asked for
            meanwhile, if the file changed since."""
            timer.stop()
            for bar in self._reload_bars():
                bar.hide()
            self._reloading = False
            asked, self._reload_asked = self._reload_asked, None
            if asked is not None and (stamp is None or stamp_or_none(path) != stamp):
                self.action_reload(asked)

        def run() -> None:
            before = stamp_or_none(path)
            stamp = None
            try:
                try:
                    kb = load_knowledge_base(
                        path,
                        max_bytes=limits[0],
                        max_total_bytes=limits[1],
                        progress=lambda *report: progress.__setitem__(0, report),
                    )
                except LoadError as error:
                    from .drift import check_report

                    # As `check` says it: a changed source text first, with re-anchoring
                    # candidates and the command that applies them (read here, off the
                    # screen).
                    report = check_report(path, error)
                    stamp = before if before == stamp_or_none(path) else None
                    self.call_from_thread(self._reload_failed, report)
                    return
                stamp = before if before == stamp_or_none(path) else None
                self._prepare(kb)
                self.call_from_thread(self._reloaded, kb, stamp, quietly)
            finally:
                self.call_from_thread(done, stamp)

        self.run_worker(run, name="reload", thread=True, group="reload", exclusive=True)

    def _reload_bars(self) -> list[ReloadBar]:
        from .widgets.reload_bar import ReloadBar

        return [bar for screen in self.screen_stack for bar in screen.query(ReloadBar)]

    def _reloaded(self, kb: KnowledgeBase, stamp: Stamp | None, quietly: bool) -> None:
        if self.changes is not None:
            self.changes.reloaded(stamp, kb)
        if self._problems_shown is not None:  # the file checks again: recovered
            if self._problems_shown.is_attached:
                self._problems_shown.dismiss()
            self._problems_shown = None
        self.show_knowledge_base(kb)
        what = "changed on disk: reloaded" if quietly else "reloaded"
        self.notify(display(f"{self.path.name if self.path else ''} {what}"), markup=False)

    def _reload_failed(self, report: str) -> None:
        """The file no longer checks: its problems (``report``, as `check` prints them) on
        top, the last good one under them."""
        from .screens.problems import ProblemsScreen

        if self._problems_shown is not None and self._problems_shown.is_attached:
            self._problems_shown.show(report)
            return
        self._problems_shown = ProblemsScreen(report)
        self.push_screen(self._problems_shown)

    # --- the palette's Screenshot ---------------------------------------------------------

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen (as ``filename``, in ``path``) and say where, or why
        not: Textual's own writes to a Downloads folder that may not exist, and then says
        neither."""
        from datetime import datetime

        from . import screenshots  # on first use, as the views

        name = filename or screenshots.file_name(self.title, datetime.now())
        try:
            saved = screenshots.save(self.export_screenshot(), name, screenshots.places(path))
        except screenshots.NotSaved as failure:
            said, severity = f"Could not save the screenshot: {failure}.", "error"
        else:
            said, severity = saved.describe(), "information"
        self.notify(display(said), title="Screenshot", severity=severity, markup=False)

    def action_command_palette(self) -> None:
        """Textual's palette, its query capped as every text input of the app is."""
        from .widgets.command_palette import CappedCommandPalette

        if self.use_command_palette and not CappedCommandPalette.is_open(self):
            self.push_screen(CappedCommandPalette(id="--command-palette"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_palette" and isinstance(self.screen, ModalScreen):
            from .screens.search import SearchScreen  # not before the first search

            if isinstance(self.screen, SearchScreen):
                return False  # ctrl+p moves up in the search results
        if action in ("edit_filters", "clear_filters", "export"):
            return self.knowledge_base is not None
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        show_keys = getattr(screen, "action_help", None)
        for command in super().get_system_commands(screen):
            # Textual's "Keys" opens its side panel, which Esc does not close: where the
            # screen has its own key list (?), the palette offers that instead.
            if command.title == "Keys" and show_keys is not None:
                continue
            if command.title == "Screenshot":
                # Ours says where it saved, or why it could not; after the palette is gone.
                command = SystemCommand(
                    command.title,
                    "Save an SVG picture of the screen (it says where)",
                    lambda: self.set_timer(0.1, self.action_screenshot),
                )
            yield command
        if show_keys is not None:
            yield SystemCommand("Keys", "Every key of this screen (?)", show_keys)
        if self.knowledge_base is None:
            return
        if isinstance(screen, ExplorerScreen):
            yield SystemCommand(
                "Stance matrix", "Who is aligned with whom (m)", screen.action_matrix
            )
            yield SystemCommand(
                "Neighbourhood",
                "The highlighted actor and its neighbours (n)",
                screen.action_neighbourhood,
            )
            yield SystemCommand(
                "Timeline", "The dated relations in order (t)", screen.action_timeline
            )
            yield SystemCommand(
                "People in or out",
                "Include what each actor's people and bodies did, or leave it out (a)",
                screen.action_toggle_affiliates,
            )
            yield SystemCommand(
                "Review proposals",
                "Accept or reject what stakeholders propose found in the source on show (R)",
                screen.action_review,
            )
            yield SystemCommand(
                "Changes since…",
                "Mark what was added or changed since a git revision, HEAD by default; "
                "again to clear the marks (D)",
                screen.action_changes_since,
            )
        toggle_roll_up = getattr(screen, "action_toggle_roll_up", None)
        if toggle_roll_up is not None:  # the matrix and the neighbourhood
            yield SystemCommand(
                "People in or out",
                "Roll each state's people and bodies into it, or show them apart (a)",
                toggle_roll_up,
            )
        yield SystemCommand("Filters", "Filter every view (F)", self.action_edit_filters)
        yield SystemCommand("Clear filters", "Drop every filter (X)", self.action_clear_filters)
        yield SystemCommand("As of a date", "Show only what held on a day (@)",
                            self.action_as_of)
        yield SystemCommand("Disputes", "Where sources disagree, side by side (!)",
                            self.action_disputes)
        yield SystemCommand("Export", "Write what is shown to a file (e)", self.action_export)
        yield SystemCommand(
            "Likely duplicates",
            "Actors that may be one: merge them, or mark them distinct",
            self.action_duplicates,
        )
        yield SystemCommand(
            "Add source...",
            "Copy an article's text into the knowledge base as a new source",
            self.action_add_source,
        )
