"""Analyst filters: which relations and actors a view shows.

Pure core: no Textual. ``apply(kb, filters)`` returns a new ``KnowledgeBase`` so that every
view and every export sees the same narrowed data without knowing about filters.

Dates. A date cut to its precision stands for the whole period it names: ``2017`` is
2017-01-01..2017-12-31, ``2017-08`` is 2017-08-01..2017-08-31. A window bound may be of any
precision too: ``from`` starts on the first day of its period, ``to`` ends on the last day
of its period, so ``2017-07..2017-09`` is 2017-07-01..2017-09-30. A relation is inside the
window when its period *overlaps* the window: it may have happened there. So ``2017-08`` is
inside ``2017-08-15..2017-09-30`` and ``2017`` is inside any window that touches 2017; an
imprecise date is never hidden by a precise window, and the views show each date at its
precision so the analyst can tell.

Undated relations (and attributes) are hidden while a window is set, unless
``keep_undated``: a window asks what happened between two dates, and a claim with no date
cannot answer that (nor be counted as inside it). They are never hidden silently:
``undated_hidden`` counts them, for the filter bar and the filter dialog to say so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from .folding import fold
from .model import (
    ACTOR_KINDS,
    RELATION_TYPES,
    RELIABILITY_GRADES,
    Attribute,
    KnowledgeBase,
    Relation,
    Stance,
    Status,
    counted,
)

POLARITY_MIN = -2
POLARITY_MAX = 2

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


@lru_cache(maxsize=4096)
def date_span(date: str) -> tuple[str, str]:
    """The first and last day (ISO ``YYYY-MM-DD``) of the period a date of any precision names.

    Raises ``ValueError`` for anything that is not a real ``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD`` date.
    """
    match = _DATE.match(date)
    if match is None:
        raise ValueError(f"not a date: {date!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    if month_text is None:
        return f"{year_text}-01-01", f"{year_text}-12-31"
    month = int(month_text)
    if not 1 <= month <= 12:
        raise ValueError(f"not a date: {date!r} (month {month_text})")
    last_day = _days_in_month(year, month)
    if day_text is None:
        return f"{date}-01", f"{date}-{last_day:02d}"
    if not 1 <= int(day_text) <= last_day:
        raise ValueError(f"not a date: {date!r} (day {day_text})")
    return date, date


@dataclass(frozen=True)
class DateWindow:
    """An inclusive window of days; either end may be open (``None``)."""

    start: str | None = None  # ISO date of any precision: the window opens on its first day
    end: str | None = None  # ISO date of any precision: the window closes on its last day
    # The first and last day as ISO strings; an open end is a sentinel that sorts below
    # (or above) every date, so ``overlaps`` needs no special case for it.
    _first: str = field(init=False, repr=False, compare=False, default="")
    _last: str = field(init=False, repr=False, compare=False, default="\uffff")

    def __post_init__(self) -> None:
        if self.start is not None:
            object.__setattr__(self, "_first", date_span(self.start)[0])
        if self.end is not None:
            object.__setattr__(self, "_last", date_span(self.end)[1])
        if self._first > self._last:
            raise ValueError(f"the window ends ({self.end}) before it starts ({self.start})")

    @property
    def is_open(self) -> bool:
        """True when neither end is set: every date, and no date, is inside."""
        return self.start is None and self.end is None

    def overlaps(self, date: str | None) -> bool:
        """Whether the period ``date`` names overlaps the window (see the module docstring)."""
        if self.is_open:
            return True
        if date is None:
            return False
        first, last = date_span(date)
        return first <= self._last and last >= self._first

    def describe(self) -> str:
        return f"{self.start or ''}..{self.end or ''}"


class StatusChoice(StrEnum):
    """Which claims to keep by their ``status``: current or past keeps ties only (an event
    has no status)."""

    BOTH = "both"
    CURRENT = "current"
    PAST = "past"


@dataclass(frozen=True)
class Filters:
    """One set of filters; the default instance filters nothing.

    Empty ``types`` or ``kinds`` mean all. ``text`` is matched case-insensitively as a
    substring of a relation's summary, its quotes, or the name or an alias of either actor;
    of a stance's issue, position, quotes, or the name or an alias of its actor. Case,
    accents and typographic quotes and dashes are ignored, as in search.
    """

    types: frozenset[str] = frozenset()
    polarity: tuple[int, int] = (POLARITY_MIN, POLARITY_MAX)
    kinds: frozenset[str] = frozenset()
    date_from: str | None = None
    date_to: str | None = None
    status: StatusChoice = StatusChoice.BOTH
    text: str = ""
    keep_undated: bool = False  # under a date window: keep the undated relations too
    min_origins: int = 0  # claims backed by at least this many independent origins
    min_reliability: str | None = None  # claims with a source graded this or better (A best)
    as_of: str | None = None  # only what held on that day (see `as_of_tests`)

    def __post_init__(self) -> None:
        # Accept any iterable of names and any spelling of the status; store canonical forms.
        object.__setattr__(self, "types", frozenset(self.types))
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        object.__setattr__(self, "polarity", tuple(self.polarity))
        object.__setattr__(self, "status", StatusChoice(self.status))
        object.__setattr__(self, "text", self.text.strip())
        object.__setattr__(self, "date_from", self.date_from or None)
        object.__setattr__(self, "date_to", self.date_to or None)
        object.__setattr__(self, "as_of", self.as_of or None)
        # Every claim has one origin at least: "at least 1" filters nothing and is 0.
        origins = int(self.min_origins or 0)
        if origins < 0:
            raise ValueError("at least how many origins? a number from 0")
        object.__setattr__(self, "min_origins", origins if origins > 1 else 0)
        object.__setattr__(self, "min_reliability", self.min_reliability or None)
        if self.min_reliability is not None and self.min_reliability not in RELIABILITY_GRADES:
            raise ValueError(f"reliability is one of {', '.join(RELIABILITY_GRADES)}")
        if self.as_of is not None:
            date_span(self.as_of)  # raises ValueError for a bad date
        unknown_types = self.types.difference(RELATION_TYPES)
        if unknown_types:
            raise ValueError(f"unknown relation type(s): {', '.join(sorted(unknown_types))}")
        unknown_kinds = self.kinds.difference(ACTOR_KINDS)
        if unknown_kinds:
            raise ValueError(f"unknown actor kind(s): {', '.join(sorted(unknown_kinds))}")
        low, high = self.polarity
        if not POLARITY_MIN <= low <= high <= POLARITY_MAX:
            raise ValueError(f"polarity range must lie within -2..2, low first: {low}..{high}")
        window = DateWindow(self.date_from, self.date_to)  # raises ValueError for a bad date
        # Without a window nothing undated is hidden: keeping it changes nothing, and the
        # filters stay equal to (and as inactive as) the same ones without it.
        object.__setattr__(self, "keep_undated", bool(self.keep_undated) and not window.is_open)

    @property
    def window(self) -> DateWindow:
        return DateWindow(self.date_from, self.date_to)

    @property
    def is_active(self) -> bool:
        return self != Filters()

    def describe(self) -> str:
        """A short summary for a one-line bar, e.g. ``type: backs · polarity ≤ -1 · 2017-07..``."""
        if not self.is_active:
            return "no filters"
        parts: list[str] = []
        if self.types:
            parts.append("type: " + ",".join(t for t in RELATION_TYPES if t in self.types))
        low, high = self.polarity
        if (low, high) != (POLARITY_MIN, POLARITY_MAX):
            if low == high:
                parts.append(f"polarity = {low}")
            elif low == POLARITY_MIN:
                parts.append(f"polarity ≤ {high}")
            elif high == POLARITY_MAX:
                parts.append(f"polarity ≥ {low}")
            else:
                parts.append(f"polarity {low}..{high}")
        if self.kinds:
            parts.append("kind: " + ",".join(k for k in ACTOR_KINDS if k in self.kinds))
        if not self.window.is_open:
            kept = " with undated" if self.keep_undated else ""
            parts.append(self.window.describe() + kept)
        if self.status is not StatusChoice.BOTH:
            parts.append(f"{self.status} ties only")
        if self.text:
            parts.append(f"text: “{self.text}”")
        if self.min_origins > 1:
            parts.append(f"≥ {self.min_origins} origins")
        if self.min_reliability is not None:
            parts.append(f"reliability ≥ {self.min_reliability}")
        if self.as_of is not None:
            parts.append(f"as of {self.as_of}")
        return " · ".join(parts)


def apply(kb: KnowledgeBase, filters: Filters) -> KnowledgeBase:
    """A knowledge base holding only what passes ``filters``.

    Actors are kept by kind; relations by every filter, and only while both their actors are
    kept; attributes by their actor's kind, the status, the date window and the text query,
    and not at all under a type or polarity filter (they have neither); stances by their
    actor's kind and the text query; sources and issues are unchanged. Without
    active filters the knowledge base itself is returned. ``asserted_by`` and
    ``affiliation`` may name actors that were filtered out: look them up with
    ``actor_by_id.get``.
    """
    if not filters.is_active:
        return kb
    actors = kb.actors
    stances = kb.stances
    attributes: Iterable[Attribute] = kb.attributes
    if filters.kinds:
        actors = tuple(actor for actor in kb.actors if actor.kind in filters.kinds)
        kept = {actor.id for actor in actors}
        stances = tuple(stance for stance in kb.stances if stance.actor in kept)
        attributes = (attribute for attribute in attributes if attribute.actor in kept)
    if filters.types or filters.polarity != (POLARITY_MIN, POLARITY_MAX):
        attributes = ()
    tests = _relation_tests(kb, filters)
    attribute_tests = _claim_tests(filters)
    if filters.text:  # the costliest test, so the last: on relations and on stances
        needle = fold(filters.text)
        named = _actors_named(kb, needle)
        stances = tuple(_stances_saying(stances, needle, named))
        tests.append(_text_test(needle, named))
        attribute_tests.append(_attribute_text_test(needle, named))
    relations: Iterable[Relation] = kb.relations
    for test in tests:
        relations = filter(test, relations)
    for attribute_test in attribute_tests:
        attributes = filter(attribute_test, attributes)
    relations, attributes = tuple(relations), tuple(attributes)
    if filters.as_of is not None:
        relations, attributes, stances = _as_of(kb, filters.as_of, relations, attributes,
                                                stances)
    if filters.min_origins > 1 or filters.min_reliability is not None:
        supported = _support_test(kb, filters)
        relations = tuple(filter(supported, relations))
        attributes = tuple(filter(supported, attributes))
        stances = tuple(filter(supported, stances))
    return KnowledgeBase(
        sources=kb.sources,
        actors=actors,
        relations=relations,
        stances=stances,
        issues=kb.issues,
        attributes=attributes,
        path=kb.path,
    )


def _support_test(kb: KnowledgeBase, filters: Filters) -> Callable[[object], bool]:
    """Claims backed by enough independent origins and a source graded well enough
    (`corroboration`), counted on the quotes the other filters left."""
    from .corroboration import Origins, reliability_at_least

    found = Origins(kb)
    wanted, grade = filters.min_origins, filters.min_reliability

    def passes(claim) -> bool:
        support = found.support(claim)
        if support.origins < wanted:
            return False
        return grade is None or reliability_at_least(support.best_reliability, grade)

    return passes


def _as_of(kb: KnowledgeBase, day: str, relations, attributes, stances):
    """What held on ``day`` (a date of any precision: its last day): only the quotes of
    sources published by then, so a claim reported later is gone and the counts are those
    of that day; events up to it (a date of a coarser precision counts when its period
    starts by then); ties within their validity. Undated claims stay while a source of
    that day reports them."""
    last = date_span(day)[1]
    published = {source.id: source.published_date for source in kb.sources}

    def narrowed(claim):
        evidence = tuple(e for e in claim.evidence if published.get(e.source, "") <= last)
        if not evidence:
            return None
        if claim.date is not None and date_span(claim.date)[0] > last:
            return None
        valid_from = getattr(claim, "valid_from", None)
        valid_to = getattr(claim, "valid_to", None)
        if valid_from is not None and date_span(valid_from)[0] > last:
            return None
        if valid_to is not None and date_span(valid_to)[1] < last:
            return None
        if evidence == claim.evidence:
            return claim
        caveats = tuple(c for c in claim.caveats if published.get(c.source, "") <= last)
        return replace(claim, evidence=evidence, caveats=caveats)

    def kept(claims):
        return tuple(claim for claim in map(narrowed, claims) if claim is not None)

    return kept(relations), kept(attributes), kept(stances)


def _claim_tests(filters: Filters) -> list[Callable[[Relation | Attribute], bool]]:
    """The tests relations and attributes share: status (ties only) and the date window."""
    tests: list[Callable[[Relation | Attribute], bool]] = []
    if filters.status is not StatusChoice.BOTH:
        wanted = Status(filters.status.value)
        tests.append(lambda claim: claim.status is wanted)
    window = filters.window
    if not window.is_open:
        keep = filters.keep_undated
        tests.append(lambda claim: window.overlaps(claim.date) or (keep and claim.date is None))
    return tests


class UndatedHidden(NamedTuple):
    """What a date window hides only for want of a date."""

    relations: int = 0
    attributes: int = 0

    @property
    def total(self) -> int:
        return self.relations + self.attributes

    def describe(self) -> str:
        """In words, e.g. "12 undated relations and 1 undated attribute"; empty when none."""
        parts = [counted(self.relations, "undated relation")] if self.relations else []
        if self.attributes:
            parts.append(counted(self.attributes, "undated attribute"))
        return " and ".join(parts)


def undated_hidden(kb: KnowledgeBase, filters: Filters) -> UndatedHidden:
    """The relations and attributes the date window hides only because they have no date:
    each passes every other filter. Zero without a window, or when they are kept."""
    if filters.window.is_open or filters.keep_undated:
        return UndatedHidden()
    undated = replace(
        kb,
        relations=tuple(relation for relation in kb.relations if relation.date is None),
        attributes=tuple(attribute for attribute in kb.attributes if attribute.date is None),
    )
    kept = apply(undated, replace(filters, keep_undated=True))
    return UndatedHidden(len(kept.relations), len(kept.attributes))


def _relation_tests(kb: KnowledgeBase, filters: Filters) -> list[Callable[[Relation], bool]]:
    """A predicate for each active relation filter but the text query, cheapest first."""
    tests: list[Callable[[Relation], bool]] = []
    if filters.types:
        types = filters.types
        tests.append(lambda relation: relation.type in types)
    low, high = filters.polarity
    if (low, high) != (POLARITY_MIN, POLARITY_MAX):
        # A tie with no valence has no polarity to be in a range: a range leaves it out.
        tests.append(
            lambda relation: relation.polarity is not None and low <= relation.polarity <= high
        )
    if filters.kinds:
        kinds = filters.kinds
        kind_of = {actor.id: actor.kind for actor in kb.actors}
        tests.append(
            lambda relation: all(kind_of[party] in kinds for party in relation.parties)
        )
    return [*tests, *_claim_tests(filters)]


def _actors_named(kb: KnowledgeBase, needle: str) -> set[str]:
    """The ids of the actors whose name or an alias holds ``needle`` (folded)."""
    return {
        actor.id
        for actor in kb.actors
        if needle in fold(actor.name) or any(needle in fold(alias) for alias in actor.aliases)
    }


def _stances_saying(stances: Iterable[Stance], needle: str, named: set[str]) -> Iterable[Stance]:
    return (
        stance
        for stance in stances
        if stance.actor in named
        or needle in fold(stance.issue)
        or needle in fold(stance.position)
        or any(needle in fold(evidence.quote) for evidence in stance.evidence)
    )


def _text_test(needle: str, named: set[str]) -> Callable[[Relation], bool]:
    def matches(relation: Relation) -> bool:
        return (
            relation.source in named
            or relation.target in named
            or needle in fold(relation.summary)
            or any(needle in fold(evidence.quote) for evidence in relation.evidence)
        )

    return matches


def _attribute_text_test(needle: str, named: set[str]) -> Callable[[Attribute], bool]:
    def matches(attribute: Attribute) -> bool:
        return (
            attribute.actor in named
            or needle in fold(attribute.summary)
            or any(needle in fold(evidence.quote) for evidence in attribute.evidence)
        )

    return matches
