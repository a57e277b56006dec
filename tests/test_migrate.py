"""`stakeholders migrate FILE`: a version 1 file rewritten as version 2 text, in place."""

from __future__ import annotations

import difflib
import os
import stat
import textwrap

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.kb_files import SOURCE_TEXT
from tui import migrate
from tui.cli import main
from tui.loader import load_knowledge_base
from tui.model import ClaimKind, Status

# A version 1 file laid out like the bundled one before version 2 (commit 5e8a505): a header
# comment, `version: "1"`, section comments, folded descriptions, flow lists, every event
# type, ties with and without `status`, an event with one, and stance issues that are
# slugs already, except one.
BUNDLED_LIKE_V1 = """\
# Stakeholder knowledge base: a test.
# One source. Every claim below is backed by a verbatim quote.
version: "1"

sources:
  - id: s1
    title: A title
    publisher: Example
    published: "2017-09-27T10:00"
    dateline: Rome
    path: s1.txt

actors:
  # --- Libya -----------------------------------------------------------------
  - id: haftar
    name: Khalifa Haftar
    kind: person
    aliases: [Haftar]
    description: >-
      Libyan military strongman; a one-time ally
      of Gaddafi.

  # --- Italy -----------------------------------------------------------------
  - id: italy
    name: Italy
    kind: state
  - id: gna
    name: Government of National Unity
    kind: government
    aliases: [unity government]

relations:
  # Events
  - id: haftar-meets-italy
    source: haftar
    target: italy
    type: meets
    polarity: 1
    date: "2017-09-26"
    date_phrase: on Tuesday
    summary: Haftar met Italy's defence minister.
    evidence:
      - source: s1
        quote: "met Italy's defence minister"
  - id: haftar-threatened-italy
    source: haftar
    target: italy
    type: threatens
    polarity: -1
    status: past
    summary: Haftar threatened Italian ships.
    evidence:
      - source: s1
        quote: "in Rome on Tuesday"
  # Ties
  - id: italy-backs-gna
    source: italy
    target: gna
    type: backs
    polarity: 2
    status: past   # "hitherto"
    summary: Italy backs the unity government.
    confidence: stated
    evidence:
      - source: s1
        quote: "Italy backs the unity government"
        occurrence: 2
  - id: gna-opposes-haftar
    source: gna
    target: haftar
    type: opposes
    polarity: -2
    summary: The unity government sees Haftar as a foe.
    evidence:
      - source: s1
        quote: "Italy backs the unity government"
        occurrence: 1

stances:
  - id: italy-peace-force
    actor: italy
    issue: peace-force
    position: Could lead a peace force.
    evidence:
      - source: s1
        quote: "Italy backs the unity government"
        occurrence: 1
  - id: haftar-peace-force
    actor: haftar
    issue: peace-force
    position: Unclear.
    evidence:
      - source: s1
        quote: "in Rome on Tuesday"
  - id: gna-migration
    actor: gna
    issue: Stemming migration
    position: For it.
    evidence:
      - source: s1
        quote: "in Rome on Tuesday"
"""

# What a splicer finds harder: no version and no blank lines, flow-style items, a status
# first in its list entry, multi-line scalars, quoted and colliding issue texts.
AWKWARD_V1 = """\
# Header line one.
# Header line two.

# about the sources
sources:
  - id: s1
    title: A title
    publisher: Example
    published: "2017-09-27T10:00"
    path: s1.txt
actors:
  - id: haftar
    name: Khalifa Haftar
    kind: person
  - {id: italy, name: Italy, kind: state}
  - id: gna
    name: 'Government of National Unity'
    kind: government
relations:
  - id: haftar-meets-italy   # the meeting
    source: haftar
    target: italy
    type: meets  # an event
    status: past  # said "hitherto"
    polarity: 1
    summary: Haftar met Italy's defence minister.
    evidence:
      - source: s1
        quote: "met Italy's defence minister"
  - status: current
    id: italy-backs-gna
    source: italy
    target: gna
    type: backs
    polarity: 2
    summary: >
      Italy backs the
      unity government.
    evidence:
      - {source: s1, quote: "Italy backs the unity government", occurrence: 2}
  - {id: italy-hosts-haftar, source: italy, target: haftar, type: "hosts", status: past,
     polarity: 1, summary: Italy hosted Haftar., evidence: [{source: s1, quote: in Rome}]}
  - {status: past, id: italy-hosts-haftar-2, source: italy, target: haftar, type: hosts,
     polarity: 1, summary: Italy hosted Haftar., evidence: [{source: s1, quote: in Rome}]}
  - status: past
    id: haftar-visits-italy
    type: >-
      visits

    source: haftar
    target: italy
    polarity: 1
    summary: Haftar visited Rome.
    evidence:
      - source: s1
        quote: in Rome on Tuesday
stances:
  - id: italy-on-force
    actor: italy
    issue: Peace force
    position: For it.
    evidence: [{source: s1, quote: in Rome on Tuesday}]
  - id: gna-on-force
    actor: gna
    issue: "Peace  force"
    position: For it.
    evidence: [{source: s1, quote: in Rome on Tuesday}]
  - id: haftar-ceasefire
    actor: haftar
    issue: >-
      Ceasefire and
      elections
    position: For it.
    evidence: [{source: s1, quote: in Rome on Tuesday}]
  - {id: gna-ceasefire, actor: gna, issue: "Ceasefire and elections", position: Yes,
     evidence: [{source: s1, quote: in Rome on Tuesday}]}
  - {id: gna-vote, actor: gna, issue: "Élections: libres", position: Yes,
     evidence: [{source: s1, quote: in Rome on Tuesday}]}
"""


def write(folder, text: str, name: str = "kb.yaml"):
    (folder / "s1.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def backup_of(path):
    return path.with_name(path.name + ".v1.bak")


def leftovers(folder) -> list[str]:
    """Temporary files the migration may have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def migrated(path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["migrate", *args, str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_v1_file_with_comments_migrates(tmp_path, capsys):
    path = write(tmp_path, BUNDLED_LIKE_V1)
    code, out, err = migrated(path, capsys)
    assert code == 0, err
    new = path.read_text(encoding="utf-8")
    old_lines, new_lines = BUNDLED_LIKE_V1.splitlines(), new.splitlines()

    # Every original line is still there, in order, but the version, the event's status and
    # the one issue that was not an id.
    changed = {'version: "1"', "    status: past", "    issue: Stemming migration"}
    kept = [line for line in old_lines if line not in changed]
    assert len(kept) == len(old_lines) - 3
    matcher = difflib.SequenceMatcher(a=kept, b=new_lines, autojunk=False)
    assert sum(block.size for block in matcher.get_matching_blocks()) == len(kept)
    # ... and the lines that came are the version, the kinds, the issues and one rewrite.
    diff = list(difflib.ndiff(old_lines, new_lines))
    removed = [line[2:] for line in diff if line.startswith("- ")]
    added = [line[2:] for line in diff if line.startswith("+ ")]
    assert removed == ['version: "1"', "    status: past", "    issue: Stemming migration"]
    assert sorted(added) == sorted(
        [
            'version: "2"',
            "issues:",
            "  - id: peace-force",
            "    label: peace-force",
            "  - id: stemming-migration",
            "    label: Stemming migration",
            "",
            "    kind: event",
            "    kind: event",
            "    kind: tie",
            "    kind: tie",
            "    issue: stemming-migration",
        ]
    )  # (in an order that depends on where the diff places the blank line)
    # The kind comes right after the type, the issues right before the actors' section.
    assert new_lines[new_lines.index("    type: threatens") + 1] == "    kind: event"
    assert new_lines[new_lines.index("actors:") - 2] == "    label: Stemming migration"
    assert "# --- Libya ----" in new and '    status: past   # "hitherto"' in new

    # It loads with version 2 semantics, and checks clean.
    kb = load_knowledge_base(path)
    relations = kb.relation_by_id
    assert relations["haftar-meets-italy"].kind is ClaimKind.EVENT
    assert relations["haftar-threatened-italy"].kind is ClaimKind.EVENT
    assert relations["haftar-threatened-italy"].status is None
    assert relations["italy-backs-gna"].kind is ClaimKind.TIE
    assert relations["italy-backs-gna"].status is Status.PAST
    assert relations["gna-opposes-haftar"].status is Status.CURRENT
    assert [(i.id, i.label) for i in kb.issues] == [
        ("peace-force", "peace-force"),
        ("stemming-migration", "Stemming migration"),
    ]
    assert kb.stance_by_id["gna-migration"].issue == "stemming-migration"
    assert main(["check", str(path)]) == 0
    assert "OK:" in capsys.readouterr().out

    # What it says it did.
    assert "4 relations got a kind: 2 event(s), 2 tie(s)" in out
    assert "status removed from 1 event(s)" in out and "haftar-threatened-italy" in out
    assert "peace-force, stemming-migration ('Stemming migration')" in out

    # The old text is kept, byte for byte, and nothing else is left behind.
    assert backup_of(path).read_text(encoding="utf-8") == BUNDLED_LIKE_V1
    assert leftovers(tmp_path) == []


def test_awkward_constructs_are_spliced(tmp_path, capsys):
    path = write(tmp_path, AWKWARD_V1)
    code, out, err = migrated(path, capsys)
    assert code == 0, err
    new = path.read_text(encoding="utf-8")
    lines = new.splitlines()

    # No version: it comes after the header comment, before the comment on `sources`.
    assert lines[:5] == [
        "# Header line one.",
        "# Header line two.",
        'version: "2"',
        "",
        "# about the sources",
    ]
    # The comment on a removed status line stays, on its own line.
    assert lines[lines.index("    type: meets  # an event") + 1 :][:2] == [
        "    kind: event",
        '    # said "hitherto"',
    ]
    # Flow items: kind after the type, status gone with its comma.
    assert (
        '  - {id: italy-hosts-haftar, source: italy, target: haftar, type: "hosts", '
        "kind: event," in lines
    )
    assert "  - {id: italy-hosts-haftar-2, source: italy, target: haftar, type: hosts, " in new
    # A status first in its entry: the next key moves up.
    assert "  - id: haftar-visits-italy" in lines
    # A multi-line type: the kind after its last line.
    at = lines.index("      visits")
    assert lines[at + 1] == "    kind: event"
    # A tie keeps its status, even first in its entry.
    assert "  - status: current" in lines

    kb = load_knowledge_base(path)
    assert all(relation.kind for relation in kb.relations)
    assert {r.id: r.status for r in kb.relations} == {
        "haftar-meets-italy": None,
        "italy-backs-gna": Status.CURRENT,
        "italy-hosts-haftar": None,
        "italy-hosts-haftar-2": None,
        "haftar-visits-italy": None,
    }
    # Issue texts made ids: unique, the text kept as the label; the stances refer to them.
    assert [(i.id, i.label) for i in kb.issues] == [
        ("peace-force", "Peace force"),
        ("peace-force-2", "Peace  force"),
        ("ceasefire-and-elections", "Ceasefire and elections"),
        ("elections-libres", "Élections: libres"),
    ]
    assert {s.id: s.issue for s in kb.stances} == {
        "italy-on-force": "peace-force",
        "gna-on-force": "peace-force-2",
        "haftar-ceasefire": "ceasefire-and-elections",
        "gna-ceasefire": "ceasefire-and-elections",
        "gna-vote": "elections-libres",
    }
    assert '    label: "Élections: libres"' in lines
    assert "    issue: ceasefire-and-elections" in lines  # the folded text, on one line now
    assert "5 stance issue(s) rewritten as ids" in out
    assert main(["check", str(path)]) == 0
    assert leftovers(tmp_path) == []


def test_a_flow_style_file_migrates(tmp_path, capsys):
    path = write(
        tmp_path,
        textwrap.dedent(
            """\
            {sources: [{id: s1, title: T, publisher: P, published: "2017-09-27", path: s1.txt}],
             actors: [{id: a, name: A, kind: state}, {id: b, name: B, kind: state}],
             relations: [{id: r, source: a, target: b, type: meets, status: past, polarity: 1,
                          summary: S, evidence: [{source: s1, quote: in Rome}]}],
             stances: [{id: st, actor: a, issue: "Big: issue", position: P,
                        evidence: [{source: s1, quote: in Rome}]}]}
            """
        ),
    )
    code, _, err = migrated(path, capsys)
    assert code == 0, err
    new = path.read_text(encoding="utf-8")
    assert new.startswith('{version: "2", sources: [')
    assert ' issues: [{id: big-issue, label: "Big: issue"}], actors: [' in new
    assert "type: meets, kind: event, polarity: 1," in new
    kb = load_knowledge_base(path)
    assert kb.relations[0].status is None and kb.stances[0].issue == "big-issue"


def test_line_endings_and_byte_order_mark_are_kept(tmp_path, capsys):
    text = BUNDLED_LIKE_V1.replace("\n", "\r\n")
    path = write(tmp_path, "")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    code, _, err = migrated(path, capsys)
    assert code == 0, err
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n") > text.count("\n")
    load_knowledge_base(path)


def test_utf16_file_stays_utf16(tmp_path, capsys):
    path = write(tmp_path, "")
    path.write_bytes(b"\xff\xfe" + BUNDLED_LIKE_V1.encode("utf-16-le"))
    code, _, err = migrated(path, capsys)
    assert code == 0, err
    data = path.read_bytes()
    assert data.startswith(b"\xff\xfe")
    assert 'version: "2"' in data[2:].decode("utf-16-le")


def test_a_file_without_header_or_version_gets_it_first(tmp_path, capsys):
    text = BUNDLED_LIKE_V1.split('version: "1"\n\n', 1)[1]
    path = write(tmp_path, text)
    assert migrated(path, capsys)[0] == 0
    assert path.read_text(encoding="utf-8").startswith('version: "2"\nsources:\n')


def test_the_file_mode_is_kept(tmp_path, capsys):
    path = write(tmp_path, BUNDLED_LIKE_V1)
    path.chmod(0o640)
    assert migrated(path, capsys)[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert stat.S_IMODE(backup_of(path).stat().st_mode) == 0o640


# --- refusals: nothing is changed ---------------------------------------------------------


def test_a_broken_v1_file_is_refused_untouched(tmp_path, capsys):
    broken = BUNDLED_LIKE_V1.replace("target: gna\n", "target: gnaa\n")
    path = write(tmp_path, broken)
    code, out, err = migrated(path, capsys)
    assert code == 1
    assert f"{path}:" in err and "unknown actor 'gnaa'" in err
    assert "1 problem found." in err and "nothing was changed" in err
    assert path.read_text(encoding="utf-8") == broken
    assert not backup_of(path).exists() and leftovers(tmp_path) == []


def test_an_already_v2_file_is_left_alone(tmp_path, capsys):
    path = write(tmp_path, BUNDLED_LIKE_V1)
    assert migrated(path, capsys)[0] == 0
    backup_of(path).unlink()
    v2 = path.read_bytes()
    code, out, _ = migrated(path, capsys)
    assert code == 0
    assert "already version 2; nothing to do" in out
    assert path.read_bytes() == v2
    assert not backup_of(path).exists() and leftovers(tmp_path) == []


def test_a_construct_that_cannot_be_spliced_is_refused_with_its_place(tmp_path, capsys):
    text = AWKWARD_V1.replace(
        "  - status: past\n    id: haftar-visits-italy",
        "  - status: past  # a comment that would go\n    id: haftar-visits-italy",
    )
    path = write(tmp_path, text)
    line = text.splitlines().index("  - status: past  # a comment that would go") + 1
    code, _, err = migrated(path, capsys)
    assert code == 1
    assert f"{path}:{line}:5: cannot migrate: removing `status`" in err
    assert "nothing was changed" in err
    assert path.read_text(encoding="utf-8") == text
    assert not backup_of(path).exists() and leftovers(tmp_path) == []


def test_a_block_scalar_with_a_comment_is_refused(tmp_path, capsys):
    text = BUNDLED_LIKE_V1.replace(
        "    issue: Stemming migration", "    issue: >-  # note\n      Stemming migration"
    )
    path = write(tmp_path, text)
    code, _, err = migrated(path, capsys)
    assert code == 1 and "cannot migrate: a block scalar with a comment" in err
    assert path.read_text(encoding="utf-8") == text


def test_an_existing_backup_is_kept_unless_forced(tmp_path, capsys):
    path = write(tmp_path, BUNDLED_LIKE_V1)
    backup_of(path).write_text("an older backup", encoding="utf-8")
    code, _, err = migrated(path, capsys)
    assert code == 1 and "pass --force" in err
    assert path.read_text(encoding="utf-8") == BUNDLED_LIKE_V1
    assert backup_of(path).read_text(encoding="utf-8") == "an older backup"

    code, _, err = migrated(path, capsys, "--force")
    assert code == 0, err
    assert backup_of(path).read_text(encoding="utf-8") == BUNDLED_LIKE_V1
    assert 'version: "2"' in path.read_text(encoding="utf-8")
    assert leftovers(tmp_path) == []


def test_a_file_changed_during_migration_is_refused(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, BUNDLED_LIKE_V1)
    edited = BUNDLED_LIKE_V1 + "# someone's edit\n"
    real_load = migrate.load_knowledge_base

    def load_and_edit(file, **kwargs):
        if file != path:  # the migrated text, being checked: the original changes meanwhile
            path.write_text(edited, encoding="utf-8")
        return real_load(file, **kwargs)

    monkeypatch.setattr(migrate, "load_knowledge_base", load_and_edit)
    code, _, err = migrated(path, capsys)
    assert code == 1
    assert "changed on disk while it was being migrated" in err
    assert path.read_text(encoding="utf-8") == edited
    assert not backup_of(path).exists() and leftovers(tmp_path) == []


def test_a_migrated_text_that_fails_the_checks_is_not_written(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, BUNDLED_LIKE_V1)
    real_plan = migrate.plan_migration

    def broken_plan(text):
        plan = real_plan(text)
        plan.text = plan.text.replace("kind: tie", "kind: tie-ish", 1)
        return plan

    monkeypatch.setattr(migrate, "plan_migration", broken_plan)
    code, _, err = migrated(path, capsys)
    assert code == 1
    assert f"{path} (migrated):" in err and "does not check clean" in err
    assert path.read_text(encoding="utf-8") == BUNDLED_LIKE_V1
    assert not backup_of(path).exists() and leftovers(tmp_path) == []


def test_a_migrated_text_that_means_something_else_is_not_written(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, BUNDLED_LIKE_V1)
    real_plan = migrate.plan_migration

    def wrong_plan(text):
        plan = real_plan(text)
        plan.text = plan.text.replace("polarity: 2", "polarity: 1", 1)
        return plan

    monkeypatch.setattr(migrate, "plan_migration", wrong_plan)
    code, _, err = migrated(path, capsys)
    assert code == 1
    assert "would not mean the same (relations: 'italy-backs-gna'" in err
    assert path.read_text(encoding="utf-8") == BUNDLED_LIKE_V1
    assert not backup_of(path).exists() and leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_symbolic_link_is_refused(tmp_path, capsys):
    target = write(tmp_path, BUNDLED_LIKE_V1)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    code, _, err = migrated(link, capsys)
    assert code == 1 and "symbolic link" in err
    assert target.read_text(encoding="utf-8") == BUNDLED_LIKE_V1


# --- the command line ------------------------------------------------------------------


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for command in ("stakeholders check", "stakeholders export", "stakeholders migrate"):
        assert command in out


def test_migrate_needs_a_file(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["migrate"])
    assert exit_.value.code == 2
    assert "stakeholders migrate FILE" in capsys.readouterr().err


# --- ids and scalars ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Peace force", "peace-force"),
        ("  Stemming -- migration! ", "stemming-migration"),
        ("Élections libres", "elections-libres"),
        ("الهجرة", "issue"),
        ("x" * 30 + " " + "y" * 30, "x" * 30),
    ],
)
def test_slugify(text, slug):
    assert migrate.slugify(text) == slug


def test_issue_ids_keep_valid_ids_and_are_unique():
    ids = migrate.issue_ids(["Peace force", "peace-force", "Peace  force", "migration", "!"])
    assert ids == {
        "Peace force": "peace-force-2",
        "peace-force": "peace-force",
        "Peace  force": "peace-force-3",
        "migration": "migration",
        "!": "issue",
    }
    assert list(ids) == ["Peace force", "peace-force", "Peace  force", "migration", "!"]


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_yaml_scalar_reads_back_as_the_text(text):
    scalar = migrate.yaml_scalar(text)
    for document in (f"label: {scalar}\n", f"{{label: {scalar}, id: x}}\n"):
        node = yaml.compose(document, Loader=yaml.SafeLoader)
        assert node.value[0][1].value == text
