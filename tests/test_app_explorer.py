"""Pilot tests of the explorer: every flow a user goes through, keys and mouse."""

from __future__ import annotations

import pytest
from fixtures_kb import HOSTILE_QUOTE, explorer_kb, hostile_kb
from textual.widgets import Static

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.filters import Filters
from tui.model import KnowledgeBase
from tui.sanitize import display
from tui.screens.explorer import ExplorerScreen, Place
from tui.screens.help import HelpScreen, key_rows
from tui.search import Hit
from tui.views.filter_bar import FilterBar
from tui.widgets.actor_detail import ActorDetail
from tui.widgets.actor_list import ActorList, SortOrder
from tui.widgets.items import items_of
from tui.widgets.relation_table import RelationTable
from tui.widgets.source_text import SourceText
from tui.widgets.source_view import SourceView


def app_for(kb: KnowledgeBase | None = None) -> StakeholderApp:
    return StakeholderApp(knowledge_base=explorer_kb() if kb is None else kb)


async def press_until(pilot, key: str, condition, limit: int = 40) -> None:
    for _ in range(limit):
        if condition():
            return
        await pilot.press(key)
    assert condition(), f"pressing {key!r} {limit} times did not get there"


def relation(item_id: str) -> ItemRef:
    return ItemRef("relation", item_id)


def row_texts(table: RelationTable, row: int) -> list[str]:
    return [cell.plain for cell in table.cells_at(row)]


def shown_quote(screen: ExplorerScreen) -> str:
    text = screen.query_one(SourceText)
    return text.text[slice(*text.span)]


def hit(kind: str, actor_id: str, relation_id=None, stance_id=None, evidence_index=0) -> Hit:
    return Hit(kind, actor_id, relation_id, stance_id, evidence_index, "", (), 1.0, "")


async def test_highlighting_an_actor_fills_relations_and_detail(explorer):
    kb = explorer_kb()
    async with app_for(kb).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        assert pilot.app.focused is screen.query_one(ActorList)
        await press_until(pilot, "j", lambda: screen.actor_id == "khalifa-haftar")
        await pilot.pause()

        table = screen.query_one(RelationTable)
        assert table.items == items_of(kb, "khalifa-haftar")
        assert table.row_count == 5
        visits = table.items.index(relation("haftar-visits-italy"))
        assert row_texts(table, visits)[:4] == ["→ +", "Italy", "visits", "2017-09-26"]
        threatens = row_texts(table, table.items.index(relation("haftar-threatens-italy")))
        assert threatens == [
            "→ −−",
            "Italy",
            "threatens",
            "2017-08",
            "attributed",
            "Italy",
            "event",
            "Haftar threatened Italian ships.",
        ]
        hosts = row_texts(table, table.items.index(relation("pinotti-hosts-haftar")))
        assert hosts[:3] == ["← +", "Roberta Pinotti", "hosts"]
        assert "Khalifa Haftar" in str(table.border_title)

        detail = screen.query_one(ActorDetail).text
        assert "Khalifa Haftar" in detail
        assert "person · affiliated with Libyan National Army" in detail
        assert "Also: Haftar, the commander" in detail
        assert "Libyan military strongman" in detail

        # The first relation is highlighted at once: its quote is already in the source pane.
        assert screen.item == table.items[0]
        await pilot.pause()
        assert shown_quote(screen) == kb.relation_by_id[table.items[0].id].evidence[0].quote


async def test_detail_lists_members_and_stances(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        await pilot.pause()
        detail = screen.query_one(ActorDetail).text
        assert "Speaking for it: Roberta Pinotti" in detail
        assert "◆ peace-force: Could lead a post-stabilisation peace force." in detail
        assert "“could lead a post-stabilisation peace force” (News24, 2017-09-27)" in detail


async def test_detail_lists_the_claims_an_actor_is_the_source_of(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        await pilot.pause()
        detail = screen.query_one(ActorDetail).text
        assert "Says (1):\n  Haftar threatened Italian ships. (Khalifa Haftar threatens Italy)" in (
            detail
        )
        screen.actor_id = "roberta-pinotti"  # asserts nothing: no such section
        await pilot.pause()
        assert "Says" not in screen.query_one(ActorDetail).text


async def test_highlighting_a_relation_shows_its_quote_highlighted_in_the_source(explorer):
    kb = explorer_kb()
    async with app_for(kb).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "khalifa-haftar"
        await pilot.press("tab")
        assert pilot.app.focused is screen.query_one(RelationTable)
        target = relation("haftar-threatens-italy")
        await press_until(pilot, "j", lambda: screen.item == target)
        await pilot.pause()

        quote = kb.relation_by_id["haftar-threatens-italy"].evidence[0].quote
        assert shown_quote(screen) == quote
        text = screen.query_one(SourceText)
        assert len(text.text) == len(kb.source_by_id["news24-haftar-rome"].text)
        first_line = text.line_of(text.span[0])
        top = text.scroll_offset.y
        assert top <= first_line < top + text.scrollable_content_region.height
        # Quote segments are drawn in the quote style, the rest of the line is not.
        strip = text.render_line(first_line - top)
        quote_style = text.get_component_rich_style("source-text--quote", partial=True)
        styled = "".join(s.text for s in strip if s.style and s.style.underline)
        assert quote_style.underline
        assert styled and quote.startswith(styled)
        source_view = screen.query_one(SourceView)
        assert source_view.border_subtitle == "quote 1 of 1"
        citation = str(source_view.query_one("#citation", Static).content)
        title = "Strongman Haftar bolsters stature as key Libya player"
        assert citation == f"News24, “{title}”, 2017-09-27"


async def test_brackets_step_through_the_quotes_of_a_relation(explorer):
    kb = explorer_kb()
    quotes = [e.quote for e in kb.relation_by_id["italy-backs-gna"].evidence]
    async with app_for(kb).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        screen.item = relation("italy-backs-gna")
        await pilot.pause()
        view = screen.query_one(SourceView)
        assert (shown_quote(screen), view.border_subtitle) == (quotes[0], "quote 1 of 3")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert (shown_quote(screen), view.border_subtitle) == (quotes[1], "quote 2 of 3")
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.evidence_index == 0  # wraps around
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert (shown_quote(screen), view.border_subtitle) == (quotes[2], "quote 3 of 3")
        # Another relation starts again at its first quote.
        screen.item = relation("italy-deals-with-militias")
        await pilot.pause()
        assert screen.evidence_index == 0
        assert view.border_subtitle == "quote 1 of 1"


async def test_enter_follows_a_relation_and_back_and_forward_retrace_it(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "khalifa-haftar"
        await pilot.press("2")
        visits = relation("haftar-visits-italy")
        await press_until(pilot, "j", lambda: screen.item == visits)
        assert not screen.can_go_back

        await pilot.press("enter")
        await pilot.pause()
        assert (screen.actor_id, screen.item) == ("italy", visits)
        actors, table = screen.query_one(ActorList), screen.query_one(RelationTable)
        assert actors.actor_at(actors.cursor_row) == "italy"
        assert table.items[table.cursor_row] == visits
        assert row_texts(table, table.cursor_row)[:3] == ["← +", "Khalifa Haftar", "visits"]

        # Move on from there, then come back: the history keeps where each stop was left.
        await pilot.press("j")
        await pilot.pause()
        moved_to = screen.item
        assert moved_to != visits
        await pilot.press("b")
        await pilot.pause()
        assert (screen.actor_id, screen.item) == ("khalifa-haftar", visits)
        await pilot.press("f")
        await pilot.pause()
        assert (screen.actor_id, screen.item) == ("italy", moved_to)
        await pilot.press("alt+left")
        await pilot.pause()
        assert screen.actor_id == "khalifa-haftar"
        await pilot.press("alt+right")
        await pilot.pause()
        assert screen.actor_id == "italy"
        await pilot.press("backspace")
        await pilot.pause()
        assert screen.actor_id == "khalifa-haftar"
        assert not screen.can_go_back and screen.can_go_forward

        # A new jump drops the forward entries, like a browser.
        await pilot.press("enter")
        await pilot.pause()
        assert screen.actor_id == "italy" and not screen.can_go_forward


async def test_filtering_keeps_the_history_of_what_it_still_shows(explorer, settle):
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "khalifa-haftar"
        await pilot.press("2")
        visits = relation("haftar-visits-italy")
        await press_until(pilot, "j", lambda: screen.item == visits)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.actor_id == "italy" and screen.can_go_back

        # Relations that are not positive go: both actors stay, so does the way back.
        app.set_filters(Filters(polarity=(-2, 0)))
        await settle(pilot, lambda: screen.query_one(FilterBar).filters.is_active)
        assert screen.actor_id == "italy" and screen.can_go_back
        await pilot.press("b")
        await pilot.pause()
        # The relation it was left on is filtered out: back lands on the actor.
        assert screen.actor_id == "khalifa-haftar"
        assert screen.item == (items_of(screen.kb, "khalifa-haftar") or [None])[0]
        assert screen.can_go_forward
        await pilot.press("f")
        await pilot.pause()
        assert screen.actor_id == "italy"

        # Only states: Haftar (a person) goes, and with him the way back.
        app.set_filters(Filters(kinds={"state"}))
        await settle(pilot, lambda: screen.query_one(FilterBar).filters.kinds == {"state"})
        assert screen.actor_id == "italy"
        assert not screen.can_go_back and not screen.can_go_forward


async def test_enter_is_labelled_for_the_row_it_acts_on(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        await pilot.press("2")
        await settle(pilot, lambda: screen.item is not None and screen.item.kind == "relation")

        def enter_label() -> str:
            (binding,) = [
                active.binding for active in screen.active_bindings.values()
                if active.binding.key == "enter" and active.enabled
            ]
            return binding.description

        assert enter_label() == "Follow"
        await press_until(pilot, "j", lambda: screen.item.kind == "stance")
        await settle(pilot, lambda: enter_label() == "Quote")
        await pilot.press("enter")  # a stance has no other actor: Enter reads its quote
        await settle(pilot, lambda: pilot.app.focused.id == "source-text")
        assert screen.actor_id == "italy"
        await pilot.press("2", "g")
        await settle(pilot, lambda: enter_label() == "Follow")


async def test_back_and_forward_with_no_history_change_nothing(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        before = screen.place
        await pilot.press("b", "f")
        await pilot.pause()
        assert screen.place == before


async def test_enter_on_an_actor_moves_to_its_relations(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.focused is screen.query_one(RelationTable)


async def test_tab_cycles_the_panes_and_escape_steps_back(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        seen = []
        for _ in range(4):
            seen.append(pilot.app.focused.id)
            await pilot.press("tab")
        assert seen == ["actors", "relations", "detail", "source-text"]
        assert pilot.app.focused.id == "actors"
        await pilot.press("shift+tab")
        assert pilot.app.focused.id == "source-text"
        await pilot.press("escape")
        assert pilot.app.focused.id == "relations"
        await pilot.press("escape")
        assert pilot.app.focused.id == "actors"
        await pilot.press("escape")
        assert pilot.app.focused.id == "actors"
        await pilot.press("3")
        assert pilot.app.focused is screen.query_one(ActorDetail)


async def test_the_pane_in_focus_has_the_bright_border(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        panes = {pane: screen.query_one(f"#{pane}") for pane in ("actors", "relations",
                                                                "detail", "source")}
        bright = panes["actors"].styles.border_top
        dim = panes["relations"].styles.border_top
        assert bright != dim
        for key, pane in (("2", "relations"), ("3", "detail"), ("4", "source"), ("1", "actors")):
            await pilot.press(key)
            # The source pane is bright while its text (a child) has the focus.
            await settle(pilot, lambda pane=pane: panes[pane].styles.border_top == bright)
            assert [p for p, w in panes.items() if w.styles.border_top == bright] == [pane]


async def test_zoom_fills_the_screen_with_the_focused_pane(explorer):
    async with app_for().run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("4", "z")
        await pilot.pause()
        assert screen.maximized is screen.query_one(SourceView)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.maximized is None
        assert pilot.app.focused.id == "source-text"


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
@pytest.mark.parametrize("key, pane", [("1", "actors"), ("2", "relations"), ("3", "detail"),
                                       ("4", "source")])
async def test_zoom_gives_each_pane_the_whole_body_at_every_size(explorer, size, key, pane):
    width, height = size
    async with app_for().run_test(size=size) as pilot:
        screen = await explorer(pilot)
        await pilot.press(key, "z")
        await pilot.pause()
        zoomed = screen.maximized
        assert zoomed is not None and zoomed.id == pane
        assert zoomed.region.width == width and zoomed.region.height == height - 1  # footer
        await pilot.press("z")
        await pilot.pause()
        assert screen.maximized is None


async def test_sort_key_cycles_the_order_and_keeps_the_highlighted_actor(explorer):
    kb = explorer_kb()
    async with app_for(kb).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        screen.actor_id = "italy"
        await pilot.press("s")
        await pilot.pause()
        assert actors.sorting is SortOrder.NAME
        names = [kb.actor_by_id[actors.actor_at(row)].name for row in range(actors.row_count)]
        assert names == sorted(names, key=str.casefold)
        assert actors.actor_at(actors.cursor_row) == "italy" == screen.actor_id

        await pilot.press("s")
        await pilot.pause()
        assert actors.sorting is SortOrder.RELATIONS
        assert actors.actor_at(0) == "khalifa-haftar"  # the most relations
        assert actors.actor_at(actors.cursor_row) == "italy"

        await pilot.press("s")
        await pilot.pause()
        assert actors.sorting is SortOrder.KIND
        assert actors.actor_at(0) is None  # a group header


async def test_actor_list_keys_move_over_rows_and_skip_group_headers(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        assert actors.cursor_row == 1  # row 0 is the "state" header
        await pilot.press("G")
        assert screen.actor_id == "fezzan-councils"
        await pilot.press("g")
        assert screen.actor_id == "italy"
        await pilot.press("k")
        assert screen.actor_id == "italy"
        await pilot.press("down")
        assert screen.actor_id == "gna"  # over the "government" header
        await pilot.press("pagedown")
        assert screen.actor_id == "fezzan-councils"
        await pilot.press("pageup")
        assert screen.actor_id == "italy"


async def test_clicking_rows_highlights_and_a_double_click_follows(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        row = next(r for r in range(actors.row_count) if actors.actor_at(r) == "khalifa-haftar")
        await pilot.click(ActorList, offset=(3, row + 1))  # + the top border
        await pilot.pause()
        assert screen.actor_id == "khalifa-haftar"

        table = screen.query_one(RelationTable)
        visits_row = table.items.index(relation("haftar-visits-italy"))
        await pilot.click(RelationTable, offset=(8, visits_row + 2))  # + border, header
        await pilot.pause()
        assert screen.item == relation("haftar-visits-italy")
        assert screen.actor_id == "khalifa-haftar"
        await pilot.double_click(RelationTable, offset=(8, visits_row + 2))
        await pilot.pause()
        assert screen.actor_id == "italy"


async def test_help_lists_every_key_and_closes(explorer):
    async with app_for().run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        shown = " ".join(
            str(cell)
            for table in help_screen.render_keys().renderables
            if hasattr(table, "columns")
            for column in table.columns
            for cell in column._cells
        )
        for node in (screen, screen.query_one(ActorList), screen.query_one(RelationTable)):
            for _, description, _ in key_rows(node):
                assert description in shown
        for expected in ("Search", "Back", "Fwd", "Follow", "Sort", "Zoom", "Quit", "⌫, b, alt+←"):
            assert expected in shown
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen
        await pilot.press("question_mark", "question_mark")
        await pilot.pause()
        assert pilot.app.screen is screen
        # The footer's keys are buttons too.
        footer_key = next(key for key in screen.query("FooterKey") if key.action == "help")
        await pilot.click(footer_key)
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)


async def test_help_scrolls_with_the_panes_keys(explorer, settle):
    async with app_for().run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        body = pilot.app.screen.query_one("#help-body")
        await settle(pilot, lambda: body.max_scroll_y > 0)
        await pilot.press("j", "j")
        await settle(pilot, lambda: body.scroll_y == 2)
        await pilot.press("k")
        await settle(pilot, lambda: body.scroll_y == 1)
        await pilot.press("G")
        await settle(pilot, lambda: body.scroll_y == body.max_scroll_y)
        await pilot.press("g")
        await settle(pilot, lambda: body.scroll_y == 0)


async def test_q_quits(explorer):
    app = app_for()
    async with app.run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app._exit
    assert app.return_code == 0


async def test_resizing_keeps_the_selection_and_switches_layout(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        screen.item = relation("italy-backs-gna")
        await pilot.press("4", "right_square_bracket")
        await pilot.pause()
        selected = screen.place
        assert screen.has_class("-wide")
        for size, layout in [((80, 24), "-narrow"), ((60, 30), "-single"), ((130, 40), "-wide")]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert screen.has_class(layout)
            assert screen.place == selected
            assert pilot.app.focused.id == "source-text"
            actors, table = screen.query_one(ActorList), screen.query_one(RelationTable)
            assert actors.actor_at(actors.cursor_row) == "italy"
            assert table.items[table.cursor_row] == relation("italy-backs-gna")
            text = screen.query_one(SourceText)
            assert text.text[slice(*text.span)].startswith("Italy has invested heavily")
            first_line = text.line_of(text.span[0])
            top = text.scroll_offset.y
            assert top <= first_line < top + text.scrollable_content_region.height


@pytest.mark.parametrize(
    ("size", "layout", "actors_width"), [((120, 40), "-wide", 30), ((80, 24), "-narrow", 32)]
)
async def test_the_first_frame_is_already_laid_out_for_the_width(size, layout, actors_width):
    """No frame of every pane stacked before the layout for the terminal's width."""
    app = app_for()
    first = record_first_frame(
        app, lambda screen: (screen.has_class(layout), screen.query_one(ActorList).outer_size.width)
    )
    async with app.run_test(size=size) as pilot:
        assert await first_frame(pilot, first) == (True, actors_width)


def record_first_frame(app: StakeholderApp, read) -> list:
    """A list that gets ``read(screen)`` as the explorer's first frame is painted."""
    first: list = []
    display = app._display

    def recording_display(screen, update) -> None:
        display(screen, update)
        if isinstance(screen, ExplorerScreen) and update is not None and not first:
            first.append(read(screen))

    app._display = recording_display
    return first


async def first_frame(pilot, first: list):
    for _ in range(50):
        if first:
            return first[0]
        await pilot.pause()
    raise AssertionError("the explorer never painted a frame")


def drawn_lines(table: RelationTable) -> list[str]:
    """The table's lines in view, as its render_line draws them."""
    lines = min(table.row_count + 1, table.scrollable_content_region.height)
    return ["".join(segment.text for segment in table.render_line(y)) for y in range(lines)]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_first_frame_cuts_names_for_the_width_it_is_drawn_at(size):
    """Textual paints the first frame before the relations table hears its size: the names
    are cut as it draws, so the first frame is already what every later one shows."""
    app = app_for()
    first = record_first_frame(app, lambda screen: drawn_lines(screen.query_one(RelationTable)))
    async with app.run_test(size=size) as pilot:
        drawn_first = await first_frame(pilot, first)
        for _ in range(3):
            await pilot.pause()
        settled = drawn_lines(pilot.app.screen.query_one(RelationTable))
        assert any("Government o" in line for line in settled)  # a name long enough to cut
        assert drawn_first == settled


async def test_go_to_hit_selects_actor_item_and_quote_and_records_history(explorer):
    kb = explorer_kb()
    async with app_for(kb).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        start = screen.place
        screen.go_to_hit(hit("quote", "italy", relation_id="italy-backs-gna", evidence_index=2))
        await pilot.pause()
        assert screen.place.actor_id == "italy"
        assert screen.item == relation("italy-backs-gna")
        assert screen.evidence_index == 2
        assert pilot.app.focused.id == "source-text"
        assert shown_quote(screen) == kb.relation_by_id["italy-backs-gna"].evidence[2].quote

        screen.go_to_hit(hit("stance", "italy", stance_id="italy-on-peace-force"))
        await pilot.pause()
        assert screen.item == ItemRef("stance", "italy-on-peace-force")
        assert pilot.app.focused.id == "relations"

        screen.go_to_hit(hit("actor", "khalifa-haftar"))
        await pilot.pause()
        assert screen.actor_id == "khalifa-haftar"
        assert screen.item == items_of(kb, "khalifa-haftar")[0]
        assert pilot.app.focused.id == "actors"

        await pilot.press("b", "b", "b")
        await pilot.pause()
        assert screen.place == start


async def test_search_key_opens_search_and_escape_changes_nothing(explorer, settle):
    from tui.screens.search import SearchScreen

    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        await pilot.press("tab", "j")
        await pilot.pause()
        before, focused = screen.place, pilot.app.focused
        await pilot.press("slash")
        await settle(pilot, lambda: isinstance(app.screen, SearchScreen))
        assert app.search_index_soon() is app.search_index_soon()  # built once, on first use
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        assert screen.place == before
        assert pilot.app.focused is focused


async def test_hostile_text_shows_literally_and_clicking_it_does_nothing(explorer):
    app = app_for(hostile_kb())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "aide"
        await pilot.pause()
        await pilot.pause()
        assert screen.item == relation("aide-speaks-for-italy")
        text = screen.query_one(SourceText)
        quote = shown_quote(screen)
        assert quote == display(HOSTILE_QUOTE)
        assert "[Minister]" in quote and "[/]" in quote and "[@click=app.quit]" in quote
        assert "\\x1b[2J" in quote and "\x1b" not in text.text

        # What is drawn holds the same characters: no markup was parsed on the way.
        top = text.scroll_offset.y
        drawn = "\n".join(
            "".join(segment.text for segment in text.render_line(y))
            for y in range(text.scrollable_content_region.height)
        )
        for token in ("[Minister]", "[/]", "[@click=app.quit]quit[/]", "\\x1b[2Jwiped."):
            assert token in drawn
        actors = screen.query_one(ActorList)
        row = actors.cursor_row - actors.scroll_offset.y
        assert "[Minister] aide" in "".join(s.text for s in actors.render_line(row))
        table = screen.query_one(RelationTable)
        assert row_texts(table, 0)[-1] == "The aide [b]spoke[/b]."
        citation = str(screen.query_one("#citation", Static).content)
        assert citation.startswith("Wire, “Wire [b]copy[/b]”")
        detail = screen.query_one(ActorDetail).text
        assert "Also: [@click=app.quit]" in detail

        # Click on the would-be action link: nothing acts, the app stays.
        link = text.text.index("[@click=app.quit]")
        line = text.line_of(link)
        column = link - text.line_start(line)
        for x in range(column, column + len("[@click=app.quit]quit"), 4):
            await pilot.click(SourceText, offset=(x + 1, line - top))  # + the left padding
        await pilot.click(ActorList, offset=(3, row + 1))
        await pilot.pause()
        assert not app._exit
        assert app.screen is screen


async def test_switching_theme_restyles_the_panes_and_keeps_the_selection(explorer):
    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "khalifa-haftar"
        screen.item = relation("haftar-threatens-italy")
        await pilot.pause()
        table = screen.query_one(RelationTable)
        row = table.items.index(relation("haftar-threatens-italy"))
        before = table.cells_at(row)[0].spans[-1].style
        selected = screen.place
        app.theme = "gruvbox"
        await pilot.pause()
        assert table.cells_at(row)[0].spans[-1].style != before
        assert screen.place == selected
        assert table.cursor_row == row


async def test_a_search_hit_chosen_with_enter_is_shown(explorer, settle):
    from tui.screens.search import SearchScreen

    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        start = screen.place
        await pilot.press("slash")
        await settle(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"pinotti")
        await settle(pilot, lambda: app.screen.hits and app.screen.hits[0].kind == "actor")
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert screen.actor_id == "roberta-pinotti"
        assert pilot.app.focused.id == "actors"
        await pilot.press("b")
        await pilot.pause()
        assert screen.place == start


async def test_the_command_palette_goes_to_an_actor(explorer, settle):
    from textual.command import CommandPalette

    app = app_for()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"pinotti")
        palette = app.screen
        await settle(pilot, lambda: "Go to actor: Roberta Pinotti" in palette_text(palette))
        await pilot.press("enter")
        await settle(pilot, lambda: screen.actor_id == "roberta-pinotti")
        assert app.screen is screen


def palette_text(palette) -> str:
    from textual.widgets import OptionList

    options = palette.query_one(OptionList).options
    return "\n".join(str(option.prompt) for option in options)


async def test_enter_on_a_stance_reads_its_quote(explorer):
    kb = explorer_kb()
    async with app_for(kb).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        await pilot.press("2", "G")
        await pilot.pause()
        assert screen.item == ItemRef("stance", "italy-on-peace-force")
        assert shown_quote(screen) == "could lead a post-stabilisation peace force"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.actor_id == "italy"
        assert pilot.app.focused.id == "source-text"


async def test_an_empty_knowledge_base_opens(settle):
    empty = KnowledgeBase(explorer_kb().sources, (), (), (), "empty.yaml")
    app = app_for(empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, ExplorerScreen))
        await pilot.press("j", "tab", "enter", "right_square_bracket", "b", "s")
        await pilot.pause()
        screen = app.screen
        assert screen.place == Place(None, None, 0)
        detail = screen.query_one(ActorDetail).text
        assert detail == "This knowledge base has no actors."
        assert screen.query_one(SourceText).text == "This knowledge base has no actors."
