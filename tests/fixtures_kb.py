"""Small knowledge bases for the explorer UI tests, built straight from the model.

``explorer_kb()`` has what the panes must show: outgoing and incoming relations, several
relations between one pair, dates of day, month and year precision and undated ones, past
and current status, attributed and reported claims, a relation with three quotes, stances,
members of an actor, and a name too long for the actor list. ``hostile_kb()`` adds a source
whose quote is made of markup, an action link and an escape character.
"""

from __future__ import annotations

from tui.model import (
    EVENT_TYPES,
    Actor,
    ClaimKind,
    Confidence,
    Evidence,
    KnowledgeBase,
    Relation,
    Source,
    Stance,
    Status,
)


def as_v1(type_: str, extra: dict) -> dict:
    """A relation's fields as a version 1 file gives them: an event type makes an event,
    and an event has no status (the loader reads v1 files this way)."""
    if "kind" in extra or type_ not in EVENT_TYPES:
        return extra
    return {**extra, "kind": ClaimKind.EVENT, "status": None}


ARTICLE = (
    "Strongman Haftar bolsters stature as key Libya player\n"
    "\n"
    "Rome - Libyan military strongman Khalifa Haftar met Italy's defence minister and "
    "security chiefs in Rome on Tuesday, bolstering his stature as a key player in "
    "international efforts to stabilise his troubled country.\n"
    "\n"
    "Former colonial power Italy has hitherto been the strongest backer among Western allies "
    "for the UN-recognised Government of National Unity, which is based in Tripoli and sees "
    "Haftar as an arch foe.\n"
    "\n"
    "But that did not prevent Defence Minister Roberta Pinotti from hosting the commander.\n"
    "\n"
    "Amid the chaos, Libya has become a launchpad for hundreds of thousands of migrants "
    "trying to reach Europe.\n"
    "\n"
    "US drone strikes launched from Italy on Sunday killed 17 people at an alleged ISIS "
    "transit camp south of the city of Sirte, according to the US military.\n"
    "\n"
    "At surprise talks in Paris in July, Haftar and the unity government's head, Prime "
    "Minister Fayez al-Sarraj, agreed to a ceasefire and elections in the first half of next "
    "year.\n"
    "\n"
    "Italy has invested heavily in Sarraj's fledgling government and has said it could lead "
    "a post-stabilisation peace force in its former colony.\n"
    "\n"
    "But it has grown frustrated by the weakness of the administration and has reportedly "
    "recently turned to dealing directly with militia groups.\n"
    "\n"
    + "".join(
        f"Paragraph {n} of background on the conflict and its many players.\n\n"
        for n in range(1, 31)
    )
    + "\"Remember the threats he (Haftar) made in August about Italian ships, they've all but "
    'disappeared now."\n'
)

HOSTILE_TEXT = (
    "Wire copy\n"
    "The aide said: [Minister] ordered it [/] then [@click=app.quit]quit[/] and \x1b[2Jwiped.\n"
)
HOSTILE_QUOTE = "[Minister] ordered it [/] then [@click=app.quit]quit[/] and \x1b[2Jwiped."

LONG_NAME = "Coalition of the Municipal Councils of the Southern Fezzan and the Oases"


def _evidence(source: Source, quote: str) -> Evidence:
    start = source.text.index(quote)
    return Evidence(source.id, quote, start, start + len(quote))


def _article() -> Source:
    return Source(
        "news24-haftar-rome",
        "Strongman Haftar bolsters stature as key Libya player",
        "News24",
        "2017-09-27T10:00",
        "Rome",
        "sources/news24-haftar-rome.txt",
        ARTICLE,
    )


def explorer_kb() -> KnowledgeBase:
    return _build(_article(), extra_sources=())


def hostile_kb() -> KnowledgeBase:
    """The explorer base plus an actor whose only relation is backed by a hostile quote."""
    wire = Source("wire", "Wire [b]copy[/b]", "Wire", "2020-01-02", None, "wire.txt", HOSTILE_TEXT)
    return _build(_article(), extra_sources=(wire,))


def _build(article: Source, extra_sources: tuple[Source, ...]) -> KnowledgeBase:
    actors = [
        Actor(
            "khalifa-haftar",
            "Khalifa Haftar",
            "person",
            ("Haftar", "the commander"),
            "lna",
            "Libyan military strongman whose forces control much of the east.",
        ),
        Actor("lna", "Libyan National Army", "armed-force", ("Haftar's forces",)),
        Actor("gna", "Government of National Unity", "government", ("unity government",)),
        Actor("fayez-sarraj", "Fayez al-Sarraj", "person", ("Sarraj",), "gna"),
        Actor("italy", "Italy", "state", (), None, "Former colonial power in Libya."),
        Actor("roberta-pinotti", "Roberta Pinotti", "person", ("Pinotti",), "italy"),
        Actor("us-military", "US military", "armed-force"),
        Actor("isis", "Islamic State", "armed-group", ("ISIS",)),
        Actor("militias", "Militia groups", "armed-group"),
        Actor("fezzan-councils", LONG_NAME, "organisation"),
    ]

    def relation(rid, source, target, type_, polarity, summary, quotes, **extra) -> Relation:
        found = tuple(_evidence(article, quote) for quote in quotes)
        return Relation(rid, source, target, type_, polarity, summary, found, **as_v1(type_, extra))

    relations = [
        relation(
            "haftar-visits-italy",
            "khalifa-haftar",
            "italy",
            "visits",
            1,
            "Haftar met Italy's defence minister and security chiefs in Rome.",
            ["met Italy's defence minister and security chiefs in Rome on Tuesday"],
            date="2017-09-26",
            date_phrase="on Tuesday",
        ),
        relation(
            "haftar-threatens-italy",
            "khalifa-haftar",
            "italy",
            "threatens",
            -2,
            "Haftar threatened Italian ships.",
            ["Remember the threats he (Haftar) made in August about Italian ships"],
            date="2017-08",
            date_phrase="in August",
            status=Status.PAST,
            asserted_by="italy",
            confidence=Confidence.ATTRIBUTED,
        ),
        relation(
            "pinotti-hosts-haftar",
            "roberta-pinotti",
            "khalifa-haftar",
            "hosts",
            1,
            "Pinotti hosted the commander.",
            ["Defence Minister Roberta Pinotti from hosting the commander"],
            date="2017-09-26",
        ),
        relation(
            "italy-backs-gna",
            "italy",
            "gna",
            "backs",
            2,
            "Italy has been the GNU's strongest Western backer.",
            [
                "Italy has hitherto been the strongest backer among Western allies",
                "Italy has invested heavily in Sarraj's fledgling government",
                "could lead a post-stabilisation peace force",
            ],
        ),
        relation(
            "gna-opposes-haftar",
            "gna",
            "khalifa-haftar",
            "opposes",
            -2,
            "The GNU sees Haftar as an arch foe.",
            ["sees Haftar as an arch foe"],
            date="2017",
        ),
        relation(
            "haftar-agrees-sarraj",
            "khalifa-haftar",
            "fayez-sarraj",
            "agrees",
            1,
            "Haftar and Sarraj agreed to a ceasefire and elections.",
            ["agreed to a ceasefire and elections in the first half of next year"],
            date="2017-07",
            date_phrase="in July",
        ),
        relation(
            "us-strikes-isis",
            "us-military",
            "isis",
            "strikes",
            -2,
            "US drones struck an ISIS camp near Sirte.",
            ["US drone strikes launched from Italy on Sunday killed 17 people"],
            date="2017-09-24",
            asserted_by="us-military",
            confidence=Confidence.ATTRIBUTED,
        ),
        relation(
            "italy-deals-with-militias",
            "italy",
            "militias",
            "deals-with",
            0,
            "Italy deals directly with militia groups.",
            ["reportedly recently turned to dealing directly with militia groups"],
            confidence=Confidence.REPORTED,
        ),
    ]
    stances = [
        Stance(
            "italy-on-peace-force",
            "italy",
            "peace-force",
            "Could lead a post-stabilisation peace force.",
            (_evidence(article, "could lead a post-stabilisation peace force"),),
        ),
    ]
    for wire in extra_sources:
        actors.append(Actor("aide", "[Minister] aide", "person", ("[@click=app.quit]",)))
        relations.append(
            Relation(
                "aide-speaks-for-italy",
                "aide",
                "italy",
                "speaks-for",
                0,
                "The aide [b]spoke[/b].",
                (_evidence(wire, HOSTILE_QUOTE),),
            )
        )
    return KnowledgeBase(
        (article, *extra_sources),
        tuple(actors),
        tuple(relations),
        tuple(stances),
        path="explorer.yaml",
    )


def many_actors_kb(count: int) -> KnowledgeBase:
    """A base of ``count`` actors and one relation, for the actor list at scale."""
    article = _article()
    quote = _evidence(article, "sees Haftar as an arch foe")
    kinds = ("person", "state", "armed-group", "organisation")
    actors = tuple(
        Actor(f"actor-{n:05d}", f"Actor {n:05d}", kinds[n % len(kinds)]) for n in range(count)
    )
    relations = (Relation("r", "actor-00000", "actor-00001", "opposes", -1, "r", (quote,)),)
    return KnowledgeBase((article,), actors, relations, (), path="many.yaml")
