"""Start a program on a pseudo-terminal and watch its screen as a terminal shows it.

``watch`` spawns the program with the pty's slave as its standard input, output and error
(in its own session, with the environment it is given; the window size set with
TIOCSWINSZ before it starts), reads everything it writes, feeds it to
``bench.terminal.Terminal`` and writes that terminal's answers back, so the program's
queries are answered as a terminal would. Each time the screen shown changes, the time of
the read that brought the change is kept (the time the bytes were there to show; the
emulation, done when the output pauses, is not counted). When ``done`` says so, or after
``timeout``, the program is asked to quit with ctrl+q, as a user would, while its output
is still read; SIGTERM after a grace period, SIGKILL after another. It is always reaped,
and the pty closed.
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import struct
import subprocess
import termios
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter, sleep

from .terminal import Terminal

QUIT = b"\x11"  # ctrl+q: Textual's own quit key, bound in every app
GRACE = 5.0  # seconds to quit after ctrl+q, then after SIGTERM
IDLE = 0.002  # seconds without output after which what was read is emulated
MAX_BACKLOG = 256  # reads kept before emulating them anyway (output that never pauses)


@dataclass
class Watched:
    """What the terminal showed: each distinct screen with the seconds from spawning the
    program to its first showing; the queries it answered."""

    screens: list[tuple[float, list[str]]]
    queries: list[str]
    ended: bool  # the program ended on its own before ``done``

    @property
    def last(self) -> list[str]:
        return self.screens[-1][1] if self.screens else []

    def first_shown(self, screen: list[str]) -> float | None:
        return next((at for at, shown in self.screens if shown == screen), None)

    def first_frame(self) -> float | None:
        """When anything but blanks was first shown."""
        return next((at for at, shown in self.screens if any(line.strip() for line in shown)),
                    None)


def watch(
    argv: list[str],
    env: Mapping[str, str],
    cwd: Path,
    done: Callable[[Watched, float], bool],
    *,
    size: tuple[int, int] = (120, 40),
    timeout: float = 60.0,
) -> Watched:
    """Run ``argv`` on a pty of ``size`` (columns, rows) until ``done(watched, seconds)`` —
    asked whenever the output pauses and at least every 50 ms — or ``timeout`` seconds."""
    columns, rows = size
    terminal = Terminal(columns, rows)
    watched = Watched([], terminal.queries, ended=False)
    master, slave = os.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        started = perf_counter()
        process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=dict(env),
            start_new_session=True, close_fds=True,
        )
    except BaseException:
        os.close(master)
        os.close(slave)
        raise
    os.close(slave)  # the child holds it: reading the master ends when the child has gone
    try:
        _follow(master, terminal, watched, started, done, timeout)
    finally:
        _stop(process, master, terminal)
    return watched


def _follow(master: int, terminal: Terminal, watched: Watched, started: float,
            done: Callable[[Watched, float], bool], timeout: float) -> None:
    """Read as soon as output is there, stamping each read; emulate what was read only when
    the output pauses (IDLE), so the emulation never delays a read and its stamp."""
    backlog: list[tuple[float, bytes]] = []
    while True:
        now = perf_counter() - started
        if not backlog and (done(watched, now) or now > timeout):
            return
        ready, _, _ = select.select([master], [], [], IDLE if backlog else 0.05)
        data = None
        if ready and len(backlog) < MAX_BACKLOG:
            data = _read(master)
            if data:
                backlog.append((perf_counter() - started, data))
                continue
        for at, chunk in backlog:
            _show(master, terminal, watched, at, chunk)
        backlog.clear()
        if data == b"":
            watched.ended = True
            return


def _read(master: int) -> bytes:
    """The bytes there are; b"" at the end (every slave descriptor closed: EIO on Linux)."""
    try:
        return os.read(master, 1 << 16)
    except OSError as error:
        if error.errno == errno.EIO:
            return b""
        raise


def _show(master: int, terminal: Terminal, watched: Watched, at: float, data: bytes) -> None:
    """Emulate ``data``, write the terminal's answers, note the screen shown if it changed."""
    terminal.feed(data)
    answer = terminal.replies()
    if answer:
        os.write(master, answer)
    if not watched.screens or terminal.lines != watched.screens[-1][1]:
        watched.screens.append((at, terminal.lines))


def _stop(process: subprocess.Popen, master: int, terminal: Terminal) -> None:
    """Quit as a user would (ctrl+q), reading on so the program is never blocked writing;
    then SIGTERM, then SIGKILL. Reaps the process and closes the pty."""
    scratch = Watched([], [], ended=False)
    try:
        if process.poll() is None:
            try:
                os.write(master, QUIT)
            except OSError:
                pass
        for ask in (None, process.terminate, process.kill):
            if process.poll() is not None:
                break
            if ask is not None:
                ask()
            deadline = perf_counter() + GRACE
            reading = True
            while process.poll() is None and perf_counter() < deadline:
                if reading and select.select([master], [], [], 0.02)[0]:
                    data = _read(master)
                    reading = bool(data)
                    if data:
                        _show(master, terminal, scratch, 0.0, data)
                elif not reading:
                    sleep(0.02)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(master)
