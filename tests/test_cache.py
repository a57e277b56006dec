"""The parsed cache: used when the file is unchanged, rebuilt when stale or corrupt."""

from __future__ import annotations

import json
import os

import msgspec
import pytest

from tests.kb_files import ONE_RELATION, write_kb
from tui import cache
from tui.loader import LoadError


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("STAKEHOLDERS_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def kb_path(tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    return write_kb(folder, ONE_RELATION)


def loads_from_yaml(monkeypatch) -> list[str]:
    """Record each time the YAML loader really runs."""
    calls: list[str] = []
    real = cache.load_knowledge_base

    def spy(path, **kwargs):
        calls.append(str(path))
        return real(path, **kwargs)

    monkeypatch.setattr(cache, "load_knowledge_base", spy)
    return calls


def test_second_open_comes_from_the_cache(kb_path, monkeypatch):
    calls = loads_from_yaml(monkeypatch)
    first = cache.load(kb_path)
    second = cache.load(kb_path)
    assert len(calls) == 1
    assert second == first


def test_cache_is_written_in_the_cache_dir_not_beside_the_data(kb_path, cache_dir):
    before = sorted(os.listdir(kb_path.parent))
    cache.load(kb_path)
    assert sorted(os.listdir(kb_path.parent)) == before
    assert [p.suffix for p in cache_dir.iterdir()] == [".entry"]


def test_changed_yaml_invalidates(kb_path, monkeypatch):
    calls = loads_from_yaml(monkeypatch)
    cache.load(kb_path)
    kb_path.write_text(kb_path.read_text().replace("Khalifa Haftar", "K. Haftar"))
    assert cache.load(kb_path).actor_by_id["haftar"].name == "K. Haftar"
    assert len(calls) == 2


def test_changed_source_text_invalidates(kb_path, monkeypatch):
    calls = loads_from_yaml(monkeypatch)
    cache.load(kb_path)
    source = kb_path.parent / "s1.txt"
    source.write_text(source.read_text().replace("defence minister", "defense minister"))
    with pytest.raises(LoadError):
        cache.load(kb_path)  # the quote no longer verifies: reported, not served stale
    assert len(calls) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"not json\n" + raw,
        lambda raw: raw.replace(b"Khalifa Haftar", b"Khalifa Hafter"),
        lambda raw: b"",
    ],
)
def test_corrupt_entry_is_rebuilt(kb_path, monkeypatch, damage):
    calls = loads_from_yaml(monkeypatch)
    cache.load(kb_path)
    entry = cache.entry_path(kb_path)
    entry.write_bytes(damage(entry.read_bytes()))
    assert cache.load(kb_path).actor_by_id["haftar"].name == "Khalifa Haftar"
    assert len(calls) == 2
    assert cache.read_entry(kb_path) is not None  # rewritten


def test_unwritable_cache_is_skipped(kb_path, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("STAKEHOLDERS_CACHE_DIR", str(blocker / "cache"))
    assert cache.load(kb_path).actor_by_id["italy"].name == "Italy"


def test_failed_load_writes_no_entry(tmp_path, cache_dir):
    path = write_kb(tmp_path, "relations: 5\n")
    with pytest.raises(LoadError):
        cache.load(path)
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


@pytest.mark.parametrize(
    "payload",
    [
        {"sources": 1},  # another shape altogether
        {"sources": [], "actors": [], "relations": [["r", "a", "b"]], "stances": []},
    ],
)
def test_an_entry_of_another_shape_is_not_trusted_even_with_its_checksum(kb_path, payload):
    """An entry from another version of the model, intact but not this model: a miss."""
    cache.load(kb_path)
    entry = cache.entry_path(kb_path)
    header_line, _, _ = entry.read_bytes().partition(b"\n")
    header = json.loads(header_line)
    body = msgspec.msgpack.encode(payload)
    header["checksum"] = cache.checksum(body)
    entry.write_bytes(json.dumps(header).encode() + b"\n" + body)
    assert cache.read_entry(kb_path) is None
    assert cache.load(kb_path).relation_by_id["haftar-meets-italy"].polarity == 1


def test_a_file_changed_while_it_loads_is_not_cached(kb_path, monkeypatch):
    real = cache.load_knowledge_base

    def edited_during_the_load(path, **kwargs):
        kb = real(path, **kwargs)
        path.write_text(path.read_text() + "\n# an edit while it was read\n")
        return kb

    monkeypatch.setattr(cache, "load_knowledge_base", edited_during_the_load)
    cache.load(kb_path)
    assert cache.read_entry(kb_path) is None


def test_open_file_leaves_the_entry_to_write(kb_path, cache_dir):
    kb, unsaved = cache.open_file(kb_path)
    assert not cache_dir.exists() or not any(cache_dir.iterdir())
    unsaved.write()
    assert cache.read_entry(kb_path) == kb
    again, nothing_to_write = cache.open_file(kb_path)
    assert again == kb and nothing_to_write is None


def test_every_v2_field_round_trips_through_the_cache(tmp_path, monkeypatch):
    from tui.loader import bundled_knowledge_base_path, load_knowledge_base

    monkeypatch.setenv("STAKEHOLDERS_CACHE_DIR", str(tmp_path / "cache"))
    path = bundled_knowledge_base_path()
    fresh = load_knowledge_base(path)
    cache.load(path)
    cached = cache.read_entry(path)
    assert cached is not None
    for section in ("sources", "actors", "relations", "stances", "issues", "attributes"):
        assert getattr(cached, section) == getattr(fresh, section), section
    assert cached.relation_by_id["us-strikes-isis"].hedges  # nested v2 records survive


@pytest.mark.parametrize("per_part", [1, 2, 512])
def test_an_entry_encoded_in_parts_is_the_model_encoded_whole(monkeypatch, per_part):
    """The cache is encoded a few items at a time (one call into msgspec for the whole
    model would hold the UI thread), byte for byte as one call would encode it."""
    from tui.loader import bundled_knowledge_base_path, load_knowledge_base

    kb = load_knowledge_base(bundled_knowledge_base_path())
    monkeypatch.setattr(cache, "ITEMS_PER_PART", per_part)
    model = cache._Model(kb.sources, kb.actors, kb.relations, kb.stances, kb.issues,
                         kb.attributes)
    assert b"".join(cache._encoded_parts(model)) == msgspec.msgpack.encode(model)


@pytest.mark.parametrize("length", [0, 1, 15, 16, 65_535, 65_536, 70_000])
def test_array_headers_are_msgpacks(length):
    empty = msgspec.msgpack.encode([None] * length)
    assert cache._array_header(length) == empty[: len(empty) - length]


def test_an_entry_is_current_by_its_header_until_a_file_it_was_read_from_changes(kb_path):
    assert not cache.entry_is_current(kb_path)  # none yet
    cache.load(kb_path)
    assert cache.entry_is_current(kb_path)
    source = kb_path.parent / "s1.txt"
    source.write_text(source.read_text() + "\n")
    assert not cache.entry_is_current(kb_path)
    cache.entry_path(kb_path).write_bytes(b"not json\n")  # whatever the file
    assert not cache.entry_is_current(kb_path)


def test_a_header_current_but_for_the_caps_is_not(kb_path):
    cache.load(kb_path)
    size = kb_path.stat().st_size
    assert not cache.entry_is_current(kb_path, max_bytes=size - 1)
    assert not cache.entry_is_current(kb_path, max_total_bytes=1)
    assert cache.read_payload(kb_path, max_total_bytes=1) is None  # the same rule


def test_open_file_told_there_is_no_entry_does_not_read_one(kb_path, monkeypatch):
    cache.load(kb_path)

    def refuse(*args, **kwargs):
        raise AssertionError("the entry was read again")

    monkeypatch.setattr(cache, "read_entry", refuse)
    calls = loads_from_yaml(monkeypatch)
    kb, unsaved = cache.open_file(kb_path, cached=False)
    assert calls == [str(kb_path)] and unsaved is not None
    assert kb.actor_by_id["haftar"].name == "Khalifa Haftar"


@pytest.mark.parametrize("beside", [True, False])
def test_the_checksum_summed_beside_the_decoding_still_refuses_a_damaged_entry(
    kb_path, monkeypatch, beside
):
    """Damage that still decodes (a name's letter): only the checksum tells, whether it is
    summed in a thread while the entry is decoded (a large one) or before."""
    monkeypatch.setattr(cache, "CHECKSUM_BESIDE_BYTES", 0 if beside else 1 << 40)
    cache.load(kb_path)
    assert cache.read_entry(kb_path, checked=False) == cache.load(kb_path)
    entry = cache.entry_path(kb_path)
    entry.write_bytes(entry.read_bytes().replace(b"Khalifa Haftar", b"Khalifa Hafter"))
    assert cache.read_entry(kb_path, checked=False) is None
    assert cache.read_payload(kb_path) is None
    assert cache.load(kb_path).actor_by_id["haftar"].name == "Khalifa Haftar"  # from the file
