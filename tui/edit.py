"""Changing a knowledge base file: the one write path of every change the app makes
(a captured claim, an added quote, an undo).

A change is a splice of the file's text (``tui.splice``): the new item's lines go in at
the end of their section, every other character is kept, so ``git diff`` shows only the
lines of the change. Nothing is written unless:

- the file on disk still holds the bytes the app loaded (else it changed under the app,
  and the change is refused: reload first);
- the new text passes the loader's own checks, read from a temporary file beside the
  target (the sources are found from the same folder), every quote verified.

Then the temporary file (synced, with the file's mode) is renamed over the file: a crash
at any point leaves the old file or the new one, never a mix.

Pure core: no Textual.
"""

from __future__ import annotations

import dataclasses
import functools
import stat
from dataclasses import dataclass
from pathlib import Path

from . import outline
from .files import (
    Stamp,
    discard,
    holds,
    open_regular,
    replace,
    stamp_of,
    stamp_or_none,
    write_beside,
)
from .loader import (
    MAX_BYTES,
    MAX_TOTAL_BYTES,
    LoadError,
    Problem,
    load_knowledge_base,
    read_items,
)
from .model import KnowledgeBase
from .sanitize import display
from .splice import (
    KEY_PREFIX,
    Edit,
    Refused,
    Splicer,
    decode_bytes,
    encoding_of,
    items,
    pairs,
    yaml_scalar,
)

SECTIONS = ("sources", "issues", "actors", "relations", "attributes", "stances")
SECTION_OF = {"actor": "actors", "relation": "relations", "attribute": "attributes",
              "stance": "stances"}
"""The section each kind of item is listed in."""

Value = str | int | list | dict | None
CHANGED_ON_DISK = (
    "{shown} changed on disk since it was loaded; nothing was written: reload it "
    "(Ctrl+L) and try again"
)


class ChangeRefused(Exception):
    """Nothing was written, and why: the problems ``check`` would print, or one message."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def report(self) -> str:
        lines = [str(problem) for problem in self.problems]
        return "\n".join([*lines, self.message]) if lines else self.message


@dataclass(frozen=True)
class FileState:
    """A knowledge base file as read for a change: its path, its bytes and its stamp."""

    path: Path
    data: bytes
    stamp: Stamp | None = None

    @classmethod
    def read(cls, path: Path, expected: Stamp | None = None) -> FileState:
        """The file now; with ``expected`` (the stamp it had when the app loaded it),
        refused if it changed since. Raises ``ChangeRefused``."""
        shown = display(str(path))
        try:
            descriptor, status = open_regular(path, follow_symlinks=False)
            with open(descriptor, "rb") as stream:
                data = stream.read()
        except OSError as error:
            reason = display(error.strerror or str(error))
            raise ChangeRefused(f"{shown}: cannot read it: {reason}; nothing was written") from None
        stamp = stamp_of(status)
        if expected is not None and stamp != expected:
            raise ChangeRefused(CHANGED_ON_DISK.format(shown=shown))
        return cls(path, data, stamp)

    @classmethod
    def written(cls, path: Path, data: bytes, text: str) -> FileState:
        """The file as just written: ``text``, encoded as ``data``. Its text is known, so a
        next change does not decode tens of MB again."""
        state = cls(path, data, stamp_or_none(path))
        state.__dict__["text"] = text  # where ``text`` keeps its value: what data decodes to
        return state

    @functools.cached_property
    def text(self) -> str:
        return decode_bytes(self.data)[2]


# --- the text of an item ------------------------------------------------------------------


def item_lines(item: dict[str, Value], first_prefix: str) -> list[str]:
    """An item as block YAML lines: the first after ``first_prefix`` ("  - "), the others
    indented as far. Strings are quoted only when they must be; lists of ids are flow
    lists; lists of mappings (quotes, hedges) are block lists under their key."""
    indent = " " * len(first_prefix)
    lines: list[str] = []
    for key, value in item.items():
        if value is None or value == [] or value == {}:
            continue
        prefix = first_prefix if not lines else indent
        if isinstance(value, list) and isinstance(value[0], dict):
            lines.append(f"{prefix}{key}:")
            for entry in value:
                lines += item_lines(entry, indent + "  - ")
        elif isinstance(value, list):
            lines.append(f"{prefix}{key}: [{', '.join(_scalar(v) for v in value)}]")
        elif isinstance(value, dict):
            inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items())
            lines.append(f"{prefix}{key}: {{{inner}}}")
        else:
            lines.append(f"{prefix}{key}: {_scalar(value)}")
    return lines


def _scalar(value: Value) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"not a scalar of the schema: {value!r}")
    if isinstance(value, int):
        return str(value)
    return yaml_scalar(value)


# --- splices ------------------------------------------------------------------------------


def _root(text: str):
    import yaml

    # Nodes and their marks only, never values; libyaml's composer where present (a large
    # file composes many times faster than with the pure-Python one).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise Refused("the file is not valid YAML", line, column) from None
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise Refused("the file's top level should be a block mapping (`key: value` lines)")
    return root


def append_item(text: str, section: str, item: dict[str, Value]) -> str:
    """``text`` with ``item`` added at the end of its top-level ``section`` (created at the
    end of the file if there is none), indented like the items before it."""
    import yaml

    splice = Splicer(text)
    last = _last_item(text, section)
    if last is None:  # not plainly laid out: parse the whole file to find the place
        top = pairs(_root(text))
        newline = splice.newline
        if section not in top:
            lines = [f"{section}:", *item_lines(item, "  - ")]
            at = len(text)
            block = "".join(splice.line_at(at, line) if i == 0 else line + newline
                            for i, line in enumerate(lines))
            if at and text[-1] not in "\n\r":
                block = newline + "".join(line + newline for line in lines)
            return text + block
        _index, key, node = top[section]
        found = items(top, section)
        if not found:
            if not (isinstance(node, yaml.SequenceNode | yaml.ScalarNode)) or (
                isinstance(node, yaml.ScalarNode) and node.value not in ("", "~", "null")
            ):
                raise splice.refuse(node, f"`{section}` should be a list")
            lines = item_lines(item, "  - ")
            start = key.end_mark.index + 1  # after the colon
            end = (splice.content_end(node) if node.end_mark.index > node.start_mark.index
                   else start)
            splice.edits.append(Edit(start, end, newline + newline.join(lines)))
            return splice.apply()
        if node.flow_style:
            raise splice.refuse(
                node, f"`{section}` is a flow list `[...]`; write it as a block list"
            )
        last = found[-1]
    prefix = text[splice.line_start(last.start_mark.index) : last.start_mark.index]
    if not KEY_PREFIX.fullmatch(prefix) or "-" not in prefix:
        raise splice.refuse(last, f"the items of `{section}` should start `- ` on their line")
    at = splice.next_line(_last_content_end(splice, last) - 1)
    lines = item_lines(item, prefix)
    splice.edits.append(Edit(at, at, "".join(splice.line_at(at, line) for line in lines)))
    return splice.apply()


def _last_item(text: str, section: str):
    """The node of the last item of ``section``, found without parsing the whole file;
    None when the file is not laid out plainly enough to be sure (``tui.outline``)."""
    where = outline.Outline.of(text).section(section)
    start = where.item_before(text, where.end - 1) if where is not None else None
    if start is None:
        return None
    return _single_item(text, start, where.end)


def _single_item(text: str, start: int, end: int):
    """The mapping node of ``text[start:end]`` when it is a list of exactly one mapping."""
    import yaml

    try:
        node = outline.compose(text, start, end)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.SequenceNode) or len(node.value) != 1:
        return None
    item = node.value[0]
    return item if isinstance(item, yaml.MappingNode) else None


def _last_content_end(splice: Splicer, node) -> int:
    """Where a block node's last value ends: a block collection's marks run on over the
    blank and comment lines after it, which belong to what follows."""
    import yaml

    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        if not node.value:
            break
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return splice.content_end(node)


def _item_node(text: str, section: str, item_id: str):
    """The mapping node of the item of ``section`` whose id is ``item_id``."""
    import yaml

    where = outline.Outline.of(text).section(section)
    span = outline.find_item(text, where, item_id) if where is not None else None
    if span is not None:
        node = _single_item(text, *span)
        found = pairs(node).get("id") if node is not None else None
        if found is not None and str(found[2].value) == item_id:
            return node
    for node in items(pairs(_root(text)), section):
        if not isinstance(node, yaml.MappingNode):
            continue
        found = pairs(node).get("id")
        if found is not None and str(found[2].value) == item_id:
            return node
    raise Refused(f"no item {display(item_id)!r} in `{section}`")


def remove_item(text: str, section: str, item_id: str) -> str:
    """``text`` without the item of ``section`` whose id is ``item_id`` (its lines, the
    comment lines inside it included)."""
    splice = Splicer(text)
    node = _item_node(text, section, item_id)
    start = splice.line_start(node.start_mark.index)
    end = splice.next_line(_last_content_end(splice, node) - 1)
    splice.edits.append(Edit(start, end, ""))
    return splice.apply()


def update_item(text: str, section: str, item_id: str, fields: dict[str, Value]) -> str:
    """``text`` with the scalar fields of an item changed in place: each key of ``fields``
    set to its value (a new key after the item's last one), or removed when the value is
    None. Only the changed lines differ; the item's other lines, comments included, stay."""
    import yaml

    splice = Splicer(text)
    node = _item_node(text, section, item_id)
    existing = pairs(node)
    last_key, last_value = node.value[-1]
    for key, value in fields.items():
        if key in existing:
            index, _key_node, value_node = existing[key]
            if value is None or value == []:
                splice.remove_pair(node, index)
            elif isinstance(value, list):
                flow = f"[{', '.join(_scalar(v) for v in value)}]"
                if not isinstance(value_node, yaml.SequenceNode) or not value_node.flow_style:
                    raise splice.refuse(value_node, f"`{key}` is a block list: write it as "
                                        f"`{key}: [a, b]` to change it here")
                if [str(child.value) for child in value_node.value] != [str(v) for v in value]:
                    splice.edits.append(
                        Edit(value_node.start_mark.index, value_node.end_mark.index, flow)
                    )
            elif isinstance(value_node, yaml.ScalarNode):
                if not _same(value_node, value):
                    splice.replace_scalar(value_node, _scalar(value))
            else:
                raise splice.refuse(value_node, f"`{key}` is not a single value to change here")
        elif value is not None and value != []:
            shown = (
                f"[{', '.join(_scalar(v) for v in value)}]"
                if isinstance(value, list)
                else _scalar(value)
            )
            splice.insert_after(node, last_key, last_value, f"{key}: {shown}")
    return splice.apply()


def _same(node, value: Value) -> bool:
    """Whether a scalar node already reads as ``value`` (a string "1" is not the number 1)."""
    import yaml

    if node.value != str(value):
        return False
    plain_type = (
        yaml.resolver.Resolver().resolve(yaml.ScalarNode, node.value, (True, False))
        if node.style is None
        else "tag:yaml.org,2002:str"
    )
    wanted = "tag:yaml.org,2002:int" if isinstance(value, int) else "tag:yaml.org,2002:str"
    return plain_type == wanted


def rename_references(text: str, old: str, new: str) -> str:
    """``text`` with every reference to the id ``old`` (an item's own id, a party, an actor,
    an affiliation, a post's organisation, an asserter, a hedge's) made ``new``."""
    import yaml

    references = {"id", "source", "target", "participants", "actor", "asserted_by",
                  "affiliation", "organisation", "issue", "contradicts", "supersedes",
                  "consistent_with", "distinct_from", "syndicated_from"}
    splice = Splicer(text)
    root = _root(text)

    def visit(node, key: str | None) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                visit(value, str(key_node.value))
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                visit(child, key)
        elif key in references and str(node.value) == old:
            splice.replace_scalar(node, yaml_scalar(new))

    for section in SECTIONS:
        for item in items(pairs(root), section):
            visit(item, None)
    if not splice.edits:
        raise Refused(f"nothing in the file is {display(old)!r}")
    return splice.apply()


def references_to(kb, actor_id: str) -> list[str]:
    """What names an actor, as "relation x", "stance y", "actor z (affiliation)": an actor
    that is named anywhere cannot be deleted."""
    found: list[str] = []
    for relation in kb.relations:
        if actor_id in relation.parties or relation.asserted_by == actor_id:
            found.append(f"relation {relation.id}")
    for claim_kind, claims in (("attribute", kb.attributes), ("stance", kb.stances)):
        for claim in claims:
            if claim.actor == actor_id or claim.asserted_by == actor_id:
                found.append(f"{claim_kind} {claim.id}")
    for claim in (*kb.relations, *kb.attributes, *kb.stances):
        if any(hedge.asserted_by == actor_id for hedge in claim.hedges):
            found.append(f"a hedge of {claim.id}")
    for actor in kb.actors:
        if actor.affiliation == actor_id:
            found.append(f"actor {actor.id} (affiliation)")
        if any(post.organisation == actor_id for post in actor.memberships):
            found.append(f"actor {actor.id} (post)")
    return list(dict.fromkeys(found))


def append_entry(text: str, section: str, item_id: str, key: str, entry: dict) -> str:
    """``text`` with ``entry`` (a quote) added at the end of the list ``key`` (``evidence``,
    ``caveats``) of an item, the list made if the item has none."""
    import yaml

    splice = Splicer(text)
    node = _item_node(text, section, item_id)
    if node.flow_style:
        raise splice.refuse(node, f"`{display(item_id)}` is a flow mapping `{{...}}`; write "
                                  "it as `key: value` lines")
    fields = pairs(node)
    if key in fields:
        value = fields[key][2]
        if not isinstance(value, yaml.SequenceNode) or value.flow_style or not value.value:
            raise splice.refuse(value, f"`{key}` should be a block list (`- source: ...`)")
        first = value.value[0]
        prefix = text[splice.line_start(first.start_mark.index) : first.start_mark.index]
        if not KEY_PREFIX.fullmatch(prefix) or "-" not in prefix:
            raise splice.refuse(first, f"the entries of `{key}` should start `- ` on their line")
        at = splice.next_line(_last_content_end(splice, value) - 1)
        lines = item_lines(entry, prefix)
    else:
        indent = " " * len(splice.key_prefix(node.value[0][0]))
        at = splice.next_line(_last_content_end(splice, node) - 1)
        lines = [f"{indent}{key}:", *item_lines(entry, indent + "  - ")]
    splice.edits.append(Edit(at, at, "".join(splice.line_at(at, line) for line in lines)))
    return splice.apply()


def quote_entries(item) -> list:
    """The quotes of an item's node, in the order they stand: every mapping inside it
    with a `quote` key (evidence, caveats, hedges, a toll's, a post's)."""
    import yaml

    found: list = []

    def visit(node, top: bool) -> None:
        if isinstance(node, yaml.MappingNode):
            if not top and "quote" in pairs(node):
                found.append(node)
            for _key, value in node.value:
                visit(value, False)
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                visit(child, False)

    visit(item, True)
    return found


def update_quote(
    text: str, section: str, item_id: str, index: int, quote: str, fields: dict[str, Value]
) -> str:
    """``text`` with the ``index``-th quote of an item (``quote_entries``), which must still
    read ``quote``, changed in place: each scalar key of ``fields`` (`quote`, `occurrence`)
    set, or removed when None. Only the changed lines differ."""
    import yaml

    splice = Splicer(text)
    entries = quote_entries(_item_node(text, section, item_id))
    entry = entries[index] if 0 <= index < len(entries) else None
    found = pairs(entry).get("quote") if entry is not None else None
    if found is None or not isinstance(found[2], yaml.ScalarNode) or found[2].value != quote:
        raise Refused(f"{display(item_id)!r} no longer has that quote at place {index + 1}")
    existing = pairs(entry)
    last_key, last_value = entry.value[-1]
    for key, value in fields.items():
        if key in existing:
            at, _key_node, value_node = existing[key]
            if value is None:
                splice.remove_pair(entry, at)
            elif not isinstance(value_node, yaml.ScalarNode):
                raise splice.refuse(value_node, f"`{key}` is not a single value to change here")
            elif not _same(value_node, value):
                new = _scalar(value)
                if isinstance(value, str) and new[:1] != '"' and value_node.style == '"':
                    new = f'"{new}"'  # kept quoted as it was (plain text needs no escapes)
                elif isinstance(value, str) and new[:1] != '"' and value_node.style == "'":
                    new = "'" + new.replace("'", "''") + "'"
                splice.replace_scalar(value_node, new)
        elif value is not None:
            splice.insert_after(entry, last_key, last_value, f"{key}: {_scalar(value)}")
    return splice.apply()


# --- the write ----------------------------------------------------------------------------


def save(
    state: FileState,
    new_text: str,
    *,
    kb: KnowledgeBase | None = None,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> tuple[FileState, KnowledgeBase]:
    """Write ``new_text`` over ``state.path`` if it checks clean and the file still holds
    ``state.data``; the new state and the knowledge base it loads as. Raises
    ``ChangeRefused`` (nothing written) otherwise.

    With ``kb`` (what ``state`` loads as), a change to the items of one section is checked
    on its own against ``kb`` (``checked_change``); any other change loads the new text
    whole."""
    path = state.path
    shown = display(str(path))
    data = _encoded(state, new_text)
    old_text = state.text
    _refuse_if_touched(state)
    if kb is not None:
        try:
            new_kb = checked_change(old_text, new_text, kb, shown=str(path))
        except LoadError as error:
            raise ChangeRefused(
                f"{shown}: the change does not check clean; nothing was changed", error.problems
            ) from None
        if new_kb is not None:
            _write_over(state, data)
            return FileState.written(path, data, new_text), new_kb
    temporary = _write_beside(path, data)
    try:
        kb, problems = _load_beside(temporary, path, len(data), max_bytes, max_total_bytes)
        if kb is None:
            raise ChangeRefused(
                f"{shown}: the change does not check clean; nothing was changed", problems
            )
        _replace_checked(state, temporary)
    finally:
        discard(temporary)
    return FileState.written(path, data, new_text), dataclasses.replace(kb, path=str(path))


def _load_beside(
    temporary: Path, path: Path, size: int, max_bytes: int, max_total_bytes: int
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """What the new text written to ``temporary`` (beside ``path``) loads as, or its
    problems, placed in ``path`` as the user knows it."""
    try:
        kb = load_knowledge_base(
            temporary, max_bytes=max(max_bytes, size), max_total_bytes=max_total_bytes + size
        )
    except LoadError as error:
        return None, [
            dataclasses.replace(problem, path=str(path)) if problem.path == str(temporary)
            else problem
            for problem in error.problems
        ]
    return kb, []


def save_no_worse(
    state: FileState,
    new_text: str,
    known: list[Problem],
    *,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> tuple[FileState, list[Problem]]:
    """``save`` for a file that does not check clean yet (``known``, its problems now): the
    change is written if it adds no problem (compared by file, item and message, not by
    line) and the file still holds ``state.data``; the new state and the problems left.
    ``stakeholders fix --review`` re-anchors a changed source's quotes one by one with it.
    Raises ``ChangeRefused`` (nothing written) otherwise."""
    from collections import Counter

    path = state.path
    shown = display(str(path))
    data = _encoded(state, new_text)
    _refuse_if_touched(state)
    temporary = _write_beside(path, data)
    try:
        _, left = _load_beside(temporary, path, len(data), max_bytes, max_total_bytes)

        def key(problem: Problem) -> tuple:
            return problem.path, problem.item_id, problem.message

        added = Counter(map(key, left)) - Counter(map(key, known))
        if added:
            raise ChangeRefused(
                f"{shown}: the change would add a problem; nothing was changed",
                [problem for problem in left if key(problem) in added],
            )
        _replace_checked(state, temporary)
    finally:
        discard(temporary)
    return FileState.written(path, data, new_text), left


def _encoded(state: FileState, text: str) -> bytes:
    """``text`` as the file's bytes, in its encoding and with its byte-order mark. (With
    none, the encoded text is not copied behind an empty one: each copy of a 25 MB file
    holds the interpreter, and the UI thread with it, for about 13 ms.)"""
    bom, encoding = encoding_of(state.data)
    encoded = text.encode(encoding)
    return bom + encoded if bom else encoded


def _write_over(state: FileState, data: bytes) -> None:
    """Write ``data`` beside the file, then rename it over the file if the file still holds
    what it held when read."""
    temporary = _write_beside(state.path, data)
    try:
        _replace_checked(state, temporary)
    finally:
        discard(temporary)


def _write_beside(path: Path, data: bytes) -> Path:
    try:
        return write_beside(path, data, mode=stat.S_IMODE(path.stat().st_mode))
    except OSError as error:
        reason = display(error.strerror or str(error))
        message = f"{display(str(path))}: cannot write next to it: {reason}; nothing was changed"
        raise ChangeRefused(message) from None


def _replace_checked(state: FileState, temporary: Path) -> None:
    _refuse_if_changed(state)
    try:
        replace(temporary, state.path)
    except OSError as error:
        reason = display(error.strerror or str(error))
        message = f"{display(str(state.path))}: cannot replace it: {reason}; nothing was changed"
        raise ChangeRefused(message) from None


# Sections whose items nothing else is checked against item by item: a change to a source
# (its text re-read, every quote of it re-verified) or to an issue loads the file whole.
LOCAL_SECTIONS = ("actors", "relations", "attributes", "stances")


def checked_change(old: str, new: str, kb: KnowledgeBase, *, shown: str) -> KnowledgeBase | None:
    """What ``new`` loads as, when it differs from ``old`` (which loads as ``kb``) only in
    the items of one section: those items, and only those, are read and checked by the
    loader's rules against ``kb`` (``loader.read_items``), so a change to a 25 MB file is
    checked in milliseconds. None when the change is not of that shape, or the text around
    it is not laid out plainly enough to be sure where its items start (``tui.outline``):
    then the caller loads ``new`` whole. Raises ``LoadError`` when the changed items do not
    check clean."""
    import yaml

    prefix, suffix = outline.common_affixes(old, new)
    old_end, new_end = len(old) - suffix, len(new) - suffix
    old_outline = outline.Outline.of(old)
    version = old_outline.version()
    if version is None or not outline.plain_breaks(new[prefix:new_end]):
        return None
    for name in LOCAL_SECTIONS:
        where = old_outline.section(name)
        if where is not None and where.body_start <= prefix and old_end <= where.end:
            break
    else:
        return None
    if version == "1" and name == "stances":
        return None  # a version 1 file's issues are its stances' texts: load it whole
    start = where.item_before(old, prefix - 1)  # (an insertion at an item's line: the one before)
    start = where.body_start if start is None else start
    end = where.item_after(old, old_end)
    grown = len(new) - len(old)
    if end + grown < new_end:
        return None
    try:
        old_nodes = outline.compose(old, start, end)
    except yaml.YAMLError:
        return None
    if old_nodes is not None and not isinstance(old_nodes, yaml.SequenceNode):
        return None
    old_ids = [_node_id(node) for node in old_nodes.value] if old_nodes is not None else []
    if None in old_ids:
        return None
    model = getattr(kb, name)
    ids = [item.id for item in model]
    first = 0  # no item before the change: it comes before the first one
    if old_ids:
        first = ids.index(old_ids[0]) if old_ids[0] in ids else -1
        if first < 0 or ids[first : first + len(old_ids)] != old_ids:
            return None
    kept = set(ids[:first]) | set(ids[first + len(old_ids) :])

    def line_of(item_id: str) -> int | None:
        found = outline.find_item(old, where, item_id)
        return outline.line_number(old, found[0]) + 1 if found is not None else None

    def read(fragment: str) -> list:
        try:  # lines counted from the fragment's: the file's are counted only for a report
            return read_items(kb, name, fragment, version=version, shown=shown, first_line=1,
                              kept_ids=kept, line_of=line_of)
        except LoadError as error:
            lines = outline.line_number(old, start)
            raise LoadError([dataclasses.replace(problem, line=problem.line + lines)
                             for problem in error.problems]) from None

    try:
        before = [_model_item(item) for item in read(old[start:end])]
    except LoadError:
        return None
    if before != list(model[first : first + len(old_ids)]):
        return None
    try:
        yaml.compose(new[start : end + grown], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None  # reported as ``check`` reports it, from the whole file
    after = [_model_item(item) for item in read(new[start : end + grown])]
    if name == "actors":
        gone = set(old_ids) - {item.id for item in after}
        if any(references_to(kb, actor_id) for actor_id in gone):
            return None  # reported with every place that names it, from the whole file
    elif set(old_ids) - {item.id for item in after} and _linked(model):
        return None  # a claim gone that another may name (`contradicts`...): load it whole
    return kb.replaced(name, (*model[:first], *after, *model[first + len(old_ids) :]))


def _linked(claims) -> bool:
    """Whether any claim names another (`contradicts`, `supersedes`, `consistent_with`)."""
    return any(c.contradicts or c.supersedes or c.consistent_with for c in claims)


def _node_id(node) -> str | None:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    found = pairs(node).get("id")
    return str(found[2].value) if found is not None else None


def _model_item(item):
    """An item as the model holds it (the loader keeps actors with their fields)."""
    return item[0] if isinstance(item, tuple) else item


def _refuse_if_changed(state: FileState) -> None:
    """The guard of every write, just before the rename: the file holds the very bytes the
    change was made from."""
    if not holds(state.path, state.data):
        raise ChangeRefused(CHANGED_ON_DISK.format(shown=display(str(state.path))))


def _refuse_if_touched(state: FileState) -> None:
    """The early check, before the work of a change: by the file's stamp while it is the
    one it had when read, else by its bytes. (The bytes are compared again just before
    the rename, whatever the stamp says: ``_replace_checked``.)"""
    if state.stamp is None or stamp_or_none(state.path) != state.stamp:
        _refuse_if_changed(state)


__all__ = [
    "SECTIONS",
    "SECTION_OF",
    "ChangeRefused",
    "FileState",
    "Refused",
    "append_entry",
    "append_item",
    "item_lines",
    "references_to",
    "rename_references",
    "update_item",
    "update_quote",
    "quote_entries",
    "remove_item",
    "save",
    "save_no_worse",
]
