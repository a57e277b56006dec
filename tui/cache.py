"""A parsed-knowledge-base cache, so that reopening an unchanged file skips YAML parsing.

Parsing YAML is the slow part of opening a large knowledge base (about 50x slower than
JSON). After a successful load, the model is written as MessagePack to the user's cache
directory (never beside the data); msgspec decodes it straight into the model's frozen
dataclasses, checking every field's type on the way. An entry is used only when the YAML
file and every source text still have the size and modification time recorded in it,
and its checksum matches; anything else is treated as a miss and the file is loaded (and
the entry rewritten) from scratch.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import msgspec
from platformdirs import user_cache_dir

from .loader import MAX_BYTES, Progress, collector_paused, load_knowledge_base
from .model import (
    Actor,
    KnowledgeBase,
    Relation,
    Source,
    Stance,
)

FORMAT = 3  # bump when the model or this layout changes


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
        if header.get("stamp") != _stamp(path):
            return None
        folder = path.parent
        for relative, stamp in header.get("sources", []):
            if _stamp(folder / relative) != stamp:
                return None
        if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
            return None
        model = _DECODER.decode(payload)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # missing, unreadable, corrupt or stale: load from the file instead
    return KnowledgeBase(*model.parts(), path=str(path))


def write_entry(path: Path, kb: KnowledgeBase) -> None:
    """Store the model; a cache that cannot be written is skipped, never an error."""
    try:
        payload = _ENCODER.encode(_Model(kb.sources, kb.actors, kb.relations, kb.stances))
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
    except (OSError, ValueError, msgspec.EncodeError):
        pass


@dataclass(frozen=True, slots=True)
class _Model:
    """What an entry stores: the model, less the path it is shown under."""

    sources: tuple[Source, ...]
    actors: tuple[Actor, ...]
    relations: tuple[Relation, ...]
    stances: tuple[Stance, ...]

    def parts(self) -> tuple:
        return self.sources, self.actors, self.relations, self.stances


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(_Model)
