"""Analyses: stance matrix, most connected actors, neighbourhoods, timeline."""

from __future__ import annotations

import pytest
from analyst_kb import sample_kb

from tui.analysis import (
    Direction,
    MatrixCell,
    most_connected,
    neighbourhood,
    net_label,
    stance_matrix,
    timeline,
)
from tui.filters import DateWindow
from tui.model import DatePrecision, KnowledgeBase, Relation, polarity_sign


@pytest.fixture(scope="module")
def kb():
    return sample_kb()


def with_relations(kb: KnowledgeBase, *extra: Relation) -> KnowledgeBase:
    return KnowledgeBase(kb.sources, kb.actors, kb.relations + extra, kb.stances, kb.path)


@pytest.mark.parametrize(
    ("value", "sign"), [(5, "++"), (2, "++"), (1, "+"), (0, "0"), (-1, "−"), (-2, "−−"), (-7, "−−")]
)
def test_polarity_sign(value, sign):
    assert polarity_sign(value) == sign


# --- stance matrix ---------------------------------------------------------------------------


def test_matrix_cell_sums_what_the_row_does_to_the_column(kb):
    actors = ["khalifa-haftar", "italy", "gna"]
    matrix = stance_matrix(kb, actors)
    # visits +1, threatens -2: Haftar -> Italy nets -1, and is mixed
    assert matrix[("khalifa-haftar", "italy")] == MatrixCell(
        -1, ("haftar-visits-italy", "haftar-threatens-italy"), mixed=True
    )
    # the other direction is a different cell: Italy deals with Haftar, polarity 0
    assert matrix[("italy", "khalifa-haftar")] == MatrixCell(0, ("italy-meets-haftar",))
    assert matrix[("italy", "gna")] == MatrixCell(2, ("italy-backs-gna",))
    assert matrix[("khalifa-haftar", "gna")] == MatrixCell(-2, ("haftar-opposes-gna",))
    # no relation, no key; actors outside the list are ignored
    assert ("gna", "italy") not in matrix
    assert set(matrix) == {
        ("khalifa-haftar", "italy"),
        ("italy", "khalifa-haftar"),
        ("italy", "gna"),
        ("khalifa-haftar", "gna"),
    }


def test_matrix_diagonal_holds_relations_of_an_actor_with_itself(kb):
    evidence = kb.relations[0].evidence
    selfish = Relation("italy-backs-italy", "italy", "italy", "backs", 1, "Self.", evidence)
    matrix = stance_matrix(with_relations(kb, selfish), ["italy", "gna"])
    assert matrix[("italy", "italy")] == MatrixCell(1, ("italy-backs-italy",))


def test_matrix_accepts_repeated_actor_ids(kb):
    once = stance_matrix(kb, ["khalifa-haftar", "italy"])
    assert stance_matrix(kb, ["khalifa-haftar", "italy", "italy"]) == once


# --- most connected --------------------------------------------------------------------------


def test_most_connected_orders_by_relation_count_then_file_order(kb):
    # Haftar 7, Italy 6, then the LNA and the GNA with 3 each: the LNA comes first in the file.
    assert most_connected(kb, 4) == ["khalifa-haftar", "italy", "lna", "gna"]
    assert most_connected(kb, 1, kind="state") == ["italy"]
    # Fayez al-Serraj and Emmanuel Macron have 2 each; Roberta Pinotti 1.
    assert most_connected(kb, 10, kind="person") == [
        "khalifa-haftar",
        "fayez-serraj",
        "emmanuel-macron",
        "roberta-pinotti",
    ]


def test_most_connected_never_lists_isolated_actors(kb):
    everyone = most_connected(kb, 100)
    assert "france" not in everyone  # France has no relation of its own
    assert len(everyone) == len(kb.actors) - 1
    assert most_connected(kb, 5, kind="media") == []


# --- neighbourhood ---------------------------------------------------------------------------


def test_one_hop_groups_relations_by_neighbour_with_direction(kb):
    hood = neighbourhood(kb, "italy", 1)
    assert hood.actor_id == "italy"
    by_actor = {n.actor_id: n for n in hood.neighbours}
    assert list(by_actor) == [
        "khalifa-haftar",
        "gna",
        "roberta-pinotti",
        "migrants",
    ]
    haftar = by_actor["khalifa-haftar"]
    assert [(e.relation_id, e.type, e.polarity, e.direction) for e in haftar.edges] == [
        ("haftar-visits-italy", "visits", 1, Direction.IN),
        ("haftar-threatens-italy", "threatens", -2, Direction.IN),
        ("italy-meets-haftar", "deals-with", 0, Direction.OUT),
    ]
    assert all(n.depth == 1 and n.children == () for n in hood.neighbours)


def test_two_hops_reach_the_neighbours_of_neighbours_but_not_back(kb):
    hood = neighbourhood(kb, "egypt", 2)
    [lna] = hood.neighbours
    assert lna.actor_id == "lna"
    assert lna.edges[0].direction is Direction.OUT
    children = {child.actor_id: child for child in lna.children}
    # LNA's other relations; Egypt (the centre) is not repeated under it
    assert list(children) == ["uae", "benghazi-jihadists"]
    assert children["uae"].edges[0].direction is Direction.IN  # the UAE backs the LNA
    assert children["benghazi-jihadists"].edges[0].direction is Direction.OUT
    assert all(child.depth == 2 and child.children == () for child in lna.children)


def test_relations_of_an_actor_with_itself_are_not_neighbours(kb):
    evidence = kb.relations[0].evidence
    selfish = Relation("egypt-backs-egypt", "egypt", "egypt", "backs", 1, "Self.", evidence)
    hood = neighbourhood(with_relations(kb, selfish), "egypt", 1)
    assert [n.actor_id for n in hood.neighbours] == ["lna"]


def test_neighbourhood_of_an_actor_without_relations_is_empty(kb):
    assert neighbourhood(kb, "france", 2).neighbours == ()


def test_hops_must_be_one_or_two(kb):
    with pytest.raises(ValueError):
        neighbourhood(kb, "italy", 3)


# --- timeline --------------------------------------------------------------------------------


def describe(entries):
    return [
        (e.date, e.precision, e.relation.id if e.relation else f"published:{e.source.id}")
        for e in entries
    ]


def test_timeline_orders_by_date_with_precision_and_publication_markers(kb):
    day, month, year = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR
    assert describe(timeline(kb)) == [
        ("2016", year, "un-backs-gna"),
        ("2017", year, "haftar-opposes-gna"),
        # same month: file order
        ("2017-07", month, "haftar-agrees-serraj"),
        ("2017-07", month, "lna-strikes-jihadists"),
        ("2017-07-25", day, "macron-hosts-haftar"),
        ("2017-07-25", day, "macron-hosts-serraj"),
        ("2017-07-26", day, "published:wire-paris-july"),
        ("2017-08", month, "haftar-threatens-italy"),
        ("2017-09-26", day, "haftar-visits-italy"),
        ("2017-09-26", day, "italy-meets-haftar"),
        ("2017-09-27", day, "published:news24-haftar-rome"),
    ]


def test_timeline_leaves_out_undated_relations(kb):
    listed = {e.relation.id for e in timeline(kb) if e.relation}
    assert "italy-backs-gna" not in listed
    assert all(e.is_publication == (e.relation is None) for e in timeline(kb))


def test_a_publication_marker_follows_relations_of_its_day(kb):
    evidence = kb.relations[0].evidence
    same_day = Relation(
        "late", "italy", "gna", "backs", 1, "Same day.", evidence, date="2017-07-26"
    )
    entries = describe(timeline(with_relations(kb, same_day)))
    assert entries.index(("2017-07-26", DatePrecision.DAY, "late")) + 1 == entries.index(
        ("2017-07-26", DatePrecision.DAY, "published:wire-paris-july")
    )


def test_timeline_window_keeps_overlapping_periods(kb):
    entries = describe(timeline(kb, DateWindow("2017-08", "2017-09-26")))
    assert [label for *_, label in entries] == [
        "haftar-opposes-gna",
        "haftar-threatens-italy",
        "haftar-visits-italy",
        "italy-meets-haftar",
    ]
    assert [label for *_, label in describe(timeline(kb, DateWindow(start="2017-09-27")))] == [
        "haftar-opposes-gna",
        "published:news24-haftar-rome",
    ]


def test_a_net_label_says_zero_plainly_and_marks_a_mixed_pair():
    assert net_label(MatrixCell(0, ("a",))) == "0"
    assert net_label(MatrixCell(2, ("a",))) == "+2"
    assert net_label(MatrixCell(-1, ("a", "b"), mixed=True)) == "−1 ±"
    assert net_label(MatrixCell(0, ("a", "b"), mixed=True)) == "0 ±"
