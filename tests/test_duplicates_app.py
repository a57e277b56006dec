"""The app's "Likely duplicates" (issue 18, part 4): the palette lists the pairs with their
reasons; Enter merges one way or the other, or marks them distinct, through the one write
path (u undoes it); read-only, it says why merging is off."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from tui import edit
from tui.app import StakeholderApp
from tui.loader import load_knowledge_base
from tui.screens.duplicates import DuplicatesScreen, MergeChoiceScreen

HIFTER = {"id": "hifter", "name": "Khalifa Hifter", "kind": "person", "aliases": ["Hifter"]}


def with_hifter(copy: Path) -> str:
    text = edit.append_item(copy.read_text(encoding="utf-8"), "actors", HIFTER)
    copy.write_text(text, encoding="utf-8")
    return text


async def open_duplicates(pilot, explorer, settle) -> DuplicatesScreen:
    screen = await explorer(pilot)
    commands = {c.title: c for c in pilot.app.get_system_commands(screen)}
    commands["Likely duplicates"].callback()
    await settle(pilot, lambda: isinstance(pilot.app.screen, DuplicatesScreen)
                 and bool(pilot.app.screen.query("#duplicates-hint")))
    return pilot.app.screen


async def test_merge_a_likely_duplicate_from_the_palette_at_80x24(copy, explorer, settle):
    before = with_hifter(copy)
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        screen = await open_duplicates(pilot, explorer, settle)
        listed = screen.query_one(OptionList)
        assert listed.option_count == 1
        prompt = str(listed.get_option_at_index(0).prompt)
        assert "Khalifa Haftar (khalifa-haftar) · Khalifa Hifter (hifter)" in prompt
        assert "'Haftar' and 'Hifter' are the same name" not in prompt
        assert "may be spellings of one name" in prompt
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MergeChoiceScreen))
        await pilot.press("enter")  # first offered: hifter (named nowhere) into khalifa-haftar
        await settle(pilot, lambda: "merged_from: [hifter]" in copy.read_text("utf-8"))
        await settle(pilot, lambda: not isinstance(pilot.app.screen, DuplicatesScreen))
        kb = load_knowledge_base(copy)
        assert "hifter" not in kb.actor_by_id
        assert kb.resolve_actor("hifter").id == "khalifa-haftar"
        assert "Khalifa Hifter" in kb.actor_by_id["khalifa-haftar"].aliases
        assert pilot.app.full_knowledge_base.resolve_actor("hifter").id == "khalifa-haftar"
        pilot.app.action_undo()
        await settle(pilot, lambda: copy.read_text("utf-8") == before)


async def test_mark_a_pair_distinct_from_the_palette(copy, explorer, settle):
    with_hifter(copy)
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        await open_duplicates(pilot, explorer, settle)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MergeChoiceScreen))
        await pilot.press("down", "down", "enter")
        await settle(pilot, lambda: "distinct_from: [hifter]" in copy.read_text("utf-8"))
        kb = load_knowledge_base(copy)
        assert kb.actor_by_id["khalifa-haftar"].distinct_from == ("hifter",)
        assert "hifter" in kb.actor_by_id


async def test_read_only_says_why_merging_is_off(copy, explorer, settle):
    before = with_hifter(copy)
    async with StakeholderApp(copy, read_only=True).run_test(size=(80, 24)) as pilot:
        screen = await open_duplicates(pilot, explorer, settle)
        why = str(screen.query_one("#duplicates-why", Static).render())
        assert "Merging is off" in why and "--read-only" in why
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is screen  # no choice offered
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(pilot.app.screen, DuplicatesScreen))
    assert copy.read_text("utf-8") == before


async def test_no_duplicates_in_the_bundled_knowledge_base(copy, explorer, settle):
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        screen = await open_duplicates(pilot, explorer, settle)
        assert "none" in str(screen.query_one("#duplicates-title", Static).render())
        assert not screen.query(OptionList)


async def test_the_list_follows_a_merge_and_the_palette_opens_it_once(copy, explorer, settle):
    with_hifter(copy)
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        screen = await open_duplicates(pilot, explorer, settle)
        commands = {c.title: c for c in pilot.app.get_system_commands(pilot.app.screen)}
        commands["Likely duplicates"].callback()  # from the palette over the open list
        await pilot.pause()
        assert sum(isinstance(s, DuplicatesScreen) for s in pilot.app.screen_stack) == 1
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MergeChoiceScreen))
        choice_first = str(pilot.app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "Merge Khalifa Hifter (hifter) (named 0 times) into Khalifa Haftar" in choice_first
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is screen)
        # Merged from the command line meanwhile: the list is read again when the file is.
        from tui.merge import merge_file

        assert merge_file(copy, "hifter", "khalifa-haftar", print_lines=lambda lines: 0) == 0
        pilot.app.action_reload()
        await settle(pilot, lambda: screen.query_one("#duplicates-title", Static).render()
                     and "none" in str(screen.query_one("#duplicates-title", Static).render()))
