"""How many sources support a claim, and how many independent origins those are.

Wire copy is reprinted everywhere: counting reprints as confirmation is a measured failure.
So sources with the same ``origin`` ("AFP"), or one marked ``syndicated_from`` the other,
count once: they are one *origin*. A source with neither is an origin of its own. `check`
warns when two texts look like copies of one (most of their word shingles shared) and
neither says so.

Pure core: no Textual.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from .folding import fold
from .model import RELIABILITY_GRADES, KnowledgeBase, Source

SHINGLE_WORDS = 5  # a shingle: five words in a row, folded
COPY_SHARE = 0.5  # two texts sharing this share of the shorter one's shingles are copies
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Support:
    sources: int
    origins: int
    best_reliability: str | None  # the best Admiralty grade among its sources (A best)

    def describe(self) -> str:
        """"3 sources · 1 origin"."""
        sources = f"{self.sources} source{'s' if self.sources != 1 else ''}"
        return f"{sources} · {self.origins} origin{'s' if self.origins != 1 else ''}"


class Origins:
    """The origin of every source of a knowledge base: sources that share an ``origin``
    or are linked by ``syndicated_from`` are one origin (union-find)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        parent: dict[str, str] = {source.id: source.id for source in kb.sources}

        def root(item: str) -> str:
            while parent[item] != item:
                parent[item] = parent[parent[item]]
                item = parent[item]
            return item

        def join(first: str, second: str) -> None:
            parent[root(first)] = root(second)

        by_origin: dict[str, str] = {}
        for source in kb.sources:
            if source.origin and source.origin.strip():
                key = fold(source.origin).strip()
                join(source.id, by_origin.setdefault(key, source.id))
            if source.syndicated_from in parent:
                join(source.id, source.syndicated_from)
        self._root = {source_id: root(source_id) for source_id in parent}
        self._grade = {source.id: source.reliability for source in kb.sources}

    def of(self, source_id: str) -> str:
        return self._root.get(source_id, source_id)

    def same(self, first: str, second: str) -> bool:
        return self.of(first) == self.of(second)

    def support(self, claim) -> Support:
        """The sources of a claim's quotes, and the origins they come to."""
        sources = {evidence.source for evidence in claim.evidence}
        grades = [g for g in (self._grade.get(s) for s in sources) if g and g != "F"]
        return Support(len(sources), len({self.of(s) for s in sources}),
                       min(grades) if grades else None)


_last: tuple[KnowledgeBase, Origins] | None = None


def origins(kb: KnowledgeBase) -> Origins:
    """The origins of ``kb``'s sources, worked out once per knowledge base."""
    global _last
    if _last is None or _last[0] is not kb:
        _last = (kb, Origins(kb))
    return _last[1]


def reliability_at_least(grade: str | None, wanted: str) -> bool:
    """Whether an Admiralty grade is ``wanted`` or better (A is best; F, "cannot be judged",
    and no grade are never good enough)."""
    if grade is None or grade == "F":
        return False
    return RELIABILITY_GRADES.index(grade) <= RELIABILITY_GRADES.index(wanted)


# --- copies that do not say so --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LikelyCopy:
    first: str
    second: str
    share: float  # of the shorter text's shingles found in the other


def _shingles(text: str) -> set[int]:
    words = _WORD.findall(fold(text))
    return {hash(tuple(words[i:i + SHINGLE_WORDS]))
            for i in range(max(0, len(words) - SHINGLE_WORDS + 1))}


def likely_copies(kb: KnowledgeBase) -> list[LikelyCopy]:
    """Pairs of sources whose texts share most of their shingles while neither says it is a
    copy (no shared ``origin``, no ``syndicated_from``). One pass over an index of shingles:
    only sources that share some shingle are ever compared."""
    found = origins(kb)
    shingles = {source.id: _shingles(source.text) for source in kb.sources}
    holders: dict[int, list[str]] = {}
    for source_id, own in shingles.items():
        for shingle in own:
            holders.setdefault(shingle, []).append(source_id)
    shared: Counter[tuple[str, str]] = Counter()
    for ids in holders.values():
        if 1 < len(ids) <= 20:  # a phrase in every text ("the ... said on") proves nothing
            shared.update(combinations(ids, 2))
    copies = []
    for (first, second), count in shared.items():
        smaller = min(len(shingles[first]), len(shingles[second]))
        share = count / smaller if smaller else 0.0
        if share >= COPY_SHARE and not found.same(first, second):
            copies.append(LikelyCopy(first, second, share))
    return sorted(copies, key=lambda copy: (-copy.share, copy.first, copy.second))


def copy_warning(kb: KnowledgeBase, copy: LikelyCopy) -> str:
    first: Source = kb.source_by_id[copy.first]
    second: Source = kb.source_by_id[copy.second]
    return (
        f"sources {copy.first!r} ({first.publisher}) and {copy.second!r} ({second.publisher}) "
        f"share {copy.share:.0%} of their wording: if one is a copy of the other, say so "
        f"(`syndicated_from: {copy.first}` on {copy.second!r}, or the same `origin` on both) "
        "so that they count as one origin"
    )
