"""What changed between two versions of a knowledge base (`stakeholders diff`). Pure core:
no Textual.

Items are matched by id, section by section, so moving items about or re-indenting the
file changes nothing. For each item: added, removed, or changed, and then how: each field
with its old and new value (``dataclasses.fields``, so a field added to the model is
compared with no change here), the quotes added to or taken from each list of quotes (by
source and quote text: where a quote lies in its source is not compared), and for a
source the text itself, by its sha256.

``compare`` takes two loaded models. ``compare_files`` gives the same answer for two files
with a valid cache entry each without decoding either model whole: the entries' items are
compared as encoded bytes, and only the items whose bytes differ are decoded and compared
(a diff of two 50,000-relation files that differ in one relation decodes two relations).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from operator import eq
from pathlib import Path
from typing import Any

from .claims import KIND_OF, ItemRef, claim_by_ref
from .loader import MAX_BYTES, MAX_TOTAL_BYTES
from .model import Evidence, KnowledgeBase, counted
from .sanitize import display

SECTIONS: tuple[str, ...] = (
    "sources",
    "issues",
    "actors",
    "relations",
    "attributes",
    "stances",
)
"""The sections compared, in the order the output lists them."""

KINDS: dict[str, str] = {
    "sources": "source",
    "issues": "issue",
    "actors": "actor",
    "relations": "relation",
    "attributes": "attribute",
    "stances": "stance",
}
"""Each section's item, as a line names it."""

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

TEXT_FIELD = "text"
"""A source's text: compared by its sha256 (and length), never printed."""


# --- the data model ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an item, with its value on each side as plain data (what ``plain``
    makes: numbers, text, None, lists and dicts). ``field`` is dotted for a field of a
    nested record ("location.place", "fatalities.count")."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class QuoteChange:
    """A quote added to or taken from one of a claim's lists of quotes ("evidence",
    "caveats")."""

    change: str  # ADDED or REMOVED
    field: str
    source: str
    quote: str


@dataclass(frozen=True, slots=True)
class TextChange:
    """A source's text, changed: its sha256 (of the text as UTF-8) and length on each side."""

    old_sha256: str
    new_sha256: str
    old_length: int
    new_length: int


@dataclass(frozen=True, slots=True)
class ItemChange:
    section: str  # one of SECTIONS
    id: str
    change: str  # ADDED, REMOVED or CHANGED
    label: str  # a short description (an actor's name, a relation's parties and type)
    fields: tuple[FieldChange, ...] = ()
    quotes: tuple[QuoteChange, ...] = ()
    text: TextChange | None = None
    item: Any = None  # the item added or removed (the model's record); None when changed

    @property
    def kind(self) -> str:
        return KINDS.get(self.section, self.section)


@dataclass(frozen=True)
class Diff:
    """Every change from ``old`` to ``new`` (what each side is shown as), by section in
    ``SECTIONS`` order; in a section the removed items in their old order, then the added
    and the changed ones in their new order."""

    old: str
    new: str
    changes: tuple[ItemChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes

    def count(self, change: str) -> int:
        return sum(item.change == change for item in self.changes)

    def of(self, section: str, change: str | None = None) -> tuple[ItemChange, ...]:
        return tuple(
            item
            for item in self.changes
            if item.section == section and (change is None or item.change == change)
        )

    def summary(self) -> str:
        """ "1 added, 2 removed, 3 changed" (only the kinds there are); "no changes"."""
        if self.empty:
            return "no changes"
        parts = [f"{self.count(change)} {change}" for change in (ADDED, REMOVED, CHANGED)
                 if self.count(change)]
        return ", ".join(parts)


# --- comparing ----------------------------------------------------------------------------


def compare(old: KnowledgeBase, new: KnowledgeBase, old_name: str = "", new_name: str = ""
            ) -> Diff:
    """The changes from ``old`` to ``new``, items matched by id."""
    changes: list[ItemChange] = []
    for section in SECTIONS:
        changes += compare_section(section, getattr(old, section), getattr(new, section))
    return Diff(old_name or old.path, new_name or new.path, tuple(changes))


def compare_section(section: str, old: Iterable, new: Iterable) -> list[ItemChange]:
    """The changes from the items ``old`` to the items ``new`` of one section."""
    old = tuple(old)
    new = tuple(new)
    old_by_id = {item.id: item for item in old}
    new_ids = {item.id for item in new}
    changes = [
        ItemChange(section, item.id, REMOVED, label(section, item), item=item)
        for item in old
        if item.id not in new_ids
    ]
    for item in new:
        before = old_by_id.get(item.id)
        if before is None:
            changes.append(ItemChange(section, item.id, ADDED, label(section, item), item=item))
        elif before is not item and before != item:
            change = item_change(section, before, item)
            if change is not None:
                changes.append(change)
    return changes


def item_change(section: str, old: Any, new: Any) -> ItemChange | None:
    """How ``new`` differs from ``old`` (the same item, by id); None when it is only in
    what is never compared (where quotes lie in their source)."""
    fields: list[FieldChange] = []
    quotes: list[QuoteChange] = []
    text: TextChange | None = None
    for name, before, after in _field_pairs(old, new):
        if before == after:
            continue
        if name == TEXT_FIELD and isinstance(before, str) and isinstance(after, str):
            text = TextChange(text_sha256(before), text_sha256(after), len(before), len(after))
        elif _is_quotes(before) or _is_quotes(after):
            quotes += _quote_changes(name, before or (), after or ())
        else:
            fields += _field_changes(name, before, after)
    if not (fields or quotes or text):
        return None
    return ItemChange(section, new.id, CHANGED, label(section, new), tuple(fields),
                      tuple(quotes), text)


_MISSING = object()


def _field_pairs(old: Any, new: Any) -> Iterator[tuple[str, Any, Any]]:
    """(name, old value, new value) for each field of either record but its id."""
    names = [field.name for field in dataclasses.fields(new)]
    names += [field.name for field in dataclasses.fields(old) if field.name not in names]
    for name in names:
        if name != "id":
            yield name, getattr(old, name, _MISSING), getattr(new, name, _MISSING)


def _field_changes(name: str, old: Any, new: Any) -> list[FieldChange]:
    if (
        dataclasses.is_dataclass(old)
        and type(old) is type(new)
        and not isinstance(old, Evidence)
    ):
        found: list[FieldChange] = []
        for inner, before, after in _field_pairs(old, new):
            if before != after:
                found += _field_changes(f"{name}.{inner}", before, after)
        return found
    before, after = plain(old), plain(new)
    return [] if before == after else [FieldChange(name, before, after)]


def _is_quotes(value: Any) -> bool:
    return isinstance(value, tuple) and any(isinstance(item, Evidence) for item in value)


def _quote_changes(name: str, old: tuple, new: tuple) -> list[QuoteChange]:
    """The quotes of ``new`` not in ``old`` and those of ``old`` not in ``new``, by source
    and text (a quote given twice counts twice), in their order."""
    before = Counter((item.source, item.quote) for item in old)
    after = Counter((item.source, item.quote) for item in new)
    changes = []
    for change, items, extra in ((REMOVED, old, before - after), (ADDED, new, after - before)):
        for item in items:
            key = (item.source, item.quote)
            if extra[key] > 0:
                extra[key] -= 1
                changes.append(QuoteChange(change, name, item.source, item.quote))
    return changes


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def plain(value: Any) -> Any:
    """A model value as JSON-ready data: a record as a dict of its fields (a quote as its
    source and text, a source's text as its sha256), a tuple as a list, an enum as its
    value."""
    if value is None or value is _MISSING:
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Evidence):
        return {"source": value.source, "quote": value.quote}
    if dataclasses.is_dataclass(value):
        record = {}
        for field in dataclasses.fields(value):
            inner = getattr(value, field.name)
            if field.name == TEXT_FIELD and isinstance(inner, str):
                record["text_sha256"] = text_sha256(inner)
                record["text_length"] = len(inner)
            else:
                record[field.name] = plain(inner)
        return record
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)


def label(section: str, item: Any) -> str:
    """A few words that say which item it is, beside its id."""
    try:
        if section == "actors":
            return item.name
        if section == "issues":
            return item.label
        if section == "sources":
            return f"{item.publisher}, “{item.title}”, {item.published[:10]}"
        if section == "relations":
            return f"{item.source} {item.type} {item.target}"
        if section == "attributes":
            return f"{item.actor} {item.type}"
        if section == "stances":
            return f"{item.actor} on {item.issue}"
    except AttributeError:
        pass
    return str(getattr(item, "summary", "") or getattr(item, "id", ""))


# --- marks for the app ----------------------------------------------------------------

ADDED_MARK, CHANGED_MARK = "+", "~"


@dataclass(frozen=True)
class Marks:
    """What the app marks after a diff: each actor and claim added (``ADDED_MARK``) or
    changed (``CHANGED_MARK``), claims by (kind, id) as the relations pane lists them. An
    actor is marked changed too when a claim of its was added, changed or removed."""

    actors: dict[str, str]
    claims: dict[tuple[str, str], str]
    diff: Diff
    # Actor id -> how many of its claims were added, removed and changed, for its note.
    claim_changes: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)

    def claims_note(self, actor_id: str) -> str:
        """ "1 claim of it removed", "2 claims of it added, 1 changed": what its mark
        stands for when the actor itself did not change; "" if none of its claims did."""
        changes = self.claim_changes.get(actor_id, {})
        said = [(count, change) for change in (ADDED, REMOVED, CHANGED)
                if (count := changes.get(change, 0))]
        if not said:
            return ""
        (count, change), rest = said[0], said[1:]
        words = [f"{counted(count, 'claim')} of it {change}"]
        words += [f"{count} {change}" for count, change in rest]
        return ", ".join(words)

    def summary(self) -> str:
        """ "Since HEAD: 1 added, 2 changed (3 actors marked)"-like words for a notice."""
        counts = [
            f"{counted(len(self.diff.of(section, change)), KINDS[section])} {change}"
            for section in SECTIONS
            for change in (ADDED, REMOVED, CHANGED)
            if self.diff.of(section, change)
        ]
        return "; ".join(counts) if counts else "no changes"


def marks(diff: Diff, kb: KnowledgeBase) -> Marks:
    """The marks of ``diff`` (old to ``kb``) on the items of ``kb``."""
    actors: dict[str, str] = {}
    claims: dict[tuple[str, str], str] = {}
    claim_changes: dict[str, dict[str, int]] = {}
    for change in diff.changes:
        mark = ADDED_MARK if change.change == ADDED else CHANGED_MARK
        if change.section == "actors":
            if change.change != REMOVED:
                actors[change.id] = mark
            continue
        kind = KIND_OF.get(change.section)
        if kind is None:
            continue
        if change.change == REMOVED:
            claim = change.item
        else:
            claim = claim_by_ref(kb, ItemRef(kind, change.id))
            claims[(kind, change.id)] = mark
        for party in dict.fromkeys(_parties(claim)):
            if party in kb.actor_by_id:
                actors.setdefault(party, CHANGED_MARK)
                counts = claim_changes.setdefault(party, {})
                counts[change.change] = counts.get(change.change, 0) + 1
    return Marks(actors, claims, diff, claim_changes)


def marks_since(
    path: Path, revision: str, kb: KnowledgeBase, max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> Marks | str:
    """The marks of what changed from ``path`` at git ``revision`` to ``kb`` (the file as
    it is), or one line that says why the revision could not be read."""
    from .loader import LoadError
    from .revisions import RevisionError, load_revision

    try:
        old = load_revision(path, revision, max_bytes=max_bytes, max_total_bytes=max_total_bytes)
    except RevisionError as error:
        return error.message
    except LoadError as error:
        first = error.problems[0] if error.problems else "?"
        return f"{first} ({counted(len(error.problems), 'problem')} at that revision)"
    return marks(compare(old, kb, old.path, str(path)), kb)


def _parties(claim) -> tuple[str, ...]:
    if claim is None:
        return ()
    parties = getattr(claim, "parties", None)
    if parties is not None:
        return tuple(parties)
    actor = getattr(claim, "actor", None)
    return (actor,) if actor is not None else ()


# --- comparing two files through their cache entries -----------------------------------


def compare_files(
    old_path: str | os.PathLike[str],
    new_path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> Diff:
    """``compare`` of two knowledge-base files, shown as given. Each is loaded as the other
    commands load it (``cache.load``: from its entry when that is still valid, else from
    the file, checked in full); when both entries are valid, only the items whose encoded
    bytes differ are decoded. Such an entry is trusted as ``cache.read_payload`` checks it
    (every file's stamp, the checksum); the consistency check of a whole decoded model
    (``cache.consistent``, every quote against its source) is not run on it. Raises
    ``LoadError``."""
    from . import cache

    old_path, new_path = Path(old_path), Path(new_path)
    caps = {"max_bytes": max_bytes, "max_total_bytes": max_total_bytes}
    old_payload = cache.read_payload(old_path, **caps)
    new_payload = cache.read_payload(new_path, **caps) if old_payload is not None else None
    if old_payload is not None and new_payload is not None:
        try:
            return compare_payloads(old_payload, new_payload, str(old_path), str(new_path))
        except (ValueError, TypeError):
            pass  # an entry that does not decode: load the files instead
    old = cache.load(old_path, **caps)
    new = cache.load(new_path, **caps)
    return compare(old, new, str(old_path), str(new_path))


def compare_payloads(
    old: bytes | memoryview, new: bytes | memoryview, old_name: str, new_name: str
) -> Diff:
    """``compare`` of two models encoded as a cache entry's payload: each section split into
    its items' bytes, the items whose bytes are in both left out, the rest decoded and
    compared. Raises ``ValueError`` (msgspec's errors) when either does not decode."""
    decoder, item_decoders = _raw_decoders()
    old_sections, new_sections = decoder.decode(old), decoder.decode(new)
    changes: list[ItemChange] = []
    for section in SECTIONS:
        before = getattr(old_sections, section)
        after = getattr(new_sections, section)
        # Items in the same place with the same bytes are in both; of the rest, those
        # whose bytes are in both were moved. (The same bytes twice in one section would
        # be one id twice, which the loader refuses.)
        same = list(map(eq, before, after))
        if len(before) == len(after) and all(same):
            continue
        before_bytes = [bytes(data) for data, kept in zip(before, same, strict=False) if not kept]
        before_bytes += map(bytes, before[len(same) :])
        after_bytes = [bytes(data) for data, kept in zip(after, same, strict=False) if not kept]
        after_bytes += map(bytes, after[len(same) :])
        common = set(before_bytes).intersection(after_bytes)
        item = item_decoders[section]
        changes += compare_section(
            section,
            [item.decode(data) for data in before_bytes if data not in common],
            [item.decode(data) for data in after_bytes if data not in common],
        )
    return Diff(old_name, new_name, tuple(changes))


@functools.cache
def _raw_decoders():
    """A decoder of an entry's payload into its sections, each a list of its items'
    encoded bytes (msgspec.Raw), and a decoder of one item of each section."""
    import typing

    import msgspec

    from .cache import _Model

    hints = typing.get_type_hints(_Model)
    names = [field.name for field in dataclasses.fields(_Model)]
    sections = msgspec.defstruct(
        "EncodedSections",
        [(name, list[msgspec.Raw]) for name in names],
        forbid_unknown_fields=True,
    )
    items = {name: msgspec.msgpack.Decoder(typing.get_args(hints[name])[0]) for name in names}
    return msgspec.msgpack.Decoder(sections), items


# --- text -------------------------------------------------------------------------------

_BARE = re.compile(r"[\w.:/@+-]+\Z")


def value_text(value: Any) -> str:
    """A plain value on one line: a number or a one-word text as it is, other text in
    double quotes, None as "(none)", a list or a record as compact JSON."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and _BARE.match(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _short_hash(sha: str) -> str:
    return sha[:12]


def change_lines(change: ItemChange) -> list[str]:
    """What one item's change says, one line each (not yet made safe for a terminal)."""
    head = f"{change.kind} {change.id}"
    if change.change == ADDED:
        return [f"+ {head}: {change.label}"]
    if change.change == REMOVED:
        return [f"- {head}: {change.label}"]
    lines = [f"{head}: {field.field} {value_text(field.old)} → {value_text(field.new)}"
             for field in change.fields]
    for quote in change.quotes:
        where = "" if quote.field == "evidence" else f" ({quote.field})"
        lines.append(f"{head}: quote {quote.change}{where}, {quote.source}: "
                     f"{json.dumps(quote.quote, ensure_ascii=False)}")
    if change.text is not None:
        text = change.text
        lines.append(
            f"{head}: text changed, sha256 {_short_hash(text.old_sha256)}… → "
            f"{_short_hash(text.new_sha256)}…, {text.old_length:,} → {text.new_length:,} "
            "characters"
        )
    return lines


def text_lines(diff: Diff) -> list[str]:
    """The diff as `stakeholders diff` prints it: one line a change, then a summary line
    ("no changes" alone when there are none). Safe for a terminal."""
    if diff.empty:
        return ["no changes"]
    lines = [display(line) for change in diff.changes for line in change_lines(change)]
    lines.append(display(f"{diff.summary()} ({diff.old} → {diff.new})"))
    return lines


# --- JSON -------------------------------------------------------------------------------


def as_json(diff: Diff) -> dict:
    """The diff as one JSON-ready document."""
    changes = []
    for change in diff.changes:
        record: dict[str, Any] = {
            "section": change.section,
            "kind": change.kind,
            "id": change.id,
            "change": change.change,
            "label": change.label,
        }
        if change.change == CHANGED:
            record["fields"] = [
                {"field": field.field, "old": field.old, "new": field.new}
                for field in change.fields
            ]
            record["quotes"] = [
                {"change": quote.change, "field": quote.field, "source": quote.source,
                 "quote": quote.quote}
                for quote in change.quotes
            ]
            record["text"] = None if change.text is None else dataclasses.asdict(change.text)
        else:
            record["item"] = plain(change.item)
        changes.append(record)
    return {
        "old": diff.old,
        "new": diff.new,
        "counts": {change: diff.count(change) for change in (ADDED, REMOVED, CHANGED)},
        "changes": changes,
    }


_NOT_PRINTABLE_ASCII = re.compile("[^\x20-\x7e\n]")


def json_text(diff: Diff) -> str:
    """``as_json`` as text: readable, but a character a terminal would act on or hide (a
    control, a bidirectional override, an invisible one) is a \\u escape."""
    return _NOT_PRINTABLE_ASCII.sub(_json_escape, json.dumps(as_json(diff), ensure_ascii=False,
                                                              indent=2))


@functools.lru_cache(maxsize=4096)
def _escaped(char: str) -> str:
    if display(char) == char:
        return char
    units = char.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))


def _json_escape(match: re.Match) -> str:
    return _escaped(match.group())


# --- Markdown ---------------------------------------------------------------------------


def _md(text: str) -> str:
    from .export import _md as escaped

    return escaped(text)


def _md_value(value: Any) -> str:
    return _md(value_text(value))


def markdown_lines(diff: Diff) -> list[str]:
    """The diff as a "what changed" briefing: what was added, removed and changed, and
    which source texts changed, every value and quote as literal text."""
    lines = ["# What changed", "", f"From `{_code(diff.old)}` to `{_code(diff.new)}`: "
             f"{_md(diff.summary())}."]
    if diff.empty:
        return lines
    for change_kind, title in ((ADDED, "Added"), (REMOVED, "Removed")):
        found = [change for change in diff.changes if change.change == change_kind]
        if not found:
            continue
        lines += ["", f"## {title}", ""]
        for section in SECTIONS:
            items = [change for change in found if change.section == section]
            if items:
                lines.append(f"- {counted(len(items), KINDS[section]).capitalize()}:")
                lines += [f"  - `{_code(change.id)}`: {_md(change.label)}" for change in items]
    changed = [change for change in diff.changes
               if change.change == CHANGED and (change.fields or change.quotes)]
    if changed:
        lines += ["", "## Changed"]
        for change in changed:
            lines += ["", f"### {change.kind.capitalize()} `{_code(change.id)}`: "
                      f"{_md(change.label)}", ""]
            lines += [f"- {_md(field.field)}: {_md_value(field.old)} → {_md_value(field.new)}"
                      for field in change.fields]
            for quote in change.quotes:
                where = "" if quote.field == "evidence" else f" ({_md(quote.field)})"
                lines.append(f"- Quote {quote.change}{where}, from {_md(quote.source)}: "
                             f"“{_md(quote.quote)}”")
    texts = [change for change in diff.changes if change.text is not None]
    if texts:
        lines += ["", "## Source texts changed", ""]
        for change in texts:
            text = change.text
            lines.append(
                f"- `{_code(change.id)}` ({_md(change.label)}): sha256 "
                f"`{_short_hash(text.old_sha256)}…` → `{_short_hash(text.new_sha256)}…`, "
                f"{text.old_length:,} → {text.new_length:,} characters"
            )
    return lines


def _code(text: str) -> str:
    """An id inside a code span: ids are slugs, but a backtick would end the span."""
    return display(text).replace("`", "'")


def markdown_text(diff: Diff) -> str:
    return "\n".join(markdown_lines(diff)) + "\n"


def change_note(marks: Marks, revision: str, section: str, item_id: str) -> str:
    """What the detail panes say of one item after `D`: "+ added since HEAD", or
    "~ since HEAD: polarity -2 → -1; quote added, …", or "" when it did not change."""
    change = next((c for c in marks.diff.changes
                   if c.section == section and c.id == item_id and c.change != REMOVED), None)
    if change is None:
        return ""
    if change.change == ADDED:
        return f"{ADDED_MARK} added since {revision}"
    prefix = f"{change.kind} {change.id}: "
    said = [line.removeprefix(prefix) for line in change_lines(change)]
    return f"{CHANGED_MARK} since {revision}: " + "; ".join(said)
