"""The explorer's widgets on their own: wrapping, sanitizing, truncating, drawing at scale."""

from __future__ import annotations

from fixtures_kb import explorer_kb, many_actors_kb
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.geometry import Region
from textual.widgets import Static

from tests.search_kb import HOSTILE_QUOTE, sample_kb, synthetic_kb
from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.model import RELATION_TYPES, Evidence, KnowledgeBase, Relation, Source, signed_number
from tui.sanitize import display
from tui.screens.search import MAX_RESULTS, SearchScreen
from tui.widgets import relation_table
from tui.widgets.actor_detail import ActorDetail
from tui.widgets.actor_list import ActorList, fit
from tui.widgets.items import describe_item
from tui.widgets.relation_table import RelationTable
from tui.widgets.search_results import SearchResults
from tui.widgets.source_text import SourceText, sanitized_with_span, wrap_offsets
from tui.wording import type_phrase


def lines_of(text: str, width: int) -> list[str]:
    starts, ends = wrap_offsets(text, width)
    return [text[start:end] for start, end in zip(starts, ends, strict=True)]


def test_wrap_breaks_at_the_last_space_that_fits():
    assert lines_of("the quick brown fox jumps", 10) == ["the quick", "brown fox", "jumps"]
    assert lines_of("one\n\ntwo", 10) == ["one", "", "two"]
    assert lines_of("", 5) == [""]
    assert lines_of("abcdefghij", 4) == ["abcd", "efgh", "ij"]  # a long word is cut


def test_wrap_counts_wide_characters_as_two_cells():
    lines = lines_of("汉字" * 10, 7)
    assert "".join(lines) == "汉字" * 10
    assert all(cell_len(line) <= 7 for line in lines)
    assert cell_len(lines[0]) == 6


def test_wrap_of_a_megabyte_on_one_line_is_line_offsets_only():
    text = "long line of words " * 55_000
    starts, ends = wrap_offsets(text, 60)
    assert len(starts) > 15_000
    assert all(ends[i] - starts[i] <= 60 for i in range(0, len(starts), 997))


@given(
    st.text(alphabet=st.sampled_from("ab \n汉é"), max_size=300),
    st.integers(min_value=2, max_value=30),
)
def test_wrap_keeps_every_character_but_the_breaks(text, width):
    starts, ends = wrap_offsets(text, width)
    position = 0
    for start, end in zip(starts, ends, strict=True):
        assert cell_len(text[start:end]) <= width
        # Only a break is left out: the space a line broke at, and a newline.
        assert text[position:start] in ("", " ", "\n", " \n")
        position = end
    assert text[position:] in ("", " ")


def test_sanitizing_in_three_parts_keeps_the_span_on_the_quote():
    text = "a\x1b[2J b \u202equote\x07 here\x1b c"
    start = text.index("quote")
    end = start + len("quote\x07")
    shown, span_start, span_end = sanitized_with_span(text, start, end)
    assert shown[span_start:span_end] == "quote\\x07"
    assert shown == display(text, keep_newlines=True)
    assert "\x1b" not in shown


def test_windows_line_ends_are_line_ends_and_a_lone_carriage_return_shows():
    text = "one\r\ntwo\rthree\r\nfour"
    start = text.index("two")
    shown, span_start, span_end = sanitized_with_span(text, start, start + len("two\rthree"))
    assert shown == "one\ntwo\\x0dthree\nfour"
    assert shown[span_start:span_end] == "two\\x0dthree"


def test_fit_cuts_to_cells_with_an_ellipsis():
    assert fit("Italy", 10) == "Italy"
    assert fit("Government of National Unity", 10) == "Governmen…"
    assert cell_len(fit("汉字汉字汉字", 5)) <= 5
    assert fit("anything", 0) == ""


async def test_actor_list_draws_only_the_rows_in_view(monkeypatch, explorer):
    drawn: list[int] = []
    original = ActorList.render_line

    def counting(self, y):
        drawn.append(y)
        return original(self, y)

    monkeypatch.setattr(ActorList, "render_line", counting)
    kb = many_actors_kb(20_000)
    async with StakeholderApp(knowledge_base=kb).run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        assert actors.row_count == 20_000 + 4  # and four kind headers
        await pilot.press("G")
        await pilot.pause()
        assert screen.actor_id == actors.actor_at(actors.row_count - 1)
        assert actors.scroll_offset.y > 19_000
        height = actors.scrollable_content_region.height
        assert max(drawn) < height
        assert len(drawn) < 50 * height  # a few repaints of the view, never the whole list


async def test_long_names_are_cut_to_the_list_width(explorer):
    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        row = next(r for r in range(actors.row_count) if actors.actor_at(r) == "fezzan-councils")
        screen.actor_id = "fezzan-councils"
        await pilot.pause()
        line = "".join(s.text for s in actors.render_line(row - actors.scroll_offset.y))
        assert "Coalition of the" in line and "…" in line
        assert cell_len(line) == actors.scrollable_content_region.width


def megabyte_kb() -> KnowledgeBase:
    quote = "word " * 200_000
    text = "Headline\n\nBefore the quote. " + quote + "After.\n"
    start = text.index(quote)
    source = Source("big", "Big", "Wire", "2020-01-01", None, "big.txt", text)
    evidence = Evidence("big", quote, start, start + len(quote))
    base = explorer_kb()
    big = Relation("big-quote", "italy", "gna", "other", 0, "A megabyte quote", (evidence,))
    return KnowledgeBase(
        (*base.sources, source), base.actors, (*base.relations, big), base.stances, "big.yaml"
    )


async def test_a_megabyte_quote_is_drawn_line_by_line(monkeypatch, explorer):
    drawn: list[int] = []
    original = SourceText.render_line

    def counting(self, y):
        drawn.append(y)
        return original(self, y)

    monkeypatch.setattr(SourceText, "render_line", counting)
    async with StakeholderApp(knowledge_base=megabyte_kb()).run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        screen.item = ItemRef("relation", "big-quote")
        await pilot.pause()
        await pilot.pause()
        text = screen.query_one(SourceText)
        assert text.line_count > 10_000
        assert text.text[slice(*text.span)].startswith("word word")
        height = text.scrollable_content_region.height
        assert len(drawn) < 50 * height
        await pilot.press("4", "G")
        await pilot.pause()
        assert text.scroll_offset.y == text.max_scroll_y > 10_000


# --- the relations table ------------------------------------------------------------------


def _busiest(kb: KnowledgeBase) -> str:
    return max(kb.actors, key=lambda actor: len(kb.relations_of(actor.id))).id


async def test_the_relations_table_keeps_its_header_and_the_cursor_in_view(explorer):
    kb = synthetic_kb(40, 600, 10)
    async with StakeholderApp(knowledge_base=kb).run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = _busiest(kb)
        await pilot.press("2")
        await pilot.pause()
        table = screen.query_one(RelationTable)
        in_view = table.scrollable_content_region.height - 1
        assert table.row_count > 3 * in_view

        def header() -> str:
            return "".join(segment.text for segment in table.render_line(0))

        def cursor_line() -> int:
            return table.cursor_row - table.scroll_offset.y + 1

        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        assert 1 <= cursor_line() <= in_view and header().split()[:3] == ["±", "with", "type"]
        await pilot.press("pageup")
        assert table.cursor_row == table.row_count - 1 - (in_view - 1)
        assert 1 <= cursor_line() <= in_view
        await pilot.press("g")
        assert table.cursor_row == 0 and table.scroll_offset.y == 0
        assert screen.item == table.items[0]  # each move is announced to the screen


async def test_left_and_right_scroll_the_relations_table_a_column_at_a_time(explorer):
    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "khalifa-haftar"
        await pilot.press("2")
        await pilot.pause()
        table = screen.query_one(RelationTable)
        assert table.virtual_size.width > table.scrollable_content_region.width
        first = "".join(segment.text for segment in table.render_line(0)).split()[:3]
        await pilot.press("right")
        assert table.scroll_offset.x > 0
        after = "".join(segment.text for segment in table.render_line(0)).split()
        assert first == ["±", "with", "type"]
        assert after[:3] == ["±", "with", "date"]  # the next column starts the scrolled part
        await pilot.press("left")
        assert table.scroll_offset.x == 0


async def test_the_relations_table_draws_only_the_lines_in_view_and_each_once(
    monkeypatch, explorer
):
    kb = synthetic_kb(40, 600, 10)
    async with StakeholderApp(knowledge_base=kb).run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = _busiest(kb)
        await pilot.pause()
        table = screen.query_one(RelationTable)
        drawn: list[int] = []
        real = relation_table.line_segments

        def counted(*args, **kwargs):
            drawn.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(relation_table, "line_segments", counted)
        table.notify_style_update()  # forget what was drawn
        height = table.scrollable_content_region.height
        for _ in range(2):
            for y in range(height):
                table.render_line(y)
        assert len(drawn) == height  # the header and the rows in view, drawn once
        assert table.row_count > height


async def search_for(pilot, settle, query: str, until) -> SearchScreen:
    """Open the search overlay from the explorer, type ``query``, wait until ``until(screen)``."""
    await pilot.press("slash", *query)
    await settle(pilot, lambda: isinstance(pilot.app.screen, SearchScreen))
    screen = pilot.app.screen
    await settle(pilot, lambda: until(screen))
    return screen


# --- the search results ---------------------------------------------------------------------


async def test_search_results_page_through_and_cut_long_lines(explorer, settle):
    kb = synthetic_kb(400, 2_000, 10)
    async with StakeholderApp(knowledge_base=kb).run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        screen = await search_for(pilot, settle, "a", lambda s: len(s.hits) == MAX_RESULTS)
        results = screen.query_one(SearchResults)
        page = results.scrollable_content_region.height // 2
        await pilot.press("pagedown")
        assert results.highlighted == page
        top = results.scroll_offset.y
        assert top <= 2 * results.highlighted < top + results.scrollable_content_region.height
        await pilot.press("pageup")
        assert results.highlighted == 0 and results.scroll_offset.y == 0
        width = results.scrollable_content_region.width
        for index in range(results.hit_count):
            for line in results.hit_lines(index):
                assert line.cell_length == width


async def test_a_search_hit_too_long_for_its_line_ends_in_an_ellipsis(explorer, settle):
    async with StakeholderApp(knowledge_base=sample_kb()).run_test(size=(60, 24)) as pilot:
        await explorer(pilot)
        screen = await search_for(
            pilot, settle, "front", lambda s: any(hit.label == HOSTILE_QUOTE for hit in s.hits)
        )
        results = screen.query_one(SearchResults)
        index = next(i for i, hit in enumerate(screen.hits) if hit.label == HOSTILE_QUOTE)
        line = results.hit_lines(index)[0]
        assert line.cell_length == results.scrollable_content_region.width
        assert line.text.rstrip().endswith("…")
        assert line.text.startswith(" quote     The front said [/] and [@click"), line.text


async def test_search_results_draw_only_the_hits_in_view(monkeypatch, explorer, settle):
    kb = synthetic_kb(400, 2_000, 10)
    async with StakeholderApp(knowledge_base=kb).run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        drawn: list[int] = []
        real = SearchResults._draw

        def counted(self, hit, highlighted, index):
            drawn.append(index)
            return real(self, hit, highlighted, index)

        monkeypatch.setattr(SearchResults, "_draw", counted)
        screen = await search_for(pilot, settle, "a", lambda s: len(s.hits) == MAX_RESULTS)
        await pilot.pause()
        results = screen.query_one(SearchResults)
        in_view = -(-results.scrollable_content_region.height // 2)
        assert set(drawn) == set(range(in_view)) and in_view < MAX_RESULTS


async def test_search_results_are_drawn_again_at_a_new_width(explorer, settle):
    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        screen = await search_for(pilot, settle, "haftar", lambda s: bool(s.hits))
        results = screen.query_one(SearchResults)
        assert results.hit_lines(0)[0].cell_length == results.scrollable_content_region.width
        await pilot.resize_terminal(70, 24)
        await settle(pilot, lambda: results.scrollable_content_region.width < 60)
        await pilot.pause()
        assert results.hit_lines(0)[0].cell_length == results.scrollable_content_region.width


async def test_the_relations_cursor_stays_in_view_when_the_pane_shrinks(explorer, settle):
    kb = synthetic_kb(40, 600, 10)
    async with StakeholderApp(knowledge_base=kb).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = _busiest(kb)
        await pilot.press("2")
        table = screen.query_one(RelationTable)
        in_view = table.scrollable_content_region.height - 1
        for _ in range(in_view - 1):
            await pilot.press("j")
        assert table.scroll_offset.y == 0 and table.cursor_row == in_view - 1
        await pilot.resize_terminal(120, 24)
        await settle(pilot, lambda: table.scrollable_content_region.height - 1 < in_view)
        await pilot.pause()
        now_in_view = table.scrollable_content_region.height - 1
        top = table.scroll_offset.y
        assert top <= table.cursor_row < top + now_in_view


async def press_until_row(pilot, actors: ActorList, row: int) -> None:
    for _ in range(row + 5):
        if actors.cursor_row >= row:
            return
        await pilot.press("j")


async def test_the_actor_cursor_stays_in_view_when_the_pane_shrinks(explorer, settle):
    async with StakeholderApp(knowledge_base=synthetic_kb(200, 400, 10)).run_test(
        size=(120, 40)
    ) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        height = actors.scrollable_content_region.height
        await press_until_row(pilot, actors, height - 2)
        assert actors.scroll_offset.y == 0
        await pilot.resize_terminal(80, 24)
        await settle(pilot, lambda: actors.scrollable_content_region.height < height // 2)
        await pilot.pause()
        top, now = actors.scroll_offset.y, actors.scrollable_content_region.height
        assert top <= actors.cursor_row < top + now


def test_a_relation_type_reads_as_words_in_the_claim():
    assert type_phrase("visits") == "visits"
    assert type_phrase("deals-with") == "deals with"
    assert type_phrase("member-of") == "is a member of"
    assert type_phrase("other") == "is related to"
    assert all("-" not in type_phrase(relation_type) for relation_type in RELATION_TYPES)
    kb = explorer_kb()
    relation = next(r for r in kb.relations if r.type == "deals-with")
    # The sentence line, after the qualifiers (who asserts it, how firmly).
    claim = describe_item(kb, ItemRef("relation", relation.id)).splitlines()[1]
    assert " deals with " in claim and "deals-with" not in claim


def test_a_polarity_number_uses_the_same_minus_as_its_sign():
    assert [signed_number(value) for value in (-2, -1, 0, 1, 2)] == ["−2", "−1", "0", "+1", "+2"]
    kb = explorer_kb()
    relation = next(r for r in kb.relations if r.polarity < 0)
    claim = describe_item(kb, ItemRef("relation", relation.id))
    assert f"({signed_number(relation.polarity)})" in claim and "(-" not in claim


async def test_detail_lines_that_wrap_hang_under_their_text(explorer, settle):
    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "italy"
        detail = screen.query_one(ActorDetail)
        await settle(pilot, lambda: "◆ peace-force" in detail.text)
        await pilot.pause()
        text = detail.query_one(Static)
        assert text.size.width < 40  # narrow enough for the stance to wrap
        lines = [strip.text for strip in text.render_lines(Region(0, 0, *text.size))]
        stance = next(i for i, line in enumerate(lines) if line.startswith("◆ peace-force:"))
        # The stance's second line and its quote's start under the text, not under the ◆.
        assert lines[stance + 1].startswith("  ") and lines[stance + 1][2] != " "
        quote = next(i for i in range(stance, len(lines)) if lines[i].startswith("  “"))
        assert lines[quote + 1].startswith("  ") and lines[quote + 1][2] != " "
