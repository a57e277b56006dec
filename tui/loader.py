"""YAML knowledge base -> model, with every check the data needs.

The file is untrusted. It is parsed by a safe loader that resolves no implicit types (every
scalar stays the text that was written), then walked node by node so that each problem can
be reported with its line and column. All problems of a file are collected in one run and
raised together as a ``LoadError``; nothing else ever escapes.
"""

from __future__ import annotations

import datetime
import difflib
import gc
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .model import (
    ACTOR_KINDS,
    RELATION_TYPES,
    Actor,
    Confidence,
    Evidence,
    KnowledgeBase,
    Relation,
    Source,
    Stance,
    Status,
)
from .sanitize import display, truncate

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 200 * 1024 * 1024
"""Files larger than this are refused before parsing (YAML and source texts alike)."""

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, stage)`` while loading, from the loading thread."""

READ_CHUNK_BYTES = 4 * 1024 * 1024
"""A longer file is read in pieces of this size, each reported as progress in bytes."""

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?\Z")

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
        where = f"{self.path}:{self.line}:{self.column}"
        item = f" [{display(self.item_id)}]" if self.item_id else ""
        return f"{where}:{item} {self.message}"


class LoadError(Exception):
    """Every problem found in a knowledge base, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.column))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [str(problem) for problem in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found.")
        return "\n".join(lines)


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


def load_knowledge_base(
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    max_bytes: int = MAX_BYTES,
) -> KnowledgeBase:
    """Read, parse and verify a knowledge base. Raises ``LoadError`` and nothing else."""
    report: Progress = progress or (lambda done, total, stage: None)
    path = Path(path)
    shown = str(path)
    with collector_paused():
        try:
            report(0, 1, "reading")
            text = _read_text(
                path, shown, max_bytes, lambda done, total: report(done, total, "reading")
            )
            builder = _Builder(path, shown, max_bytes, report, lines=text.count("\n") + 1)
            return builder.build(*_parse(text, shown, builder))
        except LoadError:
            raise
        except RecursionError:
            raise LoadError([Problem(shown, 1, 1, "the document is nested too deeply")]) from None
        except MemoryError:
            raise LoadError([Problem(shown, 1, 1, "the document is too large to load")]) from None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block that makes millions of objects without the cyclic garbage collector.

    Loading makes no reference cycles, so collecting during it is wasted work, and the
    collector would otherwise walk every new object on its first pass after the load (a
    pause of a second on 10k actors). What survives is frozen out of its reach instead.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


# --- reading and parsing ---------------------------------------------------------------


BytesRead = Callable[[int, int], None]
"""Called as ``read(done, total)`` in bytes while a long file is read."""


def _read_bytes(
    path: Path, shown: str, max_bytes: int, on_read: BytesRead | None = None
) -> bytes | bytearray:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise LoadError([Problem(shown, 1, 1, "not a regular file")])
        if size <= max_bytes:
            with path.open("rb") as stream:
                # Sized to the file: read(max_bytes + 1) would reserve the whole cap first.
                data = _read_sized(stream, size + 1, on_read)
                if len(data) > size:  # it grew since: read on, up to the cap
                    data += stream.read(max_bytes + 1 - len(data))
            size = len(data)
        if size > max_bytes:
            raise LoadError(
                [
                    Problem(
                        shown,
                        1,
                        1,
                        f"file is {size:,} bytes, over the {max_bytes:,}-byte cap; "
                        "split it or raise the cap with --max-size",
                    )
                ]
            )
        return data
    except OSError as error:
        reason = error.strerror or str(error)
        raise LoadError([Problem(shown, 1, 1, f"cannot read the file: {reason}")]) from None


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


def _read_text(path: Path, shown: str, max_bytes: int, on_read: BytesRead | None = None) -> str:
    return _decode(_read_bytes(path, shown, max_bytes, on_read), shown)


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
                and key.value in _SECTION_KEYS
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


def _peek_id(node: _Node) -> str | None:
    """The `id` text of an item, read before the item is checked (for messages and dupes)."""
    if isinstance(node, _Mapping):
        for key, value in node.value:
            if key.value == "id" and isinstance(value, _Scalar) and value.tag == _STR:
                return value.value
    return None


class _Invalid(Exception):
    """A field could not be read; its problem is already recorded."""


def _kind_of(node: _Node) -> str:
    if isinstance(node, _Mapping):
        return "a mapping"
    if isinstance(node, _Sequence):
        return "a list"
    return f"the text {truncate(display(node.value), 40)!r}" if node.value else "nothing"


_SECTION_KEYS = {
    "sources": (
        {"id", "title", "publisher", "published", "path"},
        {"dateline"},
    ),
    "actors": ({"id", "name", "kind"}, {"aliases", "affiliation", "description"}),
    "relations": (
        {"id", "source", "target", "type", "polarity", "summary", "evidence"},
        {"date", "date_phrase", "status", "asserted_by", "confidence"},
    ),
    "stances": ({"id", "actor", "issue", "position", "evidence"}, set()),
}
_EVIDENCE_KEYS = ({"source", "quote"}, {"occurrence"})
_TOP_KEYS = ({"sources", "actors"}, {"version", "relations", "stances"})


class _Builder:
    """Checks nodes and makes the model. Section items arrive one at a time (from the
    composer, or from ``section`` for a section that could not be streamed); relations and
    stances are finished as they come once the sources and actors are known, and are kept
    for the end otherwise."""

    def __init__(self, path: Path, shown: str, max_bytes: int, report: Progress, lines: int):
        self.path = path
        self.shown = shown
        self.max_bytes = max_bytes
        self.report = report
        self.lines = lines
        self.problems: list[Problem] = []
        self.source_text: dict[str, str] = {}
        # Ids of every item written in each section, valid or not, so that a reference to a
        # broken item is not reported a second time as a reference to an unknown one.
        self.declared: dict[str, Collection[str]] = {name: set() for name in _SECTION_KEYS}
        self.first_lines: dict[str, dict[str, int]] = {}
        self.values: dict[str, list] = {name: [] for name in _SECTION_KEYS}
        self.waiting: dict[str, list] = {"relations": [], "stances": []}
        self.closed: set[str] = set()
        self.readers = {
            "sources": self.read_source,
            "actors": self.read_actor,
            "relations": self.read_relation_fields,
            "stances": self.read_stance_fields,
        }
        self.finishers = {"relations": self.finish_relation, "stances": self.finish_stance}

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
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
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
            close = difflib.get_close_matches(value, list(allowed), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise self.invalid(
                node,
                f"`{field}` {truncate(display(value), 40)!r} is not one of the known values; "
                f"{hint}(allowed: {', '.join(allowed)})",
                item_id,
            )
        return value

    def integer(self, node, item_id, field: str, low: int, high: int | None) -> int:
        value = self.text(node, item_id, field)
        if not _INTEGER.match(value.strip()):
            raise self.invalid(node, f"`{field}` must be a whole number, not {value!r}", item_id)
        number = int(value)
        if number < low or (high is not None and number > high):
            bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise self.invalid(node, f"`{field}` must be {bounds}, not {number}", item_id)
        return number

    def optional(self, fields: dict[str, _Node], key: str, read, *args):
        return read(fields[key], *args) if key in fields else None

    # -- sections

    def build(self, root: _Node, streamed: set[str]) -> KnowledgeBase:
        try:
            top = self.mapping(root, _TOP_KEYS, None, "the knowledge base")
        except _Invalid:
            raise LoadError(self.problems) from None
        if "version" in top:
            self._guard(self.choice, top["version"], None, "version", ("1",))
        for name in _SECTION_KEYS:
            if name not in streamed:
                self.section(top, name)
        self.check_actor_references(self.values["actors"], self.declared["actors"])
        for name, waiting in self.waiting.items():
            finish = self.finishers[name]
            for fields in waiting:
                value = self._guard(finish, fields, self.declared["actors"])
                if value is not None:
                    self.values[name].append(value)
        if self.problems:
            raise LoadError(self.problems)
        self.report(self.lines, self.lines, "done")
        return KnowledgeBase(
            sources=tuple(self.values["sources"]),
            actors=tuple(actor for actor, _ in self.values["actors"]),
            relations=tuple(self.values["relations"]),
            stances=tuple(self.values["stances"]),
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
        value = self._guard(self.readers[name], item, item_id)
        if value is None:
            return
        if name in self.waiting:
            if not {"sources", "actors"} <= self.closed:
                self.waiting[name].append(value)  # finished once every actor is known
                return
            value = self._guard(self.finishers[name], value, self.declared["actors"])
            if value is None:
                return
        self.values[name].append(value)

    def close_section(self, name: str) -> None:
        self.closed.add(name)
        if name == "sources":
            self.source_text = {source.id: source.text for source in self.values["sources"]}

    def item_id(self, fields: dict[str, _Node]) -> str | None:
        return self._guard(self.slug, fields["id"], None, "id") if "id" in fields else None

    def read_source(self, node: _Node, peeked_id: str | None):
        fields = self.mapping(node, _SECTION_KEYS["sources"], peeked_id, "a source")
        source_id = self.item_id(fields)
        values = {}
        for key in ("title", "publisher", "published", "path"):
            values[key] = (
                self._guard(self.text, fields[key], source_id, key) if key in fields else None
            )
        dateline = self._guard(self.optional, fields, "dateline", self.text, source_id, "dateline")
        published = values["published"]
        if published is not None:
            try:
                datetime.datetime.fromisoformat(published)
            except ValueError:
                self.problem(
                    fields["published"],
                    f"`published` {truncate(display(published), 40)!r} is not an ISO date or "
                    "date-time (e.g. 2017-09-27 or 2017-09-27T10:00)",
                    source_id,
                )
                published = None
        text = None
        if values["path"] is not None:
            text = self.read_source_text(fields["path"], values["path"], source_id)
        if None in (source_id, values["title"], values["publisher"], published, text):
            raise _Invalid()
        source = Source(
            id=source_id,
            title=values["title"],
            publisher=values["publisher"],
            published=published,
            dateline=dateline,
            path=values["path"],
            text=text,
        )
        return source

    def read_source_text(self, node: _Node, relative: str, source_id: str) -> str | None:
        normal = os.path.normpath(relative)
        if Path(relative).is_absolute() or normal == ".." or normal.startswith(".." + os.sep):
            self.problem(
                node,
                f"source path {display(relative)!r} must stay inside the knowledge base's "
                "folder; copy the text next to the YAML file",
                source_id,
            )
            return None
        full = self.path.parent / normal
        stage = f"reading {relative}"
        try:
            return _read_text(
                full, str(full), self.max_bytes, lambda done, total: self.report(done, total, stage)
            )
        except LoadError as error:
            for inner in error.problems:
                self.problem(node, f"source text {display(str(full))}: {inner.message}", source_id)
                if (inner.line, inner.column) != (1, 1):
                    self.problems.append(inner)  # the place inside the text file itself
            return None

    def read_actor(self, node: _Node, peeked_id: str | None):
        fields = self.mapping(node, _SECTION_KEYS["actors"], peeked_id, "an actor")
        actor_id = self.item_id(fields)
        name = (
            self._guard(self.text, fields["name"], actor_id, "name") if "name" in fields else None
        )
        kind = (
            self._guard(self.choice, fields["kind"], actor_id, "kind", ACTOR_KINDS)
            if "kind" in fields
            else None
        )
        aliases = ()
        if "aliases" in fields:
            alias_nodes = self._guard(self.sequence, fields["aliases"], actor_id, "`aliases`")
            aliases = tuple(
                alias
                for alias_node in alias_nodes or ()
                if (alias := self._guard(self.text, alias_node, actor_id, "aliases"))
            )
        affiliation = self._guard(
            self.optional, fields, "affiliation", self.slug, actor_id, "affiliation"
        )
        description = (
            self._guard(self.optional, fields, "description", self.text, actor_id, "description")
            or ""
        )
        if None in (actor_id, name, kind):
            raise _Invalid()
        actor = Actor(
            id=actor_id,
            name=name,
            kind=kind,
            aliases=aliases,
            affiliation=affiliation,
            description=description,
        )
        return actor, fields.get("affiliation")

    def check_actor_references(self, actors, actor_ids: set[str]) -> None:
        for actor, affiliation_node in actors:
            if actor.affiliation is not None and actor.affiliation not in actor_ids:
                self.unknown(affiliation_node, "actor", actor.affiliation, actor_ids, actor.id)

    def unknown(self, node, what: str, value: str, known: Iterable[str], item_id) -> None:
        close = difflib.get_close_matches(value, sorted(known), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; add it to the {what}s section"
        self.problem(node, f"unknown {what} {value!r}{hint}", item_id)

    def read_relation_fields(self, node: _Node, peeked_id: str | None):
        fields = self.mapping(node, _SECTION_KEYS["relations"], peeked_id, "a relation")
        relation_id = self.item_id(fields)
        if relation_id is None:
            raise _Invalid()
        return fields

    def read_stance_fields(self, node: _Node, peeked_id: str | None):
        fields = self.mapping(node, _SECTION_KEYS["stances"], peeked_id, "a stance")
        stance_id = self.item_id(fields)
        if stance_id is None:
            raise _Invalid()
        return fields

    def actor_ref(self, fields, key: str, item_id: str, actor_ids: set[str]) -> str | None:
        if key not in fields:
            return None
        value = self._guard(self.slug, fields[key], item_id, key)
        if value is not None and value not in actor_ids:
            self.unknown(fields[key], "actor", value, actor_ids, item_id)
            return None
        return value

    def finish_relation(self, fields, actor_ids) -> Relation:
        relation_id = fields["id"].value
        source = self.actor_ref(fields, "source", relation_id, actor_ids)
        target = self.actor_ref(fields, "target", relation_id, actor_ids)
        kind = self._guard(
            self.optional, fields, "type", self.choice, relation_id, "type", RELATION_TYPES
        )
        polarity = self._guard(
            self.optional, fields, "polarity", self.integer, relation_id, "polarity", -2, 2
        )
        summary = self._guard(self.optional, fields, "summary", self.text, relation_id, "summary")
        date = self._guard(self.optional, fields, "date", self.date, relation_id)
        date_phrase = self._guard(
            self.optional, fields, "date_phrase", self.text, relation_id, "date_phrase"
        )
        status = self._guard(
            self.optional,
            fields,
            "status",
            self.choice,
            relation_id,
            "status",
            tuple(s.value for s in Status),
        )
        asserted_by = self.actor_ref(fields, "asserted_by", relation_id, actor_ids)
        confidence = self._guard(
            self.optional,
            fields,
            "confidence",
            self.choice,
            relation_id,
            "confidence",
            tuple(c.value for c in Confidence),
        )
        evidence = self.evidence_list(fields, relation_id)
        required = (source, target, kind, polarity, summary, evidence)
        if any(value is None for value in required) or (
            # an optional field that was present but invalid
            any(
                key in fields and value is None
                for key, value in (
                    ("date", date),
                    ("date_phrase", date_phrase),
                    ("status", status),
                    ("asserted_by", asserted_by),
                    ("confidence", confidence),
                )
            )
        ):
            raise _Invalid()
        return Relation(
            id=relation_id,
            source=source,
            target=target,
            type=kind,
            polarity=polarity,
            summary=summary,
            evidence=evidence,
            date=date,
            date_phrase=date_phrase,
            status=Status(status or Status.CURRENT),
            asserted_by=asserted_by,
            confidence=Confidence(confidence or Confidence.STATED),
        )

    def finish_stance(self, fields, actor_ids) -> Stance:
        stance_id = fields["id"].value
        actor = self.actor_ref(fields, "actor", stance_id, actor_ids)
        issue = self._guard(self.optional, fields, "issue", self.text, stance_id, "issue")
        position = self._guard(self.optional, fields, "position", self.text, stance_id, "position")
        evidence = self.evidence_list(fields, stance_id)
        if None in (actor, issue, position, evidence):
            raise _Invalid()
        return Stance(id=stance_id, actor=actor, issue=issue, position=position, evidence=evidence)

    def date(self, node: _Node, item_id: str) -> str:
        value = self.text(node, item_id, "date")
        valid = bool(_DATE.match(value))
        if valid:
            padded = value + "-01" * ((10 - len(value)) // 3)
            try:
                datetime.date.fromisoformat(padded)
            except ValueError:
                valid = False
        if not valid:
            raise self.invalid(
                node,
                f"`date` {truncate(display(value), 40)!r} is not a date: write it as "
                "YYYY-MM-DD, YYYY-MM or YYYY, cut to what the source says",
                item_id,
            )
        return value

    def evidence_list(self, fields, item_id: str) -> tuple[Evidence, ...] | None:
        if "evidence" not in fields:
            return None
        items = self._guard(self.sequence, fields["evidence"], item_id, "`evidence`")
        if items is None:
            return None
        if not items:
            self.problem(fields["evidence"], "`evidence` needs at least one quote", item_id)
            return None
        found = [self._guard(self.evidence, item, item_id) for item in items]
        return None if None in found else tuple(found)

    def evidence(self, node: _Node, item_id: str) -> Evidence:
        fields = self.mapping(node, _EVIDENCE_KEYS, item_id, "a quote")
        source_id = self._guard(self.optional, fields, "source", self.slug, item_id, "source")
        quote = self._guard(self.optional, fields, "quote", self.text, item_id, "quote")
        occurrence = self._guard(
            self.optional, fields, "occurrence", self.integer, item_id, "occurrence", 1, None
        )
        if source_id is not None and source_id not in self.source_text:
            if source_id not in self.declared["sources"]:
                self.unknown(fields["source"], "source", source_id, self.source_text, item_id)
            raise _Invalid()  # a declared source that failed is reported where it is declared
        if source_id is None or quote is None or ("occurrence" in fields and occurrence is None):
            raise _Invalid()
        text = self.source_text[source_id]
        start = text.find(quote)
        if start < 0:
            raise self.invalid(fields["quote"], _not_found(quote, text, source_id), item_id)
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


_LOOSE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _loosen(text: str) -> str:
    return " ".join(text.translate(_LOOSE).casefold().split())


def _not_found(quote: str, text: str, source_id: str) -> str:
    shown = truncate(display(quote), 60)
    message = f"quote {shown!r} is not in source {source_id!r}"
    loose = _loosen(quote)
    if loose and loose in _loosen(text):
        return message + (
            " word for word; it differs only in case, spacing or quote marks: "
            "copy the exact words from the source"
        )
    return message + "; copy the exact words from the source text"
