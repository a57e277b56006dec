"""`stakeholders search` and `stakeholders show`: the app's search, and what its detail and
source panes say of one item, as lines of text or of JSON for scripts.

Pure core (no Textual). Text lines go through ``sanitize.display``; in JSON lines, what
``display`` would replace is escaped instead, so nothing from a data file can act on the
terminal and a JSON reader still gets the exact text back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from functools import lru_cache

from .claims import KIND_OF, ItemKind, ItemRef, claim_by_ref
from .detail import describe, plain
from .export import _actor_json, _attribute_json, _relation_json, _stance_json
from .loader import _closest
from .model import Actor, Attribute, Evidence, KnowledgeBase, Relation, Stance
from .sanitize import display, truncate
from .search import KINDS, Hit, SearchIndex
from .widgets.items import describe_item, evidence_of, is_caveat, items_of

CLAIM_KINDS: tuple[ItemKind, ...] = tuple(KIND_OF.values())
ITEM_LINE_WIDTH = 100  # characters of a summary in the list of an actor's items


_NOT_PRINTABLE_ASCII = re.compile("[^\x20-\x7e]")


def _json_line(data: dict[str, object]) -> str:
    """``data`` as one line of JSON: text stays readable, but a character the app shows as
    a stand-in (a control, a bidirectional override, an invisible one) is a \\u escape."""
    return _NOT_PRINTABLE_ASCII.sub(_escape_unsafe, json.dumps(data, ensure_ascii=False))


@lru_cache(maxsize=4096)
def _escaped(char: str) -> str:
    if display(char) == char:
        return char
    units = char.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))


def _escape_unsafe(match: re.Match[str]) -> str:
    return _escaped(match.group())


# --- search ------------------------------------------------------------------------------


def search_lines(
    kb: KnowledgeBase,
    query: str,
    *,
    kinds: Collection[str] = KINDS,
    limit: int,
    as_json: bool = False,
) -> Iterator[str]:
    """One line a hit, best first: ``kind<TAB>label<TAB>context``, or a JSON object."""
    for hit in SearchIndex(kb).search(query, limit, kinds):
        if as_json:
            yield _json_line(_hit_json(kb, hit))
        else:
            # display() shows a tab in the data as \x09: the columns stay three.
            yield f"{hit.kind}\t{display(hit.label)}\t{display(hit.context)}"


def _hit_json(kb: KnowledgeBase, hit: Hit) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": hit.kind,
        "label": hit.label,
        "context": hit.context,
        "actor_id": hit.actor_id,
        "relation_id": hit.relation_id,
        "attribute_id": hit.attribute_id,
        "stance_id": hit.stance_id,
    }
    if hit.kind == "quote":
        evidence = _hit_evidence(kb, hit)
        data.update(
            quote_index=hit.evidence_index,
            source=evidence.source,
            start=evidence.start,
            end=evidence.end,
        )
    return data


def _hit_evidence(kb: KnowledgeBase, hit: Hit) -> Evidence:
    """The quote a quote hit points at (search finds evidence, never caveats)."""
    if hit.relation_id is not None:
        ref = ItemRef("relation", hit.relation_id)
    elif hit.attribute_id is not None:
        ref = ItemRef("attribute", hit.attribute_id)
    else:
        assert hit.stance_id is not None
        ref = ItemRef("stance", hit.stance_id)
    claim = claim_by_ref(kb, ref)
    assert claim is not None
    return claim.evidence[hit.evidence_index]


# --- show --------------------------------------------------------------------------------


class UnknownId(LookupError):
    """No actor, relation, attribute or stance has the id; ``str()`` says so, display-safe,
    with the closest ids there are."""


def show_lines(kb: KnowledgeBase, item_id: str, *, as_json: bool = False) -> list[str]:
    """What the app shows of the items with id ``item_id``: an actor, a relation, an
    attribute or a stance (a relation and a stance may share an id: each is shown), as
    text, or as one JSON object an item. Raises ``UnknownId``."""
    actor = kb.resolve_actor(item_id)  # an old id (`merged_from`) finds its actor
    claims = [ItemRef(kind, item_id) for kind in CLAIM_KINDS]
    claims = [ref for ref in claims if claim_by_ref(kb, ref) is not None]
    if actor is None and not claims:
        raise UnknownId(_unknown_message(kb, item_id))
    if as_json:
        objects = [_actor_json_object(kb, actor)] if actor is not None else []
        objects += [_claim_json_object(kb, ref) for ref in claims]
        return [_json_line(data) for data in objects]
    blocks = [_actor_text(kb, actor)] if actor is not None else []
    blocks += [_claim_text(kb, ref) for ref in claims]
    return "\n\n".join(blocks).split("\n")


def _unknown_message(kb: KnowledgeBase, item_id: str) -> str:
    """The id is unknown: the closest id of each kind, found as the loader finds the key a
    misspelt one meant (none for an id longer than the loader would look up)."""
    known = {
        "actor": kb.actor_by_id,
        "relation": kb.relation_by_id,
        "attribute": kb.attribute_by_id,
        "stance": kb.stance_by_id,
    }
    close = []
    for kind, ids in known.items():
        match = _closest(item_id, tuple(sorted(ids))) if ids else None
        if match is not None:
            close.append(f"{truncate(display(match), 60)!r} ({kind})")
    shown = truncate(display(item_id), 60)
    message = f"no actor, relation, attribute or stance has the id {shown!r}"
    if close:
        return f"{message}; did you mean {' or '.join(close)}?"
    return f"{message}; `stakeholders search WORDS` finds items by what they say"


def _actor_text(kb: KnowledgeBase, actor: Actor) -> str:
    merged = f" (merged from {', '.join(actor.merged_from)})" if actor.merged_from else ""
    lines = [f"actor {display(actor.id)}{merged}", plain(describe(kb, actor.id))]
    items = items_of(kb, actor.id)
    if items:
        # What the relation pane lists, by id: each is a `stakeholders show ID` away.
        lines += ["", "Relations, attributes and stances:"]
        lines += [f"  {_item_line(kb, ref)}" for ref in items]
    return "\n".join(lines)


def _item_line(kb: KnowledgeBase, ref: ItemRef) -> str:
    claim = claim_by_ref(kb, ref)
    said = f"{claim.issue}: {claim.position}" if isinstance(claim, Stance) else claim.summary
    return f"{ref.kind} {display(ref.id)}: {truncate(display(said), ITEM_LINE_WIDTH)}"


def _claim_text(kb: KnowledgeBase, ref: ItemRef) -> str:
    """The source pane's claim block, then every quote it steps through, each with its
    citation and where it lies in its source."""
    lines = [f"{ref.kind} {display(ref.id)}", describe_item(kb, ref)]
    quotes = evidence_of(kb, ref)
    for index, evidence in enumerate(quotes):
        # Numbered as the pane's title numbers them: "quote 2 of 3", "caveat 3 of 3".
        what = "caveat" if is_caveat(kb, ref, index) else "quote"
        source = kb.source_by_id[evidence.source]
        quote = display(evidence.quote, keep_newlines=True).replace("\n", "\n  ")
        lines += [
            "",
            f"{what} {index + 1} of {len(quotes)} · source {display(evidence.source)} · "
            f"characters {evidence.start}–{evidence.end}",
            f"  {display(source.citation())}",
            f"  “{quote}”",
        ]
    return "\n".join(lines)


def _actor_json_object(kb: KnowledgeBase, actor: Actor) -> dict[str, object]:
    return {
        "kind": "actor",
        "id": actor.id,
        "detail": plain(describe(kb, actor.id)),
        "record": _actor_json(actor),
        "items": [{"kind": ref.kind, "id": ref.id} for ref in items_of(kb, actor.id)],
        # The quotes its detail shows: its stances' evidence.
        "quotes": [
            _quote_json(kb, evidence, "evidence", stance_id=stance.id)
            for stance in kb.stances_of(actor.id)
            for evidence in stance.evidence
        ],
    }


def _claim_json_object(kb: KnowledgeBase, ref: ItemRef) -> dict[str, object]:
    claim = claim_by_ref(kb, ref)
    if isinstance(claim, Relation):
        record = _relation_json(claim, kb)
    elif isinstance(claim, Attribute):
        record = _attribute_json(claim, kb)
    else:
        assert isinstance(claim, Stance)
        record = _stance_json(claim, kb)
    return {
        "kind": ref.kind,
        "id": ref.id,
        "detail": describe_item(kb, ref),
        "record": record,
        "quotes": [
            _quote_json(kb, evidence, "caveat" if is_caveat(kb, ref, index) else "evidence")
            for index, evidence in enumerate(evidence_of(kb, ref))
        ],
    }


def _quote_json(
    kb: KnowledgeBase, evidence: Evidence, role: str, **owner: str
) -> dict[str, object]:
    source = kb.source_by_id[evidence.source]
    return {
        "role": role,
        **owner,
        "quote": evidence.quote,
        "source": evidence.source,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published,
        "start": evidence.start,
        "end": evidence.end,
    }
