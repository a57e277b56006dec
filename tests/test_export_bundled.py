"""The bundled knowledge base through every export: what version 2 says of a claim (who
asserts it, its hedges, caveats, modality, verification) survives in each format.

The three claims followed here are the article's hardest to read right: the US drone strike
(the US military's account, of an *alleged* ISIS camp), the Rome meeting (not immediately
confirmed) and Essebsi's mediation (an offer, not an act).
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap

import networkx as nx
import pytest

from tests.export_fixtures import EMPTY_KB, hostile_kb, plain_kb, v2_kb
from tests.export_parsers import label_text, parse_dot, parse_mermaid, render_markdown, shown_text
from tui.export import FORMATS, export
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.model import KnowledgeBase

STRIKE = "us-strikes-isis"
MEETING = "haftar-meets-pinotti"
OFFER = "essebsi-offers-mediation"
STRIKE_HEDGES = [
    ("claim", "attributed", "us-military", "according to the US military"),
    ("target", "alleged", None, "an alleged ISIS transit camp"),
]
STRIKE_HEDGE_TEXT = "attributed: claim (US military); alleged: target"
CAVEAT = "The meeting was not immediately confirmed by Italian officials"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(bundled_knowledge_base_path())


@pytest.fixture(scope="module")
def outputs(kb) -> dict[str, dict[str, str]]:
    return {fmt: export(kb, fmt) for fmt in FORMATS}


def text_of(outputs: dict[str, dict[str, str]], fmt: str) -> str:
    return outputs[fmt][""]


@pytest.fixture(scope="module")
def data(outputs) -> dict:
    return json.loads(text_of(outputs, "json"))


@pytest.fixture(scope="module")
def events(outputs) -> dict[str, dict]:
    lines = [json.loads(line) for line in text_of(outputs, "events").splitlines()]
    return {line["relation"] or line["attribute"]: line for line in lines}


@pytest.fixture(scope="module")
def connections(outputs) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(outputs["csv"]["-connections.csv"], newline="")))
    return {row["ID"]: row for row in rows}


@pytest.fixture(scope="module")
def graphs(outputs) -> dict[str, dict[str, dict]]:
    """Edge attributes by edge id, as networkx reads each graph format."""
    found = {}
    for fmt in ("gexf", "graphml"):
        document = io.BytesIO(text_of(outputs, fmt).encode("utf-8"))
        if fmt == "gexf":
            graph = nx.read_gexf(document, version="1.3")
        else:
            graph = nx.read_graphml(document, edge_key_type=str)
        found[fmt] = {
            key: {**attributes, "_ends": (u, v)}
            for u, v, key, attributes in graph.edges(keys=True, data=True)
        }
    return found


@pytest.fixture(scope="module")
def briefing(outputs) -> str:
    """The Markdown briefing as a reader sees it once rendered."""
    return shown_text(render_markdown(text_of(outputs, "markdown")))


@pytest.fixture(scope="module")
def annotations(outputs) -> dict[str, dict]:
    items = json.loads(text_of(outputs, "annotations"))["first"]["items"]
    return {item["id"].removeprefix("tag:stakeholder-explorer,2024:"): item for item in items}


def test_the_claims_followed_are_in_the_bundled_data(kb):
    strike, meeting, offer = (kb.relation_by_id[i] for i in (STRIKE, MEETING, OFFER))
    assert [(h.applies_to, h.cue.value) for h in strike.hedges] == [
        ("claim", "attributed"),
        ("target", "alleged"),
    ]
    assert meeting.verification.value == "unconfirmed" and meeting.participants
    assert offer.modality.value == "intent"


# --- no "None", ASCII numbers ----------------------------------------------------------

ALL_KBS = {"plain": plain_kb(), "hostile": hostile_kb(), "v2": v2_kb(), "empty": EMPTY_KB}


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_export_of_the_bundled_data_says_none(outputs, fmt):
    for text in outputs[fmt].values():
        assert "None" not in text
        assert "\u2212" not in text  # numbers stay ASCII: "-2", never a typographic minus


@pytest.mark.parametrize("name", ALL_KBS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_export_of_the_test_data_says_none(fmt, name):
    for text in export(ALL_KBS[name], fmt).values():
        assert "None" not in text


# --- json ------------------------------------------------------------------------------


def test_json_carries_every_quote_at_its_offsets(kb, data):
    text = kb.sources[0].text
    quotes = []
    for claim in data["relations"] + data["stances"] + data["attributes"]:
        quotes += claim["evidence"] + claim["hedges"] + claim["caveats"]
        quotes += [claim["fatalities"]] if claim.get("fatalities") else []
    for actor in data["actors"]:
        quotes += [e for membership in actor["memberships"] for e in membership["evidence"]]
    assert len(quotes) > kb.quote_count
    for quote in quotes:
        assert text[quote["start"] : quote["end"]] == quote["quote"]


def test_json_strike(data):
    strike = {r["id"]: r for r in data["relations"]}[STRIKE]
    hedges = [(h["applies_to"], h["cue"], h["asserted_by"], h["quote"]) for h in strike["hedges"]]
    assert hedges == STRIKE_HEDGES
    assert (strike["asserted_by"], strike["confidence"]) == ("us-military", "attributed")
    assert (strike["kind"], strike["status"], strike["modality"]) == ("event", None, "actual")
    assert strike["location"] == {
        "place": "south of the city of Sirte",
        "lat": None,
        "lon": None,
        "gazetteer": None,
    }
    assert (strike["fatalities"]["count"], strike["fatalities"]["quote"]) == (
        17,
        "killed 17 people",
    )


def test_json_meeting_and_offer(data):
    relations = {r["id"]: r for r in data["relations"]}
    meeting = relations[MEETING]
    assert meeting["verification"] == "unconfirmed"
    assert [caveat["quote"] for caveat in meeting["caveats"]] == [CAVEAT]
    assert meeting["participants"] == ["italian-security-chiefs"]
    assert meeting["location"]["place"] == "Rome"
    assert relations[OFFER]["modality"] == "intent"
    stances = {s["id"]: s for s in data["stances"]}
    assert stances["essebsi-mediation"]["modality"] == "intent"


def test_json_keeps_ties_without_valence_and_events_without_status(kb, data):
    relations = {r["id"]: r for r in data["relations"]}
    for relation in kb.relations:
        found = relations[relation.id]
        assert found["polarity"] == relation.polarity  # null where there is no valence
        assert (found["status"] is None) == (relation.kind.value == "event")
    assert relations["sarraj-leads-gna"]["polarity"] is None
    assert {a["id"] for a in data["attributes"]} == {a.id for a in kb.attributes}
    assert {i["id"] for i in data["issues"]} >= {"peace-force", "mediation"}
    source = data["sources"][0]
    assert (source["origin"], source["reliability"], source["url"]) == ("AFP", "B", None)
    libya = {a["id"]: a for a in data["actors"]}["libya"]
    assert libya["identifiers"] == {"wikidata": "Q1016"}


# --- events ----------------------------------------------------------------------------


def test_events_strike(events):
    strike = events[STRIKE]
    hedges = [(h["applies_to"], h["cue"], h["asserted_by"], h["quote"]) for h in strike["hedges"]]
    assert hedges == STRIKE_HEDGES
    assert strike["hedges"][0]["asserted_by_name"] == "US military"
    assert (strike["asserted_by"], strike["asserted_by_name"], strike["confidence"]) == (
        "us-military",
        "US military",
        "attributed",
    )
    assert strike["fatalities"]["count"] == 17
    assert strike["location"]["place"] == "south of the city of Sirte"
    assert [q["quote"] for q in strike["quotes"]] == [
        "US drone strikes launched from Italy on Sunday killed 17 people at an alleged ISIS "
        "transit camp south of the city of Sirte, according to the US military",
        "The attacks, the first announced since US President Donald Trump took office in January",
    ]


def test_events_meeting_offer_and_attributes(kb, events):
    meeting = events[MEETING]
    assert meeting["verification"] == "unconfirmed"
    assert [caveat["quote"] for caveat in meeting["caveats"]] == [CAVEAT]
    assert meeting["caveats"][0]["citation"].startswith("News24, ")
    assert meeting["participant_names"] == ["Italian security chiefs"]
    # The offer is undated: no line of the timeline, so it cannot read as an act there.
    assert OFFER not in events
    # Attributes that are events, with a date, are lines too; ties are not.
    attributes = {e for e, line in events.items() if line["attribute"]}
    assert (
        attributes
        == {a.id for a in kb.attributes if a.date and a.kind.value == "event"}
        == {"haftar-bolsters-stature", "isis-expelled-from-sirte"}
    )
    expelled = events["isis-expelled-from-sirte"]
    assert (expelled["actor"], expelled["recipient"], expelled["location"]["place"]) == (
        "isis",
        None,
        "Sirte",
    )
    dates = [line["date"] for line in events.values()]
    assert dates == sorted(dates)


# --- csv, gexf, graphml ----------------------------------------------------------------


def test_csv_strike_meeting_offer(connections):
    strike = connections[STRIKE]
    assert strike["Hedges"] == STRIKE_HEDGE_TEXT
    assert (strike["Asserted by"], strike["Confidence"]) == ("US military", "attributed")
    assert (strike["Fatalities"], strike["Location"]) == ("17", "south of the city of Sirte")
    assert (strike["Kind"], strike["Status"], strike["Polarity"]) == ("event", "", "-2")
    meeting = connections[MEETING]
    assert (meeting["Verification"], meeting["Caveats"]) == ("unconfirmed", CAVEAT)
    assert meeting["Participants"] == "Italian security chiefs"
    participant = connections[f"{MEETING}#italian-security-chiefs"]
    assert (participant["From"], participant["To"]) == (
        "Khalifa Haftar",
        "Italian security chiefs",
    )
    assert (participant["Relation"], participant["Edge role"]) == (MEETING, "participant")
    assert (participant["Verification"], participant["Caveats"]) == ("unconfirmed", CAVEAT)
    assert connections[OFFER]["Modality"] == "intent"
    assert connections["sarraj-leads-gna"]["Polarity"] == ""


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graphs_strike_meeting_offer(kb, graphs, fmt):
    edges = graphs[fmt]
    strike = edges[STRIKE]
    assert strike["hedges"] == STRIKE_HEDGE_TEXT
    assert (strike["asserted_by"], strike["confidence"]) == ("us-military", "attributed")
    assert (strike["fatalities"], strike["location"]) == (17, "south of the city of Sirte")
    assert "status" not in strike  # an event has none
    meeting = edges[MEETING]
    assert meeting["verification"] == "unconfirmed"
    assert json.loads(meeting["caveats"]) == [CAVEAT]
    assert json.loads(meeting["participants"]) == ["italian-security-chiefs"]
    participant = edges[f"{MEETING}#italian-security-chiefs"]
    assert participant["_ends"] == ("khalifa-haftar", "italian-security-chiefs")
    assert (participant["relation"], participant["edge_role"]) == (MEETING, "participant")
    assert (participant["verification"], participant["type"]) == ("unconfirmed", "meets")
    assert edges[OFFER]["modality"] == "intent"
    tie = edges["sarraj-leads-gna"]
    assert "polarity" not in tie and tie["kind"] == "tie"
    # One edge per relation, plus one per participant: counted once by `relation`.
    assert len({edge["relation"] for edge in edges.values()}) == len(kb.relations)
    assert len(edges) == len(kb.relations) + 1  # the meeting's one participant


def test_gexf_draws_a_tie_without_valence_in_neutral_grey(outputs):
    gexf = text_of(outputs, "gexf")
    edge = re.search(r'<edge id="sarraj-leads-gna".*?</edge>', gexf, re.DOTALL).group()
    assert '<viz:color r="158" g="158" b="158" />' in edge
    assert "weight" not in edge


def test_dot_and_mermaid_say_an_offer_is_an_offer(outputs):
    _, edges = parse_dot(text_of(outputs, "dot"))
    labels = {found["id"]: label_text(found["label"]) for _, _, found in edges}
    assert labels[OFFER] == "offers or intends to mediate (+1)"
    assert labels[MEETING] == labels[f"{MEETING}#italian-security-chiefs"]
    assert labels[MEETING] == "meets (+1, unconfirmed)"
    assert labels["sarraj-leads-gna"] == "leads (no valence)"
    _, mermaid_edges, _ = parse_mermaid(text_of(outputs, "mermaid"))
    mermaid_labels = [edge["label"] for edge in mermaid_edges]
    # Mermaid links have no attributes of their own: the counts end the label.
    assert "offers or intends to mediate (+1, 1 source · 1 origin)" in mermaid_labels
    assert not any(label.startswith("mediates") for label in mermaid_labels)


# --- markdown --------------------------------------------------------------------------


def test_markdown_strike_keeps_both_hedges(briefing):
    head = (
        "United States strikes Islamic State (ISIS) (-2, 2017-09-24, event, per US military "
        "(attributed), alleged: target, in “south of the city "
        "of Sirte”, 17 killed, 1 source · 1 origin): US drone strikes"
    )
    assert briefing.count(head) == 2  # under each of its two actors
    assert "Hedge (attributed: claim (US military)): “according to the US military”" in briefing
    assert "Hedge (alleged: target): “an alleged ISIS transit camp”" in briefing
    assert "Toll: 17, “killed 17 people”" in briefing


def test_markdown_meeting_is_unconfirmed_with_its_caveat(briefing):
    head = (
        "Khalifa Haftar meets Roberta Pinotti, with Italian security chiefs (+1, 2017-09-26, "
        "event, stated, attributed: claim (Reporters at the defence ministry), unconfirmed, "
        "1 caveat, in “Rome”, 1 source · 1 origin)"
    )
    assert briefing.count(head) == 3  # under Haftar, Pinotti and the security chiefs
    assert briefing.count("Caveat (the claim is unconfirmed):") == 3
    assert briefing.count(CAVEAT) >= 3


def test_markdown_offer_reads_as_an_offer(briefing):
    assert (
        "Beji Caid Essebsi offers or intends to mediate Rival Libyan factions (+1, undated, "
        "event, stated, an offer or intent, not an act, 1 source · 1 origin)" in briefing
    )
    assert (
        "Mediation (stand +2, stated, an offer or intent, not an act, 1 source · 1 origin)"
        in briefing
    )
    assert not re.search(r"Essebsi mediates|\bmediates Rival", briefing)


def test_markdown_says_what_the_article_hedges(briefing):
    for words in (
        "reportedly",
        "alleged",
        "unconfirmed",
        "offered",
        "offers or intends to",
        "could",
        "hypothetical",
        "a commitment about the future",
    ):
        assert words in briefing, words
    assert "Hedge (reported: claim): “reportedly”" in briefing


def test_markdown_lists_attributes_issues_and_notes(kb, briefing, outputs):
    markdown = text_of(outputs, "markdown")
    actors_with_attributes = {attribute.actor for attribute in kb.attributes}
    assert markdown.count("#### Attributes") == len(actors_with_attributes)
    assert (
        "Tobruk-based administration controls territory (undated, current, stated, 1 source · "
        "1 origin): The "
        "Tobruk-based administration controls much of the east and south" in briefing
    )
    assert (
        "Islamic State (ISIS) expelled (2016, event, stated, in “Sirte”, 1 source · 1 origin)"
        in briefing
    )
    assert "Peace force (id peace-force): A post-stabilisation peace force" in briefing
    assert "Analyst's note: The text is AFP wire copy" in briefing
    assert "Analyst's note: One event: the strikes (plural) of one day" in briefing
    assert "Posts: Prime Minister of Government of National Unity" in briefing
    assert "wikidata Q1016" in briefing
    assert (
        f"{len(kb.actors)} actors, {len(kb.relations)} relations, {len(kb.attributes)} "
        f"attributes, {len(kb.stances)} stances" in briefing
    )


# --- annotations -----------------------------------------------------------------------


def test_annotations_of_hedges_and_caveats_are_assessing(annotations):
    caveat = annotations[f"relation/{MEETING}/caveat/1"]
    assert caveat["motivation"] == "assessing"
    assert caveat["body"][0]["value"] == "caveat: unconfirmed"
    assert caveat["target"]["selector"][0]["exact"] == CAVEAT
    hedges = [annotations[f"relation/{STRIKE}/hedge/{n}"] for n in (1, 2)]
    assert [h["body"][0]["value"] for h in hedges] == [
        "attributed: claim (US military)",
        "alleged: target",
    ]
    assert [h["target"]["selector"][0]["exact"] for h in hedges] == [
        quote for *_, quote in STRIKE_HEDGES
    ]
    assert annotations[f"relation/{STRIKE}/fatalities"]["body"][0]["value"] == "fatalities: 17"
    # The bundled source has no url: the target is the source's tag URI.
    assert caveat["target"]["source"] == "tag:stakeholder-explorer,2024:source/news24-haftar-rome"


URL = "https://example.org/news/haftar-rome?x=1"
URL_KB = f"""\
version: "2"
sources:
  - id: s1
    title: A title
    publisher: Example
    published: "2017-09-27T10:00"
    path: s1.txt
    url: "{URL}"
  - id: s2
    title: The same text, with no address
    publisher: Example
    published: "2017-09-28"
    path: s1.txt
actors:
  - id: haftar
    name: Khalifa Haftar
    kind: person
  - id: italy
    name: Italy
    kind: state
relations:
  - id: haftar-meets-italy
    kind: event
    source: haftar
    target: italy
    type: meets
    polarity: 1
    summary: Haftar met Italy's defence minister.
    verification: unconfirmed
    hedges:
      - applies_to: claim
        cue: attributed
        source: s1
        quote: "officials said"
    caveats:
      - source: s1
        quote: "The meeting was not immediately confirmed"
    evidence:
      - source: s1
        quote: "met Italy's defence minister"
      - source: s2
        quote: "in Rome on Tuesday"
"""


def test_annotations_target_the_url_of_a_source_that_has_one(tmp_path):
    (tmp_path / "s1.txt").write_text(
        textwrap.dedent("""\
            Rome - Haftar met Italy's defence minister in Rome on Tuesday, officials said.
            The meeting was not immediately confirmed.
        """),
        encoding="utf-8",
    )
    (tmp_path / "kb.yaml").write_text(URL_KB, encoding="utf-8")
    kb = load_knowledge_base(tmp_path / "kb.yaml")
    items = json.loads(export(kb, "annotations")[""])["first"]["items"]
    found = {
        item["id"].rsplit(":", 1)[1]: (item["motivation"], item["target"]["source"])
        for item in items
    }
    tag = "tag:stakeholder-explorer,2024:source/s2"
    assert found == {
        "relation/haftar-meets-italy/evidence/1": ("describing", URL),
        "relation/haftar-meets-italy/evidence/2": ("describing", tag),
        "relation/haftar-meets-italy/hedge/1": ("assessing", URL),
        "relation/haftar-meets-italy/caveat/1": ("assessing", URL),
    }
    for item in items:
        quote_selector, position_selector = item["target"]["selector"]
        text = kb.sources[0].text
        assert (
            text[position_selector["start"] : position_selector["end"]] == (quote_selector["exact"])
        )
    # The JSON export carries the url too.
    assert json.loads(export(kb, "json")[""])["sources"][0]["url"] == URL
