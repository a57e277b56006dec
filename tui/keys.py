"""Keys in order: a key goes where the keys before it left the focus.

Textual forwards a key to the focused widget the moment the App takes it from its queue,
but runs the key's (non-priority) bindings only when the key has bubbled back up to the
App, a few message hops later. Two keys that arrive together (a paste, a macro, a fast
typist) are therefore both forwarded before the first one's binding runs: when ``Enter``
in the actor list moves the focus to the relations, a ``j`` right behind it has already
gone to the actor list, and characters typed right after ``/`` reach the explorer instead
of the search field.

``KeysInOrder`` holds each key at the App until the one before it is done. With the key,
the App sends a ``KeyDone`` marker to the same widget; the marker bubbles up the same path
behind the key (every message queue is first in, first out), so when it reaches the App
the key has been handled everywhere it went, its binding has run, and whatever that
binding asked of the App (``call_later``, a focus change, a pushed screen) is queued ahead
of the next key, which is only then posted again to the App's queue.

Nothing waits on a timer, and a key repeat (a held-down arrow, 30 to 60 keys a second) is
not slowed: each key is done long before the next comes. What is given up is batching: keys
that arrive all at once are now handled one by one, each with the screen update it causes,
where Textual ran all their bindings before a single update.
"""

from __future__ import annotations

from collections import deque

from textual import events
from textual.app import App, ReturnType
from textual.dom import DOMNode
from textual.message import Message


class KeyDone(Message):
    """Follows ``key`` up from the widget it was forwarded to (``KeysInOrder``)."""

    def __init__(self, key: events.Key) -> None:
        super().__init__()
        self.key = key


class KeysInOrder(App[ReturnType]):
    """An App mixin: a key is forwarded only once the key before it has been handled."""

    _in_flight: tuple[events.Key, DOMNode] | None = None
    _released: events.Key | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held_keys: deque[events.Key] = deque()

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        if event is not self._released:
            if self._drop_if_lost():
                self._release_next()
            if self._in_flight is not None or self._held_keys or self._released is not None:
                self._held_keys.append(event)  # behind the keys that came before it
                return
        self._released = None
        await super().on_event(event)  # a priority binding, or forwarded to the focus
        # Forwarded: the marker follows it from where it went. Taken by a priority binding:
        # the marker goes behind whatever that queued on the screen now on show (Enter in
        # the search dismisses it, and the screen under it gets the chosen hit first).
        target = self.focused or self.screen if event.is_forwarded else self.screen
        if target.post_message(KeyDone(event)):
            self._in_flight = (event, target)
        else:
            self._release_next()

    def _on_key_done(self, message: KeyDone) -> None:
        message.stop()
        if self._in_flight is not None and message.key is self._in_flight[0]:
            self._in_flight = None
            self._release_next()

    def on_idle(self) -> None:
        # The marker is lost if its widget left the DOM before passing it on: nothing else
        # would release the keys behind it.
        if self._held_keys and self._drop_if_lost():
            self._release_next()

    def _drop_if_lost(self) -> bool:
        if self._in_flight is not None and not self._in_flight[1].is_attached:
            self._in_flight = None
            return True
        return False

    def _release_next(self) -> None:
        if self._held_keys and self._in_flight is None and self._released is None:
            self._released = self._held_keys.popleft()
            # Into the App's queue, behind what the last key's binding queued there.
            self.post_message(self._released)
