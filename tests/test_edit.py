"""The one write path (tui.edit): a change is a splice that keeps every other character,
checked by the loader's own rules before anything is written, refused when the file
changed on disk, and atomic whatever fails."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from text_changes import added_lines
from text_changes import changes as diff_lines

from tui import edit
from tui.edit import (
    ChangeRefused,
    FileState,
    append_entry,
    append_item,
    item_lines,
    references_to,
    remove_item,
    rename_references,
    save,
    update_item,
)
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.splice import Refused

BUNDLED = Path(bundled_knowledge_base_path())
MEETING = {
    "id": "haftar-meets-pinotti-2",
    "kind": "event",
    "source": "khalifa-haftar",
    "target": "roberta-pinotti",
    "type": "meets",
    "polarity": 1,
    "date": "2017-09-26",
    "date_phrase": "on Tuesday",
    "summary": "Haftar met Pinotti: in Rome.",
    "evidence": [
        {
            "source": "news24-haftar-rome",
            "quote": "met Italy's defence minister and security chiefs in Rome on Tuesday",
        }
    ],
}


def test_an_item_is_emitted_as_block_yaml_that_reads_back_the_same():
    import yaml

    lines = item_lines(MEETING | {"participants": ["a", "b"], "location": {"place": "Rome"}},
                       "  - ")
    assert lines[0] == "  - id: haftar-meets-pinotti-2"
    assert '    summary: "Haftar met Pinotti: in Rome."' in lines
    assert "    participants: [a, b]" in lines
    assert "      - source: news24-haftar-rome" in lines
    read = yaml.safe_load("\n".join(lines))[0]
    assert read["summary"] == MEETING["summary"]
    assert read["evidence"] == MEETING["evidence"]
    assert read["date"] == "2017-09-26"  # quoted: a date stays a string
    assert read["participants"] == ["a", "b"] and read["location"] == {"place": "Rome"}


def test_a_capture_adds_only_its_lines_and_checks_clean(copy):
    state = FileState.read(copy)
    new_state, kb = save(state, append_item(state.text, "relations", MEETING))
    after = copy.read_text(encoding="utf-8")
    lines = added_lines(state.text, after)
    assert lines[0] == "  - id: haftar-meets-pinotti-2" and len(lines) == 12
    # Right after the last relation, before the blank line and the next section.
    assert after.index("  - id: haftar-meets-pinotti-2") < after.index("\nattributes:")
    relation = kb.relation_by_id["haftar-meets-pinotti-2"]
    source = kb.source_by_id["news24-haftar-rome"]
    assert source.text[relation.evidence[0].start : relation.evidence[0].end] == (
        MEETING["evidence"][0]["quote"]
    )
    assert kb.path == str(copy) and new_state.data == copy.read_bytes()
    assert load_knowledge_base(copy).relation_by_id["haftar-meets-pinotti-2"] == relation


def test_removing_the_item_gives_the_text_back_byte_for_byte(copy):
    state = FileState.read(copy)
    added = append_item(state.text, "relations", MEETING)
    assert remove_item(added, "relations", "haftar-meets-pinotti-2") == state.text
    stance = {"id": "s-2", "actor": "italy", "issue": "migration", "position": "p",
              "evidence": [{"source": "news24-haftar-rome", "quote": "stem the flow"}]}
    at_the_end = append_item(state.text, "stances", stance)  # the file's last section
    assert remove_item(at_the_end, "stances", "s-2") == state.text
    with pytest.raises(Refused):
        remove_item(state.text, "relations", "no-such-id")


def test_a_section_the_file_lacks_is_added_at_its_end(tmp_path):
    path = tmp_path / "kb.yaml"
    (tmp_path / "a.txt").write_text("Alpha met Beta in Rome.\n", encoding="utf-8")
    path.write_text(
        textwrap.dedent(
            """\
            # my notes
            version: "2"
            sources:
              - {id: a, title: A, publisher: P, published: "2020-01-02", path: a.txt}
            actors:
              - {id: alpha, name: Alpha, kind: person}   # the first
              - {id: beta, name: Beta, kind: person}
            relations: []
            """
        ),
        encoding="utf-8",
    )
    state = FileState.read(path)
    relation = {"id": "r", "kind": "event", "source": "alpha", "target": "beta",
                "type": "meets", "polarity": 1, "summary": "They met.",
                "evidence": [{"source": "a", "quote": "Alpha met Beta"}]}
    state, kb = save(state, append_item(state.text, "relations", relation))
    assert "relations:\n  - id: r\n" in state.text
    assert "  - {id: alpha, name: Alpha, kind: person}   # the first" in state.text
    attribute = {"id": "t", "actor": "alpha", "type": "travels", "kind": "event",
                 "summary": "Alpha was in Rome.",
                 "evidence": [{"source": "a", "quote": "in Rome"}]}
    state, kb = save(state, append_item(state.text, "attributes", attribute))
    assert state.text.endswith("attributes:\n  - id: t\n    actor: alpha\n    type: travels\n"
                               "    kind: event\n    summary: Alpha was in Rome.\n"
                               "    evidence:\n      - source: a\n        quote: in Rome\n")
    assert kb.attribute_by_id["t"].evidence[0].quote == "in Rome"


def test_a_change_that_does_not_check_is_refused_with_checks_report(copy):
    state = FileState.read(copy)
    before = copy.read_bytes()
    for bad, said in (
        ({**MEETING, "evidence": [{"source": "news24-haftar-rome", "quote": "not in it"}]},
         "is not in source"),
        ({**MEETING, "id": "haftar-meets-pinotti"}, "haftar-meets-pinotti"),
        ({**MEETING, "target": "nobody"}, "nobody"),
    ):
        with pytest.raises(ChangeRefused) as refused:
            save(state, append_item(state.text, "relations", bad))
        report = refused.value.report()
        assert f"{copy}:" in report and said in report
        assert ".tmp" not in report  # problems name the file, not the temporary one
        assert copy.read_bytes() == before
    assert [p.name for p in copy.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_file_changed_on_disk_is_never_overwritten(copy):
    state = FileState.read(copy)
    copy.write_text(state.text + "# an edit in another editor\n", encoding="utf-8")
    outside = copy.read_bytes()
    with pytest.raises(ChangeRefused, match="changed on disk since it was loaded"):
        save(state, append_item(state.text, "relations", MEETING))
    assert copy.read_bytes() == outside


def test_a_failure_between_writing_and_renaming_leaves_the_old_file(copy, monkeypatch):
    state = FileState.read(copy)
    before = copy.read_bytes()

    def fail(temporary, target):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(edit, "replace", fail)
    with pytest.raises(ChangeRefused, match="cannot replace it: Input/output error"):
        save(state, append_item(state.text, "relations", MEETING))
    assert copy.read_bytes() == before
    assert not [p for p in copy.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_full_disk_leaves_the_old_file_and_says_so(copy, monkeypatch):
    state = FileState.read(copy)
    before = copy.read_bytes()
    def no_space(target, data, *, mode=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(edit, "write_beside", no_space)
    with pytest.raises(ChangeRefused, match="No space left on device; nothing was changed"):
        save(state, append_item(state.text, "relations", MEETING))
    assert copy.read_bytes() == before


def test_a_process_killed_in_the_middle_of_a_save_leaves_old_or_new(copy):
    """SIGKILL (no handler can run) at the moment between the temporary file and the
    rename: the target is whole, the old text."""
    state = FileState.read(copy)
    new_text = append_item(state.text, "relations", MEETING)
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from tui import edit
        def die(temporary, target):
            os.kill(os.getpid(), signal.SIGKILL)
        edit.replace = die
        state = edit.FileState.read(Path({str(copy)!r}))
        edit.save(state, Path({str(copy) + '.new'!r}).read_text(encoding="utf-8"))
        """
    )
    Path(str(copy) + ".new").write_text(new_text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[1],
                            capture_output=True, timeout=60)
    assert result.returncode == -signal.SIGKILL
    assert copy.read_bytes() == state.data
    load_knowledge_base(copy)  # whole, and it checks


# --- edits in place --------------------------------------------------------------------


def test_an_edit_changes_only_the_changed_lines(copy):
    state = FileState.read(copy)
    new = update_item(state.text, "relations", "haftar-meets-pinotti",
                      {"polarity": 2, "date": "2017-09-26", "modality": "intent",
                       "verification": None})
    changes = diff_lines(state.text, new)
    assert changes[0] == ("replace", ["    polarity: 1"], ["    polarity: 2"])
    assert ("delete", ["    verification: unconfirmed"], []) in changes
    assert ("insert", [], ["    modality: intent"]) in changes
    assert len(changes) == 3  # the date was already that, quoted: untouched
    _, kb = save(state, new)
    relation = kb.relation_by_id["haftar-meets-pinotti"]
    assert relation.polarity == 2 and relation.verification is None
    assert relation.modality.value == "intent"


def test_a_flow_list_is_changed_in_place_and_a_block_list_refused(copy):
    state = FileState.read(copy)
    aliases = {"aliases": ["Haftar", "the Field Marshal"]}
    new = update_item(state.text, "actors", "khalifa-haftar", aliases)
    assert diff_lines(state.text, new)[0][2] == ["    aliases: [Haftar, the Field Marshal]"]
    with pytest.raises(Refused, match="block list"):
        update_item(state.text, "relations", "haftar-meets-pinotti", {"evidence": ["x"]})


def test_renaming_an_id_rewrites_every_reference_and_nothing_else(copy):
    state = FileState.read(copy)
    new = rename_references(state.text, "roberta-pinotti", "pinotti")
    changes = diff_lines(state.text, new)
    assert all(tag == "replace" for tag, _old, _new in changes)
    assert [line for _tag, _old, lines in changes for line in lines] == [
        "  - id: pinotti",
        "    target: pinotti",
    ]
    _, kb = save(state, new)
    assert kb.relation_by_id["haftar-meets-pinotti"].target == "pinotti"
    assert "roberta-pinotti" not in kb.actor_by_id
    # A word in a summary or a quote that happens to equal an id is left alone.
    assert new.count("Pinotti") == state.text.count("Pinotti")


def test_references_to_an_actor_list_everything_that_names_it(copy):
    kb = load_knowledge_base(copy)
    named = references_to(kb, "italy")
    assert "relation italy-backs-gna" in named
    assert "actor roberta-pinotti (affiliation)" in named
    assert "actor roberta-pinotti (post)" in named
    assert "stance italy-peace-force" in named
    assert references_to(kb, "migrants") == ["attribute migrants-launch-from-libya"]


def test_a_quote_is_appended_to_a_claims_list_or_makes_it(copy):
    state = FileState.read(copy)
    entry = {"source": "news24-haftar-rome", "quote": "three hours inside"}
    new = append_entry(state.text, "relations", "haftar-meets-pinotti", "evidence", entry)
    assert diff_lines(state.text, new) == [
        ("insert", [], ["      - source: news24-haftar-rome", "        quote: three hours inside"])
    ]
    made = append_entry(state.text, "relations", "italy-backs-gna", "caveats", entry)
    inserted = diff_lines(state.text, made)[0][2]
    assert inserted == ["    caveats:", "      - source: news24-haftar-rome",
                        "        quote: three hours inside"]
    _, kb = save(state, made)
    assert kb.relation_by_id["italy-backs-gna"].caveats[0].quote == "three hours inside"
