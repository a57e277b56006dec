"""Property tests: whatever text a knowledge base holds, every export reads back."""

from __future__ import annotations

import csv
import io
import json
import re

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.export_fixtures import graph_edges
from tests.export_parsers import (
    label_text,
    parse_dot,
    parse_mermaid,
    render_markdown,
    shown_text,
    xml_visible,
)
from tui.disputes import contested, disputes
from tui.export import FORMATS, export
from tui.model import (
    Actor,
    Attribute,
    ClaimKind,
    Confidence,
    Evidence,
    Fatalities,
    Hedge,
    Issue,
    KnowledgeBase,
    Location,
    Modality,
    Relation,
    Source,
    Stance,
    Status,
    Verification,
)
from tui.sanitize import display

# Every code point, lone surrogates and controls included.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
# The same without "N": whatever "None" an export then holds, the exporter wrote it.
no_n_text = st.text(st.characters(exclude_categories=(), exclude_characters="N"), max_size=30)
dates = st.sampled_from([None, "2017", "2017-09", "2017-09-26"])


@st.composite
def knowledge_bases(draw, text=any_text) -> KnowledgeBase:
    """Version 2 throughout: ties with no valence, events with participants, every
    modality, hedges, caveats, places, tolls, notes, attributes and issues; claims asserted
    by actors (so that sources disagree: candidate disputes) and decisions on disputes,
    some naming claims that are not there."""
    names = draw(st.lists(text, min_size=1, max_size=4))
    actors = tuple(
        Actor(
            f"actor-{index}",
            name,
            "person",
            tuple(draw(st.lists(text, max_size=2))),
            notes=draw(text),
            name_note=draw(text),
        )
        for index, name in enumerate(names)
    )
    before, quote, after = draw(text), draw(text), draw(text)
    source = Source(
        "s",
        draw(text),
        draw(text),
        "2020-01-02",
        None,
        "s.txt",
        before + quote + after,
        url=draw(st.sampled_from([None, "https://example.org/a"])),
        notes=draw(text),
    )
    evidence = (Evidence("s", quote, len(before), len(before) + len(quote)),)
    ids = st.sampled_from([actor.id for actor in actors])
    cues = st.sampled_from([Confidence.ATTRIBUTED, Confidence.REPORTED, Confidence.ALLEGED])
    hedges = st.lists(
        st.builds(Hedge, st.sampled_from(["claim", "target"]), cues, st.just(evidence[0])),
        max_size=2,
    ).map(tuple)
    verification = st.sampled_from([None, *Verification])
    location = st.one_of(st.none(), st.builds(Location, text))
    fatalities = st.one_of(
        st.none(), st.builds(Fatalities, st.integers(0, 99), st.just(evidence[0]))
    )

    claim_ids = st.lists(st.sampled_from(["relation-0", "relation-1", "missing"]), max_size=2)

    def relation(index: int) -> Relation:
        kind = draw(st.sampled_from(ClaimKind))
        source_id = draw(ids)
        participants = draw(st.lists(ids, max_size=2, unique=True))
        return Relation(
            f"relation-{index}",
            source_id,
            draw(ids),
            "other",
            draw(st.one_of(st.none(), st.integers(-2, 2))),
            draw(text),
            evidence,
            date=draw(dates),
            status=None if kind is ClaimKind.EVENT else draw(st.sampled_from(Status)),
            kind=kind,
            participants=tuple(p for p in participants if p != source_id),
            modality=draw(st.sampled_from(Modality)),
            hedges=draw(hedges),
            caveats=draw(st.lists(st.just(evidence[0]), max_size=1).map(tuple)),
            verification=draw(verification),
            location=draw(location),
            fatalities=draw(fatalities),
            notes=draw(text),
            asserted_by=draw(st.one_of(st.none(), ids)),
            contradicts=tuple(draw(claim_ids)),
            supersedes=draw(st.one_of(st.none(), st.sampled_from(["relation-0", "missing"]))),
        )

    relations = tuple(relation(index) for index in range(draw(st.integers(0, 4))))
    attributes = tuple(
        Attribute(
            f"attribute-{index}",
            draw(ids),
            "other",
            draw(text),
            evidence,
            kind=draw(st.sampled_from(ClaimKind)),
            date=draw(dates),
            hedges=draw(hedges),
            location=draw(location),
            fatalities=draw(fatalities),
            notes=draw(text),
        )
        for index in range(draw(st.integers(0, 2)))
    )
    # A second stance, often the first's opposite from someone else: a candidate dispute.
    stand = draw(st.one_of(st.none(), st.integers(-2, 2)))
    stances = tuple(
        Stance(
            stance_id,
            actors[0].id,
            "issue",
            draw(text),
            evidence,
            stand=own_stand,
            modality=draw(st.sampled_from(Modality)),
            hedges=draw(hedges),
            notes=draw(text),
            asserted_by=asserted_by,
        )
        for stance_id, own_stand, asserted_by in (
            ("stance", stand, None),
            ("stance-2", draw(st.sampled_from([-(stand or 1), stand])), draw(ids)),
        )[: draw(st.integers(1, 2))]
    )
    issues = (Issue("issue", draw(text), draw(text), draw(text)),)
    return KnowledgeBase(
        (source,), actors, relations, stances, issues=issues, attributes=attributes
    )


@settings(max_examples=40, deadline=None)
@given(kb=knowledge_bases(text=no_n_text))
def test_no_export_writes_none(kb):
    """A missing value is null, empty or left out: never the text "None"."""
    for fmt in FORMATS:
        for text in export(kb, fmt).values():
            assert "None" not in text, fmt


@settings(max_examples=60, deadline=None)
@given(kb=knowledge_bases())
def test_every_format_reads_back(kb):
    outputs = {fmt: export(kb, fmt) for fmt in FORMATS}
    for files in outputs.values():
        for text in files.values():
            text.encode("utf-8")

    data = json.loads(outputs["json"][""])
    assert [actor["name"] for actor in data["actors"]] == [actor.name for actor in kb.actors]
    assert [r["summary"] for r in data["relations"]] == [r.summary for r in kb.relations]
    assert [r["notes"] for r in data["relations"]] == [r.notes for r in kb.relations]
    assert [r["polarity"] for r in data["relations"]] == [r.polarity for r in kb.relations]
    assert [a["summary"] for a in data["attributes"]] == [a.summary for a in kb.attributes]
    places = [(r["location"] or {}).get("place") for r in data["relations"]]
    assert places == [r.location and r.location.place for r in kb.relations]
    for claim in data["relations"] + data["stances"]:
        evidence = claim["evidence"][0]
        assert data["sources"][0]["text"][evidence["start"] : evidence["end"]] == evidence["quote"]

    tables = outputs["csv"]
    elements = list(csv.reader(io.StringIO(tables["-elements.csv"], newline="")))
    connections = list(csv.reader(io.StringIO(tables["-connections.csv"], newline="")))
    labels = [row[0] for row in elements[1:]]
    assert len(labels) == len(kb.actors)
    assert len({label.strip().casefold() for label in labels}) == len(labels)
    assert all(row[0] in labels and row[1] in labels for row in connections[1:])
    edges = graph_edges(kb)
    assert len(connections) == 1 + len(edges)

    for fmt, name_key in (("gexf", "label"), ("graphml", "name")):
        document = io.BytesIO(outputs[fmt][""].encode("utf-8"))
        graph = (
            nx.read_gexf(document, version="1.3")
            if fmt == "gexf"
            else nx.read_graphml(document, edge_key_type=str)
        )
        assert graph.number_of_nodes() == len(kb.actors)
        assert graph.number_of_edges() == len(edges)
        for actor in kb.actors:
            assert graph.nodes[actor.id][name_key] == xml_visible(actor.name)
            assert json.loads(graph.nodes[actor.id]["aliases"]) == list(actor.aliases)

    nodes, dot_edges = parse_dot(outputs["dot"][""])
    assert [label_text(found["label"]) for found in nodes.values()] == [
        display(actor.name) for actor in kb.actors
    ]
    assert len(dot_edges) == len(edges)

    mermaid_nodes, mermaid_edges, _ = parse_mermaid(outputs["mermaid"][""])
    assert list(mermaid_nodes.values()) == [
        display(actor.name) if actor.name.strip() else actor.id for actor in kb.actors
    ]
    assert len(mermaid_edges) == len(edges)

    # Every claim says how many sources and origins back it: one source here.
    for claim in data["relations"] + data["attributes"] + data["stances"]:
        assert (claim["sources"], claim["origins"]) == (1, 1)
    assert all(row[-2:] == ["1", "1"] for row in connections[1:])

    rendered = render_markdown(outputs["markdown"][""])
    # The Contested section: one table a dispute still open, a header and five rows of
    # three cells each, whatever text the claims hold.
    tables = re.findall(r"<table>(.*?)</table>", rendered, re.DOTALL)
    assert len(tables) == len(contested(kb))
    for table in tables:
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
        assert [len(re.findall(r"<t[hd][^>]*>", row)) for row in rows] == [3] * 6
    if not disputes(kb):
        assert outputs["markdown"][""].endswith("\n## Contested\n\nNo disputes.\n")
    headings = re.findall(r"<h3>(.*?)</h3>", rendered, re.DOTALL)
    # A heading's surrounding blanks are dropped by the renderer; a blank name shows the id.
    expected = [display(a.name).strip() if a.name.strip() else a.id for a in kb.actors]
    assert [shown_text(heading).strip() for heading in headings] == expected

    items = json.loads(outputs["annotations"][""])["first"]["items"]
    claims = (*kb.relations, *kb.attributes, *kb.stances)
    assert all(item["body"][-2]["value"] == "1 source · 1 origin" for item in items)
    quotes = sum(len(c.evidence) + len(c.hedges) + len(c.caveats) for c in claims)
    quotes += sum(1 for c in claims if getattr(c, "fatalities", None) is not None)
    assert len(items) == quotes
    for item in items:
        assert item["target"]["selector"][0]["exact"] == kb.stances[0].evidence[0].quote
        assert item["target"]["source"] == kb.sources[0].url or item["target"]["source"].startswith(
            "tag:"
        )

    lines = outputs["events"][""].splitlines()
    dated = [r for r in kb.relations if r.date]
    dated += [a for a in kb.attributes if a.date and a.kind is ClaimKind.EVENT]
    assert len(lines) == len(dated)
    events = [json.loads(line) for line in lines]
    assert [e["relation"] or e["attribute"] for e in events] == [
        c.id for c in sorted(dated, key=lambda c: c.date)
    ]
    for event in events:
        claim = next(c for c in dated if c.id == (event["relation"] or event["attribute"]))
        assert [h["quote"] for h in event["hedges"]] == [h.evidence.quote for h in claim.hedges]
        assert event["modality"] == claim.modality.value
        assert (event["sources"], event["origins"]) == (1, 1)
        assert event["contradicts"] == list(claim.contradicts)
