"""An emptied pane says why it is empty: nothing to show, or the filters hid it all."""

from __future__ import annotations

import dataclasses

from fixtures_kb import explorer_kb

from tui.app import StakeholderApp
from tui.filters import Filters
from tui.model import Actor
from tui.widgets.actor_detail import ActorDetail
from tui.widgets.items import why_no_actor, why_no_items
from tui.widgets.source_text import SourceText

HIDDEN_BY_FILTERS = (
    "The filters hide every relation and stance of Khalifa Haftar: "
    "F to edit them, X to clear them."
)


def with_a_silent_actor():
    """The explorer base, and an actor with nothing to its name, named in markup."""
    kb = explorer_kb()
    silent = Actor("silent", "[b]Silent[/b] council", "organisation")
    return dataclasses.replace(kb, actors=(*kb.actors, silent))


def source_text(screen) -> str:
    return screen.query_one(SourceText).text


def test_the_reasons_without_a_terminal():
    kb = with_a_silent_actor()
    assert why_no_items(kb, kb, "silent") == "[b]Silent[/b] council has no relations or stances."
    assert why_no_items(kb, kb, "italy") == ""
    strikes = dataclasses.replace(kb, relations=kb.relations[-2:-1])
    assert why_no_items(strikes, kb, "khalifa-haftar") == HIDDEN_BY_FILTERS
    nobody = dataclasses.replace(kb, actors=())
    assert why_no_actor(nobody, kb) == (
        "The filters hide every actor: F to edit them, X to clear them."
    )
    assert why_no_actor(nobody, nobody) == "This knowledge base has no actors."


async def test_an_actor_with_nothing_says_so(explorer, settle):
    app = StakeholderApp(knowledge_base=with_a_silent_actor())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "silent"
        await settle(pilot, lambda: "Silent" in source_text(screen))
        # Literally: the name's markup is text, not bold.
        assert source_text(screen) == "[b]Silent[/b] council has no relations or stances."
        screen.actor_id = "lna"  # from one empty pane to another: still said, of this one
        await settle(pilot, lambda: "Libyan" in source_text(screen))
        assert source_text(screen) == "Libyan National Army has no relations or stances."


async def test_filters_that_hide_every_relation_of_the_actor_say_so(explorer, settle):
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "khalifa-haftar"
        await pilot.pause()
        app.set_filters(Filters(types={"strikes"}))
        await settle(pilot, lambda: "filters hide" in source_text(app.screen))
        assert app.screen.actor_id == "khalifa-haftar"
        assert source_text(app.screen) == HIDDEN_BY_FILTERS
        await pilot.press("X")
        await settle(pilot, lambda: "filters hide" not in source_text(app.screen))
        assert app.screen.item is not None


async def test_filters_that_hide_every_actor_say_so(explorer, settle):
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        app.set_filters(Filters(kinds={"media"}))  # no actor of that kind
        await settle(pilot, lambda: not app.screen.kb.actors)
        await settle(pilot, lambda: "hide every actor" in app.screen.query_one(ActorDetail).text)
        said = "The filters hide every actor: F to edit them, X to clear them."
        assert app.screen.query_one(ActorDetail).text == said
        assert source_text(app.screen) == said


async def test_the_first_actor_with_nothing_says_so_from_the_first_frame(explorer):
    kb = explorer_kb()
    first = Actor("algeria", "Algeria", "state")  # first of the first kind, by name
    app = StakeholderApp(knowledge_base=dataclasses.replace(kb, actors=(first, *kb.actors)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        assert screen.actor_id == "algeria"
        assert source_text(screen) == "Algeria has no relations or stances."
