"""Keys sent as a terminal sends a paste or a macro: all at once."""

from __future__ import annotations

from textual import events


def burst(pilot, *keys: str) -> None:
    """Post ``keys`` to the app in one go, none waiting on the one before."""
    for key in keys:
        char = key if len(key) == 1 else {"enter": "\r", "tab": "\t", "escape": "\x1b"}.get(key)
        if key == " ":
            key = "space"
        pilot.app.post_message(events.Key(key, char))
