"""Knowledge bases built in memory for the export tests: a plain one and a hostile one.

Evidence offsets are computed here from the source text, as the loader would, so every
fixture honours ``source.text[start:end] == quote``.
"""

from __future__ import annotations

from tui.model import (
    Actor,
    Confidence,
    Evidence,
    KnowledgeBase,
    Relation,
    Source,
    Stance,
    Status,
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
