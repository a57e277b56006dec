"""The changes made to a knowledge base file in a session, and their undo and redo.

Every change (a capture, an added quote, an undo, a redo) goes through ``tui.edit.save``:
checked by the loader, refused when the file changed on disk since it was loaded or last
saved, atomic. An undo writes back the text before the change, and only over the very text
the change left: an edit made meanwhile in another editor is never undone by it.

Pure core: no Textual. The app calls ``make``, ``undo`` and ``redo`` from a worker thread,
one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .edit import ChangeRefused, FileState, save
from .files import Stamp, stamp_or_none
from .loader import MAX_BYTES, MAX_TOTAL_BYTES
from .model import KnowledgeBase
from .splice import Refused


@dataclass(frozen=True)
class Focus:
    """What to show once a change is made: an actor, and one of its claims."""

    actor_id: str
    kind: str | None = None  # "relation", "attribute" or "stance"
    claim_id: str | None = None


@dataclass(frozen=True)
class Change:
    """A change to the file's text: ``apply(text)`` is the new text (or raises
    ``splice.Refused``); ``focus`` is what to show after it."""

    description: str
    apply: Callable[[str], str]
    focus: Focus | None = None


@dataclass(frozen=True)
class Done:
    """A change made: the text before and after it, to undo and redo it."""

    description: str
    before: str
    after: str
    focus: Focus | None


class FileChanges:
    """``FileChanges(path, stamp, kb)``: changes to ``path``, which the app loaded as ``kb``
    when it had ``stamp`` (None: it changed while it was loaded, and the first change is
    refused). With ``kb``, a change to one section's items is checked on its own against it
    (``edit.checked_change``) instead of by loading the whole file again."""

    def __init__(
        self,
        path: Path,
        stamp: Stamp | None,
        kb: KnowledgeBase | None = None,
        *,
        max_bytes: int = MAX_BYTES,
        max_total_bytes: int = MAX_TOTAL_BYTES,
    ) -> None:
        self.path = path
        self.stamp = stamp
        self.kb = kb
        self.max_bytes = max_bytes
        self.max_total_bytes = max_total_bytes
        self.undone: list[Done] = []  # most recent last
        self.done: list[Done] = []
        self._written: FileState | None = None  # the file as the last change wrote it

    @property
    def can_undo(self) -> bool:
        return bool(self.done)

    @property
    def can_redo(self) -> bool:
        return bool(self.undone)

    def make(self, change: Change) -> tuple[KnowledgeBase, Done]:
        """Save ``change``; what the file now loads as. Raises ``ChangeRefused``."""
        done = self._write(change.description, change.apply, change.focus)
        self.done.append(done[1])
        self.undone.clear()
        return done

    def undo(self) -> tuple[KnowledgeBase, Done]:
        """Write back the text before the last change. Raises ``ChangeRefused``."""
        if not self.done:
            raise ChangeRefused("Nothing to undo.")
        last = self.done[-1]
        kb, _ = self._write(f"undo {last.description}", _swap(last.after, last.before), last.focus)
        self.undone.append(self.done.pop())
        return kb, last

    def redo(self) -> tuple[KnowledgeBase, Done]:
        if not self.undone:
            raise ChangeRefused("Nothing to redo.")
        last = self.undone[-1]
        kb, _ = self._write(f"redo {last.description}", _swap(last.before, last.after), last.focus)
        self.done.append(self.undone.pop())
        return kb, last

    def reloaded(self, stamp: Stamp | None, kb: KnowledgeBase | None = None) -> None:
        """The file was read again (an outside edit), as ``kb``: changes go on from it."""
        self.stamp = stamp
        self.kb = kb
        self._written = None

    def _state_now(self) -> FileState:
        """The file as it is now: as the last change wrote it while its stamp is the one
        it had then (no reading and decoding of tens of MB per change: the bytes are
        compared with the file's again before the next write's rename), else read."""
        written = self._written  # its stamp is self.stamp: both are set together
        if written is not None and written.stamp is not None:
            if stamp_or_none(self.path) == written.stamp:
                return written
        return FileState.read(self.path, self.stamp)  # (unreadable: it says why)

    def _write(
        self, description: str, apply: Callable[[str], str], focus: Focus | None
    ) -> tuple[KnowledgeBase, Done]:
        if self.stamp is None:
            raise ChangeRefused(
                f"{self.path} changed while it was being loaded; nothing was written: "
                "reload it (Ctrl+L) and try again"
            )
        state = self._state_now()
        before = state.text
        try:
            after = apply(before)
        except Refused as refused:
            problem = refused.problem(str(self.path), "change it")
            raise ChangeRefused(f"{self.path}: nothing was written", [problem]) from None
        saved, kb = save(
            state,
            after,
            kb=self.kb,
            max_bytes=self.max_bytes,
            max_total_bytes=self.max_total_bytes,
        )
        self.stamp = saved.stamp
        self.kb = kb
        self._written = saved
        return kb, Done(description, before, after, focus)


def _swap(expected: str, replacement: str) -> Callable[[str], str]:
    """A change from the text ``expected`` to ``replacement``, refused from any other."""

    def apply(text: str) -> str:
        if text != expected:
            raise Refused(
                "the file is not as the change left it (it was edited since); undoing would "
                "lose that edit"
            )
        return replacement

    return apply
