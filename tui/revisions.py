"""A knowledge base as it was at a git revision (`stakeholders diff --git REV`, and `D` in the
app). Pure core: no Textual.

The file and the source texts it names are read from the revision with git, in the file's
own repository, and written to a temporary folder laid out as the knowledge base's folder
was; the loader then checks them there as it checks any file. Problems are reported
against ``REV:path`` (the file as git names it at that revision), never the temporary
folder.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import tempfile
from pathlib import Path

from .files import inside
from .loader import MAX_BYTES, MAX_TOTAL_BYTES, LoadError, Problem, load_knowledge_base
from .model import KnowledgeBase
from .sanitize import display

GIT_TIMEOUT = 60  # seconds any one git command may take


class RevisionError(Exception):
    """The revision cannot be read: no git, not a repository, no such revision, or the
    file was not in it. ``message`` is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _git(folder: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args],
            input=data,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise RevisionError("git is not installed (or not on the PATH)") from None
    except subprocess.TimeoutExpired:
        raise RevisionError(f"git {args[0]} took longer than {GIT_TIMEOUT} s") from None
    except OSError as error:
        raise RevisionError(f"git could not be run: {error.strerror or error}") from None


def _first_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return display(lines[0]) if lines else ""


class Revision:
    """``path`` as it was at ``revision`` in its repository."""

    def __init__(self, path: Path, revision: str) -> None:
        self.path = Path(path)
        self.revision = revision
        self.folder = self.path.absolute().parent
        if not revision or revision.startswith("-") or any(c in revision for c in "\n\0"):
            raise RevisionError(f"not a revision: {display(revision)!r}")
        if not self.folder.is_dir():
            raise RevisionError(f"no such folder: {display(str(self.folder))}")
        found = _git(self.folder, "rev-parse", "--show-prefix")
        if found.returncode != 0:
            raise RevisionError(
                f"{display(str(self.path))} is not in a git repository"
                if b"not a git repository" in found.stderr.lower()
                else f"git: {_first_line(found.stderr)}"
            )
        self.prefix = found.stdout.decode("utf-8", "surrogateescape").strip()
        found = _git(self.folder, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        if found.returncode != 0:
            raise RevisionError(f"no revision {display(revision)!r} in the repository of "
                                f"{display(str(self.path))}")
        self.commit = found.stdout.decode("ascii", "replace").strip()

    def name(self, relative: str) -> str:
        """The path of a file of the knowledge base's folder as git names it in the tree."""
        return posixpath.normpath(self.prefix + relative.replace(os.sep, "/"))

    @property
    def shown(self) -> str:
        """The file as the output names it: ``REV:path`` as git names it (`git show` takes
        it), the path from the top of the repository."""
        return f"{self.revision}:{self.name(self.path.name)}"

    def blobs(self, names: list[str], limit: int) -> dict[str, bytes]:
        """The content of each of ``names`` at the revision (those that are files there and
        no larger than ``limit``), read in one `git cat-file --batch`."""
        if not names:
            return {}
        request = "".join(f"{self.commit}:{name}\n" for name in names).encode(
            "utf-8", "surrogateescape"
        )
        done = _git(self.folder, "cat-file", "--batch", data=request)
        if done.returncode != 0:
            raise RevisionError(f"git cat-file: {_first_line(done.stderr)}")
        found: dict[str, bytes] = {}
        output, at = done.stdout, 0
        for name in names:
            end = output.index(b"\n", at)
            header = output[at:end].split()
            at = end + 1
            if len(header) != 3:
                continue  # "<name> missing" / "ambiguous": not there
            kind, size = header[1], int(header[2])
            if kind == b"blob" and size <= limit:
                found[name] = output[at : at + size]
            at += size + 1
        return found

    def load(
        self, *, max_bytes: int = MAX_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES
    ) -> KnowledgeBase:
        """The knowledge base at the revision, checked by the loader. Raises
        ``RevisionError`` or ``LoadError`` (problems placed at ``REV:path``)."""
        name = self.name(self.path.name)
        size = _git(self.folder, "cat-file", "-s", f"{self.commit}:{name}")
        if size.returncode != 0:
            raise RevisionError(f"{display(str(self.path))} is not in revision "
                                f"{display(self.revision)!r}")
        if int(size.stdout.strip() or 0) > max_bytes:
            raise RevisionError(f"{display(self.shown)} is larger than the size cap "
                                f"({max_bytes:,} bytes; --max-size)")
        text = self.blobs([name], max_bytes).get(name)
        if text is None:
            raise RevisionError(f"{display(str(self.path))} is not a file in revision "
                                f"{display(self.revision)!r}")
        folder = Path(tempfile.mkdtemp(prefix="stakeholders-rev-"))
        try:
            copy = folder / self.path.name
            copy.write_bytes(text)
            self._copy_sources(text, folder, max_bytes, max_total_bytes)
            try:
                kb = load_knowledge_base(copy, max_bytes=max_bytes,
                                         max_total_bytes=max_total_bytes)
            except LoadError as error:
                raise self._placed(error, folder) from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return _shown_as(kb, self.shown)

    def _copy_sources(self, text: bytes, folder: Path, max_bytes: int, total: int) -> None:
        """Write the source texts the file names, as they were at the revision, where the
        loader will look for them in ``folder``. A path that leads outside it, or that the
        revision lacks, is left for the loader to report."""
        wanted: dict[str, Path] = {}
        for relative in source_paths(text):
            place = inside(folder, relative)
            if place is not None:
                wanted[self.name(relative)] = place
        for name, data in self.blobs(list(wanted), max_bytes).items():
            total -= len(data)
            if total < 0:
                break  # the loader reports the cap
            place = wanted[name]
            place.parent.mkdir(parents=True, exist_ok=True)
            place.write_bytes(data)

    def _placed(self, error: LoadError, folder: Path) -> LoadError:
        """``error`` with the temporary folder's paths as the revision's."""
        here = str(folder / self.path.name)
        base = str(folder) + os.sep
        origin = f"{self.revision}:{self.prefix}"
        problems = [
            Problem(
                self.shown if problem.path == here else problem.path.replace(base, origin),
                problem.line,
                problem.column,
                problem.message.replace(here, self.shown).replace(base, origin),
                problem.item_id,
            )
            for problem in error.problems
        ]
        return LoadError(problems)


def _shown_as(kb: KnowledgeBase, shown: str) -> KnowledgeBase:
    import dataclasses

    return dataclasses.replace(kb, path=shown)


def source_paths(text: bytes) -> list[str]:
    """The `path` of every entry of the `sources` of a knowledge base's YAML text, as
    written; none when the text does not parse (the loader then says why). Read from the
    parser's events up to the end of `sources` (the first section, as a rule): the rest of
    a large file is not parsed twice, and no node is built."""
    import yaml

    from .loader import _safe_loader

    found: list[str] = []
    try:
        loader = _safe_loader()(text)
        try:
            events = _events(loader)
            for event in events:
                if isinstance(event, yaml.MappingStartEvent):
                    break  # the top-level mapping
                if isinstance(event, (yaml.SequenceStartEvent, yaml.ScalarEvent)):
                    return found  # not a knowledge base
            for key in events:
                if isinstance(key, yaml.MappingEndEvent):
                    break
                if isinstance(key, yaml.ScalarEvent) and key.value == "sources":
                    _paths_in(events, found)
                    break
                _skip(events, key)  # the key (a collection key is possible)
                _skip(events, next(events))  # its value
        finally:
            loader.dispose()
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError, StopIteration):
        return found
    return found


def _events(loader):
    while loader.check_event():
        yield loader.get_event()


def _skip(events, event) -> None:
    """Consume the rest of the node ``event`` starts."""
    import yaml

    depth = 1 if isinstance(event, yaml.CollectionStartEvent) else 0
    while depth:
        event = next(events)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _paths_in(events, found: list[str]) -> None:
    """The `path` of each entry of the list of sources whose events come next."""
    import yaml

    start = next(events)
    if not isinstance(start, yaml.SequenceStartEvent):
        _skip(events, start)
        return
    for entry in events:
        if isinstance(entry, yaml.SequenceEndEvent):
            return
        if not isinstance(entry, yaml.MappingStartEvent):
            _skip(events, entry)
            continue
        for key in events:
            if isinstance(key, yaml.MappingEndEvent):
                break
            _skip(events, key)
            value = next(events)
            if (isinstance(key, yaml.ScalarEvent) and key.value == "path"
                    and isinstance(value, yaml.ScalarEvent)):
                found.append(value.value)
            _skip(events, value)


def load_revision(
    path: Path, revision: str, *, max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> KnowledgeBase:
    """``path`` as it was at ``revision``. Raises ``RevisionError`` or ``LoadError``."""
    return Revision(path, revision).load(max_bytes=max_bytes, max_total_bytes=max_total_bytes)
