"""Undo and redo of the session's changes (tui.changes), and where a selection of a
sanitized source text lands in the raw text."""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path

import pytest

from tui.changes import Change, FileChanges
from tui.edit import ChangeRefused, append_item
from tui.files import current_stamp
from tui.loader import bundled_knowledge_base_path
from tui.widgets.source_text import sanitized_with_span, shown_positions

BUNDLED = Path(bundled_knowledge_base_path())
STANCE = {"id": "s-2", "actor": "italy", "issue": "migration", "position": "p",
          "evidence": [{"source": "news24-haftar-rome", "quote": "stem the flow"}]}


def add_stance() -> Change:
    return Change("stance s-2", lambda text: append_item(text, "stances", STANCE))


def test_undo_and_redo_write_the_texts_before_and_after(copy):
    before = copy.read_text(encoding="utf-8")
    changes = FileChanges(copy, current_stamp(copy))
    kb, _ = changes.make(add_stance())
    after = copy.read_text(encoding="utf-8")
    assert "s-2" in kb.stance_by_id and after != before
    kb, done = changes.undo()
    assert copy.read_text(encoding="utf-8") == before and "s-2" not in kb.stance_by_id
    assert done.description == "stance s-2"
    kb, _ = changes.redo()
    assert copy.read_text(encoding="utf-8") == after and "s-2" in kb.stance_by_id
    with pytest.raises(ChangeRefused, match="Nothing to redo"):
        changes.redo()


def test_an_undo_never_overwrites_an_edit_made_elsewhere(copy):
    changes = FileChanges(copy, current_stamp(copy))
    changes.make(add_stance())
    copy.write_text(copy.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    edited = copy.read_bytes()
    with pytest.raises(ChangeRefused, match="changed on disk"):
        changes.undo()
    changes.reloaded(current_stamp(copy))  # the app read it again
    with pytest.raises(ChangeRefused) as refused:
        changes.undo()
    assert "edited since" in refused.value.report()
    assert copy.read_bytes() == edited


def test_a_file_that_changed_while_it_loaded_takes_no_change(copy):
    changes = FileChanges(copy, None)
    with pytest.raises(ChangeRefused, match="changed while it was being loaded"):
        changes.make(add_stance())


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("plain words here", "words"),
        ("line one\r\nline two words", "words"),
        ("a \x1b[2J trap\x07 then words", "words"),
        ("tab\there and words", "words"),
    ],
)
def test_a_selection_of_the_shown_text_is_the_same_words_in_the_raw_text(raw, words):
    shown, _start, _end = sanitized_with_span(raw, 0, 1)
    positions = shown_positions(raw)
    assert len(positions) == len(raw) + 1 and positions[-1] == len(shown)
    shown_start = shown.index(words)
    start = bisect_left(positions, shown_start)
    end = bisect_left(positions, shown_start + len(words))
    assert raw[start:end] == words


def test_a_change_after_a_change_starts_from_the_file_as_written_not_read_again(
    copy, monkeypatch
):
    """No reading and decoding of the whole file per change while its stamp is the one the
    last change left; what is written is the same."""
    from tui import edit

    reads = []
    read = edit.FileState.read
    monkeypatch.setattr(
        edit.FileState, "read", classmethod(lambda cls, *a: reads.append(a) or read(*a))
    )
    changes = FileChanges(copy, current_stamp(copy))
    changes.make(add_stance())
    after_first = copy.read_text(encoding="utf-8")
    changes.undo()
    changes.redo()
    assert len(reads) == 1  # the first change only
    assert copy.read_text(encoding="utf-8") == after_first


def test_an_edit_the_stamp_misses_is_still_caught_by_the_bytes_before_the_rename(
    copy, monkeypatch
):
    """On a file system whose times are coarse, an edit of the same size within the same
    tick leaves the stamp as it was: the bytes, compared just before the rename, refuse."""
    from tui import changes as changes_module
    from tui import edit

    changes = FileChanges(copy, current_stamp(copy))
    changes.make(add_stance())
    written = current_stamp(copy)
    monkeypatch.setattr(changes_module, "stamp_or_none", lambda path: written)
    monkeypatch.setattr(edit, "stamp_or_none", lambda path: written)
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("stem the flow", "STEM THE FLOW", 1), encoding="utf-8")
    edited = copy.read_bytes()
    assert len(edited) == len(text.encode("utf-8"))
    with pytest.raises(ChangeRefused, match="changed on disk"):
        changes.undo()
    assert copy.read_bytes() == edited


def test_the_state_a_change_leaves_holds_the_text_its_bytes_decode_to(tmp_path):
    from tui.edit import FileState

    path = tmp_path / "kb.yaml"
    for data in (b"actors: []\n", "\ufeffactors: [] # \u00e9\n".encode()):
        path.write_bytes(data)
        text = FileState.read(path).text
        assert FileState.written(path, data, text).text == FileState.read(path).text
        assert FileState.written(path, data, text).stamp == current_stamp(path)
