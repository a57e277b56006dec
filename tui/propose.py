"""Proposals for one source, for a person to review: never written to the knowledge base.

`stakeholders propose SOURCE_ID [KB]` finds, in one pass over the text (`mentions`):

- the mentions of known actors, by name and alias;
- candidate claims: sentences naming two or more actors, with the type the verb suggests,
  hedges and modality from cue words and the date phrase resolved (`capture` suggests them
  as it does for a selection);
- candidate new actors: capitalised names no actor has, each with the sentence naming it
  (and what an apposition says it is: "X, the architect of the migration strategy").

An outside proposer (``--with CMD``: reads a JSON object on standard input, writes JSON
lines) adds its own. Every proposal's quote, whoever made it, passes the loader's matcher
(`matcher`): verified, repaired to the source's exact characters, or rejected with a
reason; a rejected one is kept in the file, marked, and never offered for acceptance.

The proposals go to ``<kb>.proposals.yaml`` beside the knowledge base, written atomically.
Each has a stable id (a hash of what it says), so a person's decision on it (accepted,
rejected) survives a rerun: a rejected proposal does not come back.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import yaml

from . import files
from .capture import (
    resolve_date,
    sentence_spans,
    suggested_cues,
    suggested_modality,
    suggested_type,
)
from .folding import fold
from .matcher import REJECTED, Matcher, Verdict
from .mentions import Mention, name_index
from .model import RELATION_TYPES, Confidence, KnowledgeBase, Modality, Source, counted
from .sanitize import display, truncate

FORMAT_VERSION = 1
BUILT_IN = "names"  # the built-in proposer: names and aliases, verbs and cue words
CLAIM = "claim"
ACTOR = "actor"
OPEN, ACCEPTED, DECLINED = "open", "accepted", "rejected"
DECISIONS = (OPEN, ACCEPTED, DECLINED)
DEFAULT_TIMEOUT = 300.0  # seconds an outside proposer may take (a local model is slow)

# Capitalised words that name no one by themselves: sentence openers, days and months,
# titles and demonyms. A run made only of these is not proposed as a new actor; titles (and
# what comes before them) are taken off a name's start ("British Foreign Secretary Boris
# Johnson" is Boris Johnson), a demonym alone is not ("Libyan National Army").
_OPENERS = frozenset(
    """a an and as at but by for from he her his however if in it its of on or she since so
    that the their then there these they this those to we when where while with after amid
    among before during meanwhile speaking under until remember
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat
    sun""".split()
)
_TITLES = frozenset(
    """president prime minister ministers defence defense foreign interior secretary general
    field marshal commander chief spokesman spokeswoman envoy ambassador colonel king queen
    prince sheikh emir lieutenant major captain senator deputy former mr mrs ms dr leader
    warlord""".split()
)
_DEMONYMS = frozenset(
    """african american arab british chinese egyptian emirati european french german italian
    libyan qatari russian saudi sudanese tunisian turkish western eastern northern
    southern""".split()
)
_NOT_NAMES = _OPENERS | _TITLES | _DEMONYMS
# A run of capitalised words, joined by spaces or hyphens and the small words of names,
# never across a line (a headline's last word and a dateline are two names).
_CAPITALISED_RUN = re.compile(
    r"(?<![\w'’])[A-Z](?:[\w'’-]|\.(?=\w))*(?:(?:[ \t]+(?:d['’])?|-)"
    r"(?:(?:of|the|al|el|bin|ibn|de|du|la|le|van|von)(?:[ \t]+|-))*[A-Z](?:[\w'’-]|\.(?=\w))*)*"
)
_NAME_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")  # a name's words, hyphens apart
_APPOSITION = re.compile(r",\s+((?:the|a|an)\s+[^,.;:\"“”()]{3,80}?)(?=[,.;:]|\s+(?:and|who)\s)")


class ProposalsError(Exception):
    """A proposals file or an outside proposer that cannot be used; one clear message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Proposal:
    """One suggestion for a person to accept or reject."""

    id: str
    kind: str  # CLAIM or ACTOR
    source: str
    quote: str  # the source's exact characters when `check` is not rejected
    start: int = -1
    end: int = -1
    occurrence: int = 1
    check: str = "verified"  # the matcher's verdict: verified, repaired or rejected
    reason: str = ""  # why the matcher rejected it (quote_not_in_source, ...)
    detail: str = ""
    proposer: str = BUILT_IN
    decision: str = OPEN
    accepted_as: str | None = None  # the id of the claim or actor saved from it
    # A claim:
    parties: tuple[str, ...] = ()
    type: str | None = None
    modality: str = Modality.ACTUAL.value
    confidence: str = Confidence.STATED.value
    asserted_by: str | None = None
    cue: str | None = None  # the words that say the hedge
    date: str | None = None
    date_phrase: str | None = None
    covered_by: tuple[str, ...] = ()  # claims of the knowledge base that quote this already
    # A new actor:
    name: str | None = None
    actor_kind: str | None = None
    described_as: str | None = None
    note: str = ""

    @property
    def reviewable(self) -> bool:
        """Whether a person can accept it: its quote passed the matcher, no one decided."""
        return self.check != REJECTED and self.decision == OPEN

    def label(self, kb: KnowledgeBase | None = None) -> str:
        """One line saying what it proposes (with ``kb``, its actors by name)."""
        if self.kind == ACTOR:
            said = f" ({self.described_as})" if self.described_as else ""
            return f"new actor {self.name}{said}"
        names = [kb.actor_by_id[p].name if kb is not None and p in kb.actor_by_id else p
                 for p in self.parties]
        parties = ", ".join(names) or "no known actors"
        kind = self.type or "claim (type to choose)"
        extra = [m for m in (self.modality,) if m != Modality.ACTUAL.value]
        extra += [self.confidence] if self.confidence != Confidence.STATED.value else []
        extra += [self.date] if self.date else []
        return f"{kind} · {parties}" + (f" ({', '.join(extra)})" if extra else "")

    def as_dict(self) -> dict:
        """The YAML of it: fields at their defaults are left out."""
        out: dict = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if value == spec.default and spec.name not in ("id", "kind", "source", "quote"):
                continue
            out[spec.name] = list(value) if isinstance(value, tuple) else value
        return out


def proposal_id(kind: str, source: str, quote: str, start: int, *what: object) -> str:
    """A stable id: the same proposal made again has the same id."""
    key = json.dumps([kind, source, quote, start, *what], ensure_ascii=False)
    return "p-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def proposals_path(kb_path: Path) -> Path:
    """``<kb>.proposals.yaml`` beside the knowledge base (``actors.proposals.yaml``)."""
    return kb_path.with_name(f"{kb_path.stem}.proposals.yaml")


# --- the built-in proposer -----------------------------------------------------------------


@dataclass
class Found:
    """What one run of the proposers found for one source."""

    source: str
    mentions: list[Mention]
    proposals: list[Proposal]
    problems: list[str] = field(default_factory=list)  # an outside proposer's bad lines


def mentions_in(kb: KnowledgeBase, source: Source) -> list[Mention]:
    return name_index(kb).mentions(source.text)


def name_proposals(kb: KnowledgeBase, source: Source, mentions: list[Mention]) -> list[dict]:
    """The built-in proposer's suggestions, as raw proposals (as an outside proposer gives
    them, with the offsets it found them at)."""
    text = source.text
    raw: list[dict] = []
    sentences = sentence_spans(text)
    at = 0
    for start, end in sentences:
        while at < len(mentions) and mentions[at].start < start:
            at += 1
        inside: list[Mention] = []
        scan = at
        while scan < len(mentions) and mentions[scan].end <= end:
            inside.append(mentions[scan])
            scan += 1
        # A name inside another's is not a party ("Italy" of "Italy's defence minister").
        parties = tuple(dict.fromkeys(m.actor_id for m in inside if not m.nested))
        if len(parties) >= 2:
            raw.append(_claim(kb, source, start, end, parties))
    raw.extend(_maybe_known(kb, _new_actors(text, sentences, mentions)))
    return raw


def _maybe_known(kb: KnowledgeBase, actors: list[dict]) -> list[dict]:
    """New actors that may be known ones under another spelling or name ("Government of
    National Accord" and GNA): said in their note, as `check` would warn of a duplicate."""
    if not actors:
        return actors
    from .duplicates import likely_duplicates
    from .model import Actor

    proposed = {f"proposed-{i}": item for i, item in enumerate(actors)}
    together = KnowledgeBase(
        sources=(), relations=(), stances=(),
        actors=(*kb.actors, *(Actor(id=key, name=item["name"], kind="other")
                              for key, item in proposed.items())),
    )
    for pair in likely_duplicates(together):
        new = [key for key in (pair.first, pair.second) if key in proposed]
        if len(new) != 1:
            continue
        known = pair.second if new[0] == pair.first else pair.first
        item = proposed[new[0]]
        said = f"may be the known actor {known}: {'; '.join(pair.reasons)}"
        item["note"] = f"{item['note']}; {said}" if item.get("note") else said
    return actors


def _claim(kb: KnowledgeBase, source: Source, start: int, end: int, parties) -> dict:
    sentence = source.text[start:end]
    cues = suggested_cues(kb, sentence)
    resolved = resolve_date(sentence, source.published)
    return {
        "kind": CLAIM,
        "quote": sentence,
        "start": start,
        "parties": list(parties),
        "type": suggested_type(sentence),
        "modality": suggested_modality(sentence).value,
        "confidence": cues[0].confidence.value if cues else Confidence.STATED.value,
        "asserted_by": cues[0].asserted_by if cues else None,
        "cue": cues[0].words if cues else None,
        "date": resolved[0] if resolved else None,
        "date_phrase": resolved[1] if resolved else None,
    }


def _new_actors(text: str, sentences, mentions: list[Mention]) -> list[dict]:
    """Capitalised names that no mention covers, once each (the first sentence naming it),
    with what an apposition right after says it is."""
    covered = _Covered(mentions)
    sentence_starts = {start for start, _ in sentences}
    named_mid_sentence: set[str] = set()
    candidates: list[tuple[str, int, int, bool]] = []  # name, start, end, after a title
    for found in _CAPITALISED_RUN.finditer(text):
        for start, end in covered.outside(found.start(), found.end()):
            piece = _name_piece(text, start, end)
            if piece is None:
                continue
            start, end, after_title = piece
            # A title in lower case just before the name ("the militia leader Abdul Kara").
            before = text[max(0, start - 24):start].split()
            after_title = after_title or bool(before) and fold(before[-1]) in _TITLES
            name = text[start:end]
            if start not in sentence_starts:
                named_mid_sentence.add(fold(name))
            candidates.append((name, start, end, after_title))
    # A name that begins or ends a longer one is that one ("Macron", "Le Drian" of
    # "Jean-Yves Le Drian"): it is proposed once, under the longer name.
    parts_of_longer: set[tuple[str, ...]] = set()
    for name, *_ in candidates:
        words = tuple(_NAME_WORD.findall(fold(name)))
        for cut in range(1, len(words)):
            parts_of_longer.update((words[:cut], words[cut:]))
    seen: set[str] = set()
    raw: list[dict] = []
    for name, start, end, after_title in candidates:
        key = fold(name)
        if key in seen or tuple(_NAME_WORD.findall(key)) in parts_of_longer:
            continue
        if start in sentence_starts and " " not in name and key not in named_mid_sentence:
            continue  # one capitalised word opening a sentence is any word
        seen.add(key)
        sentence_start, sentence_end = _sentence_of(sentences, start)
        apposition = _APPOSITION.match(text, end, sentence_end)
        raw.append({
            "kind": ACTOR,
            "quote": text[sentence_start:sentence_end],
            "start": sentence_start,
            "name": name,
            "actor_kind": "person" if after_title else None,
            "described_as": apposition.group(1) if apposition else None,
        })
    return raw


def _name_piece(text: str, start: int, end: int) -> tuple[int, int, bool] | None:
    """A name within a capitalised run: titles and openers taken off its start ("Defence
    Minister Roberta Pinotti" is Roberta Pinotti, after a title), a possessive and stops
    off its end; None when nothing that names anyone is left."""
    words = list(re.finditer(r"[\w'’.-]+", text[start:end]))
    # What a known name leaves of a run ("-backed" of "NATO-backed") is not a name.
    while words and not words[0].group()[0].isupper():
        words.pop(0)
    folded = [fold(word.group().strip(".'’")) for word in words]
    leading = 0
    while leading < len(words) and folded[leading] in _NOT_NAMES:
        leading += 1
    titles = [i for i in range(leading) if folded[i] in _TITLES]
    after_title = bool(titles)
    cut = titles[-1] + 1 if titles else 0
    while cut < leading and folded[cut] in _OPENERS:
        cut += 1
    if all(word in _NOT_NAMES for word in folded[cut:]):
        return None
    words = words[cut:]
    while words and fold(words[-1].group().strip(".'’")) in _OPENERS:
        words.pop()
    if not words:
        return None
    piece_start, piece_end = start + words[0].start(), start + words[-1].end()
    name = text[piece_start:piece_end]
    name = re.sub(r"(?:['’]s?|\.)+\Z", "", name)
    if len(name) < 2 or not any(char.isalpha() for char in name):
        return None
    return piece_start, piece_start + len(name), after_title


def _sentence_of(sentences, at: int) -> tuple[int, int]:
    for start, end in sentences:
        if start <= at < end:
            return start, end
    return at, at


class _Covered:
    """The spans of known names, to take them out of capitalised runs."""

    def __init__(self, mentions: list[Mention]) -> None:
        self._spans = [(m.start, m.end) for m in mentions]
        self._at = 0

    def outside(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of [start, end) no name covers (runs come in order)."""
        spans = self._spans
        while self._at < len(spans) and spans[self._at][1] <= start:
            self._at += 1
        pieces, cursor, index = [], start, self._at
        while index < len(spans) and spans[index][0] < end:
            span_start, span_end = spans[index]
            if span_start > cursor:
                pieces.append((cursor, span_start))
            cursor = max(cursor, span_end)
            index += 1
        if cursor < end:
            pieces.append((cursor, end))
        return pieces


# --- an outside proposer -------------------------------------------------------------------


def proposer_input(kb: KnowledgeBase, source: Source) -> dict:
    """What an outside proposer reads on standard input."""
    return {
        "format": "stakeholders-propose/1",
        "source": {
            "id": source.id, "title": source.title, "publisher": source.publisher,
            "published": source.published, "url": source.url, "text": source.text,
        },
        "actors": [
            {"id": actor.id, "name": actor.name, "kind": actor.kind,
             "aliases": list(actor.aliases)}
            for actor in kb.actors
        ],
        "relation_types": list(RELATION_TYPES),
        "answer": "one JSON object a line: {\"kind\": \"claim\", \"quote\": exact words of the "
        "text, \"parties\": [actor ids], \"type\": a relation type, \"start\": offset (optional)} "
        "or {\"kind\": \"actor\", \"name\": ..., \"quote\": ...}",
    }


def run_outside(command: str, kb: KnowledgeBase, source: Source,
                timeout: float = DEFAULT_TIMEOUT) -> tuple[list[dict], list[str]]:
    """Run an outside proposer; its proposals (raw) and the problems with its lines.
    Raises ProposalsError when it cannot be run or fails."""
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise ProposalsError(f"--with {display(command)!r} cannot be split into words: "
                             f"{error}") from None
    if not argv:
        raise ProposalsError("--with needs a command")
    shown = display(argv[0])
    payload = json.dumps(proposer_input(kb, source), ensure_ascii=False).encode("utf-8")
    try:
        done = subprocess.run(argv, input=payload, capture_output=True, timeout=timeout,
                              check=False)
    except FileNotFoundError:
        raise ProposalsError(f"the proposer {shown!r} was not found: give a command on "
                             "the PATH or a path to one") from None
    except PermissionError:
        raise ProposalsError(f"the proposer {shown!r} cannot be run (no permission to "
                             "execute it)") from None
    except subprocess.TimeoutExpired:
        raise ProposalsError(f"the proposer {shown!r} did not finish in {timeout:g} s; "
                             "give it longer with --timeout") from None
    except OSError as error:
        raise ProposalsError(f"the proposer {shown!r} could not be run: "
                             f"{error.strerror or error}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = f": {truncate(display(said[-1]), 200)}" if said else ""
        raise ProposalsError(f"the proposer {shown!r} failed (exit status "
                             f"{done.returncode}){last}; nothing was written")
    raw: list[dict] = []
    problems: list[str] = []
    for number, line in enumerate(done.stdout.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number} of its output is not JSON ({error.msg}, column "
                            f"{error.colno}): {truncate(display(line), 60)!r}")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("quote"), str):
            problems.append(f"line {number} of its output is not an object with a \"quote\" "
                            "string")
            continue
        raw.append(item)
    return raw, problems


# --- every proposal passes the matcher ------------------------------------------------------


def checked(kb: KnowledgeBase, source: Source, matcher: Matcher, item: dict,
            proposer: str, quoted: list | None = None) -> Proposal:
    """A raw proposal made a Proposal: its quote through the matcher, its fields checked
    against the knowledge base (unknown actors and types are said, not kept)."""
    quote = item["quote"]
    near = item.get("start") if isinstance(item.get("start"), int) else None
    verdict: Verdict = matcher.verify(quote, near)
    kind = ACTOR if item.get("kind") == ACTOR or ("name" in item and "parties" not in item) \
        else CLAIM
    notes: list[str] = [item["note"]] if isinstance(item.get("note"), str) else []
    parties = _strings(item.get("parties"))
    unknown = [party for party in parties if kb.resolve_actor(party) is None]
    if unknown:
        notes.append("not actors of the knowledge base: " + ", ".join(map(display, unknown)))
    parties = [kb.resolve_actor(party).id for party in parties if party not in unknown]
    relation_type = item.get("type") if item.get("type") in RELATION_TYPES else None
    if item.get("type") and relation_type is None:
        notes.append(f"type {display(str(item['type']))!r} is not a relation type")
    modality = _choice(item.get("modality"), Modality, Modality.ACTUAL)
    confidence = _choice(item.get("confidence"), Confidence, Confidence.STATED)
    asserted_by = item.get("asserted_by")
    if asserted_by is not None and (not isinstance(asserted_by, str)
                                    or kb.resolve_actor(asserted_by) is None):
        notes.append(f"asserted_by {display(str(asserted_by))!r} is not an actor")
        asserted_by = None
    name = item.get("name") if isinstance(item.get("name"), str) else None
    start = verdict.start
    what = (name,) if kind == ACTOR else (tuple(parties), relation_type)
    proposal = Proposal(
        id=proposal_id(kind, source.id, verdict.quote, start, proposer, *what),
        kind=kind,
        source=source.id,
        quote=verdict.quote,
        start=start,
        end=verdict.end,
        occurrence=verdict.occurrence,
        check=verdict.status,
        reason=verdict.reason,
        detail=verdict.detail,
        proposer=proposer,
        parties=tuple(dict.fromkeys(parties)) if kind == CLAIM else (),
        type=relation_type if kind == CLAIM else None,
        modality=modality if kind == CLAIM else Modality.ACTUAL.value,
        confidence=confidence if kind == CLAIM else Confidence.STATED.value,
        asserted_by=(kb.resolve_actor(asserted_by).id if asserted_by else None)
        if kind == CLAIM else None,
        cue=_text(item.get("cue")) if kind == CLAIM else None,
        date=_text(item.get("date")) if kind == CLAIM else None,
        date_phrase=_text(item.get("date_phrase")) if kind == CLAIM else None,
        name=name if kind == ACTOR else None,
        actor_kind=_text(item.get("actor_kind")) if kind == ACTOR else None,
        described_as=_text(item.get("described_as")) if kind == ACTOR else None,
        note="; ".join(notes),
    )
    if proposal.kind == CLAIM and proposal.check != REJECTED:
        if quoted is None:
            quoted = _quoted_claims(kb, source.id)
        proposal = replace(proposal, covered_by=_covered_by(quoted, proposal))
    return proposal


def _strings(value) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _choice(value, enum, default) -> str:
    try:
        return enum(value).value
    except ValueError:
        return default.value


def _quoted_claims(kb: KnowledgeBase, source_id: str) -> list[tuple[int, int, str, set]]:
    """Every quote of the knowledge base in one source: (start, end, claim id, parties)."""
    quoted = []
    claims = [(r, {r.source, r.target}) for r in kb.relations]
    claims += [(a, {a.actor}) for a in kb.attributes] + [(s, {s.actor}) for s in kb.stances]
    for claim, parties in claims:
        for evidence in claim.evidence:
            if evidence.source == source_id:
                quoted.append((evidence.start, evidence.end, claim.id, parties))
    return quoted


def _covered_by(quoted, proposal: Proposal) -> tuple[str, ...]:
    """Claims of the knowledge base quoting these words already, about these actors."""
    wanted = set(proposal.parties)
    return tuple(dict.fromkeys(
        claim_id for start, end, claim_id, parties in quoted
        if start < proposal.end and proposal.start < end and parties <= wanted
    ))


def propose(kb: KnowledgeBase, source_id: str, *, command: str | None = None,
            timeout: float = DEFAULT_TIMEOUT) -> Found:
    """Every proposal for one source: the built-in proposer's, and the outside one's when
    ``command`` is given, each through the matcher."""
    source = kb.source_by_id.get(source_id)
    if source is None:
        known = ", ".join(sorted(kb.source_by_id)[:8])
        raise ProposalsError(f"no source {display(source_id)!r} in the knowledge base "
                             f"(its sources: {known})")
    mentions = mentions_in(kb, source)
    matcher = Matcher(source.text)
    quoted = _quoted_claims(kb, source_id)
    proposals = [checked(kb, source, matcher, item, BUILT_IN, quoted)
                 for item in name_proposals(kb, source, mentions)]
    problems: list[str] = []
    if command is not None:
        raw, problems = run_outside(command, kb, source, timeout)
        proposals += [checked(kb, source, matcher, item, command, quoted) for item in raw]
    return Found(source_id, mentions, list({p.id: p for p in proposals}.values()), problems)


# --- the proposals file --------------------------------------------------------------------


@dataclass
class ProposalsFile:
    path: Path
    data: bytes  # as read, to refuse a write when it changed meanwhile
    proposals: list[Proposal]
    mentions: dict[str, list[dict]]  # source -> its mentions (`mention_entries`)

    def for_source(self, source_id: str) -> list[Proposal]:
        return [p for p in self.proposals if p.source == source_id]


_FIELD_NAMES = {spec.name for spec in fields(Proposal)}
_REQUIRED = ("id", "kind", "source", "quote")


def read_proposals(path: Path) -> ProposalsFile:
    """The proposals file at ``path`` (empty when there is none). Raises ProposalsError,
    with the line and column, when it is not one this tool wrote."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ProposalsFile(path, b"", [], {})
    except OSError as error:
        raise ProposalsError(f"{display(str(path))}: cannot be read: "
                             f"{error.strerror or error}") from None
    shown = display(str(path))
    fix = "fix it, or remove it (it holds only proposals and your decisions on them)"
    try:
        root = yaml.compose(data.decode("utf-8"),
                            Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        what = getattr(error, "problem", None) or str(error)
        raise ProposalsError(f"{shown}{where}: not YAML ({what}); {fix}") from None
    if root is None:
        return ProposalsFile(path, data, [], {})

    def bad(node, message: str) -> ProposalsError:
        mark = node.start_mark
        return ProposalsError(f"{shown}:{mark.line + 1}:{mark.column + 1}: {message}; {fix}")

    if not isinstance(root, yaml.MappingNode):
        raise bad(root, "a proposals file is a mapping with `proposals:`")
    top = {key.value: value for key, value in root.value}
    proposals: list[Proposal] = []
    node = top.get("proposals")
    if node is not None:
        if not isinstance(node, yaml.SequenceNode):
            raise bad(node, "`proposals` is a list")
        for item in node.value:
            value = _construct(item)
            if not isinstance(value, dict) or any(
                not isinstance(value.get(key), str) for key in _REQUIRED
            ):
                raise bad(item, "a proposal is a mapping with id, kind, source and quote")
            unknown = sorted(set(value) - _FIELD_NAMES)
            if unknown:
                raise bad(item, f"a proposal has no field {unknown[0]!r}")
            if value.get("decision", OPEN) not in DECISIONS:
                raise bad(item, f"`decision` is one of {', '.join(DECISIONS)}")
            try:
                proposals.append(Proposal(**{
                    key: tuple(v) if isinstance(v, list) else v for key, v in value.items()
                }))
            except TypeError as error:
                raise bad(item, f"a proposal that cannot be read ({error})") from None
    mentions = _construct(top["mentions"]) if "mentions" in top else {}
    if not isinstance(mentions, dict):
        raise bad(top["mentions"], "`mentions` is a mapping of sources")
    return ProposalsFile(path, data, proposals, mentions)


def _construct(node):
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def reopen_undone(found: ProposalsFile, kb: KnowledgeBase) -> ProposalsFile:
    """The file's proposals with those accepted as an item the knowledge base no longer
    has (the save undone, or the item deleted since) open again: the decision was the
    saved item, and it is gone."""
    known = (kb.actor_by_id.keys() | kb.relation_by_id.keys() | kb.attribute_by_id.keys()
             | kb.stance_by_id.keys())
    found.proposals = [
        replace(p, decision=OPEN, accepted_as=None)
        if p.decision == ACCEPTED and p.accepted_as and p.accepted_as not in known else p
        for p in found.proposals
    ]
    return found


def merged(old: ProposalsFile, found: Found) -> list[Proposal]:
    """The file's proposals after a run: other sources' and other proposers' kept; for this
    source and these proposers, the new ones (carrying any decision made on them before)
    and the old ones a person decided on."""
    proposers = {p.proposer for p in found.proposals} | {BUILT_IN}
    decided = {p.id: p.decision for p in old.proposals if p.decision != OPEN}
    fresh_ids = {p.id for p in found.proposals}
    kept = [
        p for p in old.proposals
        if p.source != found.source or p.proposer not in proposers
        or (p.decision != OPEN and p.id not in fresh_ids)
    ]
    fresh = [replace(p, decision=decided.get(p.id, OPEN)) for p in found.proposals]
    return kept + fresh


def dump(proposals: list[Proposal], mentions: dict, kb_name: str) -> bytes:
    body = {
        "version": FORMAT_VERSION,
        "knowledge_base": kb_name,
        "mentions": mentions,
        "proposals": [p.as_dict() for p in proposals],
    }
    header = (
        "# Proposals for review, written by `stakeholders propose`. Nothing here is in the\n"
        "# knowledge base: a person accepts each one in the app (R), or rejects it (x).\n"
    )
    # libyaml's dumper when PyYAML has it (ten times the pure-Python one's speed). The
    # mentions one a line; the proposals in block style, one field a line, to read.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    proposals = body.pop("proposals")
    text = yaml.dump(body, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=None)
    text += yaml.dump({"proposals": proposals}, Dumper=dumper, sort_keys=False,
                      allow_unicode=True, width=100, default_flow_style=False)
    return (header + text).encode("utf-8")


def write_proposals(old: ProposalsFile, proposals: list[Proposal], mentions: dict,
                    kb_name: str) -> None:
    """Replace the file atomically; refuse if it changed since ``old`` was read."""
    data = dump(proposals, mentions, kb_name)
    path = old.path
    if old.data and not files.holds(path, old.data) or not old.data and path.exists():
        raise ProposalsError(f"{display(str(path))} changed while the proposals were made; "
                             "nothing was written: run again")
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    temporary = files.write_beside(path, data, mode=mode)
    files.replace(temporary, path)


def mention_entries(kb: KnowledgeBase, found: Found) -> list[dict]:
    """The mentions as the file lists them: one line each, with the words."""
    text = kb.source_by_id[found.source].text
    return [
        {"actor": m.actor_id, "start": m.start, "end": m.end, "text": text[m.start:m.end],
         **({"nested": True} if m.nested else {})}
        for m in found.mentions
    ]


def decide_all(path: Path, decisions: Sequence[tuple[str, str, str | None]], kb_name: str
               ) -> list[Proposal | ProposalsError]:
    """Record decisions ``(proposal id, decision, accepted_as)``, in order, with one read
    and one write of the file (a decision reads and rewrites the whole file: 0.7 s on 1,500
    proposals, so the review writes those made meanwhile together); for each, the proposal
    as recorded or why it could not be. Raises ProposalsError if the file cannot be read,
    OSError if it cannot be written: then none is recorded."""
    current = read_proposals(path)
    by_id = {p.id: p for p in current.proposals}
    outcomes: list[Proposal | ProposalsError] = []
    for proposal_id, decision, accepted_as in decisions:
        if decision not in DECISIONS:
            raise ValueError(decision)
        found = by_id.get(proposal_id)
        if found is None:
            outcomes.append(ProposalsError(
                f"no proposal {display(proposal_id)!r} in {display(str(path))}: it was made "
                "again meanwhile; reopen the review"))
        elif decision == ACCEPTED and found.check == REJECTED:
            # The gate: a quote the matcher did not find in the source never becomes a claim.
            outcomes.append(ProposalsError(
                f"proposal {display(proposal_id)!r} cannot be accepted: its quote is not in "
                f"the source ({found.reason})"))
        else:
            by_id[proposal_id] = replace(found, decision=decision,
                                         accepted_as=accepted_as if decision == ACCEPTED else None)
            outcomes.append(by_id[proposal_id])
    if any(isinstance(outcome, Proposal) for outcome in outcomes):
        proposals = [by_id[p.id] for p in current.proposals]
        write_proposals(current, proposals, current.mentions, kb_name)
    return outcomes


def propose_into_file(kb: KnowledgeBase, kb_path: Path, source_id: str, *,
                      command: str | None = None, timeout: float = DEFAULT_TIMEOUT
                      ) -> tuple[Found, list[Proposal], Path]:
    """Run the proposers for one source and write the proposals file; what was found, the
    file's proposals for this source, and the file's path."""
    path = proposals_path(kb_path)
    old = read_proposals(path)  # a broken file is refused before any work
    found = propose(kb, source_id, command=command, timeout=timeout)
    proposals = merged(reopen_undone(old, kb), found)
    mentions = {**old.mentions, source_id: mention_entries(kb, found)}
    write_proposals(old, proposals, mentions, kb_path.name)
    return found, [p for p in proposals if p.source == source_id], path


def summary_lines(found: Found, proposals: list[Proposal], path: Path) -> list[str]:
    """What `stakeholders propose` prints: what was found, what the matcher made of it,
    what waits for review, and where."""
    actors = {mention.actor_id for mention in found.mentions}
    claims = [p for p in found.proposals if p.kind == CLAIM]
    new_actors = [p for p in found.proposals if p.kind == ACTOR]
    counts = {status: sum(p.check == status for p in found.proposals)
              for status in ("verified", "repaired", REJECTED)}
    lines = [
        f"{display(found.source)}: {counted(len(found.mentions), 'mention')} of "
        f"{counted(len(actors), 'known actor')}; {counted(len(claims), 'candidate claim')}, "
        f"{counted(len(new_actors), 'candidate new actor')}",
        f"matcher: {counts['verified']} verified, {counts['repaired']} repaired, "
        f"{counts[REJECTED]} rejected",
    ]
    for proposal in found.proposals:
        if proposal.check == REJECTED:
            lines.append(f"  rejected ({proposal.reason}): "
                         f"{truncate(display(proposal.quote), 70)!r} from "
                         f"{display(proposal.proposer)}: {proposal.detail}")
        elif proposal.check == "repaired":
            lines.append(f"  repaired: {truncate(display(proposal.quote), 70)!r} "
                         f"from {display(proposal.proposer)}")
    waiting = sum(p.reviewable for p in proposals)
    decided = sum(p.decision != OPEN for p in proposals)
    lines.append(
        f"{waiting} to review, {decided} decided before and kept; written to "
        f"{display(str(path))}; review them in the app: R"
    )
    return lines
