"""Hostile input, round 2 (issue 16): the error report cannot lie, a source cannot escape its
folder, the cache cannot vouch for what was never verified, no output path can destroy a
file, the total read is bounded and a termination signal leaves no temporary file behind.

Each test is one attack from the issue, on a knowledge base of a few lines (``kb_files``).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import msgspec
import pytest

from tests.kb_files import HEADER, ONE_RELATION, SOURCE_TEXT, write_kb
from tui import cache, cli, files, loader
from tui.export import WriteError, check_export_paths, write_export
from tui.loader import LoadError, load_knowledge_base

ESCAPES = "\x1b[2J\x1b[H\x1b]2;retitled\x07"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("STAKEHOLDERS_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def kb_path(tmp_path) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    return write_kb(folder, ONE_RELATION)


def with_source_path(path: Path, relative: str) -> None:
    path.write_text(path.read_text().replace("path: s1.txt", f"path: {json.dumps(relative)}"))


def control_characters(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0]


# --- 1: the error report cannot lie ---------------------------------------------------------


def test_a_source_named_with_escape_codes_is_reported_without_them(kb_path, capsys):
    name = f"{ESCAPES}s1.txt: OK: 9 actors\n.txt"
    (kb_path.parent / name).write_bytes(b"first line\n\xff\xfe not UTF-8\n")
    with_source_path(kb_path, name)
    assert cli.main(["check", str(kb_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "not UTF-8" in err or "UTF-8" in err
    assert control_characters(err) == []
    # The name's line break is shown, not obeyed: no line of the report starts with a name.
    assert not any(line.startswith(".txt") for line in err.splitlines())


def test_the_exit_report_of_the_app_is_sanitised(kb_path):
    with_source_path(kb_path, f"{ESCAPES}missing.txt")
    with pytest.raises(LoadError) as raised:
        load_knowledge_base(kb_path)
    assert control_characters(raised.value.report()) == []
    assert all(control_characters(str(problem)) == [] for problem in raised.value.problems)


# --- 2 and 3: a source resolves, links followed, inside the folder ----------------------------


def test_a_source_linked_to_a_file_outside_the_folder_is_refused(kb_path, tmp_path):
    secret = tmp_path / "environ"
    secret.write_text("TOKEN=hunter2\n" + SOURCE_TEXT)
    (kb_path.parent / "notes.txt").symlink_to(secret)
    with_source_path(kb_path, "notes.txt")
    with pytest.raises(LoadError) as raised:
        cache.load(kb_path)
    assert "must stay inside the knowledge base's folder" in raised.value.report()
    assert not cache.entry_path(kb_path).exists()


def test_a_source_linked_to_a_file_inside_the_folder_is_read(kb_path):
    (kb_path.parent / "texts").mkdir()
    (kb_path.parent / "s1.txt").rename(kb_path.parent / "texts" / "article.txt")
    (kb_path.parent / "s1.txt").symlink_to(kb_path.parent / "texts" / "article.txt")
    assert load_knowledge_base(kb_path).sources[0].text == SOURCE_TEXT


def test_dot_dot_through_a_linked_folder_is_resolved_as_the_system_resolves_it(kb_path, tmp_path):
    """``sub/../s1.txt`` with ``sub`` a link to ``deep/inner``: the system reads
    ``deep/s1.txt``, not the ``s1.txt`` a lexical cut names. Loader, cache and the export
    guard all take the file the system reads."""
    folder = kb_path.parent
    (folder / "deep" / "inner").mkdir(parents=True)
    (folder / "deep" / "s1.txt").write_text(SOURCE_TEXT)
    (folder / "s1.txt").write_text("the lexical decoy, which no quote is in\n")
    (folder / "sub").symlink_to(folder / "deep" / "inner")
    with_source_path(kb_path, "sub/../s1.txt")
    kb = cache.load(kb_path)
    assert kb.sources[0].text == SOURCE_TEXT
    with pytest.raises(ValueError, match="part of the knowledge base"):
        check_export_paths(kb, "json", folder / "deep" / "s1.txt")
    assert cache.read_entry(kb_path) == kb  # the cache follows the same file
    (folder / "deep" / "s1.txt").write_text(SOURCE_TEXT.replace("Rome", "Bari"))
    assert cache.read_entry(kb_path) is None


def test_dot_dot_through_a_link_that_leaves_the_folder_is_refused(kb_path, tmp_path):
    outside = tmp_path / "outside" / "inner"
    outside.mkdir(parents=True)
    (tmp_path / "outside" / "s1.txt").write_text(SOURCE_TEXT)
    (kb_path.parent / "sub").symlink_to(outside)
    with_source_path(kb_path, "sub/../s1.txt")
    with pytest.raises(LoadError, match="must stay inside"):
        load_knowledge_base(kb_path)


# --- 4 and 10: the cache vouches only for what was verified ----------------------------------


def test_a_source_edited_during_the_load_is_not_cached_as_verified(kb_path, monkeypatch):
    """The edit keeps the size and the modification time, as an editor racing the load
    might: the change time taken before the read tells it apart."""
    source = kb_path.parent / "s1.txt"
    real = loader._decode

    def edited_right_after_it_was_read(data, shown):
        if shown.endswith("s1.txt"):
            times = source.stat()
            source.write_text(SOURCE_TEXT.replace("defence", "DEFENCE"))
            os.utime(source, ns=(times.st_atime_ns, times.st_mtime_ns))
        return real(data, shown)

    monkeypatch.setattr(loader, "_decode", edited_right_after_it_was_read)
    kb = cache.load(kb_path)  # what was read verifies
    assert kb.relations[0].evidence[0].quote == "met Italy's defence minister"
    monkeypatch.setattr(loader, "_decode", real)
    assert cache.read_entry(kb_path) is None
    with pytest.raises(LoadError, match="defence"):
        cache.load(kb_path)  # the quote is no longer in the file: said, never served


@pytest.mark.parametrize("copy", ["cp -p", "touch -r"])
def test_an_edit_that_keeps_size_and_modification_time_is_not_served_stale(kb_path, copy):
    cache.load(kb_path)
    source = kb_path.parent / "s1.txt"
    times = source.stat()
    if copy == "cp -p":
        replacement = kb_path.parent / "s1.new"
        replacement.write_text(SOURCE_TEXT.replace("defence", "DEFENCE"))
        os.utime(replacement, ns=(times.st_atime_ns, times.st_mtime_ns))
        replacement.replace(source)
    else:
        source.write_text(SOURCE_TEXT.replace("defence", "DEFENCE"))
        os.utime(source, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert (source.stat().st_size, source.stat().st_mtime_ns) == (
        times.st_size,
        times.st_mtime_ns,
    )
    assert cache.read_entry(kb_path) is None
    with pytest.raises(LoadError):
        cache.load(kb_path)


def rewrite_entry(kb_path: Path, change) -> None:
    """Change the model in the entry and sign it again, as a crafted entry would be."""
    entry = cache.entry_path(kb_path)
    header_line, _, payload = entry.read_bytes().partition(b"\n")
    header = json.loads(header_line)
    model = msgspec.msgpack.decode(payload)
    change(model)
    body = msgspec.msgpack.encode(model)
    header["checksum"] = cache.checksum(body)
    entry.write_bytes(json.dumps(header).encode() + b"\n" + body)


def quote_not_in_the_source(model) -> None:
    evidence = model["relations"][0]["evidence"][0]
    evidence["quote"] = evidence["quote"].replace("defence", "foreign")  # same length


def quote_off_its_offsets(model) -> None:
    evidence = model["relations"][0]["evidence"][0]
    evidence["start"] += 1
    evidence["end"] += 1


def offsets_past_the_text(model) -> None:
    evidence = model["relations"][0]["evidence"][0]
    evidence["start"], evidence["end"] = 10_000, 10_000 + len(evidence["quote"])


def unknown_actor(model) -> None:
    model["relations"][0]["target"] = "nobody"


def unknown_source(model) -> None:
    model["relations"][0]["evidence"][0]["source"] = "s404"


@pytest.mark.parametrize(
    "craft",
    [
        quote_not_in_the_source,
        quote_off_its_offsets,
        offsets_past_the_text,
        unknown_actor,
        unknown_source,
    ],
)
def test_a_crafted_entry_is_dropped_and_the_file_read_again(kb_path, craft):
    first = cache.load(kb_path)
    rewrite_entry(kb_path, craft)
    assert cache.read_entry(kb_path) is None
    assert cache.load(kb_path) == first
    assert cache.read_entry(kb_path) == first  # rebuilt


def test_a_cache_entry_that_is_a_fifo_is_ignored_without_blocking(kb_path):
    cache.load(kb_path)
    entry = cache.entry_path(kb_path)
    entry.unlink()
    os.mkfifo(entry)
    assert within_seconds(lambda: cache.read_entry(kb_path)) is None


def test_a_cache_entry_linked_to_dev_zero_is_ignored(kb_path):
    cache.load(kb_path)
    entry = cache.entry_path(kb_path)
    entry.unlink()
    entry.symlink_to("/dev/zero")
    assert within_seconds(lambda: cache.read_entry(kb_path)) is None


def test_the_size_caps_apply_to_a_cached_file_too(kb_path):
    cache.load(kb_path)
    assert cache.read_entry(kb_path) is not None
    with pytest.raises(LoadError, match="--max-size"):
        cache.load(kb_path, max_bytes=100)
    with pytest.raises(LoadError, match="--max-total"):
        cache.load(kb_path, max_total_bytes=len(SOURCE_TEXT) - 1)


# --- 5: no output path can destroy a file ----------------------------------------------------


def special_targets(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    keep = tmp_path / "keep.txt"
    keep.write_text("the user's notes\n")
    link = tmp_path / "link.json"
    link.symlink_to(keep)
    return {"FIFO": fifo, "symbolic link": link, "device": Path("/dev/null")}


@pytest.mark.parametrize("what", ["FIFO", "symbolic link", "device"])
def test_an_export_never_replaces_a_special_file(kb_path, tmp_path, what):
    target = special_targets(tmp_path)[what]
    kind_before = target.lstat().st_mode
    kb = load_knowledge_base(kb_path)
    with pytest.raises(WriteError, match="-o - for standard output"):
        within_seconds(lambda: write_export(kb, "json", target, sys.stdout))
    assert target.lstat().st_mode == kind_before
    assert (tmp_path / "keep.txt").read_text() == "the user's notes\n"
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_export_to_a_fifo_from_the_command_line_says_why(kb_path, tmp_path, capsys):
    target = special_targets(tmp_path)["FIFO"]
    assert cli.main(["export", str(kb_path), "-o", str(target)]) == 1
    assert "not a regular file" in capsys.readouterr().err


def test_dash_means_standard_output(kb_path, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", str(kb_path), "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["relations"][0]["id"] == "haftar-meets-italy"
    assert not (tmp_path / "-").exists()


# --- 8: the total read is bounded; one file named many times is read once --------------------


def many_sources_naming_one_file(folder: Path, count: int) -> Path:
    sources = "".join(
        f'  - id: s{n}\n    title: Copy {n}\n    publisher: Example\n'
        f'    published: "2017-09-27"\n    path: s1.txt\n'
        for n in range(2, count + 1)
    )
    header = HEADER.replace("actors:\n", sources + "actors:\n")
    return write_kb(folder, ONE_RELATION, header=header)


def test_forty_one_sources_naming_one_file_read_it_once(tmp_path, monkeypatch):
    path = many_sources_naming_one_file(tmp_path, 41)
    opened: list[Path] = []
    real = loader.open_regular

    def counting(place, **kwargs):
        opened.append(Path(place))
        return real(place, **kwargs)

    monkeypatch.setattr(loader, "open_regular", counting)
    kb = load_knowledge_base(path)
    assert len(kb.sources) == 41
    assert [p.name for p in opened].count("s1.txt") == 1
    assert {source.text for source in kb.sources} == {SOURCE_TEXT}


def test_the_total_budget_counts_every_source_and_says_how_to_raise_it(tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    path = write_kb(folder, ONE_RELATION)
    (folder / "s2.txt").write_text(SOURCE_TEXT)
    second = (
        '  - id: s2\n    title: Another\n    publisher: Example\n'
        '    published: "2017-09-28"\n    path: s2.txt\n'
    )
    header = HEADER.replace("actors:\n", second + "actors:\n")
    path = write_kb(folder, ONE_RELATION, header=header)
    budget = len(SOURCE_TEXT.encode()) * 2 - 1
    with pytest.raises(LoadError) as raised:
        load_knowledge_base(path, max_total_bytes=budget)
    report = raised.value.report()
    assert "s2.txt" in report and "--max-total" in report
    assert load_knowledge_base(path, max_total_bytes=budget + 1).sources[1].text == SOURCE_TEXT
    assert cli.main(["check", str(path), "--max-total", str(budget)]) == 1
    assert cli.main(["check", str(path), "--max-total", str(budget + 1)]) == 0


# --- 11: a FIFO never blocks; a termination signal leaves no temporary file ------------------


def test_a_source_that_is_a_fifo_is_refused_without_blocking(kb_path):
    source = kb_path.parent / "s1.txt"
    source.unlink()
    os.mkfifo(source)
    with pytest.raises(LoadError, match="not a regular file .it is a FIFO."):
        within_seconds(lambda: load_knowledge_base(kb_path))


def test_a_source_linked_to_a_device_is_refused(kb_path):
    (kb_path.parent / "s1.txt").unlink()
    (kb_path.parent / "s1.txt").symlink_to("/dev/zero")
    with pytest.raises(LoadError, match="must stay inside"):
        within_seconds(lambda: load_knowledge_base(kb_path))


WRITER = """
import sys
from pathlib import Path
from tui import files

files.remove_temporaries_on_termination()
temporary = files.write_beside(Path(sys.argv[1]), b"x" * 1_000_000)
print(temporary, flush=True)
sys.stdin.read()  # the write is still in flight: the target is never replaced
"""


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_termination_signal_during_a_write_removes_its_temporary_file(tmp_path, signal_name):
    target = tmp_path / "export.json"
    target.write_text("the previous export\n")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        # As from a terminal: a suite run under nohup would hand the child SIGHUP ignored,
        # and the cleanup rightly leaves an ignored signal alone.
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    )
    temporary = Path(writer.stdout.readline().strip())
    assert temporary.parent == tmp_path and temporary.exists()
    writer.send_signal(getattr(signal, signal_name))
    assert writer.wait(timeout=30) == -getattr(signal, signal_name)  # died of the signal
    writer.stdin.close()
    writer.stdout.close()
    assert not temporary.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json"]
    assert target.read_text() == "the previous export\n"


def test_the_command_line_installs_the_cleanup(monkeypatch, kb_path):
    installed: list[bool] = []
    monkeypatch.setattr(cli, "remove_temporaries_on_termination", lambda: installed.append(True))
    assert cli.main(["check", str(kb_path)]) == 0
    assert installed == [True]


def test_writing_leaves_no_temporary_behind_and_forgets_it(tmp_path):
    target = tmp_path / "out.txt"
    files.replace(files.write_beside(target, b"done"), target)
    assert target.read_bytes() == b"done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    assert files._in_flight == set()


def within_seconds(call, seconds: float = 10):
    """``call()``'s result, or a failure if it blocks (a FIFO opened for reading would)."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def test_a_device_node_in_the_folder_is_refused(kb_path):
    source = kb_path.parent / "s1.txt"
    source.unlink()
    try:
        os.mknod(source, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs privileges this run does not have")
    with pytest.raises(LoadError, match="not a regular file .it is a character device."):
        within_seconds(lambda: load_knowledge_base(kb_path))


def test_reading_an_entry_reserves_its_size_not_the_cap(kb_path):
    """The entry's cap is gigabytes (4x the caps together); reading must not reserve it."""
    import tracemalloc

    kb = cache.load(kb_path)
    tracemalloc.start()
    try:
        assert cache.read_entry(kb_path) == kb
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024**2
