"""Write small knowledge bases to disk for loader and command-line tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

SOURCE_TEXT = (
    "Rome - Haftar met Italy's defence minister in Rome on Tuesday.\n"
    "Italy backs the unity government. Italy backs the unity government.\n"
)

HEADER = """\
sources:
  - id: s1
    title: A title
    publisher: Example
    published: "2017-09-27T10:00"
    dateline: Rome
    path: s1.txt
actors:
  - id: haftar
    name: Khalifa Haftar
    kind: person
  - id: italy
    name: Italy
    kind: state
"""


ONE_RELATION = """\
relations:
  - id: haftar-meets-italy
    source: haftar
    target: italy
    type: meets
    polarity: 1
    summary: Haftar met Italy's defence minister.
    evidence:
      - source: s1
        quote: "met Italy's defence minister"
"""
"""A relations section for ``write_kb``: one relation between the header's two actors."""


def write_kb(directory: Path, body: str = "", *, header: str = HEADER, name="kb.yaml") -> Path:
    """A knowledge base file: the standard header, then ``body`` (dedented)."""
    (directory / "s1.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    path = directory / name
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return path


def write_bytes(directory: Path, data: bytes, name="kb.yaml") -> Path:
    (directory / "s1.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    path = directory / name
    path.write_bytes(data)
    return path
