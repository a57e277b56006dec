"""Knowledge bases built in memory for the export tests: a plain one, a hostile one, and one
with every field of schema version 2 (hostile text in the new fields).

Evidence offsets are computed here from the source text, as the loader would, so every
fixture honours ``source.text[start:end] == quote``.
"""

from __future__ import annotations

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
    Membership,
    Modality,
    Relation,
    Source,
    Stance,
    Status,
    Verification,
)

# Everything a format could choke on at once: quotes, backslash, markup, an entity, brackets,
# a Textual action, ESC, NUL, a bidi override, a lone surrogate, emoji with joiners, CJK.
HOSTILE = (
    'He said "no" \\ back <b>&amp; ] [@click=app.quit] \x1b[31m \x00 '
    "\u202eevil \ud800 🔥👨\u200d👩\u200d👧 汉字"
)

PLAIN_TEXT = (
    "Strongman Haftar bolsters stature as key Libya player\n"
    "Rome - Libyan strongman Khalifa Haftar met Italy's defence minister and security "
    "chiefs in Rome on Tuesday, officials said.\n"
    "Italy backs the unity government in Tripoli. Haftar, a one-time ally of the GNA, "
    "has hitherto opposed it, according to Italian officials.\n"
    "Haftar also held talks with Italian officials about migration.\n"
    "Haftar wants Europe to help stop migrants crossing the Mediterranean.\n"
)


def locate(source: Source, quote: str, occurrence: int = 1) -> Evidence:
    """Evidence for the ``occurrence``-th appearance of ``quote`` in ``source``."""
    start = -1
    for _ in range(occurrence):
        start = source.text.index(quote, start + 1)
    return Evidence(source.id, quote, start, start + len(quote))


def plain_kb(path: str = "") -> KnowledgeBase:
    news = Source(
        "news24-haftar-rome",
        "Strongman Haftar bolsters stature as key Libya player",
        "News24",
        "2017-09-27T10:00",
        "Rome",
        "news24-haftar-rome.txt",
        PLAIN_TEXT,
    )
    actors = (
        Actor(
            "khalifa-haftar",
            "Khalifa Haftar",
            "person",
            ("Haftar", "Field Marshal"),
            "lna",
            "Libyan military strongman.",
        ),
        Actor("lna", "Libyan National Army", "armed-force"),
        Actor("italy", "Italy", "state"),
        Actor("gna", "Government of National Accord", "government", ("GNA",)),
    )
    relations = (
        Relation(
            "haftar-visits-italy",
            "khalifa-haftar",
            "italy",
            "visits",
            1,
            "Haftar met Italy's defence minister and security chiefs in Rome.",
            (locate(news, "met Italy's defence minister and security chiefs in Rome on Tuesday"),),
            date="2017-09-26",
            date_phrase="on Tuesday",
        ),
        # A second relation between the same pair: a parallel edge.
        Relation(
            "haftar-meets-italy",
            "khalifa-haftar",
            "italy",
            "meets",
            0,
            "Haftar held talks with Italian officials about migration.",
            (locate(news, "Haftar also held talks with Italian officials"),),
        ),
        Relation(
            "italy-backs-gna",
            "italy",
            "gna",
            "backs",
            2,
            "Italy backs the unity government.",
            (locate(news, "Italy backs the unity government in Tripoli"),),
            date="2017-09",
        ),
        Relation(
            "haftar-opposed-gna",
            "khalifa-haftar",
            "gna",
            "opposes",
            -2,
            "Haftar, once an ally, has opposed the GNA.",
            (
                locate(news, "a one-time ally of the GNA"),
                locate(news, "has hitherto opposed it"),
            ),
            date="2017",
            status=Status.PAST,
            asserted_by="italy",
            confidence=Confidence.ATTRIBUTED,
        ),
    )
    stances = (
        Stance(
            "haftar-on-migration",
            "khalifa-haftar",
            "migration",
            "Europe should help stop migrants crossing the Mediterranean.",
            (locate(news, "Haftar wants Europe to help stop migrants crossing the Mediterranean"),),
        ),
    )
    return KnowledgeBase((news,), actors, relations, stances, path=path)


def hostile_kb(path: str = "") -> KnowledgeBase:
    """Hostile text in every field, names that collide or look like formulas, odd ids."""
    quote = f"Quote {HOSTILE}\nsecond line\r\n- third line"
    text = (
        f"Title line\n{quote}\n"
        '=HYPERLINK("http://evil.example","x") says: +1 @SUM(A1) -2 \tTab\n'
        "Line with separators \u2028 and \u2029 and NEL \x85 end\n"
        "  # indented heading\n1. ordered\n"
    )
    source = Source(
        "hostile-source",
        f"Title {HOSTILE}",
        f"=Publisher {HOSTILE}",
        "2020-01-02",
        f"Dateline {HOSTILE}",
        "hostile.txt",
        text,
    )
    actors = (
        Actor(
            "end", f"Name {HOSTILE}", "person", (f"alias|{HOSTILE}", "=alias"), "twin-a", HOSTILE
        ),
        Actor("twin-a", "Twin", "state"),
        Actor("twin-b", " twin ", "state", description="=cmd|' /C calc'!A0"),
        Actor("twin-c", "Twin (twin-a)", "other"),
        Actor("formula", '=HYPERLINK("http://evil.example","x")', "other"),
        Actor("minus", "-2", "other"),
        Actor("plus", "+1", "other"),
        Actor("at", "@SUM(A1)", "other"),
        Actor("tab", "\tTab", "other"),
        Actor("empty", "", "other"),
        Actor("piped", "left|right", "other"),
        Actor("markdown", "*bold* <script>alert(1)</script> # _x_ `code` [l](u)", "other"),
        Actor("newline", "first\nsecond\rthird", "other"),
    )
    relations = (
        Relation(
            "rel-hostile",
            "end",
            "twin-a",
            "other",
            -2,
            f"Summary {HOSTILE} \u2028 split?",
            (locate(source, quote),),
            date="2020-01",
            date_phrase=f"phrase {HOSTILE}",
            asserted_by="markdown",
            confidence=Confidence.ALLEGED,
        ),
        Relation(
            "rel-parallel",
            "end",
            "twin-a",
            "backs",
            2,
            "",
            (
                locate(source, '=HYPERLINK("http://evil.example","x")'),
                locate(source, "+1 @SUM(A1) -2 \tTab"),
            ),
            date="2019",
            status=Status.PAST,
        ),
        Relation(
            "rel-lines",
            "formula",
            "markdown",
            "opposes",
            -1,
            "Line separators",
            (locate(source, "separators \u2028 and \u2029 and NEL \x85"),),
            date="2020-01-02",
        ),
        Relation(
            "rel-self",
            "newline",
            "newline",
            "leads",
            1,
            "A self-loop",
            (locate(source, "  # indented heading\n1. ordered"),),
        ),
        Relation("rel-empty", "empty", "piped", "meets", 0, "x", (locate(source, "Title line"),)),
        Relation(
            "rel-twins",
            "twin-b",
            "twin-c",
            "deals-with",
            1,
            "twins",
            (locate(source, "Title line"),),
            date="2020-01-02",
        ),
    )
    stances = (
        Stance(
            "stance-hostile",
            "end",
            f"issue|{HOSTILE}",
            f"Position {HOSTILE}",
            (locate(source, quote), locate(source, "second line")),
        ),
    )
    return KnowledgeBase((source,), actors, relations, stances, path=path)


EMPTY_KB = KnowledgeBase((), (), (), ())


V2_TEXT = (
    "Rome - Haftar met the minister and the security chiefs in Rome on Tuesday.\n"
    "The meeting was not immediately confirmed by officials; reporters said he stayed.\n"
    "Drone strikes killed 17 people at an alleged camp, according to the military.\n"
    "Essebsi offered to act as a mediator between the factions.\n"
    "Italy has said it could lead a peace force.\n"
    "Sarraj heads the government. Italy has reportedly dealt with militias.\n"
    "Haftar, commander of the army, bolsters his stature.\n"
    f"Hostile: {HOSTILE}\n"
)
V2_URL = "https://example.org/news?id=1&lang=en#top"


def v2_kb(path: str = "") -> KnowledgeBase:
    """Every version 2 field: events with participants, hedges, caveats, a toll, a place; an
    offer; a tie with no valence; attributes; issues; stances with a stand and a modality.
    The new free-text fields (notes, a place, an issue label, a hedge's actor) are hostile."""
    source = Source(
        "v2-source",
        "Haftar in Rome",
        "Wire",
        "2017-09-27T10:00",
        "Rome",
        "v2.txt",
        V2_TEXT,
        url=V2_URL,
        origin="AFP",
        byline="A. Reporter",
        language="en",
        retrieved="2017-09-28",
        reliability="B",
        sha256="0" * 64,
        notes=f"Source note {HOSTILE}",
    )

    def at(quote: str) -> Evidence:
        return locate(source, quote)

    actors = (
        Actor(
            "haftar",
            "Khalifa Haftar",
            "person",
            ("Haftar",),
            "army",
            identifiers=(("wikidata", "Q1"),),
            memberships=(Membership("army", "commander", "2014", None, (at("commander"),)),),
            name_note=f"Name note {HOSTILE}",
            notes=f"Actor note {HOSTILE}",
        ),
        Actor("army", "The army", "armed-force"),
        Actor("pinotti", "Roberta Pinotti", "person"),
        Actor("chiefs", "Security chiefs", "other"),
        Actor("us", "United States", "state"),
        Actor("military", "US military", "armed-force", affiliation="us"),
        Actor("isis", "ISIS", "armed-group"),
        Actor("essebsi", "Beji Caid Essebsi", "person"),
        Actor("factions", "Rival factions", "other"),
        Actor("italy", "Italy", "state"),
        Actor("sarraj", "Fayez al-Sarraj", "person"),
        Actor("gna", "Unity government", "government"),
        Actor("militias", "Militias", "armed-group"),
        Actor("reporters", f"Reporters {HOSTILE}", "media"),
    )
    relations = (
        Relation(
            "haftar-meets-pinotti",
            "haftar",
            "pinotti",
            "meets",
            1,
            "Haftar met the minister and the security chiefs in Rome.",
            (at("Haftar met the minister and the security chiefs in Rome on Tuesday"),),
            date="2017-09-26",
            date_phrase="on Tuesday",
            status=None,
            kind=ClaimKind.EVENT,
            participants=("chiefs",),
            hedges=(
                Hedge("claim", Confidence.ATTRIBUTED, at("reporters said he stayed"), "reporters"),
            ),
            caveats=(at("The meeting was not immediately confirmed by officials"),),
            verification=Verification.UNCONFIRMED,
            location=Location("Rome", 41.9, 12.5, "geonames:3169070"),
            reported="2017-09-27",
            notes=f"Relation note {HOSTILE}",
        ),
        Relation(
            "us-strikes-isis",
            "us",
            "isis",
            "strikes",
            -2,
            "US drone strikes killed 17 people at an alleged camp.",
            (at("Drone strikes killed 17 people at an alleged camp, according to the military"),),
            date="2017-09-24",
            status=None,
            asserted_by="military",
            confidence=Confidence.ATTRIBUTED,
            kind=ClaimKind.EVENT,
            hedges=(
                Hedge("claim", Confidence.ATTRIBUTED, at("according to the military"), "military"),
                Hedge("target", Confidence.ALLEGED, at("an alleged camp")),
            ),
            location=Location(f"camp {HOSTILE}"),
            fatalities=Fatalities(17, at("killed 17 people")),
        ),
        Relation(
            "essebsi-offers-mediation",
            "essebsi",
            "factions",
            "mediates",
            1,
            "Essebsi offered to mediate.",
            (at("Essebsi offered to act as a mediator between the factions"),),
            status=None,
            kind=ClaimKind.EVENT,
            modality=Modality.INTENT,
        ),
        Relation(
            "sarraj-leads-gna",
            "sarraj",
            "gna",
            "leads",
            None,
            "Sarraj heads the government.",
            (at("Sarraj heads the government"),),
            valid_from="2016",
            valid_to="2018-03",
            status=Status.PAST,
        ),
        Relation(
            "italy-deals-with-militias",
            "italy",
            "militias",
            "deals-with",
            1,
            "Italy has reportedly dealt with militias.",
            (at("Italy has reportedly dealt with militias"),),
            date="2017",
            confidence=Confidence.REPORTED,
            hedges=(Hedge("claim", Confidence.REPORTED, at("reportedly")),),
        ),
    )
    attributes = (
        Attribute(
            "haftar-bolsters-stature",
            "haftar",
            "bolsters-stature",
            f"Haftar bolsters his stature {HOSTILE}",
            (at("Haftar, commander of the army, bolsters his stature"),),
            kind=ClaimKind.EVENT,
            date="2017-09-26",
            status=None,
            caveats=(at(f"Hostile: {HOSTILE}"),),
            verification=Verification.DISPUTED,
            location=Location("Rome"),
            notes=f"Attribute note {HOSTILE}",
        ),
        Attribute(
            "gna-controls",
            "gna",
            "controls-territory",
            "The government holds the capital.",
            (at("the government"),),
            location=Location(f"capital {HOSTILE}"),
        ),
    )
    stances = (
        Stance(
            "italy-peace-force",
            "italy",
            "peace-force",
            "Italy could lead a peace force.",
            (at("Italy has said it could lead a peace force"),),
            stand=1,
            asserted_by="italy",
            confidence=Confidence.ATTRIBUTED,
            modality=Modality.HYPOTHETICAL,
            hedges=(Hedge("claim", Confidence.ATTRIBUTED, at("has said"), "italy"),),
            notes=f"Stance note {HOSTILE}",
        ),
        Stance(
            "essebsi-mediation",
            "essebsi",
            "mediation",
            "Essebsi offered to mediate.",
            (at("offered to act as a mediator"),),
            stand=-2,
            date="2017-09",
            modality=Modality.INTENT,
            caveats=(at("between the factions"),),
        ),
    )
    issues = (
        Issue("peace-force", f"Peace force {HOSTILE}", "A peace force.", f"Issue note {HOSTILE}"),
        Issue("mediation", "Mediation"),
    )
    return KnowledgeBase(
        (source,), actors, relations, stances, path, issues=issues, attributes=attributes
    )


def graph_edges(kb: KnowledgeBase) -> list[tuple[str, str, str, Relation]]:
    """The edges a graph export should hold, as (id, source, target, relation): each
    relation's own edge, then one from its source to each further party of its event (a
    participant that is also its source or target is already an end of its own edge)."""
    edges = []
    for relation in kb.relations:
        edges.append((relation.id, relation.source, relation.target, relation))
        for party in dict.fromkeys(relation.participants):
            if party not in (relation.source, relation.target):
                edges.append((f"{relation.id}#{party}", relation.source, party, relation))
    return edges


# Table-breaking text on top of HOSTILE: pipes, an escaped pipe, a newline, a row that looks
# like a table's delimiter, a heading and a list marker.
TABLE_HOSTILE = f"a | b || c \\| d\n|---|---|\n# head\n- item {HOSTILE}"

DISPUTED_TEXTS = {
    "wire": (
        f"Wire copy. Strikes on Sunday killed 17 | per officials {TABLE_HOSTILE}.\n"
        "The minister backs the plan.\n"
    ),
    "herald": (
        f"Herald. Strikes on Friday killed 17 militants {TABLE_HOSTILE}.\n"
        "The minister opposes the plan.\n"
    ),
}


def disputed_kb(path: str = "") -> KnowledgeBase:
    """Two sources that disagree, in hostile words: the same strikes dated differently (a
    candidate), a stance taken both ways (a candidate), and a pair of ties marked both true
    (decided, so not contested). Hostile text wherever the Contested section shows data."""
    sources = tuple(
        Source(
            source_id,
            f"Title {source_id} {TABLE_HOSTILE}",
            f"Publisher {source_id} | {HOSTILE}",
            published,
            None,
            f"{source_id}.txt",
            DISPUTED_TEXTS[source_id],
        )
        for source_id, published in (("wire", "2017-09-27T10:00"), ("herald", "2017-09-28"))
    )
    wire, herald = sources
    actors = (
        Actor("us", f"Name | {HOSTILE}", "state"),
        Actor("isis", "*ISIS* <b>x</b> `y`", "armed-group"),
        Actor("military", f"Military {TABLE_HOSTILE}", "armed-force"),
        Actor("minister", "Minister", "person"),
    )
    relations = (
        Relation(
            "strikes-sunday",
            "us",
            "isis",
            f"strikes|{HOSTILE}",
            -2,
            f"Summary {TABLE_HOSTILE}",
            (locate(wire, f"Strikes on Sunday killed 17 | per officials {TABLE_HOSTILE}"),),
            date="2017-09-24",
            date_phrase=f"on Sunday {TABLE_HOSTILE}",
            status=None,
            kind=ClaimKind.EVENT,
            asserted_by="military",
            confidence=Confidence.ATTRIBUTED,
        ),
        Relation(
            "strikes-friday",
            "us",
            "isis",
            f"strikes|{HOSTILE}",
            -2,
            "",
            (locate(herald, f"Strikes on Friday killed 17 militants {TABLE_HOSTILE}"),),
            date="2017-09-22",
            status=None,
            kind=ClaimKind.EVENT,
        ),
        Relation(
            "minister-backs-us",
            "minister",
            "us",
            "backs",
            1,
            "Backs.",
            (locate(wire, "The minister backs the plan"),),
            consistent_with=("minister-opposes-us",),
        ),
        Relation(
            "minister-opposes-us",
            "minister",
            "us",
            "opposes",
            -1,
            "Opposes.",
            (locate(herald, "The minister opposes the plan"),),
        ),
    )
    stances = (
        Stance(
            "minister-for",
            "minister",
            "plan",
            f"For {TABLE_HOSTILE}",
            (locate(wire, "The minister backs the plan"),),
            stand=2,
        ),
        Stance(
            "minister-against",
            "minister",
            "plan",
            f"Against {TABLE_HOSTILE}",
            (locate(herald, "The minister opposes the plan"),),
            stand=-2,
            asserted_by="military",
        ),
    )
    issues = (Issue("plan", f"Plan | {TABLE_HOSTILE}"),)
    return KnowledgeBase(sources, actors, relations, stances, path, issues=issues)
