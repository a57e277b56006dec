"""What the relation pane lists for an actor: its relations, then its stances."""

from __future__ import annotations

from ..claims import ItemRef, claim_by_ref
from ..model import (
    Attribute,
    Evidence,
    KnowledgeBase,
    Relation,
    polarity_sign,
    signed_number,
    status_label,
)
from ..sanitize import display
from ..wording import modal_phrase, qualifiers


def items_of(
    kb: KnowledgeBase, actor_id: str | None, *, with_affiliates: bool = False
) -> list[ItemRef]:
    """The relations of an actor (outgoing and incoming, in file order), its attributes,
    then its stances; ``with_affiliates``: then those of its people and bodies
    (``KnowledgeBase.affiliates_of``), each claim once, saying whose it is."""
    if actor_id is None:
        return []
    found = _claims_of(kb, actor_id, None)
    if with_affiliates:
        listed = {item.key for item in found}
        for affiliate in kb.affiliates_of(actor_id):
            for item in _claims_of(kb, affiliate, affiliate):
                if item.key not in listed:
                    listed.add(item.key)
                    found.append(item)
    return found


def _claims_of(kb: KnowledgeBase, actor_id: str, via: str | None) -> list[ItemRef]:
    found = [ItemRef("relation", relation.id, via) for relation in kb.relations_of(actor_id)]
    found += [ItemRef("attribute", attribute.id, via) for attribute in kb.attributes_of(actor_id)]
    found += [ItemRef("stance", stance.id, via) for stance in kb.stances_of(actor_id)]
    return found


def why_no_actor(kb: KnowledgeBase, unfiltered: KnowledgeBase) -> str:
    """What an empty actor list means: the filters hid every actor, or there is none."""
    if kb.actors:
        return "No actor highlighted."
    if unfiltered.actors:
        return "The filters hide every actor: F to edit them, X to clear them."
    return "This knowledge base has no actors."


def why_no_items(
    kb: KnowledgeBase,
    unfiltered: KnowledgeBase,
    actor_id: str | None,
    *,
    with_affiliates: bool = False,
) -> str:
    """Why ``items_of(kb, actor_id, with_affiliates=...)`` is empty, display-safe: the actor
    (and its people) have nothing, or the filters (``kb`` is ``unfiltered`` filtered) hid
    all they have. Empty when it is not."""
    if actor_id is None or actor_id not in kb.actor_by_id:
        return why_no_actor(kb, unfiltered)
    if items_of(kb, actor_id, with_affiliates=with_affiliates):
        return ""
    name = actor_name(kb, actor_id)
    with_affiliates = with_affiliates and bool(unfiltered.affiliates_of(actor_id))
    whose = f"{name} and its people" if with_affiliates else name
    if items_of(unfiltered, actor_id, with_affiliates=with_affiliates):
        return (
            f"The filters hide every relation and stance of {whose}: "
            "F to edit them, X to clear them."
        )
    if with_affiliates:
        return f"Neither {name} nor its people have relations or stances."
    return f"{name} has no relations or stances."


def evidence_of(kb: KnowledgeBase, item: ItemRef | None) -> tuple[Evidence, ...]:
    """Every quote of a claim to step through: its evidence, then its caveats."""
    claim = claim_by_ref(kb, item)
    return (*claim.evidence, *claim.caveats) if claim is not None else ()


def is_caveat(kb: KnowledgeBase, item: ItemRef | None, index: int) -> bool:
    """Whether quote ``index`` of ``evidence_of`` is a caveat rather than evidence."""
    claim = claim_by_ref(kb, item)
    return claim is not None and index >= len(claim.evidence)


def actor_name(kb: KnowledgeBase, actor_id: str) -> str:
    actor = kb.actor_by_id.get(actor_id)
    return display(actor.name) if actor is not None else display(actor_id)


def describe_item(kb: KnowledgeBase, item: ItemRef | None) -> str:
    """The highlighted claim in full, every field on show: what the panes above abbreviate."""
    if item is None:
        return ""
    if item.kind == "attribute":
        attribute = kb.attribute_by_id.get(item.id)
        if attribute is None:
            return ""
        lead = f"{actor_name(kb, attribute.actor)}: {display(attribute.type)}"
        return _claim_text(kb, attribute, [lead])
    if item.kind == "stance":
        stance = kb.stance_by_id.get(item.id)
        if stance is None:
            return ""
        issue = kb.issue_by_id.get(stance.issue)
        label = issue.label if issue is not None else stance.issue
        stand = "" if stance.stand is None else f" · stand {signed_number(stance.stand)}"
        support = "".join(f" · {display(words)}" for words in _standing(kb, "stances", stance))
        return (
            f"{display(' · '.join(qualifiers(kb, stance)))}{stand}{support}\n"
            f"{actor_name(kb, stance.actor)} on {display(label)}: "
            f"{display(stance.position)}"
        )
    relation = kb.relation_by_id.get(item.id)
    if relation is None:
        return ""
    parties = f"{actor_name(kb, relation.source)} {modal_phrase(relation.type, relation.modality)} "
    parties += actor_name(kb, relation.target)
    if relation.participants:
        parties += ", with " + ", ".join(actor_name(kb, p) for p in relation.participants)
    sign = f"{polarity_sign(relation.polarity)} ({signed_number(relation.polarity)})"
    return _claim_text(kb, relation, [parties, sign])


def _standing(kb: KnowledgeBase, section: str, claim) -> list[str]:
    """How many sources and independent origins back the claim (when the knowledge base
    has more than one source: with one, the count says nothing), and its disputes."""
    from ..corroboration import origins
    from ..disputes import status_words

    support = [origins(kb).support(claim).describe()] if len(kb.sources) > 1 else []
    return [*support, *status_words(kb, section, claim.id)]


def _claim_text(kb: KnowledgeBase, claim: Relation | Attribute, lead: list[str]) -> str:
    """A relation or an attribute in full: who asserts it, its hedges, modality and
    verification first (in a short pane the first line is the one that stays in view, and
    a claim must never read as more certain than it is), then what, when and where, the
    summary and the coder's note."""
    when = claim.date or "undated"
    if claim.date_phrase:
        when += f" (“{display(claim.date_phrase)}”)"
    facts = [*lead, when, status_label(claim)]
    valid_from, valid_to = getattr(claim, "valid_from", None), getattr(claim, "valid_to", None)
    if valid_from or valid_to:
        facts.append(f"{valid_from or '…'} to {valid_to or '…'}")
    if claim.location is not None:
        facts.append(f"in “{display(claim.location.place)}”")
    if claim.fatalities is not None:
        facts.append(f"{claim.fatalities.count} killed")
    section = "relations" if isinstance(claim, Relation) else "attributes"
    facts += [display(words) for words in _standing(kb, section, claim)]
    lines = [display(" · ".join(qualifiers(kb, claim))), " · ".join(facts)]
    lines.append(display(claim.summary))
    if claim.notes:
        lines.append(f"Coder's note: {display(claim.notes)}")
    return "\n".join(lines)
