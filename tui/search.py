"""Search over a knowledge base: actor names and aliases, long texts, and quotes.

Pure Python, no Textual. Built for large files (10,000 actors, 50,000 relations and quotes):
every class of text is folded (lower case, accents removed, same length as the original)
and joined into one string per class, one entry per line, so that a scan is a single
``str``/``re`` call running in C. A bisect over the entries' start offsets maps a match
back to its entry. Scans stop as soon as the better classes have filled the result list.
For a session of searches (``SearchIndex.prepare``, which the search overlay calls), each
haystack also gets a digest of its distinct words chunk by chunk (``_Digest``): scans then
skip the chunks that cannot hold a match, with the same results.

Ranking: every literal match (the query's text found as typed) comes before any fuzzy one
(its letters scattered through a name): a quote that says "ISIS" outranks a name whose
words merely start with i, s, i, s. Literal matches go by class: actor names, then aliases,
then relation / attribute summaries, stances and actor descriptions, then quotes. Within a
class: the query as a whole word, then at a word start, then inside a word (names also
rank the exact name first and a match at the name's start before one further in, then
names holding every query word apart); ties in file order. Fuzzy name matches, then fuzzy
alias matches, come last.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import accumulate

from .folding import fold
from .model import Actor, Attribute, KnowledgeBase, Relation, Stance

KINDS = ("actor", "relation", "attribute", "stance", "quote")  # what a Hit can be
LABEL_WIDTH = 80  # characters of a long text shown around its match
# Characters of a query that are used, and that the search box takes: nobody types more,
# and a longer paste is cut. Every scan then costs at most this much more per entry.
MAX_QUERY_LENGTH = 200
MAX_FUZZY_QUERY = 32  # longer queries are matched as substrings only
_MAX_ANCHORED = 32  # longer words are not looked for at word starts (see _not_after)
_CANDIDATE_FACTOR = 4  # candidates gathered per name scan, as a multiple of the slots left
_MAX_SPANS = 32
_SNAP = 15  # how far a window edge may move to land on a space
_HEAD = 256  # leading characters of a name searched for prefix, word-start and fuzzy matches
_ALIGN_LIMIT = 200  # names longer than this get the plain leftmost fuzzy alignment
# Characters after a long text's first word-start match looked through for a whole word.
_WHOLE_WORD_REACH = 2000

# Class weights: every score of a better class is above every score of a worse one.
_NAME, _ALIAS, _TEXT, _QUOTE = 4, 3, 2, 1
# Added to every literal hit's score: above any fuzzy hit's, whatever the classes.
_LITERAL_BONUS = 10 * (_NAME + 1)

# Name and alias tiers, best first. A match at the name's start is also at a word start.
_EXACT, _WHOLE_PREFIX, _WHOLE_WORD, _PREFIX, _WORD_START, _INSIDE, _ALL_WORDS, _FUZZY = range(8)
# Long text tiers: the scanned query word as a whole word, at a word start, inside a word.
_LONG_WHOLE, _LONG_START, _LONG_INSIDE = range(3)
_WORD_CHAR = re.compile(r"\w")
_WORD = re.compile(r"\w+")
_NON_WORDS = re.compile(r"\W+")
_DIGEST_CHUNK = 16384  # characters of a haystack summed up by one piece of its digest
# Bytes that are not ASCII word characters (``\\w``), to a space: words of ASCII text.
_ASCII_WORDS = (
    bytes(byte if chr(byte).isalnum() or byte == ord("_") else ord(" ") for byte in range(128))
    + b" " * 128
)


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


class _Digest:
    """The distinct words of a haystack, chunk by chunk: where a scan may find its word.

    The haystack is cut at entry ends into chunks of about ``_DIGEST_CHUNK`` characters;
    each chunk's words (runs of ``\\w``), every one once, make one line of ``text``, each
    word between spaces. A word occurs in a chunk as a whole word, at a word start or inside
    a word only if its line holds " word ", " word" or "word": finding that in the digest
    (a tenth of the haystack on prose, less on repetitive text) skips every chunk in which
    a scan would find nothing.
    """

    __slots__ = ("text", "starts", "chunk_starts", "chunk_ends", "ascii_words", "other_words")

    def __init__(self, haystack: str) -> None:
        pieces: list[str] = []
        chunk_starts: list[int] = []
        chunk_ends: list[int] = []
        # Every word once (of ASCII chunks as bytes): a whole word that is not among them is
        # looked up, not scanned for.
        ascii_words: set[bytes] = set()
        other_words: set[str] = set()
        position = 0
        while position < len(haystack) or not chunk_starts:
            end = haystack.find("\n", position + _DIGEST_CHUNK)
            end = len(haystack) if end == -1 else end
            chunk = haystack[position:end]
            if chunk.isascii():  # the same, three times faster
                words = set(chunk.encode().translate(_ASCII_WORDS).split())
                ascii_words.update(words)
                line = b" ".join(words).decode()
            else:
                line = _NON_WORDS.sub(" ", " ".join(set(chunk.split())))
                other_words.update(line.split())
            pieces.append(f" {line} ")
            chunk_starts.append(position)
            chunk_ends.append(end)
            position = end + 1
        self.text = "\n".join(pieces)
        self.starts = list(accumulate((len(p) + 1 for p in pieces[:-1]), initial=0))
        self.chunk_starts = chunk_starts
        self.chunk_ends = chunk_ends  # each at a newline of the haystack, or its end
        self.ascii_words = ascii_words
        self.other_words = other_words

    def chunk_end(self, position: int) -> int:
        """Where the chunk holding ``position`` ends (at a newline, or the text's end)."""
        return self.chunk_ends[bisect_right(self.chunk_starts, position) - 1]

    def _holds(self, word: str) -> bool:
        return word in self.other_words or (word.isascii() and word.encode() in self.ascii_words)

    def search(
        self, pattern: re.Pattern[str], needle: str, text: str, position: int
    ) -> re.Match[str] | None:
        """``pattern.search(text, position)``, looking only in chunks whose line holds
        ``needle``: each match of ``pattern`` must hold it there."""
        if len(needle) > 2 and needle[0] == needle[-1] == " " and not self._holds(needle[1:-1]):
            return None  # " word ": a whole word found nowhere
        # Each chunk ends at a newline (or the text's end): a lookahead at the end of a
        # search bounded there sees what it would in the whole text. First the rest of the
        # chunk the scan is in, unasked: where matches are dense, the next one is there.
        chunk = bisect_right(self.chunk_starts, position) - 1
        match = pattern.search(text, position, self.chunk_ends[chunk])
        if match is not None:
            return match
        # A literal pattern: the engine looks for it faster than ``str.find`` does.
        literal = re.compile(re.escape(needle))
        line = chunk + 1
        while line < len(self.starts):
            found = literal.search(self.text, self.starts[line])
            if found is None:
                return None
            line = bisect_right(self.starts, found.start()) - 1
            match = pattern.search(text, self.chunk_starts[line], self.chunk_ends[line])
            if match is not None:
                return match
            line += 1
        return None


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


def _is_word_end(text: str, position: int) -> bool:
    """Whether nothing of a word follows ``position`` (as the regex ``(?!\\w)`` says)."""
    return _WORD_CHAR.match(text, position) is None


def _whole_word(word: str) -> str:
    """A regex for ``word`` standing as a word of its own.

    The word leads whole, so the engine skips ahead to its occurrences (twice as fast as
    _not_after's form on prose); the lookahead rejects most of those before the lookbehind,
    which spans the word and one character more, so a scan costs at most _MAX_ANCHORED + 1
    steps a character: callers keep longer words out.
    """
    return f"{re.escape(word)}(?!\\w)(?<!\\w.{{{len(word)}}})"


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
    """Ranks short strings (names, aliases): literal matches (``find``: exact, whole word at
    the start then further in, prefix, word start, anywhere, all words) and fuzzy
    subsequences (``find_fuzzy``). Each scan is one regex call over the haystack."""

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
        self.digest: _Digest | None = None  # see SearchIndex.prepare
        self.head_digest: _Digest | None = None

    def prepare(self) -> None:
        if self.digest is None:
            self.digest = _Digest(self.haystack.text)
            self.head_digest = (
                self.digest if self.head is self.haystack else _Digest(self.head.text)
            )

    def find(self, words: list[str], needed: int, accept: Callable[[int], bool]) -> list[_Found]:
        """The best ``needed`` entries holding the query literally, accepted by ``accept``
        (asked once per entry), best first."""
        if not self.lengths:
            return []
        phrase = " ".join(words)
        cap = needed * _CANDIDATE_FACTOR
        taken: dict[int, _Found] = {}

        def contiguous_scan(
            haystack: _Haystack,
            pattern: re.Pattern[str],
            tier_of: Callable[[int, int], int],
            needle: str | None,
        ) -> None:
            text = haystack.text
            digest = self.digest if haystack is self.haystack else self.head_digest
            position = 0
            accepted = 0
            while accepted < cap:
                if needle is None or digest is None:
                    match = pattern.search(text, position)
                else:
                    match = digest.search(pattern, needle, text, position)
                if match is None:
                    break
                entry = haystack.entry_at(match.start())
                position = haystack.ends[entry] + 1  # the first match in an entry stands for it
                offset = match.start() - haystack.starts[entry]
                tier = tier_of(entry, offset)
                penalty = offset + self.lengths[entry] / 1000
                earlier = taken.get(entry)
                if earlier is not None:
                    # A name that starts with part of a word may hold the whole word later.
                    if tier < earlier.tier:
                        earlier.tier, earlier.penalty = tier, penalty
                        earlier.spans = [(offset, offset + len(phrase))]
                    continue
                if not accept(entry):
                    continue
                accepted += 1
                taken[entry] = _Found(entry, tier, penalty, [(offset, offset + len(phrase))])

        def at_start_tier(entry: int, offset: int) -> int:
            if self.lengths[entry] == len(phrase):
                return _EXACT
            after = self.haystack.starts[entry] + len(phrase)
            return _WHOLE_PREFIX if _is_word_end(self.haystack.text, after) else _PREFIX

        def settled(best: int) -> int:
            return sum(1 for found in taken.values() if found.tier <= best)

        def always(tier: int) -> Callable[[int, int], int]:
            return lambda entry, offset: tier

        # What each scan's matches leave in the digest: for one word of word characters,
        # the word as a whole word, at a word start, inside one; for any other phrase, its
        # longest run of word characters inside a word (a phrase of none: no skipping).
        runs = _WORD.findall(phrase)
        inside = max(runs, key=len) if runs else None
        whole = start = inside
        if inside == phrase:
            whole, start = f" {phrase} ", f" {phrase}"
        contiguous_scan(self.head, re.compile(_not_after("[^\\n]", phrase)), at_start_tier, start)
        anchored = len(phrase) <= _MAX_ANCHORED
        # Each scan runs only while the names found so far leave room for what it finds:
        # the whole-word one outranks the start scan's mere prefixes, so it runs unless
        # exact names and whole words at the start fill the list; every later one ranks
        # below all found before it.
        if settled(_WHOLE_PREFIX) < needed and anchored:
            contiguous_scan(self.head, re.compile(_whole_word(phrase)), always(_WHOLE_WORD), whole)
        if len(taken) < needed and anchored:
            contiguous_scan(
                self.head, re.compile(_not_after("\\w", phrase)), always(_WORD_START), start
            )
        if len(taken) < needed:
            contiguous_scan(self.haystack, re.compile(re.escape(phrase)), always(_INSIDE), inside)
        if len(taken) < needed and len(words) > 1:
            self._all_words_tier(words, cap, accept, taken)
        # Stable: ties keep the order they were found in, file order within a scan.
        return sorted(taken.values(), key=lambda f: (f.tier, f.penalty))[:needed]

    def find_fuzzy(
        self, words: list[str], needed: int, accept: Callable[[int], bool]
    ) -> list[_Found]:
        """The best ``needed`` entries holding the query's letters in order, the first at a
        word start, accepted by ``accept``: call it with one that refuses what ``find``
        gave."""
        chars = "".join(words)
        if not self.lengths or needed <= 0 or len(chars) > MAX_FUZZY_QUERY:
            return []
        found = self._fuzzy_tier(chars, needed * _CANDIDATE_FACTOR, accept)
        return found[:needed]

    def _all_words_tier(
        self, words: list[str], cap: int, accept: Callable[[int], bool], taken: dict[int, _Found]
    ) -> None:
        haystack = self.haystack
        text = haystack.text
        # Scan for the longest word (likely the rarest); check the others per entry.
        scan = max(words, key=len)
        accepted = 0
        position = text.find(scan)
        while position != -1 and accepted < cap:
            entry = haystack.entry_at(position)
            start, end = haystack.starts[entry], haystack.ends[entry]
            # Containment first, in C; the word starts only for an entry that is taken.
            if (
                entry not in taken
                and all(text.find(word, start, end) != -1 for word in words)
                and accept(entry)
            ):
                accepted += 1
                name = text[start:end]
                offsets = [(_word_occurrence(name, word), len(word)) for word in words]
                spans = _merge([(offset, offset + length) for offset, length in offsets])
                taken[entry] = _Found(entry, _ALL_WORDS, len(name) / 1000, spans)
            position = text.find(scan, end + 1)

    def _fuzzy_tier(self, chars: str, cap: int, accept: Callable[[int], bool]) -> list[_Found]:
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
            if not accept(entry):
                continue
            spans, penalty = _fuzzy_alignment(self.haystack.entry(entry), chars)
            batch.append(_Found(entry, _FUZZY, penalty, spans))
        batch.sort(key=lambda f: f.penalty)
        return batch


class _LongMatcher:
    """Finds long texts containing every query word, by how the scanned (longest) word
    stands in the text: as a whole word, at a word start, or inside a word."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.haystack = _Haystack([fold(entry) for entry in entries])
        self.digest: _Digest | None = None  # see SearchIndex.prepare

    def prepare(self) -> None:
        if self.digest is None:
            self.digest = _Digest(self.haystack.text)

    def find(
        self, words: list[str], needed: int, accept: Callable[[int], bool]
    ) -> tuple[list[_Found], list[_Found], list[_Found]]:
        """Up to ``needed`` matches of each tier (whole word, word start, inside a word), each
        list in file order; none of a tier worse than one that is full."""
        haystack = self.haystack
        tiers: tuple[list[_Found], list[_Found], list[_Found]] = ([], [], [])
        if not haystack.starts or needed <= 0:
            return tiers
        # Scan for the longest word (likely the rarest); check the others per entry.
        scan_index = max(range(len(words)), key=lambda i: (len(words[i]), i))
        scan = words[scan_index]
        others = words[:scan_index] + words[scan_index + 1 :]
        anywhere = re.compile(re.escape(scan))
        anchored = len(scan) <= _MAX_ANCHORED
        at_word_start = re.compile(_not_after("\\w", scan)) if anchored else None
        whole_word = re.compile(_whole_word(scan)) if anchored else None
        pattern = anywhere
        text = haystack.text
        # What each pattern's matches leave in the digest, for a scanned word of word
        # characters only (any other's matches may span words).
        needles: dict[re.Pattern[str] | None, str] = {}
        if self.digest is not None and _WORD.fullmatch(scan):
            needles = {anywhere: scan, at_word_start: f" {scan}", whole_word: f" {scan} "}
        digest = self.digest
        position = 0
        chunk_end = -1  # where the digest chunk of the last match ends
        while True:
            needle = needles.get(pattern)
            if needle is None or digest is None:
                match = pattern.search(text, position)
            else:
                # The rest of the last match's chunk first, inline: where matches are dense
                # but the entries refused, a call per match would cost a fifth more.
                match = pattern.search(text, position, chunk_end) if position < chunk_end else None
                if match is None:
                    match = digest.search(pattern, needle, text, position)
                    if match is not None:
                        chunk_end = digest.chunk_end(match.start())
            if match is None:
                break
            entry = haystack.entry_at(match.start())
            start, end = haystack.starts[entry], haystack.ends[entry]
            position = end + 1  # one hit per entry: skip the rest of it
            if others and not all(text.find(word, start, end) != -1 for word in others):
                continue
            if not accept(entry):
                continue
            tier, best = self._best_occurrence(match, pattern, at_word_start, whole_word, end)
            if len(tiers[tier]) < needed:
                offset = best - start
                tiers[tier].append(_Found(entry, tier, 0, [(offset, offset + len(scan))]))
            # Callers keep the tiers in order, ``needed`` at most: once a tier is full, no
            # match of a worse one is shown, so only better tiers are still looked for.
            if len(tiers[_LONG_WHOLE]) >= needed:
                break
            if at_word_start is None or whole_word is None:
                # A long word: no narrower scans; enough weaker matches end it.
                if len(tiers[_LONG_START]) >= needed or len(tiers[_LONG_INSIDE]) >= needed:
                    break
            elif len(tiers[_LONG_START]) >= needed:
                pattern = whole_word
            elif len(tiers[_LONG_INSIDE]) >= needed:
                pattern = at_word_start
        return tiers

    @staticmethod
    def _best_occurrence(
        match: re.Match[str],
        pattern: re.Pattern[str],
        at_word_start: re.Pattern[str] | None,
        whole_word: re.Pattern[str] | None,
        end: int,
    ) -> tuple[int, int]:
        """The tier of an entry and where its best occurrence starts, from the scan's
        first ``match`` in it (``end``: where the entry ends)."""
        text = match.string
        if at_word_start is None or whole_word is None:  # a long word: its first occurrence
            if not _is_word_start(text, match.start()):
                return _LONG_INSIDE, match.start()
            return (_LONG_WHOLE if _is_word_end(text, match.end()) else _LONG_START), match.start()
        if pattern is whole_word:
            return _LONG_WHOLE, match.start()
        word_start = (
            match if pattern is at_word_start else at_word_start.search(text, match.start(), end)
        )
        if word_start is None:
            return _LONG_INSIDE, match.start()
        if _is_word_end(text, word_start.end()):
            return _LONG_WHOLE, word_start.start()
        # A later occurrence may stand whole ("Yardsticks at the yard" for "yard"), looked
        # for within reach: all of any real text, a bounded cost in a hostile megabyte one.
        reach = min(end, word_start.end() + _WHOLE_WORD_REACH)
        whole = whole_word.search(text, word_start.start() + 1, reach)
        # The search ends at ``reach`` as if the text did: a word it cuts is not whole.
        if whole is not None and (whole.end() < reach or _is_word_end(text, reach)):
            return _LONG_WHOLE, whole.start()
        return _LONG_START, word_start.start()


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
        self._preparing = threading.Lock()
        self.prepared = False  # every digest built (``prepare``)

    # -- public API ---------------------------------------------------------------------

    def prepare(self) -> None:
        """Build the word digests that let scans skip most of the text (same results).

        About as long as building the index again: worth it for a session of searches as
        you type, not for one search (without it, every scan reads the whole text).

        Safe in a thread while the index is searched (the search overlay builds them
        so): each matcher's digest is set whole, and a search finds the same with or
        without it. A second call waits for the first and finds the work done.
        """
        with self._preparing:
            for matcher in (
                self._names,
                self._aliases,
                self._relations,
                self._attributes,
                self._stances,
                self._descriptions,
                self._quotes,
            ):
                matcher.prepare()
            self.prepared = True

    def search(self, query: str, limit: int = 100, kinds: Collection[str] = KINDS) -> list[Hit]:
        """Hits for ``query``, best first, at most ``limit``. Blank queries find nothing.

        ``kinds`` (of ``KINDS``) keeps hits of those kinds only, in the same order: the
        classes of the others are not searched, so ``limit`` hits of them are found.
        """
        words = _query_words(query)
        if not words or limit <= 0:
            return []
        with_actors = "actor" in kinds
        seen_actors: set[int] = set()  # actors with a hit, listed once by name or alias
        hits = self._actor_hits(words, limit, seen_actors, fuzzy=False) if with_actors else []
        if len(hits) < limit:
            hits += self._text_hits(words, limit - len(hits), seen_actors, kinds)
        if len(hits) < limit and "quote" in kinds:
            hits += self._quote_hits(words, limit - len(hits))
        # Scattered letters last: only once no literal match anywhere is left out.
        if len(hits) < limit and with_actors:
            hits += self._actor_hits(words, limit - len(hits), seen_actors, fuzzy=True)
        return hits

    def actors(self, query: str, limit: int = 20) -> list[Hit]:
        """Actors whose name or an alias matches, best first (literal before fuzzy)."""
        words = _query_words(query)
        if not words or limit <= 0:
            return []
        seen_actors: set[int] = set()
        hits = self._actor_hits(words, limit, seen_actors, fuzzy=False)
        if len(hits) < limit:
            hits += self._actor_hits(words, limit - len(hits), seen_actors, fuzzy=True)
        return hits

    def relations(self, query: str, limit: int = 20) -> list[Hit]:
        """Relations whose summary contains every query word, best first."""
        words = _query_words(query)
        if not words or limit <= 0:
            return []
        whole, start, inside = self._relations.find(words, limit, _accept_all)
        return [self._relation_hit(words, found) for found in (whole + start + inside)[:limit]]

    # -- classes ------------------------------------------------------------------------

    def _actor_hits(
        self, words: list[str], limit: int, seen_actors: set[int], *, fuzzy: bool
    ) -> list[Hit]:
        """Name hits, then alias hits, literal or fuzzy, for actors not in ``seen_actors``
        (which gains them)."""
        hits: list[Hit] = []
        names = self._names.find_fuzzy if fuzzy else self._names.find
        aliases = self._aliases.find_fuzzy if fuzzy else self._aliases.find

        def unseen_actor(entry: int) -> bool:
            return entry not in seen_actors

        for found in names(words, limit, unseen_actor):
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

        for found in aliases(words, limit - len(hits), first_alias_of_unseen_actor):
            owner = self._alias_owners[found.entry]
            seen_actors.add(owner)
            actor = self._actors[owner]
            text = self._alias_texts[found.entry]
            hits.append(
                self._make_hit("actor", actor.id, text, found, _ALIAS, f"alias of {actor.name}")
            )
        return hits

    def _text_hits(
        self, words: list[str], needed: int, seen_actors: set[int], kinds: Collection[str]
    ) -> list[Hit]:
        """Summaries, stances and descriptions (of actors not in ``seen_actors``, which gains
        those listed), of the classes ``kinds`` asks for, by tier, then class."""
        classes: list[tuple[Callable[[list[str], _Found], Hit], tuple[list[_Found], ...]]] = []
        for kind, matcher, make in (
            ("relation", self._relations, self._relation_hit),
            ("attribute", self._attributes, self._attribute_hit),
            ("stance", self._stances, self._stance_hit),
        ):
            if kind in kinds:
                classes.append((make, matcher.find(words, needed, _accept_all)))
        if "actor" in kinds:
            descriptions = self._descriptions.find(
                words, needed, lambda entry: entry not in seen_actors
            )
            classes.append((self._description_hit, descriptions))
        ranked: list[tuple[Callable[[list[str], _Found], Hit], _Found]] = []
        for tier in (_LONG_WHOLE, _LONG_START, _LONG_INSIDE):
            for make, tiers in classes:
                ranked += [(make, found) for found in tiers[tier]]
        # Hits are made for the kept matches only: each costs a window over its text.
        kept = ranked[:needed]
        seen_actors.update(found.entry for make, found in kept if make == self._description_hit)
        return [make(words, found) for make, found in kept]

    def _quote_hits(self, words: list[str], needed: int) -> list[Hit]:
        whole, start, inside = self._quotes.find(words, needed, _accept_all)
        hits: list[Hit] = []
        for found in (whole + start + inside)[:needed]:
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
            score=(0 if found.tier == _FUZZY else _LITERAL_BONUS)
            + weight * 10
            + _quality(found.tier, found.penalty),
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
