"""Search over a knowledge base: actor names and aliases, long texts, and quotes.

Pure Python, no Textual. Built for large files (10,000 actors, 50,000 relations and quotes):
every class of text is folded (lower case, accents removed, same length as the original)
and joined into one string per class, one entry per line, so that a scan is a single
``str``/``re`` call running in C. A bisect over the entries' start offsets maps a match
back to its entry. Scans stop as soon as the better classes have filled the result list.

Ranking: actor names, then aliases, then relation summaries / stances / actor descriptions,
then quotes. Within a class, better matches first (exact, prefix, word start, anywhere,
fuzzy for names; word start before mid-word for long texts), ties in file order.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from .folding import fold
from .model import Actor, Attribute, KnowledgeBase, Relation, Stance

LABEL_WIDTH = 80  # characters of a long text shown around its match
# Characters of a query that are used, and that the search box takes: nobody types more,
# and a longer paste is cut. Every scan then costs at most this much more per entry.
MAX_QUERY_LENGTH = 200
MAX_FUZZY_QUERY = 32  # longer queries are matched as substrings only
_MAX_ANCHORED = 32  # longer words are not looked for at word starts (see _not_after)
_CANDIDATE_FACTOR = 4  # candidates gathered per name tier, as a multiple of the slots left
_MAX_SPANS = 32
_SNAP = 15  # how far a window edge may move to land on a space
_HEAD = 256  # leading characters of a name searched for prefix, word-start and fuzzy matches
_ALIGN_LIMIT = 200  # names longer than this get the plain leftmost fuzzy alignment

# Class weights: every score of a better class is above every score of a worse one.
_NAME, _ALIAS, _TEXT, _QUOTE = 4, 3, 2, 1


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: what matched, where to go, and how to show it."""

    kind: str  # "actor" | "relation" | "attribute" | "stance" | "quote"
    actor_id: str  # the actor to go to
    relation_id: str | None
    stance_id: str | None
    evidence_index: int  # which quote of the relation or stance; 0 otherwise
    label: str  # the matched text, cut to a window around the match when long
    spans: tuple[tuple[int, int], ...]  # matched character ranges in label
    score: float  # higher is better; results are sorted by it
    context: str  # a short secondary line: what the label belongs to
    attribute_id: str | None = None


class _Haystack:
    """Folded entries joined by newlines, with their offsets in the joined string."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, folded: Sequence[str]) -> None:
        self.text = "\n".join(folded)
        self.starts = (
            list(accumulate((len(e) + 1 for e in folded[:-1]), initial=0)) if folded else []
        )
        self.ends = [start + len(entry) for start, entry in zip(self.starts, folded, strict=True)]

    def entry_at(self, position: int) -> int:
        return bisect_right(self.starts, position) - 1

    def entry(self, index: int) -> str:
        return self.text[self.starts[index] : self.ends[index]]


@dataclass(slots=True)
class _Found:
    """A matched entry before it becomes a Hit: where in the entry, and how good."""

    entry: int
    tier: int  # lower is better
    penalty: float  # within a tier, lower is better
    spans: list[tuple[int, int]]  # in entry coordinates


def _quality(tier: int, penalty: float) -> float:
    """Map tier and penalty into [0, 10): better tier first, then smaller penalty."""
    return (9 - tier) + 1 / (2 + penalty)


def window(
    text: str, spans: Sequence[tuple[int, int]], width: int = LABEL_WIDTH
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``text`` with its matched ``spans``: itself when it fits in ``width`` characters,
    else a window of that width around the first span, each cut marked with "…"."""
    if len(text) <= width:
        return text.replace("\n", " "), tuple(spans)
    first_start, first_end = spans[0] if spans else (0, 0)
    lead = max(0, (width - (first_end - first_start)) // 3)
    start = max(0, min(first_start - lead, len(text) - width))
    end = min(len(text), start + width)
    # Cut at spaces near the edges rather than mid-word, never into the match.
    if start > 0:
        space = text.find(" ", start, min(first_start, start + _SNAP))
        start = start if space == -1 else space + 1
    if end < len(text):
        space = text.rfind(" ", max(first_end, end - _SNAP), end)
        end = end if space == -1 else space
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    clipped = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    return prefix + text[start:end].replace("\n", " ") + suffix, clipped


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _occurrences(folded: str, words: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """Spans of every occurrence of every word in ``folded[start:end]``, merged, capped."""
    spans: list[tuple[int, int]] = []
    for word in words:
        position = folded.find(word, start, end)
        while position != -1 and len(spans) < _MAX_SPANS:
            spans.append((position, position + len(word)))
            position = folded.find(word, position + len(word), end)
    return _merge(spans)


def _not_after(before: str, word: str) -> str:
    """A regex for ``word`` where the character before it is not in the class ``before``.

    The first character leads so the engine can skip ahead to it. The lookbehind spans two
    characters only: one over the whole word would cost its length at every occurrence of
    its first letter, quadratic on repetitive text.
    """
    first = re.escape(word[0])
    return f"{first}(?<!{before}{first}){re.escape(word[1:])}"


def _is_word_start(text: str, position: int) -> bool:
    return position == 0 or not text[position - 1].isalnum()


def _word_occurrence(text: str, word: str) -> int:
    """Where ``word`` first starts a word in the head of ``text``, else first occurs."""
    first = position = text.find(word)
    while position != -1 and position < _HEAD:
        if _is_word_start(text, position):
            return position
        position = text.find(word, position + 1)
    return first


def _is_subsequence(chars: str, text: str, start: int) -> bool:
    remaining = iter(text[start:])
    return all(char in remaining for char in chars)


def _fuzzy_alignment(text: str, chars: str) -> tuple[list[tuple[int, int]], float]:
    """Positions of ``chars`` in ``text`` preferring contiguous runs and word starts.

    ``chars`` must be a subsequence of ``text``. Returns merged spans and a penalty
    (gaps plus characters not at a word start or continuing a run, plus a length tie-break).
    """
    positions: list[int] = []
    position = 0
    for index, char in enumerate(chars):
        chosen = text.find(char, position)
        continues_run = bool(positions) and chosen == positions[-1] + 1
        if not continues_run and len(text) <= _ALIGN_LIMIT:
            candidate = chosen
            while candidate != -1 and not _is_word_start(text, candidate):
                candidate = text.find(char, candidate + 1)
            if candidate != -1 and _is_subsequence(chars[index + 1 :], text, candidate + 1):
                chosen = candidate
        positions.append(chosen)
        position = chosen + 1
    spans = _merge([(p, p + 1) for p in positions])
    weak = sum(
        1
        for index, p in enumerate(positions)
        if not _is_word_start(text, p) and not (index and positions[index - 1] == p - 1)
    )
    gaps = positions[-1] - positions[0] + 1 - len(positions)
    return spans, gaps + 2 * weak + len(text) / 1000


class _ShortMatcher:
    """Ranks short strings (names, aliases): exact, prefix, word start, anywhere, all
    words, then fuzzy subsequence. Each tier is one regex scan over the haystack."""

    def __init__(self, entries: Sequence[str]) -> None:
        folded = [fold(entry) for entry in entries]
        self.haystack = _Haystack(folded)
        self.lengths = [len(entry) for entry in folded]
        # Prefix, word-start and fuzzy scans look at each entry's head only: that bounds
        # their cost on a hostile megabyte-long name.
        if any(length > _HEAD for length in self.lengths):
            self.head = _Haystack([entry[:_HEAD] for entry in folded])
        else:
            self.head = self.haystack

    def find(self, words: list[str], needed: int, accept: Callable[[int], bool]) -> list[_Found]:
        """The best ``needed`` entries accepted by ``accept``, best first."""
        if not self.lengths:
            return []
        phrase = " ".join(words)
        cap = needed * _CANDIDATE_FACTOR
        found: list[_Found] = []
        taken: set[int] = set()

        def contiguous_tier(
            haystack: _Haystack, pattern: re.Pattern[str], tier_of: Callable[[int, int], int]
        ) -> None:
            batch: list[_Found] = []
            text = haystack.text
            position = 0
            while len(batch) < cap:
                match = pattern.search(text, position)
                if match is None:
                    break
                entry = haystack.entry_at(match.start())
                position = haystack.ends[entry] + 1  # the first match in an entry stands for it
                if entry in taken or not accept(entry):
                    continue
                taken.add(entry)
                offset = match.start() - haystack.starts[entry]
                penalty = offset + self.lengths[entry] / 1000
                spans = [(offset, offset + len(phrase))]
                batch.append(_Found(entry, tier_of(entry, offset), penalty, spans))
            batch.sort(key=lambda f: (f.tier, f.penalty))
            found.extend(batch)

        contiguous_tier(
            self.head,
            re.compile(_not_after("[^\\n]", phrase)),
            lambda entry, offset: 0 if self.lengths[entry] == len(phrase) else 1,
        )
        if len(found) < needed and len(phrase) <= _MAX_ANCHORED:
            contiguous_tier(
                self.head, re.compile(_not_after("\\w", phrase)), lambda entry, offset: 2
            )
        if len(found) < needed:
            contiguous_tier(self.haystack, re.compile(re.escape(phrase)), lambda entry, offset: 3)
        if len(found) < needed and len(words) > 1:
            self._all_words_tier(words, cap, accept, taken, found)
        chars = "".join(words)
        if len(found) < needed and len(chars) <= MAX_FUZZY_QUERY:
            self._fuzzy_tier(chars, cap, accept, taken, found)
        return found[:needed]

    def _all_words_tier(
        self,
        words: list[str],
        cap: int,
        accept: Callable[[int], bool],
        taken: set[int],
        found: list[_Found],
    ) -> None:
        haystack = self.haystack
        text = haystack.text
        # Scan for the longest word (likely the rarest); check the others per entry.
        scan = max(words, key=len)
        batch: list[_Found] = []
        position = text.find(scan)
        while position != -1 and len(batch) < cap:
            entry = haystack.entry_at(position)
            start, end = haystack.starts[entry], haystack.ends[entry]
            # Containment first, in C; the word starts only for an entry that is taken.
            if (
                entry not in taken
                and all(text.find(word, start, end) != -1 for word in words)
                and accept(entry)
            ):
                taken.add(entry)
                name = text[start:end]
                offsets = [(_word_occurrence(name, word), len(word)) for word in words]
                spans = _merge([(offset, offset + length) for offset, length in offsets])
                batch.append(_Found(entry, 4, len(name) / 1000, spans))
            position = text.find(scan, end + 1)
        batch.sort(key=lambda f: f.penalty)
        found.extend(batch)

    def _fuzzy_tier(
        self,
        chars: str,
        cap: int,
        accept: Callable[[int], bool],
        taken: set[int],
        found: list[_Found],
    ) -> None:
        haystack = self.head
        text = haystack.text
        # The first character must start a word: on short queries, matches scattered through
        # the middle of names are noise. The literal first character lets the engine skip
        # ahead; possessive negated classes take the leftmost rest without backtracking.
        first = re.compile(_not_after("\\w", chars[0]))
        rest = re.compile("".join(f"[^\\n{re.escape(c)}]*+{re.escape(c)}" for c in chars[1:]))
        batch: list[_Found] = []
        position = 0
        while len(batch) < cap:
            match = first.search(text, position)
            if match is None:
                break
            entry = haystack.entry_at(match.start())
            position = haystack.ends[entry] + 1  # one match per entry
            # The rest is looked for after the entry's first word start only: what follows a
            # later start is a suffix of that, so holds the rest only if this does. (One
            # pattern would try every start, each scan running to the entry's end: quadratic
            # in the length of a name like "a a a a …".)
            if rest.match(text, match.end()) is None:
                continue
            if entry in taken or not accept(entry):
                continue
            taken.add(entry)
            spans, penalty = _fuzzy_alignment(self.haystack.entry(entry), chars)
            batch.append(_Found(entry, 5, penalty, spans))
        batch.sort(key=lambda f: f.penalty)
        found.extend(batch)


class _LongMatcher:
    """Finds long texts containing every query word; word-start matches rank first."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.haystack = _Haystack([fold(entry) for entry in entries])

    def find(
        self, words: list[str], needed: int, accept: Callable[[int], bool]
    ) -> tuple[list[_Found], list[_Found]]:
        """Up to ``needed`` word-start matches and ``needed`` other matches, in file order."""
        haystack = self.haystack
        strong: list[_Found] = []
        weak: list[_Found] = []
        if not haystack.starts or needed <= 0:
            return strong, weak
        # Scan for the longest word (likely the rarest); check the others per entry.
        scan_index = max(range(len(words)), key=lambda i: (len(words[i]), i))
        scan = words[scan_index]
        others = words[:scan_index] + words[scan_index + 1 :]
        anywhere = re.compile(re.escape(scan))
        at_word_start = re.compile(_not_after("\\w", scan)) if len(scan) <= _MAX_ANCHORED else None
        pattern = anywhere
        text = haystack.text
        position = 0
        while True:
            match = pattern.search(text, position)
            if match is None:
                break
            entry = haystack.entry_at(match.start())
            start, end = haystack.starts[entry], haystack.ends[entry]
            position = end + 1  # one hit per entry: skip the rest of it
            if others and not all(text.find(word, start, end) != -1 for word in others):
                continue
            if not accept(entry):
                continue
            if at_word_start is None:  # a long word: judge by its first occurrence only
                word_start = match if _is_word_start(text, match.start()) else None
            elif pattern is at_word_start:
                word_start = match
            else:
                word_start = at_word_start.search(text, match.start(), end)
            if word_start is not None:
                offset = word_start.start() - start
                strong.append(_Found(entry, 0, 0, [(offset, offset + len(scan))]))
                if len(strong) >= needed:
                    break
            else:
                offset = match.start() - start
                weak.append(_Found(entry, 1, 0, [(offset, offset + len(scan))]))
                if len(weak) >= needed:
                    if at_word_start is None:
                        break
                    # Enough mid-word matches: only word-start ones can still improve the list.
                    pattern = at_word_start
        return strong, weak


def _query_words(query: str) -> list[str]:
    """The distinct folded words of a query, cut to ``MAX_QUERY_LENGTH`` characters (first,
    so a megabyte query costs no more than a short one)."""
    return list(dict.fromkeys(fold(query[:MAX_QUERY_LENGTH]).split()))


def _accept_all(entry: int) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class _QuoteRef:
    relation: Relation | None
    stance: Stance | None
    evidence_index: int
    attribute: Attribute | None = None


class SearchIndex:
    """``SearchIndex(kb).search("haftar")``: ranked hits over the whole knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._actors = kb.actors
        self._names = _ShortMatcher([actor.name for actor in kb.actors])
        alias_owners: list[int] = []
        aliases: list[str] = []
        for index, actor in enumerate(kb.actors):
            for alias in actor.aliases:
                alias_owners.append(index)
                aliases.append(alias)
        self._alias_owners = alias_owners
        self._alias_texts = aliases
        self._aliases = _ShortMatcher(aliases)
        self._relations = _LongMatcher([relation.summary for relation in kb.relations])
        self._attributes = _LongMatcher([attribute.summary for attribute in kb.attributes])
        self._stance_texts = [f"{stance.issue}: {stance.position}" for stance in kb.stances]
        self._stances = _LongMatcher(self._stance_texts)
        self._descriptions = _LongMatcher([actor.description for actor in kb.actors])
        quote_refs: list[_QuoteRef] = []
        quotes: list[str] = []
        for relation in kb.relations:
            for index, evidence in enumerate(relation.evidence):
                quote_refs.append(_QuoteRef(relation, None, index))
                quotes.append(evidence.quote)
        for attribute in kb.attributes:
            for index, evidence in enumerate(attribute.evidence):
                quote_refs.append(_QuoteRef(None, None, index, attribute))
                quotes.append(evidence.quote)
        for stance in kb.stances:
            for index, evidence in enumerate(stance.evidence):
                quote_refs.append(_QuoteRef(None, stance, index))
                quotes.append(evidence.quote)
        self._quote_refs = quote_refs
        self._quote_texts = quotes
        self._quotes = _LongMatcher(quotes)

    # -- public API ---------------------------------------------------------------------

    def search(self, query: str, limit: int = 100) -> list[Hit]:
        """Hits for ``query``, best first, at most ``limit``. Blank queries find nothing."""
        words = _query_words(query)
        if not words or limit <= 0:
            return []
        seen_actors: set[int] = set()
        hits = self._actor_hits(words, limit, seen_actors)
        if len(hits) < limit:
            hits += self._text_hits(words, limit - len(hits), seen_actors)
        if len(hits) < limit:
            hits += self._quote_hits(words, limit - len(hits))
        return hits

    def actors(self, query: str, limit: int = 20) -> list[Hit]:
        """Actors whose name or an alias matches, best first."""
        words = _query_words(query)
        if not words or limit <= 0:
            return []
        return self._actor_hits(words, limit, set())

    def relations(self, query: str, limit: int = 20) -> list[Hit]:
        """Relations whose summary contains every query word, best first."""
        words = _query_words(query)
        if not words or limit <= 0:
            return []
        strong, weak = self._relations.find(words, limit, _accept_all)
        return [self._relation_hit(words, found) for found in (strong + weak)[:limit]]

    # -- classes ------------------------------------------------------------------------

    def _actor_hits(self, words: list[str], limit: int, seen_actors: set[int]) -> list[Hit]:
        hits: list[Hit] = []
        for found in self._names.find(words, limit, _accept_all):
            seen_actors.add(found.entry)
            actor = self._actors[found.entry]
            hits.append(
                self._make_hit(
                    "actor", actor.id, actor.name, found, _NAME, context=self._actor_context(actor)
                )
            )
        if len(hits) >= limit:
            return hits

        # One hit per actor: the first alias accepted (in the best tier) stands for it.
        claimed = set(seen_actors)

        def first_alias_of_unseen_actor(entry: int) -> bool:
            owner = self._alias_owners[entry]
            if owner in claimed:
                return False
            claimed.add(owner)
            return True

        for found in self._aliases.find(words, limit - len(hits), first_alias_of_unseen_actor):
            owner = self._alias_owners[found.entry]
            seen_actors.add(owner)
            actor = self._actors[owner]
            text = self._alias_texts[found.entry]
            hits.append(
                self._make_hit("actor", actor.id, text, found, _ALIAS, f"alias of {actor.name}")
            )
        return hits

    def _text_hits(self, words: list[str], needed: int, seen_actors: set[int]) -> list[Hit]:
        relations = self._relations.find(words, needed, _accept_all)
        attributes = self._attributes.find(words, needed, _accept_all)
        stances = self._stances.find(words, needed, _accept_all)
        descriptions = self._descriptions.find(
            words, needed, lambda entry: entry not in seen_actors
        )
        hits: list[Hit] = []
        for tier in (0, 1):
            hits += [self._relation_hit(words, found) for found in relations[tier]]
            hits += [self._attribute_hit(words, found) for found in attributes[tier]]
            hits += [self._stance_hit(words, found) for found in stances[tier]]
            hits += [self._description_hit(words, found) for found in descriptions[tier]]
        return hits[:needed]

    def _quote_hits(self, words: list[str], needed: int) -> list[Hit]:
        strong, weak = self._quotes.find(words, needed, _accept_all)
        hits: list[Hit] = []
        for found in (strong + weak)[:needed]:
            ref = self._quote_refs[found.entry]
            text = self._quote_texts[found.entry]
            found.spans = self._long_spans(self._quotes, words, found)
            if ref.relation is not None:
                relation = ref.relation
                hits.append(
                    self._make_hit(
                        "quote",
                        relation.source,
                        text,
                        found,
                        _QUOTE,
                        self._relation_context(relation),
                        relation_id=relation.id,
                        evidence_index=ref.evidence_index,
                    )
                )
            elif ref.attribute is not None:
                attribute = ref.attribute
                hits.append(
                    self._make_hit(
                        "quote",
                        attribute.actor,
                        text,
                        found,
                        _QUOTE,
                        f"{self._actor_name(attribute.actor)} · {attribute.type}",
                        attribute_id=attribute.id,
                        evidence_index=ref.evidence_index,
                    )
                )
            else:
                assert ref.stance is not None
                stance = ref.stance
                hits.append(
                    self._make_hit(
                        "quote",
                        stance.actor,
                        text,
                        found,
                        _QUOTE,
                        f"{self._actor_name(stance.actor)} · {stance.issue}",
                        stance_id=stance.id,
                        evidence_index=ref.evidence_index,
                    )
                )
        return hits

    # -- hits ---------------------------------------------------------------------------

    def _relation_hit(self, words: list[str], found: _Found) -> Hit:
        relation = self.kb.relations[found.entry]
        found.spans = self._long_spans(self._relations, words, found)
        return self._make_hit(
            "relation",
            relation.source,
            relation.summary,
            found,
            _TEXT,
            self._relation_context(relation),
            relation_id=relation.id,
        )

    def _attribute_hit(self, words: list[str], found: _Found) -> Hit:
        attribute = self.kb.attributes[found.entry]
        found.spans = self._long_spans(self._attributes, words, found)
        return self._make_hit(
            "attribute",
            attribute.actor,
            attribute.summary,
            found,
            _TEXT,
            f"{self._actor_name(attribute.actor)} · {attribute.type}",
            attribute_id=attribute.id,
        )

    def _stance_hit(self, words: list[str], found: _Found) -> Hit:
        stance = self.kb.stances[found.entry]
        found.spans = self._long_spans(self._stances, words, found)
        return self._make_hit(
            "stance",
            stance.actor,
            self._stance_texts[found.entry],
            found,
            _TEXT,
            f"{self._actor_name(stance.actor)} · stance",
            stance_id=stance.id,
        )

    def _description_hit(self, words: list[str], found: _Found) -> Hit:
        actor = self._actors[found.entry]
        found.spans = self._long_spans(self._descriptions, words, found)
        return self._make_hit(
            "actor", actor.id, actor.description, found, _TEXT, f"{actor.name} · description"
        )

    @staticmethod
    def _long_spans(
        matcher: _LongMatcher, words: list[str], found: _Found
    ) -> list[tuple[int, int]]:
        """The scanned match (first: the label window centres on it), then every word's
        occurrences near it."""
        folded = matcher.haystack.entry(found.entry)
        anchor_start, anchor_end = found.spans[0]
        near_start = max(0, anchor_start - LABEL_WIDTH)
        near_end = min(len(folded), anchor_end + LABEL_WIDTH)
        return [found.spans[0], *_occurrences(folded, words, near_start, near_end)]

    @staticmethod
    def _make_hit(
        kind: str,
        actor_id: str,
        text: str,
        found: _Found,
        weight: int,
        context: str,
        *,
        relation_id: str | None = None,
        stance_id: str | None = None,
        attribute_id: str | None = None,
        evidence_index: int = 0,
    ) -> Hit:
        label, spans = window(text, found.spans)
        return Hit(
            kind=kind,
            actor_id=actor_id,
            relation_id=relation_id,
            stance_id=stance_id,
            attribute_id=attribute_id,
            evidence_index=evidence_index,
            label=label,
            spans=tuple(_merge(list(spans))),
            score=weight * 10 + _quality(found.tier, found.penalty),
            context=context,
        )

    # -- context lines ------------------------------------------------------------------

    def _actor_name(self, actor_id: str) -> str:
        actor = self.kb.actor_by_id.get(actor_id)
        return actor.name if actor is not None else actor_id

    def _actor_context(self, actor: Actor) -> str:
        if actor.affiliation is None:
            return actor.kind
        return f"{actor.kind} · {self._actor_name(actor.affiliation)}"

    def _relation_context(self, relation: Relation) -> str:
        source = self._actor_name(relation.source)
        target = self._actor_name(relation.target)
        return f"{source} → {target} · {relation.type}"
