"""What the app remembers between runs: theme, sorts, last export folder. Pure core: no Textual.

The settings are one JSON object in ``settings.json`` in the user's config directory
(``~/.config/stakeholders`` on Linux; ``STAKEHOLDERS_CONFIG_DIR`` overrides it). JSON rather
than TOML: the standard library both reads and writes it (``tomllib`` only reads, and takes
20 ms to import), and the file is a flat object of a few strings. Every start-up reads it,
so the shape this module writes (one ``"key": "value"`` a line) is read without importing
``json`` (``_flat_object``), a few milliseconds; anything else goes to ``json``.

Reading never fails (``read_settings``): a missing file gives no settings; a damaged or
unreadable one gives none and a one-line problem, and is left as it is until a setting
changes; a key it does not know is ignored, and so is a value of the wrong type (that key
only, also said in the problem). Writing (``store``) replaces the file whole, atomically
(``files.write_beside``, then ``files.replace``).

Adding a setting: a key of ``Settings`` with its type, which a stored value is checked
against. A key that is absent is not set: the app's default applies.
"""

from __future__ import annotations

import os
import typing
from pathlib import Path
from typing import TypedDict

from platformdirs import user_config_dir

from .files import open_regular, replace, write_beside

FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024  # a few short strings fit many times over; more is not this file
MAX_TEXT_LENGTH = 4096  # PATH_MAX on Linux: the longest value (a folder) fits


class Settings(TypedDict, total=False):
    """Every setting (a TypedDict, not a dataclass: building a dataclass costs start-up
    two milliseconds). Treated as a value: changed by building another."""

    theme: str
    actor_sort: str  # a SortOrder value of the actor list
    relation_sort: str  # the relations table's sort (RelationSort)
    export_folder: str  # absolute: the folder of the last export written


def settings_folder() -> Path:
    override = os.environ.get("STAKEHOLDERS_CONFIG_DIR")
    return Path(override) if override else Path(user_config_dir("stakeholders"))


def settings_path() -> Path:
    return settings_folder() / FILE_NAME


def read_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """The settings stored in ``path`` (default ``settings_path()``), and why some or all of
    the file was ignored (one line), if so. Never raises."""
    path = path or settings_path()
    try:
        text = _read_capped(path).decode("utf-8")
    except FileNotFoundError:
        return Settings(), None
    except UnicodeDecodeError:
        return _ignored(path, "it is not UTF-8 text")
    except OSError as error:
        return _ignored(path, error.strerror or str(error))
    except ValueError as error:
        return _ignored(path, str(error))
    try:
        stored = _parsed(text)
    except ValueError as error:  # json.JSONDecodeError is one
        return _ignored(path, f"it is not JSON ({error})")
    except RecursionError:
        return _ignored(path, "it is not JSON this app writes (nested too deep)")
    if not isinstance(stored, dict):
        return _ignored(path, "it does not hold a JSON object")
    return _validated(path, stored)


def _read_capped(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES (never a FIFO or a device).
    Raises ``OSError``, or ``ValueError`` when it is larger."""
    descriptor, status = open_regular(path)
    with open(descriptor, "rb") as stream:
        data = stream.read(MAX_BYTES + 1)
    if status.st_size > MAX_BYTES or len(data) > MAX_BYTES:
        raise ValueError(f"it is larger than {MAX_BYTES // 1024} KiB")
    return data


def _ignored(path: Path, why: str) -> tuple[Settings, str]:
    return Settings(), f"Settings file {path} ignored: {why}."


def _parsed(text: str) -> object:
    """What ``json.loads(text)`` gives; the flat object this module writes without json."""
    flat = _flat_object(text)
    if flat is not None:
        return flat
    import json  # not the shape written here: worth the import

    return json.loads(text)


def _flat_object(text: str) -> dict[str, str] | None:
    """``text`` read as ``_encoded`` writes it: "{", one ``"key": "value"`` a line with a
    comma after all but the last, "}"; strings with no escape. None for anything else, which
    may still be JSON."""
    lines = text.strip().split("\n")
    if lines == ["{}"]:
        return {}
    if len(lines) < 3 or lines[0].strip() != "{" or lines[-1].strip() != "}":
        return None
    found: dict[str, str] = {}
    entries = lines[1:-1]
    for number, line in enumerate(entries, start=1):
        entry = line.strip()
        if number < len(entries):
            if not entry.endswith(","):
                return None
            entry = entry[:-1]
        key, separator, value = entry.partition(": ")
        if not (separator and _plain_string(key) and _plain_string(value)):
            return None
        found[key[1:-1]] = value[1:-1]
    return found


def _plain_string(token: str) -> bool:
    """Whether ``token`` is a JSON string that holds no escape: its text is its value."""
    inner = token[1:-1]
    return (
        len(token) >= 2
        and token[0] == token[-1] == '"'
        and '"' not in inner
        and "\\" not in inner
        and all(character >= " " for character in inner)
    )


def _validated(path: Path, stored: dict[str, object]) -> tuple[Settings, str | None]:
    """The known keys of ``stored`` whose values have the right type; the others named."""
    found: dict[str, object] = {}
    wrong: list[str] = []
    for name, expected in typing.get_type_hints(Settings).items():
        if name not in stored:
            continue
        if _fits(stored[name], expected):
            found[name] = stored[name]
        else:
            wrong.append(name)
    problem = None
    if wrong:
        problem = f"Settings file {path}: ignored {', '.join(wrong)} (wrong type of value)."
    return typing.cast(Settings, found), problem


def _fits(value: object, expected: type) -> bool:
    if isinstance(value, bool) and expected is not bool:
        return False  # JSON true is no number
    if isinstance(value, str):
        # A path or a name: a NUL would make every use of it fail.
        return expected is str and len(value) <= MAX_TEXT_LENGTH and "\x00" not in value
    return isinstance(value, expected)


def store(changes: Settings, current: Settings, path: Path | None = None) -> Settings:
    """Write ``changes`` over the settings in ``path`` and return all that was written.

    The changes go over what the file holds now, so that two windows open at once each
    keep the other's settings; over ``current`` (the app's) when the file is damaged, which
    is then replaced whole. A file that is a symbolic link (a dotfiles folder) is replaced
    where it points, and the link kept. Raises ``OSError``, and ``KeyError`` for a key that
    is not a setting (a typo would otherwise be saved, then ignored at every start)."""
    unknown = changes.keys() - Settings.__annotations__.keys()
    if unknown:
        raise KeyError(f"not a setting: {', '.join(sorted(unknown))}")
    path = path or settings_path()
    on_disk, problem = read_settings(path)
    updated = Settings(**{**(current if problem is not None else on_disk), **changes})
    target = path.resolve() if path.is_symlink() else path
    target.parent.mkdir(parents=True, exist_ok=True)
    replace(write_beside(target, _encoded(updated)), target)
    return updated


def _encoded(settings: Settings) -> bytes:
    import json

    return (json.dumps(settings, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
