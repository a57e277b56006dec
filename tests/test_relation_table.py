"""The relations table keeps its bearings: the direction and counterpart stay while the
other columns scroll, no column shows as a sliver, the hedge and the asserter have columns
of their own, `s` sorts, two relations of one pair and type read apart, and an empty
pane says why."""

from __future__ import annotations

import dataclasses
import re

import pytest
from fixtures_kb import explorer_kb
from rich.console import Console
from rich.text import Text

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.filters import Filters
from tui.model import Confidence, KnowledgeBase, Modality, Relation
from tui.widgets.actor_list import ActorList, SortOrder
from tui.widgets.items import items_of
from tui.widgets.relation_table import (
    COLUMNS,
    LEAST_CUT,
    NAME,
    NAME_WIDTH,
    PADDING,
    RelationSort,
    RelationTable,
    _widest_of,
    first_item,
    line_segments,
    padded_line,
    sorted_items,
)

LABELS = [label for _key, label in COLUMNS]


def relation(item_id: str) -> ItemRef:
    return ItemRef("relation", item_id)


def cells_by_label(table: RelationTable, row: int) -> dict[str, str]:
    cells = (cell.plain for cell in table.cells_at(row))
    return dict(zip(table.column_labels, cells, strict=True))


def drawn(table: RelationTable) -> list[str]:
    """The table's lines in view (the header first), as render_line draws them."""
    lines = table.scrollable_content_region.height
    return ["".join(segment.text for segment in table.render_line(y)) for y in range(lines)]


def row_line(table: RelationTable, row: int) -> str:
    return drawn(table)[row - table.scroll_offset.y + 1]


async def open_table(pilot, explorer, actor_id: str) -> RelationTable:
    screen = await explorer(pilot)
    screen.actor_id = actor_id
    await pilot.press("2")
    await pilot.pause()
    table = screen.query_one(RelationTable)
    assert pilot.app.focused is table
    return table


async def press_right(pilot, table: RelationTable) -> bool:
    """→ once; whether the table scrolled."""
    before = table.scroll_offset.x
    await pilot.press("right")
    await pilot.pause()
    return table.scroll_offset.x != before


# --- the bearing columns ------------------------------------------------------------------


async def test_the_direction_and_counterpart_stay_while_the_other_columns_scroll(explorer):
    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=(80, 24)) as pilot:
        table = await open_table(pilot, explorer, "khalifa-haftar")
        lines = drawn(table)
        frozen = lines[0].index("type") - PADDING  # where the scrolling part starts
        bearings = [line[:frozen] for line in lines]
        assert lines[0].split()[:2] == ["±", "with"]
        assert "Italy" in bearings[1] and "→ +" in bearings[1]

        leading = [lines[0].split()[2]]
        while await press_right(pilot, table):
            lines = drawn(table)
            assert [line[:frozen] for line in lines] == bearings
            leading.append(lines[0][frozen:].split()[0] if lines[0][frozen:].strip() else "")
        # Each → brings the next column to the frozen ones' side, the date right after type.
        assert leading[:6] == ["type", "date", "hedge", "per", "status", "summary"]
        await pilot.press("left")
        await pilot.pause()
        assert drawn(table)[0][frozen:].split()[0] == "summary"


# --- whole columns ------------------------------------------------------------------------


def header_columns(header: str) -> list[tuple[int, int, str]]:
    """Each label in the header: where its column's text starts, where the next column's
    starts (or the line ends), and the label as shown."""
    found = [(match.start(), match.group()) for match in re.finditer(r"\S+", header)]
    ends = [start for start, _label in found[1:]] + [len(header)]
    return [(start, end, label) for (start, label), end in zip(found, ends, strict=True)]


def full_label(shown: str) -> str:
    return next(label for label in LABELS if label.startswith(shown.rstrip("…")))


def assert_whole_or_cut_with_room(table: RelationTable) -> None:
    """Every cell in view is its whole text, or (the last column only) its first cells
    and "…" with at least LEAST_CUT cells of room: never a sliver."""
    lines = drawn(table)
    columns = header_columns(lines[0])
    for index, (start, end, shown) in enumerate(columns):
        label = full_label(shown)
        is_last = index == len(columns) - 1
        assert shown == label or (is_last and shown.endswith("…")), lines[0]
        if shown != label:
            assert end - start >= LEAST_CUT, lines[0]
        for y, line in enumerate(lines[1 : table.row_count + 1]):
            whole = cells_by_label(table, table.scroll_offset.y + y)[label]
            text = line[start:end].strip()
            cut = is_last and text.endswith("…") and whole.startswith(text[:-1])
            assert text == whole or (cut and end - start >= LEAST_CUT), (label, line)


@pytest.mark.parametrize("size", [(70, 24), (80, 24), (100, 30), (120, 40), (160, 40)])
async def test_no_column_is_drawn_as_a_sliver_at_the_right_edge(size, explorer):
    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=size) as pilot:
        for actor_id in ("khalifa-haftar", "italy"):
            table = await open_table(pilot, explorer, actor_id)
            assert_whole_or_cut_with_room(table)
            # Up to the summary's start: past it, → reads a long summary a view at a time.
            while "summary" not in drawn(table)[0] and await press_right(pilot, table):
                assert_whole_or_cut_with_room(table)
            await pilot.press("1")


async def test_a_column_cut_at_the_edge_ends_in_an_ellipsis(explorer):
    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=(80, 24)) as pilot:
        table = await open_table(pilot, explorer, "khalifa-haftar")
        for _ in range(3):
            await press_right(pilot, table)
        header = drawn(table)[0].rstrip()
        assert header.split()[-1] == "summa…"  # six cells of room: the column shows cut
        threatens = row_line(table, table.items.index(relation("haftar-threatens-italy")))
        assert threatens.rstrip().endswith("Hafta…")


# --- the hedge and the asserter -----------------------------------------------------------


def with_a_hedged_stance() -> KnowledgeBase:
    kb = explorer_kb()
    stance = dataclasses.replace(
        kb.stances[0], asserted_by="khalifa-haftar", confidence=Confidence.ALLEGED
    )
    return dataclasses.replace(kb, stances=(stance,))


async def test_who_asserts_a_claim_and_how_firmly_have_columns_of_their_own(explorer):
    kb = with_a_hedged_stance()
    async with StakeholderApp(knowledge_base=kb).run_test(size=(120, 40)) as pilot:
        table = await open_table(pilot, explorer, "italy")
        threatens = table.items.index(relation("haftar-threatens-italy"))
        visits = table.items.index(relation("haftar-visits-italy"))
        deals = table.items.index(relation("italy-deals-with-militias"))
        stance = table.items.index(ItemRef("stance", "italy-on-peace-force"))

        def hedge_and_per(row: int) -> tuple[str, str]:
            cells = cells_by_label(table, row)
            return cells["hedge"], cells["per"]

        assert hedge_and_per(threatens) == ("attributed", "Italy")
        assert hedge_and_per(visits) == ("stated", "")
        assert hedge_and_per(deals) == ("reported", "")
        assert hedge_and_per(stance) == ("alleged", "Khalifa Haftar")
        # A claim the source does not state in its own voice reads as hedged.
        hedge = table.column_labels.index("hedge")
        for row in (threatens, deals, stance):
            assert table.cells_at(row)[hedge].style == "italic"
        assert not table.cells_at(visits)[hedge].style


# --- sorting ------------------------------------------------------------------------------


def relation_cells(table: RelationTable, label: str) -> list[str]:
    return [
        cells_by_label(table, row)[label]
        for row, item in enumerate(table.items)
        if item.kind == "relation"
    ]


async def test_s_cycles_the_relations_sort_keeping_the_cursor_on_its_relation(explorer):
    kb = explorer_kb()
    async with StakeholderApp(knowledge_base=kb).run_test(size=(120, 40)) as pilot:
        table = await open_table(pilot, explorer, "italy")
        screen = pilot.app.screen
        screen.item = relation("haftar-visits-italy")
        await pilot.pause()
        posted: list[RelationSort] = []
        post = table.post_message

        def recording(message):
            if isinstance(message, RelationTable.SortChanged):
                posted.append(message.sorting)
            return post(message)

        table.post_message = recording
        assert table.sorting is RelationSort.FILE
        assert table.border_subtitle == "in file order"

        expected = {
            RelationSort.DATE: ("date", ["2017-08", "2017-09-26", "—", "—"]),  # undated last
            RelationSort.TYPE: ("type", ["backs", "deals-with", "threatens", "visits"]),
            RelationSort.POLARITY: ("±", ["← −−", "→ 0", "← +", "→ ++"]),
            RelationSort.COUNTERPART: (
                "with",
                ["Government of N…", "Khalifa Haftar", "Khalifa Haftar", "Militia groups"],
            ),
        }
        for sorting, (label, cells) in expected.items():
            await pilot.press("s")
            await pilot.pause()
            assert table.sorting is sorting
            assert table.border_subtitle == f"by {sorting.value}"
            assert relation_cells(table, label) == cells
            assert table.items[-1] == ItemRef("stance", "italy-on-peace-force")  # after them
            assert table.items[table.cursor_row] == relation("haftar-visits-italy")
            assert screen.item == relation("haftar-visits-italy")
        await pilot.press("s")
        await pilot.pause()
        assert table.sorting is RelationSort.FILE
        assert table.items == items_of(kb, "italy")
        assert posted == [*expected, RelationSort.FILE]

        # In the actor list, s still sorts the actors.
        await pilot.press("1", "s")
        await pilot.pause()
        assert screen.query_one(ActorList).sorting is SortOrder.NAME
        assert table.sorting is RelationSort.FILE


async def test_a_sort_set_from_outside_applies_to_every_actor_without_announcing_itself(
    explorer,
):
    kb = explorer_kb()
    async with StakeholderApp(knowledge_base=kb).run_test(size=(120, 40)) as pilot:
        table = await open_table(pilot, explorer, "khalifa-haftar")
        posted: list = []
        post = table.post_message
        table.post_message = lambda message: (posted.append(message), post(message))[1]
        table.sorting = RelationSort.named("date")
        await pilot.pause()
        assert table.border_subtitle == "by date"
        assert relation_cells(table, "date") == [
            "2017",
            "2017-07",
            "2017-08",
            "2017-09-26",
            "2017-09-26",
        ]
        assert not any(isinstance(message, RelationTable.SortChanged) for message in posted)

        pilot.app.screen.actor_id = "italy"
        await pilot.pause()
        assert table.items == sorted_items(kb, "italy", RelationSort.DATE)
        assert relation_cells(table, "date") == ["2017-08", "2017-09-26", "—", "—"]
    assert RelationSort.named("no such sort") is RelationSort.FILE
    assert RelationSort.named(None) is RelationSort.FILE


# --- two relations of one pair and type ---------------------------------------------------


def with_twin_offers() -> KnowledgeBase:
    """Two offers of Haftar to Italy that differ only in their day and their summary."""
    kb = explorer_kb()
    quote = kb.relation_by_id["haftar-visits-italy"].evidence

    def offer(suffix: str, date: str, summary: str) -> Relation:
        return Relation(
            f"haftar-offers-italy-{suffix}",
            "khalifa-haftar",
            "italy",
            "mediates",
            1,
            summary,
            quote,
            date=date,
            modality=Modality.INTENT,
        )

    twins = (
        offer("a", "2017-09-26", "Haftar offered to mediate on migrants."),
        offer("b", "2017-09-28", "Haftar offered to mediate on oil."),
    )
    return dataclasses.replace(kb, relations=(*kb.relations, *twins))


@pytest.mark.parametrize("size", [(70, 24), (80, 24), (120, 40)])
async def test_two_relations_of_one_pair_and_type_read_apart_at_the_start(size, explorer):
    async with StakeholderApp(knowledge_base=with_twin_offers()).run_test(size=size) as pilot:
        table = await open_table(pilot, explorer, "khalifa-haftar")
        first = row_line(table, table.items.index(relation("haftar-offers-italy-a")))
        second = row_line(table, table.items.index(relation("haftar-offers-italy-b")))
        assert first != second
        assert "2017-09-26" in first and "2017-09-28" in second  # the dates, whole
        assert "(intent)" in first  # cut or not, an offer still reads as one


# --- an empty pane ------------------------------------------------------------------------


def said(table: RelationTable) -> str:
    return " ".join(" ".join(line.split()) for line in drawn(table)).strip()


async def test_an_actor_with_nothing_says_so(explorer):
    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=(80, 24)) as pilot:
        table = await open_table(pilot, explorer, "lna")
        assert table.row_count == 0
        assert said(table) == "Libyan National Army has no relations or stances."


async def test_an_actor_whose_relations_are_all_filtered_out_says_why(explorer, settle):
    app = StakeholderApp(knowledge_base=explorer_kb())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await explorer(pilot)
        app.set_filters(Filters(types={"opposes"}))
        await settle(pilot, lambda: screen.query_one(RelationTable).kb is app.knowledge_base)
        table = await open_table(pilot, explorer, "roberta-pinotti")
        assert said(table) == (
            "The filters hide every relation and stance of Roberta Pinotti: "
            "F to edit them, X to clear them."
        )
        screen.actor_id = "khalifa-haftar"  # a relation passes: the table shows it
        await pilot.pause()
        assert table.row_count == 1 and "opposes" in said(table)


def test_first_item_is_the_first_sorted_row():
    """The explorer highlights an actor's first row without sorting all its rows."""
    kb = explorer_kb()
    actors = [*(actor.id for actor in kb.actors), "no-such-actor", None]
    for actor_id in actors:
        for sorting in RelationSort:
            for with_affiliates in (False, True):
                rows = sorted_items(kb, actor_id, sorting, with_affiliates=with_affiliates)
                found = first_item(kb, actor_id, sorting, with_affiliates=with_affiliates)
                assert found == (rows[0] if rows else None), (actor_id, sorting)


def test_the_widths_measured_from_distinct_values_are_those_of_every_row():
    """``_widest_for`` (each distinct value measured once) gives the widths that measuring
    every row's texts gives."""
    kb = explorer_kb()
    table = RelationTable(kb)
    for actor in kb.actors:
        for with_affiliates in (False, True):
            items = items_of(kb, actor.id, with_affiliates=with_affiliates)
            every_row = [table._texts_of(item, actor.id) for item in items]
            measured, widest = table._widest_for(items, actor.id), _widest_of(every_row)
            # Names are measured until one is as long as a name is drawn.
            assert min(measured[NAME], NAME_WIDTH[1]) == min(widest[NAME], NAME_WIDTH[1])
            measured[NAME] = widest[NAME] = 0
            assert measured == widest, actor.id


def test_a_line_is_made_of_the_segments_its_padded_text_renders_to():
    """``line_segments`` builds a row's line directly: the segments (text and style) that
    rendering ``padded_line`` gives, marks, signs and italic cells included."""
    console = Console()
    marked = Text("+ → ++")
    marked.stylize("bold green", 0, 1)
    marked.stylize("bold red", 4)
    neutral = Text("→ 0")
    neutral.stylize("", 2)
    unvalued = Text("← −")
    unvalued.stylize("dim", 2)
    widths_cases = [(6, 0, 8, 6, 10, 8, 0, 8, 20), (6, 8, 8, 6, 10, 8, 3, 8, 20)]
    for first in (marked, neutral, unvalued, Text("◆")):
        for via in (Text(""), Text("Someone", style="italic")):
            for hedge in (Text("stated"), Text("reported", style="italic")):
                cells = [first, via, Text("Name"), Text("type"), Text("—"), hedge, Text(""),
                         Text("past", style="italic"), Text("summary")]
                for widths in widths_cases:
                    rendered = list(padded_line(cells, widths).render(console))
                    made = line_segments(cells, widths, console)
                    assert [(s.text, s.style) for s in made] == [
                        (s.text, s.style) for s in rendered
                    ]
    header = [Text(label) for label in LABELS]
    widths = tuple(len(label) for label in LABELS)
    assert line_segments(header, widths, console) == list(
        padded_line(header, widths).render(console)
    )


async def test_a_layout_that_changes_nothing_of_a_list_leaves_its_scrollbars_alone(explorer):
    """Textual's scroll views update and repaint their scrollbars on every layout of the
    screen; the lists do only when their size, content or styles changed."""
    async with StakeholderApp(knowledge_base=explorer_kb()).run_test(size=(100, 12)) as pilot:
        screen = await explorer(pilot)
        await pilot.pause()
        actors = screen.query_one(ActorList)
        assert actors.show_vertical_scrollbar
        refreshed: list[object] = []
        scrollbar = actors.vertical_scrollbar
        real = scrollbar.refresh

        def counted(*args, **kwargs):
            refreshed.append(args)
            return real(*args, **kwargs)

        scrollbar.refresh = counted  # type: ignore[method-assign]
        screen.refresh(layout=True)
        await pilot.pause()
        assert refreshed == []
        actors.virtual_size = actors.virtual_size.with_height(actors.virtual_size.height + 5)
        await pilot.pause()
        assert refreshed  # a change of its own still updates them
