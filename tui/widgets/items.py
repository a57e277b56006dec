"""What the relation pane lists for an actor: its relations, then its stances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import Evidence, KnowledgeBase, Relation, polarity_sign, signed_number
from ..sanitize import display

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
    if item is None:
        return ()
    if item.kind == "relation":
        relation = kb.relation_by_id.get(item.id)
        return relation.evidence if relation is not None else ()
    stance = kb.stance_by_id.get(item.id)
    return stance.evidence if stance is not None else ()


def actor_name(kb: KnowledgeBase, actor_id: str) -> str:
    actor = kb.actor_by_id.get(actor_id)
    return display(actor.name) if actor is not None else display(actor_id)


# How a relation type reads between two names where it is not a plain verb.
_TYPE_PHRASES = {"member-of": "is a member of", "other": "is related to"}


def type_phrase(relation_type: str) -> str:
    """A relation type as it reads in a sentence: "visits", "deals with", "is related to"."""
    return _TYPE_PHRASES.get(relation_type, relation_type.replace("-", " "))


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
        return (
            f"{actor_name(kb, stance.actor)} on {display(stance.issue)}: "
            f"{display(stance.position)}"
        )
    relation = kb.relation_by_id.get(item.id)
    if relation is None:
        return ""
    when = relation.date or "undated"
    if relation.date_phrase:
        when += f" (“{display(relation.date_phrase)}”)"
    facts = " · ".join(
        (
            f"{actor_name(kb, relation.source)} {type_phrase(relation.type)} "
            f"{actor_name(kb, relation.target)}",
            f"{polarity_sign(relation.polarity)} ({signed_number(relation.polarity)})",
            when,
            relation.status.value,
            f"per {claim_of(kb, relation)}" if relation.asserted_by else claim_of(kb, relation),
        )
    )
    # The summary first: in a short pane it is the line that stays in view.
    return f"{display(relation.summary)}\n{facts}"
