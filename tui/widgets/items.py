"""What the relation pane lists for an actor: its relations, then its stances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import (
    ClaimKind,
    Evidence,
    KnowledgeBase,
    Relation,
    Stance,
    polarity_sign,
    signed_number,
    status_label,
)
from ..sanitize import display
from ..wording import modal_phrase, qualifiers

ItemKind = Literal["relation", "stance"]


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A relation or a stance, by id."""

    kind: ItemKind
    id: str

    @property
    def key(self) -> str:
        """A row key that cannot clash between a relation and a stance of the same id."""
        return f"{self.kind}:{self.id}"


def items_of(kb: KnowledgeBase, actor_id: str | None) -> list[ItemRef]:
    """The relations of an actor (outgoing and incoming, in file order), then its stances."""
    if actor_id is None:
        return []
    found = [ItemRef("relation", relation.id) for relation in kb.relations_of(actor_id)]
    found += [ItemRef("stance", stance.id) for stance in kb.stances_of(actor_id)]
    return found


def evidence_of(kb: KnowledgeBase, item: ItemRef | None) -> tuple[Evidence, ...]:
    """Every quote of a claim to step through: its evidence, then its caveats."""
    claim = claim_of_item(kb, item)
    return (*claim.evidence, *claim.caveats) if claim is not None else ()


def is_caveat(kb: KnowledgeBase, item: ItemRef | None, index: int) -> bool:
    """Whether quote ``index`` of ``evidence_of`` is a caveat rather than evidence."""
    claim = claim_of_item(kb, item)
    return claim is not None and index >= len(claim.evidence)


def claim_of_item(kb: KnowledgeBase, item: ItemRef | None) -> Relation | Stance | None:
    if item is None:
        return None
    if item.kind == "relation":
        return kb.relation_by_id.get(item.id)
    return kb.stance_by_id.get(item.id)


def actor_name(kb: KnowledgeBase, actor_id: str) -> str:
    actor = kb.actor_by_id.get(actor_id)
    return display(actor.name) if actor is not None else display(actor_id)


def claim_of(kb: KnowledgeBase, relation: Relation) -> str:
    """Who asserts a relation and how firmly: "US military (attributed)", or "reported"."""
    if relation.asserted_by is None:
        return relation.confidence.value
    return f"{actor_name(kb, relation.asserted_by)} ({relation.confidence.value})"


def describe_item(kb: KnowledgeBase, item: ItemRef | None) -> str:
    """The highlighted claim in full, every field on show: what the panes above abbreviate."""
    if item is None:
        return ""
    if item.kind == "stance":
        stance = kb.stance_by_id.get(item.id)
        if stance is None:
            return ""
        issue = kb.issue_by_id.get(stance.issue)
        label = issue.label if issue is not None else stance.issue
        stand = "" if stance.stand is None else f" · stand {signed_number(stance.stand)}"
        return (
            f"{display(' · '.join(qualifiers(kb, stance)))}{stand}\n"
            f"{actor_name(kb, stance.actor)} on {display(label)}: "
            f"{display(stance.position)}"
        )
    relation = kb.relation_by_id.get(item.id)
    if relation is None:
        return ""
    when = relation.date or "undated"
    if relation.date_phrase:
        when += f" (“{display(relation.date_phrase)}”)"
    parties = f"{actor_name(kb, relation.source)} {modal_phrase(relation.type, relation.modality)} "
    parties += actor_name(kb, relation.target)
    if relation.participants:
        parties += ", with " + ", ".join(actor_name(kb, p) for p in relation.participants)
    facts = [
        parties,
        f"{polarity_sign(relation.polarity)} ({signed_number(relation.polarity)})",
        when,
        status_label(relation),
    ]
    if relation.kind is ClaimKind.TIE and (relation.valid_from or relation.valid_to):
        facts.append(f"{relation.valid_from or '…'} to {relation.valid_to or '…'}")
    if relation.location is not None:
        facts.append(f"in “{display(relation.location.place)}”")
    if relation.fatalities is not None:
        facts.append(f"{relation.fatalities.count} killed")
    # Who asserts it, its hedges, modality and verification first: in a short pane the first
    # line is the one that stays in view, and it must never read as more certain than it is.
    lines = [display(" · ".join(qualifiers(kb, relation))), " · ".join(facts)]
    lines.append(display(relation.summary))
    if relation.notes:
        lines.append(f"Coder's note: {display(relation.notes)}")
    return "\n".join(lines)
