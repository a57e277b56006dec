"""YAML knowledge base -> model, with every check the data needs.

The file is untrusted. It is parsed by a safe loader that resolves no implicit types (every
scalar stays the text that was written), then walked node by node so that each problem can
be reported with its line and column. All problems of a file are collected in one run and
raised together as a ``LoadError``; nothing else ever escapes.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import gc
import os
import re
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .files import Stamp, inside, open_regular, stamp_of
from .matcher import NOT_CONTIGUOUS, REPAIRED, Matcher
from .model import (
    ACTOR_KINDS,
    EVENT_TYPES,
    HEDGE_SCOPES,
    RELATION_TYPES,
    RELIABILITY_GRADES,
    UNVALENCED_TYPES,
    Actor,
    Attribute,
    ClaimKind,
    Confidence,
    Evidence,
    Fatalities,
    Hedge,
    Issue,
    KnowledgeBase,
    Location,
    Membership,
    Modality,
    Relation,
    Source,
    Stance,
    Status,
    Verification,
)
from .sanitize import display, truncate

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 200 * 1024 * 1024
"""Files larger than this are refused before parsing (YAML and source texts alike)."""

MAX_TOTAL_BYTES = 1024 * 1024 * 1024
"""All the source texts of one knowledge base together may not be larger than this; a text
that several sources name is read (and counted) once."""

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, stage)`` while loading, from the loading thread."""

READ_CHUNK_BYTES = 4 * 1024 * 1024
"""A longer file is read in pieces of this size, each reported as progress in bytes."""

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
MAX_DIGITS = 18
"""The most digits a whole number may have (leading zeros aside): no count in a knowledge base
comes near it, and anything longer is refused before it is converted."""
_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?\Z")
_TIMESTAMP = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?\Z"
)
"""A publication date: ``YYYY-MM-DD``, or with the time of day ``YYYY-MM-DDTHH:MM[:SS]``."""
_ZONED = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?\Z"
)
"""A publication date-time with a time zone or a fraction of a second (refused, with a hint)."""
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")

SUGGESTION_BUDGET = 50_000
"""How many known ids, in all, one load may compare unknown ids with to suggest a close one
("did you mean ...?"). Each comparison is costly; a file with thousands of unknown ids gets
suggestions for the first of them, and reporting stays linear in the number of problems."""
LOOSE_CACHE_CHARS = 256 * 1024 * 1024
"""How much loosened source text (see `_not_found`) one load keeps, in characters."""
SUGGESTED_LENGTH = 100
"""A word longer than this (a key, a value, an id) gets no suggestion: no id is that long."""

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    message: str
    item_id: str | None = None

    def __str__(self) -> str:
        # Paths, ids and messages carry text from the files: every part is made safe here,
        # where every report passes, so that no name can act on the terminal.
        where = f"{display(self.path)}:{self.line}:{self.column}"
        item = f" [{display(self.item_id)}]" if self.item_id else ""
        return f"{where}:{item} {display(self.message)}"


class LoadError(Exception):
    """Every problem found in a knowledge base, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.column))
        self._report: str | None = None
        super().__init__(problems)

    def __str__(self) -> str:
        return self.report()

    def report(self) -> str:
        """Every problem a line, then how many: made once, when first asked for (a file
        with thousands of problems is reported once, not once here and once by the caller)."""
        if self._report is None:
            count = len(self.problems)
            lines = [str(problem) for problem in self.problems]
            lines.append(f"{count} problem{'s' if count != 1 else ''} found.")
            self._report = "\n".join(lines)
        return self._report


def _safe_loader() -> type[yaml.SafeLoader]:
    """The safe loader (libyaml's where present), used only for its parser's events: they are
    composed into nodes here, so that no value is ever typed or constructed."""
    import yaml  # here, not above: PyYAML takes 7 ms to import, and the cache needs none

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Node:
    """A YAML node: its tag, its value and where it starts. Untagged nodes get the plain
    str/seq/map tag, so `NO` stays the text "NO" and `0755` stays "0755"."""

    __slots__ = ("tag", "value", "start_mark")

    def __init__(self, tag: str, value, start_mark) -> None:
        self.tag = tag
        self.value = value
        self.start_mark = start_mark


class _Scalar(_Node):
    value: str


class _Sequence(_Node):
    value: list[_Node]


class _Mapping(_Node):
    value: list[tuple[_Node, _Node]]


class _AnchorFound(Exception):
    """An anchor or alias was met; the whole file is then scanned to report every one."""


def bundled_knowledge_base_path() -> Path:
    """The knowledge base shipped with the package (or the checkout's data/ folder)."""
    try:
        from importlib.resources import files

        bundled = Path(str(files("tui.bundled") / "actors.yaml"))
        if bundled.is_file():
            return bundled
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "data" / "actors.yaml"


class Reading:
    """What one load may read, and what it read: the caps in bytes, and each file read
    (its path as the system resolves it) with its stamp taken from the opened file before
    reading, or None when it changed while it was read (``files.stamp_of``)."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES):
        self.max_bytes = max_bytes
        self.total_left = max_total_bytes
        self.max_total_bytes = max_total_bytes
        self.stamps: dict[Path, Stamp | None] = {}
        # The source texts read, by place: their bytes, and their text or why it is not one.
        self.texts: dict[Path, tuple[bytes | bytearray, str | LoadError]] = {}


def load_knowledge_base(
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    reading: Reading | None = None,
) -> KnowledgeBase:
    """Read, parse and verify a knowledge base. Raises ``LoadError`` and nothing else.

    ``reading`` (made from the two caps when not given) records the files read."""
    report: Progress = progress or (lambda done, total, stage: None)
    path = Path(path)
    shown = str(path)
    reading = reading or Reading(max_bytes, max_total_bytes)
    with collector_paused():
        try:
            report(0, 1, "reading")
            data = _read_bytes(
                path, shown, reading, lambda done, total: report(done, total, "reading")
            )
            text = _decode(data, shown)
            builder = _Builder(path, shown, reading, report, lines=text.count("\n") + 1)
            return builder.build(*_parse(text, shown, builder))
        except LoadError:
            raise
        except RecursionError:
            raise LoadError([Problem(shown, 1, 1, "the document is nested too deeply")]) from None
        except MemoryError:
            raise LoadError([Problem(shown, 1, 1, "the document is too large to load")]) from None


def read_items(
    kb: KnowledgeBase,
    section: str,
    text: str,
    *,
    version: str,
    shown: str,
    first_line: int,
    kept_ids: Collection[str],
    line_of: Callable[[str], int | None] = lambda item_id: None,
) -> list:
    """The items of ``section`` written in ``text``: part of the file ``kb`` was loaded from,
    a block list whose first line is the file's line ``first_line`` (1-based), checked by the
    rules of ``load_knowledge_base`` against ``kb``, where the other items of ``section``
    keep the ids ``kept_ids`` (``line_of`` tells a repeated one's line). Actors come as
    (actor, fields) pairs, as the builder keeps them. For a change to one item of a large
    file: its sources and the other sections are not read again. Raises ``LoadError``, with
    the file's lines and columns."""
    if version not in VERSIONS or section not in _SECTION_KEYS[version]:
        raise ValueError(f"no section {section!r} in version {version!r}")
    builder = _Builder(Path(kb.path or shown), shown, Reading(), lambda *_: None, lines=1)
    builder.version = version
    for source in kb.sources:
        builder.source_text[source.id] = source.text
        builder.published[source.id] = source.published_date
    builder.declared = {
        "sources": kb.source_by_id.keys(),
        "issues": kb.issue_by_id.keys(),
        "actors": kb.actor_by_id.keys(),
        "relations": kb.relation_by_id.keys(),
        "attributes": kb.attribute_by_id.keys(),
        "stances": kb.stance_by_id.keys(),
    }
    builder.closed.update(_SECTIONS)
    builder.open_section(section)
    with collector_paused():
        try:
            nodes: list[_Node] = []
            if any(line.strip() and not line.lstrip().startswith("#")
                   for line in text.splitlines()):
                root, _ = _parse(text, shown, builder)
                if not isinstance(root, _Sequence) or root.tag != _SEQ:
                    raise builder.invalid(root, f"expected the items of `{section}` (a list)")
                nodes = root.value
            for node in nodes:
                builder.section_item(section, node)
                item_id = _peek_id(node)
                if item_id is not None and item_id in kept_ids:
                    first = line_of(item_id)
                    where = f" (first at line {first})" if first is not None else ""
                    builder.problem(
                        node,
                        f"duplicate id {item_id!r} in `{section}`{where}; ids must be unique",
                        item_id,
                    )
        except LoadError as error:
            builder.problems += error.problems
        except _Invalid:
            pass
        except RecursionError:
            builder.problems.append(Problem(shown, 1, 1, "the document is nested too deeply"))
    values = builder.values[section]
    if builder.links:
        ids = {*kept_ids, *(_id_of(value) for value in values)}
        builder.check_links({**builder.declared, section: ids})
    if section == "actors":
        known = {*kept_ids, *(actor.id for actor, _ in values)}
        claimed = {old: actor.id for actor in kb.actors if actor.id in kept_ids
                   for old in actor.merged_from}
        builder.check_actor_references(values, known, claimed)
        for actor, fields in values:
            if actor.id in claimed:
                builder.problem(
                    fields["id"],
                    f"{actor.id!r} is an old id of {claimed[actor.id]!r} (its `merged_from`): "
                    "choose another id",
                    actor.id,
                )
    if builder.problems:
        raise LoadError([
            Problem(p.path, p.line + first_line - 1, p.column, p.message, p.item_id)
            for p in builder.problems
        ])
    return values


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block that makes millions of objects without the cyclic garbage collector.

    Loading makes no reference cycles, so collecting during it is wasted work, and the
    collector would otherwise walk every new object on its first pass after the load (a
    pause of a second on 10k actors). What survives is frozen out of its reach instead.

    The switch is process-wide, so blocks in several threads (a load, a save, the search
    index) share it: the first in turns the collector off, the last out freezes what was
    made and turns it back on, if it was on before the first.
    """
    global _paused_blocks, _collector_was_on
    with _pause_lock:
        if _paused_blocks == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _paused_blocks += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused_blocks -= 1
            if _paused_blocks == 0 and _collector_was_on:
                gc.freeze()
                gc.enable()


_pause_lock = threading.Lock()
_paused_blocks = 0  # blocks running under collector_paused, in any thread
_collector_was_on = False


# --- reading and parsing ---------------------------------------------------------------


BytesRead = Callable[[int, int], None]
"""Called as ``read(done, total)`` in bytes while a long file is read."""


def _read_bytes(
    path: Path,
    shown: str,
    reading: Reading,
    on_read: BytesRead | None = None,
    *,
    source: bool = False,
) -> bytes | bytearray:
    """The bytes of ``path``, opened first and then checked to be a regular file, within
    ``reading``'s caps (a source text also within what is left of the total); its stamp
    is recorded in ``reading``. A source is never read through a link in its last place
    (its path was resolved already: a link there now is a swap)."""
    limit = reading.max_bytes
    if source:
        limit = min(limit, reading.total_left)
    try:
        descriptor, status = open_regular(path, follow_symlinks=not source)
        with open(descriptor, "rb") as stream:
            size = status.st_size
            if size <= limit:
                # Sized to the file: read(limit + 1) would reserve the whole cap first.
                data = _read_sized(stream, size + 1, on_read)
                if len(data) > size:  # it grew since: read on, up to the cap
                    data += stream.read(limit + 1 - len(data))
                size = len(data)
            after = os.fstat(stream.fileno())
    except OSError as error:
        reason = display(error.strerror or str(error))
        raise LoadError([Problem(shown, 1, 1, f"cannot read the file: {reason}")]) from None
    if size > limit:
        if size > reading.max_bytes:
            message = (
                f"file is {size:,} bytes, over the {reading.max_bytes:,}-byte cap; "
                "split it or raise the cap with --max-size"
            )
        else:
            message = (
                f"file is {size:,} bytes: the source texts together would be over the "
                f"{reading.max_total_bytes:,}-byte budget; raise it with --max-total"
            )
        raise LoadError([Problem(shown, 1, 1, message)])
    before = stamp_of(status)
    reading.stamps[path.resolve()] = before if stamp_of(after) == before else None
    if source:
        reading.total_left -= size
    return data


def _decode(data: bytes | bytearray, shown: str) -> str:
    """UTF-8 (BOM optional) or UTF-16/32 with a BOM; anything else is an error with its place."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            data, encoding = data[len(bom) :], codec
            break
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        byte = data[error.start : error.start + 1].hex()
        raise LoadError(
            [
                Problem(
                    shown,
                    line,
                    column,
                    f"byte 0x{byte} is not valid {encoding.upper()}; save the file as UTF-8",
                )
            ]
        ) from None


def _read_sized(stream: BinaryIO, limit: int, on_read: BytesRead | None) -> bytes | bytearray:
    """Up to ``limit`` bytes of ``stream``: at once, or piece by piece into one buffer, with
    progress, when ``on_read`` is given and the file is long (no piece is copied again)."""
    if on_read is None or limit <= READ_CHUNK_BYTES:
        return stream.read(limit)
    total = limit - 1  # the size the file had; one more byte tells that it grew
    buffer = bytearray(limit)
    with memoryview(buffer) as view:
        done = 0
        while done < limit:
            count = stream.readinto(view[done : done + READ_CHUNK_BYTES])
            if not count:
                break
            done += count
            on_read(min(done, total), total)
    del buffer[done:]  # it shrank since
    return buffer


def _parse(text: str, shown: str, builder: _Builder) -> tuple[_Node, set[str]]:
    """The top-level node of ``text``, and the sections whose items went to ``builder``."""
    import yaml

    try:
        return _Composer(text, shown, builder).document()
    except _AnchorFound:
        raise LoadError(_anchor_problems(text, shown)) from None
    except yaml.MarkedYAMLError as error:
        raise LoadError([_yaml_problem(error, shown, text)]) from None
    except yaml.YAMLError as error:
        raise LoadError([Problem(shown, 1, 1, f"not valid YAML: {error}")]) from None


def _tag(tag: str | None, default: str) -> str:
    return default if tag is None or tag == "!" else tag


class _Composer:
    """Composes parser events into nodes, without recursion (nesting depth is the file's
    to choose). The items of each top-level section list are handed to the builder one at
    a time and then dropped, so a large file never has its whole node tree in memory."""

    def __init__(self, text: str, shown: str, builder: _Builder) -> None:
        self.parser = _safe_loader()(text)
        self.get = self.parser.get_event
        self.shown = shown
        self.builder = builder

    def document(self) -> tuple[_Node, set[str]]:
        import yaml

        get = self.get
        get()  # the stream's start
        if isinstance(get(), yaml.StreamEndEvent):
            raise LoadError(
                [
                    Problem(
                        self.shown,
                        1,
                        1,
                        "the file holds no YAML document; "
                        "expected a mapping with `sources` and `actors` (see docs/schema.md)",
                    )
                ]
            )
        first = get()
        if isinstance(first, yaml.MappingStartEvent) and _tag(first.tag, _MAP) == _MAP:
            root, streamed = self.top(first)
        else:
            root, streamed = self.node(first), set()
        get()  # the document's end
        after = get()
        if not isinstance(after, yaml.StreamEndEvent):
            mark = after.start_mark
            raise LoadError(
                [
                    Problem(
                        self.shown,
                        mark.line + 1,
                        mark.column + 1,
                        "the file holds more than one YAML document (`---`); keep one",
                    )
                ]
            )
        return root, streamed

    def top(self, start: yaml.MappingStartEvent) -> tuple[_Mapping, set[str]]:
        import yaml

        if start.anchor is not None:
            raise _AnchorFound()
        get, peek, builder = self.get, self.parser.peek_event, self.builder
        pairs: list[tuple[_Node, _Node]] = []
        streamed: set[str] = set()
        while not isinstance(event := get(), yaml.MappingEndEvent):
            key = self.node(event)
            following = peek()
            if (
                key.__class__ is _Scalar
                and key.tag == _STR
                and key.value in _SECTION_KEYS[builder.version]
                and key.value not in streamed  # a repeated key is reported, not read
                and isinstance(following, yaml.SequenceStartEvent)
                and following.anchor is None
                and _tag(following.tag, _SEQ) == _SEQ
            ):
                name = key.value
                streamed.add(name)
                get()
                builder.open_section(name)
                while not isinstance(event := get(), yaml.SequenceEndEvent):
                    builder.section_item(name, self.node(event))
                builder.close_section(name)
                value: _Node = _Sequence(_SEQ, [], following.start_mark)
            else:
                value = self.node(get())
                if key.__class__ is _Scalar and key.value == "version" and not pairs_have(
                    pairs, "version"
                ):
                    builder.set_version(value)
            pairs.append((key, value))
        return _Mapping(_MAP, pairs, start.start_mark), streamed

    def node(self, event) -> _Node:
        """The node that starts with ``event``, read to its end."""
        import yaml

        node_events = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
        get = self.get
        open_nodes: list[_Node] = []
        pending_keys: list[_Node | None] = []  # per open mapping: a key awaiting its value
        while True:
            kind = event.__class__
            if kind in node_events and event.anchor is not None or kind is yaml.AliasEvent:
                raise _AnchorFound()
            if kind is yaml.ScalarEvent:
                node: _Node = _Scalar(_tag(event.tag, _STR), event.value, event.start_mark)
            elif kind is yaml.MappingStartEvent:
                open_nodes.append(_Mapping(_tag(event.tag, _MAP), [], event.start_mark))
                pending_keys.append(None)
                event = get()
                continue
            elif kind is yaml.SequenceStartEvent:
                open_nodes.append(_Sequence(_tag(event.tag, _SEQ), [], event.start_mark))
                pending_keys.append(None)
                event = get()
                continue
            else:  # the end of the innermost open mapping or sequence
                node = open_nodes.pop()
                pending_keys.pop()
            if not open_nodes:
                return node
            parent = open_nodes[-1]
            if parent.__class__ is _Sequence:
                parent.value.append(node)
            elif pending_keys[-1] is None:
                pending_keys[-1] = node
            else:
                parent.value.append((pending_keys[-1], node))
                pending_keys[-1] = None
            event = get()


def pairs_have(pairs: list[tuple[_Node, _Node]], key: str) -> bool:
    return any(node.value == key for node, _ in pairs)


def _yaml_problem(error: yaml.MarkedYAMLError, shown: str, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = " ".join(part for part in (error.context, error.problem) if part)
    message = message.replace("\n", " ")
    lines = text.split("\n", line)
    line_text = lines[line - 1] if mark and line <= len(lines) else ""
    if "\t" in line_text[: column + 1]:
        message += " (hint: indent with spaces; YAML does not allow tabs for indentation)"
    return Problem(shown, line, column, f"not valid YAML: {message}")


def _anchor_problems(text: str, shown: str) -> list[Problem]:
    """Every anchor and alias of ``text`` (none is ever expanded), and any YAML error."""
    import yaml

    problems = []
    try:
        for event in yaml.parse(text, Loader=_safe_loader()):
            anchor = getattr(event, "anchor", None)
            if anchor is None:
                continue
            mark = event.start_mark
            if isinstance(event, yaml.AliasEvent):
                what = f"alias *{display(anchor)}"
            else:
                what = f"anchor &{display(anchor)}"
            problems.append(
                Problem(
                    shown,
                    mark.line + 1,
                    mark.column + 1,
                    f"{what}: anchors and aliases are not allowed; write the value out",
                )
            )
    except yaml.MarkedYAMLError as error:
        problems.append(_yaml_problem(error, shown, text))
    except yaml.YAMLError as error:
        problems.append(Problem(shown, 1, 1, f"not valid YAML: {error}"))
    return problems


# --- walking the document ---------------------------------------------------------------


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml") else tag


def _id_of(value) -> str:
    """The id of a finished item (an actor comes with its fields)."""
    return value[0].id if isinstance(value, tuple) else value.id


def _peek_id(node: _Node) -> str | None:
    """The `id` text of an item, read before the item is checked (for messages and dupes)."""
    if isinstance(node, _Mapping):
        for key, value in node.value:
            if key.value == "id" and isinstance(value, _Scalar) and value.tag == _STR:
                return value.value
    return None


@functools.lru_cache(maxsize=1024)
def _closest(word: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed word closest to ``word`` (a misspelt key or value), if one is close: the
    same misspelling in every item of a file is looked up once."""
    if len(word) > SUGGESTED_LENGTH:
        return None
    close = difflib.get_close_matches(word, allowed, n=1)
    return close[0] if close else None


class _Invalid(Exception):
    """A field could not be read; its problem is already recorded."""


def _kind_of(node: _Node) -> str:
    if isinstance(node, _Mapping):
        return "a mapping"
    if isinstance(node, _Sequence):
        return "a list"
    return f"the text {truncate(display(node.value), 40)!r}" if node.value else "nothing"


_V1 = "1"
_V2 = "2"
VERSIONS = (_V1, _V2)

# A claim's decided disputes: ids of claims of its own section (see `disputes`).
_CLAIM_LINKS = ("contradicts", "supersedes", "consistent_with")
_CLAIM_KEYS_V2 = {
    "date",
    "date_phrase",
    "reported",
    "status",
    "modality",
    "asserted_by",
    "confidence",
    "hedges",
    "caveats",
    "verification",
    "location",
    "fatalities",
    "notes",
    *_CLAIM_LINKS,
}
_V1_KEYS = {
    "sources": ({"id", "title", "publisher", "published", "path"}, {"dateline"}),
    "actors": ({"id", "name", "kind"}, {"aliases", "affiliation", "description"}),
    "relations": (
        {"id", "source", "target", "type", "polarity", "summary", "evidence"},
        {"date", "date_phrase", "status", "asserted_by", "confidence"},
    ),
    "stances": ({"id", "actor", "issue", "position", "evidence"}, set()),
}
_V2_KEYS = {
    "sources": (
        _V1_KEYS["sources"][0],
        {
            "dateline",
            "url",
            "origin",
            "byline",
            "language",
            "retrieved",
            "reliability",
            "sha256",
            "notes",
            "syndicated_from",
        },
    ),
    "issues": ({"id", "label"}, {"description", "notes"}),
    "actors": (
        _V1_KEYS["actors"][0],
        _V1_KEYS["actors"][1]
        | {"identifiers", "memberships", "name_note", "notes", "distinct_from", "merged_from"},
    ),
    "relations": (
        {"id", "source", "target", "type", "kind", "summary", "evidence"},
        _CLAIM_KEYS_V2 | {"polarity", "participants", "valid_from", "valid_to"},
    ),
    "attributes": ({"id", "actor", "type", "kind", "summary", "evidence"}, _CLAIM_KEYS_V2),
    "stances": (
        _V1_KEYS["stances"][0],
        {
            "stand",
            "date",
            "date_phrase",
            "asserted_by",
            "confidence",
            "modality",
            "hedges",
            "caveats",
            "notes",
            *_CLAIM_LINKS,
        },
    ),
}
_SECTION_KEYS = {_V1: _V1_KEYS, _V2: _V2_KEYS}
_V2_ONLY_KEYS = frozenset(
    key
    for name, (required, optional) in _V2_KEYS.items()
    for key in (required | optional) - set().union(*_V1_KEYS.get(name, (set(), set())))
)
_SECTIONS = tuple(_V2_KEYS)  # every section name, in the order the docs list them
_TOP_KEYS = {
    _V1: ({"sources", "actors"}, {"version", "relations", "stances"}),
    _V2: ({"sources", "actors"}, {"version", "issues", "relations", "attributes", "stances"}),
}
_EVIDENCE_KEYS = ({"source", "quote"}, {"occurrence"})
_HEDGE_KEYS = ({"applies_to", "cue", "source", "quote"}, {"occurrence", "asserted_by"})
_FATALITIES_KEYS = ({"count", "source", "quote"}, {"occurrence"})
_LOCATION_KEYS = ({"place"}, {"geo", "gazetteer"})
_GEO_KEYS = ({"lat", "lon"}, set())
_MEMBERSHIP_KEYS = ({"organisation"}, {"role", "from", "to", "evidence"})
_HEDGE_CUES = tuple(c.value for c in Confidence if c is not Confidence.STATED)
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


def timestamp_problem(value: str, field: str = "published") -> str | None:
    """Why ``value`` is not a publication date (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]``
    and nothing else: no week or ordinal dates, no basic format ``20170927``, no time zone or
    fractions of a second, which Python's ``fromisoformat`` would all take), or None."""
    shown = truncate(display(value), 40)
    match = _TIMESTAMP.match(value)
    if match is None:
        hint = ""
        if _TIMESTAMP.match(value.replace(" ", "T", 1)):
            hint = "; put a T between the date and the time"
        elif _ZONED.match(value):
            hint = "; leave out the time zone and any fraction of a second"
        return (
            f"`{field}` {shown!r} is not a date: write it as YYYY-MM-DD, or with the time "
            f"of day as YYYY-MM-DDTHH:MM[:SS] (e.g. 2017-09-27 or 2017-09-27T10:00){hint}"
        )
    day, hour, minute, second = match.groups()
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        return f"`{field}` {shown!r} is not a calendar date (no such month or day)"
    if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59):
        return f"`{field}` {shown!r} is not a time of day (00:00 to 23:59:59)"
    return None


# What each section needs read before its items can be finished (references to them).
_PREREQUISITES = {
    "sources": set(),
    "issues": set(),
    "actors": {"sources"},
    "relations": {"sources", "actors"},
    "attributes": {"sources", "actors"},
    "stances": {"sources", "actors", "issues"},
}


class _Builder:
    """Checks nodes and makes the model. Section items arrive one at a time (from the
    composer, or from ``section`` for a section that could not be streamed); an item that
    refers to other sections is finished as it comes once those are read, and is kept for
    the end otherwise."""

    def __init__(self, path: Path, shown: str, reading: Reading, report: Progress, lines: int):
        self.path = path
        self.shown = shown
        self.reading = reading
        self.report = report
        self.lines = lines
        self.version = _V1  # until the file says otherwise
        self.problems: list[Problem] = []
        self.source_text: dict[str, str] = {}
        self.published: dict[str, str] = {}  # source id -> its publication date
        # Ids of every item written in each section, valid or not, so that a reference to a
        # broken item is not reported a second time as a reference to an unknown one.
        self.declared: dict[str, Collection[str]] = {name: set() for name in _SECTIONS}
        self.first_lines: dict[str, dict[str, int]] = {}
        self.values: dict[str, list] = {name: [] for name in _SECTIONS}
        self.waiting: dict[str, list] = {name: [] for name in _SECTIONS}
        self.finishing = ""  # the section of the item being finished
        # References between items of one section, checked at the end (`check_links`):
        # (section, item id, key, node).
        self.links: list[tuple[str, str, str, _Node]] = []
        self.closed: set[str] = set()
        self.suggestion_budget = SUGGESTION_BUDGET  # see `unknown`
        self.hints: dict[tuple[str, str, int], str] = {}  # (what, id, known) -> its hint
        self.matchers: dict[int, Matcher] = {}  # id of a source text -> its `matcher`
        self.loose_chars = 0
        self.finishers = {
            "sources": self.read_source,
            "issues": self.read_issue,
            "actors": self.finish_actor,
            "relations": self.finish_relation,
            "attributes": self.finish_attribute,
            "stances": self.finish_stance,
        }

    # -- reporting

    def problem(self, node: _Node, message: str, item_id: str | None = None) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.shown, mark.line + 1, mark.column + 1, message, item_id))

    def invalid(self, node: _Node, message: str, item_id: str | None = None) -> _Invalid:
        self.problem(node, message, item_id)
        return _Invalid()

    # -- shapes

    def _check_node(self, node: _Node, item_id: str | None) -> None:
        """Refuse explicit tags before looking at a node's shape (the composer has already
        refused anchors and aliases)."""
        if node.tag not in (_STR, _SEQ, _MAP):
            raise self.invalid(
                node,
                f"tags are not allowed ({display(_short_tag(node.tag))}); remove the tag",
                item_id,
            )

    def mapping(
        self,
        node: _Node,
        keys: tuple[set[str], set[str]],
        item_id: str | None,
        what: str,
    ) -> dict[str, _Node]:
        required, optional = keys
        self._check_node(node, item_id)
        if not isinstance(node, _Mapping):
            raise self.invalid(
                node, f"expected {what} (a mapping), found {_kind_of(node)}", item_id
            )
        fields: dict[str, _Node] = {}
        key_lines: dict[str, int] = {}
        allowed = required | optional
        for key_node, value in node.value:
            if not isinstance(key_node, _Scalar) or key_node.tag != _STR:
                self.problem(key_node, "keys must be plain text", item_id)
                continue
            key = key_node.value
            if key in fields:
                self.problem(
                    key_node,
                    f"duplicate key {display(key)!r} (first at line {key_lines[key]}); "
                    "keep one of them",
                    item_id,
                )
                continue
            if key not in allowed:
                close = _closest(key, tuple(sorted(allowed)))
                hint = f"; did you mean {close!r}?" if close else ""
                if self.version == _V1 and key in _V2_ONLY_KEYS:
                    hint = '; it is a version 2 key: put `version: "2"` at the top of the file'

                self.problem(
                    key_node,
                    f"unknown key {truncate(display(key), 60)!r} in {what}{hint} "
                    f"(allowed: {', '.join(sorted(allowed))})",
                    item_id,
                )
                continue
            fields[key] = value
            key_lines[key] = key_node.start_mark.line + 1
        missing = sorted(required - fields.keys())
        if missing:
            names = ", ".join(f"`{name}`" for name in missing)
            self.problem(node, f"{what} is missing {names}", item_id)
        return fields

    def sequence(self, node: _Node, item_id: str | None, what: str) -> list[_Node]:
        self._check_node(node, item_id)
        if not isinstance(node, _Sequence):
            raise self.invalid(node, f"expected {what} (a list), found {_kind_of(node)}", item_id)
        return node.value

    def text(self, node: _Node, item_id: str | None, field: str, *, empty=False) -> str:
        self._check_node(node, item_id)
        if not isinstance(node, _Scalar):
            raise self.invalid(node, f"`{field}` must be text, found {_kind_of(node)}", item_id)
        if not empty and not node.value.strip():
            raise self.invalid(node, f"`{field}` is empty", item_id)
        return node.value

    def slug(self, node: _Node, item_id: str | None, field: str) -> str:
        value = self.text(node, item_id, field)
        if not _SLUG.match(value):
            raise self.invalid(
                node,
                f"`{field}` {truncate(display(value), 60)!r} is not a valid id: use lower-case "
                "ASCII letters, digits and single hyphens (e.g. `khalifa-haftar`)",
                item_id,
            )
        return value

    def choice(self, node: _Node, item_id: str | None, field: str, allowed) -> str:
        value = self.text(node, item_id, field)
        if value not in allowed:
            close = _closest(value, tuple(allowed))
            hint = f"did you mean {close!r}? " if close else ""
            raise self.invalid(
                node,
                f"`{field}` {truncate(display(value), 40)!r} is not one of the known values; "
                f"{hint}(allowed: {', '.join(allowed)})",
                item_id,
            )
        return value

    def integer(self, node, item_id, field: str, low: int, high: int | None) -> int:
        value = self.text(node, item_id, field)
        written = value.strip()
        if not _INTEGER.match(written):
            raise self.invalid(
                node,
                f"`{field}` must be a whole number, not {truncate(display(value), 40)!r}",
                item_id,
            )
        # Digits are counted before anything is converted: a number of thousands of digits
        # is out of any range (and int() would refuse it with a traceback).
        sign = -1 if written[0] == "-" else 1
        digits = written.lstrip("+-").lstrip("0")
        too_long = len(digits) > MAX_DIGITS
        number = sign * (10**MAX_DIGITS if too_long else int(digits or "0"))
        shown = truncate(display(written), 20)
        if number < low or (high is not None and number > high):
            bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise self.invalid(node, f"`{field}` must be {bounds}, not {shown}", item_id)
        if too_long:
            raise self.invalid(
                node,
                f"`{field}` {shown} has {len(digits):,} digits; write a whole number of at "
                f"most {MAX_DIGITS} digits",
                item_id,
            )
        return number

    def optional(self, fields: dict[str, _Node], key: str, read, *args):
        return read(fields[key], *args) if key in fields else None

    # -- sections

    def set_version(self, node: _Node) -> None:
        """The file's `version`, read before the sections that follow it."""
        version = self._guard(self.choice, node, None, "version", VERSIONS)
        if version is None:
            return
        if self.first_lines:
            self.problem(node, "`version` must come before the sections; move it to the top")
            return
        self.version = version

    def build(self, root: _Node, streamed: set[str]) -> KnowledgeBase:
        try:
            top = self.mapping(root, _TOP_KEYS[self.version], None, "the knowledge base")
        except _Invalid:
            raise LoadError(self.problems) from None
        for name in _SECTION_KEYS[self.version]:
            if name not in streamed:
                self.section(top, name)
        if "sources" in top and not self.declared["sources"]:
            self.problem(
                top["sources"], "`sources` is empty; a knowledge base needs at least one source"
            )
        self.closed.update(_SECTIONS)
        for name in _SECTIONS:
            for value in self.waiting[name]:
                self.finish(name, value)
        self.check_actor_references(self.values["actors"], self.declared["actors"])
        self.check_links(self.declared)
        if self.problems:
            raise LoadError(self.problems)
        self.report(self.lines, self.lines, "done")
        stances = tuple(self.values["stances"])
        issues = tuple(self.values["issues"])
        if self.version == _V1:  # v1 issues are free text: one issue per text used
            issues = tuple(Issue(id=text, label=text) for text in dict.fromkeys(
                stance.issue for stance in stances
            ))
        return KnowledgeBase(
            sources=tuple(self.values["sources"]),
            actors=tuple(actor for actor, _ in self.values["actors"]),
            relations=tuple(self.values["relations"]),
            stances=stances,
            issues=issues,
            attributes=tuple(self.values["attributes"]),
            path=self.shown,
        )

    def _guard(self, read, *args):
        try:
            return read(*args)
        except _Invalid:
            return None

    def section(self, top: dict[str, _Node], name: str) -> None:
        """Read a section the composer could not stream (not a plain list, or repeated)."""
        if name not in top:
            return
        self.open_section(name)
        node = top[name]
        if not (isinstance(node, _Scalar) and node.tag == _STR and node.value == ""):
            # (`relations:` with nothing after it is an empty list)
            for item in self._guard(self.sequence, node, None, f"`{name}`") or ():
                self.section_item(name, item)
        self.close_section(name)

    def open_section(self, name: str) -> None:
        self.first_lines[name] = {}
        self.declared[name] = self.first_lines[name].keys()

    def section_item(self, name: str, item: _Node) -> None:
        """Read one item of a section; ids must be unique within it."""
        # Every item: one item may take long (its quotes checked in a very long source text).
        self.report(item.start_mark.line, self.lines, "checking")
        first_line = self.first_lines[name]
        item_id = _peek_id(item)
        if item_id is not None and item_id in first_line:
            self.problem(
                item,
                f"duplicate id {item_id!r} in `{name}` (first at line "
                f"{first_line[item_id]}); ids must be unique",
                item_id,
            )
            return
        if item_id is not None:
            first_line[item_id] = item.start_mark.line + 1
        what = "an " + name[:-1] if name[0] in "aeiou" else "a " + name[:-1]
        fields = self._guard(self.mapping, item, _SECTION_KEYS[self.version][name], item_id, what)
        if fields is None:
            return
        # An id that is not valid is reported, and the rest of the item is still checked.
        valid_id = self.item_id(fields) is not None
        pending = (item, fields, item_id, valid_id)
        if _PREREQUISITES[name] <= self.closed:
            self.finish(name, pending)
        else:
            self.waiting[name].append(pending)

    def finish(self, name: str, pending) -> None:
        item, fields, item_id, valid_id = pending
        self.finishing = name
        value = self._guard(self.finishers[name], item, fields, item_id)
        if value is not None and valid_id:
            self.values[name].append(value)

    def close_section(self, name: str) -> None:
        self.closed.add(name)
        if name == "sources":
            for source in self.values["sources"]:
                self.source_text[source.id] = source.text
                self.published[source.id] = source.published_date
        for waiting_name, waiting in self.waiting.items():
            if waiting and _PREREQUISITES[waiting_name] <= self.closed:
                self.waiting[waiting_name] = []
                for pending in waiting:
                    self.finish(waiting_name, pending)

    def item_id(self, fields: dict[str, _Node]) -> str | None:
        return self._guard(self.slug, fields["id"], None, "id") if "id" in fields else None

    def field(self, fields, key: str, read, item_id, *args):
        """A field read with ``read``: its value, None when absent; raises ``_Invalid`` at the
        end of the item (``require``) when it was present but invalid."""
        if key not in fields:
            return None
        value = self._guard(read, fields[key], item_id, key, *args)
        if value is None:
            self.broken = True
        return value

    def texts(self, fields, key: str, item_id, read=None) -> tuple[str, ...]:
        """A list of strings (each read with ``read``, text by default); a broken one
        breaks the item, and the others are still read and checked."""
        if key not in fields:
            return ()
        nodes = self._guard(self.sequence, fields[key], item_id, f"`{key}`")
        if nodes is None:
            self.broken = True
            return ()
        values = tuple(self._guard(read or self.text, node, item_id, key) for node in nodes)
        if None in values:
            self.broken = True
        return tuple(value for value in values if value is not None)

    def start_item(self) -> None:
        self.broken = False

    def require(self, *values) -> None:
        """End an item: raise ``_Invalid`` if a required value is missing or a field broke."""
        if self.broken or any(value is None for value in values):
            raise _Invalid()

    def read_source(self, node: _Node, fields, source_id):
        self.start_item()
        text_field = self.text
        title = self.field(fields, "title", text_field, source_id)
        publisher = self.field(fields, "publisher", text_field, source_id)
        published = self.field(fields, "published", self.timestamp, source_id)
        relative = self.field(fields, "path", text_field, source_id)
        optional = {
            key: self.field(fields, key, text_field, source_id)
            for key in ("dateline", "url", "origin", "byline", "language", "notes")
        }
        retrieved = self.field(fields, "retrieved", self.date, source_id)
        reliability = self.field(
            fields, "reliability", self.choice, source_id, RELIABILITY_GRADES
        )
        sha256 = self.field(fields, "sha256", self.sha256, source_id)
        syndicated_from = self.field(fields, "syndicated_from", self.slug, source_id)
        if syndicated_from is not None:
            self.links.append(("sources", source_id, "syndicated_from", fields["syndicated_from"]))
        text = None
        if relative is not None:
            text = self.read_source_text(fields["path"], relative, source_id, sha256)
        self.require(source_id, title, publisher, published, text)
        return Source(
            id=source_id,
            title=title,
            publisher=publisher,
            published=published,
            path=relative,
            text=text,
            retrieved=retrieved,
            reliability=reliability,
            sha256=sha256,
            **{key: value for key, value in optional.items() if key != "notes"},
            notes=optional["notes"] or "",
            syndicated_from=syndicated_from,
        )

    def timestamp(self, node: _Node, item_id, field: str) -> str:
        """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]`` and nothing else: no week or ordinal
        dates, no basic format (``20170927``), no time zone or fractions of a second, which
        Python's ``fromisoformat`` would all take."""
        value = self.text(node, item_id, field)
        problem = timestamp_problem(value, field)
        if problem is not None:
            raise self.invalid(node, problem, item_id)
        return value

    def sha256(self, node: _Node, item_id, field: str) -> str:
        value = self.text(node, item_id, field).strip().lower()
        if not _SHA256.match(value):
            raise self.invalid(
                node,
                f"`{field}` must be 64 hexadecimal digits (the output of `sha256sum FILE`)",
                item_id,
            )
        return value

    def read_source_text(
        self, node: _Node, relative: str, source_id: str, sha256: str | None
    ) -> str | None:
        place = inside(self.path.parent, relative)
        if place is None:
            self.problem(
                node,
                f"source path {display(relative)!r} must stay inside the knowledge base's "
                "folder, symbolic links followed; copy the text next to the YAML file",
                source_id,
            )
            return None
        shown = str(self.path.parent / relative)
        stage = f"reading {relative}"
        try:
            read = self.reading.texts.get(place)
            if read is None:  # a text that several sources name is read and decoded once
                data = _read_bytes(
                    place,
                    shown,
                    self.reading,
                    lambda done, total: self.report(done, total, stage),
                    source=True,
                )
                try:
                    read = (data, _decode(data, shown))
                except LoadError as error:
                    read = (data, error)
                self.reading.texts[place] = read
            data, text = read
            if sha256 is not None:
                import hashlib  # only for a pinned source

                found = hashlib.sha256(data).hexdigest()
                if found != sha256:
                    self.problem(
                        node,
                        f"source text {display(shown)} does not match its `sha256` (it is "
                        f"{found}): the text changed since the quotes were written; restore "
                        "it, or check every quote and update the pin",
                        source_id,
                    )
            if isinstance(text, LoadError):
                raise text
            return text
        except LoadError as error:
            for inner in error.problems:
                if (inner.line, inner.column) != (1, 1):
                    # One problem, at its place inside the text file itself.
                    self.problems.append(
                        Problem(
                            inner.path,
                            inner.line,
                            inner.column,
                            f"source text of {source_id!r}: {inner.message}",
                            source_id,
                        )
                    )
                else:
                    self.problem(
                        node, f"source text {display(shown)}: {inner.message}", source_id
                    )
            return None

    def read_issue(self, node: _Node, fields, issue_id):
        self.start_item()
        label = self.field(fields, "label", self.text, issue_id)
        description = self.field(fields, "description", self.text, issue_id)
        notes = self.field(fields, "notes", self.text, issue_id)
        self.require(issue_id, label)
        return Issue(id=issue_id, label=label, description=description or "", notes=notes or "")

    def finish_actor(self, node: _Node, fields, actor_id):
        self.start_item()
        name = self.field(fields, "name", self.text, actor_id)
        kind = self.field(fields, "kind", self.choice, actor_id, ACTOR_KINDS)
        aliases = self.texts(fields, "aliases", actor_id)
        affiliation = self.field(fields, "affiliation", self.slug, actor_id)
        if affiliation is not None and affiliation == actor_id:
            self.problem(
                fields["affiliation"],
                "an actor cannot be its own `affiliation`; remove it or name another actor",
                actor_id,
            )
            self.broken = True
        description = self.field(fields, "description", self.text, actor_id)
        name_note = self.field(fields, "name_note", self.text, actor_id)
        notes = self.field(fields, "notes", self.text, actor_id)
        identifiers = self.field(fields, "identifiers", self.identifiers, actor_id)
        distinct_from = self.slugs(fields, "distinct_from", actor_id)
        merged_from = self.slugs(fields, "merged_from", actor_id)
        for key, ids, message in (
            ("distinct_from", distinct_from, "an actor is always itself; remove its own id"),
            ("merged_from", merged_from, "an actor cannot be merged into itself; remove its "
             "own id"),
        ):
            if actor_id is not None and actor_id in ids:
                self.problem(fields[key], f"`{key}` names {actor_id!r}: {message}", actor_id)
                self.broken = True
        memberships = ()
        if "memberships" in fields:
            nodes = self._guard(self.sequence, fields["memberships"], actor_id, "`memberships`")
            found = [self._guard(self.membership, item, actor_id) for item in nodes or ()]
            if nodes is None or None in found:
                self.broken = True
            memberships = tuple(m for m in found if m is not None)
        self.require(actor_id, name, kind)
        actor = Actor(
            id=actor_id,
            name=name,
            kind=kind,
            aliases=aliases,
            affiliation=affiliation,
            description=description or "",
            identifiers=identifiers or (),
            memberships=memberships,
            name_note=name_note or "",
            notes=notes or "",
            distinct_from=distinct_from,
            merged_from=merged_from,
        )
        return actor, fields

    def slugs(self, fields, key: str, item_id) -> tuple[str, ...]:
        """A list of ids (`distinct_from`, `contradicts`...), each once."""
        return tuple(dict.fromkeys(self.texts(fields, key, item_id, self.slug)))

    def identifiers(self, node: _Node, item_id, field: str) -> tuple[tuple[str, str], ...]:
        self._check_node(node, item_id)
        if not isinstance(node, _Mapping):
            raise self.invalid(
                node,
                f"`{field}` must be a mapping of scheme to id (e.g. `wikidata: Q1345`), "
                f"found {_kind_of(node)}",
                item_id,
            )
        found = []
        for key, value in node.value:
            scheme = self._guard(self.text, key, item_id, field)
            ident = self._guard(self.text, value, item_id, field)
            if scheme is None or ident is None:
                raise _Invalid()
            found.append((scheme, ident))
        return tuple(found)

    def membership(self, node: _Node, actor_id) -> tuple:
        fields = self.mapping(node, _MEMBERSHIP_KEYS, actor_id, "a membership")
        organisation = self._guard(self.slug, fields["organisation"], actor_id, "organisation") \
            if "organisation" in fields else None
        role = self._guard(self.optional, fields, "role", self.text, actor_id, "role")
        start = self._guard(self.optional, fields, "from", self.date, actor_id, "from")
        end = self._guard(self.optional, fields, "to", self.date, actor_id, "to")
        evidence = (
            self.quotes(fields, "evidence", actor_id) if "evidence" in fields else ()
        )
        if organisation is not None and organisation == actor_id:
            self.problem(fields["organisation"], "an actor cannot be a member of itself", actor_id)
            raise _Invalid()
        if (
            organisation is None
            or evidence is None
            or any(
                key in fields and value is None
                for key, value in (("role", role), ("from", start), ("to", end))
            )
        ):
            raise _Invalid()
        self.check_order(fields, "from", start, "to", end, actor_id)
        return Membership(
            organisation=organisation, role=role, start=start, end=end, evidence=evidence
        )

    def check_links(self, declared) -> None:
        """`syndicated_from` names another source; `contradicts`, `supersedes` and
        `consistent_with` name other claims of the claim's own section, and no claim is
        said both to contradict and to agree with another."""
        for section, item_id, key, node in self.links:
            values = node.value if isinstance(node, _Sequence) else [node]
            names = [value.value for value in values if isinstance(value, _Scalar)]
            for value_node, value in zip(values, names, strict=False):
                if value == item_id:
                    self.problem(value_node, f"`{key}` names the item itself", item_id)
                elif value not in declared[section]:
                    self.unknown(value_node, section[:-1], value, declared[section], item_id)
        both: dict[tuple[str, str], set[str]] = {}
        for _section, item_id, key, node in self.links:
            if key in ("contradicts", "consistent_with") and isinstance(node, _Sequence):
                for value in node.value:
                    if isinstance(value, _Scalar):
                        both.setdefault((item_id, value.value), set()).add(key)
                        if len(both[(item_id, value.value)]) == 2:
                            self.problem(
                                value, f"{item_id!r} both `contradicts` {value.value!r} and is "
                                "`consistent_with` it: keep the one you decided", item_id
                            )

    def check_actor_references(
        self, actors, actor_ids: Collection[str], claimed: dict[str, str] | None = None
    ) -> None:
        """Affiliations, posts and `distinct_from` name actors; a `merged_from` id is no
        actor's id and is claimed once (``claimed``: old id -> the actor that has it, for
        actors not in ``actors``)."""
        claimed = dict(claimed or {})
        for actor, fields in actors:
            for node in fields["distinct_from"].value if actor.distinct_from else ():
                value = node.value if isinstance(node, _Scalar) else None
                if value in actor.distinct_from and value not in actor_ids:
                    self.unknown(node, "actor", value, actor_ids, actor.id)
            for node in fields["merged_from"].value if actor.merged_from else ():
                value = node.value if isinstance(node, _Scalar) else None
                if value not in actor.merged_from:
                    continue
                if value in actor_ids:
                    self.problem(
                        node,
                        f"`merged_from` names {value!r}, which is an actor: an old id is "
                        "the id of an actor that is gone; remove it, or merge that actor "
                        f"(`stakeholders merge {value} --into {actor.id}`)",
                        actor.id,
                    )
                elif claimed.setdefault(value, actor.id) != actor.id:
                    self.problem(
                        node,
                        f"{value!r} was merged into {claimed[value]!r} already (its "
                        "`merged_from`); an old id leads to one actor: remove one of them",
                        actor.id,
                    )
            if actor.affiliation is not None and actor.affiliation not in actor_ids:
                self.unknown(fields["affiliation"], "actor", actor.affiliation, actor_ids, actor.id)
            if actor.memberships:
                nodes = fields["memberships"].value
                for membership, node in zip(actor.memberships, nodes, strict=False):
                    if membership.organisation not in actor_ids:
                        organisation = dict((k.value, v) for k, v in node.value)["organisation"]
                        self.unknown(
                            organisation, "actor", membership.organisation, actor_ids, actor.id
                        )

    def unknown(self, node, what: str, value: str, known: Collection[str], item_id) -> None:
        """Report an unknown id, with the closest known one when there is one. An id repeated
        gets the hint found the first time; looking for one costs a comparison with each
        known id, taken from a budget for the whole load, so that reporting stays linear in
        the number of problems however many ids are unknown."""
        key = (what, value, len(known))
        hint = self.hints.get(key)
        if hint is None:
            if len(value) > SUGGESTED_LENGTH or len(known) > self.suggestion_budget:
                hint = f"; check the spelling, or add it to the {what}s section"
            else:
                self.suggestion_budget -= len(known)
                close = difflib.get_close_matches(value, sorted(known), n=1)
                hint = (
                    f"; did you mean {truncate(display(close[0]), 60)!r}?"
                    if close
                    else f"; add it to the {what}s section"
                )
            self.hints[key] = hint
        self.problem(node, f"unknown {what} {truncate(display(value), 60)!r}{hint}", item_id)

    def reference(self, node: _Node, item_id, field: str, section: str) -> str:
        """An id that must be declared in ``section`` (an item that was written but is
        broken is reported where it is written, not again here)."""
        value = self.slug(node, item_id, field)
        if value not in self.declared[section]:
            self.unknown(node, section[:-1], value, self.declared[section], item_id)
            raise _Invalid()
        return value

    def actor_ref(self, node: _Node, item_id, field: str) -> str:
        return self.reference(node, item_id, field, "actors")

    def claim_kind(self, fields, item_id, type_name: str | None) -> ClaimKind | None:
        """The claim's kind: written in v2, read from its type in v1."""
        if self.version == _V1:
            if type_name is None:
                return None
            return ClaimKind.EVENT if type_name in EVENT_TYPES else ClaimKind.TIE
        value = self.field(fields, "kind", self.choice, item_id, tuple(ClaimKind))
        return None if value is None else ClaimKind(value)

    def common_claim(self, fields, item_id, kind: ClaimKind | None) -> dict:
        """The fields relations, attributes and stances share, read (and problems reported)
        whatever else is wrong with the item."""
        choice = self.choice
        values: dict = {
            "date": self.field(fields, "date", self.date, item_id),
            "date_phrase": self.field(fields, "date_phrase", self.text, item_id),
            "asserted_by": self.field(fields, "asserted_by", self.actor_ref, item_id),
            "confidence": self.field(fields, "confidence", choice, item_id, tuple(Confidence)),
            "modality": self.field(fields, "modality", choice, item_id, tuple(Modality)),
            "notes": self.field(fields, "notes", self.text, item_id),
            "contradicts": self.slugs(fields, "contradicts", item_id),
            "supersedes": self.field(fields, "supersedes", self.slug, item_id),
            "consistent_with": self.slugs(fields, "consistent_with", item_id),
        }
        for key in _CLAIM_LINKS:
            if key in fields and item_id is not None:
                # Checked once every claim is known (they may name a later one).
                self.links.append((self.finishing, item_id, key, fields[key]))
        values["evidence"] = self.quotes(fields, "evidence", item_id)
        if values["evidence"] is None and "evidence" in fields:
            self.broken = True
        values["caveats"] = ()
        if "caveats" in fields:
            values["caveats"] = self.quotes(fields, "caveats", item_id)
            if values["caveats"] is None:
                self.broken = True
        values["hedges"] = ()
        if "hedges" in fields:
            nodes = self._guard(self.sequence, fields["hedges"], item_id, "`hedges`")
            found = [self._guard(self.hedge, node, item_id) for node in nodes or ()]
            if nodes is None or None in found:
                self.broken = True
            values["hedges"] = tuple(h for h in found if h is not None)
        if "status" in fields and kind is ClaimKind.EVENT and self.version == _V2:
            self.problem(
                fields["status"],
                "`status` is for ties; an event is placed in time by its `date`: remove it, "
                "or make the claim `kind: tie`",
                item_id,
            )
            self.broken = True
        status = self.field(fields, "status", choice, item_id, tuple(Status))
        values["status"] = Status(status) if status is not None else None
        return values

    def event_fields(self, fields, item_id, evidence) -> dict:
        """What relations and attributes have beyond stances: when it was reported, what the
        source says of confirmation, where, and the toll."""
        reported = self.field(fields, "reported", self.date, item_id)
        if reported is None and evidence:
            reported = self.published.get(evidence[0].source)
        location = self.field(fields, "location", self.location, item_id)
        if location is not None and evidence is not None:
            if not any(location.place in quote.quote for quote in evidence):
                self.problem(
                    fields["location"],
                    f"the place {truncate(display(location.place), 40)!r} is not in any quote "
                    "of this claim; write the place in the source's words, and quote them",
                    item_id,
                )
                self.broken = True
        verification = self.field(
            fields, "verification", self.choice, item_id, tuple(Verification)
        )
        return {
            "reported": reported,
            "verification": Verification(verification) if verification else None,
            "location": location,
            "fatalities": self.field(fields, "fatalities", self.fatalities, item_id),
        }

    def finish_relation(self, node: _Node, fields, relation_id) -> Relation:
        self.start_item()
        source = self.field(fields, "source", self.actor_ref, relation_id)
        target = self.field(fields, "target", self.actor_ref, relation_id)
        type_name = self.field(fields, "type", self.choice, relation_id, RELATION_TYPES)
        kind = self.claim_kind(fields, relation_id, type_name)
        claim = self.common_claim(fields, relation_id, kind)
        claim.update(self.event_fields(fields, relation_id, claim["evidence"]))
        polarity = self.field(fields, "polarity", self.integer, relation_id, -2, 2)
        if (
            "polarity" not in fields
            and self.version == _V2
            and type_name is not None
            and type_name not in UNVALENCED_TYPES
        ):
            self.problem(
                node,
                f"a `{type_name}` relation needs a `polarity` (-2 .. 2); only "
                f"{', '.join(sorted(UNVALENCED_TYPES))} may go without",
                relation_id,
            )
            self.broken = True
        summary = self.field(fields, "summary", self.text, relation_id)
        participants = self.participants(fields, relation_id, kind, (source, target))
        valid_from = self.field(fields, "valid_from", self.date, relation_id)
        valid_to = self.field(fields, "valid_to", self.date, relation_id)
        for key in ("valid_from", "valid_to"):
            if key in fields and kind is ClaimKind.EVENT:
                self.problem(
                    fields[key],
                    f"`{key}` is for ties; an event has a `date`",
                    relation_id,
                )
                self.broken = True
        self.check_order(fields, "valid_from", valid_from, "valid_to", valid_to, relation_id)
        if source is not None and source == target and self.version == _V2:
            # (Version 1 allowed it, and its files keep loading.)
            self.problem(
                fields["target"],
                "a relation needs two different actors; for a claim about one actor, "
                "use `attributes`",
                relation_id,
            )
            self.broken = True
        status = claim.pop("status")
        if kind is ClaimKind.TIE and status is None:
            status = Status.PAST if valid_to is not None else Status.CURRENT
        elif kind is ClaimKind.EVENT:
            status = None
        self.require(relation_id, source, target, type_name, kind, summary, claim["evidence"])
        if polarity is None and self.version == _V1:
            raise _Invalid()  # (missing: reported as a missing key)
        return Relation(
            id=relation_id,
            source=source,
            target=target,
            type=type_name,
            polarity=polarity,
            summary=summary,
            kind=kind,
            participants=participants,
            status=status,
            valid_from=valid_from,
            valid_to=valid_to,
            **self.claim_defaults(claim),
        )

    def claim_defaults(self, claim: dict) -> dict:
        claim["confidence"] = Confidence(claim["confidence"] or Confidence.STATED)
        claim["modality"] = Modality(claim["modality"] or Modality.ACTUAL)
        claim["notes"] = claim["notes"] or ""
        return claim

    def participants(self, fields, item_id, kind, parties) -> tuple[str, ...]:
        if "participants" not in fields:
            return ()
        node = fields["participants"]
        if kind is ClaimKind.TIE:
            self.problem(
                node, "`participants` is for events; a tie is between `source` and `target`",
                item_id,
            )
            self.broken = True
            return ()
        nodes = self._guard(self.sequence, node, item_id, "`participants`")
        if nodes is None:
            self.broken = True
            return ()
        found: list[str] = []
        for item in nodes:
            value = self._guard(self.actor_ref, item, item_id, "participants")
            if value is None:
                self.broken = True
            elif value in parties or value in found:
                self.problem(
                    item,
                    f"{value!r} is already a party of this event; name each actor once",
                    item_id,
                )
                self.broken = True
            else:
                found.append(value)
        return tuple(found)

    def finish_attribute(self, node: _Node, fields, attribute_id) -> Attribute:
        self.start_item()
        actor = self.field(fields, "actor", self.actor_ref, attribute_id)
        type_name = self.field(fields, "type", self.slug, attribute_id)
        kind = self.claim_kind(fields, attribute_id, None)
        claim = self.common_claim(fields, attribute_id, kind)
        claim.update(self.event_fields(fields, attribute_id, claim["evidence"]))
        summary = self.field(fields, "summary", self.text, attribute_id)
        status = claim.pop("status")
        if kind is ClaimKind.TIE and status is None:
            status = Status.CURRENT
        elif kind is ClaimKind.EVENT:
            status = None
        self.require(attribute_id, actor, type_name, kind, summary, claim["evidence"])
        return Attribute(
            id=attribute_id,
            actor=actor,
            type=type_name,
            summary=summary,
            kind=kind,
            status=status,
            **self.claim_defaults(claim),
        )

    def finish_stance(self, node: _Node, fields, stance_id) -> Stance:
        self.start_item()
        actor = self.field(fields, "actor", self.actor_ref, stance_id)
        if self.version == _V1:
            issue = self.field(fields, "issue", self.text, stance_id)
        else:
            issue = self.field(fields, "issue", self.reference, stance_id, "issues")
        position = self.field(fields, "position", self.text, stance_id)
        stand = self.field(fields, "stand", self.integer, stance_id, -2, 2)
        claim = self.common_claim(fields, stance_id, None)
        claim.pop("status")
        self.require(stance_id, actor, issue, position, claim["evidence"])
        return Stance(
            id=stance_id,
            actor=actor,
            issue=issue,
            position=position,
            stand=stand,
            **self.claim_defaults(claim),
        )

    def check_order(self, fields, first_key, first, last_key, last, item_id) -> None:
        if first is not None and last is not None and _padded(first) > _padded(last):
            self.problem(
                fields[last_key], f"`{last_key}` is before `{first_key}`", item_id
            )
            self.broken = True

    def date(self, node: _Node, item_id, field: str = "date") -> str:
        value = self.text(node, item_id, field)
        if not _DATE.match(value):
            raise self.invalid(
                node,
                f"`{field}` {truncate(display(value), 40)!r} is not a date: write it as "
                "YYYY-MM-DD, YYYY-MM or YYYY, cut to what the source says",
                item_id,
            )
        try:
            datetime.date.fromisoformat(_padded(value))
        except ValueError:
            raise self.invalid(
                node,
                f"`{field}` {truncate(display(value), 40)!r} is not a calendar date "
                "(no such month or day)",
                item_id,
            ) from None
        return value

    def location(self, node: _Node, item_id, field: str) -> Location:
        fields = self.mapping(node, _LOCATION_KEYS, item_id, "a location")
        place = self._guard(self.optional, fields, "place", self.text, item_id, "place")
        gazetteer = self._guard(
            self.optional, fields, "gazetteer", self.text, item_id, "gazetteer"
        )
        lat = lon = None
        if "geo" in fields:
            geo = self.mapping(fields["geo"], _GEO_KEYS, item_id, "coordinates")
            lat = self._guard(self.optional, geo, "lat", self.coordinate, item_id, "lat", 90)
            lon = self._guard(self.optional, geo, "lon", self.coordinate, item_id, "lon", 180)
            if lat is None or lon is None:
                raise _Invalid()
        if place is None or ("gazetteer" in fields and gazetteer is None):
            raise _Invalid()
        return Location(place=place, lat=lat, lon=lon, gazetteer=gazetteer)

    def coordinate(self, node: _Node, item_id, field: str, limit: int) -> float:
        value = self.text(node, item_id, field)
        written = value.strip()
        # Plain decimal digits only, and not too many of them: float() would also take
        # `1e400`, `nan`, `inf`, `1_0` and digits of other scripts.
        number = float(written) if len(written) < 40 and _DECIMAL.match(written) else None
        if number is None or not -limit <= number <= limit:
            raise self.invalid(
                node,
                f"`{field}` must be a number from -{limit} to {limit} (decimal degrees), "
                f"not {truncate(display(value), 40)!r}",
                item_id,
            )
        return number

    def fatalities(self, node: _Node, item_id, field: str) -> Fatalities:
        fields = self.mapping(node, _FATALITIES_KEYS, item_id, "a toll")
        count = self._guard(self.optional, fields, "count", self.integer, item_id, "count", 0, None)
        evidence = self._guard(self.located, fields, item_id)
        if count is None or evidence is None:
            raise _Invalid()
        return Fatalities(count=count, evidence=evidence)

    def hedge(self, node: _Node, item_id) -> Hedge:
        fields = self.mapping(node, _HEDGE_KEYS, item_id, "a hedge")
        applies_to = self._guard(
            self.optional, fields, "applies_to", self.choice, item_id, "applies_to", HEDGE_SCOPES
        )
        cue = self._guard(self.optional, fields, "cue", self.choice, item_id, "cue", _HEDGE_CUES)
        asserted_by = self._guard(
            self.optional, fields, "asserted_by", self.actor_ref, item_id, "asserted_by"
        )
        evidence = self._guard(self.located, fields, item_id)
        if (
            None in (applies_to, cue, evidence)
            or ("asserted_by" in fields and asserted_by is None)
        ):
            raise _Invalid()
        return Hedge(
            applies_to=applies_to,
            cue=Confidence(cue),
            evidence=evidence,
            asserted_by=asserted_by,
        )

    def quotes(self, fields, key: str, item_id: str) -> tuple[Evidence, ...] | None:
        """A list of quotes (`evidence`, `caveats`): every one is checked and reported."""
        if key not in fields:
            return None
        items = self._guard(self.sequence, fields[key], item_id, f"`{key}`")
        if items is None:
            return None
        if not items:
            self.problem(fields[key], f"`{key}` needs at least one quote", item_id)
            return None
        found = [self._guard(self.evidence, item, item_id) for item in items]
        return None if None in found else tuple(found)

    def matcher(self, source_id: str) -> Matcher:
        """A source's text as `_not_found` compares it (a `Matcher`), made the first time a
        quote is not found in it and kept (loosening a long text again for each failing
        quote made the report quadratic). Texts that several sources share are loosened
        once; the least recently used are dropped past LOOSE_CACHE_CHARS."""
        text = self.source_text[source_id]
        key = id(text)  # the texts live in `source_text` for the whole load
        matcher = self.matchers.pop(key, None)
        if matcher is None:
            matcher = Matcher(text)
            self.loose_chars += len(matcher.loose)
        self.matchers[key] = matcher  # last: the most recently used
        while self.loose_chars > LOOSE_CACHE_CHARS and len(self.matchers) > 1:
            self.loose_chars -= len(self.matchers.pop(next(iter(self.matchers))).loose)
        return matcher

    def evidence(self, node: _Node, item_id: str) -> Evidence:
        return self.located(self.mapping(node, _EVIDENCE_KEYS, item_id, "a quote"), item_id)

    def located(self, fields, item_id: str) -> Evidence:
        """The quote of ``fields`` (`source`, `quote`, `occurrence`) found in its source."""
        source_id = self._guard(self.optional, fields, "source", self.slug, item_id, "source")
        quote = self._guard(self.optional, fields, "quote", self.text, item_id, "quote")
        occurrence = self._guard(
            self.optional, fields, "occurrence", self.integer, item_id, "occurrence", 1, None
        )
        if source_id is not None and source_id not in self.source_text:
            if source_id not in self.declared["sources"]:
                self.unknown(fields["source"], "source", source_id, self.source_text, item_id)
            raise _Invalid()  # a declared source that failed is reported where it is declared
        if quote is None or ("occurrence" in fields and occurrence is None):
            raise _Invalid()
        if source_id is None:
            # No source named: still say whether the words are in any source, so that a
            # second run does not bring a new problem.
            texts = list(self.source_text.items())
            if texts and not any(quote in text for _, text in texts):
                self.problem(
                    fields["quote"],
                    f"quote {truncate(display(quote), 60)!r} is not in any source; copy the "
                    "exact words from the source text",
                    item_id,
                )
            raise _Invalid()
        text = self.source_text[source_id]
        start = text.find(quote)
        if start < 0:
            raise self.invalid(
                fields["quote"], _not_found(quote, self.matcher(source_id), source_id), item_id
            )
        if occurrence is None:
            if text.find(quote, start + 1) >= 0:
                raise self.invalid(
                    fields["quote"],
                    f"quote occurs {text.count(quote)} times in {source_id!r}; quote more "
                    "words, or add `occurrence: N` to say which one is meant",
                    item_id,
                )
        else:
            for _ in range(occurrence - 1):
                start = text.find(quote, start + 1)
                if start < 0:
                    raise self.invalid(
                        fields["occurrence"],
                        f"`occurrence: {occurrence}` but the quote occurs only "
                        f"{text.count(quote)} time(s) in {source_id!r}",
                        item_id,
                    )
        return Evidence(source=source_id, quote=quote, start=start, end=start + len(quote))


def _padded(date: str) -> str:
    """A date cut to its precision, padded to a full day for comparison and checking."""
    return date + "-01" * ((10 - len(date)) // 3)

def _not_found(quote: str, matcher: Matcher, source_id: str) -> str:
    """Why ``quote`` is not in the source, as the one matcher sees it."""
    shown = truncate(display(quote), 60)
    message = f"quote {shown!r} is not in source {source_id!r}"
    verdict = matcher.verify(quote, near=0, not_exact=True)  # the loader looked already
    if verdict.status == REPAIRED:
        exact = truncate(display(verdict.quote), 60)
        return message + (
            " word for word; it differs only in case, spacing or quote marks: "
            f"the source has {exact!r}; copy the exact words from the source"
        )
    if verdict.reason == NOT_CONTIGUOUS:
        return message + (
            " as one passage: its parts are in the source but not together; quote one "
            "passage, or give each part as a quote of its own"
        )
    return message + "; copy the exact words from the source text"
