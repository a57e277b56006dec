"""Disputes: where sources (or the people they quote) disagree. Kept and shown, never
resolved by the tool.

A claim can say what the analyst decided: ``contradicts: [ids]`` (a conflict: both stay,
each attributed), ``supersedes: id`` (a later report replaces an earlier one) or
``consistent_with: [ids]`` (checked: both true). Beyond those, candidate disputes are found:

- ``date``: the same event (same type, same parties) dated differently, from different
  sources or asserters (the periods the two dates name do not overlap: "2017-09" and
  "2017-09-24" do not disagree);
- ``polarity``: the same pair with opposite polarities, both current ties, over
  overlapping dates, from different sources or asserters;
- ``stand``: the same actor and issue with opposite stands, from different sources or
  asserters.

A candidate the analyst has decided is no longer a candidate; it is listed with its
decision. Pure core: no Textual.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from .claims import KIND_OF, ItemRef, claim_by_ref
from .filters import date_span
from .model import ClaimKind, KnowledgeBase, Relation, Stance, Status

CANDIDATE = "candidate"
CONFLICT = "conflict"
SUPERSEDED = "superseded"
BOTH_TRUE = "both true"

DATE, POLARITY, STAND = "date", "polarity", "stand"


@dataclass(frozen=True, slots=True)
class Dispute:
    """Two claims of one section that may disagree."""

    section: str  # "relations", "attributes" or "stances"
    first: str  # claim ids; for a supersession, `first` is the later claim
    second: str
    kind: str  # DATE, POLARITY, STAND, or "" for a decision with no candidate behind it
    state: str  # CANDIDATE, CONFLICT, SUPERSEDED or BOTH_TRUE
    reason: str

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.first, self.second))

    def ref(self, claim_id: str) -> ItemRef:
        """One of its two claims, for ``claims.claim_by_ref``."""
        return ItemRef(KIND_OF[self.section], claim_id)


def _voices(claim) -> set[tuple[str, str | None]]:
    """Who says it: each of its sources, with the actor the source quotes, if any."""
    return {(evidence.source, claim.asserted_by) for evidence in claim.evidence}


def _different_voices(first, second) -> bool:
    return _voices(first) != _voices(second) and not (_voices(first) & _voices(second))


def _overlap(first: str | None, second: str | None) -> bool:
    if first is None or second is None:
        return True
    first_span, second_span = date_span(first), date_span(second)
    return first_span[0] <= second_span[1] and second_span[0] <= first_span[1]


def _validity(relation: Relation) -> tuple[str | None, str | None]:
    start = relation.valid_from or relation.date
    return start, relation.valid_to


def _periods_overlap(first: Relation, second: Relation) -> bool:
    (first_from, first_to), (second_from, second_to) = _validity(first), _validity(second)
    low = max((date_span(d)[0] for d in (first_from, second_from) if d), default=None)
    high = min((date_span(d)[1] for d in (first_to, second_to) if d), default=None)
    return low is None or high is None or low <= high


def _sign(value: int | None) -> int:
    return 0 if not value else (1 if value > 0 else -1)


def _date_dispute(first: Relation, second: Relation) -> Dispute | None:
    if (first.date and second.date and not _overlap(first.date, second.date)
            and _different_voices(first, second)):
        return Dispute("relations", first.id, second.id, DATE, CANDIDATE,
                       f"the same {first.type} event dated {first.date} and {second.date}")
    return None


def _polarity_dispute(first: Relation, second: Relation) -> Dispute | None:
    if (_sign(first.polarity) != _sign(second.polarity)
            and _periods_overlap(first, second) and _different_voices(first, second)):
        return Dispute("relations", first.id, second.id, POLARITY, CANDIDATE,
                       f"opposite polarities on one pair ({first.polarity:+d} {first.type}, "
                       f"{second.polarity:+d} {second.type}), both current")
    return None


def _stand_dispute(first: Stance, second: Stance) -> Dispute | None:
    if _sign(first.stand) != _sign(second.stand) and _different_voices(first, second):
        return Dispute("stances", first.id, second.id, STAND, CANDIDATE,
                       f"opposite stands on {first.issue} ({first.stand:+d}, {second.stand:+d})")
    return None


def _event_key(relation: Relation) -> tuple | None:
    if relation.kind is ClaimKind.EVENT and relation.date:
        return (relation.type, frozenset(relation.parties))
    return None


def _tie_key(relation: Relation) -> frozenset | None:
    if (relation.kind is ClaimKind.TIE and relation.status is Status.CURRENT
            and _sign(relation.polarity)):
        return frozenset((relation.source, relation.target))
    return None


def _stance_key(stance: Stance) -> tuple | None:
    return (stance.actor, stance.issue) if _sign(stance.stand) else None


def candidates(kb: KnowledgeBase) -> list[Dispute]:
    """Every candidate dispute of ``kb``, decided or not (see `disputes`)."""
    found: list[Dispute] = []
    events: dict[tuple, list[Relation]] = defaultdict(list)
    ties: dict[frozenset, list[Relation]] = defaultdict(list)
    for relation in kb.relations:
        if (key := _event_key(relation)) is not None:
            events[key].append(relation)
        elif (pair := _tie_key(relation)) is not None:
            ties[pair].append(relation)
    for group in events.values():
        found += filter(None, (_date_dispute(a, b) for a, b in combinations(group, 2)))
    for group in ties.values():
        # Only opposite signs can disagree: the positive ones against the negative ones.
        positive = [r for r in group if r.polarity > 0]
        negative = [r for r in group if r.polarity < 0]
        found += filter(None, (_polarity_dispute(a, b) for a in positive for b in negative))
    stances: dict[tuple[str, str], list[Stance]] = defaultdict(list)
    for stance in kb.stances:
        if (key := _stance_key(stance)) is not None:
            stances[key].append(stance)
    for group in stances.values():
        found += filter(None, (_stand_dispute(a, b) for a, b in combinations(group, 2)))
    return found


def _candidates_of(kb: KnowledgeBase, section: str, claim_id: str) -> list[Dispute]:
    """The candidate disputes of one claim: only the claims of its own pair are compared
    (among the relations of one of its actors), cheap enough for every cursor move."""
    if section == "relations":
        relation = kb.relation_by_id.get(claim_id)
        if relation is None:
            return []
        others = [r for r in kb.relations_of(relation.source) if r.id != claim_id]
        if (key := _event_key(relation)) is not None:
            return list(filter(None, (_date_dispute(relation, r) for r in others
                                      if _event_key(r) == key)))
        if (pair := _tie_key(relation)) is not None:
            return list(filter(None, (_polarity_dispute(relation, r) for r in others
                                      if _tie_key(r) == pair)))
        return []
    if section == "stances":
        stance = kb.stance_by_id.get(claim_id)
        if stance is None or (key := _stance_key(stance)) is None:
            return []
        return list(filter(None, (_stand_dispute(stance, s) for s in kb.stances_of(stance.actor)
                                  if s.id != claim_id and _stance_key(s) == key)))
    return []


_last: tuple[KnowledgeBase, dict] | None = None


def _decisions(kb: KnowledgeBase) -> dict[tuple[str, frozenset[str]], tuple[str, str, str]]:
    """(section, pair) -> (state, first, second) for every decision the file records,
    worked out once per knowledge base."""
    global _last
    if _last is None or _last[0] is not kb:
        decided: dict[tuple[str, frozenset[str]], tuple[str, str, str]] = {}
        for section, claims in (("relations", kb.relations), ("attributes", kb.attributes),
                                ("stances", kb.stances)):
            for claim in claims:
                for other in claim.contradicts:
                    decided.setdefault((section, frozenset((claim.id, other))),
                                       (CONFLICT, claim.id, other))
                for other in claim.consistent_with:
                    decided.setdefault((section, frozenset((claim.id, other))),
                                       (BOTH_TRUE, claim.id, other))
                if claim.supersedes:
                    decided[(section, frozenset((claim.id, claim.supersedes)))] = (
                        SUPERSEDED, claim.id, claim.supersedes)
        _last = (kb, decided)
    return _last[1]


def _with_decisions(found: list[Dispute], decided: dict) -> list[Dispute]:
    """The candidates with the decisions taken on them, then the decisions on pairs that
    are no candidate: open candidates first, then conflicts, supersessions, both true."""
    decided = dict(decided)
    listed = []
    for dispute in found:
        decision = decided.pop((dispute.section, dispute.pair), None)
        if decision is None:
            listed.append(dispute)
        else:
            state, first, second = decision
            listed.append(Dispute(dispute.section, first, second, dispute.kind, state,
                                  dispute.reason))
    for (section, _), (state, first, second) in decided.items():
        reason = {CONFLICT: "marked as contradicting", SUPERSEDED: "marked as superseding",
                  BOTH_TRUE: "marked as both true"}[state]
        listed.append(Dispute(section, first, second, "", state, reason))
    order = {CANDIDATE: 0, CONFLICT: 1, SUPERSEDED: 2, BOTH_TRUE: 3}
    return sorted(listed, key=lambda d: order[d.state])


def disputes(kb: KnowledgeBase) -> list[Dispute]:
    """Every dispute: the candidates, each with the analyst's decision if there is one, and
    every decision the file records (`contradicts`, `supersedes`, `consistent_with`)."""
    return _with_decisions(candidates(kb), _decisions(kb))


def disputes_of(kb: KnowledgeBase, section: str, claim_id: str) -> list[Dispute]:
    """The disputes one claim is in, decided or not."""
    decided = {key: value for key, value in _decisions(kb).items()
               if key[0] == section and claim_id in key[1]}
    return _with_decisions(_candidates_of(kb, section, claim_id), decided)


def contested(kb: KnowledgeBase) -> list[Dispute]:
    """What is still in dispute: open candidates and conflicts (not supersessions, not
    pairs marked both true)."""
    return [d for d in disputes(kb) if d.state in (CANDIDATE, CONFLICT)]


def later_of(kb: KnowledgeBase, dispute: Dispute) -> tuple[str, str]:
    """(later, earlier) of the two claims, by their sources' publication: the one a
    supersession keeps. Equal dates keep the order of the dispute."""
    def published(claim_id: str) -> str:
        claim = claim_by_ref(kb, dispute.ref(claim_id))
        dates = [kb.source_by_id[e.source].published for e in claim.evidence
                 if e.source in kb.source_by_id] if claim else []
        return max(dates, default="")

    if published(dispute.second) > published(dispute.first):
        return dispute.second, dispute.first
    return dispute.first, dispute.second


def decision_change(kb: KnowledgeBase, dispute: Dispute, state: str) -> tuple[str, str, dict]:
    """The edit that records a decision: (section, claim id, fields to set) for the one
    write path. A conflict and both-true go on the first claim; a supersession on the later
    one (by its sources' publication)."""
    section = dispute.section
    if state == SUPERSEDED:
        later, earlier = later_of(kb, dispute)
        return section, later, {"supersedes": earlier}
    key = "contradicts" if state == CONFLICT else "consistent_with"
    claim = claim_by_ref(kb, dispute.ref(dispute.first))
    existing = list(getattr(claim, key)) if claim else []
    return section, dispute.first, {key: [*existing, dispute.second]}


def status_words(kb: KnowledgeBase, section: str, claim_id: str) -> list[str]:
    """What the detail says of a claim's disputes: "in dispute with X (date)", "superseded
    by X", "supersedes X", "contradicted by X"; nothing for pairs marked both true."""
    words = []
    for dispute in disputes_of(kb, section, claim_id):
        other = dispute.second if dispute.first == claim_id else dispute.first
        if dispute.state == CANDIDATE:
            words.append(f"in dispute with {other} ({dispute.kind})")
        elif dispute.state == CONFLICT:
            words.append(f"contradicted by {other}" if dispute.second == claim_id
                         else f"contradicts {other}")
        elif dispute.state == SUPERSEDED:
            words.append(f"superseded by {other}" if dispute.second == claim_id
                         else f"supersedes {other}")
    return words
