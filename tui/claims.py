"""A claim (a relation, attribute or stance) named by its kind and id, and finding it in a
knowledge base: how the panes list claims and how a dispute's two claims are looked up.

Pure core: no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .model import Attribute, KnowledgeBase, Relation, Stance

ItemKind = Literal["relation", "attribute", "stance"]

KIND_OF: dict[str, ItemKind] = {
    "relations": "relation",
    "attributes": "attribute",
    "stances": "stance",
}
"""The kind of claim each section of the file lists (``edit.SECTION_OF`` the other way)."""


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A relation, attribute or stance, by id; ``via``: the affiliate of the highlighted
    actor whose claim it is, when the pane includes what its people did."""

    kind: ItemKind
    id: str
    via: str | None = None

    @property
    def key(self) -> str:
        """A row key that cannot clash between a relation and a stance of the same id."""
        return f"{self.kind}:{self.id}"


def claim_by_ref(
    kb: KnowledgeBase, item: ItemRef | None
) -> Relation | Attribute | Stance | None:
    if item is None:
        return None
    if item.kind == "relation":
        return kb.relation_by_id.get(item.id)
    if item.kind == "attribute":
        return kb.attribute_by_id.get(item.id)
    return kb.stance_by_id.get(item.id)
