"""Where the palette's Screenshot goes, and writing it there. Pure core: no Textual.

Textual's own command writes to the Downloads folder, which often does not exist (a server,
a container), and then says only "Failed to save screenshot". Here the picture goes to the
first folder that takes it: the folder named by ``TEXTUAL_SCREENSHOT_LOCATION`` (created if
missing: someone asked for it), else the Downloads folder if there is one (never created:
a Downloads folder on a server is clutter), else the working directory. The caller is told
the file written, or why each folder refused it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from platformdirs import user_downloads_path

from .files import replace, write_beside

LOCATION_VARIABLE = "TEXTUAL_SCREENSHOT_LOCATION"


@dataclass(frozen=True)
class Place:
    """A folder to try, and whether to create it when it is missing."""

    folder: Path
    create: bool = False


@dataclass(frozen=True)
class Saved:
    """The file written, and the folders tried before it with why each failed."""

    path: Path
    refused: tuple[tuple[Path, str], ...] = ()

    def describe(self) -> str:
        """The notice, "Saved to /home/a/shot.svg", and why not where first tried, if so."""
        said = f"Saved to {self.path}"
        if self.refused:
            said += " (" + "; ".join(f"not {folder}: {why}" for folder, why in self.refused) + ")"
        return said


class NotSaved(Exception):
    """No folder took the screenshot; ``refused`` says why, folder by folder."""

    def __init__(self, refused: tuple[tuple[Path, str], ...]) -> None:
        super().__init__("; ".join(f"{folder}: {why}" for folder, why in refused))
        self.refused = refused


def places(folder: str | None = None) -> list[Place]:
    """Where to try, in order: ``folder`` if given, else the configured folder or the
    Downloads folder; the working directory last."""
    chosen = folder or os.environ.get(LOCATION_VARIABLE)
    found = [Place(Path(chosen).expanduser(), create=True)] if chosen else []
    if not found:
        downloads = user_downloads_path()
        if downloads.is_dir():
            found = [Place(downloads)]
    try:
        found.append(Place(Path.cwd()))
    except OSError:  # the working directory was removed
        pass
    return found


def file_name(title: str, now: datetime) -> str:
    """``stakeholder-explorer-2017-08-01T10-20-30.svg``: sorts by time, no reserved character."""
    stem = "-".join(title.lower().split()) or "screenshot"
    return f"{stem}-{now:%Y-%m-%dT%H-%M-%S}.svg"


def save(svg: str, name: str, where: list[Place]) -> Saved:
    """Write ``svg`` as ``name`` in the first place of ``where`` that takes it (never over an
    existing file: a number is added). Raises ``NotSaved``."""
    data = svg.encode("utf-8")
    refused: list[tuple[Path, str]] = []
    for place in where:
        folder = place.folder.absolute()
        try:
            if place.create:
                folder.mkdir(parents=True, exist_ok=True)
            target = _free_name(folder, name)
            replace(write_beside(target, data), target)
        except OSError as error:
            refused.append((folder, error.strerror or str(error)))
            continue
        return Saved(target, tuple(refused))
    raise NotSaved(tuple(refused))


def _free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem-2.svg`` and so on when it is taken."""
    target = folder / name
    stem, suffix = os.path.splitext(name)
    number = 1
    while os.path.lexists(target):
        number += 1
        target = folder / f"{stem}-{number}{suffix}"
    return target
