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
import threading
import zlib
from dataclasses import dataclass
from operator import add, attrgetter, eq, le, sub
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_cache_dir

from .files import (
    StampsInside,
    current_stamp,
    inside,
    open_regular,
    replace,
    write_beside,
)
from .loader import (
    MAX_BYTES,
    MAX_TOTAL_BYTES,
    Progress,
    Reading,
    collector_paused,
    load_knowledge_base,
)
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
    from collections.abc import Callable, Iterator, Sequence

    import msgspec

FORMAT = 8  # bump when the model or this layout changes


def cache_directory() -> Path:
    override = os.environ.get("STAKEHOLDERS_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("stakeholders"))


def checksum(data: bytes) -> str:
    """CRC-32: it catches a torn or corrupted entry (and needs no hashlib, whose import
    costs a millisecond of start-up; a second sum cost a reopen of 25 MB 12 ms more); the
    path in the header settles the rare key collision."""
    return f"{zlib.crc32(data):08x}"


def entry_path(path: Path) -> Path:
    key = checksum(str(path.resolve()).encode("utf-8", "surrogateescape"))
    return cache_directory() / f"{key}.entry"


def load(
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> KnowledgeBase:
    """Load a knowledge base, from the cache when it is still valid. Raises ``LoadError``."""
    kb, unsaved = open_file(
        path, progress=progress, max_bytes=max_bytes, max_total_bytes=max_total_bytes
    )
    if unsaved is not None:
        unsaved.write()
    return kb


def open_file(
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    cached: bool = True,
) -> tuple[KnowledgeBase, UnsavedEntry | None]:
    """``load``, less the writing: the model, and the entry still to write after a miss
    (None on a hit). ``cached=False``: the caller already found no valid entry, so the file
    is loaded without reading the entry again. Raises ``LoadError``."""
    path = Path(path)
    if cached:
        with collector_paused():
            kb = read_entry(path, max_bytes=max_bytes, max_total_bytes=max_total_bytes)
        if kb is not None:
            return kb, None
    reading = Reading(max_bytes, max_total_bytes)
    kb = load_knowledge_base(path, progress=progress, reading=reading)
    return kb, UnsavedEntry.after_load(path, kb, reading)


def _entry_bytes(target: Path, limit: int) -> bytes:
    """The bytes of a cache entry, if it is a regular file of at most ``limit`` bytes
    (never a FIFO, a device or a link to one). Raises ``OSError`` or ``ValueError``."""
    descriptor, status = open_regular(target, follow_symlinks=False)
    with open(descriptor, "rb") as stream:
        if status.st_size > limit:
            raise ValueError("the entry is larger than anything the caps allow")
        # Sized to the file: read(limit + 1) would reserve the whole cap (gigabytes) first.
        data = stream.read(status.st_size + 1)
        if len(data) > status.st_size:
            raise ValueError("the entry grew while it was read")
        return data


def read_entry(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    checked: bool = True,
) -> KnowledgeBase | None:
    """The cached model of ``path`` if it is present and still valid, else None.

    Valid: every file it was read from has the stamp it had then, within today's caps,
    its checksum matches, and the model is consistent (``consistent``). ``checked=False``
    leaves the last to the caller (the app runs it after the first frame, in a thread:
    on a large file it is a third of a reopen) and must be followed by it."""
    read = _read_entry(path, max_bytes, max_total_bytes)
    if read is None:
        return None
    payload, recorded_checksum = read
    # Summed in a thread while it is decoded here: zlib lets other threads run, msgspec
    # does not, so the checksum costs the decoding nothing (a reopen of 50k actors, 50 ms).
    summed = _checksum_beside(payload)
    try:
        model = _decoder().decode(payload)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # corrupt: load from the file instead
    finally:
        same = summed() == recorded_checksum
    if not same:
        return None
    kb = model.knowledge_base(str(path))
    return kb if not checked or consistent(kb) else None


CHECKSUM_BESIDE_BYTES = 1 << 20
"""A payload this large is summed in a thread of its own while it is decoded."""


def _checksum_beside(payload: memoryview) -> Callable[[], str]:
    """``checksum(payload)``, worked out in a thread of its own for a large payload; a
    function that waits for it."""
    if len(payload) < CHECKSUM_BESIDE_BYTES:
        value = checksum(payload)
        return lambda: value
    summed: list[str] = []
    thread = threading.Thread(
        target=lambda: summed.append(checksum(payload)), name="checksum cache entry",
        daemon=True,
    )
    thread.start()

    def wait() -> str:
        thread.join()
        return summed[0] if summed else ""  # none if it failed: no match, a miss

    return wait


def read_payload(
    path: Path, *, max_bytes: int = MAX_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES
) -> memoryview | None:
    """The encoded model (MessagePack, ``_Model``'s fields) of ``path``'s entry if the entry
    is present, every file it was read from has the stamp it had then, within today's caps,
    and its checksum matches; else None. Neither decoded nor checked for consistency
    (``read_entry`` does both): `diff` decodes only the items that differ."""
    read = _read_entry(path, max_bytes, max_total_bytes)
    if read is None or checksum(read[0]) != read[1]:
        return None
    return read[0]


def _read_entry(
    path: Path, max_bytes: int, max_total_bytes: int
) -> tuple[memoryview, str] | None:
    """The payload of ``path``'s entry and the checksum its header records for it, if the
    entry is recorded for its files as they are now; else None. The checksum is the
    caller's to compare."""
    try:
        raw = _entry_bytes(entry_path(path), _entry_limit(max_bytes, max_total_bytes))
        import msgspec  # an entry exists: worth the import

        newline = raw.index(b"\n")
        header = msgspec.json.decode(raw[:newline])
        if not _describes_files_as_now(header, path, max_bytes, max_total_bytes):
            return None
        recorded = header.get("checksum")
        if not isinstance(recorded, str):
            return None
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # missing, unreadable, corrupt or stale: load from the file instead
    return memoryview(raw)[newline + 1 :], recorded  # not a copy: entries are tens of MB


def entry_is_current(
    path: Path, *, max_bytes: int = MAX_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES
) -> bool:
    """Whether ``path`` has an entry recorded for its files as they are now, by the entry's
    header alone (a few milliseconds: neither its payload nor its checksum is read). The
    app asks before its first frame, to know whether the model will be there soon."""
    try:
        descriptor, _ = open_regular(entry_path(path), follow_symlinks=False)
        with open(descriptor, "rb") as stream:
            header_line = stream.readline(_entry_limit(max_bytes, max_total_bytes))
        import msgspec

        header = msgspec.json.decode(header_line)
        return _describes_files_as_now(header, path, max_bytes, max_total_bytes)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return False


def _describes_files_as_now(header: dict, path: Path, max_bytes: int, max_total_bytes: int) -> bool:
    """Whether an entry's ``header`` is of this format and of ``path``, and records every
    file the model was read from with the stamp it has now, within today's caps. Raises
    ``OSError`` when a file cannot be looked at, and the errors a malformed header brings."""
    if header.get("format") != FORMAT or header.get("path") != str(path.resolve()):
        return False
    stamp = current_stamp(path)
    if list(stamp) != header.get("stamp") or stamp[0] > max_bytes:
        return False
    stamps = StampsInside(path.parent)
    total = 0
    for relative, recorded in header.get("sources", []):
        stamp = stamps.of(relative)
        if stamp is None or list(stamp) != recorded or stamp[0] > max_bytes:
            return False
        total += stamp[0]
    return total <= max_total_bytes


def last_sources(path: Path) -> tuple[Source, ...]:
    """The sources, texts included, of the last good load of ``path`` recorded here,
    whatever changed on disk since; none without a readable entry. Only for finding the
    old text of a source that changed (``tui.drift``), which checks it against its pin."""
    try:
        raw = _entry_bytes(entry_path(path), _entry_limit(MAX_BYTES, MAX_TOTAL_BYTES))
        import msgspec

        header_line, _, payload = raw.partition(b"\n")
        header = msgspec.json.decode(header_line)
        if (
            header.get("format") != FORMAT
            or header.get("path") != str(path.resolve())
            or checksum(payload) != header.get("checksum")
        ):
            return ()
        return tuple(_decoder().decode(payload).sources)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return ()


def _entry_limit(max_bytes: int, max_total_bytes: int) -> int:
    # The model holds the YAML's content and the source texts, each at most a few times
    # its size once encoded: anything larger was not written here.
    return 4 * (max_bytes + max_total_bytes)


def consistent(kb: KnowledgeBase) -> bool:
    """Whether a decoded model could have come from the loader: every reference names an
    item it holds, and every quote is exactly the source text at its offsets. (Written as
    flat passes: it runs on every reopen, over every quote.) The checksum and the stamps
    already say the entry is the one written after a full load of these very files; this
    catches an entry a buggy or older writer got wrong."""
    texts = {source.id: source.text for source in kb.sources}
    actors = kb.actor_by_id
    if len(actors) != len(kb.actors) or len(texts) != len(kb.sources):
        return False
    claims = (*kb.relations, *kb.attributes, *kb.stances)
    hedges = [hedge for claim in claims for hedge in claim.hedges]
    posts = [post for actor in kb.actors for post in actor.memberships]
    # The ids every item names, gathered by C-level passes (map over attrgetter).
    named = {party for relation in kb.relations for party in relation.participants}
    for items, field in (
        (kb.relations, "source"),
        (kb.relations, "target"),
        (kb.attributes, "actor"),
        (kb.stances, "actor"),
        (claims, "asserted_by"),
        (hedges, "asserted_by"),
        (kb.actors, "affiliation"),
        (posts, "organisation"),
    ):
        for part in _slices(items):
            named.update(map(attrgetter(field), part))
    named.discard(None)
    if not named.issubset(actors):
        return False
    issues = {issue.id for issue in kb.issues}
    if issues and not all(stance.issue in issues for stance in kb.stances):
        return False
    quotes = [
        *(evidence for claim in claims for evidence in claim.evidence),
        *(evidence for claim in claims for evidence in claim.caveats),
        *(hedge.evidence for hedge in hedges),
        *(claim.fatalities.evidence for claim in claims if getattr(claim, "fatalities", None)),
        *(evidence for post in posts for evidence in post.evidence),
    ]
    return _quotes_at_their_offsets(texts, quotes)


PASS_ITEMS = 2048
"""Items of one C-level pass in ``consistent``: such a pass holds the interpreter until it
returns, and the check runs in a thread while the explorer is in use (one pass over every
quote of 10,000 actors held the UI thread for 40 ms; one of this many, for about one)."""


def _slices(items: Sequence) -> Iterator[Sequence]:
    for start in range(0, len(items), PASS_ITEMS):
        yield items[start : start + PASS_ITEMS]


def _quotes_at_their_offsets(texts: dict[str, str], quotes: list) -> bool:
    """Whether each quote is its source's text at its offsets, checked in C-level passes
    (map) over all the texts joined: a Python loop per quote would cost a reopen 0.1 s."""
    lengths = {source_id: len(text) for source_id, text in texts.items()}
    bases, at = {}, 0
    for source_id, length in lengths.items():
        bases[source_id] = at
        at += length
    joined = "".join(texts.values())
    for part in _slices(quotes):
        sources = list(map(attrgetter("source"), part))
        if not set(sources).issubset(texts):
            return False
        starts = list(map(attrgetter("start"), part))
        ends = list(map(attrgetter("end"), part))
        words = list(map(attrgetter("quote"), part))
        if not (
            min(starts) >= 0
            and all(map(eq, map(len, words), map(sub, ends, starts)))
            and all(map(le, ends, map(lengths.__getitem__, sources)))
            and all(
                map(joined.startswith, words, map(add, map(bases.__getitem__, sources), starts))
            )
        ):
            return False
    return True


@dataclass(frozen=True)
class UnsavedEntry:
    """A freshly loaded model and the stamps of the files it was read from, taken from
    each opened file before it was read: a file changed since (or while it was read) is
    never recorded as matching it."""

    path: Path
    kb: KnowledgeBase
    stamp: list[int]
    sources: list[list]

    @classmethod
    def after_load(cls, path: Path, kb: KnowledgeBase, reading: Reading) -> UnsavedEntry | None:
        stamp = reading.stamps.get(path.resolve())
        if stamp is None:
            return None  # the file changed while it was read
        sources = []
        for source in kb.sources:
            place = inside(path.parent, source.path)
            recorded = reading.stamps.get(place) if place is not None else None
            if recorded is None:
                return None
            sources.append([source.path, list(recorded)])
        return cls(path, kb, list(stamp), sources)

    def write(self) -> None:
        """Store the model; a cache that cannot be written is skipped, never an error."""
        import msgspec

        kb = self.kb
        try:
            parts = _encoded_parts(
                _Model(kb.sources, kb.actors, kb.relations, kb.stances, kb.issues, kb.attributes)
            )
            crc = 0
            for part in parts:
                crc = zlib.crc32(part, crc)
            header = {
                "format": FORMAT,
                "path": str(self.path.resolve()),
                "stamp": self.stamp,
                "sources": self.sources,
                "checksum": f"{crc:08x}",  # as checksum(payload)
            }
            target = entry_path(self.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = write_beside(target, [msgspec.json.encode(header) + b"\n", *parts])
            replace(temporary, target)
        except (OSError, ValueError, msgspec.EncodeError):
            pass


ITEMS_PER_PART = 512
"""Items encoded at a time by ``_encoded_parts``: a few milliseconds each."""


def _encoded_parts(model: _Model) -> list[bytes]:
    """``msgspec.msgpack.encode(model)``, byte for byte, in parts of ``ITEMS_PER_PART``
    items. Encoding holds the interpreter until it returns: the whole model at once
    (hundreds of MB on 50k actors) would freeze the UI thread for most of a second, a part
    at a time lets it run in between. (A map of the fields, each an array of its items:
    MessagePack's encoding of a list is its length, then its items', one after another.)"""
    import dataclasses

    import msgspec

    encode = msgspec.msgpack.Encoder().encode
    fields = dataclasses.fields(model)
    parts = [bytes([0x80 | len(fields)])]  # a fixmap: fewer than 16 fields
    for field in fields:
        items = getattr(model, field.name)
        parts += (encode(field.name), _array_header(len(items)))
        for start in range(0, len(items), ITEMS_PER_PART):
            chunk = items[start : start + ITEMS_PER_PART]
            parts.append(encode(chunk)[len(_array_header(len(chunk))) :])
    return parts


def _array_header(length: int) -> bytes:
    """MessagePack's header of an array of ``length`` items."""
    if length < 16:
        return bytes([0x90 | length])
    if length < 1 << 16:
        return b"\xdc" + length.to_bytes(2, "big")
    return b"\xdd" + length.to_bytes(4, "big")


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
