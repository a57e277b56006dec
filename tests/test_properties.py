"""Property tests: the loader fails only with its own error, the sanitiser leaves no control."""

from __future__ import annotations

import unicodedata

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.kb_files import HEADER, SOURCE_TEXT
from tui.loader import LoadError, load_knowledge_base
from tui.sanitize import display

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def load_bytes(tmp_path, data: bytes):
    (tmp_path / "s1.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    path = tmp_path / "kb.yaml"
    path.write_bytes(data)
    try:
        return load_knowledge_base(path)
    except LoadError as error:
        assert error.problems, "a LoadError always carries its problems"
        for problem in error.problems:
            assert problem.line >= 1 and problem.column >= 1
        return None


@SETTINGS
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_load_error(tmp_path, data):
    load_bytes(tmp_path, data)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
known_keys = st.sampled_from(
    ["sources", "actors", "relations", "stances", "id", "name", "kind", "evidence", "quote"]
)


@SETTINGS
@given(document=st.dictionaries(known_keys | st.text(max_size=6), yaml_values, max_size=5))
def test_arbitrary_yaml_raises_only_load_error(tmp_path, document):
    load_bytes(tmp_path, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@SETTINGS
@given(
    position=st.integers(min_value=0, max_value=len(HEADER)),
    junk=st.text(min_size=1, max_size=12),
)
def test_mutated_valid_file_raises_only_load_error(tmp_path, position, junk):
    load_bytes(tmp_path, (HEADER[:position] + junk + HEADER[position:]).encode("utf-8"))


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") and char != "\u200d"


@settings(max_examples=500, deadline=None)
@given(text=st.text())
def test_display_leaves_no_control_character(text):
    shown = display(text)
    assert not any(_unsafe(char) for char in shown)


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_display_keep_newlines_leaves_only_newlines(text):
    shown = display(text, keep_newlines=True)
    assert not any(_unsafe(char) and char != "\n" for char in shown)
    assert shown.count("\n") == text.count("\n")


# Printable, yet drawn as nothing: shown with a stand-in too (the Hangul fillers, the
# grapheme joiner, the Khmer inherent vowels, unassigned default-ignorable code points).
_INVISIBLE = "\u3164\uffa0\u115f\u1160\u034f\u17b4\u17b5" + "".join(
    chr(code)
    for low, high in ((0x2065, 0x2065), (0xFFF0, 0xFFF8), (0xE0000, 0xE00FF), (0xE01F0, 0xE0FFF))
    for code in range(low, high + 1)
)


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"), blacklist_characters=_INVISIBLE
        )
    )
)
def test_display_keeps_printable_text_unchanged(text):
    assert display(text) == text


def test_display_examples():
    assert display("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert display("\x1b]52;c;aGk=\x07") == "\\x1b]52;c;aGk=\\x07"
    assert display("x\ry\x00z\x7f\x9b") == "x\\x0dy\\x00z\\x7f\\x9b"
    assert display("abc\u202edef") == "abc⟨RLO⟩def"
    assert display("a\u200bb") == "a⟨ZWSP⟩b"
    assert display("[@click=app.quit]") == "[@click=app.quit]"  # markup is the UI's job
    assert display("👨\u200d👩\u200d👧 汉字") == "👨\u200d👩\u200d👧 汉字"
