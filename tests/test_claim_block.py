"""The claim block: the whole claim when there is room, a marked cut when there is not."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.widgets.claim_block import ELLIPSIS, ClaimBlock

LONG = "The summary of the claim, one sentence long.\n" + " · ".join(
    f"fact number {n}" for n in range(12)
)


class ClaimHost(App[None]):
    CSS = "ClaimBlock { width: 30; height: auto; } .short { max-height: 3; }"

    def compose(self) -> ComposeResult:
        yield ClaimBlock(id="block")


@pytest.mark.parametrize("short", [False, True])
async def test_a_claim_is_shown_whole_or_cut_with_a_mark(short):
    app = ClaimHost()
    async with app.run_test(size=(40, 20)) as pilot:
        block = app.query_one(ClaimBlock)
        block.set_class(short, "short")
        block.show(LONG)
        await pilot.pause()
        shown = [line.plain for line in block.lines(block.content_region.width)]
        assert shown[0].startswith("The summary of the claim")
        assert block.region.height == len(shown)
        if short:
            assert len(shown) == 3 and shown[-1].endswith(ELLIPSIS)
            assert all(len(line) <= 30 for line in shown)
        else:
            assert len(shown) > 3 and not any(line.endswith(ELLIPSIS) for line in shown)
            assert " ".join(shown).replace("  ", " ") == LONG.replace("\n", " ")


async def test_an_empty_claim_hides_the_block():
    app = ClaimHost()
    async with app.run_test(size=(40, 20)) as pilot:
        block = app.query_one(ClaimBlock)
        block.show("")
        await pilot.pause()
        assert not block.display


async def test_at_80x24_who_asserts_each_bundled_claim_and_its_hedges_are_in_view(explorer):
    """The qualifiers lead the block: a claim never reads as more certain than it is, even
    when the pane has room for two lines only."""
    kb = load_knowledge_base(bundled_knowledge_base_path())
    app = StakeholderApp(knowledge_base=kb)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        block = screen.query_one(ClaimBlock)
        for relation in kb.relations:
            screen.actor_id = relation.source
            screen.item = ItemRef("relation", relation.id)
            await pilot.pause()
            shown = " ".join(line.plain for line in block.lines(block.content_region.width))
            assert block.region.height <= 2
            if relation.asserted_by:
                assert kb.actor_by_id[relation.asserted_by].name in shown, relation.id
            assert relation.confidence.value in shown, relation.id
            for hedge in relation.hedges:
                # A hedge that only repeats the claim's confidence and asserter is said once.
                restated = hedge.applies_to == "claim" and hedge.cue is relation.confidence
                restated &= hedge.asserted_by in (None, relation.asserted_by)
                if not restated:
                    assert f"{hedge.cue.value}: {hedge.applies_to}" in shown, relation.id
            if relation.verification is not None:
                assert relation.verification.value in shown, relation.id
