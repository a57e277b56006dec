"""What a selection of source text suggests for a new claim: its quote, located exactly;
the actors its sentence names; a date resolved from a date phrase; hedges and modality
from cue words; a type from the verb. Every suggestion is only a starting point for the
capture form: nothing here is written without a person saving it.

Pure core: no Textual. The quote is cut from the source text, never typed, so it is in the
source by construction; ``occurrence`` says which one when the words occur more than once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .folding import fold
from .mentions import name_index
from .model import RELATION_TYPES, Confidence, KnowledgeBase, Modality
from .splice import slugify

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip

# The verb of a sentence, first match wins: (a pattern over the folded sentence, its type).
VERBS: tuple[tuple[str, str], ...] = (
    (r"\boffer(?:ed|s)? to (?:act as (?:a )?)?mediat", "mediates"),
    (r"\bmediat", "mediates"),
    (r"\bmet\b|\bmeets?\b|\bmeeting\b|\btalks with\b", "meets"),
    (r"\bhost(?:ed|s|ing)?\b", "hosts"),
    (r"\bvisit(?:ed|s|ing)?\b", "visits"),
    (r"\bback(?:ed|s|ing|er)?\b|\bsupport(?:ed|s|ing)?\b", "backs"),
    (r"\boppos(?:ed|es|ing)\b|\brival\b|\bfoe\b", "opposes"),
    (r"\bthreat(?:en(?:ed|s)?|s)?\b", "threatens"),
    (r"\bstrikes?\b|\bstruck\b|\bbomb(?:ed|ing)?\b|\bair ?strikes?\b", "strikes"),
    (r"\bagree(?:d|s|ment)?\b|\bdeal\b", "agrees"),
    (r"\brecogni[sz](?:ed|es|ing)\b", "recognises"),
    (r"\btrain(?:ed|s|ing)?\b", "trains"),
    (r"\bdeal(?:s|ing)? (?:directly )?with\b", "deals-with"),
    (r"\binvest(?:ed|s|ing)?\b", "invests-in"),
    (r"\blead(?:s|ing)?\b|\bled\b|\bcommand", "leads"),
)
MODAL_CUES: tuple[tuple[str, Modality], ...] = (
    (r"\b(?:did not|didn't)\b(?! (?:prevent|stop|deter)\b)|\bdenied\b|\bnever\b",
     Modality.NEGATED),
    (r"\bagreed to\b", Modality.AGREEMENT),
    (r"\boffer(?:ed|s)? to\b|\bplans? to\b|\bpromised to\b|\bwants? to\b", Modality.INTENT),
    (r"\bcould\b|\bmay\b|\bmight\b|\bwould\b", Modality.HYPOTHETICAL),
)


@dataclass(frozen=True)
class Cue:
    """A hedge suggested by the words of the sentence, with the words that say it."""

    confidence: Confidence
    words: str  # as the source writes them: the hedge's quote
    asserted_by: str | None = None


@dataclass(frozen=True)
class Draft:
    """A claim as the selection suggests it."""

    source: str
    quote: str
    start: int
    end: int
    occurrence: int | None  # which occurrence the quote is, when it occurs more than once
    sentence: str
    parties: tuple[str, ...]  # actor ids the sentence names, in the order it names them
    type: str | None
    date: str | None
    date_phrase: str | None
    modality: Modality
    cues: tuple[Cue, ...] = field(default=())

    @property
    def confidence(self) -> Confidence:
        return self.cues[0].confidence if self.cues else Confidence.STATED

    @property
    def asserted_by(self) -> str | None:
        return self.cues[0].asserted_by if self.cues else None


def occurrence_of(text: str, quote: str, start: int) -> int | None:
    """The 1-based number of the occurrence of ``quote`` at ``start`` in ``text``, or None
    when it occurs only once (the loader needs the number only then)."""
    if not quote:
        return None
    starts, at = [], text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    if len(starts) <= 1:
        return None
    return starts.index(start) + 1 if start in starts else None


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or sentences) holding ``text[start:end]``: from after the last
    sentence end before it to the next one after it, within its paragraph."""
    left = start
    while left > 0 and text[left - 1] != "\n" and not _ends_sentence(text, left - 1):
        left -= 1
    right = end
    while right < len(text) and text[right] != "\n" and not _ends_sentence(text, right):
        right += 1
    if right < len(text) and text[right] != "\n":
        right += 1
    while left < right and text[left].isspace():
        left += 1
    return left, right


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Every sentence of ``text`` as (start, end), in one pass: a sentence ends where
    `sentence_around` ends one (a full stop before a capital, the end of a line)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for found in re.finditer(r"[.?!]|\n", text):
        at = found.start()
        if text[at] == "\n":
            end = at
        elif _ends_sentence(text, at):
            end = at + 1
        else:
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    trimmed = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            trimmed.append((start, end))
    return trimmed


def _ends_sentence(text: str, at: int) -> bool:
    """Whether ``text[at]`` ends a sentence: a full stop, ? or ! before a space and a capital
    (or the end), not an initial ("J. Smith") or a decimal point."""
    if text[at] not in ".?!":
        return False
    after = text[at + 1 : at + 3]
    if at + 1 >= len(text):
        return True
    if not after[:1].isspace():
        return False
    following = text[at + 2 : at + 3]
    word = re.search(r"(\w+)$", text[max(0, at - 4) : at])
    if word and len(word.group(1)) == 1 and word.group(1).isupper():
        return False  # an initial
    return not following or following.isupper() or following in "\"'“‘"


def actors_named(kb: KnowledgeBase, text: str) -> tuple[str, ...]:
    """The ids of the actors whose name or an alias occurs in ``text`` as whole words
    (see `mentions`: folded, longest name first), in the order they first occur. A name
    inside a longer one is not counted ("Italy" in "Italy's defence minister")."""
    return name_index(kb).actor_ids(text)


def suggested_type(sentence: str) -> str | None:
    folded = fold(sentence)
    for pattern, relation_type in VERBS:
        if re.search(pattern, folded) and relation_type in RELATION_TYPES:
            return relation_type
    return None


def suggested_modality(sentence: str) -> Modality:
    folded = fold(sentence)
    for pattern, modality in MODAL_CUES:
        if re.search(pattern, folded):
            return modality
    return Modality.ACTUAL


def suggested_cues(kb: KnowledgeBase, sentence: str) -> tuple[Cue, ...]:
    """Hedges the words suggest: "reportedly" (reported), "according to X" and "X said"
    (attributed, to X when X is a known actor), "alleged" or "claimed" (alleged)."""
    cues: list[Cue] = []
    folded = fold(sentence)
    according = re.search(r"\baccording to ((?:[\w'’-]+ ?){1,6})", folded)
    if according is not None:
        named = actors_named(kb, sentence[according.start(1) : according.end(1)])
        words_end = according.end(1)
        if named:
            # The quote ends with the name it gives ("according to the US military").
            actor = kb.actor_by_id[named[0]]
            end = _name_end(sentence, according.start(1), actor)
            words_end = end if end is not None else words_end
        cues.append(
            Cue(
                Confidence.ATTRIBUTED,
                sentence[according.start() : words_end].rstrip(" ,."),
                named[0] if named else None,
            )
        )
    said = re.search(r"([\w'’ -]{2,60}?) (?:said|says|told)\b", sentence)
    if not cues and said is not None:
        named = actors_named(kb, said.group(1))
        if named:
            cues.append(Cue(Confidence.ATTRIBUTED, said.group(0).strip(), named[-1]))
        elif len(said.group(1).split()) <= 4:
            # A speaker the file does not know ("officials said", "a diplomat in Rome
            # said"): attributed all the same, to no actor.
            cues.append(Cue(Confidence.ATTRIBUTED, said.group(0).strip()))
    for pattern, confidence in (
        (r"\breportedly\b", Confidence.REPORTED),
        (r"\balleged(?:ly)?\b|\bclaimed\b", Confidence.ALLEGED),
    ):
        found = re.search(pattern, folded)
        if found is not None:
            cues.append(Cue(confidence, sentence[found.start() : found.end()]))
    return tuple(cues)


def _name_end(text: str, start: int, actor) -> int | None:
    folded = fold(text)
    ends = [
        found.end()
        for name in (actor.name, *actor.aliases)
        if (found := re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", folded[start:]))
    ]
    return start + min(ends) if ends else None


def resolve_date(phrase_text: str, published: str) -> tuple[str, str] | None:
    """The first date phrase of ``phrase_text`` resolved against the publication date
    ``published`` (ISO): its date at its precision, and the words. "on Tuesday" is the last
    Tuesday before publication (the day itself if published on one is "today"); "yesterday",
    "last week" (no precise date: None), "last month" (the month before), "in July" (the
    last July up to publication), "in 2016"; an ISO date or "26 September 2017" as written."""
    try:
        published_day = date.fromisoformat(published[:10])
    except ValueError:
        return None
    folded = fold(phrase_text)
    found = re.search(r"\b(?:on |last )?(" + "|".join(WEEKDAYS) + r")\b", folded)
    if found is not None:
        weekday = WEEKDAYS.index(found.group(1))
        back = (published_day.weekday() - weekday) % 7 or 7
        day = published_day - timedelta(days=back)
        return day.isoformat(), phrase_text[found.start() : found.end()]
    found = re.search(r"\byesterday\b", folded)
    if found is not None:
        day = published_day - timedelta(days=1)
        return day.isoformat(), phrase_text[found.start() : found.end()]
    found = re.search(r"\blast month\b", folded)
    if found is not None:
        first = published_day.replace(day=1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}", phrase_text[found.start() : found.end()]
    found = re.search(
        r"\b(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b", folded
    )
    if found is not None:
        month = MONTHS.index(found.group(2)) + 1
        try:
            day = date(int(found.group(3)), month, int(found.group(1)))
        except ValueError:
            return None
        return day.isoformat(), phrase_text[found.start() : found.end()]
    found = re.search(r"\b(?:in |since |last )(" + "|".join(MONTHS) + r")\b", folded)
    if found is not None:
        month = MONTHS.index(found.group(1)) + 1
        year = published_day.year if month <= published_day.month else published_day.year - 1
        return f"{year:04d}-{month:02d}", phrase_text[found.start() : found.end()]
    found = re.search(r"\bin ((?:19|20)\d\d)\b", folded)
    if found is not None:
        return found.group(1), phrase_text[found.start() : found.end()]
    return None


def draft(kb: KnowledgeBase, source_id: str, start: int, end: int) -> Draft:
    """What ``source.text[start:end]`` suggests for a new claim."""
    source = kb.source_by_id[source_id]
    text = source.text
    quote = text[start:end]
    sentence_start, sentence_end = sentence_around(text, start, end)
    sentence = text[sentence_start:sentence_end]
    resolved = resolve_date(quote, source.published) or resolve_date(sentence, source.published)
    return Draft(
        source=source_id,
        quote=quote,
        start=start,
        end=end,
        occurrence=occurrence_of(text, quote, start),
        sentence=sentence,
        parties=actors_named(kb, sentence),
        type=suggested_type(quote) or suggested_type(sentence),
        date=resolved[0] if resolved else None,
        date_phrase=resolved[1] if resolved else None,
        # The quote's own words: "offered to" elsewhere in its sentence is another claim.
        modality=suggested_modality(quote),
        cues=suggested_cues(kb, sentence),
    )


def new_id(kb: KnowledgeBase, *words: str) -> str:
    """An id made of ``words`` that no item of ``kb`` has yet ("haftar-meets-pinotti-2")."""
    taken = {
        *kb.actor_by_id,
        *kb.relation_by_id,
        *kb.attribute_by_id,
        *kb.stance_by_id,
        *kb.source_by_id,
        *kb.issue_by_id,
    }
    base = slugify(" ".join(word for word in words if word)) or "claim"
    if base == "issue" and "issue" not in words:
        base = "claim"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def evidence_entry(kb: KnowledgeBase, source_id: str, start: int, end: int) -> dict:
    """The YAML of a quote cut from a source: its words, and its occurrence if needed."""
    text = kb.source_by_id[source_id].text
    quote = text[start:end]
    entry: dict = {"source": source_id, "quote": quote}
    occurrence = occurrence_of(text, quote, start)
    if occurrence is not None:
        entry["occurrence"] = occurrence
    return entry


def cue_location(text: str, sentence_start: int, words: str) -> tuple[int, int] | None:
    """Where a cue's words are in the source: the first time after the sentence starts."""
    at = text.find(words, sentence_start)
    return (at, at + len(words)) if at != -1 else None
