"""Where known actors are named in a text, by name and alias, in one pass over the text.

The names are indexed once per knowledge base, word by word, so a text is read once
however many actors there are (one search per alias was O(actors x text)). Case, accents
and typographic quotes are folded (`folding.fold`) and words are whole words; a short name
written in capitals ("US", "UN", "GNA") matches only in capitals, so that "told us" is not
the United States. Where names overlap, the longest wins ("Italy's defence minister" is
Roberta Pinotti, not Italy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .folding import fold
from .model import KnowledgeBase

_WORD = re.compile(r"\w+")
_GAP = re.compile(r"[\s\-‐‑–—]+")  # white space and hyphens between words: one gap
_ACRONYM_LONGEST = 5  # an all-capitals name this long or shorter matches only in capitals


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    actor_id: str
    nested: bool = False  # inside a longer name of another actor


@dataclass(frozen=True, slots=True)
class _Name:
    words: tuple[str, ...]
    gaps: tuple[str, ...]  # what stands between the words, folded and loosened
    actor_id: str
    capitals: str | None  # the name as written, when it must match in capitals
    tail: str = ""  # what the name has after its last word ("Islamic State (ISIS)": ")")


def _gap(text: str) -> str:
    return _GAP.sub(" ", text)


def _name(name: str, actor_id: str) -> _Name | None:
    folded = fold(name).strip()
    spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
    if not spans or len(folded) < 2:
        return None
    words = tuple(folded[s:e] for s, e in spans)
    gaps = tuple(_gap(folded[spans[i][1]:spans[i + 1][0]]) for i in range(len(spans) - 1))
    stripped = name.strip()
    capitals = (
        stripped
        if len(stripped) <= _ACRONYM_LONGEST and stripped.isupper() and len(words) == 1
        else None
    )
    return _Name(words, gaps, actor_id, capitals, folded[spans[-1][1]:])


class NameIndex:
    """Every name and alias of a knowledge base's actors in a tree of words (a trie): a
    text is read word by word, and from each word only the names that go on with the next
    words are followed, however many names share a first word."""

    def __init__(self, kb: KnowledgeBase) -> None:
        root: dict = {}
        seen: set[tuple] = set()
        for actor in kb.actors:
            for written in (actor.name, *actor.aliases):
                name = _name(written, actor.id)
                if name is None or (key := (name.words, name.gaps, name.tail, actor.id)) in seen:
                    continue
                seen.add(key)
                node = root
                for word in name.words:
                    node = node.setdefault(word, {})
                node.setdefault(None, []).append(name)  # None: names that end here
        self._root = root

    def mentions(self, text: str, offset: int = 0) -> list[Mention]:
        """The names in ``text`` (offsets plus ``offset``), in order. A name inside a longer
        name of another actor is kept, marked ``nested`` ("Haftar" in "Forces under
        Haftar's command"); inside a longer name of the same actor it is the same mention
        ("Haftar" in "Khalifa Haftar") and is left out."""
        folded = fold(text)
        spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
        words = [folded[start:end] for start, end in spans]
        root = self._root
        found: list[tuple[int, int, str]] = []
        count = len(words)
        for index in range(count):
            node = root.get(words[index])
            last = index
            while node is not None:
                for name in node.get(None, ()):
                    if name.capitals is not None and \
                            text[spans[index][0]:spans[index][1]] != name.capitals:
                        continue
                    if any(
                        _gap(folded[spans[index + k - 1][1]:spans[index + k][0]])
                        != name.gaps[k - 1]
                        for k in range(1, last - index + 1)
                    ):
                        continue
                    end = spans[last][1]
                    if name.tail and folded.startswith(name.tail, end):
                        end += len(name.tail)  # the name as the text writes it, whole
                    found.append((spans[index][0], end, name.actor_id))
                last += 1
                node = node.get(words[last]) if last < count else None
        found.sort(key=lambda match: (match[0], -match[1]))
        kept: list[Mention] = []
        outer: list[tuple[int, int, str]] = []  # the longest names still open at this point
        for start, end, actor_id in found:
            outer = [match for match in outer if match[1] > start]
            covering = [match for match in outer if match[1] >= end
                        and (match[0], match[1]) != (start, end)]
            if any(match[2] == actor_id for match in covering):
                continue
            kept.append(Mention(offset + start, offset + end, actor_id, bool(covering)))
            outer.append((start, end, actor_id))
        return kept

    def actor_ids(self, text: str) -> tuple[str, ...]:
        """The actors ``text`` names, each once, in the order they are first named; a name
        inside another actor's longer name does not count ("Italy" in "Italy's defence
        minister", which is Roberta Pinotti)."""
        return tuple(dict.fromkeys(
            mention.actor_id for mention in self.mentions(text) if not mention.nested
        ))


_last: tuple[KnowledgeBase, NameIndex] | None = None


def name_index(kb: KnowledgeBase) -> NameIndex:
    """The index of ``kb``'s names, built once per knowledge base (the last one is kept:
    the app and a command work on one at a time)."""
    global _last
    if _last is None or _last[0] is not kb:
        _last = (kb, NameIndex(kb))
    return _last[1]
