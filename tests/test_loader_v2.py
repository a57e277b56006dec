"""Schema version 2: every new field is read with its place, and every problem of a file
is reported in one run."""

from __future__ import annotations

import hashlib

import pytest

from tests.kb_files import HEADER, SOURCE_TEXT, write_kb
from tui.loader import LoadError, bundled_knowledge_base_path, load_knowledge_base
from tui.model import ClaimKind, Confidence, Modality, Status, Verification

V2_HEADER = 'version: "2"\n' + HEADER + """\
  - id: minister
    name: The defence minister
    kind: person
"""

EVENT = """\
relations:
  - id: haftar-meets-italy
    source: haftar
    target: italy
    type: meets
    kind: event
    participants: [minister]
    polarity: 1
    date: "2017-09-26"
    date_phrase: on Tuesday
    modality: actual
    verification: unconfirmed
    location:
      place: Rome
      geo: {lat: "41.9", lon: "12.5"}
      gazetteer: "geonames:3169070"
    hedges:
      - applies_to: date
        cue: reported
        source: s1
        quote: on Tuesday
    caveats:
      - source: s1
        quote: Italy backs the unity government.
        occurrence: 2
    notes: One meeting, one record.
    summary: Haftar met Italy's defence minister.
    evidence:
      - source: s1
        quote: "met Italy's defence minister in Rome on Tuesday"
"""


def v2_kb(tmp_path, body: str):
    return write_kb(tmp_path, body, header=V2_HEADER)


def problems_of(path) -> list[tuple[int, int, str]]:
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(path)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def test_an_event_with_every_v2_field_loads(tmp_path):
    (relation,) = load_knowledge_base(v2_kb(tmp_path, EVENT)).relations
    assert relation.kind is ClaimKind.EVENT and relation.status is None
    assert relation.parties == ("haftar", "italy", "minister")
    assert relation.verification is Verification.UNCONFIRMED
    assert relation.location.place == "Rome" and relation.location.lat == pytest.approx(41.9)
    (hedge,) = relation.hedges
    assert hedge.applies_to == "date" and hedge.cue is Confidence.REPORTED
    assert SOURCE_TEXT[hedge.evidence.start : hedge.evidence.end] == "on Tuesday"
    (caveat,) = relation.caveats
    assert caveat.start == SOURCE_TEXT.rindex("Italy backs")
    assert relation.reported == "2017-09-27" and relation.notes == "One meeting, one record."


def test_one_event_is_counted_once_per_pair_of_its_parties(tmp_path):
    from tui.analysis import stance_matrix

    kb = load_knowledge_base(v2_kb(tmp_path, EVENT))
    assert [r.id for r in kb.relations_of("minister")] == ["haftar-meets-italy"]
    cells = stance_matrix(kb, ["haftar", "italy", "minister"])
    assert {key: cell.net for key, cell in cells.items()} == {
        ("haftar", "italy"): 1,
        ("haftar", "minister"): 1,
    }


@pytest.mark.parametrize("modality", ["intent", "hypothetical", "negated"])
def test_an_offer_a_possibility_or_a_denial_is_never_counted_as_the_act(tmp_path, modality):
    from tui.analysis import stance_matrix

    body = EVENT.replace("modality: actual", f"modality: {modality}")
    kb = load_knowledge_base(v2_kb(tmp_path, body))
    assert kb.relations[0].modality is Modality(modality)
    assert stance_matrix(kb, ["haftar", "italy", "minister"]) == {}


def test_a_structural_tie_may_go_without_polarity_and_is_not_counted(tmp_path):
    from tui.analysis import stance_matrix

    body = """\
    relations:
      - id: minister-of-italy
        source: minister
        target: italy
        type: member-of
        kind: tie
        summary: The minister is a member of the Italian government.
        evidence:
          - source: s1
            quote: "Italy's defence minister"
    """
    kb = load_knowledge_base(v2_kb(tmp_path, body))
    assert kb.relations[0].polarity is None and kb.relations[0].status is Status.CURRENT
    assert stance_matrix(kb, ["minister", "italy"]) == {}
    (line, _, message), = problems_of(v2_kb(tmp_path, body.replace("member-of", "backs")))
    assert "needs a `polarity`" in message and line == 20


def test_a_tie_ended_by_valid_to_is_past(tmp_path):
    body = EVENT.replace("kind: event", "kind: tie").replace("    participants: [minister]\n", "")
    body = body.replace('    date: "2017-09-26"\n', '    valid_to: "2017-09"\n')
    (relation,) = load_knowledge_base(v2_kb(tmp_path, body)).relations
    assert relation.status is Status.PAST and relation.valid_to == "2017-09"


def test_v2_rules_each_reported_at_its_place(tmp_path):
    body = (
        EVENT.replace("    modality: actual\n", "    modality: actual\n    status: past\n")
        .replace("place: Rome", "place: Paris")
        .replace("cue: reported", "cue: stated")
        .replace("participants: [minister]", "participants: [minister, haftar]")
    )
    found = problems_of(v2_kb(tmp_path, body))
    messages = " | ".join(message for _, _, message in found)
    assert len(found) == 4, found
    assert "already a party" in messages
    assert "`status` is for ties" in messages
    assert "not in any quote of this claim" in messages
    assert "`cue` 'stated' is not one of the known values" in messages


def test_every_problem_of_an_item_in_one_run(tmp_path):
    """A bad id, status or asserted_by no longer hides the item's quote problems."""
    body = (
        EVENT.replace("id: haftar-meets-italy", "id: Bad_Id")
        .replace("kind: event", "kind: tie")
        .replace("    participants: [minister]\n", "")
        .replace("    modality: actual\n", "    status: hitherto\n    asserted_by: nobody\n")
        .replace("quote: \"met Italy's defence minister in Rome on Tuesday\"", "quote: not there")
        .replace("occurrence: 2", "occurrence: 3")
    )
    messages = [message for _, _, message in problems_of(v2_kb(tmp_path, body))]
    assert any("is not a valid id" in m for m in messages)
    assert any("`status` 'hitherto'" in m for m in messages)
    assert any("unknown actor 'nobody'" in m for m in messages)
    assert any("is not in source 's1'" in m for m in messages)
    assert any("`occurrence: 3`" in m for m in messages)


def test_empty_sources_self_relations_and_self_affiliation_are_errors(tmp_path):
    path = tmp_path / "kb.yaml"
    path.write_text('version: "2"\nsources: []\nactors: []\n', encoding="utf-8")
    assert "needs at least one source" in problems_of(path)[0][2]
    affiliated = "    kind: person\n    affiliation: haftar\n"
    header = V2_HEADER.replace("    kind: person\n", affiliated, 1)
    body = EVENT.replace("target: italy", "target: haftar").replace(
        "participants: [minister]", "participants: [italy]"
    )
    messages = [m for _, _, m in problems_of(write_kb(tmp_path, body, header=header))]
    assert any("cannot be its own `affiliation`" in m for m in messages)
    assert any("two different actors" in m for m in messages)


def test_stances_reference_declared_issues_with_a_did_you_mean(tmp_path):
    body = """\
    issues:
      - id: unity-government
        label: The unity government
    stances:
      - id: italy-on-unity
        actor: italy
        issue: unity-goverment
        stand: "2"
        position: Backs the unity government.
        evidence:
          - source: s1
            quote: Italy backs the unity government.
            occurrence: 1
    """
    (_, _, message), = problems_of(v2_kb(tmp_path, body))
    assert "unknown issue 'unity-goverment'; did you mean 'unity-government'?" in message
    kb = load_knowledge_base(v2_kb(tmp_path, body.replace("unity-goverment", "unity-government")))
    assert kb.stances[0].stand == 2 and kb.issue_by_id["unity-government"].label


def test_a_v2_key_in_a_v1_file_says_how_to_use_it(tmp_path):
    found = problems_of(write_kb(tmp_path, EVENT))  # no version: read as v1
    assert len(found) == 8  # kind, participants, modality, verification, location, ...
    assert all('put `version: "2"` at the top' in message for _, _, message in found)


def test_a_pinned_source_is_checked_first(tmp_path):
    digest = hashlib.sha256(SOURCE_TEXT.encode()).hexdigest()
    header = V2_HEADER.replace("    path: s1.txt\n", f"    path: s1.txt\n    sha256: {digest}\n")
    path = write_kb(tmp_path, EVENT, header=header)
    assert load_knowledge_base(path).sources[0].sha256 == digest
    (tmp_path / "s1.txt").write_text(SOURCE_TEXT.replace("Tuesday", "Monday"), encoding="utf-8")
    found = problems_of(path)
    assert "does not match its `sha256`" in found[0][2]
    assert len(found) > 1  # the quotes that no longer match follow it


def test_one_undecodable_byte_in_a_source_text_is_one_problem(tmp_path):
    path = write_kb(tmp_path, "")
    (tmp_path / "s1.txt").write_bytes(b"Rome - \xff Haftar\n")
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(path)
    (problem,) = caught.value.problems
    assert problem.path.endswith("s1.txt") and problem.column == 8


def test_the_bundled_knowledge_base_is_v2_and_says_what_the_article_says():
    kb = load_knowledge_base(bundled_knowledge_base_path())
    relation = kb.relation_by_id
    meeting = [r for r in kb.relations if r.date == "2017-09-26" and r.kind is ClaimKind.EVENT]
    assert [r.id for r in meeting] == ["haftar-meets-pinotti"]  # one meeting, one record
    rome = meeting[0]
    assert rome.verification is Verification.UNCONFIRMED
    assert any("not immediately confirmed" in caveat.quote for caveat in rome.caveats)
    strike = relation["us-strikes-isis"]
    assert {(h.applies_to, h.cue) for h in strike.hedges} >= {
        ("target", Confidence.ALLEGED),
        ("claim", Confidence.ATTRIBUTED),
    }
    assert strike.fatalities.count == 17 and strike.asserted_by == "us-military"
    assert relation["essebsi-offers-mediation"].modality is Modality.INTENT
    assert relation["haftar-sarraj-paris-agreement"].modality is Modality.AGREEMENT
    assert relation["italy-backs-gna"].status is Status.PAST  # "hitherto"
    assert all(r.polarity is None for r in kb.relations if r.type in {"leads", "member-of"})
    assert not [r.id for r in kb.relations if "libya" in (r.target,) and r.kind is ClaimKind.EVENT]
    assert kb.actor_by_id["gna"].name_note
    assert kb.sources[0].origin == "AFP" and kb.sources[0].sha256


def test_the_bundled_matrix_counts_the_rome_meeting_once_and_keeps_the_august_threat():
    from tui.analysis import MatrixScope, stance_matrix

    kb = load_knowledge_base(bundled_knowledge_base_path())
    actors = [actor.id for actor in kb.actors]
    cells = stance_matrix(kb, actors)
    assert cells[("khalifa-haftar", "roberta-pinotti")].relation_ids == ("haftar-meets-pinotti",)
    assert cells[("khalifa-haftar", "italian-security-chiefs")].net == 1
    threat = cells[("khalifa-haftar", "italy")]
    assert threat.relation_ids == ("haftar-threatened-italian-ships",) and threat.net == -2
    assert ("beji-caid-essebsi", "rival-libyan-factions") not in cells  # an offer, not an act
    events = stance_matrix(kb, actors, MatrixScope.EVENTS)
    ties = stance_matrix(kb, actors, MatrixScope.TIES)
    assert ("khalifa-haftar", "roberta-pinotti") in events
    assert ("khalifa-haftar", "roberta-pinotti") not in ties
    assert ("italy", "gna") in ties and ("italy", "gna") not in events
    assert all(kb.relation_by_id[i].status is Status.CURRENT
               for cell in ties.values() for i in cell.relation_ids)
    # Both scopes together are events and current ties: a past tie is never counted.
    assert ("khalifa-haftar", "moammar-gaddafi") not in cells
    assert set(cells) == set(events) | set(ties)


@pytest.mark.parametrize("digits", ["9" * 4400, "-" + "9" * 4400])
def test_a_number_of_thousands_of_digits_is_out_of_range_not_a_crash(tmp_path, digits):
    body = EVENT.replace("polarity: 1", f"polarity: {digits}")
    ((_, _, message),) = problems_of(v2_kb(tmp_path, body))
    assert "`polarity` must be from -2 to 2" in message and len(message) < 120
