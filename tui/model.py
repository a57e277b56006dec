"""The knowledge base as immutable data.

Everything here is plain Python: no Textual, no YAML. The loader builds these objects
after validating a file; the UI and the exporters only read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Status(StrEnum):
    """Whether a relation still holds when the source was published."""

    CURRENT = "current"
    PAST = "past"


class Confidence(StrEnum):
    """How firmly the source asserts a claim."""

    STATED = "stated"  # the source says it in its own voice
    ATTRIBUTED = "attributed"  # "according to X", "X said"
    REPORTED = "reported"  # "reportedly", unnamed sources
    ALLEGED = "alleged"  # "alleged", "claimed", disputed


ACTOR_KINDS: tuple[str, ...] = (
    "state",
    "government",
    "armed-force",
    "armed-group",
    "person",
    "international-body",
    "population-group",
    "organisation",
    "media",
    "other",
)

RELATION_TYPES: tuple[str, ...] = (
    "backs",
    "opposes",
    "meets",
    "hosts",
    "mediates",
    "strikes",
    "agrees",
    "recognises",
    "trains",
    "threatens",
    "deals-with",
    "visits",
    "invests-in",
    "speaks-for",
    "leads",
    "member-of",
    "other",
)


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    publisher: str
    published: str  # ISO 8601 date or date-time, as written in the YAML
    dateline: str | None
    path: str  # as written in the YAML, relative to the knowledge-base file
    text: str

    @property
    def published_date(self) -> str:
        return self.published[:10]

    def citation(self) -> str:
        return f"{self.publisher}, “{self.title}”, {self.published_date}"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One verbatim quote, located in its source: ``source.text[start:end] == quote``."""

    source: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None  # id of the actor this one speaks for or belongs to
    description: str = ""


@dataclass(frozen=True, slots=True)
class Relation:
    """A directed claim: ``source`` does ``type`` to ``target``."""

    id: str
    source: str
    target: str
    type: str
    polarity: int  # -2 hostile .. +2 close support
    summary: str
    evidence: tuple[Evidence, ...]
    date: str | None = None  # ISO date cut to its precision: "2017-09-26", "2017-08", "2011"
    date_phrase: str | None = None  # the words the date was resolved from ("on Tuesday")
    status: Status = Status.CURRENT
    asserted_by: str | None = None  # actor id; None means the source itself
    confidence: Confidence = Confidence.STATED

    @property
    def date_precision(self) -> DatePrecision | None:
        return precision_of(self.date)

    def counterpart(self, actor_id: str) -> str:
        return self.target if self.source == actor_id else self.source


@dataclass(frozen=True, slots=True)
class Stance:
    """An actor's position on an issue."""

    id: str
    actor: str
    issue: str
    position: str
    evidence: tuple[Evidence, ...]


def polarity_sign(value: int) -> str:
    """A polarity (or a net polarity) as sign text that reads without colour."""
    if value >= 2:
        return "++"
    if value == 1:
        return "+"
    if value == 0:
        return "0"
    if value == -1:
        return "−"
    return "−−"


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless it is one: "1 relation", "3 relations"."""
    return f"{count} {noun}{'s' * (count != 1)}"


def signed_number(value: int) -> str:
    """A polarity (or a net polarity) as a number with the same minus as its sign: "+2",
    "0", "−1"."""
    return "0" if value == 0 else f"{value:+d}".replace("-", "−")


def precision_of(date: str | None) -> DatePrecision | None:
    """The precision of an ISO date cut to its precision ("2017", "2017-09", "2017-09-26")."""
    if date is None:
        return None
    return {4: DatePrecision.YEAR, 7: DatePrecision.MONTH}.get(len(date), DatePrecision.DAY)


@dataclass(frozen=True)
class KnowledgeBase:
    sources: tuple[Source, ...]
    actors: tuple[Actor, ...]
    relations: tuple[Relation, ...]
    stances: tuple[Stance, ...]
    path: str = ""  # the file it was loaded from, for display

    @cached_property
    def actor_by_id(self) -> dict[str, Actor]:
        return {actor.id: actor for actor in self.actors}

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        return {source.id: source for source in self.sources}

    @cached_property
    def relation_by_id(self) -> dict[str, Relation]:
        return {relation.id: relation for relation in self.relations}

    @cached_property
    def stance_by_id(self) -> dict[str, Stance]:
        return {stance.id: stance for stance in self.stances}

    @cached_property
    def _relations_by_actor(self) -> dict[str, tuple[Relation, ...]]:
        index: dict[str, list[Relation]] = {actor.id: [] for actor in self.actors}
        for relation in self.relations:
            index[relation.source].append(relation)
            if relation.target != relation.source:
                index[relation.target].append(relation)
        return {actor_id: tuple(found) for actor_id, found in index.items()}

    @cached_property
    def _stances_by_actor(self) -> dict[str, tuple[Stance, ...]]:
        index: dict[str, list[Stance]] = {actor.id: [] for actor in self.actors}
        for stance in self.stances:
            index[stance.actor].append(stance)
        return {actor_id: tuple(found) for actor_id, found in index.items()}

    @cached_property
    def _members_by_actor(self) -> dict[str, tuple[Actor, ...]]:
        index: dict[str, list[Actor]] = {}
        for actor in self.actors:
            if actor.affiliation is not None:
                index.setdefault(actor.affiliation, []).append(actor)
        return {actor_id: tuple(found) for actor_id, found in index.items()}

    @cached_property
    def _asserted_by_actor(self) -> dict[str, tuple[Relation, ...]]:
        index: dict[str, list[Relation]] = {}
        for relation in self.relations:
            if relation.asserted_by is not None:
                index.setdefault(relation.asserted_by, []).append(relation)
        return {actor_id: tuple(found) for actor_id, found in index.items()}

    def asserted_by(self, actor_id: str) -> tuple[Relation, ...]:
        """Relations between other actors that this actor is the source of, in file order
        ("according to the US military")."""
        return self._asserted_by_actor.get(actor_id, ())

    def relations_of(self, actor_id: str) -> tuple[Relation, ...]:
        """Outgoing and incoming relations of an actor, in file order."""
        return self._relations_by_actor.get(actor_id, ())

    def stances_of(self, actor_id: str) -> tuple[Stance, ...]:
        return self._stances_by_actor.get(actor_id, ())

    def members_of(self, actor_id: str) -> tuple[Actor, ...]:
        """Actors whose affiliation is this actor (the people who speak for it)."""
        return self._members_by_actor.get(actor_id, ())

    @property
    def quote_count(self) -> int:
        return sum(len(r.evidence) for r in self.relations) + sum(
            len(s.evidence) for s in self.stances
        )
