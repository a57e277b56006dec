"""Graph and document exports read back: GEXF and GraphML by networkx, DOT by a tokenizer of
the DOT grammar, Mermaid by its line grammar, Markdown by a CommonMark renderer."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from tests.export_fixtures import (
    EMPTY_KB,
    HOSTILE,
    disputed_kb,
    graph_edges,
    hostile_kb,
    plain_kb,
    v2_kb,
)
from tests.export_parsers import (
    label_text,
    parse_dot,
    parse_mermaid,
    render_markdown,
    shown_text,
    xml_visible,
)
from tui.corroboration import origins
from tui.export import export
from tui.model import KnowledgeBase, Modality, Relation
from tui.sanitize import display
from tui.wording import hedge_phrase, modal_phrase

KBS = {
    "plain": plain_kb(),
    "hostile": hostile_kb(),
    "v2": v2_kb(),
    "empty": EMPTY_KB,
    "disputed": disputed_kb(),
}
# None: a tie with no valence, drawn in a neutral grey (lighter than a neutral 0).
COLOURS = {-2: "#c62828", -1: "#ef6c00", 0: "#757575", 1: "#7cb342", 2: "#2e7d32", None: "#9e9e9e"}


def edge_label(relation: Relation, kb: KnowledgeBase | None = None) -> str:
    """What a DOT or Mermaid edge says: the verb with its modality (an offer never reads as
    the act), the valence, and what the source says of confirmation; in Mermaid (``kb``
    given), then how many sources and origins back it ("3 sources · 2 origins")."""
    verb = relation.type
    if relation.modality is not Modality.ACTUAL:
        verb = modal_phrase(relation.type, relation.modality)
    polarity = relation.polarity
    facts = ["no valence" if polarity is None else (f"{polarity:+d}" if polarity else "0")]
    if relation.verification is not None:
        facts.append(relation.verification.value)
    if kb is not None:
        facts.append(origins(kb).support(relation).describe())
    return f"{verb} ({', '.join(facts)})"


def single(kb: KnowledgeBase, fmt: str) -> str:
    return export(kb, fmt)[""]


# --- gexf and graphml ------------------------------------------------------------------


def read_graph(kb: KnowledgeBase, fmt: str) -> nx.Graph:
    data = single(kb, fmt).encode("utf-8")
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data), version="1.3")
    return nx.read_graphml(io.BytesIO(data), edge_key_type=str)


def edges_by_id(graph: nx.Graph) -> dict[str, tuple[str, str, dict]]:
    if graph.is_multigraph():
        return {key: (u, v, data) for u, v, key, data in graph.edges(keys=True, data=True)}
    return {data["id"]: (u, v, data) for u, v, data in graph.edges(data=True)}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
@pytest.mark.parametrize("name", KBS)
def test_graph_round_trip(fmt, name):
    kb = KBS[name]
    graph = read_graph(kb, fmt)
    assert graph.is_directed()
    assert sorted(graph.nodes) == sorted(actor.id for actor in kb.actors)
    expected = graph_edges(kb)
    assert graph.number_of_edges() == len(expected)
    edges = edges_by_id(graph)
    assert sorted(edges) == sorted(edge_id for edge_id, *_ in expected)
    for edge_id, source, target, relation in expected:
        found_source, found_target, data = edges[edge_id]
        assert (found_source, found_target) == (source, target)
        if relation.polarity is None:
            assert "polarity" not in data  # a missing value, never a made-up 0
        else:
            assert data["polarity"] == relation.polarity and type(data["polarity"]) is int
        assert data["type"] == xml_visible(relation.type)
        assert data.get("status") == (relation.status and relation.status.value)
        assert data["confidence"] == relation.confidence.value
        assert data.get("date") == relation.date
        assert data.get("asserted_by") == relation.asserted_by
        assert data["summary"] == xml_visible(relation.summary)
        # List values are JSON arrays, whose escapes carry every character exactly.
        assert json.loads(data["quotes"]) == [evidence.quote for evidence in relation.evidence]
        assert json.loads(data["caveats"]) == [caveat.quote for caveat in relation.caveats]
        assert json.loads(data["participants"]) == list(relation.participants)
        assert (data["kind"], data["modality"]) == (relation.kind.value, relation.modality.value)
        verification = relation.verification
        assert data.get("verification") == (verification and verification.value)
        hedges = "; ".join(hedge_phrase(kb, hedge) for hedge in relation.hedges)
        assert data.get("hedges") == (xml_visible(hedges) if hedges else None)
        location = relation.location
        assert data.get("location") == (location and xml_visible(location.place))
        toll = relation.fatalities
        assert data.get("fatalities") == (toll and toll.count)
        assert data["relation"] == relation.id
        assert data["edge_role"] == ("claim" if edge_id == relation.id else "participant")
        support = origins(kb).support(relation)
        assert (data["sources"], data["origins"]) == (support.sources, support.origins)
        assert type(data["sources"]) is type(data["origins"]) is int
    name_key = "label" if fmt == "gexf" else "name"
    for actor in kb.actors:
        data = graph.nodes[actor.id]
        assert data[name_key] == xml_visible(actor.name)
        assert data["kind"] == actor.kind
        assert data.get("affiliation") == actor.affiliation
        assert data["description"] == xml_visible(actor.description)
        assert json.loads(data["aliases"]) == list(actor.aliases)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_parallel_edges_are_kept(fmt):
    graph = read_graph(plain_kb(), fmt)
    assert graph.is_multigraph()
    between = graph.get_edge_data("khalifa-haftar", "italy")
    assert sorted(between) == ["haftar-meets-italy", "haftar-visits-italy"]
    assert between["haftar-visits-italy"]["date_precision"] == "day"
    assert "date" not in between["haftar-meets-italy"]  # missing values are left out


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_hostile_text_keeps_newlines_and_carriage_returns(fmt):
    graph = read_graph(hostile_kb(), fmt)
    name_key = "label" if fmt == "gexf" else "name"
    assert graph.nodes["newline"][name_key] == "first\nsecond\rthird"
    assert graph.nodes["end"][name_key] == "Name " + xml_visible(HOSTILE)
    assert graph.nodes["tab"][name_key] == "\tTab"


def test_gexf_is_version_1_3():
    root = ET.fromstring(single(plain_kb(), "gexf"))
    assert root.tag == "{http://gexf.net/1.3}gexf"
    assert root.get("version") == "1.3"
    graph = root.find("{http://gexf.net/1.3}graph")
    assert graph.get("defaultedgetype") == "directed"
    edge = graph.find("{http://gexf.net/1.3}edges/{http://gexf.net/1.3}edge")
    colour = edge.find("{http://gexf.net/1.3/viz}color")
    assert "#{:02x}{:02x}{:02x}".format(*(int(colour.get(c)) for c in "rgb")) == COLOURS[1]


def test_gexf_colours_every_edge_by_its_relation_and_writes_no_weight():
    kb = v2_kb()
    ns = "{http://gexf.net/1.3}"
    edges = ET.fromstring(single(kb, "gexf")).iter(f"{ns}edge")
    relation_of = {edge_id: relation for edge_id, _, _, relation in graph_edges(kb)}
    for edge in edges:
        colour = edge.find("{http://gexf.net/1.3/viz}color")
        found = "#{:02x}{:02x}{:02x}".format(*(int(colour.get(c)) for c in "rgb"))
        assert found == COLOURS[relation_of[edge.get("id")].polarity]
        # No weight: a signed polarity is no layout weight, so each keeps GEXF's default.
        assert edge.get("weight") is None


def test_graphml_declares_typed_keys():
    root = ET.fromstring(single(plain_kb(), "graphml"))
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    types = {key.get("attr.name"): key.get("attr.type") for key in root.iter(f"{ns}key")}
    assert types["polarity"] == types["fatalities"] == "int"
    assert types["hedges"] == types["participants"] == types["modality"] == "string"
    assert types["summary"] == types["name"] == "string"
    assert root.find(f"{ns}graph").get("edgedefault") == "directed"


# --- dot -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", KBS)
def test_dot_parses_with_labels_and_colours(name):
    kb = KBS[name]
    nodes, edges = parse_dot(single(kb, "dot"))
    assert list(nodes) == [actor.id for actor in kb.actors]
    for actor in kb.actors:
        assert label_text(nodes[actor.id]["label"]) == display(actor.name)
    expected = graph_edges(kb)
    assert len(edges) == len(expected)
    for (edge_id, source, target, relation), found in zip(expected, edges, strict=True):
        assert (found[0], found[1], found[2]["id"]) == (source, target, edge_id)
        assert label_text(found[2]["label"]) == display(edge_label(relation))
        assert found[2]["color"] == COLOURS[relation.polarity]
        assert found[2]["style"] == ("dashed" if relation.status == "past" else "solid")
        # The counts are attributes (numbers), with a tooltip for SVG; not in the label.
        support = origins(kb).support(relation)
        assert (found[2]["sources"], found[2]["origins"]) == (
            str(support.sources),
            str(support.origins),
        )
        assert label_text(found[2]["tooltip"]) == support.describe()


def test_dot_escapes_quotes_and_backslashes():
    text = single(hostile_kb(), "dot")
    assert '"Name He said \\"no\\" \\\\ back <b>&amp;amp; ] [@click=app.quit] \\\\x1b[31m' in text
    # No raw control character or bidi override reaches the file.
    assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text
    # A backslash at the end of a string does not escape the closing quote.
    nodes, _ = parse_dot(text)
    assert label_text(nodes["newline"]["label"]) == "first\\x0asecond\\x0dthird"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("name", KBS)
def test_graphviz_draws_every_label_literally(name):
    kb = KBS[name]
    drawn = subprocess.run(
        ["dot", "-Tsvg"], input=single(kb, "dot").encode(), capture_output=True, timeout=60
    )
    assert (drawn.returncode, drawn.stderr) == (0, b"")
    texts = re.findall(r"<text[^>]*>(.*?)</text>", drawn.stdout.decode(), re.DOTALL)
    shown = {html.unescape(text).strip() for text in texts}
    for actor in kb.actors:
        assert display(actor.name).strip() in shown | {""}


# --- mermaid ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", KBS)
def test_mermaid_parses_with_labels_and_colours(name):
    kb = KBS[name]
    nodes, edges, styles = parse_mermaid(single(kb, "mermaid"))
    # Mermaid rejects an empty label, so a blank name shows the actor id.
    names = [display(a.name) if a.name.strip() else a.id for a in kb.actors]
    assert list(nodes.values()) == names
    node_of = dict(zip((actor.id for actor in kb.actors), nodes, strict=True))
    expected = graph_edges(kb)
    assert len(edges) == len(expected)
    for index, ((_, source, target, relation), edge) in enumerate(
        zip(expected, edges, strict=True)
    ):
        assert (edge["source"], edge["target"]) == (node_of[source], node_of[target])
        assert edge["label"] == display(edge_label(relation, kb))
        assert edge["arrow"] == ("-.->" if relation.status == "past" else "-->")
        assert styles[index] == COLOURS[relation.polarity]
    assert sorted(styles) == list(range(len(expected)))


def test_mermaid_ids_avoid_reserved_words():
    nodes, _, _ = parse_mermaid(single(hostile_kb(), "mermaid"))
    assert "a_end" in nodes and "end" not in nodes
    assert nodes["a_end"] == "Name " + display(HOSTILE)
    assert nodes["a_empty"] == "empty"


# --- markdown --------------------------------------------------------------------------


def test_markdown_briefing_content():
    text = single(plain_kb(), "markdown")
    assert text.startswith("# Stakeholder briefing\n")
    rendered = render_markdown(single(plain_kb(), "markdown"))
    shown = shown_text(rendered)
    assert "4 actors, 4 relations, 0 attributes, 1 stance, 6 quotes from 1 source." in shown
    assert (
        "News24, “Strongman Haftar bolsters stature as key Libya player”, 2017-09-27, Rome" in shown
    )
    assert rendered.count("<h3>") == 4
    assert (
        "person · affiliated with Libyan National Army · also called Haftar, Field Marshal" in shown
    )
    assert "Libyan military strongman." in shown
    assert "Members: Khalifa Haftar" in shown
    assert (
        "→ Khalifa Haftar visits Italy (+1, 2017-09-26, current, stated, 1 source · 1 origin): "
        "Haftar met Italy's defence minister and security chiefs in Rome." in shown
    )
    # Who asserts it and how, in the wording the app uses (tui.wording.qualifiers).
    assert (
        "→ Khalifa Haftar opposes Government of National Accord (-2, 2017, past, per Italy "
        "(attributed), 1 source · 1 origin)" in shown
    )
    assert "← Italy backs Government of National Accord (+2, 2017-09," in shown
    assert "(0, undated, current" in shown
    assert (
        "migration (stated, 1 source · 1 origin): Europe should help stop migrants crossing the "
        "Mediterranean." in shown
    )
    # Each quote is a blockquote with its citation.
    quote = re.search(r"<blockquote>\s*<p>met Italy's.*?</blockquote>", rendered, re.DOTALL)
    assert quote and (
        "(News24, “Strongman Haftar bolsters stature as key Libya player”, 2017-09-27)"
        in quote.group()
    )
    # A relation shows under both of its actors; the stance under its actor.
    assert rendered.count("<blockquote>") == 2 * 5 + 1


def test_markdown_keeps_hostile_text_literal():
    kb = hostile_kb()
    rendered = render_markdown(single(kb, "markdown"))
    # Nothing from the data became markup: only our own headings, lists, bold and quotes.
    for tag in (
        "<em>",
        "<code>",
        "<pre>",
        "<script",
        "<b>",
        "<a ",
        "<ol",
        "<h1>",
        "<del>",
        "<table",
    ):
        assert rendered.count(tag) == (1 if tag == "<h1>" else 0), tag
    assert rendered.count("<h3>") == len(kb.actors)
    stance_and_relation_items = 1 + sum(len(kb.relations_of(a.id)) for a in kb.actors)
    assert rendered.count("<strong>") == stance_and_relation_items
    shown = shown_text(rendered)
    assert "Name " + display(HOSTILE) in shown
    assert "*bold* <script>alert(1)</script> # _x_ `code` [l](u)" in shown
    assert "first\\x0asecond\\x0dthird" in shown
    assert "\x1b" not in single(kb, "markdown")
    # A quote's own lines stay in its blockquote, even one starting like a list or heading.
    assert "second line\\x0d\n- third line" in shown
    assert "  # indented heading\n1. ordered" in shown


def test_markdown_of_an_empty_kb():
    assert single(EMPTY_KB, "markdown") == (
        "# Stakeholder briefing\n\n"
        "0 actors, 0 relations, 0 attributes, 0 stances, 0 quotes from 0 sources.\n\n"
        "## Sources\n\nNo sources.\n\n## Actors\n\nNo actors.\n\n## Contested\n\nNo disputes.\n"
    )


def test_markdown_briefing_v2():
    """Modality, hedges with their cue words, caveats, toll, place, attributes, issues and
    notes, worded as the app words them."""
    rendered = render_markdown(single(v2_kb(), "markdown"))
    shown = shown_text(rendered)
    visible = display(HOSTILE)
    assert "5 relations, 2 attributes, 2 stances, 9 quotes from 1 source." in shown
    assert "copy from AFP · language en · reliability B · retrieved 2017-09-28" in shown
    assert "https://example.org/news?id=1&lang=en#top" in shown
    assert f"Peace force {visible} (id peace-force): A peace force." in shown
    # An offer is an offer: never "mediates".
    assert (
        "Beji Caid Essebsi offers or intends to mediate Rival factions (+1, undated, event, "
        in shown
    )
    assert "an offer or intent, not an act" in shown
    assert "Essebsi mediates" not in shown
    # The strike: both hedges, in the qualifiers and with the words that carry them.
    assert (
        "United States strikes ISIS (-2, 2017-09-24, event, per US military (attributed), "
        "alleged: target, " in shown
    )
    assert (
        "Hedge (alleged: target): “an alleged camp” (Wire, “Haftar in Rome”, 2017-09-27)" in shown
    )
    assert "Toll: 17, “killed 17 people”" in shown
    assert "17 killed" in shown
    # The meeting: its participant, place, verification and caveat.
    assert (
        "Khalifa Haftar meets Roberta Pinotti, with Security chiefs (+1, 2017-09-26, event" in shown
    )
    assert "unconfirmed, 1 caveat, in “Rome”" in shown
    assert "Caveat (the claim is unconfirmed):" in shown
    assert "The meeting was not immediately confirmed by officials" in shown
    assert "Hedge (reported: claim): “reportedly”" in shown
    # A tie with no valence says so; its period is given.
    assert (
        "Fayez al-Sarraj leads Unity government (no valence, undated, past, stated, "
        "2016 to 2018-03, 1 source · 1 origin)" in shown
    )
    # Attributes, stances with their stand, modality and the label.
    assert (
        "Khalifa Haftar bolsters stature (2017-09-26, event, stated, disputed, 1 caveat, "
        "in “Rome”, 1 source · 1 origin)" in shown
    )
    assert "Unity government controls territory (undated, current, stated, in “capital " in shown
    assert (
        f"Peace force {visible} (stand +1, per Italy (attributed), "
        "hypothetical, 1 source · 1 origin): Italy could lead a peace force." in shown
    )
    assert (
        "Mediation (stand -2, 2017-09, stated, an offer or intent, not an act, 1 caveat, "
        "1 source · 1 origin)" in shown
    )
    # Actors: identifiers, posts, the name note, notes.
    assert "wikidata Q1" in shown
    assert "Posts: commander of The army (2014 to …)" in shown
    assert f"Name: Name note {visible}" in shown
    for note in ("Source", "Actor", "Relation", "Attribute", "Stance", "Issue"):
        assert f"Analyst's note: {note} note {visible}" in shown
    # Numbers stay ASCII: no typographic minus.
    assert "\u2212" not in single(v2_kb(), "markdown")
    # Nothing from the data became markup.
    for tag in ("<em>", "<code>", "<pre>", "<script", "<b>", "<a ", "<ol", "<del>", "<table"):
        assert tag not in rendered, tag


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_a_participant_edge_id_never_takes_a_relation_id(fmt):
    """``relation-id#participant`` cannot be a slug, but an in-memory id can be anything:
    a taken id is numbered rather than merging two edges."""
    kb = v2_kb()
    meeting = kb.relation_by_id["haftar-meets-pinotti"]
    squatter = Relation(
        "haftar-meets-pinotti#chiefs", "italy", "gna", "backs", 1, "x", meeting.evidence
    )
    kb = KnowledgeBase(kb.sources, kb.actors, (*kb.relations, squatter), kb.stances)
    edges = edges_by_id(read_graph(kb, fmt))
    assert edges["haftar-meets-pinotti#chiefs"][:2] == ("italy", "gna")
    assert edges["haftar-meets-pinotti#chiefs#2"][:2] == ("haftar", "chiefs")
    assert len(edges) == len(kb.relations) + 1
