"""Adding a source (issue 18): an article's text copied verbatim into the knowledge base's
sources folder, its ``sha256`` pinned, and its entry added through the one write path
(``tui.edit``), as `stakeholders add-source` and the app's "Add source..." do.

Nothing is left half done. The text is checked first (not empty, not binary, UTF-8, within
the loader's size cap), then written under a name no file has (created exclusively, never
over a file), then the entry is saved, checked by the loader; if the save is refused, the
text just written is removed again.

Pure core: no Textual.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .capture import new_id
from .edit import ChangeRefused, FileState, append_item, save
from .files import discard, holds, inside, open_regular, sync_folder, write_beside
from .loader import (
    MAX_BYTES,
    MAX_TOTAL_BYTES,
    Reading,
    load_knowledge_base,
    timestamp_problem,
)
from .model import KnowledgeBase, counted
from .sanitize import display, truncate
from .splice import Refused

DEFAULT_FOLDER = "sources"
"""Where the texts go when the knowledge base has no source yet (next to its file)."""
BINARY_SAMPLE_BYTES = 64 * 1024
BINARY_SHARE = 0.1
"""A text whose first BINARY_SAMPLE_BYTES are more than this share control characters (tabs,
line and page breaks aside) is taken for a binary file."""
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r") + b"\x7f"
_OTHER_ENCODINGS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # as the loader's ids
OPTIONAL = ("url", "origin", "byline", "language")


class SourceRefused(Exception):
    """Nothing was written (or what was written was removed again), and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SourceFields:
    """What the analyst says of the article; the optional ones may be None or blank."""

    title: str
    publisher: str
    published: str
    url: str | None = None
    origin: str | None = None
    byline: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class NewSource:
    """A source ready to add: its id, its text's place (``relative`` as the YAML writes
    it, ``target`` on disk), the bytes to copy and the entry to add."""

    source_id: str
    relative: str
    target: Path
    data: bytes
    words: int
    sha256: str
    entry: dict

    def described(self) -> str:
        return (
            f"added source {self.source_id!r}: {self.relative} "
            f"({counted(self.words, 'word')}), sha256 {self.sha256}"
        )


# --- reading and checking the text ----------------------------------------------------------


def _too_large(shown: str, max_bytes: int) -> SourceRefused:
    return SourceRefused(
        f"{shown} is over the {max_bytes:,}-byte cap of a source text; split it or raise the "
        "cap with --max-size; nothing was written"
    )


def read_text_file(path: Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the file at ``path`` (a regular file, within the loader's size cap).
    Raises ``SourceRefused``."""
    shown = display(str(path))
    try:
        descriptor, status = open_regular(path)
        with open(descriptor, "rb") as stream:
            if status.st_size > max_bytes:
                raise _too_large(shown, max_bytes)
            data = stream.read(max_bytes + 1)
    except OSError as error:
        reason = display(error.strerror or str(error))
        raise SourceRefused(f"{shown}: cannot read it: {reason}; nothing was written") from None
    if len(data) > max_bytes:
        raise _too_large(shown, max_bytes)
    return data


def read_stream(stream: BinaryIO, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Everything ``stream`` (standard input) holds, within the loader's size cap."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large("the standard input", max_bytes)
    return data


def text_of(data: bytes, shown: str) -> str:
    """``data`` as text, refused (``SourceRefused``) when it is empty or white space only,
    binary, or not UTF-8 (a byte-order mark allowed, as the loader allows it)."""
    if not data:
        raise SourceRefused(f"{shown} is empty: there is no text to add; nothing was written")
    for mark, encoding in _OTHER_ENCODINGS:
        if data.startswith(mark):
            raise SourceRefused(
                f"{shown} is {encoding} text, not UTF-8: save it as UTF-8; nothing was written"
            )
    sample = data[:BINARY_SAMPLE_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\0" in data or controls > BINARY_SHARE * len(sample):
        why = "it holds NUL bytes" if b"\0" in data else "it is mostly control characters"
        raise SourceRefused(
            f"{shown} is a binary file, not text ({why}): copy the article's text (not a PDF, "
            "an image or a word processor's file) into a plain UTF-8 file; nothing was written"
        )
    skip = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = skip + error.start
        line = data.count(b"\n", 0, at) + 1
        column = at - (data.rfind(b"\n", 0, at) + 1) + 1
        raise SourceRefused(
            f"{shown} is not UTF-8: byte 0x{data[at]:02x} at offset {at:,} (line {line}, "
            f"column {column}) is not valid UTF-8; save the file as UTF-8; nothing was written"
        ) from None
    if not text.strip():
        raise SourceRefused(
            f"{shown} holds only white space: there is no text to add; nothing was written"
        )
    return text


# --- where it goes, and its entry -----------------------------------------------------------


def sources_folder(kb: KnowledgeBase) -> str:
    """The folder the knowledge base's texts are in (relative to its file, with ``/``): the
    one most of its sources use, the first one's on a tie; ``sources`` if it has none."""
    folders = Counter(
        str(PurePosixPath(source.path.replace("\\", "/")).parent) for source in kb.sources
    )
    return folders.most_common(1)[0][0] if folders else DEFAULT_FOLDER


def _file_name(name: str) -> str:
    name = name.strip()
    plain = (
        name not in ("", ".", "..")
        and not name.startswith(".")
        and "/" not in name
        and "\\" not in name
        and name.isprintable()
    )
    if not plain:
        raise SourceRefused(
            f"the file name {truncate(display(name), 60)!r} should be a plain name such as "
            "article.txt (no folder, not hidden); nothing was written"
        )
    return name if "." in name else f"{name}.txt"


def _source_id(kb: KnowledgeBase, wanted: str | None, fields: SourceFields) -> str:
    if not wanted:
        return new_id(kb, fields.publisher, fields.published[:10], fields.title)
    wanted = wanted.strip()
    if not _SLUG.match(wanted):
        raise SourceRefused(
            f"the id {truncate(display(wanted), 60)!r} is not a valid id: use lower-case ASCII "
            "letters, digits and single hyphens (e.g. news24-haftar-rome); nothing was written"
        )
    if wanted in kb.source_by_id:
        raise SourceRefused(
            f"the knowledge base has a source {wanted!r} already: choose another id; nothing "
            "was written"
        )
    return wanted


def _checked_fields(fields: SourceFields) -> SourceFields:
    values = {}
    for key in ("title", "publisher", "published", *OPTIONAL):
        value = (getattr(fields, key) or "").strip()
        if not value and key in ("title", "publisher", "published"):
            raise SourceRefused(f"give the source's {key}; nothing was written")
        values[key] = value or None
    problem = timestamp_problem(values["published"], "published")
    if problem is not None:
        raise SourceRefused(f"{problem}; nothing was written")
    return SourceFields(**values)


def prepare(
    kb: KnowledgeBase,
    kb_path: Path,
    data: bytes,
    fields: SourceFields,
    *,
    source_id: str | None = None,
    name: str | None = None,
    shown: str = "the text",
) -> NewSource:
    """Check everything before anything is written: the fields, the text, the id, the
    name (``<id>.txt`` unless given) in the folder the sources use, which no file may hold
    yet. Raises ``SourceRefused``."""
    fields = _checked_fields(fields)
    text = text_of(data, shown)
    chosen = _source_id(kb, source_id, fields)
    file_name = _file_name(name if name else chosen)
    folder = sources_folder(kb)
    relative = file_name if folder in ("", ".") else f"{folder}/{file_name}"
    base = kb_path.parent
    place = inside(base, relative)
    if place is None:
        raise SourceRefused(
            f"{display(relative)} would be outside the knowledge base's folder; nothing was "
            "written"
        )
    target = base / relative
    if os.path.lexists(target):
        raise SourceRefused(
            f"{display(str(target))} exists already: give another name (--name) or id (--id); "
            "nothing was written"
        )
    sha256 = hashlib.sha256(data).hexdigest()
    same = next((s for s in kb.sources if s.sha256 == sha256 or s.text == text), None)
    if same is not None:
        # The same bytes twice would count one article as two sources.
        raise SourceRefused(
            f"{shown} is already in the knowledge base, byte for byte, as source "
            f"{display(same.id)!r}; nothing was written"
        )
    entry: dict = {
        "id": chosen,
        "title": fields.title,
        "publisher": fields.publisher,
        "published": fields.published,
        "path": relative,
        **{key: getattr(fields, key) for key in OPTIONAL},
        "sha256": sha256,
    }
    return NewSource(chosen, relative, target, data, len(text.split()), sha256, entry)


# --- writing ----------------------------------------------------------------------------------


def write_text(source: NewSource) -> bool:
    """Create the text file (never over an existing one: a hard link to a file written
    beside it, or an exclusive create where links cannot be made), and its folder if it has
    none; whether the folder was made. Raises ``SourceRefused`` (nothing left behind)."""
    target = source.target
    folder = target.parent
    shown = display(str(target))
    made = False
    if not folder.is_dir():
        try:
            folder.mkdir()
        except OSError as error:
            reason = display(error.strerror or str(error))
            raise SourceRefused(
                f"{display(str(folder))}: cannot make the folder: {reason}; nothing was written"
            ) from None
        made = True
    try:
        temporary = write_beside(target, source.data)
        try:
            try:
                os.link(temporary, target)
            except FileExistsError:
                raise
            except OSError:  # no hard links on this file system
                _create_exclusively(target, source.data)
        finally:
            discard(temporary)
        sync_folder(folder)
    except FileExistsError:
        _remove_folder(folder, made)
        raise SourceRefused(
            f"{shown} exists already: give another name (--name) or id (--id); nothing was "
            "written"
        ) from None
    except OSError as error:
        _remove_folder(folder, made)
        reason = display(error.strerror or str(error))
        raise SourceRefused(f"{shown}: cannot write it: {reason}; nothing was written") from None
    return made


def _create_exclusively(target: Path, data: bytes) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _remove_folder(folder: Path, made: bool) -> None:
    if made:
        try:
            folder.rmdir()
        except OSError:
            pass


def remove_text(source: NewSource, made_folder: bool = False) -> bool:
    """Remove the text ``write_text`` wrote (only if the file still holds it), and the
    folder if it made it; whether the text is gone."""
    if not holds(source.target, source.data):
        return False
    try:
        source.target.unlink()
    except OSError:
        return False
    sync_folder(source.target.parent)
    _remove_folder(source.target.parent, made_folder)
    return True


def undone(source: NewSource, removed: bool) -> str:
    """What became of the text once its entry was refused."""
    if removed:
        return f"the text copied to {source.relative} was removed again"
    return f"the text copied to {source.relative} could not be removed: remove it by hand"


def add_source(
    kb_path: Path,
    data: bytes,
    fields: SourceFields,
    *,
    source_id: str | None = None,
    name: str | None = None,
    shown: str = "the text",
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> NewSource:
    """`stakeholders add-source`: check, copy the text, add the entry. Raises ``LoadError``
    (the knowledge base does not load), ``SourceRefused`` or ``ChangeRefused`` (nothing
    written: the text copied is removed again, and the message says so)."""
    reading = Reading(max_bytes, max_total_bytes)
    kb = load_knowledge_base(
        kb_path, max_bytes=max_bytes, max_total_bytes=max_total_bytes, reading=reading
    )
    stamp = reading.stamps.get(kb_path.resolve())
    if stamp is None:
        raise SourceRefused(
            f"{display(str(kb_path))} changed while it was read; nothing was written: try again"
        )
    state = FileState.read(kb_path, stamp)
    source = prepare(kb, kb_path, data, fields, source_id=source_id, name=name, shown=shown)
    made = write_text(source)
    try:
        try:
            new_text = append_item(state.text, "sources", source.entry)
        except Refused as refused:
            problem = refused.problem(str(kb_path), "add the source")
            shown_kb = display(str(kb_path))
            raise ChangeRefused(f"{shown_kb}: nothing was written", [problem]) from None
        save(state, new_text, kb=kb, max_bytes=max_bytes, max_total_bytes=max_total_bytes)
    except ChangeRefused as refused:
        removed = remove_text(source, made)
        message = f"{refused.message}; {undone(source, removed)}"
        raise ChangeRefused(message, refused.problems) from None
    return source
