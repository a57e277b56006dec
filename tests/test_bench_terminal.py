"""The bench's pseudo-terminal row: its small terminal (bench/terminal.py) keeps the screen
a program draws and answers its queries; the harness (bench/on_pty.py) runs a Textual app
on a pty and quits it. Nothing here is timed (`make bench` measures)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Static

from bench import on_pty
from bench.terminal import Terminal

ROOT = Path(__file__).resolve().parent.parent


def test_text_lands_where_the_cursor_is_sent_and_styles_are_dropped():
    terminal = Terminal(10, 3)
    terminal.feed(b"\x1b[2;3H\x1b[1;38;5;32mab\x1b[0mc\r\n\x1b[38;2;1;2;3md")
    assert terminal.lines == ["          ", "  abc     ", "d         "]


def test_a_sequence_cut_between_two_reads_is_finished_by_the_second():
    terminal = Terminal(6, 2)
    for part in (b"\x1b[", b"2;", b"4Hx\x1b[38;5", b";1m\xc3\xa9\xc3", b"\xa9\x1b"):
        terminal.feed(part)
    terminal.feed(b"[1;1Hy")
    assert terminal.lines == ["y     ", "   xéé"]


def test_wide_characters_take_two_cells_and_the_last_column_holds_without_autowrap():
    terminal = Terminal(6, 2)
    terminal.feed(b"\x1b[?7l" + "日本".encode() + b"abcdef")
    assert terminal.lines == ["日本af", "      "]
    terminal.feed(b"\x1b[?7h\x1b[1;5Hxyz")
    assert terminal.lines == ["日本xy", "z     "]


def test_erasing_and_the_alternate_screen():
    terminal = Terminal(4, 2)
    terminal.feed(b"main\x1b[?1049h\x1b[1;1Halt!\x1b[1;3H\x1b[K")
    assert terminal.lines == ["al  ", "    "]
    terminal.feed(b"\x1b[2J\x1b[?1049l")
    assert terminal.lines == ["main", "    "]


def test_a_synchronized_update_is_shown_at_its_end_only():
    terminal = Terminal(4, 1)
    terminal.feed(b"\x1b[?2026$p")
    assert terminal.replies() == b"\x1b[?2026;2$y"  # known, reset
    terminal.feed(b"\x1b[?2026h\x1b[1;1Hab")
    assert terminal.lines == ["    "]
    terminal.feed(b"cd\x1b[?2026l")
    assert terminal.lines == ["abcd"]


def test_queries_get_the_answers_of_a_terminal():
    terminal = Terminal(120, 40)
    terminal.feed(b"\x1b[?2048$p\x1b[?1234$p\x1b[?25$p\x1b[3;7H\x1b[6n\x1b[c\x1b[?u"
                  b"\x1b]11;?\x07\x1b[18t\x1b[>25u\x1b]22;default\x07")
    assert terminal.replies() == (
        b"\x1b[?2048;2$y"  # in-band resize: known, reset
        b"\x1b[?1234;0$y"  # not recognised
        b"\x1b[?25;1$y"  # cursor shown: set
        b"\x1b[3;7R"
        b"\x1b[?62;22c"
        b"\x1b[?0u"
        b"\x1b]11;rgb:0000/0000/0000\x1b\\"
        b"\x1b[8;40;120t"
    )
    assert terminal.replies() == b""  # each answered once
    assert len(terminal.queries) == 8  # the kitty push and the pointer shape ask nothing
    terminal.feed(b"\x1b[?2048h")
    assert terminal.replies() == b"\x1b[48;40;120;800;1200t"  # the size, on enabling


class Panes(App[None]):
    CSS = "Static { border: round $accent; width: 1fr; height: 1fr; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("Italy · 7 relations\n" * 3, id="left")
            yield Static("「日本」 wide\nnaïve e\u0301 combining", id="right")
        yield Footer()


async def test_the_screen_is_what_textual_draws():
    """Textual's whole frame, as its driver would write it, makes the screen its compositor
    holds, character for character."""
    app = Panes()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        written = compositor.render_update(full=True).render_segments(app.console)
        expected = ["".join(segment.text for segment in strip)
                    for strip in compositor.render_strips()]
    terminal = Terminal(60, 12)
    terminal.feed(b"\x1b[?1049h\x1b[?7l" + written.encode())
    assert terminal.lines == expected
    assert "「日本」 wide" in "".join(expected)


def _pseudo_terminals() -> bool:
    try:
        leader, follower = os.openpty()
    except OSError:
        return False
    os.close(leader)
    os.close(follower)
    return True


@pytest.mark.skipif(not _pseudo_terminals(), reason="no pseudo-terminal on this machine")
def test_the_harness_runs_an_app_on_a_pty_answers_it_and_quits_it(tmp_path):
    """The one-Static app of the bench, with the real driver: its queries are answered, its
    screen read, and ctrl+q ends it (reaped, not killed)."""
    minimal = [sys.executable, "-m", "bench.startup", "minimal-terminal"]

    def hello(watched: on_pty.Watched, _seconds: float) -> bool:
        return bool(watched.screens) and watched.last[0].startswith("Hello")

    env = {"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": str(tmp_path)}
    watched = on_pty.watch(minimal, env, ROOT, hello, size=(40, 5), timeout=120)
    assert watched.last == ["Hello" + " " * 35] + [" " * 40] * 4
    assert watched.first_frame() == watched.first_shown(watched.last)
    assert "DECRQM: CSI ? 2026 $ p" in watched.queries
    assert not watched.ended
