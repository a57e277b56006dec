"""What a change did to a file's text, line by line (for the write-path tests)."""

from __future__ import annotations

import difflib


def changes(before: str, after: str) -> list[tuple[str, list[str], list[str]]]:
    """Each run of lines that differs: ("insert" | "delete" | "replace", old, new)."""
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        (tag, old[i1:i2], new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def inserted(before: str, after: str) -> list[list[str]]:
    """The runs of lines inserted, asserting nothing else changed."""
    runs = []
    for tag, old, new in changes(before, after):
        assert tag == "insert", (tag, old, new)
        runs.append(new)
    return runs


def added_lines(before: str, after: str) -> list[str]:
    """The one run of lines inserted, asserting nothing else changed."""
    runs = inserted(before, after)
    assert len(runs) == 1, runs
    return runs[0]
