"""Exports of a knowledge base with several sources (issue 19): every format carries how many
sources and independent origins back each claim, the decisions on disputes, and the Markdown
briefing's Contested section lists what is still in dispute, quotes side by side.

The knowledge base is tests/many_sources.py's: the bundled article, a syndicated copy of it,
an independent report that dates the US strikes on Friday, and a later report whose claim
supersedes the Sunday date.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import networkx as nx
import pytest

from tests import many_sources
from tests.export_fixtures import HOSTILE, TABLE_HOSTILE, disputed_kb
from tests.export_parsers import (
    label_text,
    parse_dot,
    parse_mermaid,
    render_markdown,
    shown_text,
)
from tui.corroboration import origins
from tui.export import FORMATS, export
from tui.loader import load_knowledge_base
from tui.model import KnowledgeBase
from tui.sanitize import display
from tui.wording import modal_phrase

MEETING = "haftar-meets-pinotti"
PARTICIPANT_EDGE = f"{MEETING}#italian-security-chiefs"
STRIKE, HERALD, CORRECTED = "us-strikes-isis", "us-strikes-isis-herald", "us-strikes-isis-corrected"
BUNDLED_STRIKE_QUOTE = (
    "US drone strikes launched from Italy on Sunday killed 17 people at an alleged ISIS "
    "transit camp south of the city of Sirte, according to the US military"
)


def loaded(copy, **options) -> KnowledgeBase:
    return load_knowledge_base(many_sources.build(copy, **options))


def single(kb: KnowledgeBase, fmt: str) -> str:
    return export(kb, fmt)[""]


def json_claims(kb: KnowledgeBase) -> dict[str, dict]:
    data = json.loads(single(kb, "json"))
    claims = data["relations"] + data["attributes"] + data["stances"]
    return {claim["id"]: claim for claim in claims}


def connections(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(export(kb, "csv")["-connections.csv"], newline=""))
    return {row["ID"]: row for row in rows}


def events(kb: KnowledgeBase) -> dict[str, dict]:
    lines = [json.loads(line) for line in single(kb, "events").splitlines()]
    return {line["relation"] or line["attribute"]: line for line in lines}


def counts(found: dict, keys: tuple[str, str] = ("sources", "origins")) -> tuple:
    return tuple(found[key] for key in keys)


# --- counts: the meeting, quoted in the article, its copy and an independent report -------


@pytest.fixture
def kb(copy) -> KnowledgeBase:
    return loaded(copy)


def test_the_meeting_counts_three_sources_and_two_origins_in_json_csv_and_events(kb):
    assert counts(json_claims(kb)[MEETING]) == (3, 2)
    rows = connections(kb)
    assert counts(rows[MEETING], ("Sources", "Origins")) == ("3", "2")
    # The participant's edge is the same claim: the same counts.
    assert counts(rows[PARTICIPANT_EDGE], ("Sources", "Origins")) == ("3", "2")
    assert counts(events(kb)[MEETING]) == (3, 2)
    # A claim with one quote: one source, one origin, everywhere.
    assert counts(json_claims(kb)[STRIKE]) == (1, 1)
    assert counts(rows[STRIKE], ("Sources", "Origins")) == ("1", "1")


def test_a_copy_that_does_not_say_so_counts_as_an_origin_of_its_own(copy):
    kb = loaded(copy, copy_says_so=False)
    assert counts(json_claims(kb)[MEETING]) == (3, 3)
    assert counts(connections(kb)[MEETING], ("Sources", "Origins")) == ("3", "3")
    assert counts(events(kb)[MEETING]) == (3, 3)


def test_without_the_independent_report_the_copy_adds_no_origin(copy):
    kb = loaded(copy, with_herald_meeting=False)
    assert counts(json_claims(kb)[MEETING]) == (2, 1)
    assert counts(events(kb)[MEETING]) == (2, 1)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_edges_carry_the_counts_as_integers(kb, fmt):
    document = io.BytesIO(single(kb, fmt).encode("utf-8"))
    if fmt == "gexf":
        graph = nx.read_gexf(document, version="1.3")
    else:
        graph = nx.read_graphml(document, edge_key_type=str)
    edges = {key: data for _, _, key, data in graph.edges(keys=True, data=True)}
    for edge_id in (MEETING, PARTICIPANT_EDGE):
        assert (edges[edge_id]["sources"], edges[edge_id]["origins"]) == (3, 2)
        assert type(edges[edge_id]["sources"]) is int
    assert (edges[STRIKE]["sources"], edges[STRIKE]["origins"]) == (1, 1)


def test_dot_carries_the_counts_as_attributes_and_keeps_its_label(kb):
    _, edges = parse_dot(single(kb, "dot"))
    meeting = next(found for _, _, found in edges if found["id"] == MEETING)
    assert (meeting["sources"], meeting["origins"]) == ("3", "2")
    assert label_text(meeting["tooltip"]) == "3 sources · 2 origins"
    assert label_text(meeting["label"]) == "meets (+1, unconfirmed)"


def test_mermaid_carries_the_counts_in_the_label(kb):
    _, edges, _ = parse_mermaid(single(kb, "mermaid"))
    labels = [edge["label"] for edge in edges]
    assert labels.count("meets (+1, unconfirmed, 3 sources · 2 origins)") == 2  # and participant


def test_markdown_gives_the_counts_in_each_claim_line(kb):
    shown = shown_text(render_markdown(single(kb, "markdown")))
    assert shown.count("unconfirmed, 1 caveat, in “Rome”, 3 sources · 2 origins)") == 3
    # The copy says what it copies, in the list of sources.
    assert "(id daily-example-copy) · a copy of news24-haftar-rome" in shown


def test_annotations_of_the_meeting_carry_its_counts(kb):
    items = json.loads(single(kb, "annotations"))["first"]["items"]
    meeting = [item for item in items if f"relation/{MEETING}/" in item["id"]]
    claim = kb.relation_by_id[MEETING]
    assert len({evidence.source for evidence in claim.evidence}) == 3
    # Its quotes, and the words that hedge it and its caveat: all carry the counts.
    assert len(meeting) == len(claim.evidence) + len(claim.hedges) + len(claim.caveats)
    for item in meeting:
        support = [body for body in item["body"] if body.get("value") == "3 sources · 2 origins"]
        assert support == [
            {
                "type": "TextualBody",
                "purpose": "assessing",
                "format": "text/plain",
                "value": "3 sources · 2 origins",
            }
        ]
        assert item["body"][-1]["purpose"] == "tagging"  # the tag stays last


def test_json_and_events_carry_sources_syndication_and_the_decisions(kb):
    data = json.loads(single(kb, "json"))
    sources = {source["id"]: source for source in data["sources"]}
    assert sources[many_sources.COPY]["syndicated_from"] == "news24-haftar-rome"
    assert sources[many_sources.INDEPENDENT]["syndicated_from"] is None
    claims = json_claims(kb)
    assert claims[CORRECTED]["supersedes"] == STRIKE
    assert (claims[STRIKE]["supersedes"], claims[STRIKE]["contradicts"]) == (None, [])
    assert claims[STRIKE]["consistent_with"] == []
    lines = events(kb)
    assert lines[CORRECTED]["supersedes"] == STRIKE
    assert lines[HERALD]["contradicts"] == [] and lines[HERALD]["supersedes"] is None
    # Every claim carries them, attributes and stances too, after the older keys.
    for claim in data["relations"] + data["attributes"] + data["stances"]:
        assert list(claim)[-5:] == [
            "sources",
            "origins",
            "contradicts",
            "supersedes",
            "consistent_with",
        ]
        assert claim["sources"] >= claim["origins"] >= 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_export_of_many_sources_says_none(kb, fmt):
    for text in export(kb, fmt).values():
        assert "None" not in text


# --- the Contested section -------------------------------------------------------------


def contested_part(markdown: str) -> str:
    """The Markdown from the Contested heading on: the last section of the briefing."""
    head = markdown.index("\n## Contested\n")
    assert markdown.index("\n## Actors\n") < head
    return markdown[head:]


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table of rendered Markdown, as rows of cells as a reader sees them."""
    found = []
    for table in re.findall(r"<table>(.*?)</table>", render_markdown(markdown), re.DOTALL):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
        cells = (re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL) for row in rows)
        found.append([[shown_text(cell) for cell in row] for row in cells])
    return found


def test_contested_lists_the_date_dispute_with_both_quotes(kb):
    part = contested_part(single(kb, "markdown"))
    shown = shown_text(render_markdown(part))
    assert "1 open dispute (" in shown
    assert "1. The same strikes event dated 2017-09-24 and 2017-09-22 (dated differently; open" in (
        shown
    )
    [table] = tables(part)
    assert table[0] == ["", f"relation {STRIKE}", f"relation {HERALD}"]
    rows = {row[0]: row[1:] for row in table[1:]}
    assert list(rows) == ["Claim", "Who says it", "When", "Support", "Quotes"]
    assert rows["Who says it"] == [
        "US military (attributed), reported by News24",
        "US military (attributed), reported by Example Herald",
    ]
    assert rows["When"] == [
        "2017-09-24 (“on Sunday”); published 2017-09-27",
        "2017-09-22 (“on Friday”); published 2017-09-28",
    ]
    assert rows["Support"] == ["1 source · 1 origin", "1 source · 1 origin"]
    first, second = rows["Quotes"]
    assert f"“{BUNDLED_STRIKE_QUOTE}” (News24, " in first
    assert second == (
        f"“{many_sources.HERALD_STRIKES}” (Example Herald, “Libyan commander holds Rome talks”, "
        "2017-09-28)"
    )
    assert rows["Claim"][0].startswith("United States strikes Islamic State (ISIS) (-2): ")


def test_contested_does_not_list_the_superseded_pair_but_counts_it(kb):
    part = contested_part(single(kb, "markdown"))
    assert CORRECTED not in part
    shown = shown_text(render_markdown(part))
    assert "Decided by the analyst, so not listed: 1 supersession, 0 pairs marked both true." in (
        shown
    )
    # The superseded claim says so where it is listed, under its actors.
    briefing = shown_text(render_markdown(single(kb, "markdown")))
    assert briefing.count(f"Disputes: superseded by {CORRECTED}") == 2
    assert briefing.count(f"Disputes: supersedes {STRIKE}") == 2


def test_without_the_supersession_the_later_report_is_a_dispute_too(copy):
    kb = loaded(copy, supersede=False)
    part = contested_part(single(kb, "markdown"))
    assert "2 open disputes (" in shown_text(render_markdown(part))
    assert [table[0][1:] for table in tables(part)] == [
        [f"relation {STRIKE}", f"relation {HERALD}"],
        [f"relation {STRIKE}", f"relation {CORRECTED}"],
    ]
    assert "0 supersessions, 0 pairs marked both true" in part


def mark(copy, field: str) -> KnowledgeBase:
    """The many-sources knowledge base with the Herald's strike marked ``field`` the
    bundled one (a decision of the disputes view)."""
    path = many_sources.build(copy)
    text = path.read_text(encoding="utf-8")
    anchor = f"  - id: {HERALD}\n"
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, f"{anchor}    {field}: [{STRIKE}]\n"), encoding="utf-8")
    return load_knowledge_base(path)


def test_a_pair_marked_as_a_conflict_stays_listed(copy):
    kb = mark(copy, "contradicts")
    part = contested_part(single(kb, "markdown"))
    shown = shown_text(render_markdown(part))
    assert "1 open dispute (" in shown
    assert "(dated differently; a conflict: both kept, each attributed)" in shown
    [table] = tables(part)
    assert table[0] == ["", f"relation {HERALD}", f"relation {STRIKE}"]
    assert json_claims(kb)[HERALD]["contradicts"] == [STRIKE]
    assert events(kb)[HERALD]["contradicts"] == [STRIKE]


def test_a_pair_marked_both_true_is_counted_not_listed(copy):
    kb = mark(copy, "consistent_with")
    part = contested_part(single(kb, "markdown"))
    assert "No open disputes." in part
    assert "Decided by the analyst, so not listed: 1 supersession, 1 pair marked both true." in (
        part
    )
    assert tables(part) == []
    assert json_claims(kb)[HERALD]["consistent_with"] == [STRIKE]


def test_the_bundled_briefing_says_there_are_no_disputes():
    from tui.loader import bundled_knowledge_base_path

    kb = load_knowledge_base(bundled_knowledge_base_path())
    assert single(kb, "markdown").endswith("\n\n## Contested\n\nNo disputes.\n")


# --- hostile text in the Contested section ---------------------------------------------


def test_contested_tables_keep_hostile_text_in_its_cells():
    kb = disputed_kb()
    markdown = single(kb, "markdown")
    part = contested_part(markdown)
    rendered = render_markdown(markdown)
    # Nothing from the data became markup: two tables of ours, and no other element.
    for tag in ("<em>", "<code>", "<pre>", "<script", "<b>", "<a ", "<ol", "<del>", "<h1>"):
        assert rendered.count(tag) == (1 if tag == "<h1>" else 0), tag
    assert "\x1b" not in markdown and "\x00" not in markdown and "\u202e" not in markdown
    found = tables(part)
    assert len(found) == rendered.count("<table>") == 2
    for table in found:
        # A header and five rows of exactly three cells: no pipe or newline split one.
        assert [len(row) for row in table] == [3] * 6
    strikes, stances = ({row[0]: row[1:] for row in table[1:]} for table in found)
    wire, herald = kb.sources
    sunday, friday = kb.relation_by_id["strikes-sunday"], kb.relation_by_id["strikes-friday"]

    def cited(quote: str, source) -> str:
        return (
            f"“{display(quote)}” ({display(source.publisher)}, “{display(source.title)}”, "
            f"{source.published_date})"
        )

    assert strikes["Quotes"] == [
        cited(sunday.evidence[0].quote, wire),
        cited(friday.evidence[0].quote, herald),
    ]
    names = {actor.id: display(actor.name) for actor in kb.actors}
    verb = display(modal_phrase(friday.type, friday.modality))
    assert strikes["Claim"] == [
        f"{names['us']} {verb} {names['isis']} (-2): {display(sunday.summary)}",
        f"{names['us']} {verb} {names['isis']} (-2)",
    ]
    assert strikes["Who says it"] == [
        f"{names['military']} (attributed), reported by {display(wire.publisher)}",
        display(herald.publisher),
    ]
    assert strikes["When"][0] == (
        f"2017-09-24 (“{display(sunday.date_phrase)}”); published 2017-09-27"
    )
    label = display(kb.issue_by_id["plan"].label)
    assert stances["Claim"] == [
        f"Minister on {label} (stand +2): For {display(TABLE_HOSTILE)}",
        f"Minister on {label} (stand -2): Against {display(TABLE_HOSTILE)}",
    ]
    # The dispute's reason holds the relation's type: escaped too.
    assert f"The same {display(friday.type)} event dated 2017-09-24 and 2017-09-22" in (
        shown_text(render_markdown(part))
    )
    # The pair marked both true is counted, not listed.
    assert "0 supersessions, 1 pair marked both true." in part
    assert display(HOSTILE) in shown_text(rendered)


def test_the_hostile_disputes_read_back_in_every_format():
    kb = disputed_kb()
    claims = json_claims(kb)
    assert claims["minister-backs-us"]["consistent_with"] == ["minister-opposes-us"]
    assert counts(claims["strikes-sunday"]) == (1, 1)
    support = origins(kb).support(kb.relation_by_id["strikes-friday"])
    assert (support.sources, support.origins) == (1, 1)
    rows = connections(kb)
    assert counts(rows["strikes-friday"], ("Sources", "Origins")) == ("1", "1")
    for fmt in FORMATS:
        for text in export(kb, fmt).values():
            text.encode("utf-8")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_takes_the_count_attributes_and_shows_the_tooltip(kb):
    drawn = subprocess.run(
        ["dot", "-Tsvg"], input=single(kb, "dot").encode(), capture_output=True, timeout=60
    )
    assert (drawn.returncode, drawn.stderr) == (0, b"")
    assert drawn.stdout.decode().count("3 sources · 2 origins") == 2  # the meeting's two edges
