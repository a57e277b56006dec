"""Splicing a YAML text: changes placed by the marks of PyYAML's parser, every other
character (comments, key order, quoting, layout) kept, so that a diff shows only the
changed lines. Used by ``migrate`` and by every change the app writes (``tui.edit``).

Pure core: no Textual.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .loader import Problem
from .sanitize import display, truncate

# The line breaks PyYAML counts lines by (and so its marks' lines and columns).
BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
BREAK_CHARS = "\n\r\x85\u2028\u2029"
COMMENT = re.compile(r"#[^\n\r\x85\u2028\u2029]*")
# What may stand before a key on its line in a block mapping: its indentation, and the
# dashes of the sequence entries it opens (`  - id: ...`).
KEY_PREFIX = re.compile(r" *(?:- +)*")

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .'()/_-]*[A-Za-z0-9.')]\Z|[A-Za-z0-9]\Z")
SLUG_MAX = 48


BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class Refused(Exception):
    """The file cannot be changed safely at a place; nothing was written."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def problem(self, shown: str, doing: str = "change it") -> Problem:
        return Problem(shown, self.line, self.column, f"cannot {doing}: {self.message}")


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


def slugify(text: str) -> str:
    """An id for ``text``: lower-case ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
    return slug.strip("-") or "issue"


def yaml_scalar(text: str) -> str:
    """``text`` as a one-line YAML scalar that reads back as exactly ``text`` (in block and
    flow context alike): plain when that is unambiguous, else double-quoted."""
    import yaml

    if PLAIN_SAFE.match(text) and ": " not in text and " #" not in text:
        resolved = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
        if resolved == "tag:yaml.org,2002:str":
            return text
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or char in "\u2028\u2029\ufeff\ufffe\uffff"
            or 0xD800 <= code <= 0xDFFF
        ):
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


class Splicer:
    """Changes to a YAML text at places found from its node marks, every other character
    kept; ``apply`` makes the new text."""

    def __init__(self, text: str) -> None:
        self.text = text
        found = BREAK.search(text)
        self.newline = found.group(0) if found else "\n"
        self.edits: list[Edit] = []

    # -- places

    def refuse(self, node, message: str) -> Refused:
        mark = node.start_mark
        return Refused(message, mark.line + 1, mark.column + 1)

    def line_start(self, index: int) -> int:
        return max(self.text.rfind(char, 0, index) for char in BREAK_CHARS) + 1

    def next_line(self, index: int) -> int:
        """The start of the line after the one holding ``index`` (the text's end if none)."""
        found = BREAK.search(self.text, index)
        return found.end() if found else len(self.text)

    def content_end(self, node) -> int:
        """Where a node's own text ends: a block scalar's marks also take in the line breaks
        and blank lines after it, which belong to the layout."""
        end = node.end_mark.index
        if getattr(node, "style", None) in ("|", ">"):
            body = self.text[node.start_mark.index : end]
            end = node.start_mark.index + len(body.rstrip(" \t" + BREAK_CHARS))
        return end

    def key_prefix(self, key) -> str:
        """What stands before ``key`` on its line (in a block mapping); refused unless it is
        indentation and sequence dashes, so that a new key line can be indented like it."""
        prefix = self.text[self.line_start(key.start_mark.index) : key.start_mark.index]
        if not KEY_PREFIX.fullmatch(prefix):
            raise self.refuse(
                key,
                f"the key {truncate(display(str(key.value)), 30)!r} does not start its line "
                "(an explicit `? key`, or tabs); write it as `key: value` on its own line",
            )
        return prefix

    def line_at(self, index: int, line: str) -> str:
        """``line`` (with its line break) to insert at ``index``, a line start."""
        if index == len(self.text) and self.text and self.text[-1] not in BREAK_CHARS:
            return self.newline + line
        return line + self.newline

    # -- edits

    def replace_scalar(self, node, new: str) -> None:
        """Replace a scalar value in place (a multi-line one becomes one line)."""
        if getattr(node, "style", None) in ("|", ">"):
            header_end = self.next_line(node.start_mark.index)
            if "#" in self.text[node.start_mark.index : header_end]:
                raise self.refuse(
                    node,
                    "a block scalar with a comment on its `|` or `>` line cannot be "
                    "rewritten without losing the comment; move the comment above the key",
                )
        self.edits.append(Edit(node.start_mark.index, self.content_end(node), new))

    def insert_after(self, mapping, key, value, line: str) -> None:
        """A new `key: value` pair right after the pair ``key: value`` of ``mapping``: on its
        own line, indented like ``key``, in a block mapping; after a comma in a flow one."""
        if mapping.flow_style:
            at = self.content_end(value)
            self.edits.append(Edit(at, at, f", {line}"))
            return
        indent = " " * len(self.key_prefix(key))
        at = self.next_line(self.content_end(value) - 1)
        self.edits.append(Edit(at, at, self.line_at(at, indent + line)))

    def remove_pair(self, mapping, index: int) -> None:
        """Remove the pair at ``index`` of ``mapping``; comments on its lines are kept."""
        key, value = mapping.value[index]
        text = self.text
        if mapping.flow_style:
            if index > 0:
                start, end = self.content_end(mapping.value[index - 1][1]), self.content_end(value)
            elif len(mapping.value) > 1:
                start, end = key.start_mark.index, mapping.value[1][0].start_mark.index
            else:
                raise self.refuse(key, "cannot remove the only key of a mapping")
            if "#" in text[start:end]:
                raise self.refuse(
                    key,
                    "a comment inside this flow mapping `{...}` would be lost; move it out",
                )
            self.edits.append(Edit(start, end, ""))
            return
        prefix = self.key_prefix(key)
        if not prefix.strip(" "):  # the key starts its line: remove the pair's lines
            start = self.line_start(key.start_mark.index)
            end = self.next_line(self.content_end(value) - 1)
            comments = [prefix + c.rstrip() for c in COMMENT.findall(text[start:end])]
            kept = self.newline.join(comments)
            if comments and end > start and text[end - 1] in BREAK_CHARS:
                kept += self.newline
            self.edits.append(Edit(start, end, kept))
            return
        # The first key of a sequence entry (`- status: past`): the next key moves up.
        if index + 1 >= len(mapping.value):
            raise self.refuse(key, "cannot remove the only key of a mapping")
        following = mapping.value[index + 1][0]
        start, end = key.start_mark.index, following.start_mark.index
        if self.key_prefix(following).strip(" ") or "#" in text[start:end]:
            raise self.refuse(
                key,
                f"removing `{display(str(key.value))}` from the line that opens its list "
                "entry (`- key: ...`) would lose a comment; move the comment, or move the "
                "key below the entry's first line",
            )
        self.edits.append(Edit(start, end, ""))

    def insert_top(self, root, at: int, before, lines: list[str], flow: str) -> None:
        """Top-level keys (``lines``, unindented) at the line start ``at`` of a block root
        mapping, indented like its key ``before``; or ``flow`` before ``before`` in a flow one."""
        if root.flow_style:
            self.edits.append(Edit(before.start_mark.index, before.start_mark.index, flow + ", "))
            return
        prefix = self.key_prefix(before)
        if prefix.strip(" "):
            raise self.refuse(before, "a top-level key should start its line")
        text = "".join(self.line_at(at, prefix + line if line else line) for line in lines)
        self.edits.append(Edit(at, at, text))

    def apply(self) -> str:
        # Insertions at a place come before a removal or replacement that starts there, and
        # in the order they were planned.
        order = sorted(
            range(len(self.edits)),
            key=lambda i: (self.edits[i].start, self.edits[i].end > self.edits[i].start, i),
        )
        pieces, position = [], 0
        for i in order:
            edit = self.edits[i]
            if edit.start < position:  # two edits of one place: a planning error
                raise Refused("two changes overlap (an internal error); please report it")
            pieces += [self.text[position : edit.start], edit.text]
            position = edit.end
        pieces.append(self.text[position:])
        return "".join(pieces)

    # -- top-level places

    def version_place(self, first_key) -> int:
        """Where `version` goes when the file has none: after the leading comment block (the
        file's header), else right before the first key."""
        key_line = self.line_start(first_key.start_mark.index)
        lines = BREAK.split(self.text[:key_line])[:-1] if key_line else []
        if not lines or not lines[0].lstrip().startswith("#"):
            return key_line
        if any(line.strip() and not line.lstrip().startswith("#") for line in lines):
            return key_line  # a `---` or a directive before the first key
        position = 0
        for line in lines:
            if not line.lstrip().startswith("#"):
                break
            position = self.next_line(position)
        return position

    def section_place(self, key, earliest: int) -> int:
        """Where a new section goes before the top-level ``key``: above the comment lines
        right above it (they introduce it), but not before ``earliest``."""
        at = self.line_start(key.start_mark.index)
        while at > earliest:
            above = self.line_start(at - 1)
            if not self.text[above:at].lstrip().startswith("#"):
                break
            at = above
        return max(at, earliest)

    def blank_before(self, at: int) -> bool:
        return at > 0 and not self.text[self.line_start(at - 1) : at].strip()


def pairs(mapping) -> dict[str, tuple[int, object, object]]:
    """A mapping node's keys, each with its index, key node and value node."""
    found: dict[str, tuple[int, object, object]] = {}
    for index, (key, value) in enumerate(mapping.value):
        found.setdefault(str(key.value), (index, key, value))
    return found


def items(top: dict, name: str) -> list:
    """The item nodes of the top-level section ``name`` (none when it is absent or empty)."""
    import yaml

    if name not in top:
        return []
    node = top[name][2]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def encoding_of(data: bytes) -> tuple[bytes, str]:
    """The byte-order mark and the encoding of a file the loader read."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return bom, codec
    return b"", "utf-8"


def decode_bytes(data: bytes) -> tuple[bytes, str, str]:
    """The byte-order mark, the encoding and the text of a file the loader read."""
    bom, codec = encoding_of(data)
    return bom, codec, data[len(bom) :].decode(codec)
