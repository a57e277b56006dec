"""What the relation pane lists for an actor: its relations, then its stances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import Evidence, KnowledgeBase

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
