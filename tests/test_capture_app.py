"""Capturing claims in the app (issue 17): select words in the source pane, capture a claim
from them, save it through the one write path; undo and redo; add a quote or a caveat to
the highlighted claim; the refusals (a claim that does not check, a file changed on disk, a
read-only file) leave the file as it was and say why."""

from __future__ import annotations

from pathlib import Path

import pytest
from text_changes import added_lines, inserted
from textual.widgets import Input, Select, Static

from tui.app import StakeholderApp
from tui.capture import resolve_date
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.model import DatePrecision
from tui.screens.capture import CaptureScreen, NewActorScreen
from tui.screens.explorer import ExplorerScreen
from tui.widgets.source_text import SourceText

BUNDLED = Path(bundled_knowledge_base_path())
SOURCE = "news24-haftar-rome"
MEETING_WORDS = "met Italy's defence minister and security chiefs in Rome on Tuesday"
# From the start of the quote the search lands on ("Libyan military strongman Khalifa
# Haftar met ..."): five words on, start afresh there, eleven word ends on.
SELECT_MEETING = ["v", *"wwwww", "v", *"e" * 11]

pytestmark = pytest.mark.skipif(not BUNDLED.is_file(), reason="no bundled knowledge base")


async def open_meeting_quote(pilot, explorer, settle) -> ExplorerScreen:
    screen = await explorer(pilot)
    await pilot.press("slash", *"met italy's defence", "enter", "4")
    text = screen.query_one(SourceText)
    await settle(pilot, lambda: pilot.app.focused is text)
    return screen


async def capture_meeting(pilot, explorer, settle) -> tuple[ExplorerScreen, CaptureScreen]:
    screen = await open_meeting_quote(pilot, explorer, settle)
    await pilot.press(*SELECT_MEETING, "c")
    await settle(pilot, lambda: isinstance(pilot.app.screen, CaptureScreen))
    return screen, pilot.app.screen


async def test_capture_the_rome_meeting_at_80x24_with_keys_only(copy, explorer, settle):
    before = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        screen = await open_meeting_quote(pilot, explorer, settle)
        text = screen.query_one(SourceText)
        await pilot.press(*SELECT_MEETING)
        assert text.text[slice(*text.selected_span)] == MEETING_WORDS
        selection = text.selection
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaptureScreen))
        form = pilot.app.screen
        # Filled in from the words: the parties, the type, the day and its words.
        assert form.query_one("#cf-source", Select).value == "khalifa-haftar"
        assert form.query_one("#cf-target", Select).value == "roberta-pinotti"
        assert form.query_one("#cf-type", Select).value == "meets"
        assert form.query_one("#cf-kind", Select).value == "event"
        assert form.query_one("#cf-date", Input).value == "2017-09-26"
        assert form.query_one("#cf-date-phrase", Input).value == "on Tuesday"
        assert pilot.app.focused is form.query_one("#cf-summary", Input)
        await pilot.press(*"Haftar met Pinotti and the security chiefs in Rome.", "ctrl+s")
        await settle(pilot, lambda: pilot.app.screen is screen)
        await settle(pilot, lambda: screen.item is not None
                     and screen.item.id == "haftar-meets-pinotti-2")
    kb = load_knowledge_base(copy)  # the file checks clean
    relation = kb.relation_by_id["haftar-meets-pinotti-2"]
    assert (relation.source, relation.target, relation.type) == (
        "khalifa-haftar", "roberta-pinotti", "meets"
    )
    assert relation.date == "2017-09-26" and relation.date_precision is DatePrecision.DAY
    assert relation.date_phrase == "on Tuesday"
    evidence = relation.evidence[0]
    assert (evidence.start, evidence.end) == selection
    assert evidence.quote == MEETING_WORDS
    lines = added_lines(before, copy.read_text(encoding="utf-8"))
    assert lines[0] == "  - id: haftar-meets-pinotti-2"
    assert f"        quote: {MEETING_WORDS}" in lines
    assert resolve_date("on Tuesday", kb.source_by_id[SOURCE].published)[0] == relation.date


async def test_a_claim_that_does_not_check_is_refused_in_the_form(copy, explorer, settle):
    before = copy.read_bytes()
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        _screen, form = await capture_meeting(pilot, explorer, settle)
        await pilot.press("ctrl+s")  # no summary yet
        problems = form.query_one("#capture-problems", Static)
        await settle(pilot, lambda: "summary" in str(problems.render()))
        form.query_one("#cf-summary", Input).value = "They met."
        form.query_one("#cf-claim-id", Input).value = "haftar-meets-pinotti"  # taken
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "haftar-meets-pinotti" in str(problems.render())
                     and "nothing was changed" in str(problems.render()))
        assert pilot.app.screen is form  # kept, to mend
        form.query_one("#cf-claim-id", Input).value = "haftar-meets-pinotti-again"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(pilot.app.screen, CaptureScreen))
    assert copy.read_bytes() != before
    assert "haftar-meets-pinotti-again" in load_knowledge_base(copy).relation_by_id


async def test_a_file_changed_on_disk_is_not_overwritten(copy, explorer, settle):
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        _screen, form = await capture_meeting(pilot, explorer, settle)
        copy.write_text(copy.read_text(encoding="utf-8") + "# edited elsewhere\n",
                        encoding="utf-8")
        outside = copy.read_bytes()
        form.query_one("#cf-summary", Input).value = "They met."
        await pilot.press("ctrl+s")
        problems = form.query_one("#capture-problems", Static)
        await settle(pilot, lambda: "changed on disk" in str(problems.render()))
        assert copy.read_bytes() == outside
        # Reloading takes the outside edit in; then the capture goes through.
        await pilot.press("escape", "ctrl+l")
        app = pilot.app
        await settle(pilot, lambda: app.changes is not None
                     and app.changes.stamp is not None
                     and app.changes.stamp[0] == len(outside))
    assert copy.read_bytes() == outside


async def test_undo_and_redo_each_write_the_file(copy, explorer, settle):
    before = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen, form = await capture_meeting(pilot, explorer, settle)
        form.query_one("#cf-summary", Input).value = "They met."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: pilot.app.screen is screen)
        await settle(pilot, lambda: "haftar-meets-pinotti-2" in screen.unfiltered.relation_by_id)
        captured = copy.read_text(encoding="utf-8")
        assert captured != before

        await pilot.press("u")
        await settle(
            pilot, lambda: "haftar-meets-pinotti-2" not in screen.unfiltered.relation_by_id
        )
        assert copy.read_text(encoding="utf-8") == before

        await pilot.press("ctrl+r")
        await settle(pilot, lambda: "haftar-meets-pinotti-2" in screen.unfiltered.relation_by_id)
        assert copy.read_text(encoding="utf-8") == captured
        await pilot.press("ctrl+r")  # nothing more to redo: said, nothing written
        await settle(pilot, lambda: any("Nothing to redo" in n.message
                                        for n in pilot.app._notifications))
    assert copy.read_text(encoding="utf-8") == captured


async def test_a_and_shift_a_add_a_quote_and_a_caveat_to_the_claim(copy, explorer, settle):
    before = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting_quote(pilot, explorer, settle)
        claim = screen.item.id
        count = len(screen.unfiltered.relation_by_id[claim].evidence)
        await pilot.press("v", "e", "e", "a")  # "Libyan military"
        await settle(pilot, lambda: len(screen.unfiltered.relation_by_id[claim].evidence)
                     == count + 1)
        await settle(pilot, lambda: pilot.app._writing is False)
        await pilot.press("4", "v", "e", "A")  # "Libyan", a caveat now
        await settle(pilot, lambda: len(screen.unfiltered.relation_by_id[claim].caveats) == 2)
    relation = load_knowledge_base(copy).relation_by_id[claim]
    assert relation.evidence[-1].quote == "Libyan military"
    assert relation.caveats[-1].quote == "Libyan"
    # Each at the end of its list (the file has the caveats above the evidence); "Libyan"
    # occurs more than once in the article, so the caveat says which.
    assert inserted(before, copy.read_text(encoding="utf-8")) == [
        [
            "      - source: news24-haftar-rome",
            "        quote: Libyan",
            "        occurrence: 1",
        ],
        [
            "      - source: news24-haftar-rome",
            "        quote: Libyan military",
        ],
    ]


async def test_read_only_and_no_file_say_why_and_write_nothing(copy, explorer, settle):
    before = copy.read_bytes()
    async with StakeholderApp(copy, read_only=True).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting_quote(pilot, explorer, settle)
        await pilot.press("v", "e", "c")
        await settle(pilot, lambda: any("--read-only" in n.message
                                        for n in pilot.app._notifications))
        assert pilot.app.screen is screen
        await pilot.press("u")
        await settle(pilot, lambda: sum("--read-only" in n.message
                                        for n in pilot.app._notifications) >= 2)
    assert copy.read_bytes() == before
    kb = load_knowledge_base(copy)
    async with StakeholderApp(knowledge_base=kb).run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        await pilot.press("u")
        await settle(pilot, lambda: any("not opened from a file" in n.message
                                        for n in pilot.app._notifications))


async def test_a_new_actor_made_in_the_form_is_saved_with_the_claim(copy, explorer, settle):
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen, form = await capture_meeting(pilot, explorer, settle)
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: isinstance(pilot.app.screen, NewActorScreen))
        await pilot.press(*"Rome security chiefs", "ctrl+s")
        await settle(pilot, lambda: pilot.app.screen is form)
        form.query_one("#cf-target", Select).value = "rome-security-chiefs"
        form.query_one("#cf-summary", Input).value = "Haftar met the security chiefs."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: pilot.app.screen is screen)
    kb = load_knowledge_base(copy)
    assert kb.actor_by_id["rome-security-chiefs"].kind == "person"
    relation = kb.relation_by_id["haftar-meets-chiefs"]
    assert relation.target == "rome-security-chiefs"


async def test_selection_keys_move_by_word_sentence_and_line(copy, explorer, settle):
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting_quote(pilot, explorer, settle)
        text = screen.query_one(SourceText)
        start = text.caret
        assert text.text[start:].startswith("Libyan military")
        await pilot.press("v", "e")
        assert text.text[slice(*text.selected_span)] == "Libyan"
        await pilot.press("w", "w")  # to the start of "strongman": not in the selection
        assert text.text[slice(*text.selected_span)] == "Libyan military"
        await pilot.press("b")
        assert text.text[slice(*text.selected_span)] == "Libyan"
        await pilot.press("e", "h", "h")  # by character: no longer snapped to words
        assert text.text[slice(*text.selected_span)] == "Libyan milita"
        await pilot.press("right_parenthesis")  # to the end of the sentence
        assert text.text[slice(*text.selected_span)].endswith("in Libya's conflict.") or (
            text.text[text.selected_span[1] - 1] in ".?!"
        )
        await pilot.press("o", "0")  # the other end, to the start of its line
        assert text.selected_span[0] <= start
        await pilot.press("escape")
        assert not text.selecting
        # Not selecting: b is the explorer's Back again, the arrows scroll.
        assert screen.can_go_back
        await pilot.press("b")
        await settle(pilot, lambda: not screen.can_go_back)


async def test_shift_arrows_and_a_mouse_drag_select(copy, explorer, settle):
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen = await open_meeting_quote(pilot, explorer, settle)
        text = screen.query_one(SourceText)
        await pilot.press("shift+right", "shift+right", "shift+right")
        assert text.selecting and text.text[slice(*text.selected_span)] == "Lib"
        await pilot.press("escape")
        line = text.line_of(text.caret) - text.scroll_offset.y
        await pilot.mouse_down(text, offset=(1, line))
        await pilot.hover(text, offset=(12, line))
        await pilot.mouse_up(text, offset=(12, line))
        assert text.selecting
        assert len(text.text[slice(*text.selected_span)]) >= 5


# --- edit and delete -------------------------------------------------------------------


async def wait_saved(pilot, settle, screen) -> None:
    await settle(pilot, lambda: pilot.app.screen is screen and not pilot.app._writing)
    for _ in range(3):
        await pilot.pause()


async def test_e_edits_the_highlighted_claim_changing_only_its_lines(copy, explorer, settle):
    before = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"pinot", "enter", "2")
        await settle(pilot, lambda: screen.item is not None
                     and screen.item.id == "haftar-meets-pinotti")
        await pilot.press("E")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaptureScreen))
        form = pilot.app.screen
        assert form.query_one("#cf-claim-id", Input).value == "haftar-meets-pinotti"
        assert form.query_one("#cf-polarity", Select).value == "1"
        assert form.query_one("#cf-claim", Select).disabled  # a relation stays a relation
        form.query_one("#cf-polarity", Select).value = "2"
        form.query_one("#cf-claim-id", Input).value = "haftar-meets-pinotti-in-rome"
        await pilot.press("ctrl+s")
        await wait_saved(pilot, settle, screen)
        assert screen.item.id == "haftar-meets-pinotti-in-rome"
    after = copy.read_text(encoding="utf-8")
    changed = [  # as many lines as before: replaced in place, none added or removed
        (old, new) for old, new in zip(before.splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [
        ("  - id: haftar-meets-pinotti", "  - id: haftar-meets-pinotti-in-rome"),
        ("    polarity: 1", "    polarity: 2"),
    ]


async def test_delete_key_deletes_a_claim_after_asking_and_refuses_a_named_actor(
    copy, explorer, settle
):
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"pinot", "enter", "2", "delete")
        await settle(pilot, lambda: pilot.app.screen is not screen)
        await pilot.press("n")  # not this time
        await settle(pilot, lambda: pilot.app.screen is screen)
        assert "haftar-meets-pinotti" in load_knowledge_base(copy).relation_by_id
        await pilot.press("delete", "y")
        await wait_saved(pilot, settle, screen)
        await settle(pilot, lambda: "haftar-meets-pinotti" not in screen.unfiltered.relation_by_id)
        # Italy is named by its relations, its people and its stances: not deleted.
        await pilot.press("slash", *"italy", "enter", "1", "delete")
        await settle(pilot, lambda: any("cannot be deleted" in n.message
                                        for n in pilot.app._notifications))
        assert pilot.app.screen is screen
    kb = load_knowledge_base(copy)
    assert "haftar-meets-pinotti" not in kb.relation_by_id and "italy" in kb.actor_by_id


async def test_e_in_the_actor_list_renames_an_actor_everywhere(copy, explorer, settle):
    async with StakeholderApp(copy).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"pinot", "enter", "1", "E")
        await settle(pilot, lambda: isinstance(pilot.app.screen, NewActorScreen))
        form = pilot.app.screen
        form.query_one("#actor-id", Input).value = "pinotti"
        await pilot.press("ctrl+s")
        await wait_saved(pilot, settle, screen)
        await settle(pilot, lambda: screen.actor_id == "pinotti")
    kb = load_knowledge_base(copy)
    assert kb.relation_by_id["haftar-meets-pinotti"].target == "pinotti"
    assert kb.actor_by_id["pinotti"].name == "Roberta Pinotti"
