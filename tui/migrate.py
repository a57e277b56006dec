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
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .files import discard, holds, replace, write_beside
from .loader import MAX_BYTES, MAX_TOTAL_BYTES, LoadError, load_knowledge_base
from .model import EVENT_TYPES, Issue, KnowledgeBase
from .sanitize import display, truncate
from .splice import (
    SLUG,
    Refused,
    Splicer,
    decode_bytes,
    items,
    pairs,
    slugify,
    yaml_scalar,
)

BACKUP_SUFFIX = ".v1.bak"

@dataclass
class Plan:
    """The migrated text of a version 1 file, and what changed."""

    text: str
    events: list[str] = field(default_factory=list)  # relation ids that got `kind: event`
    ties: list[str] = field(default_factory=list)  # relation ids that got `kind: tie`
    lost_status: list[str] = field(default_factory=list)  # events whose `status` went
    issues: dict[str, str] = field(default_factory=dict)  # issue text -> its new id
    rewritten: int = 0  # stances whose `issue` was rewritten as an id


# --- issue ids ---------------------------------------------------------------------------


def issue_ids(texts: list[str]) -> dict[str, str]:
    """An id for each distinct issue text, unique: a text that is already a valid id keeps
    it (so its stances need no change); the others get a slug, numbered if it is taken."""
    ids = {text: text for text in texts if SLUG.match(text)}
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


# --- the splice --------------------------------------------------------------------------


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
    top = pairs(root)
    if "version" in top and top["version"][2].value == "2":
        return None

    splice = Splicer(text)
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
    for item in items(top, "relations"):
        fields = pairs(item)
        _, type_key, type_value = fields["type"]
        kind = "event" if type_value.value in EVENT_TYPES else "tie"
        splice.insert_after(item, type_key, type_value, f"kind: {kind}")
        relation_id = str(fields["id"][2].value)
        (plan.events if kind == "event" else plan.ties).append(relation_id)
        if kind == "event" and "status" in fields:
            splice.remove_pair(item, fields["status"][0])
            plan.lost_status.append(relation_id)

    # Stances: their issue texts declared as issues, and referred to by id.
    issue_nodes = [pairs(item)["issue"][2] for item in items(top, "stances")]
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


def _issues_section(splice: Splicer, key, actors, issues: dict[str, str]):
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


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


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
    bom, encoding, text = decode_bytes(data)
    try:
        plan = plan_migration(text)
    except Refused as refused:
        print(refused.problem(shown, "migrate"), file=io.err)
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
        if not holds(path, data):
            return io.fail(shown, "it changed on disk while it was being migrated; run again")
        had_backup = backup.exists()
        try:
            _keep_backup(path, backup, data, mode, force)
        except FileExistsError:
            return io.fail(shown, f"{display(str(backup))} exists; pass --force to replace it")
        except OSError as error:
            reason = display(error.strerror or str(error))
            return io.fail(shown, f"cannot keep the old text as {display(str(backup))}: {reason}")
        if not holds(path, data):
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
