"""Small knowledge bases built straight from the model, for the analyst views and their core.

``sample_kb()`` is a hand-made Libya file with every feature the views care about: dates of
day, month and year precision and undated relations, past and current status, all polarity
levels, several relations between one pair, two sources. ``synthetic_kb()`` is a large
deterministic one for size checks.
"""

from __future__ import annotations

import random

from fixtures_kb import as_v1

from tui.model import (
    ACTOR_KINDS,
    RELATION_TYPES,
    Actor,
    Evidence,
    KnowledgeBase,
    Relation,
    Source,
    Stance,
    Status,
)

ROME_TEXT = (
    "Strongman Haftar bolsters stature as key Libya player\n"
    "\n"
    "Rome - Libyan strongman Khalifa Haftar met Italy's defence minister and security chiefs "
    "in Rome on Tuesday, a sign of his growing stature.\n"
    "Italy backs the unity government in Tripoli led by Fayez al-Serraj.\n"
    "Haftar has refused to recognise the unity government and opposes it.\n"
    "Egypt and the United Arab Emirates have backed Haftar's forces with arms.\n"
    "In July, Haftar and Serraj agreed in Paris to a conditional ceasefire.\n"
    "French President Emmanuel Macron hosted the two rivals near Paris on July 25.\n"
    "Haftar's forces drove jihadists out of Benghazi in July after a three-year battle.\n"
    "Last month Haftar threatened to bomb Italian ships entering Libyan waters, "
    "a threat he has since dropped.\n"
    "Italy says migration through Libya must be stopped.\n"
    "Haftar hitherto enjoyed Russian support, which has since cooled.\n"
    "The UN-backed unity government took office in 2016.\n"
    "Pinotti said Italy would keep talking to Haftar.\n"
)
JULY_TEXT = (
    "Rivals meet near Paris\n"
    "\n"
    "Macron hosted Haftar and Serraj at La Celle-Saint-Cloud on Tuesday.\n"
    "The two men agreed to a ceasefire and to elections in 2018.\n"
)


def _evidence(source: Source, quote: str) -> Evidence:
    start = source.text.index(quote)
    return Evidence(source.id, quote, start, start + len(quote))


def sample_kb() -> KnowledgeBase:
    rome = Source(
        "news24-haftar-rome",
        "Strongman Haftar bolsters stature as key Libya player",
        "News24",
        "2017-09-27T10:00",
        "Rome",
        "sources/news24-haftar-rome.txt",
        ROME_TEXT,
    )
    july = Source(
        "wire-paris-july",
        "Rivals meet near Paris",
        "Wire",
        "2017-07-26",
        "Paris",
        "sources/wire-paris-july.txt",
        JULY_TEXT,
    )
    actors = (
        Actor("khalifa-haftar", "Khalifa Haftar", "person", ("Haftar",), "lna"),
        Actor("lna", "Libyan National Army", "armed-force", ("Haftar's forces",)),
        Actor("gna", "Government of National Accord", "government", ("unity government",)),
        Actor("fayez-serraj", "Fayez al-Serraj", "person", ("Serraj",), "gna"),
        Actor("italy", "Italy", "state"),
        Actor("roberta-pinotti", "Roberta Pinotti", "person", ("Pinotti",), "italy"),
        Actor("egypt", "Egypt", "state"),
        Actor("uae", "United Arab Emirates", "state", ("UAE",)),
        Actor("france", "France", "state"),
        Actor("emmanuel-macron", "Emmanuel Macron", "person", ("Macron",), "france"),
        Actor("russia", "Russia", "state"),
        Actor("un", "United Nations", "international-body", ("UN",)),
        Actor("benghazi-jihadists", "Benghazi jihadists", "armed-group"),
        Actor("migrants", "Migrants", "population-group"),
    )

    def rel(rid, source, target, type_, polarity, summary, quotes, **extra) -> Relation:
        found = tuple(_evidence(src, quote) for src, quote in quotes)
        return Relation(rid, source, target, type_, polarity, summary, found, **as_v1(type_, extra))

    relations = (
        rel(
            "haftar-visits-italy", "khalifa-haftar", "italy", "visits", 1,
            "Haftar met Italy's defence minister and security chiefs in Rome.",
            [(rome, "met Italy's defence minister and security chiefs in Rome on Tuesday")],
            date="2017-09-26", date_phrase="on Tuesday",
        ),
        rel(
            "italy-backs-gna", "italy", "gna", "backs", 2,
            "Italy backs the unity government.",
            [(rome, "Italy backs the unity government")],
        ),
        rel(
            "haftar-opposes-gna", "khalifa-haftar", "gna", "opposes", -2,
            "Haftar refuses to recognise the unity government.",
            [(rome, "Haftar has refused to recognise the unity government and opposes it")],
            date="2017",
        ),
        rel(
            "egypt-backs-lna", "egypt", "lna", "backs", 2,
            "Egypt arms Haftar's forces.",
            [(rome, "Egypt and the United Arab Emirates have backed Haftar's forces with arms")],
        ),
        rel(
            "uae-backs-lna", "uae", "lna", "backs", 2,
            "The UAE arms Haftar's forces.",
            [(rome, "Egypt and the United Arab Emirates have backed Haftar's forces with arms")],
        ),
        rel(
            "haftar-agrees-serraj", "khalifa-haftar", "fayez-serraj", "agrees", 1,
            "Haftar and Serraj agreed to a conditional ceasefire.",
            [
                (rome, "Haftar and Serraj agreed in Paris to a conditional ceasefire"),
                (july, "The two men agreed to a ceasefire and to elections in 2018"),
            ],
            date="2017-07", date_phrase="In July",
        ),
        rel(
            "macron-hosts-haftar", "emmanuel-macron", "khalifa-haftar", "hosts", 1,
            "Macron hosted Haftar near Paris.",
            [(rome, "Emmanuel Macron hosted the two rivals near Paris on July 25")],
            date="2017-07-25", date_phrase="on July 25",
        ),
        rel(
            "macron-hosts-serraj", "emmanuel-macron", "fayez-serraj", "hosts", 1,
            "Macron hosted Serraj near Paris.",
            [(july, "Macron hosted Haftar and Serraj at La Celle-Saint-Cloud on Tuesday")],
            date="2017-07-25", date_phrase="on Tuesday",
        ),
        rel(
            "lna-strikes-jihadists", "lna", "benghazi-jihadists", "strikes", -2,
            "Haftar's forces drove the jihadists out of Benghazi.",
            [(rome, "Haftar's forces drove jihadists out of Benghazi in July")],
            date="2017-07", date_phrase="in July",
        ),
        rel(
            "haftar-threatens-italy", "khalifa-haftar", "italy", "threatens", -2,
            "Haftar threatened to bomb Italian ships.",
            [(rome, "Last month Haftar threatened to bomb Italian ships")],
            date="2017-08", date_phrase="Last month", status=Status.PAST,
        ),
        rel(
            "russia-backs-haftar", "russia", "khalifa-haftar", "backs", 1,
            "Russia supported Haftar.",
            [(rome, "Haftar hitherto enjoyed Russian support")],
            status=Status.PAST,
        ),
        rel(
            "un-backs-gna", "un", "gna", "backs", 2,
            "The UN backs the unity government.",
            [(rome, "The UN-backed unity government took office in 2016")],
            date="2016",
        ),
        rel(
            "italy-meets-haftar", "italy", "khalifa-haftar", "deals-with", 0,
            "Italy keeps talking to Haftar.",
            [(rome, "Pinotti said Italy would keep talking to Haftar")],
            date="2017-09-26",
        ),
        rel(
            "pinotti-speaks-for-italy", "roberta-pinotti", "italy", "speaks-for", 1,
            "Pinotti speaks for Italy.",
            [(rome, "Pinotti said Italy")],
        ),
        rel(
            "italy-opposes-migrants", "italy", "migrants", "opposes", -1,
            "Italy wants migration through Libya stopped.",
            [(rome, "Italy says migration through Libya must be stopped")],
        ),
    )
    stances = (
        Stance(
            "italy-on-migration", "italy", "migration", "Migration through Libya must stop.",
            (_evidence(rome, "Italy says migration through Libya must be stopped"),),
        ),
        Stance(
            "haftar-on-gna", "khalifa-haftar", "gna", "Will not recognise the unity government.",
            (_evidence(rome, "Haftar has refused to recognise the unity government"),),
        ),
    )
    return KnowledgeBase((rome, july), actors, relations, stances, path="sample.yaml")


def synthetic_kb(actors: int, relations: int, *, seed: int = 3) -> KnowledgeBase:
    """A large knowledge base with random relations, dates of every precision, two statuses."""
    rng = random.Random(seed)
    text = "Synthetic dispatch\n" + "".join(f"Sentence {i} of the wire.\n" for i in range(200))
    source = Source("src", "Synthetic", "Bench Wire", "2019-06-01", None, "src.txt", text)
    quotes = [_evidence(source, f"Sentence {i} of the wire.") for i in range(200)]
    people = tuple(
        Actor(f"actor-{i}", f"Actor {i}", ACTOR_KINDS[i % len(ACTOR_KINDS)], (f"A{i}",))
        for i in range(actors)
    )
    built = []
    for i in range(relations):
        precision = rng.randrange(4)
        year = rng.randint(2010, 2020)
        date = [
            None,
            f"{year}",
            f"{year}-{rng.randint(1, 12):02d}",
            f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        ][precision]
        built.append(
            Relation(
                f"rel-{i}",
                f"actor-{rng.randrange(actors)}",
                f"actor-{rng.randrange(actors)}",
                RELATION_TYPES[i % len(RELATION_TYPES)],
                rng.randint(-2, 2),
                f"Summary {i} about the harbour and the convoy.",
                (quotes[i % len(quotes)],),
                date=date,
                status=Status.PAST if i % 7 == 0 else Status.CURRENT,
            )
        )
    return KnowledgeBase((source,), people, tuple(built), (), path="synthetic.yaml")
