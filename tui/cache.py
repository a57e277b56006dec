"""A parsed-knowledge-base cache, so that reopening an unchanged file skips YAML parsing.

Parsing YAML is the slow part of opening a large knowledge base (about 50x slower than
JSON). After a successful load, the model is written as MessagePack to the user's cache
directory (never beside the data); msgspec decodes it straight into the model's frozen
dataclasses, checking every field's type on the way. An entry is used only when the YAML
file and every source text still have the size and modification time recorded in it,
and its checksum matches; anything else is treated as a miss and the file is loaded (and
the entry rewritten) from scratch.

msgspec is imported only to read an entry that exists or to write one: a first open of a
small file shows the explorer first and writes its entry afterwards (``open_file``).
"""

from __future__ import annotations

import functools
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_cache_dir

from .loader import MAX_BYTES, Progress, collector_paused, load_knowledge_base
from .model import (
    Actor,
    Attribute,
    Issue,
    KnowledgeBase,
    Relation,
    Source,
    Stance,
)

if TYPE_CHECKING:
    import msgspec

FORMAT = 5  # bump when the model or this layout changes


def cache_directory() -> Path:
    override = os.environ.get("STAKEHOLDERS_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("stakeholders"))


def checksum(data: bytes) -> str:
    """CRC-32 and Adler-32: they catch a torn or corrupted entry (and need no hashlib,
    whose import costs a millisecond of start-up); the path in the header settles the
    rare key collision."""
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def entry_path(path: Path) -> Path:
    key = checksum(str(path.resolve()).encode("utf-8", "surrogateescape"))
    return cache_directory() / f"{key}.entry"


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
    kb, unsaved = open_file(path, progress=progress, max_bytes=max_bytes)
    if unsaved is not None:
        unsaved.write()
    return kb


def open_file(
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[KnowledgeBase, UnsavedEntry | None]:
    """``load``, less the writing: the model, and the entry still to write after a miss
    (None on a hit). Raises ``LoadError``."""
    path = Path(path)
    with collector_paused():
        cached = read_entry(path)
    if cached is not None:
        return cached, None
    try:
        before = _stamp(path)
    except OSError:
        before = None  # the loader reports it
    kb = load_knowledge_base(path, progress=progress, max_bytes=max_bytes)
    return kb, UnsavedEntry.after_load(path, kb, before)


def read_entry(path: Path) -> KnowledgeBase | None:
    """The cached model of ``path`` if it is present and still valid, else None."""
    try:
        raw = entry_path(path).read_bytes()
        import msgspec  # an entry exists: worth the import

        header_line, _, payload = raw.partition(b"\n")
        header = msgspec.json.decode(header_line)
        if header.get("format") != FORMAT or header.get("path") != str(path.resolve()):
            return None
        if header.get("stamp") != _stamp(path):
            return None
        folder = path.parent
        for relative, stamp in header.get("sources", []):
            if _stamp(folder / relative) != stamp:
                return None
        if checksum(payload) != header.get("checksum"):
            return None
        model = _decoder().decode(payload)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # missing, unreadable, corrupt or stale: load from the file instead
    return model.knowledge_base(str(path))


@dataclass(frozen=True)
class UnsavedEntry:
    """A freshly loaded model and the stamps of the files it was read from, taken when
    they were read: a file changed since is never recorded as matching it."""

    path: Path
    kb: KnowledgeBase
    stamp: list[int]
    sources: list[list]

    @classmethod
    def after_load(
        cls, path: Path, kb: KnowledgeBase, before: list[int] | None
    ) -> UnsavedEntry | None:
        try:
            if before is None or _stamp(path) != before:
                return None  # the file changed while it was read
            sources = [[s.path, _stamp(path.parent / s.path)] for s in kb.sources]
        except OSError:
            return None
        return cls(path, kb, before, sources)

    def write(self) -> None:
        """Store the model; a cache that cannot be written is skipped, never an error."""
        import msgspec

        kb = self.kb
        try:
            payload = msgspec.msgpack.encode(
                _Model(kb.sources, kb.actors, kb.relations, kb.stances, kb.issues, kb.attributes)
            )
            header = {
                "format": FORMAT,
                "path": str(self.path.resolve()),
                "stamp": self.stamp,
                "sources": self.sources,
                "checksum": checksum(payload),
            }
            target = entry_path(self.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(msgspec.json.encode(header) + b"\n" + payload)
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
    issues: tuple[Issue, ...]
    attributes: tuple[Attribute, ...]

    def knowledge_base(self, path: str) -> KnowledgeBase:
        return KnowledgeBase(
            self.sources,
            self.actors,
            self.relations,
            self.stances,
            path,
            issues=self.issues,
            attributes=self.attributes,
        )


@functools.cache
def _decoder() -> msgspec.msgpack.Decoder[_Model]:
    import msgspec

    return msgspec.msgpack.Decoder(_Model)
