"""Followable names (issue 15, item 4): every actor the detail pane names (its state, its
people, the asserters of its claims, the parties of what it says) can be highlighted with
the keys and followed with Enter or a click, and the jump is in the back/forward history."""

from __future__ import annotations

from pathlib import Path

import pytest
from keys_burst import burst
from rich.text import Text

from tui.app import StakeholderApp
from tui.detail import ACTOR_LINK, describe
from tui.filters import Filters
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.model import Actor, Attribute, Confidence, Evidence, Hedge, KnowledgeBase
from tui.widgets.actor_detail import ActorDetail, layout, links_in

pytestmark = pytest.mark.skipif(
    not bundled_knowledge_base_path().is_file(), reason="the bundled knowledge base is not there"
)


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    return load_knowledge_base(bundled_knowledge_base_path())


def named(kb: KnowledgeBase, actor_id: str) -> list[tuple[str, str]]:
    """Each marked name of the actor's detail: whom it names, and the text it marks."""
    blocks = describe(kb, actor_id)
    return [(link.actor_id, blocks[link.block][1].plain[link.start : link.end]) for link in
            links_in(blocks)]


def test_the_detail_marks_the_state_the_people_and_the_posts(bundled):
    assert named(bundled, "roberta-pinotti") == [("italy", "Italy"), ("italy", "Italy")]
    assert named(bundled, "united-states") == [
        ("us-military", "US military"),
        ("donald-trump", "Donald Trump"),
    ]


def test_the_asserters_of_its_claims_are_marked_each_mention_once(bundled):
    # Minniti's growing influence is Toaldo's claim.
    assert named(bundled, "marco-minniti") == [
        ("italy", "Italy"),
        ("italy", "Italy"),
        ("mattia-toaldo", "Mattia Toaldo"),
    ]
    quote = Evidence("src", "said", 0, 4)
    kb = KnowledgeBase(
        sources=(),
        actors=(Actor("a", "Analyst", "person"), Actor("t", "Target", "state")),
        relations=(),
        stances=(),
        attributes=(
            Attribute(
                "x",
                "t",
                "controls",
                "Controls the east.",
                (quote,),
                asserted_by="a",
                confidence=Confidence.ATTRIBUTED,
                hedges=(Hedge("target", Confidence.ALLEGED, quote, asserted_by="a"),),
            ),
        ),
    )
    blocks = describe(kb, "t")
    links = links_in(blocks)
    assert [link.actor_id for link in links] == ["a", "a"]
    assert len({link.start for link in links}) == 2  # two mentions, not the first one twice
    for link in links:
        assert blocks[link.block][1].plain[link.start : link.end] == "Analyst"


def test_the_parties_of_what_an_actor_says_are_marked(bundled):
    marks = [actor_id for actor_id, _text in named(bundled, "mattia-toaldo")]
    assert {"italian-naval-forces", "libyan-coastguard", "khalifa-haftar", "italy"} <= set(marks)


def test_a_name_from_the_file_is_never_markup_and_a_missing_actor_is_not_marked():
    kb = KnowledgeBase(
        sources=(),
        actors=(
            Actor("s", "[bold red]State[/] [@click=app.quit]x[/]", "state"),
            Actor("m", "Minister", "person", affiliation="s"),
            Actor("o", "Orphan", "person", affiliation="gone"),
        ),
        relations=(),
        stances=(),
    )
    assert named(kb, "m") == [("s", "[bold red]State[/] [@click=app.quit]x[/]")]
    assert named(kb, "o") == []  # an affiliation to no actor: shown, not followable
    assert "gone" in Text("\n").join(text for _prefix, text in describe(kb, "o")).plain


def bundled_app() -> StakeholderApp:
    return StakeholderApp(Path(bundled_knowledge_base_path()))


async def test_l_highlights_a_name_and_enter_follows_it_into_the_history(explorer, settle):
    async with bundled_app().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"italy", "enter", "3")
        await settle(pilot, lambda: screen.actor_id == "italy")
        detail = screen.query_one(ActorDetail)
        await settle(pilot, lambda: pilot.app.focused is detail)
        # Italy's own name (the asserter of its stances) is not one to step to.
        assert detail.named_actors[:2] == ["roberta-pinotti", "italian-security-chiefs"]
        assert "italy" not in detail.named_actors
        assert detail.highlighted_name is None
        assert detail.check_action("follow_name", ()) is False  # nothing to follow yet

        await pilot.press("l", "l")
        assert detail.highlighted_name == "italian-security-chiefs"
        await pilot.press("h")
        assert detail.highlighted_name == "roberta-pinotti"
        await pilot.press("enter")
        await settle(pilot, lambda: screen.actor_id == "roberta-pinotti")
        assert pilot.app.focused is detail  # to go on following names from there
        assert detail.highlighted_name is None

        await pilot.press("h")  # backwards from none: the last name
        assert detail.highlighted_name == "italy"
        await pilot.press("enter")
        await settle(pilot, lambda: screen.actor_id == "italy")
        await pilot.press("b")
        await settle(pilot, lambda: screen.actor_id == "roberta-pinotti")
        await pilot.press("b")
        await settle(pilot, lambda: screen.actor_id == "italy")
        await pilot.press("f", "f")
        await settle(pilot, lambda: screen.actor_id == "italy" and screen.can_go_back)
        assert not screen.can_go_forward


async def test_stepping_to_a_name_below_the_view_scrolls_it_in(explorer, settle):
    async with bundled_app().run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"toaldo", "enter", "3")
        await settle(pilot, lambda: screen.actor_id == "mattia-toaldo")
        detail = screen.query_one(ActorDetail)
        count = len(detail.named_actors)
        assert count >= 5
        await pilot.press(*["l"] * count)  # the last name, below a 24-line screen's pane
        await settle(pilot, lambda: detail.scroll_offset.y > 0)
        low = detail.scroll_offset.y
        await pilot.press("l")  # round to the first again: back up to it
        await settle(pilot, lambda: detail.scroll_offset.y < low)


async def test_a_click_on_a_name_follows_it(explorer, settle):
    async with bundled_app().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("slash", *"pinot", "enter")
        await settle(pilot, lambda: screen.actor_id == "roberta-pinotti")
        detail = screen.query_one(ActorDetail)
        text = detail.query_one("#detail-text")
        width = text.content_region.width
        console = pilot.app.console
        lines = console.render_lines(
            layout(describe(screen.kb, "roberta-pinotti")), console.options.update_width(width)
        )
        x, y = next(
            (sum(seg.cell_length for seg in line[:index]), row)
            for row, line in enumerate(lines)
            for index, seg in enumerate(line)
            if seg.style and seg.style.meta.get(ACTOR_LINK) == "italy"
        )
        await pilot.click(text, offset=(x + 1, y))
        await settle(pilot, lambda: screen.actor_id == "italy")
        assert screen.can_go_back


async def test_a_name_the_filters_hide_says_so_and_stays(explorer, settle):
    async with bundled_app().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        pilot.app.set_filters(Filters(kinds={"person"}))
        # Refilled: the panes recomposed on the filtered file, the first person highlighted.
        await settle(
            pilot,
            lambda: "italy" not in screen.kb.actor_by_id
            and screen.actor_id in screen.kb.actor_by_id,
        )
        await pilot.press("slash", *"pinot", "enter", "3")
        await settle(pilot, lambda: screen.actor_id == "roberta-pinotti")
        detail = screen.query_one(ActorDetail)
        # The detail reads the unfiltered file: Italy is named, and followable only if shown.
        await pilot.press("l", "enter")
        await settle(pilot, lambda: bool(pilot.app._notifications))
        assert screen.actor_id == "roberta-pinotti"
        assert any("filters hide" in n.message for n in pilot.app._notifications)
        assert detail.highlighted_name == "italy"


async def test_search_then_keys_in_one_burst_go_where_enter_took_them(explorer, settle):
    """Enter in the search goes with the results of the query typed so far, even when more
    keys are already queued behind it (it went by Input.Submitted, handled after them)."""
    async with bundled_app().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        burst(pilot, "slash", *"pinot", "enter", "3", "l")
        await settle(pilot, lambda: screen.actor_id == "roberta-pinotti")
        detail = screen.query_one(ActorDetail)
        await settle(pilot, lambda: detail.highlighted_name == "italy")
        assert pilot.app.screen is screen and pilot.app.focused is detail
