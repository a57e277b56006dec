"""The search core: what is found, in which order, and how labels and spans line up."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.search_kb import HOSTILE_QUOTE, make_kb, sample_kb, synthetic_kb
from tui.model import Actor, KnowledgeBase
from tui.search import LABEL_WIDTH, Hit, SearchIndex, fold

CLASS_OF_KIND = {"actor": 0, "relation": 1, "stance": 1, "quote": 2}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(sample_kb())


@pytest.fixture(scope="module")
def big_index() -> SearchIndex:
    return SearchIndex(synthetic_kb())


def actors(*names: str) -> list[Actor]:
    return [Actor(f"actor-{i}", name, "other") for i, name in enumerate(names)]


def labels(hits: list[Hit]) -> list[str]:
    return [hit.label for hit in hits]


def highlighted(hit: Hit) -> list[str]:
    return [hit.label[start:end] for start, end in hit.spans]


def assert_well_formed(hits: list[Hit]) -> None:
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        previous_end = 0
        for start, end in hit.spans:
            assert previous_end <= start < end <= len(hit.label), hit
            previous_end = end


@pytest.mark.parametrize("query", ["", " ", "\t\n  "])
def test_blank_query_finds_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []
    assert index.actors(query) == []
    assert index.relations(query) == []


def test_empty_knowledge_base() -> None:
    index = SearchIndex(KnowledgeBase((), (), (), ()))
    assert index.search("anything") == []


def test_actor_name_comes_before_relations_and_quotes(index: SearchIndex) -> None:
    hits = index.search("haftar")
    assert hits[0].kind == "actor" and hits[0].actor_id == "khalifa-haftar"
    assert hits[0].label == "Khalifa Haftar"
    assert highlighted(hits[0]) == ["Haftar"]
    kinds = [CLASS_OF_KIND[hit.kind] for hit in hits]
    assert kinds == sorted(kinds)
    assert {"relation", "quote"} <= {hit.kind for hit in hits}
    assert_well_formed(hits)


def test_an_actor_found_by_name_is_not_repeated_by_its_alias(index: SearchIndex) -> None:
    actor_hits = [hit for hit in index.search("haftar") if hit.kind == "actor"]
    assert [hit.actor_id for hit in actor_hits] == ["khalifa-haftar"]


def test_exact_then_prefix_then_word_start_then_middle() -> None:
    kb = make_kb(actors("Aroma Traders", "Big Rome", "Rome Group", "Rome"))
    hits = SearchIndex(kb).search("rome")
    assert labels(hits) == ["Rome", "Rome Group", "Big Rome"]
    hits = SearchIndex(kb).search("rom")
    assert labels(hits) == ["Rome", "Rome Group", "Big Rome", "Aroma Traders"]
    assert_well_formed(hits)


def test_names_beat_aliases() -> None:
    kb = make_kb(
        [
            Actor("a", "Northern Front", "armed-group", ("Delta Brigade",)),
            Actor("b", "Delta Council", "organisation"),
        ]
    )
    hits = SearchIndex(kb).search("delta")
    assert [(hit.actor_id, hit.label) for hit in hits] == [
        ("b", "Delta Council"),
        ("a", "Delta Brigade"),
    ]
    assert hits[1].context == "alias of Northern Front"


def test_alias_is_found_with_its_actor(index: SearchIndex) -> None:
    (hit,) = index.search("field marsh")
    assert hit.kind == "actor" and hit.actor_id == "khalifa-haftar"
    assert hit.label == "Field Marshal"
    assert highlighted(hit) == ["Field Marsh"]
    assert hit.context == "alias of Khalifa Haftar"


def test_ties_keep_file_order() -> None:
    kb = make_kb(actors("Zeta Force", "Zeta Corps", "Zeta Ranks"))
    assert labels(SearchIndex(kb).search("zeta")) == ["Zeta Force", "Zeta Corps", "Zeta Ranks"]


def test_results_are_deterministic(big_index: SearchIndex) -> None:
    for query in ("ka", "minister", "oil talks", "z"):
        assert big_index.search(query) == big_index.search(query)
    assert SearchIndex(sample_kb()).search("it") == SearchIndex(sample_kb()).search("it")


def test_fuzzy_name_match_starts_at_a_word(index: SearchIndex) -> None:
    (hit,) = index.search("fsr")
    assert hit.actor_id == "fayez-serraj"
    assert highlighted(hit) == ["F", "S", "r"]
    assert index.search("yzr") == []  # "y" starts no word of "Fayez al-Serraj"


def test_fuzzy_prefers_word_starts_for_highlighting() -> None:
    (hit,) = SearchIndex(make_kb(actors("Khalifa Haftar"))).search("kafr")
    assert highlighted(hit) == ["K", "a", "f", "r"]
    (hit,) = SearchIndex(make_kb(actors("Shaheen Haftar"))).search("hft")
    assert highlighted(hit) == ["H", "ft"]


def test_words_in_any_order_match_a_name(index: SearchIndex) -> None:
    hit = index.search("haftar khalifa")[0]
    assert hit.label == "Khalifa Haftar"
    assert highlighted(hit) == ["Khalifa", "Haftar"]
    hit = index.search("ha kh")[0]
    assert hit.label == "Khalifa Haftar"
    assert highlighted(hit) == ["Kh", "Ha"]


def test_case_and_accents_are_ignored(index: SearchIndex) -> None:
    for query in ("emile zoe", "ÉMILE ZOÉ", "Emile zoé"):
        hit = index.search(query)[0]
        assert hit.actor_id == "emile-zola-brigade"
        assert highlighted(hit) == ["Émile Zoé"]


def test_typographic_quotes_and_dashes_match_what_a_keyboard_types(index: SearchIndex) -> None:
    # Text pasted from a web page brings ’ where the data has ' (and the other way round).
    typed = index.search("Italy's defence")
    assert typed
    for pasted in ("Italy’s defence", "ITALY‘S DEFENCE"):
        assert index.search(pasted) == typed
    assert fold("“a”–b—c ‘d’\u00a0e") == '"a"-b-c \'d\' e'


def test_relation_summary_hit(index: SearchIndex) -> None:
    hits = [hit for hit in index.search("defence minister") if hit.kind == "relation"]
    (hit,) = hits
    assert hit.relation_id == "haftar-visits-italy"
    assert hit.actor_id == "khalifa-haftar"
    assert highlighted(hit) == ["defence", "minister"]
    assert hit.context == "Khalifa Haftar → Italy · visits"


def test_every_word_must_appear_in_a_long_text(index: SearchIndex) -> None:
    hits = index.search("tripoli unity")
    assert [(hit.kind, hit.relation_id, hit.evidence_index) for hit in hits] == [
        ("quote", "italy-backs-gna", 0)
    ]
    assert highlighted(hits[0]) == ["unity", "Tripoli"]


def test_quote_hit_points_at_its_evidence(index: SearchIndex) -> None:
    hits = index.search("authorities")
    assert [(hit.kind, hit.relation_id, hit.evidence_index) for hit in hits] == [
        ("quote", "haftar-opposes-gna", 1)
    ]
    assert hits[0].actor_id == "khalifa-haftar"
    assert highlighted(hits[0]) == ["authorities"]


def test_long_quote_label_is_a_window_around_the_match(index: SearchIndex) -> None:
    quote_hits = [hit for hit in index.search("growing stature") if hit.kind == "quote"]
    (hit,) = quote_hits
    assert hit.label == (
        "…chiefs in Rome on Tuesday, a sign of his growing stature as a key player."
    )
    assert highlighted(hit) == ["growing", "stature"]


def test_window_in_a_megabyte_quote() -> None:
    quote = "filler words " * 80_000 + "the needle is here" + " more" * 1000
    kb = make_kb(actors("A", "B"), [("r", "actor-0", "actor-1", "other", "Summary.", [quote])])
    (hit,) = SearchIndex(kb).search("needle")
    assert hit.kind == "quote"
    assert hit.label == (
        "…words filler words the needle is here more more more more more more more more…"
    )
    assert len(hit.label) <= LABEL_WIDTH + 2
    assert highlighted(hit) == ["needle"]


def test_stance_and_its_quote(index: SearchIndex) -> None:
    hits = index.search("migration")
    assert [(hit.kind, hit.stance_id) for hit in hits] == [
        ("stance", "italy-on-migration"),
        ("quote", "italy-on-migration"),
    ]
    assert hits[0].label == "migration: Migration through Libya must stop."
    assert highlighted(hits[0]) == ["migration", "Migration"]
    assert hits[0].actor_id == hits[1].actor_id == "italy"
    assert hits[1].context == "Italy · migration"


def test_description_hit_names_its_actor(index: SearchIndex) -> None:
    hits = index.search("eastern forces")
    assert [(hit.kind, hit.actor_id, hit.context) for hit in hits] == [
        ("actor", "khalifa-haftar", "Khalifa Haftar · description")
    ]


def test_word_start_beats_mid_word_in_long_texts() -> None:
    kb = make_kb(
        actors("A", "B"),
        [
            ("mid", "actor-0", "actor-1", "other", "The shipyard grew.", ["x"]),
            ("start", "actor-0", "actor-1", "other", "Yard sales fell.", ["y"]),
        ],
    )
    hits = SearchIndex(kb).search("yard")
    assert [hit.relation_id for hit in hits] == ["start", "mid"]
    assert_well_formed(hits)


@pytest.mark.parametrize("query", [".*", "(*+?", "a|b", "\\", "^$", "\\w+", "[a-z]"])
def test_regex_metacharacters_are_literal(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


def test_markup_in_data_is_found_literally(index: SearchIndex) -> None:
    hits = index.search("[/]")
    quote = next(hit for hit in hits if hit.kind == "quote")
    assert quote.label == HOSTILE_QUOTE
    assert highlighted(quote) == ["[/]", "[/]"]
    hits = index.search("[@click=app.quit]")
    assert [(hit.kind, hit.actor_id) for hit in hits] == [
        ("actor", "hostile-front"),
        ("quote", "hostile-front"),
    ]
    assert highlighted(hits[0]) == ["[@click=app.quit]"]


def test_control_characters_in_data(index: SearchIndex) -> None:
    hits = index.search("\x1b[31mred")
    assert [hit.kind for hit in hits] == ["quote"]
    assert highlighted(hits[0]) == ["\x1b[31mred"]


def test_long_query_is_harmless(index: SearchIndex) -> None:
    assert index.search("x" * 100_000) == []
    assert index.search("haftar " * 10_000)[0].actor_id == "khalifa-haftar"


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("a", limit=3)) == 3
    assert index.search("a", limit=0) == []


def test_palette_helpers(index: SearchIndex) -> None:
    assert [hit.actor_id for hit in index.actors("serraj")] == ["fayez-serraj"]
    assert all(hit.kind == "actor" for hit in index.actors("a"))
    assert [hit.relation_id for hit in index.relations("unity government")] == [
        "italy-backs-gna",
        "haftar-opposes-gna",
    ]


def test_synthetic_kb_name_prefixes(big_index: SearchIndex) -> None:
    kb = big_index.kb
    hits = big_index.search("kah")
    expected = [actor for actor in kb.actors if actor.name.lower().startswith("kah")]
    assert len(hits) == 100
    # Prefix matches come first, shortest names first.
    prefix_hits = hits[: min(len(expected), 100)]
    assert all(hit.label.lower().startswith("kah") for hit in prefix_hits)
    lengths = [len(hit.label) for hit in prefix_hits]
    assert lengths == sorted(lengths)
    assert_well_formed(hits)


def test_synthetic_kb_finds_every_long_text_match(big_index: SearchIndex) -> None:
    kb = big_index.kb
    words = ("capital", "envoy", "coast", "oil")

    def has_all(text: str) -> bool:
        return all(word in text.lower() for word in words)

    expected = {("relation", r.id, 0) for r in kb.relations if has_all(r.summary)}
    expected |= {
        ("quote", r.id, i)
        for r in kb.relations
        for i, e in enumerate(r.evidence)
        if has_all(e.quote)
    }
    expected |= {
        ("quote", s.id, i) for s in kb.stances for i, e in enumerate(s.evidence) if has_all(e.quote)
    }
    expected |= {("stance", s.id, 0) for s in kb.stances if has_all(f"{s.issue}: {s.position}")}
    expected |= {("actor", a.id, 0) for a in kb.actors if has_all(a.description)}
    assert 100 < len(expected) < 1000
    hits = big_index.search(" ".join(words), limit=1000)
    found = {
        (hit.kind, hit.relation_id or hit.stance_id or hit.actor_id, hit.evidence_index)
        for hit in hits
    }
    assert found == expected
    assert len(hits) == len(expected)
    assert_well_formed(hits)


def test_synthetic_kb_single_letters(big_index: SearchIndex) -> None:
    for letter in "aeioukz":
        hits = big_index.search(letter)
        assert len(hits) == 100
        assert all(hit.kind == "actor" for hit in hits)
        assert_well_formed(hits)


NAME_CHARS = st.sampled_from("abcé -")


@settings(max_examples=150, deadline=None)
@given(
    names=st.lists(st.text(NAME_CHARS, min_size=1, max_size=12), min_size=1, max_size=30),
    query=st.text(st.sampled_from("abce"), min_size=1, max_size=3),
)
def test_every_name_containing_the_query_is_found(names: list[str], query: str) -> None:
    kb = make_kb(actors(*names))
    hits = SearchIndex(kb).actors(query, limit=1000)
    found = {hit.actor_id for hit in hits}
    for i, name in enumerate(names):
        if query in fold(name):
            assert f"actor-{i}" in found, (name, query)
    for hit in hits:
        name = kb.actor_by_id[hit.actor_id].name
        remaining = iter(fold(name))
        assert all(char in remaining for char in query), (name, query)
    assert_well_formed(hits)


def test_attributes_and_their_quotes_are_found():
    from tui.loader import bundled_knowledge_base_path, load_knowledge_base

    index = SearchIndex(load_knowledge_base(bundled_knowledge_base_path()))
    hits = index.search("expelled")
    kinds = {(hit.kind, hit.attribute_id) for hit in hits}
    assert ("attribute", "isis-expelled-from-sirte") in kinds
    assert ("quote", "isis-expelled-from-sirte") in kinds
    assert all(hit.actor_id == "isis" for hit in hits if hit.attribute_id)
