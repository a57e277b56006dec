"""`stakeholders diff` (issue 19, point 3): two versions of a knowledge base compared by id."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tui import cache
from tui.cli import main
from tui.diff import (
    ADDED,
    CHANGED,
    REMOVED,
    FieldChange,
    QuoteChange,
    compare,
    compare_files,
    item_change,
    markdown_lines,
    marks,
    text_lines,
)
from tui.loader import load_knowledge_base

SOURCE = "news24-haftar-rome"


# --- helpers -----------------------------------------------------------------------------


def rewrite(path: Path, change) -> None:
    """Load ``path`` as plain YAML, let ``change`` edit the data, and write it back in
    another layout (four-space indents, no comments, long lines unfolded)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(
        yaml.dump(data, Dumper=_WrittenOut, indent=4, width=10_000, sort_keys=False,
                  allow_unicode=True),
        encoding="utf-8",
    )


class _WrittenOut(yaml.SafeDumper):
    """Every value written out (the loader refuses anchors and aliases)."""

    def ignore_aliases(self, data) -> bool:
        return True


def item(data: dict, section: str, item_id: str) -> dict:
    return next(entry for entry in data[section] if entry["id"] == item_id)


def twin(copy: Path, tmp_path: Path) -> Path:
    """A second copy of the knowledge base ``copy`` is a copy of: the version to change."""
    other = tmp_path / "other"
    shutil.copytree(copy.parent, other)
    return other / copy.name


def set_polarity(path: Path, relation_id: str, old: int, new: int) -> None:
    """Change one polarity in the text itself (the rest of the file byte for byte)."""
    text = path.read_text(encoding="utf-8")
    at = text.index(f"  - id: {relation_id}\n")
    field = text.index(f"    polarity: {old}\n", at)
    assert text.find("  - id: ", at + 1) > field, "the polarity is not in that relation"
    path.write_text(
        text[:field] + f"    polarity: {new}\n" + text[field + len(f"    polarity: {old}\n") :],
        encoding="utf-8",
    )


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
         "-c", "commit.gpgsign=false", *args],
        cwd=folder, check=True, capture_output=True,
    )


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


# --- what is and is not a change -------------------------------------------------------


def test_a_reordered_and_reindented_copy_is_no_change(copy, tmp_path, capsys):
    other = twin(copy, tmp_path)

    def shuffle(data):
        for section in ("sources", "issues", "actors", "relations", "attributes", "stances"):
            data[section].reverse()
        data["relations"].insert(0, data["relations"].pop(7))

    rewrite(other, shuffle)
    assert other.read_text(encoding="utf-8") != copy.read_text(encoding="utf-8")
    assert "\n-   id: " in other.read_text(encoding="utf-8")  # re-indented
    diff = compare(load_knowledge_base(copy), load_knowledge_base(other))
    assert diff.empty and diff.changes == ()
    assert run(["diff", str(copy), str(other)], capsys) == (0, "no changes\n", "")
    # Both from the cache now (the entries' bytes compared): still nothing.
    assert run(["diff", str(copy), str(other), "--exit-code"], capsys) == (0, "no changes\n", "")


def test_one_polarity_is_exactly_one_change_with_old_and_new_values(copy, tmp_path, capsys):
    other = twin(copy, tmp_path)
    set_polarity(other, "us-strikes-isis", -2, -1)
    diff = compare(load_knowledge_base(copy), load_knowledge_base(other))
    assert len(diff.changes) == 1
    (change,) = diff.changes
    assert (change.section, change.id, change.change) == ("relations", "us-strikes-isis", CHANGED)
    assert change.fields == (FieldChange("polarity", -2, -1),)
    assert change.quotes == () and change.text is None
    status, out, err = run(["diff", str(copy), str(other)], capsys)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "relation us-strikes-isis: polarity -2 → -1"
    assert lines[1].startswith("1 changed (")
    assert len(lines) == 2


def test_exit_code_only_when_asked(copy, tmp_path, capsys):
    other = twin(copy, tmp_path)
    set_polarity(other, "us-strikes-isis", -2, -1)
    assert run(["diff", str(copy), str(other)], capsys)[0] == 0
    assert run(["diff", "--exit-code", str(copy), str(other)], capsys)[0] == 1
    assert run(["diff", "--exit-code", str(copy), str(copy)], capsys)[0] == 0


def test_items_added_and_removed(copy, tmp_path, capsys):
    other = twin(copy, tmp_path)

    def change(data):
        relations = data["relations"]
        relations.remove(item(data, "relations", "us-strikes-isis"))
        added = dict(item(data, "relations", "haftar-meets-pinotti"), id="haftar-meets-pinotti-2")
        relations.append(added)
        data["issues"].append({"id": "oil", "label": "Oil revenue"})

    rewrite(other, change)
    diff = compare(load_knowledge_base(copy), load_knowledge_base(other))
    found = {(change.change, change.section, change.id) for change in diff.changes}
    assert found == {
        (ADDED, "issues", "oil"),
        (REMOVED, "relations", "us-strikes-isis"),
        (ADDED, "relations", "haftar-meets-pinotti-2"),
    }
    assert diff.summary() == "2 added, 1 removed"
    lines = run(["diff", str(copy), str(other)], capsys)[1].splitlines()
    assert "+ issue oil: Oil revenue" in lines
    assert "- relation us-strikes-isis: united-states strikes isis" in lines
    assert "+ relation haftar-meets-pinotti-2: khalifa-haftar meets roberta-pinotti" in lines
    # Removed before added within a section, each in its file's order.
    assert lines.index("- relation us-strikes-isis: united-states strikes isis") < lines.index(
        "+ relation haftar-meets-pinotti-2: khalifa-haftar meets roberta-pinotti"
    )


def test_quotes_added_and_removed_by_source_and_text(copy, tmp_path, capsys):
    other = twin(copy, tmp_path)
    kept = "Libyan military strongman Khalifa Haftar met Italy's defence minister and security " \
        "chiefs in Rome on Tuesday"
    dropped = "But that did not prevent Defence Minister Roberta Pinotti from hosting the commander"
    new_quote = "killed 17 people"

    def change(data):
        relation = item(data, "relations", "haftar-meets-pinotti")
        relation["evidence"] = [{"source": SOURCE, "quote": kept},
                                {"source": SOURCE, "quote": new_quote}]

    rewrite(other, change)
    diff = compare(load_knowledge_base(copy), load_knowledge_base(other))
    (change,) = diff.changes
    assert change.id == "haftar-meets-pinotti" and change.fields == ()
    assert change.quotes == (
        QuoteChange(REMOVED, "evidence", SOURCE, dropped),
        QuoteChange(ADDED, "evidence", SOURCE, new_quote),
    )
    out = run(["diff", str(copy), str(other)], capsys)[1]
    assert (f'relation haftar-meets-pinotti: quote removed, {SOURCE}: "{dropped}"'
            in out.splitlines())
    assert (f'relation haftar-meets-pinotti: quote added, {SOURCE}: "{new_quote}"'
            in out.splitlines())


def test_quotes_reordered_or_moved_in_their_source_are_no_change(copy, tmp_path):
    other = twin(copy, tmp_path)
    rewrite(other, lambda data: item(data, "relations", "haftar-meets-pinotti")["evidence"]
            .reverse())
    assert compare(load_knowledge_base(copy), load_knowledge_base(other)).empty


def test_a_changed_source_text_is_reported_by_its_hash(copy, tmp_path, capsys):
    other = twin(copy, tmp_path)
    text_path = other.parent / "sources" / f"{SOURCE}.txt"
    old_text = text_path.read_text(encoding="utf-8")
    # Made-up test text, added at the start: every quote's place in the text moves.
    new_text = "EDITOR'S NOTE: a made-up line added for a test.\n\n" + old_text
    text_path.write_text(new_text, encoding="utf-8")
    pin = hashlib.sha256(new_text.encode()).hexdigest()
    rewrite(other, lambda data: data["sources"][0].update(sha256=pin))
    diff = compare(load_knowledge_base(copy), load_knowledge_base(other))
    (change,) = diff.changes  # the quotes moved in their source: no change of theirs
    assert (change.section, change.id) == ("sources", SOURCE)
    old_pin = hashlib.sha256(old_text.encode()).hexdigest()
    assert change.fields == (FieldChange("sha256", old_pin, pin),)
    assert change.text is not None
    assert (change.text.old_sha256, change.text.new_sha256) == (old_pin, pin)
    assert (change.text.old_length, change.text.new_length) == (len(old_text), len(new_text))
    out = run(["diff", str(copy), str(other)], capsys)[1]
    assert (f"source {SOURCE}: text changed, sha256 {old_pin[:12]}… → {pin[:12]}…, "
            f"{len(old_text):,} → {len(new_text):,} characters") in out.splitlines()


def test_nested_records_are_compared_field_by_field(copy, tmp_path):
    other = twin(copy, tmp_path)
    rewrite(other, lambda data: item(data, "relations", "us-strikes-isis")["location"].update(
        place="Sirte"))
    (change,) = compare(load_knowledge_base(copy), load_knowledge_base(other)).changes
    assert change.fields == (
        FieldChange("location.place", "south of the city of Sirte", "Sirte"),
    )


def test_fields_are_compared_generically():
    """A field the model gains is compared with no change to the diff."""

    @dataclass(frozen=True)
    class Claim:
        id: str
        summary: str
        supersedes: str | None = None
        contradicts: tuple[str, ...] = ()

    old = Claim("c1", "A meets B")
    new = dataclasses.replace(old, supersedes="c0", contradicts=("c2", "c3"))
    change = item_change("relations", old, new)
    assert change is not None
    assert change.fields == (
        FieldChange("supersedes", None, "c0"),
        FieldChange("contradicts", [], ["c2", "c3"]),
    )


# --- output ----------------------------------------------------------------------------


def changed_copy(copy: Path, tmp_path: Path) -> Path:
    """A version with one of each kind of change."""
    other = twin(copy, tmp_path)

    def change(data):
        item(data, "relations", "us-strikes-isis")["polarity"] = -1
        data["relations"].remove(item(data, "relations", "haftar-meets-pinotti"))
        data["issues"].append({"id": "oil", "label": "Oil revenue"})
        stance = data["stances"][0]
        stance["evidence"] = [*stance["evidence"], {"source": SOURCE, "quote": "killed 17 people"}]

    rewrite(other, change)
    return other


def test_json_parses_and_says_what_the_text_says(copy, tmp_path, capsys):
    other = changed_copy(copy, tmp_path)
    status, out, _ = run(["diff", "--json", str(copy), str(other)], capsys)
    assert status == 0
    data = json.loads(out)
    assert data["old"] == str(copy) and data["new"] == str(other)
    assert data["counts"] == {"added": 1, "removed": 1, "changed": 2}
    text = run(["diff", str(copy), str(other)], capsys)[1].splitlines()
    from_json = []
    for change in data["changes"]:
        head = f"{change['kind']} {change['id']}"
        if change["change"] == "added":
            from_json.append(f"+ {head}: {change['label']}")
            assert change["item"]["id"] == change["id"]
        elif change["change"] == "removed":
            from_json.append(f"- {head}: {change['label']}")
        else:
            from_json += [f"{head}: {field['field']} {field['old']} → {field['new']}"
                          for field in change["fields"]]
            from_json += [f"{head}: quote {quote['change']}, {quote['source']}: "
                          f"{json.dumps(quote['quote'])}" for quote in change["quotes"]]
    assert from_json == text[:-1]
    removed = next(change for change in data["changes"] if change["change"] == "removed")
    assert removed["item"]["evidence"][0] == {
        "source": SOURCE,
        "quote": "Libyan military strongman Khalifa Haftar met Italy's defence minister and "
        "security chiefs in Rome on Tuesday",
    }


def test_markdown_is_a_briefing_with_headings(copy, tmp_path, capsys):
    other = changed_copy(copy, tmp_path)
    status, out, _ = run(["diff", "--markdown", str(copy), str(other)], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "# What changed"
    for heading in ("## Added", "## Removed", "## Changed",
                    "### Relation `us-strikes-isis`: united-states strikes isis"):
        assert heading in lines
    assert "- polarity: -2 → -1" in lines
    assert "  - `oil`: Oil revenue" in lines
    assert any(line.startswith("- Quote added, from news24-haftar-rome: “killed 17 people”")
               for line in lines)


def test_markdown_and_text_of_no_change(copy):
    kb = load_knowledge_base(copy)
    diff = compare(kb, kb, "a.yaml", "b.yaml")
    assert text_lines(diff) == ["no changes"]
    assert markdown_lines(diff) == ["# What changed", "", "From `a.yaml` to `b.yaml`: no changes."]


def test_text_is_safe_for_a_terminal(copy, tmp_path, capsys):
    other = twin(copy, tmp_path)
    rewrite(other, lambda data: data["issues"].append(
        {"id": "oil", "label": "Oil \x1b[31mrevenue\u202e"}))
    out = run(["diff", str(copy), str(other)], capsys)[1]
    assert "\x1b" not in out and "\u202e" not in out
    data = json.loads(run(["diff", "--json", str(copy), str(other)], capsys)[1])
    assert data["changes"][0]["label"] == "Oil \x1b[31mrevenue\u202e"
    raw = run(["diff", "--json", str(copy), str(other)], capsys)[1]
    assert "\x1b" not in raw and "\u202e" not in raw


# --- the cache --------------------------------------------------------------------------


def test_from_the_cache_the_same_answer_as_from_the_files(copy, tmp_path):
    other = changed_copy(copy, tmp_path)
    text_path = other.parent / "sources" / f"{SOURCE}.txt"
    text_path.write_text("A made-up first line.\n" + text_path.read_text(encoding="utf-8"),
                         encoding="utf-8")
    rewrite(other, lambda data: (data["sources"][0].pop("sha256"),
                                 data["relations"].reverse()))
    expected = compare(load_knowledge_base(copy), load_knowledge_base(other), str(copy),
                       str(other))
    assert cache.read_payload(copy) is None  # nothing cached yet: both loaded from the files
    assert compare_files(copy, other) == expected
    assert cache.read_payload(copy) is not None and cache.read_payload(other) is not None
    assert compare_files(copy, other) == expected  # the entries' bytes compared
    assert len(expected.changes) == 5


# --- broken input ------------------------------------------------------------------------


def test_a_broken_file_is_reported_with_its_places(copy, tmp_path, capsys):
    other = twin(copy, tmp_path)
    set_polarity(other, "us-strikes-isis", -2, -7)
    status, out, err = run(["diff", str(copy), str(other)], capsys)
    assert status == 1 and out == ""
    line = other.read_text(encoding="utf-8").splitlines().index("    polarity: -7") + 1
    assert f"{other}:{line}:15: [us-strikes-isis] `polarity` must be from -2 to 2" in err
    assert err.rstrip().endswith("1 problem found.")
    assert "Traceback" not in err


def test_two_files_are_needed_without_git(copy, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["diff", str(copy)])
    assert exited.value.code == 2
    assert "which two files?" in capsys.readouterr().err


# --- against a git revision --------------------------------------------------------------


@pytest.fixture
def repository(copy) -> Path:
    """The copy of the bundled knowledge base, committed in a new git repository (in a
    subfolder, as the bundled one is in data/)."""
    root = copy.parent.parent
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    return copy


@needs_git
def test_git_against_head(repository, capsys):
    path = repository
    assert run(["diff", "--git", "HEAD", str(path)], capsys) == (0, "no changes\n", "")
    set_polarity(path, "us-strikes-isis", -2, -1)
    status, out, err = run(["diff", "--git", "HEAD", str(path)], capsys)
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "relation us-strikes-isis: polarity -2 → -1",
        f"1 changed (HEAD:kb/{path.name} → {path})",
    ]
    git(path.parent, "commit", "-q", "-am", "second")
    assert run(["diff", "--git", "HEAD", str(path)], capsys)[1] == "no changes\n"
    assert run(["diff", "--git", "HEAD~1", str(path)], capsys)[1].startswith(
        "relation us-strikes-isis: polarity -2 → -1\n"
    )


@needs_git
def test_git_reads_the_source_texts_at_the_revision(repository, capsys, monkeypatch):
    path = repository
    text_path = path.parent / "sources" / f"{SOURCE}.txt"
    old_text = text_path.read_text(encoding="utf-8")
    text_path.write_text(old_text + "A made-up last line.\n", encoding="utf-8")
    rewrite(path, lambda data: data["sources"][0].pop("sha256"))
    monkeypatch.chdir(path.parent)  # a relative FILE: found in its own repository
    data = json.loads(run(["diff", "--git", "HEAD", "--json", path.name], capsys)[1])
    (change,) = data["changes"]
    assert change["id"] == SOURCE
    assert change["text"]["old_sha256"] == hashlib.sha256(old_text.encode()).hexdigest()
    assert change["text"]["new_length"] == len(old_text) + len("A made-up last line.\n")
    assert data["old"] == f"HEAD:kb/{path.name}"


@needs_git
def test_git_missing_revision_or_repository_is_one_line(repository, tmp_path, capsys):
    status, out, err = run(["diff", "--git", "no-such-branch", str(repository)], capsys)
    assert (status, out) == (1, "")
    assert err == (f"stakeholders diff: no revision 'no-such-branch' in the repository of "
                   f"{repository}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copytree(repository.parent, elsewhere, dirs_exist_ok=True)
    env_ceiling = os.environ.get("GIT_CEILING_DIRECTORIES")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path)  # never the repository above
    try:
        status, out, err = run(["diff", "--git", "HEAD", str(elsewhere / repository.name)],
                               capsys)
    finally:
        if env_ceiling is None:
            os.environ.pop("GIT_CEILING_DIRECTORIES")
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_ceiling
    assert (status, out) == (1, "")
    assert err == f"stakeholders diff: {elsewhere / repository.name} is not in a git repository\n"
    assert run(["diff", "--git=-p", str(repository)], capsys)[2] == \
        "stakeholders diff: not a revision: '-p'\n"


@needs_git
def test_git_file_not_in_the_revision(repository, capsys):
    new = repository.with_name("new.yaml")
    shutil.copy(repository, new)
    status, _, err = run(["diff", "--git", "HEAD", str(new)], capsys)
    assert status == 1
    assert err == f"stakeholders diff: {new} is not in revision 'HEAD'\n"


@needs_git
def test_git_broken_revision_is_reported_at_rev_path(repository, capsys):
    path = repository
    good = path.read_text(encoding="utf-8")
    set_polarity(path, "us-strikes-isis", -2, -7)
    git(path.parent, "commit", "-q", "-am", "broken")
    path.write_text(good, encoding="utf-8")
    status, out, err = run(["diff", "--git", "HEAD", str(path)], capsys)
    assert (status, out) == (1, "")
    line = good.splitlines().index("    type: strikes") + 2
    assert err.startswith(f"HEAD:kb/{path.name}:{line}:15: [us-strikes-isis] `polarity` must "
                          "be from -2 to 2")
    assert "stakeholders-rev-" not in err and "Traceback" not in err


@needs_git
def test_git_as_a_command(repository):
    """The whole command, as a user runs it: status and output."""
    set_polarity(repository, "us-strikes-isis", -2, -1)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "diff", "--git", "HEAD", "--exit-code", str(repository)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "relation us-strikes-isis: polarity -2 → -1"


def test_source_paths_are_read_from_the_sources_section_only():
    from tui.revisions import source_paths

    text = (b'version: "2"\nactors: [{id: a, path: not-a-source.txt}]\nsources:\n'
            b"  - {[k]: v, path: a.txt, {x: 1}: [2], id: s}\n  - [1]\n"
            b"  - id: b\n    notes: {path: nested.txt}\n    path: y/z.txt\n")
    assert source_paths(text) == ["a.txt", "y/z.txt"]
    assert source_paths(b"- a list") == []
    assert source_paths(b"sources: [unclosed") == []
    assert source_paths(b"") == []


def test_an_actors_mark_says_how_many_of_its_claims_were_added_removed_or_changed(copy):
    old = load_knowledge_base(copy)
    removed, changed, kept = old.relations_of("italy")[:3]
    added = dataclasses.replace(kept, id="italy-added-claim")
    relations = [dataclasses.replace(r, summary=f"{r.summary} (edited)") if r is changed else r
                 for r in old.relations if r is not removed]
    new = dataclasses.replace(old, relations=(*relations, added))
    found = marks(compare(old, new), new)
    assert found.actors["italy"] == "~"
    assert found.claims_note("italy") == "1 claim of it added, 1 removed, 1 changed"
    assert found.claims[("relation", "italy-added-claim")] == "+"
    assert found.claims[("relation", changed.id)] == "~"
    assert found.claims_note("moammar-gaddafi") == ""  # none of its claims changed
