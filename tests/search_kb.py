"""Knowledge bases for the search tests, built straight from the model (no YAML).

``make_kb`` turns compact tuples into a consistent KnowledgeBase: the quotes are written
into one source text, so every Evidence offset is right. ``sample_kb`` is a small Libya
file with aliases, accents and hostile text; ``synthetic_kb`` is a large deterministic one
(10,000 actors, 50,000 relations) for size and speed checks.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from concurrent.futures import Future

from tui.model import (
    ACTOR_KINDS,
    RELATION_TYPES,
    Actor,
    Evidence,
    KnowledgeBase,
    Relation,
    Source,
    Stance,
)
from tui.search import SearchIndex

SOURCE_ID = "search-source"

# (id, source, target, type, summary, quotes)
RelationSpec = tuple[str, str, str, str, str, Sequence[str]]
# (id, actor, issue, position, quotes)
StanceSpec = tuple[str, str, str, str, Sequence[str]]


def make_kb(
    actors: Iterable[Actor],
    relations: Iterable[RelationSpec] = (),
    stances: Iterable[StanceSpec] = (),
) -> KnowledgeBase:
    relations = list(relations)
    stances = list(stances)
    pieces: list[str] = []
    position = 0

    def place(quote: str) -> Evidence:
        nonlocal position
        start = position
        pieces.append(quote)
        position += len(quote) + 1
        return Evidence(SOURCE_ID, quote, start, start + len(quote))

    built_relations = tuple(
        Relation(rid, src, tgt, type_, 0, summary, tuple(place(q) for q in quotes))
        for rid, src, tgt, type_, summary, quotes in relations
    )
    built_stances = tuple(
        Stance(sid, actor, issue, position_, tuple(place(q) for q in quotes))
        for sid, actor, issue, position_, quotes in stances
    )
    source = Source(
        SOURCE_ID, "Search test source", "Test", "2017-09-27", None, "source.txt", "\n".join(pieces)
    )
    return KnowledgeBase((source,), tuple(actors), built_relations, built_stances, "search.yaml")


HOSTILE_NAME = "[b]Bold[/b] Front [@click=app.quit]"
HOSTILE_QUOTE = "The front said [/] and [@click=app.quit]quit[/] then \x1b[31mred\x1b[0m arms."


def sample_kb() -> KnowledgeBase:
    actors = (
        Actor(
            "khalifa-haftar",
            "Khalifa Haftar",
            "person",
            ("Haftar", "Field Marshal"),
            "lna",
            "Libyan military strongman who commands the eastern forces.",
        ),
        Actor("lna", "Libyan National Army", "armed-force", ("LNA",)),
        Actor("gna", "Government of National Accord", "government", ("unity government",)),
        Actor("fayez-serraj", "Fayez al-Serraj", "person", ("Serraj",), "gna"),
        Actor("italy", "Italy", "state", (), None, "European state across the sea from Libya."),
        Actor("roberta-pinotti", "Roberta Pinotti", "person", ("Pinotti",), "italy"),
        Actor("emile-zola-brigade", "Émile Zoé Brigade", "armed-group"),
        Actor("hostile-front", HOSTILE_NAME, "armed-group"),
    )
    relations = (
        (
            "haftar-visits-italy",
            "khalifa-haftar",
            "italy",
            "visits",
            "Haftar met Italy's defence minister and security chiefs in Rome.",
            [
                "Libyan strongman Khalifa Haftar met Italy's defence minister and security "
                "chiefs in Rome on Tuesday, a sign of his growing stature as a key player."
            ],
        ),
        (
            "italy-backs-gna",
            "italy",
            "gna",
            "backs",
            "Italy backs the unity government.",
            ["Italy backs the unity government in Tripoli led by Fayez al-Serraj."],
        ),
        (
            "haftar-opposes-gna",
            "khalifa-haftar",
            "gna",
            "opposes",
            "Haftar refuses to recognise the unity government.",
            [
                "Haftar has refused to recognise the unity government and opposes it.",
                "The commander rejected any role for the Tripoli authorities.",
            ],
        ),
        (
            "hostile-threatens-italy",
            "hostile-front",
            "italy",
            "threatens",
            "The [b]front[/b] threatens Italy.",
            [HOSTILE_QUOTE],
        ),
    )
    stances = (
        (
            "italy-on-migration",
            "italy",
            "migration",
            "Migration through Libya must stop.",
            ["Italy says migration through Libya must be stopped before the summer crossings."],
        ),
    )
    return make_kb(actors, relations, stances)


_SYLLABLES = (
    "ka ha fa ta li ba ro ma ne si ra do mi za lu be ta no vi ga pe ko sa du ri "
    "al am an ar el en in or um ul"
).split()
_WORDS = (
    "minister forces government ceasefire talks support arms border oil port militia "
    "council election summit envoy troops migration coast guard city capital rivals "
    "agreement refused backed met said would keep talking security chiefs defence "
    "the a of and to in on with for by from after before during against between"
).split()


def _name(rng: random.Random) -> str:
    words = rng.randint(1, 3)
    return " ".join(
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(words)
    )


def _sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(length)).capitalize() + "."


def synthetic_kb(
    actors: int = 10_000, relations: int = 50_000, stances: int = 1_000, *, seed: int = 7
) -> KnowledgeBase:
    """A large deterministic knowledge base: ~1 quote per relation and stance."""
    rng = random.Random(seed)
    built_actors = []
    for index in range(actors):
        name = f"{_name(rng)} {index}"
        aliases = (_name(rng),) if index % 3 == 0 else ()
        description = _sentence(rng, rng.randint(6, 14)) if index % 2 == 0 else ""
        built_actors.append(
            Actor(
                f"actor-{index}",
                name,
                ACTOR_KINDS[index % len(ACTOR_KINDS)],
                aliases,
                None,
                description,
            )
        )
    relation_specs = []
    for index in range(relations):
        source, target = rng.sample(range(actors), 2)
        relation_specs.append(
            (
                f"relation-{index}",
                f"actor-{source}",
                f"actor-{target}",
                RELATION_TYPES[index % len(RELATION_TYPES)],
                _sentence(rng, rng.randint(5, 10)),
                [_sentence(rng, rng.randint(12, 22))],
            )
        )
    stance_specs = [
        (
            f"stance-{index}",
            f"actor-{rng.randrange(actors)}",
            rng.choice(("migration", "elections", "oil", "ceasefire")),
            _sentence(rng, 6),
            [_sentence(rng, 15)],
        )
        for index in range(stances)
    ]
    return make_kb(built_actors, relation_specs, stance_specs)


def ready(index: SearchIndex) -> Future[SearchIndex]:
    """``index`` as the search overlay takes it (``StakeholderApp.search_index_soon``): a
    Future, here one already done."""
    soon: Future[SearchIndex] = Future()
    soon.set_result(index)
    return soon
