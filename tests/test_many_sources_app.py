"""Many sources in the app (issue 19): the detail says how many sources and origins back a
claim and what disputes it is in; `!` lists the disputes with both quotes side by side and
saves the analyst's mark through the one write path; `@` shows what held on a day; the
filter dialog filters by origins, reliability and the as-of date. Keys only, at 80x24."""

from __future__ import annotations

from many_sources import HERALD_STRIKES, build
from textual.widgets import OptionList, Static

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.loader import load_knowledge_base
from tui.screens.disputes import DisputesScreen
from tui.widgets.items import describe_item


async def open_disputes(pilot, explorer, settle) -> DisputesScreen:
    await explorer(pilot)
    await pilot.press("exclamation_mark")
    await settle(pilot, lambda: isinstance(pilot.app.screen, DisputesScreen))
    return pilot.app.screen


def _shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_disputes_show_both_quotes_and_a_conflict_is_saved(copy, explorer, settle):
    build(copy, supersede=False)
    before = copy.read_text(encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        screen = await open_disputes(pilot, explorer, settle)
        listed = screen.query_one(OptionList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in
                   range(listed.option_count)]
        assert any("us-strikes-isis · us-strikes-isis-herald" in p for p in prompts)
        index = next(i for i, p in enumerate(prompts) if "us-strikes-isis-herald" in p)
        listed.highlighted = index
        await pilot.pause()
        first, second = _shown(screen, "#disputes-first"), _shown(screen, "#disputes-second")
        assert "US drone strikes launched from Italy on Sunday" in first
        assert "dated 2017-09-24; reported 2017-09-27" in first
        assert "US military (via News24)" in first
        assert HERALD_STRIKES[:40] in second
        assert "dated 2017-09-22; reported 2017-09-28" in second
        assert "US military (via Example Herald)" in second
        await pilot.press("c")
        await settle(pilot, lambda: "contradicts: [us-strikes-isis-herald]"
                     in copy.read_text(encoding="utf-8"))
        kb = load_knowledge_base(copy)
        assert kb.relation_by_id["us-strikes-isis"].contradicts == ("us-strikes-isis-herald",)
        # The list follows the file: the pair is now a conflict, no longer open.
        await settle(pilot, lambda: any(
            "conflict" in str(listed.get_option_at_index(i).prompt)
            and "us-strikes-isis-herald" in str(listed.get_option_at_index(i).prompt)
            for i in range(listed.option_count)))
        pilot.app.action_undo()
        await settle(pilot, lambda: copy.read_text(encoding="utf-8") == before)


async def test_a_supersession_goes_on_the_later_report(copy, explorer, settle):
    build(copy, supersede=False)
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        screen = await open_disputes(pilot, explorer, settle)
        listed = screen.query_one(OptionList)
        listed.highlighted = next(
            i for i in range(listed.option_count)
            if "us-strikes-isis-herald" in str(listed.get_option_at_index(i).prompt))
        await pilot.press("s")
        await settle(pilot, lambda: load_knowledge_base(copy).relation_by_id[
            "us-strikes-isis-herald"].supersedes == "us-strikes-isis")


async def test_read_only_disputes_are_shown_not_marked(copy, explorer, settle):
    build(copy, supersede=False)
    before = copy.read_bytes()
    async with StakeholderApp(copy, read_only=True).run_test(size=(80, 24)) as pilot:
        await open_disputes(pilot, explorer, settle)
        await pilot.press("b")
        await pilot.pause()
        assert copy.read_bytes() == before


async def test_the_detail_counts_sources_and_origins_and_names_disputes(copy):
    kb = load_knowledge_base(build(copy))
    meeting = describe_item(kb, ItemRef("relation", "haftar-meets-pinotti"))
    assert "3 sources · 2 origins" in meeting
    strikes = describe_item(kb, ItemRef("relation", "us-strikes-isis"))
    assert "in dispute with us-strikes-isis-herald (date)" in strikes
    assert "superseded by us-strikes-isis-corrected" in strikes
    # One source in the whole file: the count says nothing and is not shown.
    from tui.loader import bundled_knowledge_base_path

    single = load_knowledge_base(bundled_knowledge_base_path())
    assert "origin" not in describe_item(single, ItemRef("relation", "haftar-meets-pinotti"))


async def test_as_of_hides_what_was_reported_later(copy, explorer, settle):
    build(copy)
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        app = pilot.app
        assert "us-strikes-isis-herald" in app.knowledge_base.relation_by_id
        await pilot.press("at")
        await settle(pilot, lambda: bool(app.screen.query("#as-of-date")))
        await pilot.press(*"2017-09-27", "enter")
        await settle(pilot, lambda: app.filters.as_of == "2017-09-27")
        assert "us-strikes-isis-herald" not in app.knowledge_base.relation_by_id
        assert "us-strikes-isis" in app.knowledge_base.relation_by_id
        assert "as of 2017-09-27" in app.filters.describe()
        await pilot.press("at")
        await settle(pilot, lambda: bool(app.screen.query("#as-of-clear")))
        await pilot.click("#as-of-clear")
        await settle(pilot, lambda: app.filters.as_of is None)


async def test_the_filter_dialog_sets_origins_reliability_and_as_of(copy, explorer, settle):
    build(copy)
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        app = pilot.app
        await pilot.press("F")
        await settle(pilot, lambda: bool(app.screen.query("#filter-origins")))
        from textual.widgets import Input, Select

        app.screen.query_one("#filter-origins", Select).value = 2
        app.screen.query_one("#filter-reliability", Select).value = "C"
        app.screen.query_one("#filter-as-of", Input).value = "2017-10"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.filters.min_origins == 2)
        assert (app.filters.min_reliability, app.filters.as_of) == ("C", "2017-10")
        assert set(app.knowledge_base.relation_by_id) == {"haftar-meets-pinotti"}


async def test_a_disputed_mixed_cell_of_the_matrix_opens_its_disputes(copy, explorer, settle):
    from tui.disputes import POLARITY, disputes
    from tui.views.matrix import MatrixTable, StanceMatrixScreen

    kb = load_knowledge_base(build(copy, opposed=True))
    found = {d.pair for d in disputes(kb) if d.kind == POLARITY}
    # Italy's current positive tie to the GNA disagrees with the opposition; its backing
    # is past ("hitherto"), so that one does not.
    assert found == {frozenset(("italy-invests-in-gna", "italy-opposes-gna"))}
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        await pilot.press("m")
        await settle(pilot, lambda: isinstance(pilot.app.screen, StanceMatrixScreen))
        matrix = pilot.app.screen
        cell = matrix.cells[("italy", "gna")]
        assert cell.mixed  # + backs and − opposes on one pair
        table = matrix.query_one(MatrixTable)
        table.move_cursor(row=matrix.actor_ids.index("italy"),
                          column=matrix.actor_ids.index("gna"))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DisputesScreen))
        screen = pilot.app.screen
        assert screen.pair == frozenset(("italy", "gna"))
        listed = screen.query_one(OptionList)
        prompts = [str(listed.get_option_at_index(i).prompt) for i in
                   range(listed.option_count)]
        assert len(prompts) == 1 and "italy-invests-in-gna · italy-opposes-gna" in prompts[0]
        assert "Italy now opposes the unity government" in _shown(screen, "#disputes-second")
