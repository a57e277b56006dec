"""Where the sections and items of a knowledge base text lie, found by scanning its lines
instead of parsing the whole file: a change to one item of a 25 MB file is placed and
checked in milliseconds (parsing it takes seconds).

A place found here is only a guess until the text there is composed by the YAML parser
(``compose``) and reads as what was expected; callers confirm every guess that way. When
the text is not laid out plainly enough to guess (a top level that is not `key:` lines at
the left margin, line breaks other than \\n and \\r\\n, a document marker, a section written
twice or inline), the answer is None and the caller parses the whole file.

Pure core: no Textual.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

# A line at the left margin that is not blank, a comment or a sequence entry: a top-level
# key, when the top level is a block mapping.
_MARGIN_LINE = re.compile(r"\n([^ \t\r\n#\-])")  # (the first line is looked at apart)
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:((?:[ \t][^\n]*)?)\r?$")
_VERSION = re.compile(r"version[ \t]*:[ \t]*(['\"]?)([0-9]+)\1[ \t]*(?:#[^\n]*)?\r?$")
_ENTRY = re.compile(r"( *)-(?:[ \t]|\r?$)")
_ID_LINE = re.compile(r"[ \t]*(?:-[ \t]+)*id[ \t]*:[ \t]*(['\"]?)([a-z0-9-]+)\1[ \t]*(?:#.*)?\r?$")


# A scan of a long text is done a part at a time: a change is saved in a thread, and one
# call into C that reads 25 MB would keep the screen's thread from running meanwhile.
CHUNK = 1 << 20


@dataclass(frozen=True)
class Section:
    """A top-level section written as a block list: ``name:`` alone on its line, then its
    items, each starting ``entry`` on its line (``"  -"``), up to ``end`` (the next
    top-level key, or the end of the text)."""

    name: str
    key_start: int
    body_start: int
    end: int
    entry: str | None  # None: no item yet

    def item_starts(self, text: str, start: int, end: int) -> list[int]:
        """The starts of the item lines in ``text[start:end]``."""
        if self.entry is None:
            return []
        found = []
        needle = "\n" + self.entry
        at = text.find(needle, max(start, self.body_start) - 1, end)
        while at != -1:
            line = at + 1
            after = line + len(self.entry)
            if after >= len(text) or text[after] in " \t\r\n":
                found.append(line)
            at = text.find(needle, at + 1, end)
        return found

    def item_before(self, text: str, index: int) -> int | None:
        """The start of the last item line that starts at or before ``index``."""
        if self.entry is None or index < self.body_start:
            return None
        needle = "\n" + self.entry
        end = index - 1 + len(needle)
        at = text.rfind(needle, self.body_start - 1, end)
        while at != -1:
            after = at + 1 + len(self.entry)
            if after >= len(text) or text[after] in " \t\r\n":
                return at + 1
            at = text.rfind(needle, self.body_start - 1, at + len(needle) - 1)
        return None

    def item_after(self, text: str, index: int) -> int:
        """The start of the first item line at or after ``index`` (``end`` if none)."""
        starts = self.item_starts(text, index, self.end)
        return starts[0] if starts else self.end


def plain_breaks(text: str) -> bool:
    """Whether every line break is \\n or \\r\\n (PyYAML also breaks lines at \\r, NEL and
    the Unicode separators; a text with those is parsed whole)."""
    return (
        ("\r" not in text or text.count("\r") == text.count("\r\n"))
        and "\x85" not in text
        and "\u2028" not in text
        and "\u2029" not in text
    )


def top_keys(text: str) -> list[tuple[str, int, bool]] | None:
    """Each top-level key, the start of its line, and whether its value is a block (nothing
    but a comment follows the colon); None when a line at the left margin is not a plain
    `key:` line."""
    found = []
    if text.startswith("-"):
        return None  # a list, or a document marker, at the top
    starts = [0] if text[:1] not in ("", " ", "\t", "\r", "\n", "#") else []
    for chunk in range(0, len(text), CHUNK):  # see CHUNK
        end = chunk + CHUNK
        starts += [match.start(1) for match in _MARGIN_LINE.finditer(text, chunk, end + 1)
                   if match.start() < end]
    for start in starts:
        end = text.find("\n", start)
        key = _TOP_KEY.match(text, start, len(text) if end == -1 else end)
        if key is None:
            return None
        rest = key.group(2).strip()
        found.append((key.group(1), start, not rest or rest.startswith("#")))
    return found


class Outline:
    """The top-level keys of a text, scanned once (``keys`` is None when unsure); ``of``
    keeps the last one made, as a change is placed and then checked in the same text."""

    _last: Outline | None = None

    def __init__(self, text: str) -> None:
        self.text = text
        self.keys = top_keys(text) if plain_breaks(text) else None

    @classmethod
    def of(cls, text: str) -> Outline:
        last = cls._last
        if last is None or last.text is not text:
            last = cls._last = cls(text)
        return last

    def section(self, name: str) -> Section | None:
        """The block list ``name``, or None when it is absent, written twice, or not a plain
        block list."""
        text, keys = self.text, self.keys
        if keys is None:
            return None
        named = [index for index, (key, _, _) in enumerate(keys) if key == name]
        if len(named) != 1 or not keys[named[0]][2]:
            return None
        index = named[0]
        key_start = keys[index][1]
        end = keys[index + 1][1] if index + 1 < len(keys) else len(text)
        line_end = text.find("\n", key_start)
        body_start = end if line_end == -1 or line_end >= end else line_end + 1
        entry = None
        at = body_start
        while at < end:  # the first line that is not blank or a comment starts the first item
            line_end = text.find("\n", at, end)
            line = text[at : end if line_end == -1 else line_end]
            if line.strip() and not line.lstrip().startswith("#"):
                found = _ENTRY.match(line)
                if found is None:
                    return None
                entry = found.group(1) + "-"
                break
            at = end if line_end == -1 else line_end + 1
        return Section(name, key_start, body_start, end, entry)

    def version(self) -> str | None:
        """The file's `version` when a plain `version:` line at the left margin gives it
        before the sections, "1" when there is none, None when unsure."""
        text, keys = self.text, self.keys
        if keys is None:
            return None
        versions = [start for key, start, _ in keys if key == "version"]
        if not versions:
            return "1"
        if len(versions) > 1 or keys[0][0] != "version":
            return None
        end = text.find("\n", versions[0])
        found = _VERSION.match(text[versions[0] : len(text) if end == -1 else end])
        return found.group(2) if found else None


def find_item(text: str, where: Section, item_id: str) -> tuple[int, int] | None:
    """Where the item of ``where`` whose `id:` line reads ``item_id`` lies (its first line's
    start, and the next item's), or None unless exactly one line says so."""
    found = []
    at = text.find(item_id, where.body_start, where.end)
    while at != -1:
        line_start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        line = text[line_start : len(text) if line_end == -1 else line_end]
        match = _ID_LINE.match(line)
        if match and match.group(2) == item_id:
            found.append(line_start)
        at = text.find(item_id, (len(text) if line_end == -1 else line_end), where.end)
    if len(found) != 1:
        return None
    start = where.item_before(text, found[0])
    if start is None:
        return None
    return start, where.item_after(text, found[0] + 1)


def line_number(text: str, index: int) -> int:
    """The 0-based line of ``index`` (lines counted at \\n: see ``plain_breaks``)."""
    return sum(text.count("\n", chunk, min(chunk + CHUNK, index))
               for chunk in range(0, index, CHUNK))


def compose(text: str, start: int, end: int):
    """The YAML node of ``text[start:end]`` (``start`` a line start), its marks placed in
    the whole text; None when that text holds no node. Raises ``yaml.YAMLError``."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    node = yaml.compose(text[start:end], Loader=loader)
    if node is None:
        return None
    _place(node, start, functools.cache(lambda: line_number(text, start)))
    return node


class _Mark:
    """A mark of a fragment, placed in the whole text. Its line is counted only when asked
    for (by an error message): counting the lines before it reads the text up to it."""

    __slots__ = ("_base", "_line", "column", "index", "name")

    def __init__(self, mark, index_offset: int, base: Callable[[], int]) -> None:
        self.name = mark.name
        self.index = mark.index + index_offset
        self.column = mark.column
        self._line = mark.line
        self._base = base

    @property
    def line(self) -> int:
        return self._line + self._base()


def _place(root, index_offset: int, base: Callable[[], int]) -> None:
    import yaml

    def moved(mark):
        return _Mark(mark, index_offset, base)

    stack = [root]
    while stack:
        node = stack.pop()
        node.start_mark = moved(node.start_mark)
        node.end_mark = moved(node.end_mark)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def common_affixes(old: str, new: str) -> tuple[int, int]:
    """The lengths of the longest common prefix of ``old`` and ``new``, and of their longest
    common suffix that does not overlap it."""
    shortest = min(len(old), len(new))
    prefix = _common_length(old, new, shortest, lambda text, i, j: text[i:j])
    room = shortest - prefix
    suffix = _common_length(
        old, new, room, lambda text, i, j: text[len(text) - j : len(text) - i]
    )
    return prefix, suffix


def _common_length(old: str, new: str, limit: int, part) -> int:
    """How far ``part(old, 0, n) == part(new, 0, n)`` holds, up to ``limit``: compared in
    chunks (C-speed slices), then halved within the first chunk that differs."""
    chunk = 1 << 16
    done = 0
    while done < limit:
        step = min(chunk, limit - done)
        if part(old, done, done + step) == part(new, done, done + step):
            done += step
            continue
        low, high = 0, step  # the first `low` characters of this chunk agree
        while low < high:
            middle = (low + high + 1) // 2
            if part(old, done, done + middle) == part(new, done, done + middle):
                low = middle
            else:
                high = middle - 1
        return done + low
    return done
