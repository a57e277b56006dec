"""Analyses behind the analyst views: stance matrix, hubs, neighbourhoods, timeline.

Pure core: no Textual. Every function reads a (possibly filtered) ``KnowledgeBase`` and
returns plain frozen data in a deterministic order (file order breaks every tie).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from .filters import DateWindow
from .model import (
    ClaimKind,
    DatePrecision,
    KnowledgeBase,
    Relation,
    Source,
    Status,
    precision_of,
    signed_number,
)
from .wording import type_label

NO_RELATION = "·"


# --- people rolled into their states -------------------------------------------------------


def rolled_up(kb: KnowledgeBase) -> KnowledgeBase:
    """``kb`` with every actor that answers to a state (``KnowledgeBase.state_of``: Italy's
    ministers, services and navy) folded into that state: their relations, attributes and
    stances are the state's, and they are no longer actors of their own. A relation left
    with the state on both sides and no other party (a minister with the state's own
    security chiefs) is within the state, and left out. Every claim keeps its id, so a
    view can look it up in ``kb`` to say which of the state's people acted."""
    into = {actor.id: state for actor in kb.actors if (state := kb.state_of(actor.id))}
    if not into:
        return kb

    def party(actor_id: str) -> str:
        return into.get(actor_id, actor_id)

    relations = []
    for relation in kb.relations:
        source, target = party(relation.source), party(relation.target)
        participants = tuple(
            other
            for other in dict.fromkeys(map(party, relation.participants))
            if other not in (source, target)
        )
        if source == target and relation.source != relation.target and not participants:
            continue
        if (source, target, participants) != (
            relation.source,
            relation.target,
            relation.participants,
        ):
            relation = replace(relation, source=source, target=target, participants=participants)
        relations.append(relation)
    return replace(
        kb,
        actors=tuple(actor for actor in kb.actors if actor.id not in into),
        relations=tuple(relations),
        attributes=tuple(
            replace(claim, actor=party(claim.actor)) if claim.actor in into else claim
            for claim in kb.attributes
        ),
        stances=tuple(
            replace(claim, actor=party(claim.actor)) if claim.actor in into else claim
            for claim in kb.stances
        ),
    )


def who_acted(kb: KnowledgeBase, rolled: KnowledgeBase, relation_id: str) -> str | None:
    """For a relation of ``rolled_up(kb)``: "Roberta Pinotti → Khalifa Haftar" when people
    were rolled into a state in it (the parties as ``kb`` has them), else None."""
    original = kb.relation_by_id.get(relation_id)
    shown = rolled.relation_by_id.get(relation_id)
    if original is None or shown is None or original.parties == shown.parties:
        return None
    names = {actor.id: actor.name for actor in kb.actors}
    return f"{names.get(original.source, original.source)} → " + ", ".join(
        names.get(other, other) for other in (original.target, *original.participants)
    )


# --- stance matrix -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """What the row actor does to the column actor: relations with source=row, target=col."""

    net: int  # sum of the polarities of those relations
    relation_ids: tuple[str, ...]  # in file order
    mixed: bool = False  # both a positive and a negative relation: a net alone would hide it


class MatrixScope(StrEnum):
    """Which claims the matrix counts."""

    BOTH = "events and current ties"
    TIES = "current ties"
    EVENTS = "events"

    def keeps(self, relation: Relation) -> bool:
        is_event = relation.kind is ClaimKind.EVENT
        is_current_tie = relation.kind is ClaimKind.TIE and relation.status is Status.CURRENT
        if self is MatrixScope.EVENTS:
            return is_event
        if self is MatrixScope.TIES:
            return is_current_tie
        return is_event or is_current_tie  # a past tie is history, not a stance today


def stance_matrix(
    kb: KnowledgeBase, actor_ids: Sequence[str], scope: MatrixScope = MatrixScope.BOTH
) -> dict[tuple[str, str], MatrixCell]:
    """Cells keyed ``(row, column)`` for every ordered pair of ``actor_ids`` with a relation.

    Only acts with a valence count (``Relation.counts_as_act``), each event once per pair of
    its acting source and another of its parties, and only the claims ``scope`` keeps.

    Direction matters: ``(a, b)`` holds the relations in which ``a`` acts on ``b``; a pair
    with no relation has no key. A relation of an actor with itself lands on the diagonal.
    """
    wanted = set(actor_ids)
    nets: dict[tuple[str, str], int] = {}
    ids: dict[tuple[str, str], list[str]] = {}
    signs: dict[tuple[str, str], set[int]] = {}
    for row in dict.fromkeys(actor_ids):
        for relation in kb.relations_of(row):
            # An offer, a possibility, a denial or a tie with no valence is not the act.
            if relation.source != row or not relation.counts_as_act or not scope.keeps(relation):
                continue
            sign = (relation.polarity > 0) - (relation.polarity < 0)
            # One event counts once per pair of its parties (the acting source and each other).
            for other in dict.fromkeys((relation.target, *relation.participants)):
                if other not in wanted:
                    continue
                key = (row, other)
                nets[key] = nets.get(key, 0) + relation.polarity
                ids.setdefault(key, []).append(relation.id)
                signs.setdefault(key, set()).add(sign)
    return {
        key: MatrixCell(nets[key], tuple(found), mixed={1, -1} <= signs[key])
        for key, found in ids.items()
    }


MIXED = "±"


def net_label(cell: MatrixCell) -> str:
    """A cell's net polarity as text: "+3", "0", "−2"; "±" marks a mixed pair."""
    number = signed_number(cell.net)
    return f"{number} {MIXED}" if cell.mixed else number


def most_connected(kb: KnowledgeBase, n: int, kind: str | None = None) -> list[str]:
    """Up to ``n`` actor ids with the most relations (either direction), most first.

    Only actors of ``kind`` when it is given; actors without any relation are never listed.
    Ties keep file order.
    """
    ranked = (
        (-len(kb.relations_of(actor.id)), index, actor.id)
        for index, actor in enumerate(kb.actors)
        if kind is None or actor.kind == kind
    )
    return [actor_id for degree, _, actor_id in heapq.nsmallest(n, ranked) if degree < 0]


# --- neighbourhood ---------------------------------------------------------------------------


class Direction(StrEnum):
    OUT = "out"  # the parent node of the tree acts on this node
    IN = "in"  # this node acts on its parent node


@dataclass(frozen=True, slots=True)
class Edge:
    relation_id: str
    type: str
    polarity: int | None
    direction: Direction


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An actor reached from its parent node in the tree, by one or more relations."""

    actor_id: str
    depth: int  # 1: related to the centre; 2: related to a depth-1 neighbour
    edges: tuple[Edge, ...]  # the relations between this actor and its parent node
    children: tuple[Neighbour, ...]  # depth-2 neighbours (only for a 2-hop neighbourhood)


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """A tree rooted at ``actor_id``.

    Depth 1 lists each actor related to the centre once, with all the relations between
    them. At 2 hops each depth-1 neighbour also lists the actors related to it, other than
    the centre (those relations are already shown at depth 1); an actor may appear under
    several neighbours, since each of those relations is a separate claim. Relations of an
    actor with itself are not neighbours and are left out.
    """

    actor_id: str
    hops: int
    neighbours: tuple[Neighbour, ...]


def _grouped_edges(
    relations: Iterable[Relation], centre: str, excluded: str | None
) -> dict[str, list[Edge]]:
    groups: dict[str, list[Edge]] = {}
    for relation in relations:
        # The source of an event is linked to each other party of it (its target and its
        # participants), a party to its source: one event, once per pair, as in the matrix.
        if relation.source == centre:
            others: Iterable[str] = (relation.target, *relation.participants)
        else:
            others = (relation.source,)
        direction = Direction.OUT if relation.source == centre else Direction.IN
        # An offer, a possibility or a denial is marked: never read as the act.
        label = type_label(relation.type, relation.modality)
        edge = Edge(relation.id, label, relation.polarity, direction)
        for other in dict.fromkeys(others):
            if other != centre and other != excluded:
                groups.setdefault(other, []).append(edge)
    return groups


def neighbourhood(kb: KnowledgeBase, actor_id: str, hops: int = 1) -> Neighbourhood:
    """The actors related to ``actor_id`` within ``hops`` (1 or 2), as a tree."""
    if hops not in (1, 2):
        raise ValueError(f"hops must be 1 or 2, not {hops}")
    neighbours = []
    for other, edges in _grouped_edges(kb.relations_of(actor_id), actor_id, None).items():
        children: tuple[Neighbour, ...] = ()
        if hops == 2:
            second = _grouped_edges(kb.relations_of(other), other, actor_id)
            children = tuple(
                Neighbour(far, 2, tuple(far_edges), ()) for far, far_edges in second.items()
            )
        neighbours.append(Neighbour(other, 1, tuple(edges), children))
    return Neighbourhood(actor_id, hops, tuple(neighbours))


# --- timeline ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A dated relation, or the publication of a source (a marker)."""

    date: str  # at its precision: "2017", "2017-08", "2017-08-14"
    precision: DatePrecision
    relation: Relation | None = None  # set for a relation entry
    source: Source | None = None  # set for a publication marker

    @property
    def is_publication(self) -> bool:
        return self.source is not None


def timeline(kb: KnowledgeBase, window: DateWindow | None = None) -> list[TimelineEntry]:
    """Dated relations in date order, with each source's publication date as a marker.

    Dates of different precision sort by the start of their period, the less precise first
    (``2017`` < ``2017-08`` < ``2017-08-01``): that is plain ISO string order. Relations of
    the same date keep file order; a publication marker follows the relations of its day.
    With a ``window`` only entries whose period overlaps it are kept (``filters`` module).
    """
    window = window or DateWindow()
    keyed: list[tuple[str, int, int, TimelineEntry]] = []
    for index, relation in enumerate(kb.relations):
        if relation.date is not None and window.overlaps(relation.date):
            precision = precision_of(relation.date)
            entry = TimelineEntry(relation.date, precision, relation=relation)
            keyed.append((relation.date, 0, index, entry))
    for index, source in enumerate(kb.sources):
        date = source.published_date
        if window.overlaps(date):
            entry = TimelineEntry(date, DatePrecision.DAY, source=source)
            keyed.append((date, 1, index, entry))
    keyed.sort(key=lambda item: item[:3])
    return [entry for *_, entry in keyed]
