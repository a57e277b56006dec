"""The review queue for proposals (issue 18, part 3): R (or the palette's "Review
proposals") lists what `stakeholders propose` found in the source on show, one at a time,
its quote highlighted in the source pane; Enter accepts one through the capture form or the
new-actor form (recorded once the form saves), x rejects it (a rerun keeps it rejected), s
skips it. Keys only, at 80x24, on a copy of the bundled knowledge base."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from tui import propose
from tui.app import StakeholderApp
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.propose import (
    ACTOR,
    CLAIM,
    Proposal,
    ProposalsError,
    decide_all,
    proposals_path,
    propose_into_file,
    read_proposals,
    write_proposals,
)
from tui.screens import review as review_module
from tui.screens.capture import CaptureScreen, NewActorScreen
from tui.screens.explorer import ExplorerScreen
from tui.screens.review import ReviewScreen
from tui.widgets.source_text import SourceText

SOURCE = "news24-haftar-rome"
SIZE = (80, 24)

pytestmark = pytest.mark.skipif(
    not Path(bundled_knowledge_base_path()).is_file(), reason="no bundled knowledge base"
)


def proposed(copy: Path) -> list[Proposal]:
    """Propose for the bundled source into the copy's proposals file; its reviewable ones."""
    _found, proposals, _path = propose_into_file(load_knowledge_base(copy), copy, SOURCE)
    return [p for p in proposals if p.reviewable]


def in_file(copy: Path, proposal_id: str) -> Proposal:
    return next(p for p in read_proposals(proposals_path(copy)).proposals if p.id == proposal_id)


def messages(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def panel_text(screen: ReviewScreen) -> str:
    return "\n".join(str(line.render()) for line in screen.query("#review-panel Static")
                     if line.display)


async def open_review(pilot, explorer, settle) -> ReviewScreen:
    screen = await explorer(pilot)
    await pilot.press("R")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    review = pilot.app.screen
    text = screen.query_one(SourceText)
    await settle(pilot, lambda: text.span == (review.proposal.start, review.proposal.end))
    return review


async def highlighted(pilot, settle, review: ReviewScreen, proposal: Proposal) -> None:
    text = review.explorer.query_one(SourceText)
    await settle(pilot, lambda: review.proposal.id == proposal.id
                 and text.span == (proposal.start, proposal.end))


async def test_r_opens_the_queue_on_the_first_proposal_its_quote_highlighted(
    copy, explorer, settle
):
    waiting = proposed(copy)
    first = waiting[0]
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        assert review.proposal.id == first.id
        text = review.explorer.query_one(SourceText)
        assert text.span == (first.start, first.end)
        assert text.text[slice(*text.span)] == first.quote
        panel = review.query_one("#review-panel")
        assert panel.border_title == f"Proposal 1 of {len(waiting)} · {SOURCE}"
        said = panel_text(review)
        assert first.label(load_knowledge_base(copy)) in said
        assert "Khalifa Haftar" in said  # actors by name, not id
        assert "found the quote in the source" in said
        assert "Already in the knowledge base as " + ", ".join(first.covered_by) in said
        # The panel leaves the highlighted quote in sight: its first line is above the panel.
        await pilot.pause()
        quote_row = text.region.y + text.line_of(text.span[0]) - text.scroll_offset.y
        assert text.region.y <= quote_row < panel.region.y
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ExplorerScreen))
        assert pilot.app.screen.maximized is None  # the source pane zoomed back


async def test_x_rejects_and_a_rerun_of_propose_keeps_it_rejected(copy, explorer, settle):
    first, second = proposed(copy)[:2]
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        await pilot.press("x")
        await settle(pilot, lambda: in_file(copy, first.id).decision == "rejected")
        await highlighted(pilot, settle, review, second)
        assert review.query_one("#review-panel").border_title.startswith("Proposal 2 of")
    waiting = proposed(copy)  # propose again: the decision is kept, not offered again
    assert in_file(copy, first.id).decision == "rejected"
    assert first.id not in {p.id for p in waiting}
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        assert review.proposal.id == second.id
        assert first.id not in {p.id for p in review.queue}


async def test_s_skips_without_writing(copy, explorer, settle):
    first, second, third = proposed(copy)[:3]
    path = proposals_path(copy)
    before = path.read_bytes()
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        assert review.proposal.id == first.id
        await pilot.press("s")
        await highlighted(pilot, settle, review, second)
        await pilot.press("s")
        await highlighted(pilot, settle, review, third)
    assert path.read_bytes() == before


async def test_enter_captures_the_claim_and_the_proposal_is_accepted(copy, explorer, settle):
    first = proposed(copy)[0]
    assert first.kind == CLAIM
    source_text = load_knowledge_base(copy).source_by_id[SOURCE].text
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaptureScreen))
        form = pilot.app.screen
        assert form.draft.quote == source_text[first.start:first.end] == first.quote
        assert (form.draft.start, form.draft.end) == (first.start, first.end)
        claim_id = form.query_one("#cf-claim-id", Input).value
        assert pilot.app.focused is form.query_one("#cf-summary", Input)
        await pilot.press(*"Haftar's stature in Libya grows.", "ctrl+s")
        await settle(pilot, lambda: pilot.app.screen is review)
        await settle(pilot, lambda: in_file(copy, first.id).decision == "accepted")
        await settle(pilot, lambda: review.proposal.id != first.id)
        # The next one's quote is highlighted again once the explorer has the saved claim.
        await highlighted(pilot, settle, review, review.proposal)
        await pilot.pause()
        await highlighted(pilot, settle, review, review.proposal)
    kb = load_knowledge_base(copy)  # the file checks clean
    evidence = kb.relation_by_id[claim_id].evidence[0]
    assert (evidence.source, evidence.start, evidence.end) == (SOURCE, first.start, first.end)
    assert in_file(copy, first.id).accepted_as == claim_id
    assert first.id not in {p.id for p in proposed(copy)}  # accepted: not offered again


async def test_an_accepted_proposal_whose_save_is_undone_is_open_again(copy, explorer, settle):
    first = proposed(copy)[0]
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaptureScreen))
        claim_id = pilot.app.screen.query_one("#cf-claim-id", Input).value
        await pilot.press(*"Haftar's stature grows.", "ctrl+s")
        await settle(pilot, lambda: in_file(copy, first.id).decision == "accepted")
        await settle(pilot, lambda: pilot.app.screen is review and not pilot.app._writing)
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is not review)
        await pilot.press("u")
        await settle(pilot, lambda: claim_id not in load_knowledge_base(copy).relation_by_id)
        await settle(pilot, lambda: not pilot.app._writing)
        # The saved claim is gone: the proposal is offered again, in the app and on a rerun.
        await pilot.press("R")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        assert first.id in {p.id for p in pilot.app.screen.queue}
    assert first.id in {p.id for p in proposed(copy)}


async def test_escape_in_the_form_records_nothing(copy, explorer, settle):
    first = proposed(copy)[0]
    path = proposals_path(copy)
    before, kb_before = path.read_bytes(), copy.read_bytes()
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaptureScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is review)
        await highlighted(pilot, settle, review, first)  # the same one, still on show
    assert path.read_bytes() == before and copy.read_bytes() == kb_before
    assert in_file(copy, first.id).decision == "open"


async def test_enter_on_a_new_actor_fills_the_actor_form(copy, explorer, settle):
    waiting = proposed(copy)
    actor = next(p for p in waiting if p.kind == ACTOR)
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        for _ in range(len(waiting)):
            if review.proposal.kind == ACTOR:
                break
            await pilot.press("s")
        await highlighted(pilot, settle, review, actor)
        assert f"new actor {actor.name}" in panel_text(review)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, NewActorScreen))
        form = pilot.app.screen
        await settle(pilot, lambda: form.query_one("#actor-name", Input).value == actor.name)
        assert form.query_one("#actor-kind", Select).value == (actor.actor_kind or "other")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: in_file(copy, actor.id).decision == "accepted")
        await settle(pilot, lambda: pilot.app.screen is review and review.proposal.id != actor.id)
    kb = load_knowledge_base(copy)
    assert any(a.name == actor.name for a in kb.actors)


async def test_the_palette_opens_the_review(copy, explorer, settle):
    first = proposed(copy)[0]
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        await explorer(pilot)
        await pilot.press("ctrl+p", *"review proposals")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await highlighted(pilot, settle, pilot.app.screen, first)


async def test_a_proposal_the_matcher_rejected_is_never_offered(copy, explorer, settle):
    waiting = proposed(copy)
    path = proposals_path(copy)
    current = read_proposals(path)
    bogus = Proposal(id="p-not-in-the-text", kind=CLAIM, source=SOURCE,
                     quote="Haftar flew to the moon", check="rejected",
                     reason="quote_not_in_source", detail="no such words in the source",
                     parties=("khalifa-haftar",))
    write_proposals(current, [bogus, *current.proposals], current.mentions, copy.name)
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        assert review.proposal.id == waiting[0].id
        assert bogus.id not in {p.id for p in review.queue}
        assert len(review.queue) == len(waiting)
        assert f"1 rejected by the matcher: see {path}" in panel_text(review)
        seen = set()
        for _ in range(len(waiting) + 1):
            seen.add(review.proposal.id)
            await pilot.press("s")
            await pilot.pause()
        assert bogus.id not in seen and seen == {p.id for p in waiting}


async def test_text_from_the_file_is_shown_as_it_is(copy, explorer, settle):
    """Markup and control characters in a proposal are shown literally, never acted on."""
    proposed(copy)
    path = proposals_path(copy)
    current = read_proposals(path)
    first = next(p for p in current.proposals if p.reviewable)
    hostile = replace(first, note="[b]not bold[/b] \x1b[2J", covered_by=("[red]x[/red]",))
    write_proposals(current, [hostile if p.id == first.id else p for p in current.proposals],
                    current.mentions, copy.name)
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        said = panel_text(review)
        assert "Note: [b]not bold[/b] \\x1b[2J" in said
        assert "Already in the knowledge base as [red]x[/red]" in said


async def test_a_repaired_quote_says_what_the_matcher_did(copy, explorer, settle):
    proposed(copy)
    path = proposals_path(copy)
    current = read_proposals(path)
    first = next(p for p in current.proposals if p.reviewable)
    repaired = replace(first, check="repaired", detail="curly quotes matched straight ones")
    write_proposals(current, [repaired if p.id == first.id else p for p in current.proposals],
                    current.mentions, copy.name)
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        assert ("The matcher repaired the quote to the source's words: curly quotes matched "
                "straight ones") in panel_text(review)


async def test_a_broken_proposals_file_says_where(copy, explorer, settle):
    path = proposals_path(copy)
    path.write_text("proposals:\n  - id: p-1\n    kind: [claim\n", encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        await explorer(pilot)
        await pilot.press("R")
        await settle(pilot, lambda: any(re.search(r"actors\.proposals\.yaml:\d+:\d+", m)
                                        for m in messages(pilot.app)))
        assert isinstance(pilot.app.screen, ExplorerScreen)
        assert not any("Traceback" in m for m in messages(pilot.app))


async def test_nothing_to_review_says_what_to_run(copy, explorer, settle):
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        await explorer(pilot)
        await pilot.press("R")
        await settle(pilot, lambda: any(f"stakeholders propose {SOURCE}" in m
                                        for m in messages(pilot.app)))
        assert isinstance(pilot.app.screen, ExplorerScreen)
    # Every one decided: nothing left, said the same way.
    path = proposals_path(copy)
    proposed(copy)
    current = read_proposals(path)
    decided = [replace(p, decision="rejected") for p in current.proposals]
    write_proposals(current, decided, current.mentions, copy.name)
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        await explorer(pilot)
        await pilot.press("R")
        await settle(pilot, lambda: any("nothing left to review" in m
                                        and f"stakeholders propose {SOURCE}" in m
                                        for m in messages(pilot.app)))
        assert isinstance(pilot.app.screen, ExplorerScreen)


async def test_read_only_shows_but_does_not_decide(copy, explorer, settle):
    first = proposed(copy)[0]
    path = proposals_path(copy)
    before = path.read_bytes()
    async with StakeholderApp(copy, read_only=True).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        assert review.proposal.id == first.id
        assert "Read only" in str(review.query_one("#review-hint", Static).render())
        await pilot.press("x")
        await settle(pilot, lambda: any("--read-only" in m for m in messages(pilot.app)))
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is review and review.proposal.id == first.id
    assert path.read_bytes() == before


class HeldDecide:
    """`decide_all` held back until released, its calls listed (each a list of (proposal
    id, decision)): what the screen does while the decisions wait to be written."""

    def __init__(self, refusal: ProposalsError | None = None) -> None:
        self.batches: list[list[tuple[str, str]]] = []
        self.writing = threading.Event()  # set once a call has begun
        self.released = threading.Event()
        self.refusal = refusal  # raised instead of writing, once released

    def __call__(self, path, decisions, kb_name):
        self.writing.set()
        assert self.released.wait(30), "never released"
        self.batches.append([(proposal_id, decision) for proposal_id, decision, _ in decisions])
        if self.refusal is not None:
            raise self.refusal
        return decide_all(path, decisions, kb_name)

    @property
    def calls(self) -> list[tuple[str, str]]:
        return [call for batch in self.batches for call in batch]



@pytest.fixture
def held(monkeypatch) -> HeldDecide:
    """The review screen's writes held back until ``held.released`` is set."""
    held = HeldDecide()
    monkeypatch.setattr(review_module, "decide_all", held)
    return held

def subtitle(review: ReviewScreen) -> str:
    return str(review.query_one("#review-panel").border_subtitle or "")


async def test_two_quick_rejections_show_at_once_and_are_written_in_order(
    copy, explorer, settle, held
):
    first, second, third = proposed(copy)[:3]
    path = proposals_path(copy)
    before = path.read_bytes()
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        try:
            await pilot.press("x", "x")
            # Both shown decided while neither is written: the keys did not wait for the file.
            await highlighted(pilot, settle, review, third)
            assert review.decided == {first.id: "rejected", second.id: "rejected"}
            assert subtitle(review) == "2 decided, 2 being written"
            assert path.read_bytes() == before
        finally:
            held.released.set()
        await settle(pilot, lambda: subtitle(review) == "2 decided")
    assert held.calls == [(first.id, "rejected"), (second.id, "rejected")]
    assert in_file(copy, first.id).decision == in_file(copy, second.id).decision == "rejected"



async def test_the_decisions_made_during_a_write_are_written_together(
    copy, explorer, settle, held
):
    """A write of a large proposals file takes most of a second: the decisions made
    meanwhile go into the next write, one read and rewrite for all of them."""
    first, second, third = proposed(copy)[:3]
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        try:
            await pilot.press("x")
            await settle(pilot, held.writing.is_set)
            await pilot.press("x", "x")
            await settle(pilot, lambda: subtitle(review) == "3 decided, 3 being written")
        finally:
            held.released.set()
        await settle(pilot, lambda: subtitle(review) == "3 decided")
    assert held.batches == [[(first.id, "rejected")],
                            [(second.id, "rejected"), (third.id, "rejected")]]
    assert all(in_file(copy, p.id).decision == "rejected" for p in (first, second, third))

async def test_a_decision_not_written_is_said_and_offered_again(
    copy, explorer, settle, monkeypatch
):
    first, second = proposed(copy)[:2]
    path = proposals_path(copy)
    before = path.read_bytes()

    def refused(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    written = propose.write_proposals
    monkeypatch.setattr(propose, "write_proposals", refused)
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        await pilot.press("x")
        await settle(pilot, lambda: any(
            n.title == "Decision not recorded" and f"{path}: cannot be written: Permission "
            "denied" in str(n.message) for n in pilot.app._notifications))
        # Back on the one not written, not counted as decided; the next key decides it.
        await highlighted(pilot, settle, review, first)
        assert first.id not in review.decided and subtitle(review) == ""
        monkeypatch.setattr(propose, "write_proposals", written)
        await pilot.press("x")
        await settle(pilot, lambda: in_file(copy, first.id).decision == "rejected")
        await highlighted(pilot, settle, review, second)
    assert path.read_bytes() != before


async def test_escape_waits_for_the_decisions_to_be_written(copy, explorer, settle, held):
    first = proposed(copy)[0]
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        try:
            await pilot.press("x", "escape")
            await settle(pilot, lambda: "Writing the decisions" in str(
                review.query_one("#review-hint", Static).render()))
            assert pilot.app.screen is review
        finally:
            held.released.set()
        await settle(pilot, lambda: isinstance(pilot.app.screen, ExplorerScreen))
        assert in_file(copy, first.id).decision == "rejected"


async def test_escape_stays_open_on_a_decision_not_written(copy, explorer, settle, monkeypatch):
    first = proposed(copy)[0]
    held = HeldDecide(ProposalsError("the file changed meanwhile"))
    monkeypatch.setattr(review_module, "decide_all", held)
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        try:
            await pilot.press("x", "escape")
            await settle(pilot, lambda: review._close_when_written)
        finally:
            held.released.set()
        await settle(pilot, lambda: "the file changed meanwhile" in messages(pilot.app))
        await highlighted(pilot, settle, review, first)
        assert pilot.app.screen is review and not review.decided
        assert "Esc close" in str(review.query_one("#review-hint", Static).render())


async def test_quitting_writes_the_decisions_made_first(
    copy, explorer, settle, held, monkeypatch
):
    first, second = proposed(copy)[:2]
    unmount = ReviewScreen.on_unmount

    def released_then_unmounted(screen: ReviewScreen) -> None:
        held.released.set()  # the writes can only start once the app is closing the review
        unmount(screen)

    monkeypatch.setattr(ReviewScreen, "on_unmount", released_then_unmounted)
    async with StakeholderApp(copy).run_test(size=SIZE) as pilot:
        review = await open_review(pilot, explorer, settle)
        await pilot.press("x", "x")
        await settle(pilot, lambda: len(review.decided) == 2)
        pilot.app.exit()
    assert held.calls == [(first.id, "rejected"), (second.id, "rejected")]
    assert in_file(copy, first.id).decision == in_file(copy, second.id).decision == "rejected"


def test_snapshot_the_review_queue_at_80x24(snap_compare, copy):
    proposed(copy)

    async def run_before(pilot) -> None:
        for _ in range(100):
            if isinstance(pilot.app.screen, ExplorerScreen) and pilot.app.screen.actor_id:
                break
            await pilot.pause()
        await pilot.press("R", "s")
        for _ in range(100):
            screen = pilot.app.screen
            if isinstance(screen, ReviewScreen) and screen.index == 1:
                text = screen.explorer.query_one(SourceText)
                if text.span == (screen.proposal.start, screen.proposal.end):
                    break
            await pilot.pause()
        await pilot.pause()

    assert snap_compare(StakeholderApp(copy, watch=False), terminal_size=SIZE,
                        run_before=run_before)
