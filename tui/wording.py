"""How a claim reads in words: its verb with its modality, and its qualifiers.

Pure core (no Textual): the detail pane, the claim block and the exports say a claim the
same way, so that an offer reads as an offer everywhere ("offers to mediate").
"""

from __future__ import annotations

from .model import Confidence, Hedge, KnowledgeBase, Modality

# How a relation type reads between two names where it is not a plain verb.
_TYPE_PHRASES = {"member-of": "is a member of", "other": "is related to"}
# The bare verb, for "offers to …", "could …", "does not …".
_BARE = {"member-of": "be a member of", "other": "be related to", "leads": "lead"}


def type_phrase(relation_type: str) -> str:
    """A relation type as it reads in a sentence: "visits", "deals with", "is related to"."""
    return _TYPE_PHRASES.get(relation_type, relation_type.replace("-", " "))


def bare_verb(relation_type: str) -> str:
    """The type as a bare verb: "mediate", "deal with", "be a member of"."""
    if relation_type in _BARE:
        return _BARE[relation_type]
    verb, _, rest = relation_type.partition("-")
    verb = verb[:-1] if verb.endswith("s") else verb
    return " ".join(part for part in (verb, rest) if part)


def modal_phrase(relation_type: str, modality: Modality) -> str:
    """The verb with its modality: "mediates", "offers to mediate", "could lead",
    "does not back", "agrees to" (a commitment)."""
    bare = bare_verb(relation_type)
    if modality is Modality.INTENT:
        return f"offers or intends to {bare}"
    if modality is Modality.HYPOTHETICAL:
        return f"could {bare}"
    if modality is Modality.NEGATED:
        return f"does not {bare}"
    if modality is Modality.AGREEMENT:
        return f"commits to {bare}" if relation_type != "agrees" else "agrees (a commitment) with"
    return type_phrase(relation_type)


MODALITY_WORDS = {
    Modality.INTENT: "an offer or intent, not an act",
    Modality.AGREEMENT: "a commitment about the future",
    Modality.HYPOTHETICAL: "hypothetical",
    Modality.NEGATED: "negated: it did not happen",
}


def asserted(kb: KnowledgeBase, asserted_by: str | None, confidence: Confidence) -> str:
    """Who asserts a claim and how firmly: "per US military (attributed)", or "stated"."""
    if asserted_by is None:
        return confidence.value
    actor = kb.actor_by_id.get(asserted_by)
    name = actor.name if actor is not None else asserted_by
    return f"per {name} ({confidence.value})"


def hedge_phrase(kb: KnowledgeBase, hedge: Hedge) -> str:
    """ "alleged: target", "attributed: claim (US military)"."""
    who = ""
    if hedge.asserted_by is not None:
        actor = kb.actor_by_id.get(hedge.asserted_by)
        who = f" ({actor.name if actor is not None else hedge.asserted_by})"
    return f"{hedge.cue.value}: {hedge.applies_to}{who}"


def qualifiers(kb: KnowledgeBase, claim) -> list[str]:
    """What qualifies a claim, in the order a reader needs it: who asserts it and how
    firmly, its hedges, its modality, what the source says of confirmation."""
    found = [asserted(kb, claim.asserted_by, claim.confidence)]
    found += [hedge_phrase(kb, hedge) for hedge in claim.hedges if not _restates(claim, hedge)]
    if claim.modality is not Modality.ACTUAL:
        found.append(MODALITY_WORDS[claim.modality])
    verification = getattr(claim, "verification", None)
    if verification is not None:
        found.append(verification.value)
    if claim.caveats:
        found.append(f"{len(claim.caveats)} caveat{'s' * (len(claim.caveats) != 1)}")
    return found


def _restates(claim, hedge: Hedge) -> bool:
    """Whether a hedge only repeats the claim's own confidence ("per US military
    (attributed)" already says "attributed: claim (US military)"); its quote still shows."""
    return (
        hedge.applies_to == "claim"
        and hedge.cue is claim.confidence
        and hedge.asserted_by in (None, claim.asserted_by)
    )


_MODALITY_MARKS = {
    Modality.INTENT: "intent",
    Modality.HYPOTHETICAL: "could",
    Modality.NEGATED: "not",
}


def type_label(relation_type: str, modality: Modality) -> str:
    """A relation type for a column or an edge, marked unless it is an act:
    "mediates (intent)", "leads (could)", "backs (not)"."""
    mark = _MODALITY_MARKS.get(modality)
    return f"{relation_type} ({mark})" if mark else relation_type
