"""Merging two actors that are one: `stakeholders merge OLD --into NEW`, and the app's
"Likely duplicates".

Every reference to OLD (a relation's parties, an attribute's or a stance's actor, an
asserter, a hedge's asserter, an affiliation, a post's organisation, a `distinct_from`)
is made NEW; OLD's item goes; NEW takes OLD's name and aliases as aliases, and OLD's id
(and the ids OLD had taken in) in its `merged_from`, so that the old id still finds it.
What OLD said that NEW does not (a description, identifiers, posts, notes) is carried to
NEW; what they both say differently is kept in NEW's notes. Nothing is lost: a merge that
would make a relation an actor's with itself is refused, with the list of them.

The text is spliced (``tui.edit``): only the lines of the change differ. Pure core: no
Textual.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from . import edit
from .duplicates import normalised
from .loader import MAX_BYTES, MAX_TOTAL_BYTES, LoadError, load_knowledge_base
from .model import Actor, KnowledgeBase
from .sanitize import display
from .splice import Edit, Refused, Splicer, items, pairs, yaml_scalar

# The keys that name an actor, by section; a list's entries are each one (participants).
_CLAIM_REFERENCES = {"source", "target", "participants", "actor", "asserted_by"}
_ACTOR_REFERENCES = {"affiliation", "distinct_from"}
_NESTED = {"hedges": {"asserted_by"}, "memberships": {"organisation"}}
_CARRIED = ("affiliation", "description", "identifiers", "name_note", "memberships")


class MergeRefused(Exception):
    """The merge cannot be made as asked; nothing was changed. ``str()`` says why."""


def refusal(kb: KnowledgeBase, old: str, new: str) -> str | None:
    """Why ``old`` cannot be merged into ``new`` in ``kb``, or None when it can."""
    if old == new:
        return f"{display(old)!r} is the same actor: name two actors"
    for actor_id in (old, new):
        if actor_id not in kb.actor_by_id:
            merged = kb.resolve_actor(actor_id)
            hint = (f" (it was merged into {merged.id!r})" if merged is not None
                    else "; `stakeholders search WORDS` finds actors by name")
            return f"no actor has the id {display(actor_id)!r}{hint}"
    first, second = kb.actor_by_id[old], kb.actor_by_id[new]
    if new in first.distinct_from or old in second.distinct_from:
        holder = old if new in first.distinct_from else new
        return (f"{holder!r} says it is distinct from {(new if holder == old else old)!r} "
                f"(`distinct_from`); remove that first if they are one actor")
    own = [relation.id for relation in kb.relations
           if {relation.source, relation.target} <= {old, new}]
    twice = [relation.id for relation in kb.relations
             if relation.participants and not {relation.source, relation.target} <= {old, new}
             and {old, new} <= set(relation.parties)]
    if own or twice:
        parts = []
        if own:
            parts.append(f"{_listed(own)} would be between {new!r} and itself")
        if twice:
            parts.append(f"{_listed(twice)} would name {new!r} twice")
        return "; ".join(parts) + ": delete or change them first, then merge"
    if second.affiliation == old:
        return f"{new!r} is affiliated with {old!r}: change its `affiliation` first"
    for holder, other in ((second, old), (first, new)):
        if any(post.organisation == other for post in holder.memberships):
            return (f"{holder.id!r} holds a post in {other!r}: change or remove that post "
                    "first")
    clash = [scheme for scheme, value in first.identifiers
             if dict(second.identifiers).get(scheme, value) != value]
    if clash:
        return (f"{old!r} and {new!r} have different {', '.join(clash)} identifiers: are "
                "they one actor? If so, keep the right one on one of them first")
    if first.identifiers and second.identifiers and not (
        set(first.identifiers) <= set(second.identifiers)
    ):
        return (f"both have identifiers: give {new!r} those of {old!r} it lacks, then merge "
                "again")
    return None


def _listed(ids: list[str]) -> str:
    shown = ", ".join(display(item_id) for item_id in ids[:10])
    more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
    return f"relation{'s' * (len(ids) != 1)} {shown}{more}"


def merged_actor_fields(old: Actor, new: Actor) -> dict[str, list[str] | str | None]:
    """The list and text fields of ``new`` that change: aliases, merged_from, distinct_from,
    and notes (with what the two said differently)."""
    names = {normalised(new.name)}
    aliases = []
    for alias in (*new.aliases, old.name, *old.aliases):
        key = normalised(alias)
        if key and key not in names:
            names.add(key)
            aliases.append(alias)
    merged_from = list(dict.fromkeys((*new.merged_from, old.id, *old.merged_from)))
    distinct = list(dict.fromkeys(
        actor_id for actor_id in (*new.distinct_from, *old.distinct_from)
        if actor_id not in (old.id, new.id)
    ))
    kept = []
    for field in ("description", "name_note", "affiliation"):
        theirs, ours = getattr(old, field), getattr(new, field)
        if theirs and ours and theirs != ours and not (field == "affiliation"
                                                      and theirs in (old.id, new.id)):
            kept.append(f"Merged from {old.id}, its {field.replace('_', ' ')}: {theirs}")
    if old.kind != new.kind:
        kept.append(f"Merged from {old.id}, its kind: {old.kind}")
    notes = [text for text in (new.notes, old.notes) if text]
    notes = list(dict.fromkeys(notes + kept))
    fields: dict[str, list[str] | str | None] = {}
    if aliases != list(new.aliases):
        fields["aliases"] = aliases
    fields["merged_from"] = merged_from
    if distinct != list(new.distinct_from):
        fields["distinct_from"] = distinct
    joined = " ".join(" ".join(text.split()) for text in notes)
    if joined and joined != " ".join(new.notes.split()):
        fields["notes"] = joined
    return fields


def merge_text(text: str, kb: KnowledgeBase, old: str, new: str) -> str:
    """``text`` (which loads as ``kb``) with ``old`` merged into ``new``. Raises
    ``MergeRefused``, or ``Refused`` when the layout cannot be changed safely."""
    why = refusal(kb, old, new)
    if why is not None:
        raise MergeRefused(why)
    first, second = kb.actor_by_id[old], kb.actor_by_id[new]
    text = _rename(text, old, new)
    for actor in kb.actors:  # a list that named both: each once
        if actor.id not in (old, new) and {old, new} <= set(actor.distinct_from):
            ids = list(dict.fromkeys(new if i == old else i for i in actor.distinct_from))
            try:
                text = edit.update_item(text, "actors", actor.id, {"distinct_from": ids})
            except Refused:
                pass  # a block list: the loader reads the repeated id once
    text = edit.update_item(text, "actors", new, merged_actor_fields(first, second))
    return _carry_and_remove(text, first, second)


def _rename(text: str, old: str, new: str) -> str:
    """Every reference to the actor ``old`` made ``new`` (never an item's own id, a quote's
    source or an issue)."""
    import yaml

    splice = Splicer(text)
    root = edit._root(text)

    def visit(node, keys: set[str], key: str | None) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                name = str(key_node.value)
                if name in _NESTED and isinstance(value, yaml.SequenceNode):
                    for entry in value.value:
                        visit(entry, _NESTED[name], None)
                elif name in keys:
                    visit(value, keys, name)
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                visit(child, keys, key)
        elif key is not None and str(node.value) == old:
            splice.replace_scalar(node, yaml_scalar(new))

    top = pairs(root)
    for section in ("actors", "relations", "attributes", "stances"):
        keys = _ACTOR_REFERENCES if section == "actors" else _CLAIM_REFERENCES
        for item in items(top, section):
            visit(item, keys, None)
    return splice.apply() if splice.edits else text


def _carry_and_remove(text: str, old: Actor, new: Actor) -> str:
    """OLD's fields that NEW lacks copied to NEW as written (posts appended to NEW's), and
    OLD's item removed."""
    import yaml

    splice = Splicer(text)
    old_node = edit._item_node(text, "actors", old.id)
    new_node = edit._item_node(text, "actors", new.id)
    if old_node.flow_style or new_node.flow_style:
        raise Refused("an actor written as a flow mapping `{...}` cannot be merged here; "
                      "write it as `key: value` lines")
    theirs, ours = pairs(old_node), pairs(new_node)
    column = new_node.value[0][0].start_mark.column
    at = splice.next_line(edit._last_content_end(splice, new_node) - 1)
    copied = []
    for field in _CARRIED:
        if field not in theirs:
            continue
        _index, key, value = theirs[field]
        if field == "affiliation" and str(value.value) in (old.id, new.id):
            continue
        if field not in ours:
            start = splice.line_start(key.start_mark.index)
            end = splice.next_line(edit._last_content_end(splice, value) - 1)
            copied.append(_indented(splice, text[start:end], column - key.start_mark.column))
        elif field == "memberships":
            mine = ours[field][2]
            if not (isinstance(value, yaml.SequenceNode) and isinstance(mine, yaml.SequenceNode)
                    and value.value and mine.value
                    and not value.flow_style and not mine.flow_style):
                raise splice.refuse(mine, "`memberships` should be block lists (`- ...`) to "
                                          "merge them")
            start = splice.line_start(value.value[0].start_mark.index)
            end = splice.next_line(edit._last_content_end(splice, value) - 1)
            shift = mine.value[0].start_mark.column - value.value[0].start_mark.column
            posts_at = splice.next_line(edit._last_content_end(splice, mine) - 1)
            splice.edits.append(Edit(posts_at, posts_at,
                                     _indented(splice, text[start:end], shift)))
    if copied:
        block = "".join(copied)
        if at == len(text) and text and text[-1] not in "\r\n":
            block = splice.newline + block
        splice.edits.append(Edit(at, at, block))
    start = splice.line_start(old_node.start_mark.index)
    end = splice.next_line(edit._last_content_end(splice, old_node) - 1)
    splice.edits.append(Edit(start, end, ""))
    return splice.apply()


def _indented(splice: Splicer, block: str, shift: int) -> str:
    """``block``'s lines moved ``shift`` columns right (left when negative)."""
    if shift == 0:
        return block if block.endswith(("\n", "\r")) else block + splice.newline
    lines = block.splitlines(keepends=True)
    moved = []
    for line in lines:
        if shift > 0:
            moved.append(" " * shift + line if line.strip() else line)
        elif line.strip() and not line.startswith(" " * -shift):
            raise Refused("the two actors are indented differently; indent them alike")
        else:
            moved.append(line[-shift:] if line.strip() else line)
    result = "".join(moved)
    return result if result.endswith(("\n", "\r")) else result + splice.newline


def unified_diff(before: str, after: str, shown: str) -> list[str]:
    """The change as `diff -u` prints it, one line each (without line breaks)."""
    return [
        line.rstrip("\r\n")
        for line in difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True),
            fromfile=shown, tofile=f"{shown} (merged)",
        )
    ]


def merge_file(
    path: Path,
    old: str,
    new: str,
    *,
    dry_run: bool = False,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    out: TextIO | None = None,
    err: TextIO | None = None,
    print_lines: Callable[[list[str]], int] | None = None,
) -> int:
    """`stakeholders merge OLD --into NEW FILE [--dry-run]`: 0 when merged (or, with
    ``dry_run``, when it would be and the diff is printed), 1 with a message otherwise."""
    out = out or sys.stdout
    err = err or sys.stderr
    shown = display(str(path))
    try:
        state = edit.FileState.read(path)
        kb = load_knowledge_base(path, max_bytes=max_bytes, max_total_bytes=max_total_bytes)
    except LoadError as error:
        print(error.report(), file=err)
        print(f"stakeholders merge: {shown} does not check clean; fix it first", file=err)
        return 1
    except edit.ChangeRefused as refused:
        print(f"stakeholders merge: {refused.message}", file=err)
        return 1
    named = edit.references_to(kb, old) if old in kb.actor_by_id else []
    try:
        new_text = merge_text(state.text, kb, old, new)
    except MergeRefused as refused:
        print(f"stakeholders merge: cannot merge: {refused}; nothing was changed", file=err)
        return 1
    except Refused as refused:
        print(f"{shown}:{refused.line}:{refused.column}: cannot merge: {refused.message}; "
              "nothing was changed", file=err)
        return 1
    summary = (f"{old} merged into {new}: {len(named)} reference{'s' * (len(named) != 1)} "
               f"rewritten, {old!r} is in its merged_from")
    if dry_run:
        lines = [display(line) for line in unified_diff(state.text, new_text, shown)]
        if print_lines is not None:
            if print_lines(lines):
                return 1
        else:
            print("\n".join(lines), file=out)
        print(f"dry run: {summary.replace('merged into', 'would be merged into')}; "
              "nothing was written", file=err)
        return 0
    try:
        edit.save(state, new_text, kb=kb, max_bytes=max_bytes, max_total_bytes=max_total_bytes)
    except edit.ChangeRefused as refused:
        print(refused.report(), file=err)
        return 1
    print(f"{shown}: {summary}", file=out)
    return 0
