"""`stakeholders migrate FILE`: rewrite a version 1 knowledge base as version 2 text, in place.

The new text is the old text with a few splices, placed by the marks of PyYAML's parser:

- the `version` value becomes "2" (or `version: "2"` is inserted at the top);
- every relation gets `kind: event|tie` on the line after its `type:` (derived from the type
  exactly as the loader reads a version 1 file);
- an event's `status:` is removed (version 2 forbids it on events; the loader already
  ignored it);
- the free-text stance issues are declared in a new `issues:` section, and a stance's issue
  that is not a valid id is rewritten as the id made for it.

Every other character is kept as it was: comments, key order, quoting and layout, so that a
diff shows only the changed lines. A construct that cannot be spliced safely is refused with
its place, and nothing is written.

Nothing is written either unless the new text passes the loader's own checks and means the
same as the old one (same sources, actors, relations and stances, the issues aside, which get
ids). The old text is kept as ``FILE.v1.bak``; the file is replaced atomically, and only if it
did not change on disk while it was being migrated.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .files import discard, replace, write_beside
from .loader import MAX_BYTES, MAX_TOTAL_BYTES, LoadError, Problem, load_knowledge_base
from .model import EVENT_TYPES, Issue, KnowledgeBase
from .sanitize import display, truncate

BACKUP_SUFFIX = ".v1.bak"

# The line breaks PyYAML counts lines by (and so its marks' lines and columns).
_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
_BREAK_CHARS = "\n\r\x85\u2028\u2029"
_COMMENT = re.compile(r"#[^\n\r\x85\u2028\u2029]*")
# What may stand before a key on its line in a block mapping: its indentation, and the
# dashes of the sequence entries it opens (`  - id: ...`).
_KEY_PREFIX = re.compile(r" *(?:- +)*")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .'()/_-]*[A-Za-z0-9.')]\Z|[A-Za-z0-9]\Z")
_SLUG_MAX = 48

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class Refused(Exception):
    """The file cannot be migrated safely; nothing was written."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def problem(self, shown: str) -> Problem:
        return Problem(shown, self.line, self.column, f"cannot migrate: {self.message}")


@dataclass
class Plan:
    """The migrated text of a version 1 file, and what changed."""

    text: str
    events: list[str] = field(default_factory=list)  # relation ids that got `kind: event`
    ties: list[str] = field(default_factory=list)  # relation ids that got `kind: tie`
    lost_status: list[str] = field(default_factory=list)  # events whose `status` went
    issues: dict[str, str] = field(default_factory=dict)  # issue text -> its new id
    rewritten: int = 0  # stances whose `issue` was rewritten as an id


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


# --- issue ids ---------------------------------------------------------------------------


def slugify(text: str) -> str:
    """An id for ``text``: lower-case ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > _SLUG_MAX:
        slug = slug[:_SLUG_MAX].rsplit("-", 1)[0] if "-" in slug[:_SLUG_MAX] else slug[:_SLUG_MAX]
    return slug.strip("-") or "issue"


def issue_ids(texts: list[str]) -> dict[str, str]:
    """An id for each distinct issue text, unique: a text that is already a valid id keeps
    it (so its stances need no change); the others get a slug, numbered if it is taken."""
    ids = {text: text for text in texts if _SLUG.match(text)}
    taken = set(ids.values())
    for text in texts:
        if text in ids:
            continue
        base = slugify(text)
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        ids[text] = slug
        taken.add(slug)
    return {text: ids[text] for text in texts}  # in first-use order


def yaml_scalar(text: str) -> str:
    """``text`` as a one-line YAML scalar that reads back as exactly ``text`` (in block and
    flow context alike): plain when that is unambiguous, else double-quoted."""
    import yaml

    if _PLAIN_SAFE.match(text) and ": " not in text and " #" not in text:
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


# --- the splice --------------------------------------------------------------------------


class _Splicer:
    """Finds the places to change in a version 1 text, from its node marks."""

    def __init__(self, text: str) -> None:
        self.text = text
        found = _BREAK.search(text)
        self.newline = found.group(0) if found else "\n"
        self.edits: list[_Edit] = []

    # -- places

    def refuse(self, node, message: str) -> Refused:
        mark = node.start_mark
        return Refused(message, mark.line + 1, mark.column + 1)

    def line_start(self, index: int) -> int:
        return max(self.text.rfind(char, 0, index) for char in _BREAK_CHARS) + 1

    def next_line(self, index: int) -> int:
        """The start of the line after the one holding ``index`` (the text's end if none)."""
        found = _BREAK.search(self.text, index)
        return found.end() if found else len(self.text)

    def content_end(self, node) -> int:
        """Where a node's own text ends: a block scalar's marks also take in the line breaks
        and blank lines after it, which belong to the layout."""
        end = node.end_mark.index
        if getattr(node, "style", None) in ("|", ">"):
            body = self.text[node.start_mark.index : end]
            end = node.start_mark.index + len(body.rstrip(" \t" + _BREAK_CHARS))
        return end

    def key_prefix(self, key) -> str:
        """What stands before ``key`` on its line (in a block mapping); refused unless it is
        indentation and sequence dashes, so that a new key line can be indented like it."""
        prefix = self.text[self.line_start(key.start_mark.index) : key.start_mark.index]
        if not _KEY_PREFIX.fullmatch(prefix):
            raise self.refuse(
                key,
                f"the key {truncate(display(str(key.value)), 30)!r} does not start its line "
                "(an explicit `? key`, or tabs); write it as `key: value` on its own line",
            )
        return prefix

    def line_at(self, index: int, line: str) -> str:
        """``line`` (with its line break) to insert at ``index``, a line start."""
        if index == len(self.text) and self.text and self.text[-1] not in _BREAK_CHARS:
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
        self.edits.append(_Edit(node.start_mark.index, self.content_end(node), new))

    def insert_after(self, mapping, key, value, line: str) -> None:
        """A new `key: value` pair right after the pair ``key: value`` of ``mapping``: on its
        own line, indented like ``key``, in a block mapping; after a comma in a flow one."""
        if mapping.flow_style:
            at = self.content_end(value)
            self.edits.append(_Edit(at, at, f", {line}"))
            return
        indent = " " * len(self.key_prefix(key))
        at = self.next_line(self.content_end(value) - 1)
        self.edits.append(_Edit(at, at, self.line_at(at, indent + line)))

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
            self.edits.append(_Edit(start, end, ""))
            return
        prefix = self.key_prefix(key)
        if not prefix.strip(" "):  # the key starts its line: remove the pair's lines
            start = self.line_start(key.start_mark.index)
            end = self.next_line(self.content_end(value) - 1)
            comments = [prefix + c.rstrip() for c in _COMMENT.findall(text[start:end])]
            kept = self.newline.join(comments)
            if comments and end > start and text[end - 1] in _BREAK_CHARS:
                kept += self.newline
            self.edits.append(_Edit(start, end, kept))
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
        self.edits.append(_Edit(start, end, ""))

    def insert_top(self, root, at: int, before, lines: list[str], flow: str) -> None:
        """Top-level keys (``lines``, unindented) at the line start ``at`` of a block root
        mapping, indented like its key ``before``; or ``flow`` before ``before`` in a flow one."""
        if root.flow_style:
            self.edits.append(_Edit(before.start_mark.index, before.start_mark.index, flow + ", "))
            return
        prefix = self.key_prefix(before)
        if prefix.strip(" "):
            raise self.refuse(before, "a top-level key should start its line")
        text = "".join(self.line_at(at, prefix + line if line else line) for line in lines)
        self.edits.append(_Edit(at, at, text))

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
        lines = _BREAK.split(self.text[:key_line])[:-1] if key_line else []
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


def _pairs(mapping) -> dict[str, tuple[int, object, object]]:
    """A mapping node's keys, each with its index, key node and value node."""
    found: dict[str, tuple[int, object, object]] = {}
    for index, (key, value) in enumerate(mapping.value):
        found.setdefault(str(key.value), (index, key, value))
    return found


def _items(top: dict, name: str) -> list:
    """The item nodes of the top-level section ``name`` (none when it is absent or empty)."""
    import yaml

    if name not in top:
        return []
    node = top[name][2]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def plan_migration(text: str) -> Plan | None:
    """The version 2 text of ``text``, a version 1 knowledge base that loads clean; None if it
    is version 2 already. Raises ``Refused`` for what cannot be spliced safely."""
    import yaml

    try:
        # The pure-Python parser: its marks count characters (libyaml's may count bytes).
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise Refused(
            f"the YAML parser cannot place its changes: {error.problem}", line, column
        ) from None
    if not isinstance(root, yaml.MappingNode) or not root.value:
        raise Refused("the file is not a mapping of sections")
    top = _pairs(root)
    if "version" in top and top["version"][2].value == "2":
        return None

    splice = _Splicer(text)
    plan = Plan(text="")

    # The version: "2" for "1", or a new first key.
    if "version" in top:
        value = top["version"][2]
        quote = "'" if value.style == "'" else '"'
        splice.replace_scalar(value, f"{quote}2{quote}")
        version_at = -1
    else:
        first_key = root.value[0][0]
        version_at = splice.version_place(first_key)
        splice.insert_top(root, version_at, first_key, ['version: "2"'], 'version: "2"')

    # Relations: a kind each, and no status on an event.
    for item in _items(top, "relations"):
        fields = _pairs(item)
        _, type_key, type_value = fields["type"]
        kind = "event" if type_value.value in EVENT_TYPES else "tie"
        splice.insert_after(item, type_key, type_value, f"kind: {kind}")
        relation_id = str(fields["id"][2].value)
        (plan.events if kind == "event" else plan.ties).append(relation_id)
        if kind == "event" and "status" in fields:
            splice.remove_pair(item, fields["status"][0])
            plan.lost_status.append(relation_id)

    # Stances: their issue texts declared as issues, and referred to by id.
    issue_nodes = [_pairs(item)["issue"][2] for item in _items(top, "stances")]
    plan.issues = issue_ids(list(dict.fromkeys(str(node.value) for node in issue_nodes)))
    for node in issue_nodes:
        new_id = plan.issues[node.value]
        if new_id != node.value:
            splice.replace_scalar(node, new_id)
            plan.rewritten += 1
    if plan.issues:
        _, actors_key, actors = top["actors"]
        lines, flow = _issues_section(splice, actors_key, actors, plan.issues)
        at = -1 if root.flow_style else splice.section_place(actors_key, max(version_at, 0))
        if not root.flow_style and splice.blank_before(at):
            lines.append("")
        splice.insert_top(root, at, actors_key, lines, flow)

    plan.text = splice.apply()
    return plan


def _issues_section(splice: _Splicer, key, actors, issues: dict[str, str]):
    """The `issues:` section's lines (indented like the `actors:` list), and its flow form."""
    import yaml

    dash, item = 2, 4  # columns relative to the top-level key
    if (
        isinstance(actors, yaml.SequenceNode)
        and not actors.flow_style
        and actors.value
        and isinstance(actors.value[0], yaml.MappingNode)
        and not actors.value[0].flow_style
    ):
        dash = actors.start_mark.column - key.start_mark.column
        item = actors.value[0].start_mark.column - key.start_mark.column
    lines = ["issues:"]
    for text, issue_id in issues.items():
        lines.append(" " * dash + "-" + " " * (item - dash - 1) + f"id: {issue_id}")
        lines.append(" " * item + f"label: {yaml_scalar(text)}")
    flow = ", ".join(
        f"{{id: {issue_id}, label: {yaml_scalar(text)}}}" for text, issue_id in issues.items()
    )
    return lines, f"issues: [{flow}]"


# --- checking the result -----------------------------------------------------------------


def _difference(old: KnowledgeBase, new: KnowledgeBase, issues: dict[str, str]) -> str | None:
    """What the migrated knowledge base says differently from the old one, if anything
    (the issues aside: their ids are new, and the stances refer to them)."""
    expected_stances = tuple(
        dataclasses.replace(stance, issue=issues[stance.issue]) for stance in old.stances
    )
    expected_issues = tuple(Issue(id=issue_id, label=text) for text, issue_id in issues.items())
    for name, before, after in (
        ("sources", old.sources, new.sources),
        ("actors", old.actors, new.actors),
        ("relations", old.relations, new.relations),
        ("attributes", old.attributes, new.attributes),
        ("stances", expected_stances, new.stances),
        ("issues", expected_issues, new.issues),
    ):
        if before == after:
            continue
        for was, now in zip(before, after, strict=False):
            if was != now:
                return f"{name}: {display(getattr(was, 'id', '?'))!r} would change"
        return f"{name}: {len(before)} before, {len(after)} after"
    return None


# --- files -------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[bytes, str, str]:
    """The byte-order mark, the encoding and the text of a file the loader read."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return bom, codec, data[len(bom) :].decode(codec)
    return b"", "utf-8", data.decode("utf-8")


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        return not path.is_symlink() and path.is_file() and path.read_bytes() == data
    except OSError:
        return False


def _keep_backup(path: Path, backup: Path, data: bytes, mode: int, force: bool) -> None:
    """``data`` (the old text) as ``backup``, written whole or not at all; never over an
    existing one unless ``force``."""
    temp = write_beside(backup, data, mode=mode)
    try:
        if force:
            replace(temp, backup)
            return
        try:
            os.link(temp, backup)  # fails if it exists, where replace would overwrite
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if backup.exists():
                raise FileExistsError(backup) from None
            replace(temp, backup)
    finally:
        discard(temp)


class _Out:
    def __init__(self, out: TextIO | None, err: TextIO | None) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def fail(self, shown: str, message: str) -> int:
        print(f"{shown}: {message}; nothing was changed", file=self.err)
        return 1


def migrate_file(
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Migrate the knowledge base at ``path`` to version 2 in place; the exit status."""
    path = Path(path)
    shown = display(str(path))
    io = _Out(out, err)
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    if path.is_symlink():
        return io.fail(shown, "is a symbolic link; migrate the file it points to")

    try:
        before = _identity(path)
        old_kb = load_knowledge_base(
            path, max_bytes=max_bytes, max_total_bytes=max_total_bytes
        )
        data = path.read_bytes()
        if _identity(path) != before:
            return io.fail(shown, "it changed on disk while it was being read; run again")
    except LoadError as error:
        print(error.report(), file=io.err)
        return io.fail(shown, "it must check clean before it is migrated")
    except OSError as error:
        return io.fail(shown, f"cannot read it: {display(error.strerror or str(error))}")
    bom, encoding, text = _decode(data)
    try:
        plan = plan_migration(text)
    except Refused as refused:
        print(refused.problem(shown), file=io.err)
        return io.fail(shown, "change that place by hand and run again")
    if plan is None:
        io.say(f"{shown}: already version 2; nothing to do")
        return 0
    if backup.exists() and not force:
        return io.fail(
            shown,
            f"{display(str(backup))} exists (from an earlier migration?); "
            "move it away, or pass --force to replace it",
        )

    new_data = bom + plan.text.encode(encoding)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        temp = write_beside(path, new_data, mode=mode)
    except OSError as error:
        return io.fail(shown, f"cannot write next to it: {display(error.strerror or str(error))}")
    try:
        # Checked by the loader's own rules, from the same folder (the source paths are
        # relative to it), before anything is replaced.
        try:
            new_kb = load_knowledge_base(
                temp,
                max_bytes=max(max_bytes, len(new_data)),
                max_total_bytes=max_total_bytes + len(new_data),
            )
        except LoadError as error:
            print(error.report().replace(str(temp), f"{path} (migrated)"), file=io.err)
            return io.fail(shown, "the migrated text does not check clean (a bug; please report)")
        difference = _difference(old_kb, new_kb, plan.issues)
        if difference is not None:
            return io.fail(
                shown, f"the migrated text would not mean the same ({difference}); a bug"
            )
        if not _unchanged(path, data):
            return io.fail(shown, "it changed on disk while it was being migrated; run again")
        had_backup = backup.exists()
        try:
            _keep_backup(path, backup, data, mode, force)
        except FileExistsError:
            return io.fail(shown, f"{display(str(backup))} exists; pass --force to replace it")
        except OSError as error:
            reason = display(error.strerror or str(error))
            return io.fail(shown, f"cannot keep the old text as {display(str(backup))}: {reason}")
        if not _unchanged(path, data):
            if not had_backup:
                backup.unlink(missing_ok=True)
            return io.fail(shown, "it changed on disk while it was being migrated; run again")
        try:
            replace(temp, path)
        except OSError as error:
            return io.fail(shown, f"cannot replace it: {display(error.strerror or str(error))}")
    finally:
        discard(temp)

    _summary(io, shown, display(str(backup)), plan)
    return 0


def _summary(io: _Out, shown: str, backup: str, plan: Plan) -> None:
    io.say(f"{shown}: migrated to version 2; the old text is kept as {backup}")
    relations = len(plan.events) + len(plan.ties)
    word = "relation" if relations == 1 else "relations"
    io.say(f"  {relations} {word} got a kind: {len(plan.events)} event(s), {len(plan.ties)} tie(s)")
    if plan.lost_status:
        io.say(
            f"  status removed from {len(plan.lost_status)} event(s) (v2 keeps status for "
            f"ties only): {', '.join(display(i) for i in plan.lost_status)}"
        )
    if plan.issues:
        declared = ", ".join(
            display(issue_id)
            if issue_id == text
            else f"{display(issue_id)} ({truncate(display(text), 40)!r})"
            for text, issue_id in plan.issues.items()
        )
        io.say(f"  {len(plan.issues)} issue(s) declared: {declared}")
    if plan.rewritten:
        io.say(f"  {plan.rewritten} stance issue(s) rewritten as ids")
