"""Reading and writing the user's files safely. Pure core: no Textual.

Reading: a file is opened first and then checked (``open_regular``), so a path swapped for
a FIFO or a device between a check and the open can neither block the read nor feed it
endless bytes. A file's ``stamp`` (size, modification and change times, inode, device) is
taken from the opened file before it is read: a copy that keeps the size and modification
time (``cp -p``, ``touch -r``) still changes the change time, which no user can set.

Writing: every file is written whole beside its target, synced, then renamed over it
(``write_beside``, then ``replace``). A termination signal removes the temporary files
still being written (``remove_temporaries_on_termination``).
"""

from __future__ import annotations

import os
import signal
import stat
import threading
from pathlib import Path

Stamp = tuple[int, int, int, int, int]

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


class NotRegularFile(OSError):
    """What was opened is a folder, a FIFO, a device or a socket, not a regular file."""

    def __init__(self, what: str) -> None:
        super().__init__(f"not a regular file (it is {what})")
        self.strerror = str(self)


def _kind(mode: int) -> str:
    for test, what in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return what
    return "not a file"


def stamp_of(status: os.stat_result) -> Stamp:
    return (
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_ino,
        status.st_dev,
    )


def open_regular(path: Path, *, follow_symlinks: bool = True) -> tuple[int, os.stat_result]:
    """A descriptor open for reading on ``path`` and what it is, checked to be a regular
    file. Opening never blocks (a FIFO is refused after it is opened, not waited on).
    Without ``follow_symlinks`` a symbolic link in the last place is refused too.
    Raises ``OSError`` (``NotRegularFile`` for anything but a regular file)."""
    flags = _OPEN_FLAGS | (0 if follow_symlinks else _NO_FOLLOW)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(_kind(status.st_mode))
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor, status


def current_stamp(path: Path) -> Stamp:
    """The stamp ``path`` has now (following symbolic links). Raises ``OSError``."""
    return stamp_of(path.stat())


def stamp_or_none(path: Path) -> Stamp | None:
    """``current_stamp(path)``, or None when it cannot be taken (gone, unreadable)."""
    try:
        return current_stamp(path)
    except OSError:
        return None


def holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly ``data`` now: the
    last check before a file is replaced, that nothing changed it meanwhile."""
    try:
        return not path.is_symlink() and path.is_file() and path.read_bytes() == data
    except OSError:
        return False


def inside(folder: Path, relative: str) -> Path | None:
    """Where ``relative`` (a path written in a file in ``folder``) leads, symbolic links
    followed as the system follows them, or None when that place is outside ``folder``.
    ``sub/../x`` is resolved through ``sub`` when it is a link, never cut lexically, so
    whoever opens the result reads what the system would read."""
    if Path(relative).is_absolute():
        return None
    base = folder.resolve()
    found = (base / relative).resolve()
    return found if found.is_relative_to(base) and found != base else None


class StampsInside:
    """``StampsInside(folder).of(relative)``: the stamp of the file ``inside(folder,
    relative)`` leads to, or None when that is outside ``folder``; for many paths written
    in files in one folder (every source of a knowledge base). The usual path, directories
    and a file with no symbolic link among them, costs one ``lstat`` per directory (once)
    and one for the file; anything else goes through ``inside``, as one path would.
    Raises ``OSError``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._base = folder.resolve()
        self._plain_folders = {self._base}  # real directories (not links) under the base

    def of(self, relative: str) -> Stamp | None:
        parts = Path(relative).parts
        if not parts or Path(relative).is_absolute() or ".." in parts:
            return self._through_inside(relative)
        place = self._base
        for part in parts[:-1]:
            place = place / part
            if place not in self._plain_folders:
                if not stat.S_ISDIR(os.lstat(place).st_mode):
                    return self._through_inside(relative)  # a link (or not a folder)
                self._plain_folders.add(place)
        status = os.lstat(place / parts[-1])
        if stat.S_ISLNK(status.st_mode):
            return self._through_inside(relative)
        return stamp_of(status)  # not a link: what stat() would say

    def _through_inside(self, relative: str) -> Stamp | None:
        place = inside(self.folder, relative)
        return None if place is None else current_stamp(place)


# --- writing -------------------------------------------------------------------------------

_in_flight: set[Path] = set()
_in_flight_lock = threading.Lock()


def write_beside(
    target: Path, data: bytes | list[bytes], *, mode: int | None = None
) -> Path:
    """``data`` (or its parts, in order, never joined in memory) in a new file beside
    ``target``, on disk (fsync), with ``mode`` if given (else what the umask gives a new
    file); its path. The caller renames it over the target or removes it (``discard``)."""
    temporary = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with _in_flight_lock:
        _in_flight.add(temporary)
    try:
        with open(descriptor, "wb") as stream:
            for part in data if isinstance(data, list) else (data,):
                stream.write(part)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
    except BaseException:
        discard(temporary)
        raise
    return temporary


def replace(temporary: Path, target: Path) -> None:
    """Rename a file from ``write_beside`` over ``target``, and sync the folder."""
    try:
        os.replace(temporary, target)
    finally:
        discard(temporary)
    sync_folder(target.parent)


def discard(temporary: Path) -> None:
    """Remove a temporary file (gone already once renamed) and stop tracking it."""
    with _in_flight_lock:
        _in_flight.discard(temporary)
    try:
        temporary.unlink(missing_ok=True)
    except OSError:
        pass


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; best effort (some systems cannot)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _remove_all_in_flight() -> None:
    with _in_flight_lock:
        pending = list(_in_flight)
        _in_flight.clear()
    for temporary in pending:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


def remove_temporaries_on_termination() -> None:
    """On SIGTERM or SIGHUP, remove the temporary files being written (by any thread), then
    die of the signal as its default action would: same status, nothing else changed."""

    def terminate(number: int, _frame) -> None:
        _remove_all_in_flight()
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, terminate)
