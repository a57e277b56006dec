"""Actors that may be one actor written twice: `stakeholders check` warns about them, the
app lists them, and `stakeholders merge` makes them one.

Three reasons make a likely duplicate, each found by grouping the actors' names and aliases
under a key (never by comparing every pair, so 10,000 actors take a fraction of a second):

- a name or alias equal to one of the other actor's once folded (case, accents,
  typographic quotes, punctuation and spacing aside): "Fayez al-Sarraj" / "fayez al sarraj";
- transliteration variants, word by word: the same consonants in the same order, vowels
  aside but for a leading one, doubled letters as one, and the spellings that transliterate
  one Arabic letter (q/k, kh/k, dh/z, th/t, ph/f, dj/j, ou/u) as one: Haftar / Hifter /
  Heftar, Sarraj / Serraj, Gaddafi / Gadafi;
- an acronym and its expansion: GNA / Government of National Accord (the initials of the
  significant words; "of", "the", "and"... skipped).

A pair where either actor lists the other in `distinct_from` is not a duplicate.

Pure core: no Textual.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .folding import fold
from .model import Actor, KnowledgeBase

# Words an acronym skips, and words a transliteration ignores (Arabic articles).
_MINOR_WORDS = frozenset(
    "of the and for in on at to a an de del des du la le les el al by".split()
)
_ARTICLES = frozenset({"al", "el", "the"})
_NOT_WORD = re.compile(r"[\W_]+")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_ACRONYM = re.compile(r"(?:[A-Z]\.?){2,8}\Z")
_NO_VOWELS = str.maketrans("", "", "aeiouy")
_NOT_LETTER = re.compile(r"[\W\d_]+")
# Spellings of one sound, in the order they are replaced (a digraph before its letters).
_EQUIVALENT = (("dj", "j"), ("kh", "k"), ("dh", "z"), ("th", "t"), ("ph", "f"),
               ("ck", "k"), ("ou", "u"), ("q", "k"))
MIN_SKELETON = 3  # letters a one-word name's skeleton needs (Sarraj: s-r-j)
MAX_GROUP = 50  # more actors than this under one key are a common word, not a duplicate


@dataclass(frozen=True, slots=True)
class Duplicate:
    """Two actors (``first`` before ``second`` in the file) that may be one, and why."""

    first: str
    second: str
    reasons: tuple[str, ...]


def normalised(text: str) -> str:
    """``text`` as compared: folded, punctuation and spacing made single spaces."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def names_of(actor: Actor) -> list[str]:
    """An actor's name and aliases, and each without what it has in parentheses and that
    alone ("Islamic State (ISIS)": "Islamic State", "ISIS"), each once."""
    found: dict[str, None] = {}
    for text in (actor.name, *actor.aliases):
        found[text.strip()] = None
        inner = _PARENTHESES.findall(text)
        if inner:
            found[" ".join(_PARENTHESES.sub(" ", text).split())] = None
            found.update(dict.fromkeys(part.strip() for part in inner))
    return [text for text in found if text]


@functools.lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """A word's transliteration skeleton: "haftar", "hifter", "heftar" -> "hftr"."""
    letters = _NOT_LETTER.sub("", fold(word))
    for written, sound in _EQUIVALENT:
        if written in letters:
            letters = letters.replace(written, sound)
    kept = letters[:1] + letters[1:].translate(_NO_VOWELS)
    return "".join([char for char, _ in itertools.groupby(kept)])


def _skeleton_key(words: list[str]) -> str | None:
    words = [word for word in words if word not in _ARTICLES]
    if not words or any(word.isdigit() for word in words):
        return None
    key = " ".join([skeleton(word) for word in words])
    if len(words) == 1 and len(key) < MIN_SKELETON:
        return None
    return key


def _acronym(text: str) -> str | None:
    """The letters of an acronym ("GNA", "U.N."), lower case; None for another name."""
    compact = text.strip()
    return compact.replace(".", "").lower() if _ACRONYM.match(compact) else None


def _initials(words: list[str]) -> str | None:
    """The initials of a name's significant words, when it has two or more."""
    words = [word for word in words if word not in _MINOR_WORDS]
    return "".join(word[0] for word in words) if len(words) >= 2 else None


def likely_duplicates(kb: KnowledgeBase) -> list[Duplicate]:
    """Pairs of actors that may be one, with the reasons, in file order."""
    order = {actor.id: index for index, actor in enumerate(kb.actors)}
    reasons: dict[tuple[str, str], dict[str, None]] = {}

    def add(pairs: Iterable[tuple[tuple[str, str], tuple[str, str]]], say) -> None:
        for (a, text_a), (b, text_b) in pairs:
            if a == b:
                continue
            if order[a] > order[b]:
                (a, text_a), (b, text_b) = (b, text_b), (a, text_a)
            reasons.setdefault((a, b), {})[say(text_a, text_b)] = None

    same: dict[str, list[tuple[str, str]]] = {}
    sounds: dict[str, list[tuple[str, str]]] = {}
    acronyms: dict[str, list[tuple[str, str]]] = {}
    expansions: dict[str, list[tuple[str, str]]] = {}
    for actor in kb.actors:
        for text in names_of(actor):
            entry = (actor.id, text)
            key = normalised(text)
            if not key:
                continue
            same.setdefault(key, []).append(entry)
            words = key.split()
            sound = _skeleton_key(words)
            if sound is not None:
                sounds.setdefault(sound, []).append(entry)
            acronym = _acronym(text)
            if acronym is not None:
                acronyms.setdefault(acronym, []).append(entry)
            initials = _initials(words)
            if initials is not None and 2 <= len(initials) <= 8:
                expansions.setdefault(initials, []).append(entry)

    def say_same(a: str, b: str) -> str:
        return f"both are called {a!r}" if a == b else f"{a!r} and {b!r} are the same name"

    add(_pairs_within(same), say_same)
    add(((a, b) for a, b in _pairs_within(sounds) if normalised(a[1]) != normalised(b[1])),
        lambda a, b: f"{a!r} and {b!r} may be spellings of one name")
    for key, written in acronyms.items():
        spelt = expansions.get(key, ())
        if len(written) * len(spelt) <= MAX_GROUP * MAX_GROUP:
            add(((a, b) for a in written for b in spelt),
                lambda a, b: f"{a!r} may stand for {b!r}")

    by_id = kb.actor_by_id
    found = []
    for (a, b), why in reasons.items():
        first, second = by_id[a], by_id[b]
        if b in first.distinct_from or a in second.distinct_from:
            continue
        found.append(Duplicate(a, b, tuple(why)))
    found.sort(key=lambda pair: (order[pair.first], order[pair.second]))
    return found


def _pairs_within(
    groups: dict[str, list[tuple[str, str]]],
) -> Iterator[tuple[tuple[str, str], tuple[str, str]]]:
    """Each pair of entries of two different actors under one key (a key more than
    ``MAX_GROUP`` actors share is a common word, not a sign of anything)."""
    for entries in groups.values():
        if len(entries) < 2:
            continue
        first_of: dict[str, tuple[str, str]] = {}
        for entry in entries:
            first_of.setdefault(entry[0], entry)
        if not 2 <= len(first_of) <= MAX_GROUP:
            continue
        chosen = list(first_of.values())
        for i, a in enumerate(chosen):
            for b in chosen[i + 1 :]:
                yield a, b


def warning_text(kb: KnowledgeBase, duplicate: Duplicate) -> str:
    """What `check` says of a pair, after the place."""
    return (
        f"actors {duplicate.first!r} and {duplicate.second!r} may be the same: "
        f"{'; '.join(duplicate.reasons)}; if they are not, add distinct_from: "
        f"[{duplicate.second}] to {duplicate.first!r}"
    )


_ID_LINE = re.compile(r"^([ \t]*(?:-[ \t]+)*id[ \t]*:[ \t]*['\"]?)([a-z0-9-]+)", re.MULTILINE)


def id_places(text: str, actor_ids: Iterable[str],
              section: str = "actors") -> dict[str, tuple[int, int]]:
    """The line and column (1-based) of the `id:` value of each of ``actor_ids`` in
    ``section`` of ``text``, for those it finds."""
    from . import outline

    wanted = set(actor_ids)
    where = outline.Outline.of(text).section(section)
    start, end = (where.body_start, where.end) if where is not None else (0, len(text))
    found: dict[str, tuple[int, int]] = {}
    for match in _ID_LINE.finditer(text, start, end):
        actor_id = match.group(2)
        if actor_id in wanted and actor_id not in found:
            line_start = match.start()
            found[actor_id] = (outline.line_number(text, line_start) + 1,
                               match.start(2) - line_start + 1)
    return found
