"""Property tests: whatever text a knowledge base holds, every export reads back."""

from __future__ import annotations

import csv
import io
import json
import re

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.export_parsers import (
    label_text,
    parse_dot,
    parse_mermaid,
    render_markdown,
    shown_text,
    xml_visible,
)
from tui.export import FORMATS, export
from tui.model import Actor, Evidence, KnowledgeBase, Relation, Source, Stance
from tui.sanitize import display

# Every code point, lone surrogates and controls included.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
dates = st.sampled_from([None, "2017", "2017-09", "2017-09-26"])


@st.composite
def knowledge_bases(draw) -> KnowledgeBase:
    names = draw(st.lists(any_text, min_size=1, max_size=4))
    actors = tuple(
        Actor(f"actor-{index}", name, "person", tuple(draw(st.lists(any_text, max_size=2))))
        for index, name in enumerate(names)
    )
    before, quote, after = draw(any_text), draw(any_text), draw(any_text)
    source = Source(
        "s", draw(any_text), draw(any_text), "2020-01-02", None, "s.txt", before + quote + after
    )
    evidence = (Evidence("s", quote, len(before), len(before) + len(quote)),)
    ids = st.sampled_from([actor.id for actor in actors])
    relations = tuple(
        Relation(
            f"relation-{index}",
            draw(ids),
            draw(ids),
            "other",
            draw(st.integers(-2, 2)),
            draw(any_text),
            evidence,
            date=draw(dates),
        )
        for index in range(draw(st.integers(0, 4)))
    )
    stances = (Stance("stance", actors[0].id, draw(any_text), draw(any_text), evidence),)
    return KnowledgeBase((source,), actors, relations, stances)


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
    assert len(connections) == 1 + len(kb.relations)

    for fmt, name_key in (("gexf", "label"), ("graphml", "name")):
        document = io.BytesIO(outputs[fmt][""].encode("utf-8"))
        graph = (
            nx.read_gexf(document, version="1.3")
            if fmt == "gexf"
            else nx.read_graphml(document, edge_key_type=str)
        )
        assert graph.number_of_nodes() == len(kb.actors)
        assert graph.number_of_edges() == len(kb.relations)
        for actor in kb.actors:
            assert graph.nodes[actor.id][name_key] == xml_visible(actor.name)
            assert json.loads(graph.nodes[actor.id]["aliases"]) == list(actor.aliases)

    nodes, edges = parse_dot(outputs["dot"][""])
    assert [label_text(found["label"]) for found in nodes.values()] == [
        display(actor.name) for actor in kb.actors
    ]
    assert len(edges) == len(kb.relations)

    mermaid_nodes, mermaid_edges, _ = parse_mermaid(outputs["mermaid"][""])
    assert list(mermaid_nodes.values()) == [
        display(actor.name) if actor.name.strip() else actor.id for actor in kb.actors
    ]
    assert len(mermaid_edges) == len(kb.relations)

    rendered = render_markdown(outputs["markdown"][""])
    headings = re.findall(r"<h3>(.*?)</h3>", rendered, re.DOTALL)
    # A heading's surrounding blanks are dropped by the renderer; a blank name shows the id.
    expected = [display(a.name).strip() if a.name.strip() else a.id for a in kb.actors]
    assert [shown_text(heading).strip() for heading in headings] == expected

    items = json.loads(outputs["annotations"][""])["first"]["items"]
    assert len(items) == kb.quote_count
    for item in items:
        assert item["target"]["selector"][0]["exact"] == kb.stances[0].evidence[0].quote

    lines = outputs["events"][""].splitlines()
    assert len(lines) == sum(1 for relation in kb.relations if relation.date)
    assert [json.loads(line)["relation"] for line in lines] == [
        r.id for r in sorted((r for r in kb.relations if r.date), key=lambda r: r.date)
    ]
