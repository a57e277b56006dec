"""The one quote matcher: where a quote stands in its source, whoever wrote it.

The loader checks every quote of the knowledge base with it, and every proposal (the
built-in proposer's or an outside command's) passes it before a person sees it. A quote
comes out as one of:

- ``verified``: the exact characters are in the source (once, or the occurrence nearest a
  hint);
- ``repaired``: only case, spacing, quote marks or dashes differ; the source's own
  characters are put in and the offsets are theirs, so what is kept is verbatim;
- ``rejected``, with a reason: ``quote_not_in_source``, ``ambiguous`` (it occurs more than
  once and nothing says which), or ``not_contiguous`` (its parts are in the source but not
  together, e.g. two sentences glued into one quote).

Accents are *not* loosened (unlike search, see `folding`): a quote with another spelling of
a name is another quote, not a typographic variant of this one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

VERIFIED = "verified"
REPAIRED = "repaired"
REJECTED = "rejected"

NOT_IN_SOURCE = "quote_not_in_source"
AMBIGUOUS = "ambiguous"
NOT_CONTIGUOUS = "not_contiguous"

# Typographic forms a web page brings and a keyboard (or a language model) does not.
_TYPOGRAPHIC = dict.fromkeys("‘’‚‛′`´", "'") | dict.fromkeys("“”„‟″«»", '"') | dict.fromkeys(
    "‐‑‒–—―−", "-"
)
# Where a quote that glues passages together is cut to find its parts.
_PASSAGE_BREAK = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*|(?<=[.!?;])\s+")
# A glued quote is at most this many parts, each this many words or more (shorter runs of
# common words are found anywhere, and would make a paraphrase look glued).
_MOST_PARTS = 3
_FEWEST_WORDS = 3


class _LooseTable(dict[int, str]):
    """``str.translate`` table: lower case and ASCII quote marks and dashes, one character
    for one character (so offsets carry over), filled only with characters that occur."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        loose = _TYPOGRAPHIC.get(char)
        if loose is None:
            lowered = char.lower()
            loose = lowered if len(lowered) == 1 else char
        self[code] = loose
        return loose


_LOOSE = _LooseTable()
_WORD_RUN = re.compile(r"\S+")


def loosen(text: str) -> str:
    """``text`` as the matcher compares it: lower case, ASCII quote marks and dashes, every
    run of white space one space, none at either end."""
    return " ".join(fold(text).split())


def fold(text: str) -> str:
    """``text`` in lower case with ASCII quote marks and dashes, one character for one
    character (its offsets are ``text``'s; white space is left as it is)."""
    if text.isascii():  # the common case, ten times faster than the table
        lowered = text.lower()
        return lowered.replace("`", "'") if "`" in lowered else lowered
    return text.translate(_LOOSE)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the matcher made of one quote. ``quote``, ``start`` and ``end`` are the source's
    own characters and offsets when the quote was verified or repaired; ``occurrence`` is
    which exact occurrence of ``quote`` that is (1 for the first), as evidence records it
    when it is not the only one."""

    status: str
    quote: str
    start: int = -1
    end: int = -1
    occurrence: int = 1
    count: int = 1  # how many times the kept quote occurs in the source
    reason: str = ""
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.status != REJECTED


class Matcher:
    """One source text, loosened once; `verify` any number of quotes against it."""

    __slots__ = ("text", "loose", "_loose_starts", "_source_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.loose = " ".join(fold(text).split())
        # Loose offset -> source offset, made only when a repair needs it (a report of
        # thousands of missing quotes needs none).
        self._loose_starts: list[int] | None = None
        self._source_starts: list[int] = []

    def _source_offset(self, loose_at: int) -> int:
        if self._loose_starts is None:
            # Within a run of non-space characters the two move together: one pair a run.
            loose_starts, source_starts, at = [], [], 0
            for match in _WORD_RUN.finditer(self.text):  # folding keeps the runs
                loose_starts.append(at)
                source_starts.append(match.start())
                at += match.end() - match.start() + 1
            self._loose_starts, self._source_starts = loose_starts, source_starts
        run = bisect.bisect_right(self._loose_starts, loose_at) - 1
        return self._source_starts[run] + loose_at - self._loose_starts[run]

    def _exact(self, quote: str, near: int | None) -> Verdict | None:
        text = self.text
        start = text.find(quote)
        if start < 0:
            return None
        starts = [start]
        while (start := text.find(quote, start + 1)) >= 0:
            starts.append(start)
        return _pick(quote, starts, near, VERIFIED)

    def verify(self, quote: str, near: int | None = None, *, not_exact: bool = False) -> Verdict:
        """Where ``quote`` stands in the text. ``near``, an offset in the text, chooses
        among several occurrences (the one starting nearest it); without it a quote that
        occurs more than once is ``ambiguous``. ``not_exact``: the caller has looked for the
        exact words already and not found them (the loader), so that scan is not made again."""
        if not quote or not quote.strip():
            return Verdict(REJECTED, quote, reason=NOT_IN_SOURCE, detail="the quote is empty")
        exact = None if not_exact else self._exact(quote, near)
        if exact is not None:
            return exact
        loose_quote = loosen(quote)
        loose = self.loose
        # The quote's first words, loosened, not in the text: then neither is the quote,
        # nor a passage it glues to another (whose first part starts with them). One scan
        # of the text settles most quotes that are not in it (a report of thousands).
        head = " ".join(loose_quote.split(" ")[:_FEWEST_WORDS])
        if head not in loose:
            glued = _PASSAGE_BREAK.search(loose_quote) and self._parts(loose_quote)
            return self._not_found(quote, glued)
        at = loose.find(loose_quote)
        if at >= 0:
            spans = []
            while at >= 0:
                start = self._source_offset(at)
                end = self._source_offset(at + len(loose_quote) - 1) + 1
                spans.append((start, end))
                at = loose.find(loose_quote, at + 1)
            if len(spans) > 1 and near is None:
                return Verdict(
                    REJECTED, quote, count=len(spans), reason=AMBIGUOUS,
                    detail=f"it occurs {len(spans)} times (once case, spacing or quote marks "
                    "are set aside) and nothing says which one is meant",
                )
            start, end = min(spans, key=lambda span: abs(span[0] - near)) if near is not None \
                else spans[0]
            source_quote = self.text[start:end]
            # The source's own characters, and which of their exact occurrences this is.
            verdict = self._exact(source_quote, start)
            assert verdict is not None
            return Verdict(
                REPAIRED, source_quote, verdict.start, verdict.end, verdict.occurrence,
                verdict.count, detail="only case, spacing or quote marks differed: the "
                f"source has {source_quote!r}",
            )
        return self._not_found(quote, self._parts(loose_quote))

    @staticmethod
    def _not_found(quote: str, parts: list[str] | None) -> Verdict:
        if parts:
            return Verdict(
                REJECTED, quote, reason=NOT_CONTIGUOUS,
                detail=f"its {len(parts)} parts are in the source but not together: quote "
                "one passage, or give each part as a quote of its own",
            )
        return Verdict(REJECTED, quote, reason=NOT_IN_SOURCE,
                       detail="these words are not in the source")

    def _parts(self, loose_quote: str) -> list[str] | None:
        """The passages a quote glues together, when each is in the source: cut at
        sentence ends and ellipses first, else at the longest runs of words the source
        has. None when the quote is not made of passages of the source."""
        loose = self.loose
        pieces = [piece for piece in _PASSAGE_BREAK.split(loose_quote) if piece.strip()]
        if 1 < len(pieces) and all(piece.strip(" .!?;") in loose for piece in pieces):
            return pieces
        words = loose_quote.split(" ")
        parts: list[str] = []
        first = 0
        while first < len(words):
            if len(parts) == _MOST_PARTS:
                return None
            last = first
            # The longest run of words from `first` the source has (a run that is not in it
            # cannot be part of a longer one that is).
            while last < len(words) and " ".join(words[first:last + 1]) in loose:
                last += 1
            if last - first < _FEWEST_WORDS:
                return None
            parts.append(" ".join(words[first:last]))
            first = last
        return parts if len(parts) > 1 else None


def _pick(quote: str, starts: list[int], near: int | None, status: str) -> Verdict:
    if len(starts) > 1 and near is None:
        return Verdict(
            REJECTED, quote, count=len(starts), reason=AMBIGUOUS,
            detail=f"it occurs {len(starts)} times and nothing says which one is meant",
        )
    start = starts[0] if near is None else min(starts, key=lambda at: abs(at - near))
    return Verdict(status, quote, start, start + len(quote), starts.index(start) + 1,
                   len(starts))
