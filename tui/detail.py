"""What the detail pane says of an actor: kind, aliases, affiliation, members, description,
claims and stances, as terminal-safe rich ``Text`` (never parsed as markup).

Pure core (no Textual): the explorer's detail pane lays it out, `stakeholders show` prints it.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from .model import KnowledgeBase
from .sanitize import display
from .widgets.items import actor_name, why_no_actor
from .wording import modal_phrase, qualifiers

FIELD_LIMIT = 2000  # characters of a description or position shown; the rest is counted
QUOTE_LIMIT = 300
MEMBERS_SHOWN = 20
MUTED = "dim"


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


ACTOR_LINK = "actor_link"
"""The style meta key that marks an actor's name in the detail, with the actor's id: the
detail pane steps through the marked names and follows one (Enter, or a click)."""


def link_style(actor_id: str) -> Style:
    return Style.from_meta({ACTOR_LINK: actor_id})


def _append_name(text: Text, kb: KnowledgeBase, actor_id: str, limit: int = QUOTE_LIMIT) -> None:
    """Append an actor's name (display-safe, cut to ``limit``), marked to be followed when
    ``kb`` has the actor (a dangling id is shown as it is, not marked)."""
    name = _cut(actor_name(kb, actor_id), limit)
    if actor_id in kb.actor_by_id:
        text.append(name, link_style(actor_id))
    else:
        text.append(name)


def _mark_names(text: Text, kb: KnowledgeBase, actor_ids: list[str | None], start: int) -> None:
    """Mark the first occurrence after ``start`` of each actor's name already in ``text``
    (the asserters a qualifier names: "per Mattia Toaldo (attributed)")."""
    after: dict[str, int] = {}  # an asserter named twice: its second mention is next
    for actor_id in actor_ids:
        if actor_id is None or actor_id not in kb.actor_by_id:
            continue
        name = actor_name(kb, actor_id)
        found = text.plain.find(name, after.get(actor_id, start))
        if found >= 0:
            text.stylize(link_style(actor_id), found, found + len(name))
            after[actor_id] = found + len(name)


def _qualified(text: Text, kb: KnowledgeBase, claim) -> None:
    """Append `` (per X (attributed) · ...)`` muted, the asserters' names marked."""
    start = len(text.plain)
    text.append(display(f" ({' · '.join(qualifiers(kb, claim))})"), MUTED)
    asserters = [claim.asserted_by, *(hedge.asserted_by for hedge in claim.hedges)]
    _mark_names(text, kb, asserters, start)


Block = tuple[str, Text]
"""A paragraph of the detail and its hanging prefix ("", "◆ " or two spaces): the prefix
starts its first line, and every line after it is indented as far."""

INDENT = "  "


def describe(
    kb: KnowledgeBase, actor_id: str | None, unfiltered: KnowledgeBase | None = None
) -> list[Block]:
    """The detail of an actor as terminal-safe rich text (never parsed as markup); with no
    actor, why (``kb`` being ``unfiltered`` filtered)."""
    actor = kb.actor_by_id.get(actor_id) if actor_id is not None else None
    if actor is None:
        return [("", Text(why_no_actor(kb, unfiltered or kb), style=MUTED))]
    # Names from the whole file: an actor the filters hide is still named (and marked; the
    # pane says the filters hide it when it is followed), never shown as a bare id.
    every = unfiltered or kb
    detail = Text()
    detail.append(display(_cut(actor.name, FIELD_LIMIT)), style="bold")
    if actor.name_note:
        detail.append("\nName: ", style=MUTED)
        detail.append(display(_cut(actor.name_note, FIELD_LIMIT)))
    detail.append("\n")
    detail.append(display(actor.kind), style="italic")
    if actor.affiliation is not None:
        detail.append(" · affiliated with ", style=MUTED)
        _append_name(detail, every, actor.affiliation)
    if actor.aliases:
        detail.append("\nAlso: ", style=MUTED)
        detail.append(", ".join(display(_cut(alias, QUOTE_LIMIT)) for alias in actor.aliases))
    if actor.description:
        detail.append("\n")
        detail.append(display(_cut(actor.description, FIELD_LIMIT), keep_newlines=True))
    for membership in actor.memberships:
        detail.append("\nPost: ", style=MUTED)
        detail.append(display(_cut(membership.role or "member", QUOTE_LIMIT)))
        detail.append(" of ")
        _append_name(detail, every, membership.organisation)
        if membership.start or membership.end:
            detail.append(f" ({membership.start or '…'} to {membership.end or '…'})", MUTED)
    if actor.identifiers:
        detail.append("\nIds: ", style=MUTED)
        detail.append(
            ", ".join(display(_cut(f"{s}:{i}", QUOTE_LIMIT)) for s, i in actor.identifiers)
        )
    if actor.notes:
        detail.append("\nNote: ", style=MUTED)
        detail.append(display(_cut(actor.notes, FIELD_LIMIT), keep_newlines=True))
    members = kb.members_of(actor.id)
    if members:
        detail.append("\nSpeaking for it: ", style=MUTED)
        for index, member in enumerate(members[:MEMBERS_SHOWN]):
            if index:
                detail.append(", ")
            _append_name(detail, every, member.id)
        if len(members) > MEMBERS_SHOWN:
            detail.append(f", and {len(members) - MEMBERS_SHOWN:,} more")
    blocks: list[Block] = [("", detail)]
    asserted = kb.asserted_by(actor.id)
    if asserted:
        # Claims it is the source of: otherwise an actor who only speaks would show nothing.
        blocks += [("", Text()), ("", Text(f"Says ({len(asserted)}):", style=MUTED))]
        for relation in asserted[:MEMBERS_SHOWN]:
            said = Text(display(_cut(relation.summary, QUOTE_LIMIT)))
            said.append(" (", MUTED)
            _append_name(said, every, relation.source)
            said.append(f" {modal_phrase(relation.type, relation.modality)} ", MUTED)
            _append_name(said, every, relation.target)
            said.append(")", MUTED)
            blocks.append((INDENT, said))
        if len(asserted) > MEMBERS_SHOWN:
            blocks.append((INDENT, Text(f"and {len(asserted) - MEMBERS_SHOWN:,} more", MUTED)))
    attributes = kb.attributes_of(actor.id)
    if attributes:
        # Claims about it alone ("controls much of the east"), each with its qualifiers.
        blocks += [("", Text()), ("", Text(f"About it ({len(attributes)}):", style=MUTED))]
        for attribute in attributes:
            about = Text(display(_cut(attribute.summary, FIELD_LIMIT)))
            _qualified(about, every, attribute)
            blocks.append((INDENT, about))
    for stance in kb.stances_of(actor.id):
        issue = kb.issue_by_id.get(stance.issue)
        label = issue.label if issue is not None else stance.issue
        position = Text(display(_cut(label, QUOTE_LIMIT)), style="bold")
        position.append(": ")
        position.append(display(_cut(stance.position, FIELD_LIMIT)))
        _qualified(position, every, stance)
        blocks += [("", Text()), ("◆ ", position)]
        for evidence in stance.evidence:
            source = kb.source_by_id.get(evidence.source)
            quoted = Text("“")
            quoted.append(display(_cut(evidence.quote, QUOTE_LIMIT)), style="italic")
            quoted.append("”")
            if source is not None:
                quoted.append(f" ({display(source.publisher)}, {source.published_date})", MUTED)
            blocks.append((INDENT, quoted))
    return blocks


def plain(blocks: list[Block]) -> str:
    """The detail as plain text, each paragraph after its prefix."""
    return "\n".join(prefix + text.plain for prefix, text in blocks)
