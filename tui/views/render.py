"""Rich ``Text`` builders shared by the analyst views.

Everything from a data file goes through ``sanitize.display`` and into ``Text`` objects,
which are never parsed as markup, so a name like ``[@click=app.quit]`` shows literally.
"""

from __future__ import annotations

from rich.text import Text

from ..analysis import NO_RELATION
from ..model import Evidence, KnowledgeBase, Relation, Source, polarity_sign, status_label
from ..sanitize import display
from ..wording import qualifiers, type_label

_POLARITY_STYLES = {2: "bold green", 1: "green", 0: "yellow", -1: "red", -2: "bold red"}
QUOTE_STYLE = "bold reverse"
MUTED_STYLE = "dim"
MIXED_STYLE = "bold yellow"  # a pair with both positive and negative relations
CONTEXT_RADIUS = 150  # characters of source text shown on each side of a quote
MAX_QUOTE_SHOWN = 2000  # a longer quote is cut, with a note of how much is hidden


def polarity_style(value: int | None) -> str:
    if value is None:
        return MUTED_STYLE
    return _POLARITY_STYLES[max(-2, min(2, value))]


def polarity_text(value: int | None, *, justify: str | None = None) -> Text:
    """The sign text of a (net) polarity, coloured: readable with or without colour."""
    return Text(polarity_sign(value), style=polarity_style(value), justify=justify)


def no_relation_text() -> Text:
    return Text(NO_RELATION, style=MUTED_STYLE, justify="center")


def actor_name(kb: KnowledgeBase, actor_id: str) -> str:
    """The display-safe name of an actor; its id if the (filtered) base does not hold it."""
    actor = kb.actor_by_id.get(actor_id)
    return display(actor.name if actor is not None else actor_id)


def actor_label(kb: KnowledgeBase, actor_id: str) -> Text:
    """``Name (kind)``."""
    actor = kb.actor_by_id.get(actor_id)
    label = Text(actor_name(kb, actor_id))
    if actor is not None:
        label.append(f" ({actor.kind})", style=MUTED_STYLE)
    return label


def relation_details(kb: KnowledgeBase, relation: Relation) -> Text:
    """Date (and the words it came from), status, then the qualifiers the claim block
    shows (who asserts it, its hedges, modality, verification, caveats), the other
    parties, the place and the toll."""
    details = [display(relation.date)] if relation.date else ["undated"]
    if relation.date_phrase:
        details.append(f"“{display(relation.date_phrase)}”")
    details.append(status_label(relation))
    details += [display(qualifier) for qualifier in qualifiers(kb, relation)]
    if relation.participants:
        others = ", ".join(actor_name(kb, actor_id) for actor_id in relation.participants)
        details.append(f"with {others}")
    if relation.location is not None:
        details.append(f"in “{display(relation.location.place)}”")
    if relation.fatalities is not None:
        details.append(f"{relation.fatalities.count} killed")
    return Text(" · ".join(details), style=MUTED_STYLE)


def relation_headline(kb: KnowledgeBase, relation: Relation) -> Text:
    """``Source → type sign → Target``, then its details."""
    line = Text()
    line.append(actor_name(kb, relation.source), style="bold")
    line.append(f" → {type_label(relation.type, relation.modality)} ")
    line.append_text(polarity_text(relation.polarity))
    line.append(" → ")
    line.append(actor_name(kb, relation.target), style="bold")
    line.append("  ")
    line.append_text(relation_details(kb, relation))
    return line


def quote_in_context(
    source: Source, evidence: Evidence, radius: int = CONTEXT_RADIUS
) -> Text:
    """The quote highlighted inside a window of its source text, cut at word boundaries."""
    text = source.text
    start = max(0, evidence.start - radius)
    end = min(len(text), evidence.end + radius)
    if start > 0:
        space = text.find(" ", start, evidence.start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", evidence.end, end)
        end = space if space != -1 else end
    quote = text[evidence.start : evidence.end]
    hidden = len(quote) - MAX_QUOTE_SHOWN
    shown = Text()
    if start > 0:
        shown.append("…", style=MUTED_STYLE)
    shown.append(display(text[start : evidence.start], keep_newlines=True))
    shown.append(display(quote[:MAX_QUOTE_SHOWN], keep_newlines=True), style=QUOTE_STYLE)
    if hidden > 0:
        shown.append(f" … ({hidden:,} more characters of the quote)", style=MUTED_STYLE)
    shown.append(display(text[evidence.end : end], keep_newlines=True))
    if end < len(text):
        shown.append("…", style=MUTED_STYLE)
    return shown


def citation_text(source: Source) -> Text:
    return Text(display(source.citation()), style="italic")


def evidence_block(kb: KnowledgeBase, evidence: Evidence, radius: int = CONTEXT_RADIUS) -> Text:
    """A citation line, then the quote highlighted in its context."""
    source = kb.source_by_id[evidence.source]
    block = Text.assemble(citation_text(source), "\n")
    block.append_text(quote_in_context(source, evidence, radius))
    return block
