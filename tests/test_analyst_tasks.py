"""The README's two worked examples (issue 15): each analyst question is answered on
screen within 12 keys from a fresh start on the bundled data, pressed here key for key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import StakeholderApp
from tui.loader import bundled_knowledge_base_path
from tui.screens.explorer import ExplorerScreen
from tui.widgets.relation_table import RelationSort, RelationTable
from tui.widgets.source_text import SourceText

pytestmark = pytest.mark.skipif(
    not bundled_knowledge_base_path().is_file(), reason="the bundled knowledge base is not there"
)

BACKERS_AND_OPPONENTS = ["/", "h", "a", "f", "enter", "enter", "s", "s", "s", "g"]
WHAT_ITALY_DID = ["/", "i", "t", "a", "enter", "a", "enter", "s", "z"]


def test_each_question_takes_at_most_twelve_keys():
    assert len(BACKERS_AND_OPPONENTS) <= 12
    assert len(WHAT_ITALY_DID) <= 12


def rows(table: RelationTable) -> list[dict[str, str]]:
    labels = table.column_labels
    return [
        dict(zip(labels, (cell.plain for cell in table.cells_at(row)), strict=True))
        for row in range(table.row_count)
    ]


def shown_quote(screen: ExplorerScreen) -> str:
    text = screen.query_one(SourceText)
    return text.text[slice(*text.span)]


async def press_one_by_one(pilot, keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)


async def test_who_backs_haftar_who_opposes_him_and_the_evidence(explorer, settle):
    app = StakeholderApp(Path(bundled_knowledge_base_path()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await press_one_by_one(pilot, BACKERS_AND_OPPONENTS)
        table = screen.query_one(RelationTable)
        await settle(pilot, lambda: table.sorting is RelationSort.POLARITY)
        assert screen.actor_id == "khalifa-haftar"
        assert pilot.app.focused is table and table.cursor_row == 0
        shown = rows(table)
        relations = [row for row in shown if row["±"][0] in "→←"]
        # Opponents first, backers last; the arrow says who acts on whom.
        signs = [row["±"][2:] for row in relations]
        order = ["−−", "−", "0", "+", "++", "·"]  # ties with no valence after every sign
        assert signs == sorted(signs, key=order.index)
        assert signs[0] == "−−" and "+" in signs
        # Names are cut to the pane: their first letters are enough to tell them apart.
        acting_on_him = {(row["±"], row["with"][:5]) for row in relations}
        assert ("← −−", "Gover") in acting_on_him  # the unity government opposes him
        assert ("← +", "Boris") in acting_on_him  # Boris Johnson met him
        # The evidence: the highlighted claim's quote, highlighted in the article.
        first = screen.kb.relation_by_id[table.items[0].id]
        await settle(pilot, lambda: shown_quote(screen) == first.evidence[0].quote)
        await pilot.press("j")
        second = screen.kb.relation_by_id[table.items[1].id]
        await settle(pilot, lambda: shown_quote(screen) == second.evidence[0].quote)


async def test_what_italy_did_when_and_according_to_whom(explorer, settle):
    app = StakeholderApp(Path(bundled_knowledge_base_path()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await press_one_by_one(pilot, WHAT_ITALY_DID)
        table = screen.query_one(RelationTable)
        await settle(pilot, lambda: screen.maximized is table)
        assert screen.actor_id == "italy" and screen.with_affiliates
        assert table.sorting is RelationSort.DATE
        shown = rows(table)
        # What its people did is there, each row saying who.
        via = {row["via"] for row in shown}
        assert {"Roberta Pinotti", "Italian naval forces"} <= via
        # When: dated first, in order, the undated after.
        dates = [row["date"] for row in shown if row["±"][0] in "→←"]
        dated = [date for date in dates if date != "—"]
        assert dated == ["2017-08", "2017-09-26"] and dates[: len(dated)] == dated
        # According to whom: the hedge and the asserter whole, beside the date.
        threat = shown[0]
        assert (threat["with"], threat["hedge"], threat["per"]) == (
            "Khalifa Haftar",
            "attributed",
            "Mattia Toaldo",
        )
        meeting = shown[1]
        assert (meeting["via"], meeting["with"], meeting["date"]) == (
            "Roberta Pinotti",
            "Khalifa Haftar",
            "2017-09-26",
        )
        drawn = [table.render_line(y).text for y in range(table.row_count + 1)]
        assert "Mattia Toaldo" in drawn[1] and "2017-08" in drawn[1]
