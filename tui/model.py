"""The knowledge base as immutable data.

Everything here is plain Python: no Textual, no YAML. The loader builds these objects
after validating a file; the UI and the exporters only read them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import KW_ONLY, dataclass
from enum import StrEnum
from functools import cached_property
from itertools import compress, repeat
from operator import attrgetter, is_not


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


class ClaimKind(StrEnum):
    """An event happened once (a meeting, a strike); a tie lasts (backing, leadership)."""

    EVENT = "event"
    TIE = "tie"


class Modality(StrEnum):
    """Whether the claim is an act, or only an offer, a commitment, a possibility, a denial."""

    ACTUAL = "actual"  # it happened or holds
    INTENT = "intent"  # "offered to", "plans to", "promised to"
    AGREEMENT = "agreement"  # "agreed to" something still to come
    HYPOTHETICAL = "hypothetical"  # "could", "may", "would"
    NEGATED = "negated"  # "did not", "denied"


COUNTED_MODALITIES: frozenset[Modality] = frozenset({Modality.ACTUAL, Modality.AGREEMENT})
"""Modalities whose claims the views count as the act (an agreement is an act of agreeing;
an offer, a possibility or a denial is not)."""


class Verification(StrEnum):
    """What the source says about whether the claim has been confirmed."""

    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"  # "was not immediately confirmed"
    DISPUTED = "disputed"  # denied or contested by a party


HEDGE_SCOPES: tuple[str, ...] = (
    "claim",
    "source",
    "target",
    "participants",
    "date",
    "location",
    "toll",
)
"""What a hedge can apply to: the whole claim, one of its parties, or one of its details."""

RELIABILITY_GRADES: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")
"""The Admiralty scale for a source: A completely reliable .. E unreliable, F cannot be judged."""


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

UNVALENCED_TYPES: frozenset[str] = frozenset({"leads", "member-of", "speaks-for"})
"""Structural ties: a polarity is optional on them, and one without any is never counted."""

EVENT_TYPES: frozenset[str] = frozenset(
    {"meets", "hosts", "visits", "strikes", "threatens", "agrees", "mediates"}
)
"""Types read as events when a file of version 1 does not say (v1 had no `kind`)."""


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    publisher: str
    published: str  # ISO 8601 date or date-time, as written in the YAML
    dateline: str | None
    path: str  # as written in the YAML, relative to the knowledge-base file
    text: str
    url: str | None = None
    origin: str | None = None  # the wire agency the text comes from ("AFP")
    byline: str | None = None
    language: str | None = None
    retrieved: str | None = None  # ISO date the text was taken
    reliability: str | None = None  # Admiralty grade, A-F
    sha256: str | None = None  # a pin of the text file's bytes
    notes: str = ""
    syndicated_from: str | None = None  # the source id this text is a copy of (one origin)

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
class Hedge:
    """A qualification the source puts on one part of a claim ("an *alleged* ISIS camp")."""

    applies_to: str  # one of HEDGE_SCOPES
    cue: Confidence  # never STATED
    evidence: Evidence  # the words that hedge it
    asserted_by: str | None = None  # actor id, for "according to X"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a claim is placed, in the source's words."""

    place: str  # as the source words it; it occurs in one of the claim's quotes
    lat: float | None = None
    lon: float | None = None
    gazetteer: str | None = None  # e.g. "geonames:2210554"


@dataclass(frozen=True, slots=True)
class Fatalities:
    count: int
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Membership:
    """A post or membership (Popolo's shape): ``role`` in ``organisation``, from .. to."""

    organisation: str  # actor id
    role: str | None = None
    start: str | None = None  # ISO date cut to its precision
    end: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None  # id of the actor this one speaks for or belongs to
    description: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()  # (scheme, id): ("wikidata", "Q...")
    memberships: tuple[Membership, ...] = ()
    name_note: str = ""  # why the name differs from what the sources say
    notes: str = ""
    distinct_from: tuple[str, ...] = ()  # actor ids checked not to be the same as this one
    merged_from: tuple[str, ...] = ()  # ids of actors merged into this one (old ids)


@dataclass(frozen=True, slots=True)
class Issue:
    id: str
    label: str
    description: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Relation:
    """A directed claim: ``source`` does ``type`` to ``target``."""

    id: str
    source: str
    target: str
    type: str
    polarity: int | None  # -2 hostile .. +2 close support; None: a tie with no valence
    summary: str
    evidence: tuple[Evidence, ...]
    date: str | None = None  # ISO date cut to its precision: "2017-09-26", "2017-08", "2011"
    date_phrase: str | None = None  # the words the date was resolved from ("on Tuesday")
    status: Status | None = Status.CURRENT  # ties only; None for an event
    asserted_by: str | None = None  # actor id; None means the source itself
    confidence: Confidence = Confidence.STATED
    kind: ClaimKind = ClaimKind.TIE
    participants: tuple[str, ...] = ()  # further parties of an event, beside source and target
    modality: Modality = Modality.ACTUAL
    hedges: tuple[Hedge, ...] = ()
    caveats: tuple[Evidence, ...] = ()  # quotes that qualify the claim
    verification: Verification | None = None
    location: Location | None = None
    fatalities: Fatalities | None = None
    reported: str | None = None  # when the source reported it (default: its publication)
    valid_from: str | None = None  # ties only
    valid_to: str | None = None
    notes: str = ""
    # Disputes the analyst decided (`disputes`): claims of the same section this one
    # contradicts, the one it supersedes, and those it was checked to agree with.
    contradicts: tuple[str, ...] = ()
    supersedes: str | None = None
    consistent_with: tuple[str, ...] = ()

    @property
    def date_precision(self) -> DatePrecision | None:
        return precision_of(self.date)

    @property
    def parties(self) -> tuple[str, ...]:
        """Every actor the claim involves: source, target, then the participants."""
        return (self.source, self.target, *self.participants)

    @property
    def counts_as_act(self) -> bool:
        """Whether the views count it: an act (not an offer, a possibility or a denial)
        with a valence."""
        return self.polarity is not None and self.modality in COUNTED_MODALITIES

    def counterpart(self, actor_id: str) -> str:
        return self.target if self.source == actor_id else self.source


@dataclass(frozen=True, slots=True)
class Stance:
    """An actor's position on an issue."""

    id: str
    actor: str
    issue: str  # an Issue id
    position: str
    evidence: tuple[Evidence, ...]
    stand: int | None = None  # -2 opposes .. +2 supports
    date: str | None = None
    date_phrase: str | None = None
    asserted_by: str | None = None
    confidence: Confidence = Confidence.STATED
    modality: Modality = Modality.ACTUAL
    hedges: tuple[Hedge, ...] = ()
    caveats: tuple[Evidence, ...] = ()
    notes: str = ""
    # Disputes the analyst decided (`disputes`): claims of the same section this one
    # contradicts, the one it supersedes, and those it was checked to agree with.
    contradicts: tuple[str, ...] = ()
    supersedes: str | None = None
    consistent_with: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attribute:
    """A claim about one actor with no counterpart ("controls much of the east")."""

    id: str
    actor: str
    type: str  # a short label: "controls-territory", "expelled"
    summary: str
    evidence: tuple[Evidence, ...]
    kind: ClaimKind = ClaimKind.TIE
    date: str | None = None
    date_phrase: str | None = None
    status: Status | None = Status.CURRENT
    asserted_by: str | None = None
    confidence: Confidence = Confidence.STATED
    modality: Modality = Modality.ACTUAL
    hedges: tuple[Hedge, ...] = ()
    caveats: tuple[Evidence, ...] = ()
    verification: Verification | None = None
    location: Location | None = None
    fatalities: Fatalities | None = None
    reported: str | None = None
    notes: str = ""
    # Disputes the analyst decided (`disputes`): claims of the same section this one
    # contradicts, the one it supersedes, and those it was checked to agree with.
    contradicts: tuple[str, ...] = ()
    supersedes: str | None = None
    consistent_with: tuple[str, ...] = ()

    @property
    def date_precision(self) -> DatePrecision | None:
        return precision_of(self.date)


NO_VALENCE = "·"
"""What a tie with no polarity (a structural tie: leads, member-of) shows for one."""


def polarity_sign(value: int | None) -> str:
    """A polarity (or a net polarity) as sign text that reads without colour."""
    if value is None:
        return NO_VALENCE
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


def signed_number(value: int | None) -> str:
    """A polarity (or a net polarity) as a number with the same minus as its sign: "+2",
    "0", "−1"; "no valence" for a tie without one."""
    if value is None:
        return "no valence"
    return "0" if value == 0 else f"{value:+d}".replace("-", "−")


def status_label(claim) -> str:
    """A claim's status for a column: "current" or "past" for a tie, "event" for an event."""
    return claim.status.value if claim.status is not None else claim.kind.value


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
    _: KW_ONLY
    issues: tuple[Issue, ...] = ()
    attributes: tuple[Attribute, ...] = ()

    @cached_property
    def issue_by_id(self) -> dict[str, Issue]:
        return {issue.id: issue for issue in self.issues}

    @cached_property
    def attribute_by_id(self) -> dict[str, Attribute]:
        return {attribute.id: attribute for attribute in self.attributes}

    @cached_property
    def _attributes_by_actor(self) -> dict[str, tuple[Attribute, ...]]:
        index: dict[str, list[Attribute]] = {}
        for attribute in self.attributes:
            index.setdefault(attribute.actor, []).append(attribute)
        return {actor_id: tuple(found) for actor_id, found in index.items()}

    def attributes_of(self, actor_id: str) -> tuple[Attribute, ...]:
        return self._attributes_by_actor.get(actor_id, ())

    @cached_property
    def actor_by_id(self) -> dict[str, Actor]:
        return {actor.id: actor for actor in self.actors}

    @cached_property
    def _actor_by_old_id(self) -> dict[str, Actor]:
        return {old: actor for actor in self.actors for old in actor.merged_from}

    def resolve_actor(self, actor_id: str) -> Actor | None:
        """The actor with ``actor_id``, or the one it was merged into (``merged_from``)."""
        return self.actor_by_id.get(actor_id) or self._actor_by_old_id.get(actor_id)

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
        return _relations_by_actor(self.relations, [actor.id for actor in self.actors])

    def relation_counts(self) -> dict[str, int]:
        """Actor id -> how many relations it has (``relations_of``), for every actor."""
        ids = list(map(attrgetter("id"), self.actors))
        index = self._relations_by_actor
        return dict(zip(ids, map(len, map(index.get, ids, repeat(()))), strict=True))

    def actors_with_other_relations(self, other: KnowledgeBase) -> list[str]:
        """The ids of this base's actors whose relations are not the very ones they have
        in ``other``: after a change is saved, the few whose counts changed. (In C-level
        passes: the UI thread asks for it over every actor as the change is shown.)"""
        mine, theirs = self._relations_by_actor, other._relations_by_actor
        ids = list(mine)  # every actor, in file order
        return list(compress(ids, map(is_not, map(mine.get, ids), map(theirs.get, ids))))

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

    def replaced(self, section: str, items: tuple) -> KnowledgeBase:
        """A copy with the items of ``section`` replaced (a change saved to the file). The
        indexes built from the other sections are kept, and the relations of each actor are
        worked out again only for the actors whose relations changed."""
        new = dataclasses.replace(self, **{section: items})
        built = self.__dict__
        for name, sections in _INDEX_SECTIONS.items():
            if name in built and section not in sections:
                new.__dict__[name] = built[name]
        if section == "relations" and "_relations_by_actor" in built:
            # The same relations at the start and at the end: what changed is in between.
            old = self.relations
            same = min(len(old), len(items))
            start = next((i for i in range(same) if old[i] is not items[i]), same)
            end = next((i for i in range(same - start) if old[-1 - i] is not items[-1 - i]),
                       same - start)
            gone, added = old[start : len(old) - end], items[start : len(items) - end]
            _update_relation_indexes(new, built, gone, added, at_end=end == 0)
        return new

    def indexed(self) -> KnowledgeBase:
        """Itself, every index built: a worker thread calls it after a change is saved, so
        that the screen showing the change does not build them while the user waits."""
        for name, value in vars(type(self)).items():
            if isinstance(value, cached_property):
                getattr(self, name)
        return self

    def relations_of(self, actor_id: str) -> tuple[Relation, ...]:
        """Outgoing and incoming relations of an actor, in file order."""
        return self._relations_by_actor.get(actor_id, ())

    def stances_of(self, actor_id: str) -> tuple[Stance, ...]:
        return self._stances_by_actor.get(actor_id, ())

    def members_of(self, actor_id: str) -> tuple[Actor, ...]:
        """Actors whose affiliation is this actor (the people who speak for it)."""
        return self._members_by_actor.get(actor_id, ())

    @cached_property
    def _belongs_to(self) -> dict[str, tuple[str, ...]]:
        """Actor id -> the ids of the actors under it: affiliated with it, or holding a
        post in it."""
        index: dict[str, dict[str, None]] = {}
        for actor in self.actors:
            for parent in (actor.affiliation, *(post.organisation for post in actor.memberships)):
                if parent is not None and parent != actor.id:
                    index.setdefault(parent, {})[actor.id] = None
        return {parent: tuple(children) for parent, children in index.items()}

    def affiliates_of(self, actor_id: str) -> tuple[str, ...]:
        """The ids of the people and bodies under an actor, directly or through another
        (Italy's ministers, services and navy; a minister's staff), nearest first, each
        once; never the actor itself, whatever cycles the affiliations make."""
        found: dict[str, None] = {}
        frontier = [actor_id]
        while frontier:
            children = [
                child
                for parent in frontier
                for child in self._belongs_to.get(parent, ())
                if child != actor_id and child not in found
            ]
            found.update(dict.fromkeys(children))
            frontier = list(dict.fromkeys(children))
        return tuple(found)

    def state_of(self, actor_id: str) -> str | None:
        """The state an actor answers to by its chain of affiliations (Pinotti: Italy;
        the US military: the United States), the outermost one if states nest; None when
        the chain reaches no state or the actor is a state itself."""
        state = None
        seen = {actor_id}
        actor = self.actor_by_id.get(actor_id)
        while actor is not None and actor.affiliation is not None:
            if actor.affiliation in seen:
                break  # a cycle of affiliations: what was found so far
            seen.add(actor.affiliation)
            actor = self.actor_by_id.get(actor.affiliation)
            if actor is not None and actor.kind == "state":
                state = actor.id
        return state

    @property
    def quote_count(self) -> int:
        claims = (*self.relations, *self.stances, *self.attributes)
        return sum(len(claim.evidence) for claim in claims)


def _update_relation_indexes(
    new: KnowledgeBase, built: dict, gone: tuple[Relation, ...], added: tuple[Relation, ...],
    *, at_end: bool,
) -> None:
    """``new``'s relation indexes from the old ones (``built``) when ``gone`` were replaced
    by ``added`` (``at_end``: nothing follows them). When each of ``gone`` is replaced in
    its place by one with the same id and parties (an edit; the item before a capture is
    read again too) and any more are added at the end (a capture), the indexes are
    updated in place: a save to a 50,000-relation file rebuilds none of them. Any other
    change works out the touched actors' relations again. File order is kept either way."""
    index = dict(built["_relations_by_actor"])
    kept = len(gone)
    in_place = len(added) >= kept and all(
        a.id == b.id and a.parties == b.parties for a, b in zip(gone, added, strict=False))
    extra = added[kept:]
    if in_place and (at_end or not extra):
        swapped = {id(a): b for a, b in zip(gone, added, strict=False)}
        for relation in gone:
            for party in dict.fromkeys(relation.parties):
                index[party] = tuple(swapped.get(id(r), r) for r in index[party])
        for relation in extra:
            for party in dict.fromkeys(relation.parties):
                index[party] = (*index.get(party, ()), relation)
        by_id = built.get("relation_by_id")
        if by_id is not None:
            by_id = dict(by_id)
            by_id.update((relation.id, relation) for relation in added)
            new.__dict__["relation_by_id"] = by_id
    else:
        touched = {party for relation in (*gone, *added) for party in relation.parties}
        index.update(_relations_by_actor(new.relations, touched))
    new.__dict__["_relations_by_actor"] = index


def _relations_by_actor(
    relations: tuple[Relation, ...], actor_ids: Collection[str]
) -> dict[str, tuple[Relation, ...]]:
    """Each of ``actor_ids`` -> its relations (outgoing, incoming, or as a participant),
    in file order."""
    index: dict[str, list[Relation]] = {actor_id: [] for actor_id in actor_ids}
    for relation in relations:
        if not relation.participants:
            if relation.source in index:
                index[relation.source].append(relation)
            if relation.target != relation.source and relation.target in index:
                index[relation.target].append(relation)
            continue
        for party in dict.fromkeys(relation.parties):
            if party in index:
                index[party].append(relation)
    return {actor_id: tuple(found) for actor_id, found in index.items()}


# The sections each index of a KnowledgeBase is built from (``KnowledgeBase.replaced``
# keeps an index that a change to another section leaves as it was).
_INDEX_SECTIONS: dict[str, tuple[str, ...]] = {
    "issue_by_id": ("issues",),
    "attribute_by_id": ("attributes",),
    "_attributes_by_actor": ("attributes",),
    "actor_by_id": ("actors",),
    "_actor_by_old_id": ("actors",),
    "source_by_id": ("sources",),
    "relation_by_id": ("relations",),
    "stance_by_id": ("stances",),
    "_relations_by_actor": ("actors", "relations"),
    "_stances_by_actor": ("actors", "stances"),
    "_members_by_actor": ("actors",),
    "_asserted_by_actor": ("relations",),
    "_belongs_to": ("actors",),
}
