"""``StampsInside``: the stamps of many paths in one folder, as ``inside`` and
``current_stamp`` give them one at a time, links and all."""

from __future__ import annotations

import os

import pytest

from tui.files import StampsInside, current_stamp, inside


def one_at_a_time(folder, relative):
    place = inside(folder, relative)
    return None if place is None else current_stamp(place)


@pytest.fixture
def folder(tmp_path):
    kb = tmp_path / "kb"
    (kb / "sources" / "deep").mkdir(parents=True)
    (kb / "s1.txt").write_text("one")
    (kb / "sources" / "s2.txt").write_text("two")
    (kb / "sources" / "deep" / "s3.txt").write_text("three")
    (tmp_path / "outside.txt").write_text("outside")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "s4.txt").write_text("four")
    os.symlink(kb / "s1.txt", kb / "sources" / "link-in.txt")
    os.symlink(tmp_path / "outside.txt", kb / "link-out.txt")
    os.symlink(tmp_path / "elsewhere", kb / "folder-out")
    os.symlink(kb / "sources", kb / "folder-in")
    return kb


@pytest.mark.parametrize(
    "relative",
    [
        "s1.txt",
        "sources/s2.txt",
        "sources/deep/s3.txt",
        "./sources//s2.txt",
        "sources/deep/../s2.txt",
        "sources/link-in.txt",
        "folder-in/s2.txt",
        "link-out.txt",
        "folder-out/s4.txt",
        "../outside.txt",
        "sources/../../outside.txt",
        "/etc/hostname",
        "",
        ".",
    ],
)
def test_each_stamp_is_what_one_path_at_a_time_gives(folder, relative):
    stamps = StampsInside(folder)
    assert stamps.of(relative) == one_at_a_time(folder, relative)
    assert stamps.of(relative) == one_at_a_time(folder, relative)  # asked again: the same


def test_the_links_and_the_ways_out_are_none_and_the_files_inside_are_found(folder):
    stamps = StampsInside(folder)
    assert stamps.of("link-out.txt") is None
    assert stamps.of("folder-out/s4.txt") is None
    assert stamps.of("../outside.txt") is None
    assert stamps.of("sources/link-in.txt") == current_stamp(folder / "s1.txt")
    assert stamps.of("sources/deep/s3.txt") == current_stamp(folder / "sources/deep/s3.txt")


def test_a_missing_file_raises_as_stat_does(folder):
    stamps = StampsInside(folder)
    with pytest.raises(OSError):
        stamps.of("sources/missing.txt")
    with pytest.raises(OSError):
        stamps.of("missing-folder/s.txt")


def test_a_folder_that_became_a_link_after_it_was_seen_is_not_assumed(folder, tmp_path):
    """Each StampsInside is one pass: a new one sees the folder as it is now."""
    assert StampsInside(folder).of("sources/s2.txt") is not None
    os.rename(folder / "sources", tmp_path / "moved")
    os.symlink(tmp_path / "moved", folder / "sources")
    assert StampsInside(folder).of("sources/s2.txt") is None  # now outside, by a link
