"""Source drift: a pinned source whose text changed since its quotes were written, and
those quotes found again in the new text.

A source with a ``sha256`` pin whose text no longer hashes to it has *drifted*. Each of
its quotes that no longer resolves (its words are gone, or now occur more often than its
``occurrence`` says) gets re-anchoring *candidates*: passages of the new text, each with
a score from 0 to 100, how alike the old quote and the passage are once case, spacing,
quote marks and dashes are set aside. A candidate is offered only when it scores
``THRESHOLD`` or more and does not change the meaning: a negation, a number or a hedge
word ("alleged", "reportedly") added or removed gives score 0, with the reason.

Where to look. The pin names the old text exactly, so the old text is taken, when it can
be found, from the cache of the last good load (``tui.cache`` keeps the source texts) or
from the file's git history, and used only if it hashes to the pin (the cache entry: if
it was loaded under that pin). Then each quote is looked for near its old surroundings
(the words before and after it in the old text), which also tells which of several equal
passages it was. Without an old text each quote is looked for by its own rarest words.
Either way only bounded windows of the new text are compared, never all of it against
every quote, so a long text stays fast. Nothing extra is kept in the user's YAML.

``check`` prints the drift first and each quote's candidates under its problem
(``check_report``); ``stakeholders fix --review`` walks them one by one (``review``) and
writes only what a person accepts, through ``tui.edit``'s one write path.

Pure core: no Textual.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import string
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import TextIO

from .files import inside, open_regular
from .loader import MAX_BYTES, MAX_TOTAL_BYTES, LoadError, Problem
from .matcher import fold, loosen
from .sanitize import display, truncate

THRESHOLD = 80
"""The lowest score a candidate is offered at (of 100)."""
CONTEXT_WORDS = 8  # words of the old surroundings looked for on each side
MOST_CANDIDATES = 3
SEED_WORDS = 4  # a quote's rarest words, looked up to place it without an old text
SEED_HITS = 64  # places looked at for each of them
WINDOWS = 6  # windows compared for each quote, besides those its old surroundings give

GONE = "its words are no longer in the text"
MOVED = "moved"

_NEGATIONS = frozenset(
    "not no never without denied deny denies denying nor neither none nobody nothing "
    "nowhere cannot".split()
)
_HEDGES = frozenset(
    "alleged allegedly reportedly reported purportedly purported apparently supposedly "
    "unconfirmed unverified suspected presumably possibly probably likely may might could "
    "rumoured rumored claimed believed seemingly".split()
)
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred hundreds thousand thousands million millions billion billions "
    "dozen dozens half once twice first second third fourth fifth".split()
)
_SPACES = re.compile(r"(\s+)")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PUNCTUATION = string.punctuation + "…¡¿«»‹›·•§¶†‡"
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")


# --- what the file says ------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRef:
    """One quote of the knowledge base file, where it stands."""

    section: str
    item_id: str
    index: int  # its place among the item's quotes (``edit.quote_entries``)
    source_id: str
    quote: str
    occurrence: int | None
    line: int
    places: tuple[tuple[int, int], ...]  # (line, column) of its `quote` and `occurrence`


@dataclass(frozen=True)
class _Pin:
    source_id: str
    relative: str
    sha256: str


def _layout(text: str) -> tuple[list[_Pin], list[QuoteRef]]:
    """The pinned sources and every quote of a knowledge base's text (nothing when it is
    not YAML the loader could read: the loader reports that)."""
    import yaml

    from .edit import SECTIONS, quote_entries
    from .splice import items, pairs

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return [], []
    if not isinstance(root, yaml.MappingNode):
        return [], []
    top = pairs(root)

    def scalar(fields: dict, key: str) -> str | None:
        found = fields.get(key)
        return found[2].value if found and isinstance(found[2], yaml.ScalarNode) else None

    pins = []
    for node in items(top, "sources"):
        if isinstance(node, yaml.MappingNode):
            fields = pairs(node)
            source_id, relative = scalar(fields, "id"), scalar(fields, "path")
            sha256 = scalar(fields, "sha256")
            sha256 = (sha256 or "").strip().lower()
            if source_id and relative and _SHA256.fullmatch(sha256):  # else the loader says
                pins.append(_Pin(source_id, relative, sha256))
    quotes = []
    for section in SECTIONS:
        if section in ("sources", "issues"):
            continue
        for item in items(top, section):
            item_id = scalar(pairs(item), "id") if isinstance(item, yaml.MappingNode) else None
            if not item_id:
                continue
            for index, entry in enumerate(quote_entries(item)):
                fields = pairs(entry)
                source_id, quote = scalar(fields, "source"), scalar(fields, "quote")
                occurrence = scalar(fields, "occurrence")
                if not source_id or not quote or (occurrence is not None and not
                                                  occurrence.isdigit()):
                    continue
                places = tuple(
                    (fields[key][2].start_mark.line + 1, fields[key][2].start_mark.column + 1)
                    for key in ("quote", "occurrence")
                    if key in fields
                )
                quotes.append(QuoteRef(
                    section, item_id, index, source_id, quote,
                    int(occurrence) if occurrence is not None else None,
                    fields["quote"][1].start_mark.line + 1, places,
                ))
    return pins, quotes


def _read_source(folder: Path, relative: str) -> tuple[bytes, str] | None:
    from .splice import decode_bytes

    place = inside(folder, relative)
    if place is None:
        return None
    try:
        descriptor, _status = open_regular(place)
        with open(descriptor, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return None
        return data, decode_bytes(data)[2]
    except (OSError, UnicodeDecodeError):
        return None  # the loader reports it


# --- the old text ------------------------------------------------------------------------


def _old_text(kb_path: Path, folder: Path, relative: str, pin: str) -> tuple[str, str] | None:
    """The source's text as pinned, and where it was found: the cache of the last good
    load, else the file's git history; None when neither has it."""
    from . import cache

    for source in cache.last_sources(kb_path):
        if source.sha256 == pin and source.text is not None:
            return source.text, "the cache of its last good load"
    place = inside(folder, relative)
    return _from_git(place, pin) if place is not None else None


def _from_git(place: Path, pin: str, most: int = 50) -> tuple[str, str] | None:
    """The newest of the file's ``most`` latest committed versions whose bytes hash to
    ``pin``. Read-only plumbing only (``log``, ``cat-file``), with the settings that could
    run a command (fsmonitor, signature checks) off; any failure is "not found"."""
    from .splice import decode_bytes

    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}

    def git(*args: str) -> bytes | None:
        try:
            done = subprocess.run(
                ["git", "-c", "core.fsmonitor=false", "-c", "log.showSignature=false",
                 "--no-pager", "-C", str(place.parent), *args],
                capture_output=True, timeout=10, env=environment, stdin=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    revisions = git("log", "--format=%H", "-n", str(most), "--", place.name)
    for revision in (revisions or b"").decode("ascii", "replace").split():
        data = git("cat-file", "blob", f"{revision}:./{place.name}")
        if data is not None and hashlib.sha256(data).hexdigest() == pin:
            try:
                return decode_bytes(data)[2], f"git commit {revision[:12]}"
            except UnicodeDecodeError:
                return None
    return None


# --- words -------------------------------------------------------------------------------


def _key(word: str) -> str:
    """A word as quotes are compared by it: folded (``matcher.fold``), without the
    punctuation at its ends."""
    folded = fold(word)
    return folded.strip(_PUNCTUATION) or folded


class _Words:
    """A text cut into words (runs of non-space), with their offsets and keys."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Folded whole (one character for one character: the offsets stay the text's), in
        # C-level passes: a megabyte of text is cut in a tenth of a second.
        parts = _SPACES.split(fold(text))  # words and the spaces between them, in turn
        offsets = list(accumulate(map(len, parts), initial=0))
        words, starts, ends = parts[0::2], offsets[0::2], offsets[1::2]
        first, last = (words[0] == ""), len(words) - (words[-1] == "")
        self.starts, self.ends = starts[first:last], ends[first:last]
        self.keys = [word.strip(_PUNCTUATION) or word for word in words[first:last]]

    @cached_property
    def index(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for position, key in enumerate(self.keys):
            found.setdefault(key, []).append(position)
        return found

    def around(self, start: int, end: int) -> tuple[list[str], list[str]]:
        """The keys of the words before ``start`` and after ``end`` (offsets)."""
        before = bisect.bisect_right(self.ends, start)
        after = bisect.bisect_left(self.starts, end)
        return (self.keys[max(0, before - CONTEXT_WORDS) : before],
                self.keys[after : after + CONTEXT_WORDS])

    def runs(self, keys: list[str], *, ending: bool) -> list[int]:
        """Where ``keys`` stand in the text, as the word index after them (``ending``) or
        of their first word; the longest tail (or head) of them found at all, 3 at least."""
        for size in sorted({len(keys), 5, 3}, reverse=True):
            if size > len(keys) or size < min(3, len(keys)) or size == 0:
                continue
            run = keys[-size:] if ending else keys[:size]
            anchor = run[-1] if ending else run[0]
            found = []
            for position in self.index.get(anchor, ())[:200]:
                first = position - size + 1 if ending else position
                if first >= 0 and self.keys[first : first + size] == run:
                    found.append(first + size if ending else first)
            if found:
                return found
        return []


def _starts(text: str, words: str) -> list[int]:
    """Every place ``words`` start in ``text``, overlapping ones too (as the loader counts)."""
    found = []
    at = text.find(words)
    while at >= 0:
        found.append(at)
        at = text.find(words, at + 1)
    return found


def _resolve(text: str, quote: str, occurrence: int | None) -> tuple[int | None, str]:
    """Where a quote resolves as the loader resolves it, or why it does not."""
    starts = _starts(text, quote)
    if not starts:
        return None, GONE
    if occurrence is None:
        if len(starts) > 1:
            return None, f"its words now occur {len(starts)} times and nothing says which"
        return starts[0], ""
    if occurrence > len(starts):
        return None, (f"`occurrence: {occurrence}` but its words now occur only "
                      f"{len(starts)} time(s)")
    return starts[occurrence - 1], ""


# --- candidates --------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A passage of the new text a quote may have become."""

    start: int
    end: int
    text: str
    score: int  # 0 to 100; 0 when the meaning changed
    similarity: int  # how alike the quote and the passage are, 0 to 100
    reason: str  # why it is not offered whatever its score ("" when it may be)
    occurrence: int | None  # what the quote's `occurrence` must say (None: it occurs once)
    context: int | None  # how alike the old and new surroundings are; None without old text

    @property
    def offered(self) -> bool:
        return not self.reason and self.score >= THRESHOLD


def similarity(a: str, b: str) -> int:
    """How alike two passages are, 0 to 100, once case, spacing, quote marks and dashes
    are set aside."""
    loose_a, loose_b = loosen(a), loosen(b)
    if loose_a == loose_b:
        return 100
    return min(99, round(100 * SequenceMatcher(None, loose_a, loose_b, autojunk=False).ratio()))


def meaning_change(quote: str, passage: str) -> str:
    """Why ``passage`` would not say what ``quote`` says: a negation, a number or a hedge
    word added or removed; "" when none is."""
    old = [_key(word) for word in quote.split()]
    new = [_key(word) for word in passage.split()]

    def negations(words: list[str]) -> list[str]:
        return [w for w in words if w in _NEGATIONS or w.endswith("n't")]

    def numbers(words: list[str]) -> list[str]:
        return [_DIGIT_COMMA.sub("", w) for w in words
                if w in _NUMBER_WORDS or any(c.isdigit() for c in w)]

    def hedges(words: list[str]) -> list[str]:
        return [w for w in words if w in _HEDGES]

    # "was not" and "wasn't" are one negation: negations are counted, the rest compared.
    if len(negations(old)) != len(negations(new)):
        return "negation " + _changed(Counter(negations(old)), Counter(negations(new)))
    for what, pick in (("number", numbers), ("hedge", hedges)):
        before, after = Counter(pick(old)), Counter(pick(new))
        if before != after:
            return f"{what} " + _changed(before, after)
    return ""


def _changed(before: Counter, after: Counter) -> str:
    removed = sorted((before - after).elements())
    added = sorted((after - before).elements())
    shown = ", ".join
    if removed and added:
        return f"changed: {shown(map(repr, removed))} → {shown(map(repr, added))}"
    if removed:
        return f"removed: {shown(map(repr, removed))}"
    return f"added: {shown(map(repr, added))}"


def candidates(
    quote: str,
    new: _Words,
    *,
    before: list[str] | None = None,
    after: list[str] | None = None,
    near: float | None = None,
) -> list[Candidate]:
    """Passages of ``new`` that ``quote`` may have become, best first (at most
    ``MOST_CANDIDATES``; offered ones before any that is not). ``before`` and ``after``:
    the keys of the words around the quote in the old text, when it is known; ``near``:
    where it stood there, as a fraction of the old text's length."""
    quote_keys = [_key(word) for word in quote.split()]
    if not quote_keys or not new.keys:
        return []
    windows = _windows(quote_keys, new, before or [], after or [])
    spans: dict[tuple[int, int], None] = {}
    for low, high in windows:
        span = _align(quote, quote_keys, new, low, high)
        if span is not None:
            spans.setdefault(span)
    text = new.text
    found = []
    for first, last in spans:
        start, end = _trimmed(quote, text, new.starts[first], new.ends[last - 1])
        if end <= start:
            continue
        passage = text[start:end]
        alike = similarity(quote, passage)
        reason = meaning_change(quote, passage)
        starts = _starts(text, passage)
        context = None
        if before or after:
            context = _context_alike(new, first, last, before or [], after or [])
        found.append(Candidate(
            start, end, passage, 0 if reason else alike, alike, reason,
            starts.index(start) + 1 if len(starts) > 1 else None, context,
        ))
    length = max(len(text), 1)

    def rank(candidate: Candidate) -> tuple:
        distance = abs(candidate.start / length - near) if near is not None else 0.0
        return (not candidate.offered, -candidate.similarity, -(candidate.context or 0),
                distance)

    best: dict[tuple[int, int], Candidate] = {}
    for candidate in sorted(found, key=rank):
        best.setdefault((candidate.start, candidate.end), candidate)
    return list(best.values())[:MOST_CANDIDATES]


def _windows(
    quote_keys: list[str], new: _Words, before: list[str], after: list[str]
) -> list[tuple[int, int]]:
    """Word ranges of the new text worth aligning the quote with: between (or next to) its
    old surroundings where they are found, and around the places of its rarest words."""
    size = len(quote_keys)
    margin = 4 + size // 4
    windows: list[tuple[int, int]] = []
    starts = new.runs(before, ending=True) if before else []
    ends = new.runs(after, ending=False) if after else []
    paired = [(a, b) for a in starts[:10] for b in ends[:10] if 0 <= b - a <= 2 * size + 8]
    if paired:
        windows += paired
    else:
        windows += [(a, a + size + margin) for a in starts[:10]]
        windows += [(b - size - margin, b) for b in ends[:10]]
    # The quote's rarest words vote for where it starts.
    first_at: dict[str, int] = {}
    for position, key in enumerate(quote_keys):
        first_at.setdefault(key, position)
    seeds = [key for key in first_at if key in new.index and len(key) >= 3] or [
        key for key in first_at if key in new.index
    ]
    seeds.sort(key=lambda key: len(new.index[key]))
    votes: Counter[int] = Counter()
    for key in seeds[:SEED_WORDS]:
        for position in new.index[key][:SEED_HITS]:
            votes[(position - first_at[key]) // 4] += 1
    for bucket, _count in votes.most_common(WINDOWS):
        start = bucket * 4
        windows.append((start - margin, start + size + margin + 4))
    return windows


def _align(
    quote: str, quote_keys: list[str], new: _Words, low: int, high: int
) -> tuple[int, int] | None:
    """The word range of ``new`` within ``low:high`` that lines up best with the quote."""
    low, high = max(0, low), min(len(new.keys), high)
    if high <= low:
        return None
    blocks = [
        block
        for block in SequenceMatcher(
            None, quote_keys, new.keys[low:high], autojunk=False
        ).get_matching_blocks()
        if block.size
    ]
    if not blocks:
        return None
    big = max(blocks, key=lambda block: block.size)
    slack = max(3, len(quote_keys) // 4)
    kept = [block for block in blocks if abs((block.b - block.a) - (big.b - big.a)) <= slack]
    if 3 * sum(block.size for block in kept) < len(quote_keys):
        return None  # a third of the quote's words at least
    first, last = kept[0], kept[-1]
    start = low + first.b - first.a
    end = low + last.b + last.size + len(quote_keys) - last.a - last.size
    start, end = max(0, start), min(len(new.keys), end)
    if first.a == 0 and last.a + last.size == len(quote_keys):
        return start, end
    # An end word of the quote changed or went: try its neighbours for the best ends.
    text = new.text
    spans = [
        (start + move_start, end + move_end)
        for move_start in range(-2, 3)
        for move_end in range(-2, 3)
        if 0 <= start + move_start < end + move_end <= len(new.keys)
    ]
    return max(
        spans,
        key=lambda span: (
            similarity(quote, text[new.starts[span[0]] : new.ends[span[1] - 1]]),
            -abs(span[0] - start) - abs(span[1] - end),
        ),
    )


def _trimmed(quote: str, text: str, start: int, end: int) -> tuple[int, int]:
    """A passage cut like the quote: of the punctuation at each end of its end words (a
    full stop, a closing quote mark), only what the quote has there too is kept."""
    lead = _punctuation_run(quote, forward=True)
    run = _punctuation_run(text[start:end], forward=True)
    keep = max((size for size in range(len(run) + 1)
                if lead.endswith(run[len(run) - size :])), default=0)
    start += len(run) - keep
    tail = _punctuation_run(quote, forward=False)
    run = _punctuation_run(text[start:end], forward=False)
    keep = max((size for size in range(len(run) + 1) if tail.startswith(run[:size])),
               default=0)
    return start, end - (len(run) - keep)


def _punctuation_run(text: str, *, forward: bool) -> str:
    """The punctuation (folded) at the start of ``text``, or at its end."""
    folded = fold(text)
    kept = folded.lstrip(_PUNCTUATION) if forward else folded.rstrip(_PUNCTUATION)
    return folded[: len(folded) - len(kept)] if forward else folded[len(kept) :]


def _context_alike(new: _Words, first: int, last: int, before: list[str],
                   after: list[str]) -> int:
    """How alike, 0 to 100, the words around a passage and the quote's old surroundings."""
    around = [
        SequenceMatcher(None, before, new.keys[max(0, first - len(before)) : first]).ratio()
        if before else None,
        SequenceMatcher(None, after, new.keys[last : last + len(after)]).ratio()
        if after else None,
    ]
    known = [value for value in around if value is not None]
    return round(100 * sum(known) / len(known)) if known else 0


# --- a drifted source --------------------------------------------------------------------


@dataclass(frozen=True)
class Drifted:
    """A quote of a drifted source that no longer resolves (or resolves elsewhere than
    before: ``why`` is ``MOVED``), with its candidates."""

    quote: QuoteRef
    why: str
    candidates: tuple[Candidate, ...]

    @property
    def offered(self) -> list[Candidate]:
        return [candidate for candidate in self.candidates if candidate.offered]


@dataclass(frozen=True)
class SourceDrift:
    """A pinned source whose text no longer matches its pin."""

    source_id: str
    relative: str
    pinned: str
    found: str  # the sha256 of its text now
    text: str
    old_from: str | None  # where its old text was found; None when it was not
    quotes: int  # how many quotes of the file name it
    drifted: tuple[Drifted, ...]

    @property
    def unresolved(self) -> list[Drifted]:
        return [drifted for drifted in self.drifted if drifted.why != MOVED]

    def summary(self) -> list[str]:
        """What changed, in a few lines (no command: the caller says which)."""
        lost = len(self.unresolved)
        moved = len(self.drifted) - lost
        lines = []
        if lost:
            lines.append(f"{lost} of the {self.quotes} quote(s) taken from it (evidence, "
                         "caveats, hedges, posts) no longer resolve in the new text; their "
                         "candidates are shown under them")
        else:
            lines.append(f"every one of the {self.quotes} quote(s) taken from it still "
                         "resolves in the new text: check them, then update the pin")
        if moved:
            lines.append(f"{moved} quote(s) resolve, but elsewhere than their old "
                         "surroundings stand")
        if self.old_from is None:
            lines.append("its old text was not found (neither in the cache nor in git): each "
                         "quote was looked for by its own words")
        else:
            lines.append(f"its old text was found in {self.old_from}: each quote was looked "
                         "for near its old surroundings")
        return lines


def find(path: Path, text: str | None = None) -> list[SourceDrift]:
    """The drifted sources of the knowledge base at ``path`` (``text``: its text, if read
    already), each with its quotes that need a person's look."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return []
    pins, quotes = _layout(text)
    folder = path.parent
    drifts = []
    for pin in pins:
        read = _read_source(folder, pin.relative)
        if read is None:
            continue
        data, new_text = read
        found = hashlib.sha256(data).hexdigest()
        if found == pin.sha256:
            continue
        old = _old_text(path, folder, pin.relative, pin.sha256)
        drifts.append(_drift(pin, found, new_text, old, [
            quote for quote in quotes if quote.source_id == pin.source_id
        ]))
    return drifts


def _drift(pin: _Pin, found: str, new_text: str, old: tuple[str, str] | None,
           quotes: list[QuoteRef]) -> SourceDrift:
    new = _Words(new_text)
    old_words = _Words(old[0]) if old is not None else None
    drifted = []
    for ref in quotes:
        at, why = _resolve(new_text, ref.quote, ref.occurrence)
        before = after = None
        near = None
        if old_words is not None:
            old_at, _ = _resolve(old_words.text, ref.quote, ref.occurrence)
            if old_at is not None:
                before, after = old_words.around(old_at, old_at + len(ref.quote))
                near = old_at / max(len(old_words.text), 1)
        if at is None:
            found_candidates = candidates(ref.quote, new, before=before, after=after, near=near)
            drifted.append(Drifted(ref, why, tuple(found_candidates)))
        elif before is not None and after is not None:
            moved = _moved(ref, new, at, before, after)
            if moved is not None:
                drifted.append(Drifted(ref, MOVED, (moved,)))
    return SourceDrift(pin.source_id, pin.relative, pin.sha256, found, new_text,
                       old[1] if old is not None else None, len(quotes), tuple(drifted))


def _moved(ref: QuoteRef, new: _Words, at: int, before: list[str],
           after: list[str]) -> Candidate | None:
    """For a quote whose words occur several times: the occurrence its old surroundings
    now stand around, when it is not the one its `occurrence` names."""
    text = new.text
    starts = _starts(text, ref.quote)
    if len(starts) < 2:
        return None

    def alike(start: int) -> int:
        first = bisect.bisect_left(new.ends, start + 1)
        last = bisect.bisect_left(new.starts, start + len(ref.quote))
        return _context_alike(new, first, last, before, after)

    scores = {start: alike(start) for start in starts}
    best = max(starts, key=lambda start: scores[start])
    if best == at or scores[best] < scores[at] + 25:
        return None
    return Candidate(best, best + len(ref.quote), ref.quote, 100, 100, "",
                     starts.index(best) + 1, scores[best])


# --- check's report ----------------------------------------------------------------------


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _short(text: str, width: int = 100) -> str:
    return truncate(display(" ".join(text.split())), width)


def candidate_lines(drifted: Drifted, text: str) -> list[str]:
    """A drifted quote's candidates, one a line, for ``check``."""
    offered = drifted.offered
    lines = []
    if drifted.why == MOVED:
        lines.append(f"its words occur more than once, and its old surroundings now stand "
                     f"around another occurrence than `occurrence: "
                     f"{drifted.quote.occurrence}` names:")
    for number, candidate in enumerate(offered, 1):
        lines.append(f"candidate {number}, score {candidate.score}: {_short(candidate.text)!r} "
                     f"({_where(candidate, text)})")
    if not offered:
        lines.append(f"no candidate scores {THRESHOLD} or more (of 100)")
        for candidate in drifted.candidates[:2]:
            why = (f"not offered: {candidate.reason}" if candidate.reason
                   else "below the threshold")
            lines.append(f"  score {candidate.score} ({candidate.similarity} alike), "
                         f"{_short(candidate.text)!r}: {why}")
    return lines


def _where(candidate: Candidate, text: str) -> str:
    parts = [f"text line {_line_of(text, candidate.start)}"]
    if candidate.occurrence is not None:
        parts.append(f"occurrence {candidate.occurrence}")
    if candidate.context is not None:
        parts.append(f"old surroundings {candidate.context}% alike")
    return ", ".join(parts)


def _is_pin_problem(problem: Problem, source_ids: set[str]) -> bool:
    return problem.item_id in source_ids and "`sha256`" in problem.message


def check_report(path: Path, error: LoadError, *, command: str = "stakeholders") -> str:
    """``error``'s report, with what source drift explains put first: each drifted source's
    pin problem, what changed in it and where its old text came from; then the other
    problems, each quote that no longer resolves followed by its candidates."""
    if not any("`sha256`" in problem.message for problem in error.problems):
        return error.report()  # no pin broke: the file is not read again
    drifts = find(path)
    if not drifts:
        return error.report()
    by_id = {drift.source_id: drift for drift in drifts}
    pinned = [problem for problem in error.problems if _is_pin_problem(problem, set(by_id))]
    rest = [problem for problem in error.problems if problem not in pinned]
    place_of: dict[tuple[str, int, int], tuple[Drifted, SourceDrift]] = {}
    for drift in drifts:
        for drifted in drift.unresolved:
            for line, column in drifted.quote.places:
                place_of[(drifted.quote.item_id, line, column)] = (drifted, drift)
    shown = display(str(path))
    lines = []
    for drift in drifts:
        problem = next((p for p in pinned if p.item_id == drift.source_id), None)
        lines.append(str(problem) if problem is not None else
                     f"{shown}: [{display(drift.source_id)}] source text "
                     f"{display(drift.relative)} does not match its `sha256`")
        lines += ["    " + line for line in drift.summary()]
        lines.append(f"    `{command} fix --review {shown}` walks the candidates one by one")
        for drifted in drift.drifted:
            if drifted.why == MOVED:
                ref = drifted.quote
                lines.append(f"    {shown}:{ref.line}: [{display(ref.item_id)}] "
                             f"{_short(ref.quote, 60)!r}")
                lines += ["      " + line for line in candidate_lines(drifted, drift.text)]
    shown_places: set[int] = set()
    for problem in rest:
        lines.append(str(problem))
        found = place_of.get((problem.item_id or "", problem.line, problem.column))
        if found is not None and id(found[0]) not in shown_places:
            shown_places.add(id(found[0]))
            lines += ["    " + line for line in candidate_lines(found[0], found[1].text)]
    count = len(error.problems)
    lines.append(f"{count} problem{'s' if count != 1 else ''} found.")
    return "\n".join(lines)


# --- fix --review ------------------------------------------------------------------------

Ask = Callable[[str], str | None]  # a prompt -> the answer line, None at the end of input
Say = Callable[[str], None]


def stream_asker(stdin: TextIO, stdout: TextIO, *, echo: bool) -> Ask:
    """Answers read a line at a time from ``stdin``, prompts written to ``stdout``; with
    ``echo`` (answers from a pipe or a file) each answer is written after its prompt, so
    the transcript reads as it would on a terminal."""

    def ask(prompt: str) -> str | None:
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return None
        if echo:
            stdout.write(line.rstrip("\r\n") + "\n")
        return line

    return ask


def _answer(ask: Ask, say: Say, prompt: str) -> str:
    """y, n or q; the end of the input is q."""
    while True:
        line = ask(prompt)
        if line is None:
            return "q"
        answer = line.strip().lower()
        if answer in ("y", "yes", "n", "no", "q", "quit"):
            return answer[0]
        say("Answer y (accept), n (skip) or q (quit: write what was accepted so far).")


def _context_line(text: str, candidate: Candidate, width: int = 60) -> str:
    before = " ".join(text[max(0, candidate.start - width) : candidate.start].split())
    after = " ".join(text[candidate.end : candidate.end + width].split())
    if text[max(0, candidate.start - 1) : candidate.start].isspace():
        before += " "
    if text[candidate.end : candidate.end + 1].isspace():
        after = " " + after
    return display(f"…{before}[{' '.join(candidate.text.split())}]{after}…")


def word_changes(old: str, new: str, most: int = 4) -> list[str]:
    """What changed between a quote and a candidate, word by word."""
    a, b = old.split(), new.split()
    found = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        before, after = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if before and after:
            found.append(f"{before} → {after}")
        else:
            found.append(f"- {before}" if before else f"+ {after}")
    if not found and old != new:
        found.append("only line breaks or spacing")
    if len(found) > most:
        found = [*found[:most], f"(and {len(found) - most} more)"]
    return [display(change) for change in found]


def _review_lines(number: int, total: int, drifted: Drifted, shown: str) -> list[str]:
    ref = drifted.quote
    why = (f"resolves, but its old surroundings now stand around another occurrence than "
           f"`occurrence: {ref.occurrence}`" if drifted.why == MOVED else drifted.why)
    return [
        "",
        f"[{number}/{total}] {shown}:{ref.line} {ref.section[:-1]} {display(ref.item_id)}",
        f"  old quote:  {display(ref.quote)}",
        f"  now:        {why}",
    ]


def _candidate_lines(candidate: Candidate, quote: str, text: str) -> list[str]:
    lines = [
        f"  candidate:  {display(candidate.text)}",
        f"  in context: {_context_line(text, candidate)}",
    ]
    changes = word_changes(quote, candidate.text)
    if changes:
        lines.append(f"  changes:    {'; '.join(changes)}")
    lines.append(f"  score:      {candidate.score} of 100 ({THRESHOLD} needed); "
                 f"{_where(candidate, text)}")
    return lines


def review(
    path: Path,
    ask: Ask,
    say: Say,
    *,
    max_bytes: int = MAX_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> int:
    """``stakeholders fix --review``: each drifted quote's offered candidates one by one
    (y accepts, n skips, q stops), then, for a source whose every quote resolves, its new
    pin; what was accepted is written once at the end, through ``edit.save_no_worse``
    (the file must still hold what was read, the change may add no problem), and the
    file checked again. The exit status: 0 when it checks clean after."""
    from .edit import ChangeRefused, FileState, Refused
    from .loader import load_knowledge_base

    shown = display(str(path))
    try:
        state = FileState.read(path)
        load_knowledge_base(path, max_bytes=max_bytes, max_total_bytes=max_total_bytes)
    except ChangeRefused as refused:
        say(refused.report())
        return 1
    except LoadError as error:
        failed = error
    else:
        say(f"{shown}: nothing to fix: it checks clean")
        return 0
    known = failed.problems
    drifts = find(path, state.text)
    if not drifts:
        say(failed.report())
        say(f"{shown}: no pinned source text changed: nothing for fix --review to do")
        return 1
    text = state.text  # with every change accepted so far: a refusal shows at once
    quotes: list[tuple[str, QuoteRef, Candidate]] = []  # (source id, quote, candidate)
    pins: list[SourceDrift] = []
    stop = False
    for drift in drifts:
        say("")
        say(f"Source {display(drift.source_id)} ({display(drift.relative)}): its text no longer "
            f"matches its pin (sha256 {drift.pinned[:12]}…, now {drift.found[:12]}…).")
        for line in drift.summary():
            say(f"  {line}")
        left = len(drift.unresolved)
        for number, drifted in enumerate(drift.drifted, 1):
            for line in _review_lines(number, len(drift.drifted), drifted, shown):
                say(line)
            offered = drifted.offered
            if not offered:
                for line in candidate_lines(drifted, drift.text):
                    say(f"  {line}")
                say("  left as it is")
                continue
            for candidate in offered:
                for line in _candidate_lines(candidate, drifted.quote.quote, drift.text):
                    say(line)
                answer = _answer(ask, say, "Accept this candidate? [y]es, [n]o, [q]uit: ")
                if answer == "q":
                    stop = True
                    break
                if answer == "n":
                    continue
                try:
                    text = _applied(text, [(drift.source_id, drifted.quote, candidate)], [])
                except Refused as refused:
                    say(f"  {refused.problem(shown, 'change this quote')}")
                    break
                quotes.append((drift.source_id, drifted.quote, candidate))
                if drifted.why != MOVED:
                    left -= 1
                break
            if stop:
                break
        if stop:
            break
        if left:
            say(f"{left} quote(s) of {display(drift.source_id)} still do not resolve: its "
                "pin stays as it is")
            continue
        say("")
        say(f"Every quote of {display(drift.source_id)} resolves in its new text.")
        answer = _answer(ask, say, f"Pin it to the new text (sha256: {drift.found})? "
                                   "[y]es, [n]o, [q]uit: ")
        if answer == "q":
            break
        if answer == "y":
            try:
                text = _applied(text, [], [drift])
            except Refused as refused:
                say(f"  {refused.problem(shown, 'change the pin')}")
                continue
            pins.append(drift)
    say("")
    return _write(state, known, quotes, pins, say, max_bytes=max_bytes,
                  max_total_bytes=max_total_bytes)


def _applied(text: str, quotes: list[tuple[str, QuoteRef, Candidate]],
             pins: list[SourceDrift]) -> str:
    """``text`` with the accepted candidates and pins put in (``tui.edit``'s splices)."""
    from .edit import update_item, update_quote

    for _source_id, ref, candidate in quotes:
        text = update_quote(text, ref.section, ref.item_id, ref.index, ref.quote,
                            {"quote": candidate.text, "occurrence": candidate.occurrence})
    for drift in pins:
        text = update_item(text, "sources", drift.source_id, {"sha256": drift.found})
    return text


def _write(state, known: list[Problem], quotes: list[tuple[str, QuoteRef, Candidate]],
           pins: list[SourceDrift], say: Say, **caps: int) -> int:
    """Write what was accepted, once. A re-anchored quote with which its item would not
    check (e.g. a place no longer word for word in the quote, a line break now inside it)
    is held back, with the problem it would bring, and so is its source's pin; the rest
    is written. The status: 0 when the file checks clean after."""
    from .edit import ChangeRefused, save_no_worse

    shown = display(str(state.path))
    held: set[str] = set()
    while True:
        kept = [change for change in quotes if change[1].item_id not in held]
        blocked = {source_id for source_id, ref, _ in quotes if ref.item_id in held}
        kept_pins = [drift for drift in pins if drift.source_id not in blocked]
        text = _applied(state.text, kept, kept_pins)
        if text == state.text:
            say(f"{shown}: nothing accepted, nothing written; {len(known)} problem(s) remain "
                "(`stakeholders check` lists them)")
            return 1
        try:
            _state, left = save_no_worse(state, text, known, **caps)
            break
        except ChangeRefused as refused:
            culprits = {p.item_id for p in refused.problems} & {ref.item_id for _, ref, _ in kept}
            if not culprits:
                say(refused.report())
                return 1
            for problem in refused.problems:
                if problem.item_id in culprits:
                    say(f"not written: the re-anchored quote(s) of {display(problem.item_id)}, "
                        f"with which it would not check: {problem}")
            held |= culprits
            for drift in kept_pins:
                if any(source_id == drift.source_id and ref.item_id in culprits
                       for source_id, ref, _ in kept):
                    say(f"not written: the new pin of {display(drift.source_id)}, whose "
                        "quotes would not all resolve")
    say(f"{shown}: written: {len(kept)} quote(s) re-anchored, {len(kept_pins)} pin(s) updated")
    if not left:
        say(f"{shown}: OK: it checks clean")
        return 0
    say(f"{shown}: it still does not check clean:")
    say(LoadError(left).report())
    return 1
