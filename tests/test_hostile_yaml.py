"""The YAML half of the hostile-input battery: one file per case under tests/hostile/yaml.

Every case either loads, keeping what was written, or fails with the loader's own error,
each problem placed at path:line:col. Nothing is executed, expanded or guessed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.loader import LoadError, load_knowledge_base

HOSTILE = Path(__file__).parent / "hostile" / "yaml"

# file -> (line, column, words the first problem must contain)
REJECTED = {
    "python_tag.yaml": (13, 11, "tags are not allowed (!!python/object/apply:os.system)"),
    "python_tag_top.yaml": (1, 1, "tags are not allowed"),
    "alias_bomb.yaml": (1, 4, "anchor &a: anchors and aliases are not allowed"),
    "self_alias.yaml": (1, 10, "anchor &s: anchors and aliases are not allowed"),
    "deep_flow_nesting.yaml": (1, 1009, "exceeded maximum nesting depth"),
    "deep_block_nesting.yaml": (1000, 1999, "exceeded maximum nesting depth"),
    "duplicate_keys.yaml": (15, 5, "duplicate key 'name' (first at line 13)"),
    "scalar_keys.yaml": (1, 1, "unknown key '1'"),
    "tab_indent.yaml": (2, 1, "indent with spaces"),
    "latin1.yaml": (13, 16, "byte 0xe9 is not valid UTF-8"),
    "two_documents.yaml": (15, 1, "more than one YAML document"),
    "binary_tag.yaml": (13, 11, "tags are not allowed (!!binary)"),
    "set_tag.yaml": (13, 11, "tags are not allowed (!!set)"),
    "number_for_polarity_text.yaml": (20, 15, "`polarity` must be a whole number"),
    "string_for_list.yaml": (12, 14, "expected `aliases` (a list), found the text 'Haftar'"),
    "mapping_for_name.yaml": (13, 11, "`name` must be text, found a mapping"),
    "empty.yaml": (1, 1, "holds no YAML document"),
    "comment_only.yaml": (1, 1, "holds no YAML document"),
    "top_level_list.yaml": (1, 1, "found a list"),
    "top_level_scalar.yaml": (1, 1, "found the text 'hello'"),
    "zero_width_id.yaml": (12, 9, "'ita⟨ZWSP⟩ly' is not a valid id"),
}
LOADED = ["bom_utf8.yaml", "bom_utf16.yaml", "yaml11_values.yaml", "number_for_name.yaml"]


def test_the_battery_covers_every_file():
    assert {p.name for p in HOSTILE.glob("*.yaml")} == set(REJECTED) | set(LOADED)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_with_its_place(name):
    path = HOSTILE / name
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(path)
    first = caught.value.problems[0]
    line, column, words = REJECTED[name]
    assert (first.path, first.line, first.column) == (str(path), line, column)
    assert words in first.message
    assert str(first).startswith(f"{path}:{line}:{column}: ")


def test_alias_bomb_reports_every_anchor_and_alias():
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(HOSTILE / "alias_bomb.yaml")
    assert len(caught.value.problems) == 9 + 8 * 9  # 9 anchors, 8 lines of 9 aliases


def test_python_tag_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LoadError):
        load_knowledge_base(HOSTILE / "python_tag_top.yaml")
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("name", LOADED)
def test_loads_normally(name):
    kb = load_knowledge_base(HOSTILE / name)
    assert [actor.id for actor in kb.actors] == ["haftar", "italy"]


def test_yaml_11_values_kept_as_written():
    kb = load_knowledge_base(HOSTILE / "yaml11_values.yaml")
    assert kb.sources[0].title == "NO"
    assert kb.sources[0].publisher == "on"
    haftar = kb.actor_by_id["haftar"]
    assert haftar.name == "0755"
    assert haftar.aliases == ("1.10", "2024-01-02", "on", "yes", "~", "null")


def test_a_number_where_a_name_goes_is_the_text_written():
    assert load_knowledge_base(HOSTILE / "number_for_name.yaml").actor_by_id["italy"].name == "42"


def test_file_over_the_cap_is_refused_before_parsing(monkeypatch):
    parsed = []
    monkeypatch.setattr("tui.loader._parse", lambda *args: parsed.append(args))
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(HOSTILE / "alias_bomb.yaml", max_bytes=64)
    assert "over the 64-byte cap" in str(caught.value) and parsed == []


@pytest.mark.parametrize("name", ["alias_bomb.yaml", "deep_flow_nesting.yaml", "latin1.yaml"])
def test_command_line_never_shows_a_traceback(name):
    result = subprocess.run(
        [sys.executable, "-m", "tui", "check", str(HOSTILE / name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.rstrip().endswith("found.")


def test_no_module_uses_an_unsafe_yaml_loader():
    """Only the safe loaders may parse: no yaml.load/unsafe_load/full_load/Loader=... ."""
    unsafe = ("yaml.load(", "yaml.unsafe_load", "yaml.full_load", "yaml.Loader", "UnsafeLoader",
              "FullLoader", "yaml.load_all(")
    root = Path(__file__).parent.parent
    offenders = [
        f"{path}: {word}"
        for path in [*root.glob("tui/**/*.py"), *root.glob("bench/**/*.py")]
        for word in unsafe
        if word in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
