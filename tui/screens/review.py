"""The review queue (R, the palette's "Review proposals"): what `stakeholders propose` found
in one source, one proposal at a time, its quote highlighted in the source pane.

Enter accepts a proposal through the form that `c` opens on a selection (a claim) or the
new-actor form (an actor): it is recorded as accepted only once that form saves, and
cancelling the form records nothing. ``x`` rejects it (a rerun of propose keeps it
rejected), ``s`` skips it. Proposals whose quote the matcher rejected are never offered:
the panel says how many there are, so nothing is silently hidden. Nothing reaches the
knowledge base but what a form saves; read-only, a proposal can be read, not decided.

A decision shows at once; one thread writes the decisions into the proposals file in the
order made (a read and a rewrite of the whole file: 0.7 s on 1,500 proposals, so those made
meanwhile are written together), and closing the review waits for them.
"""

from __future__ import annotations

import shlex
import threading
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from ..loader import bundled_knowledge_base_path
from ..matcher import REJECTED as REJECTED_BY_MATCHER  # a quote the matcher did not find
from ..model import ACTOR_KINDS
from ..propose import (
    ACCEPTED,
    ACTOR,
    DECLINED,
    OPEN,
    Proposal,
    ProposalsError,
    ProposalsFile,
    decide_all,
    proposals_path,
    read_proposals,
    reopen_undone,
)
from ..sanitize import display
from ..widgets.source_text import SourceText
from ..widgets.source_view import SourceView
from .capture import NewActorScreen

if TYPE_CHECKING:
    from ..model import KnowledgeBase
    from .explorer import ExplorerScreen


def propose_command(kb_path: Path | None, source_id: str) -> str:
    """The command that makes proposals for ``source_id`` (the file named unless it is the
    bundled one, which is the command's default)."""
    command = f"stakeholders propose {shlex.quote(source_id)}"
    if kb_path is not None and kb_path.resolve() != bundled_knowledge_base_path().resolve():
        command += f" {shlex.quote(str(kb_path))}"
    return command


def open_review(explorer: ExplorerScreen) -> None:
    """Open the review queue for the source on show in the source pane (or, when it has
    nothing to review, the first source that has); else say why not and what to run."""
    app = explorer.app
    kb: KnowledgeBase | None = app.full_knowledge_base
    kb_path: Path | None = app.changes.path if app.changes is not None else app.path
    if kb is None:
        return
    if kb_path is None:
        explorer.notify("This knowledge base was not opened from a file: it has no proposals "
                        "to review.", title="Review proposals", severity="warning")
        return
    path = proposals_path(kb_path)
    try:
        found = reopen_undone(read_proposals(path), kb)
    except ProposalsError as error:
        app.bell()
        explorer.notify(display(error.message), title="Proposals not read", severity="error",
                        markup=False, timeout=12)
        return
    shown = explorer.query_one(SourceView).source_id
    waiting = [source.id for source in kb.sources
               if any(p.reviewable for p in found.for_source(source.id))]
    if not waiting:
        hint_source = shown or (kb.sources[0].id if kb.sources else "SOURCE_ID")
        explorer.notify(
            display(_nothing_to_review(found, path, hint_source)
                    + f" Make proposals with: {propose_command(kb_path, hint_source)}"),
            title="Nothing to review", severity="warning", markup=False, timeout=12,
        )
        return
    source_id = shown if shown in waiting else waiting[0]
    review = ReviewScreen(explorer, found, source_id, kb_path.name)
    if shown is not None and shown != source_id:
        review.opening_notice = (f"Nothing is left to review for {shown}: these are the "
                                 f"proposals for {source_id}.")
    app.push_screen(review)


def _nothing_to_review(found: ProposalsFile, path: Path, source_id: str) -> str:
    if not path.exists():
        return f"No proposals: {path} does not exist yet."
    mine = found.for_source(source_id)
    if not mine:
        return f"{path} has no proposals for {source_id}."
    decided = sum(p.decision != OPEN for p in mine)
    unusable = sum(p.check == REJECTED_BY_MATCHER and p.decision == OPEN for p in mine)
    said = f"{path} has nothing left to review for {source_id}: {decided} decided"
    if unusable:
        said += f", {unusable} rejected by the matcher (see the file)"
    return said + "."


class ProposedActorScreen(NewActorScreen):
    """The new-actor form, filled in from a proposal: its name, and its kind if known."""

    def __init__(self, kb: KnowledgeBase, proposal: Proposal) -> None:
        super().__init__(kb, [])
        self.proposal = proposal

    def on_mount(self) -> None:  # NewActorScreen's own on_mount runs too: it focuses the name
        self.query_one("#actor-name", Input).value = self.proposal.name or ""
        # A kind the proposal does not know is not guessed ("Rome" is no person): "other",
        # for the analyst to choose.
        kind = self.proposal.actor_kind if self.proposal.actor_kind in ACTOR_KINDS else "other"
        self.query_one("#actor-kind", Select).value = kind


class ReviewPanel(Vertical):
    """The panel at the bottom; notifications show just above it, over the source text
    below the quote (the quote sits a third of the way down), never over the panel."""

    def on_resize(self) -> None:
        for rack in self.screen.query("ToastRack"):
            rack.styles.margin = (0, 0, self.outer_size.height, 0)


class ReviewScreen(ModalScreen[None]):
    """``ReviewScreen(explorer, proposals_file, source_id, kb_name)``: the reviewable
    proposals of ``source_id``, one at a time, in a panel at the bottom of the screen, the
    explorer's source pane zoomed above it with the proposal's quote highlighted."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Accept",
                tooltip="Accept: the capture form (a claim) or the new-actor form (an actor), "
                "filled in; recorded as accepted once the form saves"),
        Binding("x", "reject", "Reject",
                tooltip="Reject: recorded in the proposals file, so a rerun of propose does "
                "not bring it back"),
        Binding("s", "skip", "Skip", tooltip="The next proposal; nothing is recorded"),
        Binding("down,j", "scroll(1)", "Scroll down", show=False,
                tooltip="Scroll the source text down a line"),
        Binding("up,k", "scroll(-1)", "Scroll up", show=False,
                tooltip="Scroll the source text up a line"),
        Binding("escape,q", "close", "Close", tooltip="Close the review; what you decided is kept"),
    ]

    class DecisionWritten(Message):
        """From the writer thread: a decision written, or why it could not be (``error``)."""

        bubble = False

        def __init__(self, proposal: Proposal, error: str | None) -> None:
            super().__init__()
            self.proposal = proposal
            self.error = error

    def __init__(self, explorer: ExplorerScreen, found: ProposalsFile, source_id: str,
                 kb_name: str) -> None:
        super().__init__()
        self.explorer = explorer
        self.path = found.path
        self.kb_name = kb_name
        self.source_id = source_id
        mine = found.for_source(source_id)
        self.queue: list[Proposal] = [p for p in mine if p.reviewable]
        self.unusable = sum(p.check == REJECTED_BY_MATCHER and p.decision == OPEN for p in mine)
        self.index = 0
        self.decided: dict[str, str] = {}  # proposal id -> the decision made here
        self._zoomed_before = explorer.maximized
        self._busy = False  # a form is open for the proposal on show
        # Decisions not yet written: (proposal, decision, saved id), taken in order by the
        # writer thread; `_unwritten` counts those it has not reported back yet.
        self._to_write: deque[tuple[Proposal, str, str | None]] = deque()
        self._to_write_lock = threading.Lock()
        self._writer_idle = threading.Event()
        self._writer_idle.set()
        self._unwritten = 0
        self._close_when_written = False  # Esc (or the last decision) while some wait
        self.opening_notice = ""  # said once the panel is up

    @property
    def proposal(self) -> Proposal:
        return self.queue[self.index]

    def compose(self) -> ComposeResult:
        with ReviewPanel(id="review-panel"):
            yield Static(id="review-label", markup=False)
            yield Static(id="review-check", markup=False)
            yield Static(id="review-covered", markup=False)
            yield Static(id="review-note", markup=False)
            yield Static(id="review-unusable", markup=False)
            yield Static(id="review-hint", markup=False)

    def on_mount(self) -> None:
        view = self.explorer.query_one(SourceView)
        self.explorer.maximize(view)
        # The notifications show over this screen (above the panel): the explorer's own,
        # seen through it, would show them twice. Its rack is shown again when it is back
        # on top.
        for rack in self.explorer.query("ToastRack"):
            rack.display = False
        self._show()
        if self.opening_notice:
            self.notify(display(self.opening_notice), markup=False)

    # --- what is on show ------------------------------------------------------------------

    def _show(self) -> None:
        proposal = self.proposal
        panel = self.query_one("#review-panel")
        panel.border_title = Text(display(
            f"Proposal {self.index + 1} of {len(self.queue)} · {self.source_id}"
        ))
        self._show_progress()
        label = Text(display(proposal.label(self.app.full_knowledge_base)), style="bold")
        self.query_one("#review-label", Static).update(label)
        if proposal.check == "repaired":
            check = f"The matcher repaired the quote to the source's words: {proposal.detail}"
        else:
            check = "The matcher found the quote in the source, word for word."
        self.query_one("#review-check", Static).update(Text(display(check)))
        self._line("#review-covered", "Already in the knowledge base as "
                   + ", ".join(proposal.covered_by) if proposal.covered_by else "")
        self._line("#review-note", f"Note: {proposal.note}" if proposal.note else "")
        self._line("#review-unusable", f"{self.unusable} rejected by the matcher: see "
                   f"{self.path}" if self.unusable else "")
        why = self.app.why_read_only()
        if why is None:
            hint = "Enter accept · x reject · s skip · ↑↓ scroll · Esc close"
        else:
            hint = f"Read only: {why} s next · ↑↓ scroll · Esc close"
        self.query_one("#review-hint", Static).update(Text(display(hint), style="dim"))
        self._highlight(proposal)

    def _show_progress(self) -> None:
        done = len(self.decided)
        said = f"{done} decided" if done else ""
        if self._unwritten:
            said += f", {self._unwritten} being written"
        self.query_one("#review-panel").border_subtitle = said
        if self._close_when_written:
            self.query_one("#review-hint", Static).update(
                Text("Writing the decisions into the proposals file…", style="dim"))

    def _line(self, selector: str, text: str) -> None:
        line = self.query_one(selector, Static)
        line.display = bool(text)
        line.update(Text(display(text)))

    def _source_text(self, proposal: Proposal) -> str | None:
        """The source's text, if the proposal's quote is still where it was found."""
        kb = self.app.full_knowledge_base
        source = kb.source_by_id.get(proposal.source) if kb is not None else None
        if source is None or source.text[proposal.start:proposal.end] != proposal.quote:
            return None
        return source.text

    def _highlight(self, proposal: Proposal, *, quietly: bool = False) -> None:
        """The source whole in the source pane, the proposal's quote highlighted in it."""
        view = self.explorer.query_one(SourceView)
        text = self._source_text(proposal)
        view.show_source(proposal.source)
        if text is None:
            if quietly:
                return
            command = propose_command(self._kb_path(), proposal.source)
            self.notify(display(f"The text of {proposal.source} changed since the proposals "
                                f"were made: run {command} again."),
                        severity="warning", markup=False, timeout=10)
            return
        # After the pane has shown the source whole (its update is queued on it).
        view.call_next(view.query_one(SourceText).show, text, proposal.start, proposal.end)

    def set_data(self, kb: KnowledgeBase, filters: object) -> None:
        """The app shows a changed knowledge base (a save, a reload): the explorer refills
        its panes, the source pane with them; the quote on show is highlighted again after."""
        self.explorer.call_later(self._highlight_again)

    def _highlight_again(self) -> None:
        if self.is_attached and self.queue:
            self._highlight(self.proposal, quietly=True)

    def _kb_path(self) -> Path | None:
        changes = self.app.changes
        return changes.path if changes is not None else self.app.path

    # --- moving on --------------------------------------------------------------------

    def _next(self) -> None:
        """On to the next proposal not decided, round to those skipped; closed when every
        one is decided."""
        count = len(self.queue)
        for step in range(1, count + 1):
            index = (self.index + step) % count
            if self.queue[index].id in self.decided:
                continue
            if step == count:
                self.notify("This is the only proposal left to review.", timeout=3)
            elif index < self.index:
                self.notify("Back to the first one skipped.", timeout=3)
            self.index = index
            self._show()
            return
        self.action_close()  # every one decided: said once they are written

    # --- writing the decisions ------------------------------------------------------------

    def _record(self, proposal: Proposal, decision: str, saved: str | None = None) -> None:
        """The decision shown at once, and queued for the writer thread (``saved``: the id
        of what was saved from it); one that cannot be written is said, and the proposal is
        open again (`on_review_screen_decision_written`)."""
        self.decided[proposal.id] = decision
        self._unwritten += 1
        with self._to_write_lock:
            self._to_write.append((proposal, decision, saved))
            start = self._writer_idle.is_set()
            self._writer_idle.clear()
        if start:  # else the running writer takes it after those before it
            self.run_worker(self._write_decisions, name="write review decisions", thread=True)

    def _write_decisions(self) -> None:
        """The writer thread: the queued decisions in the order made, those queued during
        a write written together in the next; each reported back by a message (never
        waiting on the UI thread, which waits for this thread when the app quits)."""
        try:
            while True:
                with self._to_write_lock:
                    if not self._to_write:
                        self._writer_idle.set()
                        return
                    batch = list(self._to_write)
                    self._to_write.clear()
                decisions = [(proposal.id, decision, saved) for proposal, decision, saved in batch]
                try:
                    outcomes = decide_all(self.path, decisions, self.kb_name)
                    failed = [outcome.message if isinstance(outcome, ProposalsError) else None
                              for outcome in outcomes]
                except ProposalsError as error:
                    failed = [error.message] * len(batch)
                except OSError as error:
                    failed = [f"{self.path}: cannot be written: {error.strerror or error}"] * len(
                        batch)
                for (proposal, _decision, _saved), error in zip(batch, failed, strict=True):
                    try:
                        self.post_message(self.DecisionWritten(proposal, error))
                    except RuntimeError:  # the app has stopped: the writing goes on
                        pass
        except BaseException:  # a bug: nothing more is written, nor waited for
            with self._to_write_lock:
                self._to_write.clear()
                self._writer_idle.set()
            raise

    def on_review_screen_decision_written(self, message: DecisionWritten) -> None:
        self._unwritten -= 1
        proposal = message.proposal
        if message.error is not None:
            self.decided.pop(proposal.id, None)
            self.app.bell()
            self.notify(display(message.error), title="Decision not recorded",
                        severity="error", markup=False, timeout=10)
            if not self._busy:  # back to it, as if the key had just failed (a form waits)
                self._close_when_written = False
                self.index = next(i for i, p in enumerate(self.queue) if p.id == proposal.id)
                self._show()
        self._show_progress()
        if self._close_when_written and not self._unwritten:
            self._close_now()

    def on_unmount(self) -> None:
        # Closed without waiting (the app quits): the decisions queued are written first.
        self._writer_idle.wait()

    def _can_decide(self) -> bool:
        why = self.app.why_read_only()
        if why is not None:
            self.app.bell()
            self.notify(why, severity="warning", markup=False)
        return why is None and not self._busy and not self._close_when_written

    # --- keys -------------------------------------------------------------------------

    def action_skip(self) -> None:
        if not self._busy and not self._close_when_written:
            self._next()

    def action_reject(self) -> None:
        if self._can_decide():
            self._record(self.proposal, DECLINED)
            said = self.proposal.label(self.app.full_knowledge_base)
            self.notify(display(f"Rejected: {said}"), markup=False, timeout=3)
            self._next()

    def action_accept(self) -> None:
        if not self._can_decide():
            return
        proposal = self.proposal
        kb = self.app.full_knowledge_base
        if kb is None or self._source_text(proposal) is None:
            self.app.bell()
            self._highlight(proposal)  # says why
            return
        self._busy = True
        if proposal.kind == ACTOR:
            self.app.push_screen(ProposedActorScreen(kb, proposal),
                                 lambda actor: self._add_actor(proposal, actor))
            return
        from ..capture import draft
        from .capture import CaptureScreen

        found = draft(kb, proposal.source, proposal.start, proposal.end)
        self.app.push_screen(CaptureScreen(kb, found, self.app.save_capture),
                             lambda claim_id: self._form_closed(proposal, claim_id))

    def _form_closed(self, proposal: Proposal, saved: str | None) -> None:
        self._busy = False
        if saved is None:
            self._highlight(proposal)  # cancelled: nothing recorded, the same one on show
            return
        self._record(proposal, ACCEPTED, saved)  # after the save: the claim, then the decision
        self._next()

    def _add_actor(self, proposal: Proposal, actor: dict | None) -> None:
        if actor is None:
            self._form_closed(proposal, None)
            return
        from .. import edit
        from ..changes import Change, Focus

        def refused(refusal) -> None:
            self._busy = False
            self.notify(display(refusal.report(), keep_newlines=True), title="Not written",
                        severity="error", markup=False, timeout=10)

        change = Change(f"added actor {actor['id']}",
                        lambda text: edit.append_item(text, "actors", actor), Focus(actor["id"]))
        self.app.change_file(change, on_refused=refused,
                             on_saved=lambda: self._form_closed(proposal, actor["id"]))

    def action_scroll(self, lines: int) -> None:
        text = self.explorer.query_one(SourceText)
        text.scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        if self._busy:
            return
        if self._unwritten:
            self._close_when_written = True
            self._show_progress()
            return
        self._close_now()

    def _close_now(self) -> None:
        if len(self.decided) == len(self.queue):
            accepted = sum(d == ACCEPTED for d in self.decided.values())
            rejected = len(self.decided) - accepted
            self.app.notify(display(f"Every proposal for {self.source_id} is decided: "
                                    f"{accepted} accepted, {rejected} rejected."), markup=False)
        before = self._zoomed_before
        if before is None:
            self.explorer.minimize()
        elif before.is_attached:
            self.explorer.maximize(before, container=False)
        self.dismiss(None)
