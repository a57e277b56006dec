"""Filters: each filter alone and combined, precision-aware date windows, dangling relations."""

from __future__ import annotations

import dataclasses

import pytest
from analyst_kb import sample_kb, synthetic_kb

from tui.filters import (
    DateWindow,
    Filters,
    StatusChoice,
    UndatedHidden,
    apply,
    date_span,
    undated_hidden,
)
from tui.model import ClaimKind, Status


@pytest.fixture(scope="module")
def kb():
    return sample_kb()


def relation_ids(kb, filters):
    return {relation.id for relation in apply(kb, filters).relations}


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "span"),
    [
        ("2017", ("2017-01-01", "2017-12-31")),
        ("2017-08", ("2017-08-01", "2017-08-31")),
        ("2016-02", ("2016-02-01", "2016-02-29")),
        ("2017-02", ("2017-02-01", "2017-02-28")),
        ("2017-09-26", ("2017-09-26", "2017-09-26")),
    ],
)
def test_a_date_names_the_whole_period_of_its_precision(date, span):
    assert date_span(date) == span


@pytest.mark.parametrize("bad", ["17", "2017-13", "2017-02-30", "2017/08", "2017-8", "", "soon"])
def test_a_malformed_date_is_refused(bad):
    with pytest.raises(ValueError):
        date_span(bad)


def test_a_month_is_inside_a_window_that_covers_it():
    window = DateWindow("2017-08-01", "2017-09-30")
    assert window.overlaps("2017-08")
    assert window.overlaps("2017-09-30")
    assert not window.overlaps("2017-07")
    assert not window.overlaps("2017-10-01")


def test_window_bounds_of_month_precision_span_their_whole_months():
    window = DateWindow("2017-07", "2017-09")
    assert window.overlaps("2017-07-01")
    assert window.overlaps("2017-09-30")
    assert not window.overlaps("2017-06-30")
    assert not window.overlaps("2017-10-01")


def test_an_imprecise_date_is_kept_when_its_period_overlaps_the_window():
    window = DateWindow("2017-08-15", "2017-08-20")
    assert window.overlaps("2017")
    assert window.overlaps("2017-08")
    assert not window.overlaps("2016")
    assert not window.overlaps("2017-09")


def test_open_ended_windows():
    assert DateWindow(start="2017-09").overlaps("2030")
    assert not DateWindow(start="2017-09").overlaps("2017-08-31")
    assert DateWindow(end="2017").overlaps("1990-01-01")
    assert not DateWindow(end="2017").overlaps("2018")


def test_an_open_window_lets_everything_in_and_a_set_one_drops_undated():
    assert DateWindow().overlaps(None)
    assert not DateWindow(start="2000").overlaps(None)


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends"):
        DateWindow("2017-09", "2017-08-31")


# --- each filter alone -----------------------------------------------------------------------


def test_no_filter_returns_the_knowledge_base_itself(kb):
    assert not Filters().is_active
    assert apply(kb, Filters()) is kb


def test_relation_types(kb):
    assert relation_ids(kb, Filters(types={"backs"})) == {
        "italy-backs-gna",
        "egypt-backs-lna",
        "uae-backs-lna",
        "russia-backs-haftar",
        "un-backs-gna",
    }


def test_polarity_range(kb):
    hostile = relation_ids(kb, Filters(polarity=(-2, -1)))
    assert hostile == {
        "haftar-opposes-gna",
        "lna-strikes-jihadists",
        "haftar-threatens-italy",
        "italy-opposes-migrants",
    }
    assert relation_ids(kb, Filters(polarity=(0, 0))) == {"italy-meets-haftar"}


def test_actor_kinds_keep_actors_and_drop_relations_with_a_missing_end(kb):
    filtered = apply(kb, Filters(kinds={"state", "person"}))
    assert {actor.kind for actor in filtered.actors} == {"state", "person"}
    kept = {actor.id for actor in filtered.actors}
    assert all(r.source in kept and r.target in kept for r in filtered.relations)
    assert {r.id for r in filtered.relations} == {
        "haftar-visits-italy",
        "haftar-agrees-serraj",
        "macron-hosts-haftar",
        "macron-hosts-serraj",
        "haftar-threatens-italy",
        "russia-backs-haftar",
        "italy-meets-haftar",
        "pinotti-speaks-for-italy",
    }
    # Stances follow their actor; sources are untouched.
    assert {s.id for s in filtered.stances} == {"italy-on-migration", "haftar-on-gna"}
    assert filtered.sources == kb.sources
    assert filtered.path == kb.path
    only_bodies = apply(kb, Filters(kinds={"international-body", "government"}))
    assert {s.id for s in only_bodies.stances} == set()
    assert {r.id for r in only_bodies.relations} == {"un-backs-gna"}


def test_a_month_window_keeps_month_day_and_year_dates_that_overlap(kb):
    assert relation_ids(kb, Filters(date_from="2017-08-01", date_to="2017-09-30")) == {
        "haftar-opposes-gna",  # 2017: may fall in the window
        "haftar-threatens-italy",  # 2017-08
        "haftar-visits-italy",
        "italy-meets-haftar",
    }


def test_a_window_excludes_undated_relations_only_while_it_is_set(kb):
    undated = {"italy-backs-gna", "egypt-backs-lna", "russia-backs-haftar"}
    assert undated <= relation_ids(kb, Filters(status="both"))
    assert not undated & relation_ids(kb, Filters(date_from="1900"))


def test_status(kb):
    # A status keeps ties only: the August threat is an event, so it has none.
    assert relation_ids(kb, Filters(status=StatusChoice.PAST)) == {"russia-backs-haftar"}
    current = relation_ids(kb, Filters(status="current"))
    assert current == {
        r.id for r in kb.relations if r.kind is ClaimKind.TIE and r.status is Status.CURRENT
    }
    assert "russia-backs-haftar" not in current and "haftar-visits-italy" not in current


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # an actor's alias, in any case: every relation of that actor
        ("uae", {"uae-backs-lna"}),
        # an actor's name: every relation of that actor
        ("national army", {"egypt-backs-lna", "uae-backs-lna", "lna-strikes-jihadists"}),
        # a word of a summary
        ("BOMB", {"haftar-threatens-italy"}),
        # words only found in a quote
        ("la celle-saint-cloud", {"macron-hosts-serraj"}),
        # a name shared by an actor and several quotes
        ("serraj", {"haftar-agrees-serraj", "macron-hosts-serraj"}),
    ],
)
def test_text_query(kb, query, expected):
    assert relation_ids(kb, Filters(text=query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("MIGRATION", {"italy-on-migration"}),  # its issue, position and quote
        ("must be stopped", {"italy-on-migration"}),  # words only found in its quote
        ("unity government", {"haftar-on-gna"}),  # its position
        ("khalifa", {"haftar-on-gna"}),  # the name of its actor alone
        ("bomb", set()),  # a relation's words say nothing of a stance
    ],
)
def test_text_query_narrows_the_stances(kb, query, expected):
    assert {stance.id for stance in apply(kb, Filters(text=query)).stances} == expected


def test_relation_only_filters_leave_the_stances(kb):
    filters = Filters(types={"backs"}, polarity=(-2, -1), status="past", date_from="2017-09")
    assert apply(kb, filters).stances == kb.stances


def test_text_query_ignores_typographic_quotes_case_and_accents(kb):
    # Pasted from the article (Italy’s) or typed (Italy's): the same relations.
    typed = relation_ids(kb, Filters(text="Italy's defence"))
    assert typed == {"haftar-visits-italy"}
    assert relation_ids(kb, Filters(text="ITALY’S DÉFENCE")) == typed


def test_text_query_is_trimmed_and_blank_means_no_filter(kb):
    assert not Filters(text="   ").is_active
    assert relation_ids(kb, Filters(text="  bomb ")) == {"haftar-threatens-italy"}


# --- combined --------------------------------------------------------------------------------


def test_filters_combine_as_and(kb):
    filters = Filters(
        types={"threatens", "visits", "backs"},
        polarity=(-2, 1),
        kinds={"person", "state"},
        date_from="2017-08",
        date_to="2017-09",
    )
    assert relation_ids(kb, filters) == {"haftar-visits-italy", "haftar-threatens-italy"}
    assert relation_ids(kb, Filters(**{**vars(filters), "polarity": (-1, 1)})) == {
        "haftar-visits-italy"
    }
    assert relation_ids(kb, Filters(types={"backs"}, text="russian")) == {"russia-backs-haftar"}
    assert relation_ids(kb, Filters(types={"hosts"}, status="past")) == set()


def test_filters_on_a_large_base_agree_with_a_plain_check():
    big = synthetic_kb(300, 3000)
    filters = Filters(
        types={"backs", "opposes", "strikes"},
        polarity=(-2, 0),
        kinds={"state", "person", "armed-group"},
        date_from="2014-06",
        date_to="2016",
        status="current",
    )
    kind = {actor.id: actor.kind for actor in big.actors}
    expected = {
        r.id
        for r in big.relations
        if r.type in filters.types
        and r.polarity <= 0
        and kind[r.source] in filters.kinds
        and kind[r.target] in filters.kinds
        and r.date is not None
        and date_span(r.date)[1] >= "2014-06-01"
        and date_span(r.date)[0] <= "2016-12-31"
        and r.status.value == "current"
    }
    assert expected
    assert relation_ids(big, filters) == expected


# --- validation and description --------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"types": {"befriends"}},
        {"kinds": {"alien"}},
        {"polarity": (1, -1)},
        {"polarity": (-3, 2)},
        {"date_from": "2017-13"},
        {"date_from": "2018", "date_to": "2017"},
        {"status": "sometimes"},
    ],
)
def test_invalid_filters_are_refused(bad):
    with pytest.raises(ValueError):
        Filters(**bad)


def test_describe():
    assert Filters().describe() == "no filters"
    assert (
        Filters(types={"opposes", "backs"}, polarity=(-2, -1), date_from="2017-07",
                date_to="2017-09").describe()
        == "type: backs,opposes · polarity ≤ -1 · 2017-07..2017-09"
    )
    assert Filters(polarity=(1, 2)).describe() == "polarity ≥ 1"
    assert Filters(polarity=(-1, 1)).describe() == "polarity -1..1"
    assert Filters(polarity=(0, 0)).describe() == "polarity = 0"
    assert Filters(date_from="2017").describe() == "2017.."
    assert Filters(date_to="2017-09-30").describe() == "..2017-09-30"
    assert (
        Filters(kinds={"state", "person"}, status="past", text="Haftar").describe()
        == "kind: state,person · past ties only · text: “Haftar”"
    )


def test_filters_are_values():
    assert Filters(types=["backs"], kinds=("state",)) == Filters(
        types=frozenset({"backs"}), kinds=frozenset({"state"})
    )
    assert Filters(date_from="") == Filters()
    assert Filters(types={"backs"}).is_active


def test_attributes_pass_the_filters_that_apply_to_them():
    from tui.loader import bundled_knowledge_base_path, load_knowledge_base

    kb = load_knowledge_base(bundled_knowledge_base_path())
    assert kb.attributes and apply(kb, Filters(text="zzz")).attributes == ()
    expelled = apply(kb, Filters(text="expelled from Sirte")).attributes
    assert "isis-expelled-from-sirte" in [a.id for a in expelled]
    assert len(expelled) < len(kb.attributes)
    in_2016 = apply(kb, Filters(date_from="2016", date_to="2016")).attributes
    assert [a.id for a in in_2016] == ["isis-expelled-from-sirte"]
    assert apply(kb, Filters(types={"backs"})).attributes == ()
    assert apply(kb, Filters(text="Haftar")).issues == kb.issues
    # A status keeps ties only: events have none.
    past = apply(kb, Filters(status="past"))
    assert past.relations and all(r.status is Status.PAST for r in past.relations)


# --- undated relations under a date window --------------------------------------------------


def undated_ids(kb) -> set[str]:
    return {relation.id for relation in kb.relations if relation.date is None}


def test_keep_undated_keeps_them_under_a_window(kb):
    window = Filters(date_from="2017-09", date_to="2017-09")
    kept = relation_ids(kb, dataclasses.replace(window, keep_undated=True))
    assert len(undated_ids(kb)) == 6
    assert kept == relation_ids(kb, window) | undated_ids(kb)


def test_the_undated_a_window_hides_are_counted(kb):
    window = Filters(date_from="2017-09", date_to="2017-09")
    assert undated_hidden(kb, window) == UndatedHidden(relations=6)
    assert undated_hidden(kb, window).describe() == "6 undated relations"
    assert UndatedHidden(1, 2).describe() == "1 undated relation and 2 undated attributes"
    # Only those the other filters let through: three undated relations are +2.
    assert undated_hidden(kb, dataclasses.replace(window, polarity=(2, 2))).relations == 3
    # Those the other filters alone would show.
    egypt = dataclasses.replace(window, text="Egypt")
    assert undated_hidden(kb, egypt).relations == len(undated_ids(apply(kb, Filters(text="Egypt"))))
    assert undated_hidden(kb, dataclasses.replace(window, keep_undated=True)).total == 0
    assert undated_hidden(kb, Filters(types={"backs"})).total == 0  # no window


def test_undated_attributes_are_counted_and_kept_too():
    from tui.loader import bundled_knowledge_base_path, load_knowledge_base

    kb = load_knowledge_base(bundled_knowledge_base_path())
    undated = [attribute.id for attribute in kb.attributes if attribute.date is None]
    window = Filters(date_from="1900", date_to="1900")
    assert undated_hidden(kb, window).attributes == len(undated)
    kept = apply(kb, dataclasses.replace(window, keep_undated=True)).attributes
    assert [attribute.id for attribute in kept] == undated


def test_keep_undated_means_nothing_without_a_window():
    assert Filters(keep_undated=True) == Filters()
    assert not Filters(keep_undated=True).is_active
    assert Filters(date_from="2017", keep_undated=True).keep_undated
    assert Filters(date_from="2017", keep_undated=True).describe() == "2017.. with undated"
