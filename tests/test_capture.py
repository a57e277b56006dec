"""What a selection suggests for a new claim (tui.capture): the quote located exactly, the
actors named, the date resolved against publication, hedges and modality from cue words."""

from __future__ import annotations

import pytest

from tui.capture import (
    actors_named,
    draft,
    evidence_entry,
    new_id,
    occurrence_of,
    resolve_date,
    sentence_around,
)
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.model import Confidence, Modality

SOURCE = "news24-haftar-rome"


@pytest.fixture(scope="module")
def bundled():
    return load_knowledge_base(bundled_knowledge_base_path())


def selected(kb, words: str):
    text = kb.source_by_id[SOURCE].text
    start = text.index(words)
    return draft(kb, SOURCE, start, start + len(words))


def test_the_rome_meeting_suggests_its_parties_type_and_day(bundled):
    found = selected(bundled, "met Italy's defence minister and security chiefs in Rome on Tuesday")
    assert found.quote == "met Italy's defence minister and security chiefs in Rome on Tuesday"
    text = bundled.source_by_id[SOURCE].text
    assert text[found.start : found.end] == found.quote and found.occurrence is None
    # Italy inside "Italy's defence minister" (Pinotti's alias) is not a party of its own.
    assert found.parties == ("khalifa-haftar", "roberta-pinotti")
    assert found.type == "meets"
    assert (found.date, found.date_phrase) == ("2017-09-26", "on Tuesday")  # published Wed 27
    assert found.modality is Modality.ACTUAL and found.confidence is Confidence.STATED


def test_according_to_names_the_asserter_with_the_whole_name(bundled):
    found = selected(bundled, "US drone strikes launched from Italy on Sunday killed 17 people")
    assert found.confidence is Confidence.ATTRIBUTED
    assert found.asserted_by == "us-military"
    assert found.cues[0].words == "according to the US military"
    assert (found.date, found.date_phrase) == ("2017-09-24", "on Sunday")
    assert found.type == "strikes"
    assert Confidence.ALLEGED in {cue.confidence for cue in found.cues}  # "an alleged camp"


def test_reportedly_and_offers_and_months(bundled):
    deals = selected(bundled, "turned to dealing directly with militia groups")
    assert deals.confidence is Confidence.REPORTED and deals.cues[0].words == "reportedly"
    assert deals.type == "deals-with"
    offer = selected(bundled, "offered to act as a mediator")
    assert offer.modality is Modality.INTENT and offer.type == "mediates"
    travel = selected(bundled, "travelled to Benghazi last month")
    assert (travel.date, travel.date_phrase) == ("2017-08", "last month")
    assert travel.modality is Modality.ACTUAL  # the offer later in the sentence is not this


@pytest.mark.parametrize(
    ("words", "published", "expected"),
    [
        ("on Tuesday", "2017-09-27", ("2017-09-26", "on Tuesday")),
        ("on Wednesday", "2017-09-27", ("2017-09-20", "on Wednesday")),  # not the day itself
        ("yesterday", "2017-03-01", ("2017-02-28", "yesterday")),
        ("last month", "2017-01-15", ("2016-12", "last month")),
        ("in July", "2017-09-27", ("2017-07", "in July")),
        ("in November", "2017-09-27", ("2016-11", "in November")),  # the last one before
        ("on 26 September 2017", "2017-09-27", ("2017-09-26", "26 September 2017")),
        ("in 2016", "2017-09-27", ("2016", "in 2016")),
        ("some time ago", "2017-09-27", None),
        ("on Tuesday", "not a date", None),
    ],
)
def test_date_phrases_resolve_against_the_publication_date(words, published, expected):
    assert resolve_date(words, published) == expected


def test_a_quote_that_occurs_twice_says_which():
    text = "Haftar met. Then Haftar met again."
    assert occurrence_of(text, "Haftar met", 0) == 1
    assert occurrence_of(text, "Haftar met", text.rindex("Haftar met")) == 2
    assert occurrence_of(text, "again", text.index("again")) is None


def test_evidence_entries_carry_the_occurrence_only_when_needed(bundled):
    text = bundled.source_by_id[SOURCE].text
    start = text.index("Haftar")
    twice = evidence_entry(bundled, SOURCE, start, start + len("Haftar"))
    assert twice["occurrence"] == 1 and twice["quote"] == "Haftar"
    once = text.index("three hours inside")
    assert "occurrence" not in evidence_entry(bundled, SOURCE, once, once + 18)


def test_the_sentence_around_a_selection_stops_at_sentence_ends():
    text = "Rome - Ann met Bob. Then C. Smith said D met E on Monday. Fine."
    start = text.index("D met E")
    left, right = sentence_around(text, start, start + 7)
    assert text[left:right] == "Then C. Smith said D met E on Monday."


def test_actor_names_match_whole_words_folded(bundled):
    assert actors_named(bundled, "ITALY’S DEFENCE MINISTER met Haftar") == (
        "roberta-pinotti",
        "khalifa-haftar",
    )
    assert "italy" not in actors_named(bundled, "Italyan")  # not inside a word


def test_new_ids_never_clash(bundled):
    assert new_id(bundled, "haftar", "meets", "pinotti") == "haftar-meets-pinotti-2"
    assert new_id(bundled, "Khalifa Haftar", "meets", "Beji Caid Essebsi") == (
        "khalifa-haftar-meets-beji-caid-essebsi"
    )
    assert new_id(bundled, "", "") == "claim"


def test_a_speaker_the_file_does_not_know_still_makes_the_claim_attributed(bundled):
    from tui.capture import suggested_cues

    (cue,) = suggested_cues(bundled, "Haftar met Macron in Paris, officials said.")
    assert (cue.confidence, cue.words, cue.asserted_by) == (
        Confidence.ATTRIBUTED, "officials said", None)
    (cue,) = suggested_cues(bundled, "The talks went well, Toaldo said.")
    assert cue.asserted_by == "mattia-toaldo"
    # A long run before "said" is no speaker's name: nothing is suggested from it.
    assert suggested_cues(bundled, "Analysts close to the talks in the eastern city of "
                          "Benghazi said so.") == ()
