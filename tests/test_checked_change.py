"""A change to one section's items is checked on its own (tui.edit.checked_change, over
tui.outline's scan): what it gives must be what loading the whole new file gives, its
problems the ones ``check`` reports, and any text it cannot be sure of is loaded whole."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui import edit, outline
from tui.changes import Change, FileChanges
from tui.edit import (
    ChangeRefused,
    FileState,
    append_entry,
    append_item,
    checked_change,
    remove_item,
    rename_references,
    save,
    update_item,
)
from tui.files import current_stamp
from tui.loader import LoadError, bundled_knowledge_base_path, load_knowledge_base
from tui.model import KnowledgeBase

BUNDLED = Path(bundled_knowledge_base_path())
QUOTE = {"source": "news24-haftar-rome",
         "quote": "met Italy's defence minister and security chiefs in Rome on Tuesday"}
MEETING = {"id": "haftar-meets-pinotti-2", "kind": "event", "source": "khalifa-haftar",
           "target": "roberta-pinotti", "type": "meets", "polarity": 1,
           "date": "2017-09-26", "date_phrase": "on Tuesday",
           "summary": "Haftar met Pinotti: in Rome.", "evidence": [QUOTE]}
ACTOR = {"id": "a-new-actor", "name": "A New Actor", "kind": "person", "aliases": ["Newcomer"],
         "affiliation": "gna"}
STANCE = {"id": "haftar-on-migration-2", "actor": "khalifa-haftar", "issue": "migration",
          "position": "supports", "evidence": [QUOTE]}


def indexes(kb: KnowledgeBase) -> dict:
    return {name: getattr(kb, name) for name, value in vars(KnowledgeBase).items()
            if isinstance(value, cached_property)}


def same_as_loaded(kb: KnowledgeBase, path: Path) -> None:
    loaded = load_knowledge_base(path)
    assert kb == loaded
    assert indexes(kb) == indexes(loaded)


CHANGES = {
    "a relation appended": lambda text: append_item(text, "relations", MEETING),
    "an actor appended": lambda text: append_item(text, "actors", ACTOR),
    "a stance appended": lambda text: append_item(text, "stances", STANCE),
    "a summary changed": lambda text: update_item(
        text, "relations", "haftar-meets-pinotti", {"summary": "Changed: in Rome."}),
    "a field removed": lambda text: update_item(
        text, "relations", "haftar-meets-pinotti", {"date_phrase": None}),
    "a relation removed": lambda text: remove_item(text, "relations", "haftar-meets-pinotti"),
    "an attribute removed": lambda text: remove_item(
        text, "attributes", "haftar-bolsters-stature"),
    "a quote added": lambda text: append_entry(
        text, "relations", "haftar-meets-pinotti", "evidence", QUOTE),
    "a caveat added": lambda text: append_entry(
        text, "attributes", "haftar-bolsters-stature", "caveats", QUOTE),
}


@pytest.mark.parametrize("name", CHANGES)
def test_a_change_checked_on_its_own_is_what_the_whole_file_loads_as(copy, name):
    kb = load_knowledge_base(copy)
    old = copy.read_text(encoding="utf-8")
    new = CHANGES[name](old)
    checked = checked_change(old, new, kb, shown=str(copy))
    assert checked is not None, "the change was not checked on its own"
    copy.write_text(new, encoding="utf-8")
    same_as_loaded(checked, copy)
    # And back: the undo is a change of the same shape.
    undone = checked_change(new, old, checked, shown=str(copy))
    assert undone is not None
    copy.write_text(old, encoding="utf-8")
    same_as_loaded(undone, copy)


@pytest.mark.parametrize("name", CHANGES)
def test_the_indexes_updated_in_place_are_those_of_a_full_load(copy, name):
    # The app's model has every index built: a save updates them rather than rebuild.
    kb = load_knowledge_base(copy).indexed()
    old = copy.read_text(encoding="utf-8")
    new = CHANGES[name](old)
    checked = checked_change(old, new, kb, shown=str(copy))
    assert checked is not None
    copy.write_text(new, encoding="utf-8")
    same_as_loaded(checked, copy)
    loaded = load_knowledge_base(copy)
    assert list(checked.relation_by_id) == list(loaded.relation_by_id)  # file order
    undone = checked_change(new, old, checked.indexed(), shown=str(copy))
    copy.write_text(old, encoding="utf-8")
    same_as_loaded(undone, copy)


def test_items_inserted_before_the_first_and_between_two_are_placed_in_file_order(copy):
    kb = load_knowledge_base(copy)
    old = copy.read_text(encoding="utf-8")
    first = old.index("  - id: haftar-meets-pinotti\n")
    block = "".join(line + "\n" for line in edit.item_lines(MEETING, "  - "))
    relations = outline.Outline(old).section("relations")
    for at in (relations.body_start, first):
        new = old[:at] + block + old[at:]
        checked = checked_change(old, new, kb, shown=str(copy))
        assert checked is not None
        copy.write_text(new, encoding="utf-8")
        same_as_loaded(checked, copy)
        copy.write_text(old, encoding="utf-8")


def test_a_bad_item_gets_the_problems_check_reports_at_the_files_lines(copy):
    kb = load_knowledge_base(copy)
    old = copy.read_text(encoding="utf-8")
    for bad in (
        {**MEETING, "evidence": [{"source": "news24-haftar-rome", "quote": "not in it"}]},
        {**MEETING, "id": "haftar-meets-pinotti"},  # a duplicate id
        {**MEETING, "target": "nobody"},
        {**MEETING, "type": "meeets"},
    ):
        new = append_item(old, "relations", bad)
        with pytest.raises(LoadError) as alone:
            checked_change(old, new, kb, shown=str(copy))
        copy.write_text(new, encoding="utf-8")
        with pytest.raises(LoadError) as whole:
            load_knowledge_base(copy)
        copy.write_text(old, encoding="utf-8")
        located = {(p.line, p.column) for p in alone.value.problems}
        assert located <= {(p.line, p.column) for p in whole.value.problems}
        assert [p.message for p in alone.value.problems][0].split(" (")[0] in whole.value.report()


def test_an_actor_others_name_removed_or_an_id_renamed_is_loaded_whole(copy):
    kb = load_knowledge_base(copy)
    old = copy.read_text(encoding="utf-8")
    gone = remove_item(old, "actors", "roberta-pinotti")  # relations name her
    assert checked_change(old, gone, kb, shown=str(copy)) is None
    renamed = rename_references(old, "roberta-pinotti", "pinotti")
    assert checked_change(old, renamed, kb, shown=str(copy)) is None


def test_a_change_to_a_source_or_outside_the_items_is_loaded_whole(copy):
    kb = load_knowledge_base(copy)
    old = copy.read_text(encoding="utf-8")
    source = update_item(old, "sources", "news24-haftar-rome", {"byline": "AFP"})
    assert checked_change(old, source, kb, shown=str(copy)) is None
    top = old.replace('version: "2"\n', 'version: "2"\n# a note\n', 1)
    assert checked_change(old, top, kb, shown=str(copy)) is None
    new_key = old.replace("\nrelations:\n", "\nnotes: x\nrelations:\n", 1)
    assert checked_change(old, new_key, kb, shown=str(copy)) is None


@pytest.mark.parametrize(
    "layout",
    [
        lambda text: text.replace("\n", "\r"),  # line breaks the scan does not count by
        lambda text: text.replace("\nrelations:\n", '\n"relations":\n', 1),  # a quoted key
        lambda text: text.replace("\nrelations:\n", "\nrelations: # the claims\n", 1) + "",
    ],
    ids=["CR line breaks", "a quoted key", "a comment on the key line"],
)
def test_text_not_laid_out_plainly_is_still_changed_right(tmp_path, layout):
    folder = tmp_path / "kb"
    import shutil

    shutil.copytree(BUNDLED.parent, folder)
    path = folder / BUNDLED.name
    path.write_bytes(layout(path.read_text(encoding="utf-8")).encode())
    kb = load_knowledge_base(path)
    changes = FileChanges(path, current_stamp(path), kb)
    changed, _ = changes.make(Change("capture", lambda t: append_item(t, "relations", MEETING)))
    same_as_loaded(changed, path)


def test_crlf_files_are_checked_on_their_own_and_keep_their_line_breaks(tmp_path):
    import shutil

    shutil.copytree(BUNDLED.parent, tmp_path / "kb")
    path = tmp_path / "kb" / BUNDLED.name
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    kb = load_knowledge_base(path)
    old = FileState.read(path).text
    new = append_item(old, "relations", MEETING)
    checked = checked_change(old, new, kb, shown=str(path))
    assert checked is not None
    path.write_bytes(new.encode())
    same_as_loaded(checked, path)
    assert b"\n" not in path.read_bytes().replace(b"\r\n", b"")


def test_a_capture_saved_with_the_model_does_not_load_the_whole_file(copy, monkeypatch):
    kb = load_knowledge_base(copy)

    def whole(*args, **kwargs):
        raise AssertionError("the whole file was loaded")

    monkeypatch.setattr(edit, "load_knowledge_base", whole)
    changes = FileChanges(copy, current_stamp(copy), kb)
    for change in CHANGES.values():  # each made, undone, redone and undone: in the end, none
        changes.make(Change("a change", change))
        changes.undo()
        changes.redo()
        changes.undo()
    changes.make(Change("a capture", CHANGES["a relation appended"]))
    monkeypatch.undo()
    same_as_loaded(changes.kb, copy)


def test_the_checked_path_is_as_safe_as_the_whole_one(copy, monkeypatch):
    kb = load_knowledge_base(copy)
    state = FileState.read(copy)
    copy.write_text(state.text + "# an edit in another editor\n", encoding="utf-8")
    outside = copy.read_bytes()
    with pytest.raises(ChangeRefused, match="changed on disk since it was loaded"):
        save(state, append_item(state.text, "relations", MEETING), kb=kb)
    assert copy.read_bytes() == outside

    state = FileState.read(copy)

    def fail(temporary, target):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(edit, "replace", fail)
    with pytest.raises(ChangeRefused, match="cannot replace it"):
        save(state, append_item(state.text, "relations", MEETING), kb=kb)
    assert copy.read_bytes() == outside
    assert not [p for p in copy.parent.iterdir() if p.name.endswith(".tmp")]


def test_an_item_is_found_by_its_id_line_only_when_there_is_exactly_one():
    text = (
        "version: '2'\nrelations:\n  - id: a\n    source: b\n  - target: a\n    id: 'b'\n"
        "  - id: c # a comment\n    note: id: c\nstances:\n  - id: a\n"
    )
    relations = outline.Outline(text).section("relations")
    assert relations.entry == "  -"
    assert outline.find_item(text, relations, "a") == (text.index("  - id: a"),
                                                        text.index("  - target"))
    assert outline.find_item(text, relations, "b") == (text.index("  - target"),
                                                        text.index("  - id: c"))
    assert outline.find_item(text, relations, "c") == (text.index("  - id: c"),
                                                        text.index("stances:"))
    assert outline.find_item(text, relations, "d") is None
    twice = text.replace("  - id: c", "  - id: a")
    assert outline.find_item(twice, outline.Outline(twice).section("relations"), "a") is None


def test_sections_are_none_when_unsure():
    assert outline.Outline("- a\n").keys is None
    assert outline.Outline("a: 1\n...\n").keys is None
    twice = "relations:\n  - id: a\nrelations:\n  - id: b\n"
    assert outline.Outline(twice).section("relations") is None
    assert outline.Outline("relations: [a, b]\n").section("relations") is None
    assert outline.Outline("relations:\n  id: a\n").section("relations") is None
    empty = outline.Outline("relations:\n# nothing yet\nstances:\n").section("relations")
    assert empty is not None and empty.entry is None


@given(st.text("ab\n", max_size=40), st.text("ab\n", max_size=40))
def test_common_affixes_are_the_longest_that_do_not_overlap(old, new):
    prefix, suffix = outline.common_affixes(old, new)
    assert old[:prefix] == new[:prefix]
    assert prefix + suffix <= min(len(old), len(new))
    assert old[len(old) - suffix :] == new[len(new) - suffix :]
    if prefix < min(len(old), len(new)):
        assert old[prefix] != new[prefix]
    room = min(len(old), len(new)) - prefix
    if suffix < room:
        assert old[len(old) - suffix - 1] != new[len(new) - suffix - 1]


def test_common_affixes_across_chunks():
    old = "x" * 200_000 + "a" + "y" * 100_000
    new = "x" * 200_000 + "bb" + "y" * 100_000
    assert outline.common_affixes(old, new) == (200_000, 100_000)


def test_replaced_keeps_or_rebuilds_every_index_right():
    kb = load_knowledge_base(BUNDLED).indexed()
    relations = tuple(r for r in kb.relations if r.id != "haftar-meets-pinotti")
    for section, items in (("relations", relations), ("relations", kb.relations[::-1]),
                           ("stances", kb.stances[1:]), ("actors", kb.actors[:-1])):
        changed = kb.replaced(section, items)
        fresh = KnowledgeBase(**{**{f: getattr(changed, f) for f in (
            "sources", "actors", "relations", "stances", "path")},
            "issues": changed.issues, "attributes": changed.attributes})
        assert indexes(changed) == indexes(fresh)


def test_the_actors_whose_relations_a_change_touched_are_found_in_file_order():
    kb = load_knowledge_base(BUNDLED).indexed()
    gone = kb.relation_by_id["haftar-meets-pinotti"]
    changed = kb.replaced("relations", tuple(r for r in kb.relations if r is not gone))
    touched = [a.id for a in kb.actors if a.id in set(gone.parties)]
    assert changed.actors_with_other_relations(kb) == touched
    assert kb.actors_with_other_relations(changed) == touched
    assert kb.actors_with_other_relations(kb) == []
    # Against a base loaded afresh every actor with relations differs (other tuples).
    fresh = load_knowledge_base(BUNDLED)
    assert fresh.actors_with_other_relations(kb) == [
        a.id for a in kb.actors if kb.relations_of(a.id)
    ]
