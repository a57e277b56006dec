"""A parsed-knowledge-base cache, so that reopening an unchanged file skips YAML parsing.

Parsing YAML is the slow part of opening a large knowledge base (about 50x slower than
JSON). After a successful load, the model is written as compact JSON to the user's cache
directory (never beside the data). An entry is used only when the YAML file and every
source text still have the size and modification time recorded in it, its checksum
matches, and every quote still sits at its offsets in its source text; anything else is
treated as a miss and the file is loaded (and the entry rewritten) from scratch.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from platformdirs import user_cache_dir

from .loader import MAX_BYTES, Progress, collector_paused, load_knowledge_base
from .model import (
    Actor,
    Confidence,
    Evidence,
    KnowledgeBase,
    Relation,
    Source,
    Stance,
    Status,
)

FORMAT = 1  # bump when the model or this layout changes


def cache_directory() -> Path:
    override = os.environ.get("STAKEHOLDERS_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("stakeholders"))


def entry_path(path: Path) -> Path:
    key = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return cache_directory() / f"{key[:32]}.json"


def _stamp(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def load(
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    max_bytes: int = MAX_BYTES,
) -> KnowledgeBase:
    """Load a knowledge base, from the cache when it is still valid. Raises ``LoadError``."""
    path = Path(path)
    with collector_paused():
        cached = read_entry(path)
    if cached is not None:
        return cached
    kb = load_knowledge_base(path, progress=progress, max_bytes=max_bytes)
    write_entry(path, kb)
    return kb


def read_entry(path: Path) -> KnowledgeBase | None:
    """The cached model of ``path`` if it is present and still valid, else None."""
    try:
        raw = entry_path(path).read_bytes()
        header_line, _, payload = raw.partition(b"\n")
        header = json.loads(header_line)
        if header.get("format") != FORMAT or header.get("path") != str(path.resolve()):
            return None
        if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
            return None
        if header.get("stamp") != _stamp(path):
            return None
        folder = path.parent
        for relative, stamp in header.get("sources", []):
            if _stamp(folder / relative) != stamp:
                return None
        kb = _decode(json.loads(payload), str(path))
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # missing, unreadable, corrupt or stale: load from the file instead
    return kb if _quotes_in_place(kb) else None


def write_entry(path: Path, kb: KnowledgeBase) -> None:
    """Store the model; a cache that cannot be written is skipped, never an error."""
    try:
        payload = json.dumps(_encode(kb), ensure_ascii=False, separators=(",", ":")).encode()
        header = {
            "format": FORMAT,
            "path": str(path.resolve()),
            "stamp": _stamp(path),
            "sources": [[source.path, _stamp(path.parent / source.path)] for source in kb.sources],
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
        target = entry_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(json.dumps(header).encode() + b"\n" + payload)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        pass


def _quotes_in_place(kb: KnowledgeBase) -> bool:
    texts = {source.id: source.text for source in kb.sources}
    return all(
        texts[evidence.source][evidence.start : evidence.end] == evidence.quote
        for item in (*kb.relations, *kb.stances)
        for evidence in item.evidence
    )


def _encode(kb: KnowledgeBase) -> dict:
    def evidence(items: tuple[Evidence, ...]) -> list:
        return [[e.source, e.quote, e.start, e.end] for e in items]

    return {
        "sources": [
            [s.id, s.title, s.publisher, s.published, s.dateline, s.path, s.text]
            for s in kb.sources
        ],
        "actors": [
            [a.id, a.name, a.kind, list(a.aliases), a.affiliation, a.description] for a in kb.actors
        ],
        "relations": [
            [
                r.id,
                r.source,
                r.target,
                r.type,
                r.polarity,
                r.summary,
                evidence(r.evidence),
                r.date,
                r.date_phrase,
                r.status.value,
                r.asserted_by,
                r.confidence.value,
            ]
            for r in kb.relations
        ],
        "stances": [[s.id, s.actor, s.issue, s.position, evidence(s.evidence)] for s in kb.stances],
    }


def _decode(data: dict, shown: str) -> KnowledgeBase:
    def evidence(items: list) -> tuple[Evidence, ...]:
        return tuple(Evidence(*item) for item in items)

    return KnowledgeBase(
        sources=tuple(Source(*row) for row in data["sources"]),
        actors=tuple(
            Actor(row[0], row[1], row[2], tuple(row[3]), row[4], row[5]) for row in data["actors"]
        ),
        relations=tuple(
            Relation(
                *row[:6],
                evidence(row[6]),
                row[7],
                row[8],
                Status(row[9]),
                row[10],
                Confidence(row[11]),
            )
            for row in data["relations"]
        ),
        stances=tuple(Stance(*row[:4], evidence(row[4])) for row in data["stances"]),
        path=shown,
    )
