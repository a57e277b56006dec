"""Search ranking: every literal match before any fuzzy one; within a class, the query as a
whole word, then at a word start, then inside a word."""

from __future__ import annotations

import pytest

from tests.search_kb import make_kb
from tui.folding import fold
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.model import Actor
from tui.search import Hit, SearchIndex


def actors(*names: str) -> list[Actor]:
    return [Actor(f"actor-{i}", name, "other") for i, name in enumerate(names)]


def is_literal(hit: Hit, query: str) -> bool:
    """Whether the hit's label holds the query as typed (labels are cut around the match)."""
    return fold(query) in fold(hit.label)


def assert_scores_descend(hits: list[Hit]) -> None:
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)


@pytest.fixture(scope="module")
def bundled_index() -> SearchIndex:
    return SearchIndex(load_knowledge_base(bundled_knowledge_base_path()))


def test_isis_on_the_bundled_file_lists_what_says_isis_before_any_fuzzy_name(bundled_index):
    kb = bundled_index.kb
    hits = bundled_index.search("isis")
    assert (hits[0].kind, hits[0].actor_id) == ("actor", "isis")
    literal = [is_literal(hit, "isis") for hit in hits]
    first_fuzzy = literal.index(False)
    assert not any(literal[first_fuzzy:]), [hit.label for hit in hits]
    # Everything that says ISIS is in the literal block: summaries, stances, quotes.
    said = {("relation", r.id) for r in kb.relations if "isis" in fold(r.summary)}
    said |= {("attribute", a.id) for a in kb.attributes if "isis" in fold(a.summary)}
    said |= {("stance", s.id) for s in kb.stances if "isis" in fold(f"{s.issue}: {s.position}")}
    said |= {
        ("quote", claim.id)
        for claim in (*kb.relations, *kb.attributes, *kb.stances)
        for evidence in claim.evidence
        if "isis" in fold(evidence.quote)
    }
    listed = {
        (hit.kind, hit.relation_id or hit.attribute_id or hit.stance_id)
        for hit in hits[:first_fuzzy]
        if hit.kind != "actor"
    }
    assert said and listed == said
    # The scattered i-s-i-s names ("Italian security chiefs") still come, last.
    assert hits[first_fuzzy].kind == "actor"
    assert_scores_descend(hits)


def test_a_quote_saying_the_word_beats_a_name_with_its_letters_scattered():
    kb = make_kb(
        actors("Italian Security Intelligence Services", "B"),
        [("r", "actor-0", "actor-1", "other", "They met.", ["Strikes hit ISIS near Sirte."])],
    )
    hits = SearchIndex(kb).search("isis")
    assert [hit.kind for hit in hits] == ["quote", "actor"]
    assert hits[1].label == "Italian Security Intelligence Services"
    assert_scores_descend(hits)


def test_the_palette_lists_a_literal_alias_before_a_fuzzy_name():
    kb = make_kb(
        [
            Actor("services", "Italian Security Intelligence Services", "organisation"),
            Actor("isis", "Islamic State", "armed-group", ("ISIS",)),
        ]
    )
    hits = SearchIndex(kb).actors("isis")
    assert [(hit.actor_id, hit.label) for hit in hits] == [
        ("isis", "ISIS"),
        ("services", "Italian Security Intelligence Services"),
    ]
    assert_scores_descend(hits)


def test_long_texts_whole_word_then_word_start_then_inside_a_word():
    # File order is the reverse of the ranking, so the order seen is the ranking's.
    kb = make_kb(
        actors("A", "B"),
        [
            ("inside", "actor-0", "actor-1", "other", "The shipyards grew.", []),
            ("start", "actor-0", "actor-1", "other", "Yardsticks were set.", []),
            ("whole", "actor-0", "actor-1", "other", "The yard is closed.", []),
        ],
    )
    hits = SearchIndex(kb).search("yard")
    assert [hit.relation_id for hit in hits] == ["whole", "start", "inside"]
    assert_scores_descend(hits)


def test_a_whole_word_after_a_word_start_in_the_same_text_counts():
    later = "Yardsticks were set " + "and checked again " * 8 + "at the old yard."
    kb = make_kb(
        actors("A", "B"),
        [
            ("start", "actor-0", "actor-1", "other", "Yardsticks were set.", []),
            ("later", "actor-0", "actor-1", "other", later, []),
        ],
    )
    hits = SearchIndex(kb).search("yard")
    assert [hit.relation_id for hit in hits] == ["later", "start"]
    # The label's window is cut around the whole word, not the first word start.
    assert hits[0].label.endswith("at the old yard.")
    assert "Yardsticks" not in hits[0].label


def test_quotes_rank_by_the_same_tiers():
    kb = make_kb(
        actors("A", "B"),
        [
            (
                "r",
                "actor-0",
                "actor-1",
                "other",
                "Summary.",
                ["They said farewell.", "Wells ran dry.", "The well was capped."],
            )
        ],
    )
    hits = SearchIndex(kb).search("well")
    assert [(hit.kind, hit.evidence_index) for hit in hits] == [
        ("quote", 2),
        ("quote", 1),
        ("quote", 0),
    ]


def test_names_exact_then_whole_word_then_word_start_then_inside():
    kb = make_kb(actors("Cromer Bay", "Romero Group", "Big Rome", "Rome Group", "Rome"))
    hits = SearchIndex(kb).search("rome")
    # A whole word anywhere ("Big Rome") beats a name merely starting with the letters.
    assert [hit.label for hit in hits] == [
        "Rome",
        "Rome Group",
        "Big Rome",
        "Romero Group",
        "Cromer Bay",
    ]
    assert_scores_descend(hits)


def test_a_name_starting_with_part_of_a_word_that_holds_the_whole_word_later():
    kb = make_kb(actors("Romero Co", "Romeros Rome Group"))
    hits = SearchIndex(kb).search("rome")
    assert [hit.label for hit in hits] == ["Romeros Rome Group", "Romero Co"]
    assert hits[0].spans == ((8, 12),)


def test_text_classes_by_tier_then_class():
    kb = make_kb(
        actors("A", "B"),
        [("r", "actor-0", "actor-1", "other", "Portside talks.", [])],
        [("s", "actor-0", "oil", "The port must reopen.", [])],
    )
    hits = SearchIndex(kb).search("port")
    # The stance says "port" as a word; the relation only starts a word with it.
    assert [hit.kind for hit in hits] == ["stance", "relation"]


def test_an_actor_found_by_its_description_is_not_listed_again_by_a_fuzzy_name():
    kb = make_kb(
        [
            Actor("a", "Italian Security Services", "organisation", (), None, "Hunts ISIS cells."),
            Actor("b", "Islamic Security Intelligence Staff", "organisation"),
        ]
    )
    hits = SearchIndex(kb).search("isis")
    assert [(hit.actor_id, hit.context) for hit in hits] == [
        ("a", "Italian Security Services · description"),
        ("b", "organisation"),
    ]


def test_fuzzy_hits_fill_only_the_room_literal_ones_leave():
    kb = make_kb(
        actors("Italian Security Intelligence Services", "B"),
        [("r", "actor-0", "actor-1", "other", "Strikes on ISIS.", ["ISIS was hit."])],
    )
    index = SearchIndex(kb)
    assert [hit.kind for hit in index.search("isis", limit=2)] == ["relation", "quote"]
    assert [hit.kind for hit in index.search("isis", limit=3)] == ["relation", "quote", "actor"]


def test_a_whole_word_is_looked_for_within_reach_and_not_made_by_the_cut():
    from tui.search import _WHOLE_WORD_REACH

    # "yard" of "Yardsticks" ends at 4: the look for a whole word stops at 4 + reach, right
    # after the "yard" of a second "yardsticks" -- which still is no whole word.
    cut = "Yardsticks" + "x" * (_WHOLE_WORD_REACH - 11) + " yardsticks."
    beyond = "Yardsticks" + " x" * _WHOLE_WORD_REACH + " the yard."
    kb = make_kb(
        actors("A", "B"),
        [
            ("cut", "actor-0", "actor-1", "other", cut, []),
            ("beyond", "actor-0", "actor-1", "other", beyond, []),
            ("whole", "actor-0", "actor-1", "other", "The yard.", []),
        ],
    )
    hits = SearchIndex(kb).search("yard")
    # A whole word past the reach counts as the word start before it (a bound on the cost
    # of a megabyte text; real texts are far shorter).
    assert [hit.relation_id for hit in hits] == ["whole", "cut", "beyond"]
