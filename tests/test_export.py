"""Exports read back by real parsers: JSON, CSV, W3C annotations, event lines, file writing."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat

import networkx as nx
import pytest

from tests import hostile_kb as hostile_yaml
from tests.export_fixtures import (
    EMPTY_KB,
    HOSTILE,
    PLAIN_TEXT,
    disputed_kb,
    graph_edges,
    hostile_kb,
    plain_kb,
    v2_kb,
)
from tests.export_parsers import parse_dot, parse_mermaid, render_markdown, xml_visible
from tests.kb_files import write_kb
from tui.cli import main
from tui.corroboration import origins
from tui.export import (
    CONNECTION_COLUMNS,
    ELEMENT_COLUMNS,
    FORMATS,
    WriteError,
    export,
    export_paths,
    write_export,
)
from tui.loader import load_knowledge_base
from tui.model import KnowledgeBase
from tui.wording import hedge_phrase

KBS = {
    "plain": plain_kb(),
    "hostile": hostile_kb(),
    "v2": v2_kb(),
    "empty": EMPTY_KB,
    "disputed": disputed_kb(),
}


def single(kb: KnowledgeBase, fmt: str) -> str:
    files = export(kb, fmt)
    assert list(files) == [""]
    return files[""]


def test_formats_are_the_contract():
    assert FORMATS == (
        "json",
        "csv",
        "gexf",
        "graphml",
        "dot",
        "mermaid",
        "markdown",
        "annotations",
        "events",
    )


def test_unknown_format_is_a_value_error():
    with pytest.raises(ValueError, match="unknown export format 'yaml'"):
        export(plain_kb(), "yaml")
    with pytest.raises(ValueError):
        write_export(plain_kb(), "yaml", None, io.StringIO())


@pytest.mark.parametrize("name", KBS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_encodes_as_utf8(fmt, name):
    for text in export(KBS[name], fmt).values():
        text.encode("utf-8")  # a lone surrogate left raw would raise here


# --- json ------------------------------------------------------------------------------

# Appended to every claim (relations, attributes, stances) of the json export and to every
# line of the events export: support counts, then the analyst's decisions on disputes.
MANY_SOURCES_KEYS = ["sources", "origins", "contradicts", "supersedes", "consistent_with"]


def test_json_has_the_interchange_shape_in_order():
    data = json.loads(single(plain_kb(), "json"))
    # Keys are only ever appended: version 2's come after version 1's.
    assert list(data) == ["sources", "actors", "relations", "stances", "attributes", "issues"]
    assert list(data["sources"][0]) == [
        "id",
        "title",
        "publisher",
        "published",
        "text",
        "dateline",
        "url",
        "origin",
        "byline",
        "language",
        "retrieved",
        "reliability",
        "sha256",
        "notes",
        "syndicated_from",
    ]
    assert list(data["actors"][0]) == [
        "id",
        "name",
        "aliases",
        "kind",
        "affiliation",
        "description",
        "identifiers",
        "memberships",
        "name_note",
        "notes",
        "merged_from",
        "distinct_from",
    ]
    assert list(data["relations"][0]) == [
        "id",
        "source",
        "target",
        "type",
        "polarity",
        "date",
        "date_precision",
        "summary",
        "evidence",
        "date_phrase",
        "status",
        "asserted_by",
        "confidence",
        "kind",
        "participants",
        "modality",
        "hedges",
        "caveats",
        "verification",
        "location",
        "fatalities",
        "reported",
        "valid_from",
        "valid_to",
        "notes",
        *MANY_SOURCES_KEYS,
    ]
    assert list(data["stances"][0]) == [
        "id",
        "actor",
        "issue",
        "position",
        "evidence",
        "stand",
        "date",
        "date_precision",
        "date_phrase",
        "asserted_by",
        "confidence",
        "modality",
        "hedges",
        "caveats",
        "notes",
        *MANY_SOURCES_KEYS,
    ]
    assert list(data["relations"][0]["evidence"][0]) == ["source", "quote", "start", "end"]


def test_json_v2_shapes():
    data = json.loads(single(v2_kb(), "json"))
    assert list(data["attributes"][0]) == [
        "id",
        "actor",
        "type",
        "kind",
        "summary",
        "evidence",
        "date",
        "date_precision",
        "date_phrase",
        "status",
        "asserted_by",
        "confidence",
        "modality",
        "hedges",
        "caveats",
        "verification",
        "location",
        "fatalities",
        "reported",
        "notes",
        *MANY_SOURCES_KEYS,
    ]
    assert list(data["issues"][0]) == ["id", "label", "description", "notes"]
    relations = {relation["id"]: relation for relation in data["relations"]}
    strike = relations["us-strikes-isis"]
    assert list(strike["hedges"][0]) == [
        "applies_to",
        "cue",
        "asserted_by",
        "source",
        "quote",
        "start",
        "end",
    ]
    assert list(strike["location"]) == ["place", "lat", "lon", "gazetteer"]
    assert list(strike["fatalities"]) == ["count", "source", "quote", "start", "end"]
    assert list(data["actors"][0]["memberships"][0]) == [
        "organisation",
        "role",
        "from",
        "to",
        "evidence",
    ]


def test_json_v2_values():
    data = json.loads(single(v2_kb(), "json"))
    source = data["sources"][0]
    assert (source["url"], source["origin"], source["reliability"]) == (
        "https://example.org/news?id=1&lang=en#top",
        "AFP",
        "B",
    )
    assert source["notes"] == f"Source note {HOSTILE}"
    haftar = data["actors"][0]
    assert haftar["identifiers"] == {"wikidata": "Q1"}
    assert haftar["memberships"][0]["role"] == "commander"
    assert (haftar["memberships"][0]["from"], haftar["memberships"][0]["to"]) == ("2014", None)
    assert haftar["name_note"] == f"Name note {HOSTILE}"
    relations = {relation["id"]: relation for relation in data["relations"]}
    meeting = relations["haftar-meets-pinotti"]
    assert (meeting["kind"], meeting["status"], meeting["polarity"]) == ("event", None, 1)
    assert meeting["participants"] == ["chiefs"]
    assert meeting["verification"] == "unconfirmed"
    assert [caveat["quote"] for caveat in meeting["caveats"]] == [
        "The meeting was not immediately confirmed by officials"
    ]
    assert meeting["location"] == {
        "place": "Rome",
        "lat": 41.9,
        "lon": 12.5,
        "gazetteer": "geonames:3169070",
    }
    assert meeting["notes"] == f"Relation note {HOSTILE}"
    strike = relations["us-strikes-isis"]
    assert [(h["applies_to"], h["cue"], h["asserted_by"]) for h in strike["hedges"]] == [
        ("claim", "attributed", "military"),
        ("target", "alleged", None),
    ]
    assert strike["fatalities"]["count"] == 17
    assert strike["fatalities"]["quote"] == "killed 17 people"
    assert relations["essebsi-offers-mediation"]["modality"] == "intent"
    tie = relations["sarraj-leads-gna"]
    assert (tie["polarity"], tie["status"], tie["kind"]) == (None, "past", "tie")
    assert (tie["valid_from"], tie["valid_to"]) == ("2016", "2018-03")
    stance = data["stances"][0]
    assert (stance["stand"], stance["modality"], stance["asserted_by"]) == (
        1,
        "hypothetical",
        "italy",
    )
    assert data["stances"][1]["date_precision"] == "month"
    assert data["issues"][0]["label"] == f"Peace force {HOSTILE}"
    attribute = data["attributes"][0]
    assert (attribute["kind"], attribute["verification"], attribute["status"]) == (
        "event",
        "disputed",
        None,
    )


def test_json_values():
    data = json.loads(single(plain_kb(), "json"))
    haftar = data["actors"][0]
    assert haftar["aliases"] == ["Haftar", "Field Marshal"]
    assert haftar["affiliation"] == "lna"
    assert data["actors"][1]["affiliation"] is None
    by_id = {relation["id"]: relation for relation in data["relations"]}
    assert (
        by_id["haftar-visits-italy"]["date"],
        by_id["haftar-visits-italy"]["date_precision"],
    ) == (
        "2017-09-26",
        "day",
    )
    assert by_id["italy-backs-gna"]["date_precision"] == "month"
    opposed = by_id["haftar-opposed-gna"]
    assert (opposed["date"], opposed["date_precision"]) == ("2017", "year")
    assert (opposed["polarity"], type(opposed["polarity"])) == (-2, int)
    assert (opposed["status"], opposed["asserted_by"], opposed["confidence"]) == (
        "past",
        "italy",
        "attributed",
    )
    meets = by_id["haftar-meets-italy"]
    assert (meets["date"], meets["date_precision"], meets["asserted_by"]) == (None, None, None)
    assert by_id["haftar-visits-italy"]["date_phrase"] == "on Tuesday"


def json_quotes(data: dict) -> list[dict]:
    """Every quote of a JSON export: evidence, hedges, caveats, tolls, memberships."""
    quotes = []
    for claim in data["relations"] + data["stances"] + data["attributes"]:
        quotes += claim["evidence"] + claim["hedges"] + claim["caveats"]
        quotes += [claim["fatalities"]] if claim.get("fatalities") else []
    for actor in data["actors"]:
        quotes += [e for membership in actor["memberships"] for e in membership["evidence"]]
    return quotes


@pytest.mark.parametrize("name", ["plain", "hostile", "v2"])
def test_json_offsets_point_at_the_quotes(name):
    data = json.loads(single(KBS[name], "json"))
    texts = {source["id"]: source["text"] for source in data["sources"]}
    claims = data["relations"] + data["stances"] + data["attributes"]
    assert sum(len(claim["evidence"]) for claim in claims) == KBS[name].quote_count
    for evidence in json_quotes(data):
        assert texts[evidence["source"]][evidence["start"] : evidence["end"]] == evidence["quote"]


def test_json_keeps_hostile_text_exactly():
    kb = hostile_kb()
    text = single(kb, "json")
    data = json.loads(text)
    assert data["actors"][0]["name"] == f"Name {HOSTILE}"
    assert data["relations"][0]["summary"] == kb.relations[0].summary
    assert data["sources"][0]["text"] == kb.sources[0].text
    # Line separators and surrogates are escaped, so line-based tools see the real lines.
    for char in ("\u2028", "\u2029", "\x85", "\ud800"):
        assert char not in text
    assert len(text.splitlines()) == text.count("\n")


def test_json_of_an_empty_kb():
    assert json.loads(single(EMPTY_KB, "json")) == {
        "sources": [],
        "actors": [],
        "relations": [],
        "stances": [],
        "attributes": [],
        "issues": [],
    }


# --- csv -------------------------------------------------------------------------------


def read_tables(kb: KnowledgeBase) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    files = export(kb, "csv")
    assert list(files) == ["-elements.csv", "-connections.csv"]
    elements = list(csv.reader(io.StringIO(files["-elements.csv"], newline="")))
    connections = list(csv.reader(io.StringIO(files["-connections.csv"], newline="")))
    assert tuple(elements[0]) == ELEMENT_COLUMNS
    assert tuple(connections[0]) == CONNECTION_COLUMNS
    return (
        [dict(zip(elements[0], row, strict=True)) for row in elements[1:]],
        [dict(zip(connections[0], row, strict=True)) for row in connections[1:]],
    )


def test_csv_kumu_headers():
    assert ELEMENT_COLUMNS[:4] == ("Label", "Type", "Description", "Tags")
    assert CONNECTION_COLUMNS[:4] == ("From", "To", "Type", "Direction")


@pytest.mark.parametrize("name", KBS)
def test_csv_rows_link_by_label(name):
    kb = KBS[name]
    elements, connections = read_tables(kb)
    assert len(elements) == len(kb.actors)
    labels = [row["Label"] for row in elements]
    assert len({label.strip().casefold() for label in labels}) == len(labels)
    assert all(labels) and not any("|" in label for label in labels)
    label_of = {row["Actor ID"]: row["Label"] for row in elements}
    # One row per relation, then one per participant of its event.
    for (edge_id, source, target, relation), row in zip(graph_edges(kb), connections, strict=True):
        assert (row["From"], row["To"]) == (label_of[source], label_of[target])
        assert row["ID"] == edge_id
        assert row["Relation"] == relation.id
        assert row["Edge role"] == ("claim" if edge_id == relation.id else "participant")
        assert row["Direction"] == "directed"
        polarity = relation.polarity
        assert row["Polarity"] == ("" if polarity is None else str(polarity))
        # Appended last: how many sources and independent origins back the relation.
        support = origins(kb).support(relation)
        assert (row["Sources"], row["Origins"]) == (str(support.sources), str(support.origins))


def test_csv_plain_values():
    elements, connections = read_tables(plain_kb())
    haftar = elements[0]
    assert haftar == {
        "Label": "Khalifa Haftar",
        "Type": "person",
        "Description": "Libyan military strongman.",
        "Tags": "migration",
        "Actor ID": "khalifa-haftar",
        "Aliases": "Haftar|Field Marshal",
        "Affiliation": "Libyan National Army",
        "Identifiers": "",
        "Notes": "",
    }
    opposed = connections[3]
    assert opposed["Polarity"] == "-2"  # a number, not guarded
    assert (opposed["Date"], opposed["Date precision"], opposed["Status"]) == (
        "2017",
        "year",
        "past",
    )
    assert (opposed["Asserted by"], opposed["Confidence"]) == ("Italy", "attributed")
    assert opposed["Quotes"] == "a one-time ally of the GNA\n\nhas hitherto opposed it"
    assert opposed["Source citation"] == (
        "News24, “Strongman Haftar bolsters stature as key Libya player”, 2017-09-27"
    )
    assert connections[1]["Date"] == "" and connections[1]["Date precision"] == ""
    # Version 1 data reads with version 2's defaults.
    assert (opposed["Kind"], opposed["Modality"], opposed["Verification"]) == (
        "tie",
        "actual",
        "",
    )
    assert opposed["Hedges"] == opposed["Participants"] == opposed["Fatalities"] == ""


def test_csv_v2_values():
    elements, connections = read_tables(v2_kb())
    haftar = elements[0]
    assert (haftar["Identifiers"], haftar["Notes"]) == (
        "wikidata:Q1",
        f"Actor note {xml_visible(HOSTILE)}",
    )
    rows = {row["ID"]: row for row in connections}
    meeting = rows["haftar-meets-pinotti"]
    assert (meeting["Kind"], meeting["Status"], meeting["Verification"]) == (
        "event",
        "",
        "unconfirmed",
    )
    assert meeting["Caveats"] == "The meeting was not immediately confirmed by officials"
    assert meeting["Location"] == "Rome"
    assert meeting["Participants"] == "Security chiefs"
    assert meeting["Hedges"] == f"attributed: claim (Reporters {xml_visible(HOSTILE)})"
    # The participant's own row: the same relation, from its source.
    participant = rows["haftar-meets-pinotti#chiefs"]
    assert (participant["From"], participant["To"]) == ("Khalifa Haftar", "Security chiefs")
    assert (participant["Relation"], participant["Edge role"]) == (
        "haftar-meets-pinotti",
        "participant",
    )
    assert participant["Verification"] == "unconfirmed"
    strike = rows["us-strikes-isis"]
    assert strike["Hedges"] == "attributed: claim (US military); alleged: target"
    assert strike["Fatalities"] == "17"
    assert strike["Polarity"] == "-2"
    assert rows["essebsi-offers-mediation"]["Modality"] == "intent"
    tie = rows["sarraj-leads-gna"]
    assert (tie["Polarity"], tie["Status"], tie["Valid from"], tie["Valid to"]) == (
        "",
        "past",
        "2016",
        "2018-03",
    )


def test_csv_disambiguates_shared_names():
    elements, _ = read_tables(hostile_kb())
    label_of = {row["Actor ID"]: row["Label"] for row in elements}
    assert label_of["twin-a"] == "Twin (twin-a)"
    assert label_of["twin-b"] == " twin  (twin-b)"
    # Its own name equals twin-a's disambiguated label: numbered.
    assert label_of["twin-c"] == "Twin (twin-a) (2)"
    assert label_of["empty"] == "empty"
    assert label_of["piped"] == "left¦right"


def test_csv_guards_formulas_but_not_polarity():
    elements, connections = read_tables(hostile_kb())
    label_of = {row["Actor ID"]: row["Label"] for row in elements}
    assert label_of["formula"] == '\'=HYPERLINK("http://evil.example","x")'
    assert label_of["minus"] == "'-2"
    assert label_of["plus"] == "'+1"
    assert label_of["at"] == "'@SUM(A1)"
    assert label_of["tab"] == "'\tTab"
    description = {row["Actor ID"]: row["Description"] for row in elements}["twin-b"]
    assert description == "'=cmd|' /C calc'!A0"
    assert {row["Aliases"] for row in elements if row["Actor ID"] == "end"} == {
        "alias¦" + xml_visible(HOSTILE) + "|'=alias"
    }
    quotes = connections[1]["Quotes"]
    assert quotes.startswith("'=HYPERLINK")
    for row in elements + connections:
        for column, cell in row.items():
            if column != "Polarity":
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    assert [row["Polarity"] for row in connections] == ["-2", "2", "-1", "1", "0", "1"]


def test_csv_makes_controls_visible():
    files = export(hostile_kb(), "csv")
    for text in files.values():
        assert "\x00" not in text and "\x1b" not in text
    elements, connections = read_tables(hostile_kb())
    assert elements[0]["Label"] == "Name " + xml_visible(HOSTILE)
    assert elements[0]["Tags"] == "issue¦" + xml_visible(HOSTILE)
    assert connections[0]["Summary"] == "Summary " + xml_visible(HOSTILE) + " \u2028 split?"
    # Newlines and carriage returns inside a cell survive the CSV quoting.
    assert connections[0]["Quotes"] == hostile_kb().relations[0].evidence[0].quote.replace(
        HOSTILE, xml_visible(HOSTILE)
    )


def test_csv_of_an_empty_kb_is_headers_only():
    elements, connections = read_tables(EMPTY_KB)
    assert elements == [] and connections == []


# --- annotations -----------------------------------------------------------------------


@pytest.mark.parametrize("name", KBS)
def test_annotations_are_web_annotations(name):
    kb = KBS[name]
    collection = json.loads(single(kb, "annotations"))
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    items = page["items"]
    expected = expected_annotations(kb)
    assert collection["total"] == len(items) == len(expected)
    assert len({item["id"] for item in items}) == len(items)
    texts = {source.id: source.text for source in kb.sources}
    urls = {source.id: source.url for source in kb.sources}
    for item, (motivation, description, tag, evidence, support) in zip(
        items, expected, strict=True
    ):
        assert item["type"] == "Annotation"
        assert item["id"].startswith("tag:")
        assert item["motivation"] == motivation
        assert item["body"][0] == {
            "type": "TextualBody",
            "purpose": motivation,
            "format": "text/plain",
            "value": description,
        }
        assert item["body"][-1] == {"type": "TextualBody", "purpose": "tagging", "value": tag}
        if support is not None:  # a claim's: its support, just before the tag
            assert item["body"][-2] == {
                "type": "TextualBody",
                "purpose": "assessing",
                "format": "text/plain",
                "value": support,
            }
        target = item["target"]
        if urls[evidence.source]:
            assert target["source"] == urls[evidence.source]
        else:
            assert target["source"].endswith(":source/" + evidence.source)
        quote_selector, position_selector = target["selector"]
        assert quote_selector["type"] == "TextQuoteSelector"
        assert quote_selector["exact"] == evidence.quote
        text = texts[evidence.source]
        start, end = position_selector["start"], position_selector["end"]
        assert position_selector["type"] == "TextPositionSelector"
        assert text[start:end] == quote_selector["exact"]
        assert len(quote_selector["prefix"]) <= 32 and len(quote_selector["suffix"]) <= 32
        assert text[:start].endswith(quote_selector["prefix"])
        assert text[end:].startswith(quote_selector["suffix"])
        assert quote_selector["prefix"] == text[max(0, start - 32) : start]


def expected_annotations(kb: KnowledgeBase) -> list[tuple[str, str, str, object, str | None]]:
    """(motivation, first body's text, tag, quote, support) of each annotation, in order: per
    claim its evidence, hedges, caveats and toll; relations, attributes, stances; then
    memberships. ``support`` is the claim's "1 source · 1 origin" (None for a membership)."""
    expected: list[tuple[str, str, str, object, str | None]] = []
    claims = [(r, r.summary, r.type) for r in kb.relations]
    claims += [(a, a.summary, a.type) for a in kb.attributes]
    claims += [(s, s.position, s.issue) for s in kb.stances]
    for claim, description, tag in claims:
        support = origins(kb).support(claim).describe()
        expected += [("describing", description, tag, e, support) for e in claim.evidence]
        expected += [
            ("assessing", hedge_phrase(kb, hedge), tag, hedge.evidence, support)
            for hedge in claim.hedges
        ]
        verification = getattr(claim, "verification", None)
        said = "caveat" + (f": {verification.value}" if verification else "")
        expected += [("assessing", said, tag, caveat, support) for caveat in claim.caveats]
        toll = getattr(claim, "fatalities", None)
        if toll is not None:
            expected.append(
                ("describing", f"fatalities: {toll.count}", tag, toll.evidence, support)
            )
    for actor in kb.actors:
        for membership in actor.memberships:
            organisation = kb.actor_by_id[membership.organisation].name
            text = f"{actor.name}: {membership.role} of {organisation}"
            expected += [("describing", text, "membership", e, None) for e in membership.evidence]
    return expected


def test_annotation_ids_name_their_claim():
    items = json.loads(single(plain_kb(), "annotations"))["first"]["items"]
    ids = [item["id"] for item in items]
    assert ids[0] == "tag:stakeholder-explorer,2024:relation/haftar-visits-italy/evidence/1"
    assert ids[-1] == "tag:stakeholder-explorer,2024:stance/haftar-on-migration/evidence/1"
    assert items[0]["target"]["source"] == "tag:stakeholder-explorer,2024:source/news24-haftar-rome"


# --- events ----------------------------------------------------------------------------

EVENT_KEYS = [
    "date",
    "date_precision",
    "actor",
    "actor_name",
    "recipient",
    "recipient_name",
    "type",
    "polarity",
    "quote",
    "source",
    "citation",
    "relation",
    "attribute",
    "kind",
    "participants",
    "participant_names",
    "summary",
    "date_phrase",
    "reported",
    "status",
    "modality",
    "asserted_by",
    "asserted_by_name",
    "confidence",
    "hedges",
    "verification",
    "caveats",
    "location",
    "fatalities",
    "quotes",
    "notes",
    *MANY_SOURCES_KEYS,
]


def read_events(kb: KnowledgeBase) -> list[dict]:
    text = single(kb, "events")
    assert text == "" or text.endswith("\n")
    lines = text.splitlines()  # splits on U+2028 and friends too: none may be raw
    assert len(lines) == text.count("\n")
    events = [json.loads(line) for line in lines]
    for event in events:
        assert list(event) == EVENT_KEYS
    return events


def test_events_sorted_by_date_then_file_order():
    events = read_events(plain_kb())
    assert [(e["date"], e["relation"]) for e in events] == [
        ("2017", "haftar-opposed-gna"),
        ("2017-09", "italy-backs-gna"),
        ("2017-09-26", "haftar-visits-italy"),
    ]
    first = events[0]
    assert first == {
        "date": "2017",
        "date_precision": "year",
        "actor": "khalifa-haftar",
        "actor_name": "Khalifa Haftar",
        "recipient": "gna",
        "recipient_name": "Government of National Accord",
        "type": "opposes",
        "polarity": -2,
        "quote": "a one-time ally of the GNA",
        "source": "news24-haftar-rome",
        "citation": "News24, “Strongman Haftar bolsters stature as key Libya player”, 2017-09-27",
        "relation": "haftar-opposed-gna",
        "attribute": None,
        "kind": "tie",
        "participants": [],
        "participant_names": [],
        "summary": "Haftar, once an ally, has opposed the GNA.",
        "date_phrase": None,
        "reported": None,
        "status": "past",
        "modality": "actual",
        "asserted_by": "italy",
        "asserted_by_name": "Italy",
        "confidence": "attributed",
        "hedges": [],
        "verification": None,
        "caveats": [],
        "location": None,
        "fatalities": None,
        "quotes": [
            {
                "source": "news24-haftar-rome",
                "quote": quote,
                "start": start,
                "end": start + len(quote),
                "citation": (
                    "News24, “Strongman Haftar bolsters stature as key Libya player”, 2017-09-27"
                ),
            }
            for quote, start in (
                ("a one-time ally of the GNA", PLAIN_TEXT.index("a one-time ally")),
                ("has hitherto opposed it", PLAIN_TEXT.index("has hitherto")),
            )
        ],
        "notes": "",
        "sources": 1,
        "origins": 1,
        "contradicts": [],
        "supersedes": None,
        "consistent_with": [],
    }


def test_events_carry_v2():
    """Each line stands alone: modality, who asserts it, hedges, caveats, place, toll and
    every quote with its citation; dated attributes that are events are lines too."""
    events = read_events(v2_kb())
    assert [(e["date"], e["relation"], e["attribute"]) for e in events] == [
        ("2017", "italy-deals-with-militias", None),
        ("2017-09-24", "us-strikes-isis", None),
        ("2017-09-26", "haftar-meets-pinotti", None),
        ("2017-09-26", None, "haftar-bolsters-stature"),
    ]
    by_claim = {e["relation"] or e["attribute"]: e for e in events}
    strike = by_claim["us-strikes-isis"]
    assert (strike["asserted_by"], strike["asserted_by_name"], strike["confidence"]) == (
        "military",
        "US military",
        "attributed",
    )
    assert [(h["cue"], h["applies_to"], h["quote"]) for h in strike["hedges"]] == [
        ("attributed", "claim", "according to the military"),
        ("alleged", "target", "an alleged camp"),
    ]
    assert strike["fatalities"]["count"] == 17
    assert strike["fatalities"]["citation"] == "Wire, “Haftar in Rome”, 2017-09-27"
    assert strike["location"]["place"] == f"camp {HOSTILE}"
    meeting = by_claim["haftar-meets-pinotti"]
    assert (meeting["kind"], meeting["status"], meeting["verification"]) == (
        "event",
        None,
        "unconfirmed",
    )
    assert meeting["participants"] == ["chiefs"]
    assert meeting["participant_names"] == ["Security chiefs"]
    assert [c["quote"] for c in meeting["caveats"]] == [
        "The meeting was not immediately confirmed by officials"
    ]
    assert meeting["location"]["lat"] == 41.9
    stature = by_claim["haftar-bolsters-stature"]
    assert (stature["actor"], stature["actor_name"], stature["recipient"]) == (
        "haftar",
        "Khalifa Haftar",
        None,
    )
    assert (stature["polarity"], stature["type"], stature["verification"]) == (
        None,
        "bolsters-stature",
        "disputed",
    )
    assert stature["caveats"][0]["quote"] == f"Hostile: {HOSTILE}"
    # The undated offer and the undated tie are no lines; an undated tie attribute neither.
    assert "essebsi-offers-mediation" not in by_claim and "gna-controls" not in by_claim


def test_hostile_events_stay_one_per_line():
    kb = hostile_kb()
    events = read_events(kb)
    assert [e["relation"] for e in events] == [
        "rel-parallel",
        "rel-hostile",
        "rel-lines",
        "rel-twins",
    ]
    assert events[1]["actor_name"] == f"Name {HOSTILE}"
    assert events[1]["quote"] == kb.relations[0].evidence[0].quote
    assert events[2]["quote"] == "separators \u2028 and \u2029 and NEL \x85"


def test_events_of_an_empty_kb():
    assert single(EMPTY_KB, "events") == ""


# --- write_export ----------------------------------------------------------------------


def test_single_file_to_stdout():
    stdout = io.StringIO()
    assert write_export(plain_kb(), "json", None, stdout) == []
    assert stdout.getvalue() == single(plain_kb(), "json")


def test_csv_to_stdout_is_two_tables_split_by_an_empty_record():
    stdout = io.StringIO()
    write_export(hostile_kb(), "csv", None, stdout)
    rows = list(csv.reader(io.StringIO(stdout.getvalue(), newline="")))
    assert rows.count([]) == 1
    split = rows.index([])
    files = export(hostile_kb(), "csv")
    assert rows[:split] == list(csv.reader(io.StringIO(files["-elements.csv"], newline="")))
    assert rows[split + 1 :] == list(csv.reader(io.StringIO(files["-connections.csv"], newline="")))


def leftovers(folder) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.endswith(".tmp")]


@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt != "csv"])
def test_single_file_to_exactly_out(tmp_path, fmt):
    out = tmp_path / "export.out"
    assert write_export(hostile_kb(), fmt, out, io.StringIO()) == [out]
    assert out.read_bytes() == single(hostile_kb(), fmt).encode("utf-8")
    assert leftovers(tmp_path) == []


def test_csv_to_two_files(tmp_path):
    stdout = io.StringIO()
    written = write_export(plain_kb(), "csv", tmp_path / "net.csv", stdout)
    assert written == [tmp_path / "net-elements.csv", tmp_path / "net-connections.csv"]
    files = export(plain_kb(), "csv")
    assert written[0].read_bytes() == files["-elements.csv"].encode()
    assert written[1].read_bytes() == files["-connections.csv"].encode()
    assert not (tmp_path / "net.csv").exists()
    assert stdout.getvalue() == ""
    assert write_export(plain_kb(), "csv", tmp_path / "bare", stdout)[0].name == "bare-elements.csv"


def test_a_csv_export_that_fails_on_its_second_table_leaves_both_as_they_were(
    tmp_path, monkeypatch
):
    import tui.export

    earlier = {
        tmp_path / "net-elements.csv": "old elements",
        tmp_path / "net-connections.csv": "old connections",
    }
    for path, text in earlier.items():
        path.write_text(text, encoding="utf-8")
    real_write_beside = tui.export.write_beside

    def full_disk_on_the_second(target, data):
        if target.name.endswith("-connections.csv"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write_beside(target, data)

    monkeypatch.setattr(tui.export, "write_beside", full_disk_on_the_second)
    with pytest.raises(WriteError, match="net-connections.csv: No space left on device"):
        write_export(plain_kb(), "csv", tmp_path / "net.csv", io.StringIO())
    # Not a new elements table beside an old connections table: the pair as it was.
    assert {path: path.read_text(encoding="utf-8") for path in earlier} == earlier
    assert leftovers(tmp_path) == []


def test_overwrites_an_earlier_export_with_a_plain_file_mode(tmp_path):
    out = tmp_path / "out.md"
    out.write_text("old", encoding="utf-8")
    reference = tmp_path / "reference"
    reference.write_text("made by open()", encoding="utf-8")
    write_export(plain_kb(), "markdown", out, io.StringIO())
    assert out.read_text(encoding="utf-8").startswith("# Stakeholder briefing")
    assert stat.S_IMODE(out.stat().st_mode) == stat.S_IMODE(reference.stat().st_mode)


def kb_on_disk(tmp_path, yaml_name="kb.yaml") -> KnowledgeBase:
    kb_file = tmp_path / yaml_name
    kb_file.write_text("the analyst's file", encoding="utf-8")
    (tmp_path / "news24-haftar-rome.txt").write_text("the article", encoding="utf-8")
    return plain_kb(path=str(kb_file))


@pytest.mark.parametrize(
    "target",
    ["kb.yaml", "sub/../kb.yaml", "news24-haftar-rome.txt", "link.yaml", "hardlink.yaml"],
)
def test_refuses_to_overwrite_the_knowledge_base(tmp_path, target):
    kb = kb_on_disk(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.yaml").symlink_to(tmp_path / "kb.yaml")
    os.link(tmp_path / "kb.yaml", tmp_path / "hardlink.yaml")
    with pytest.raises(ValueError, match="refusing to overwrite"):
        write_export(kb, "json", tmp_path / target, io.StringIO())
    assert (tmp_path / "kb.yaml").read_text(encoding="utf-8") == "the analyst's file"
    assert (tmp_path / "news24-haftar-rome.txt").read_text(encoding="utf-8") == "the article"


def test_refusal_comes_before_any_file_is_written(tmp_path):
    kb = kb_on_disk(tmp_path, yaml_name="net-connections.csv")
    with pytest.raises(ValueError):
        write_export(kb, "csv", tmp_path / "net.csv", io.StringIO())
    assert not (tmp_path / "net-elements.csv").exists()
    assert (tmp_path / "net-connections.csv").read_text(encoding="utf-8") == "the analyst's file"


def test_relative_kb_path_is_protected(tmp_path, monkeypatch):
    kb_on_disk(tmp_path)
    monkeypatch.chdir(tmp_path)
    kb = plain_kb(path="kb.yaml")
    with pytest.raises(ValueError):
        write_export(kb, "json", tmp_path / "kb.yaml", io.StringIO())
    with pytest.raises(ValueError):
        write_export(kb, "json", tmp_path / "news24-haftar-rome.txt", io.StringIO())


def test_failed_write_leaves_no_temporary_file(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(OSError):
        write_export(plain_kb(), "json", tmp_path / "folder", io.StringIO())
    assert leftovers(tmp_path) == []
    with pytest.raises(OSError):
        write_export(plain_kb(), "json", tmp_path / "missing" / "out.json", io.StringIO())


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_paths_are_the_files_written(tmp_path, fmt):
    out = tmp_path / "net.out"
    assert export_paths(fmt, out) == write_export(plain_kb(), fmt, out, io.StringIO())
    assert len(export_paths(fmt, out)) == len(export(plain_kb(), fmt))


def test_a_missing_folder_is_named_not_the_temporary_file(tmp_path):
    missing = tmp_path / "exp"
    with pytest.raises(WriteError) as raised:
        write_export(plain_kb(), "csv", missing / "out.csv", io.StringIO())
    assert str(raised.value) == (
        f"The folder {missing} does not exist: create it or choose another path."
    )
    assert not missing.exists()


def test_a_folder_or_a_file_in_the_way_is_named(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(WriteError, match=r"folder is a folder: give the name of a file"):
        write_export(plain_kb(), "json", tmp_path / "folder", io.StringIO())
    (tmp_path / "file").write_text("mine", encoding="utf-8")
    with pytest.raises(WriteError, match=r"file is not a folder: choose another path"):
        write_export(plain_kb(), "json", tmp_path / "file" / "out.json", io.StringIO())
    assert (tmp_path / "file").read_text(encoding="utf-8") == "mine"
    assert leftovers(tmp_path) == []


def test_a_failed_write_names_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    def refuse(source, destination):
        raise PermissionError(errno.EACCES, "Permission denied", str(source), str(destination))

    monkeypatch.setattr("tui.export.os.replace", refuse)
    out = tmp_path / "out.json"
    with pytest.raises(WriteError) as raised:
        write_export(plain_kb(), "json", out, io.StringIO())
    assert str(raised.value) == f"Could not write {out}: Permission denied."
    assert leftovers(tmp_path) == []


def test_cli_export_to_a_missing_folder_is_a_clear_error(tmp_path, capsys):
    path = write_kb(tmp_path)
    missing = tmp_path / "nope"
    assert main(["export", "-f", "csv", "-o", str(missing / "x.csv"), str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        f"stakeholders export: The folder {missing} does not exist: "
        "create it or choose another path.\n"
    )
    assert captured.out == ""
    assert not missing.exists()


def test_cli_export_error_shows_a_hostile_path_literally(tmp_path, capsys):
    path = write_kb(tmp_path)
    missing = tmp_path / "\x1b[2J\x1b]0;pwned\x07"
    assert main(["export", "-f", "json", "-o", str(missing / "x.json"), str(path)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b[2J" in err and "does not exist" in err


def test_cli_export_overwrites_an_earlier_export(tmp_path, capsys):
    """``-o`` replaces an existing file, as output options do on the command line."""
    path = write_kb(tmp_path)
    out = tmp_path / "out.json"
    out.write_text("old", encoding="utf-8")
    assert main(["export", "-f", "json", "-o", str(out), str(path)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["actors"]


# --- a knowledge base loaded from YAML -------------------------------------------------


def test_a_loaded_hostile_knowledge_base_exports_in_every_format(tmp_path):
    kb = load_knowledge_base(hostile_yaml.build(tmp_path, big_quote=False))
    data = json.loads(single(kb, "json"))
    assert len(data["actors"]) == len(kb.actors)
    texts = {source["id"]: source["text"] for source in data["sources"]}
    for claim in data["relations"] + data["stances"]:
        for evidence in claim["evidence"]:
            assert (
                texts[evidence["source"]][evidence["start"] : evidence["end"]] == evidence["quote"]
            )
    elements, connections = read_tables(kb)
    assert (len(elements), len(connections)) == (len(kb.actors), len(kb.relations))
    gexf = nx.read_gexf(io.BytesIO(single(kb, "gexf").encode()), version="1.3")
    graphml = nx.read_graphml(io.BytesIO(single(kb, "graphml").encode()), edge_key_type=str)
    edges = len(graph_edges(kb))
    assert gexf.number_of_edges() == graphml.number_of_edges() == edges
    assert len(parse_dot(single(kb, "dot"))[1]) == edges
    assert len(parse_mermaid(single(kb, "mermaid"))[1]) == edges
    assert render_markdown(single(kb, "markdown")).count("<h3>") == len(kb.actors)
    assert json.loads(single(kb, "annotations"))["total"] == len(expected_annotations(kb))
    dated = sum(1 for relation in kb.relations if relation.date)
    dated += sum(1 for a in kb.attributes if a.date and a.kind.value == "event")
    assert len(single(kb, "events").splitlines()) == dated
