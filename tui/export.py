"""Write a knowledge base in the formats other tools and people read.

``export(kb, fmt)`` returns the files of one export as ``{suffix: text}``; ``write_export``
puts them on standard output or on disk. Filtering is the caller's business: pass the
narrowed knowledge base. Every text comes from untrusted files, so each format escapes it by
its own rules, and the tests read every format back with a real parser.

Conventions a user should know:

- ``json``: the interchange shape (see ``_json``); ``source.text[start:end] == quote``,
  offsets in Unicode code points, end exclusive. Keys are only ever appended. Every field
  of the schema (docs/schema.md, version 2) is there under its schema name; a missing value
  is ``null`` (a tie's polarity with no valence, an event's status), an absent list ``[]``,
  absent notes ``""``. Hedges are ``{applies_to, cue, asserted_by, source, quote, start,
  end}``, caveats are shaped like evidence, a location is ``{place, lat, lon, gazetteer}``
  and a toll ``{count, source, quote, start, end}``.
- ``csv``: two Kumu tables, ``-elements.csv`` and ``-connections.csv``. Kumu links
  connections to elements by Label, so labels are made unique: actors that share a name
  (ignoring case and surrounding spaces) are labelled ``Name (actor-id)``; an empty name
  becomes the id; ``|``, Kumu's separator of several values, becomes ``¦`` in labels, tags
  and aliases. The actor id column is called ``Actor ID``, not ``ID``, because an element
  ``ID`` column would make Kumu link by ids instead of labels; connections keep ``ID`` (the
  relation id) so that re-importing updates them. Tags are the actor's stance issues. Any
  text cell starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` so
  spreadsheets do not run it as a formula; Polarity and Fatalities are numbers and are
  written as plain signed integers (``-2``), never guarded, and left empty when there is
  none (a structural tie has no polarity). Hedges read ``attributed: claim (US military);
  alleged: target`` (``wording.hedge_phrase``). On standard output the two tables follow
  each other, separated by one empty line: a CSV reader sees it as the one empty record.
- ``gexf`` (1.3) and ``graphml``: directed multigraphs, one edge per relation with the
  relation id as edge id; list values (aliases, quotes, caveats, participants) are JSON
  arrays in a string attribute, exact to the character; missing values are left out (a
  tie with no valence has no polarity attribute, and is drawn in a neutral grey).
- Participants: graph tools know no hyperedge, so in ``csv``, ``gexf``, ``graphml``,
  ``dot`` and ``mermaid`` an event's participants get an edge each from the event's
  source, with the id ``relation-id#participant-id`` and the relation's attributes; every
  edge carries ``relation`` (the relation id) and ``edge_role`` (``claim`` or
  ``participant``), so that acts can still be counted once per relation.
- ``dot``, ``mermaid``, ``markdown``: for people. Their text goes through
  ``sanitize.display``, so control characters and bidirectional overrides show as
  ``\\x1b`` or ``⟨RLO⟩`` instead of acting. A claim is worded as ``tui.wording`` words it
  in the app: an offer reads "offers or intends to mediate", never "mediates"; the
  briefing gives each claim's qualifiers, hedges with their cue words, caveats, toll and
  the analyst's notes.
- XML and CSV never hold characters XML 1.0 forbids (controls other than tab, newline and
  carriage return, lone surrogates, U+FFFE, U+FFFF): each is written as a visible escape
  like ``\\x1b``. JSON keeps every character, escaping what a line-based reader could split
  on.
- ``annotations``: a W3C Web Annotation ``AnnotationCollection`` (JSON-LD), one annotation
  per quote, ids as ``tag:`` URIs. A quote of evidence is ``describing``; the words that
  hedge a claim and the caveats that qualify it are ``assessing`` (they judge how certain
  the claim is). The target's ``source`` is the source's ``url`` when it has one, else a
  ``tag:`` URI of the source id.
- ``events``: JSON Lines, one per dated relation (as in the timeline) and per dated
  attribute that is an event, sorted by date (coarser dates first: ``2017`` < ``2017-09`` <
  ``2017-09-26``), then file order (relations before attributes). Each line carries the
  claim's modality, who asserts it and how, its hedges, verification, caveats, place, toll
  and every quote with its citation.
- Many sources: every format says of each claim how many sources its quotes come from and
  how many independent origins those are (``tui.corroboration``: a syndicated copy, or a
  source of the same ``origin``, counts once). ``json`` and ``events``: ``sources`` and
  ``origins`` (numbers), then the analyst's decisions ``contradicts`` (list),
  ``supersedes`` (id or null) and ``consistent_with`` (list); a json source has
  ``syndicated_from``. ``csv``: the last two connection columns, ``Sources`` and
  ``Origins``. ``gexf``, ``graphml``: integer edge attributes ``sources`` and ``origins``.
  ``dot``: edge attributes ``sources`` and ``origins`` and a ``tooltip`` ("3 sources · 2
  origins"), the label left as it was; ``mermaid`` has no attributes on a link, so the
  counts end its label. ``markdown``: the last fact of each claim's line, and a "Disputes:"
  line under a claim the analyst decided (or that another supersedes). ``annotations``:
  each annotation of a claim has an ``assessing`` text body "3 sources · 2 origins" just
  before its tag.
- The briefing ends with "Contested": the disputes still open (``disputes.contested``:
  candidates and conflicts), each as a table of its two claims side by side (the claim,
  who says it, when, support, quotes), with one line counting what was decided otherwise
  (supersessions, pairs marked both true); "No disputes." when there are none, as the
  briefing says "No sources." and "No actors.". Table cells hold inline text only: a
  newline shows as ``\\x0a`` and ``|`` is escaped, so no text can end a cell or a row.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TextIO
from urllib.parse import quote as percent_encode

from .claims import KIND_OF, claim_by_ref
from .corroboration import Support, origins
from .disputes import (
    BOTH_TRUE,
    CANDIDATE,
    CONFLICT,
    DATE,
    POLARITY,
    STAND,
    SUPERSEDED,
    Dispute,
    contested,
    disputes,
)
from .files import discard, inside, replace, write_beside
from .model import (
    Actor,
    Attribute,
    ClaimKind,
    Evidence,
    Fatalities,
    Hedge,
    KnowledgeBase,
    Location,
    Modality,
    Relation,
    Source,
    Stance,
    counted,
    precision_of,
    status_label,
)
from .sanitize import display
from .wording import hedge_phrase, modal_phrase, qualifiers

FORMATS: tuple[str, ...] = (
    "json",
    "csv",
    "gexf",
    "graphml",
    "dot",
    "mermaid",
    "markdown",
    "annotations",
    "events",
)

# The usual file extension of each format.
EXTENSIONS = {
    "json": "json",
    "csv": "csv",
    "gexf": "gexf",
    "graphml": "graphml",
    "dot": "dot",
    "mermaid": "mmd",
    "markdown": "md",
    "annotations": "jsonld",
    "events": "jsonl",
}

CSV_SUFFIXES = ("-elements.csv", "-connections.csv")  # the two tables of a csv export
# The files of each format, by the suffix ``export`` keys them with ("" is the one file).
SUFFIXES: dict[str, tuple[str, ...]] = {fmt: ("",) for fmt in FORMATS} | {"csv": CSV_SUFFIXES}

_POLARITY_COLOURS = {
    -2: "#c62828",
    -1: "#ef6c00",
    0: "#757575",
    1: "#7cb342",
    2: "#2e7d32",
}
_NO_VALENCE_COLOUR = "#9e9e9e"  # a tie with no polarity: a lighter grey than neutral 0


def export(kb: KnowledgeBase, fmt: str) -> dict[str, str]:
    """The files of one export as ``{suffix: text}``; ``""`` is the single file of a format."""
    try:
        build = _BUILDERS[fmt]
    except KeyError:
        raise _unknown_format(fmt) from None
    return build(kb)


def _unknown_format(fmt: str) -> ValueError:
    return ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")


class WriteError(OSError):
    """An export file could not be written. The message is for the user: it names the file
    or folder they chose, never the temporary file an export is written through."""


def write_export(kb: KnowledgeBase, fmt: str, out: Path | None, stdout: TextIO) -> list[Path]:
    """Write an export to ``stdout`` (``out`` None) or to files; return the paths written.

    A single-file format goes to exactly ``out``. A format of several files replaces the
    extension of ``out`` by each suffix: ``-o net.csv`` writes ``net-elements.csv`` and
    ``net-connections.csv``. On standard output the files follow each other, separated by
    one empty line. Files are written atomically (a temporary file beside the target, then
    a rename) and an existing file is replaced; the checks of ``check_export_paths`` come
    before anything is written. A file that cannot be written raises ``WriteError``.
    """
    files = export(kb, fmt)
    if out is None or str(out) == "-":
        stdout.write("\r\n".join(files.values()))
        stdout.flush()
        return []
    targets = dict(zip(files, check_export_paths(kb, fmt, out), strict=True))
    # All or nothing: every file is written beside its target first, then each is renamed
    # over it, so that a failure never leaves a csv export's two tables from two runs.
    written: list[tuple[Path, Path]] = []
    try:
        for suffix, target in targets.items():
            try:
                data = files[suffix].encode("utf-8")
                written.append((write_beside(target, data), target))
            except OSError as error:
                raise WriteError(f"Could not write {target}: {_reason(error)}.") from error
        for temporary, target in written:
            try:
                replace(temporary, target)
            except OSError as error:
                raise WriteError(f"Could not write {target}: {_reason(error)}.") from error
    finally:
        for temporary, _target in written:
            discard(temporary)  # none left once renamed
    return list(targets.values())


def export_paths(fmt: str, out: Path) -> list[Path]:
    """The files ``write_export(kb, fmt, out, ...)`` writes, in the order it writes them."""
    try:
        suffixes = SUFFIXES[fmt]
    except KeyError:
        raise _unknown_format(fmt) from None
    return [_output_path(out, suffix) for suffix in suffixes]


def check_export_paths(kb: KnowledgeBase, fmt: str, out: Path) -> list[Path]:
    """The files an export to ``out`` writes, once it is known that they may be written.

    Raises ``ValueError`` when one is the knowledge base or one of its source texts, and
    ``WriteError`` when its folder does not exist or when it is itself a folder. Whether a
    file already exists is the caller's business: ``write_export`` replaces it.
    """
    targets = export_paths(fmt, out)
    protected = _protected_paths(kb)
    for target in targets:
        if any(_same_file(target, path) for path in protected):
            raise ValueError(f"refusing to overwrite {target}: it is part of the knowledge base")
    for target in targets:
        folder = target.parent
        try:
            is_folder = stat.S_ISDIR(folder.stat().st_mode)
        except FileNotFoundError:
            raise WriteError(
                f"The folder {folder} does not exist: create it or choose another path."
            ) from None
        except NotADirectoryError:  # a file stands where a folder of the path should be
            is_folder = False
        except OSError as error:
            raise WriteError(f"Could not write {target}: {_reason(error)}.") from error
        if not is_folder:
            raise WriteError(f"{folder} is not a folder: choose another path.")
        try:
            mode = target.lstat().st_mode
        except FileNotFoundError:
            continue
        except OSError as error:
            raise WriteError(f"Could not write {target}: {_reason(error)}.") from error
        if stat.S_ISDIR(mode):
            raise WriteError(f"{target} is a folder: give the name of a file to write.")
        if not stat.S_ISREG(mode):
            # Renaming over it would turn a device, a FIFO or a link into a plain file.
            what = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
            raise WriteError(
                f"{target} is {what}: an export only replaces a regular file; "
                "choose another path, or -o - for standard output."
            )
    return targets


def _output_path(out: Path, suffix: str) -> Path:
    if not suffix:
        return out
    return out.with_name(out.with_suffix("").name + suffix)


def _protected_paths(kb: KnowledgeBase) -> list[Path]:
    """The knowledge base and its source texts, each where the loader read it from."""
    if not kb.path:
        return []
    kb_file = Path(kb.path)
    places = (inside(kb_file.parent, source.path) for source in kb.sources)
    return [kb_file, *(place for place in places if place is not None)]


def _same_file(first: Path, second: Path) -> bool:
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)  # hard links
    except OSError:
        return False


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


# --- shared helpers --------------------------------------------------------------------

Claim = Relation | Attribute | Stance


def _signed(polarity: int) -> str:
    """A polarity as ASCII sign text: "+2", "0", "-1"."""
    return f"{polarity:+d}" if polarity else "0"


def _valence(polarity: int | None) -> str:
    """A polarity for people: "+2", "0", "-1", or "no valence" for a tie without one."""
    return "no valence" if polarity is None else _signed(polarity)


def _colour(polarity: int | None) -> str:
    if polarity is None:
        return _NO_VALENCE_COLOUR
    return _POLARITY_COLOURS[max(-2, min(2, polarity))]


def _value(member: StrEnum | None) -> str | None:
    """An enum member's value; None stays None (never the text "None")."""
    return None if member is None else member.value


def _actor_name(kb: KnowledgeBase, actor_id: str | None) -> str | None:
    """The name of an actor, or its id when the (filtered) knowledge base lacks it."""
    if actor_id is None:
        return None
    actor = kb.actor_by_id.get(actor_id)
    return actor.name if actor is not None else actor_id


def _citation(kb: KnowledgeBase, source_id: str) -> str:
    source = kb.source_by_id.get(source_id)
    return source.citation() if source is not None else source_id


def _hedges_text(kb: KnowledgeBase, hedges: Iterable[Hedge]) -> str:
    """Hedges in one line: "attributed: claim (US military); alleged: target"."""
    return "; ".join(hedge_phrase(kb, hedge) for hedge in hedges)


def _support(kb: KnowledgeBase, claim: Claim) -> Support:
    """How many sources a claim's quotes come from, and how many independent origins those
    are (a syndicated copy counts once): ``tui.corroboration``."""
    return origins(kb).support(claim)


def _escape_code(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


# Characters no XML 1.0 document may hold. CSV gets the same treatment: NUL and friends
# break spreadsheet importers, and a lone surrogate cannot even be encoded as UTF-8.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub(lambda match: _escape_code(match.group()), text)


@dataclass(frozen=True, slots=True)
class _Edge:
    """One edge of the graph exports: a relation's own edge (``role`` "claim", from its
    source to its target, with the relation id) or one to an event's participant (``role``
    "participant", from the source, with the id ``relation-id#participant-id``)."""

    id: str
    source: str
    target: str
    relation: Relation
    role: str


def _graph_edges(kb: KnowledgeBase) -> list[_Edge]:
    """Every relation's edge, each followed by the edges to its event's participants.

    Graph tools know no hyperedge: a participant that is only an attribute of an edge is
    an unconnected node to them (no degree, no neighbourhood, no place in a layout). So an
    event's participants get an edge each from its source (a star), and every edge says
    which relation it belongs to (``relation``) so that the acts can still be counted once.
    """
    taken = {relation.id for relation in kb.relations}
    edges: list[_Edge] = []
    for relation in kb.relations:
        edges.append(_Edge(relation.id, relation.source, relation.target, relation, "claim"))
        for participant in dict.fromkeys(relation.participants):
            if participant in (relation.source, relation.target):
                continue  # already an end of the relation's own edge
            edge_id, number = f"{relation.id}#{participant}", 2
            while edge_id in taken:
                edge_id, number = f"{relation.id}#{participant}#{number}", number + 1
            taken.add(edge_id)
            edges.append(_Edge(edge_id, relation.source, participant, relation, "participant"))
    return edges


# --- json ------------------------------------------------------------------------------

# Valid raw in a JSON string but split by line-based readers (U+2028/2029, NEL) or not
# encodable as UTF-8 (lone surrogates): written as \\u escapes, which JSON reads back exactly.
_JSON_RAW_UNSAFE = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


def _dump_json(data: object, indent: int | None = None) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_RAW_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _evidence_json(evidence: Evidence) -> dict[str, object]:
    return {
        "source": evidence.source,
        "quote": evidence.quote,
        "start": evidence.start,
        "end": evidence.end,
    }


def _evidence_list(evidence: Iterable[Evidence]) -> list[dict[str, object]]:
    return [_evidence_json(item) for item in evidence]


def _hedge_json(hedge: Hedge) -> dict[str, object]:
    return {
        "applies_to": hedge.applies_to,
        "cue": hedge.cue.value,
        "asserted_by": hedge.asserted_by,
        **_evidence_json(hedge.evidence),
    }


def _location_json(location: Location | None) -> dict[str, object] | None:
    if location is None:
        return None
    return {
        "place": location.place,
        "lat": location.lat,
        "lon": location.lon,
        "gazetteer": location.gazetteer,
    }


def _fatalities_json(fatalities: Fatalities | None) -> dict[str, object] | None:
    if fatalities is None:
        return None
    return {"count": fatalities.count, **_evidence_json(fatalities.evidence)}


def _qualified_json(claim: Claim) -> dict[str, object]:
    """The keys every kind of claim shares, after its own: how it is asserted and hedged."""
    return {
        "asserted_by": claim.asserted_by,
        "confidence": claim.confidence.value,
        "modality": claim.modality.value,
        "hedges": [_hedge_json(hedge) for hedge in claim.hedges],
        "caveats": _evidence_list(claim.caveats),
    }


def _support_json(kb: KnowledgeBase | None, claim: Claim) -> dict[str, object]:
    """``sources`` and ``origins`` of a claim, when the knowledge base is at hand."""
    if kb is None:
        return {}
    support = _support(kb, claim)
    return {"sources": support.sources, "origins": support.origins}


def _links_json(claim: Claim) -> dict[str, object]:
    """The disputes the analyst decided: the claims of its section this one contradicts,
    the one it supersedes, and those it was checked to agree with."""
    return {
        "contradicts": list(claim.contradicts),
        "supersedes": claim.supersedes,
        "consistent_with": list(claim.consistent_with),
    }


def _relation_json(relation: Relation, kb: KnowledgeBase | None = None) -> dict[str, object]:
    precision = relation.date_precision
    return {
        "id": relation.id,
        "source": relation.source,
        "target": relation.target,
        "type": relation.type,
        "polarity": relation.polarity,  # null: a structural tie with no valence
        "date": relation.date,
        "date_precision": _value(precision),
        "summary": relation.summary,
        "evidence": _evidence_list(relation.evidence),
        "date_phrase": relation.date_phrase,
        "status": _value(relation.status),  # null for an event
        "asserted_by": relation.asserted_by,
        "confidence": relation.confidence.value,
        # Version 2, appended.
        "kind": relation.kind.value,
        "participants": list(relation.participants),
        "modality": relation.modality.value,
        "hedges": [_hedge_json(hedge) for hedge in relation.hedges],
        "caveats": _evidence_list(relation.caveats),
        "verification": _value(relation.verification),
        "location": _location_json(relation.location),
        "fatalities": _fatalities_json(relation.fatalities),
        "reported": relation.reported,
        "valid_from": relation.valid_from,
        "valid_to": relation.valid_to,
        "notes": relation.notes,
        # Many sources, appended: counts (given the knowledge base), then decisions.
        **_support_json(kb, relation),
        **_links_json(relation),
    }


def _attribute_json(attribute: Attribute, kb: KnowledgeBase | None = None) -> dict[str, object]:
    return {
        "id": attribute.id,
        "actor": attribute.actor,
        "type": attribute.type,
        "kind": attribute.kind.value,
        "summary": attribute.summary,
        "evidence": _evidence_list(attribute.evidence),
        "date": attribute.date,
        "date_precision": _value(attribute.date_precision),
        "date_phrase": attribute.date_phrase,
        "status": _value(attribute.status),
        **_qualified_json(attribute),
        "verification": _value(attribute.verification),
        "location": _location_json(attribute.location),
        "fatalities": _fatalities_json(attribute.fatalities),
        "reported": attribute.reported,
        "notes": attribute.notes,
        # Many sources, appended.
        **_support_json(kb, attribute),
        **_links_json(attribute),
    }


def _stance_json(stance: Stance, kb: KnowledgeBase | None = None) -> dict[str, object]:
    return {
        "id": stance.id,
        "actor": stance.actor,
        "issue": stance.issue,
        "position": stance.position,
        "evidence": _evidence_list(stance.evidence),
        # Version 2, appended.
        "stand": stance.stand,
        "date": stance.date,
        "date_precision": _value(precision_of(stance.date)),
        "date_phrase": stance.date_phrase,
        **_qualified_json(stance),
        "notes": stance.notes,
        # Many sources, appended.
        **_support_json(kb, stance),
        **_links_json(stance),
    }


def _source_json(source: Source) -> dict[str, object]:
    return {
        "id": source.id,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published,
        "text": source.text,
        "dateline": source.dateline,
        # Version 2, appended.
        "url": source.url,
        "origin": source.origin,
        "byline": source.byline,
        "language": source.language,
        "retrieved": source.retrieved,
        "reliability": source.reliability,
        "sha256": source.sha256,
        "notes": source.notes,
        # Many sources, appended: the source id this text is a copy of (one origin).
        "syndicated_from": source.syndicated_from,
    }


def _actor_json(actor: Actor) -> dict[str, object]:
    return {
        "id": actor.id,
        "name": actor.name,
        "aliases": list(actor.aliases),
        "kind": actor.kind,
        "affiliation": actor.affiliation,
        "description": actor.description,
        # Version 2, appended.
        "identifiers": dict(actor.identifiers),
        "memberships": [
            {
                "organisation": membership.organisation,
                "role": membership.role,
                "from": membership.start,
                "to": membership.end,
                "evidence": _evidence_list(membership.evidence),
            }
            for membership in actor.memberships
        ],
        "name_note": actor.name_note,
        "notes": actor.notes,
        # Old ids that lead to this actor (merged into it), and the actors it is not.
        "merged_from": list(actor.merged_from),
        "distinct_from": list(actor.distinct_from),
    }


def _json(kb: KnowledgeBase) -> dict[str, str]:
    data = {
        "sources": [_source_json(source) for source in kb.sources],
        "actors": [_actor_json(actor) for actor in kb.actors],
        "relations": [_relation_json(relation, kb) for relation in kb.relations],
        "stances": [_stance_json(stance, kb) for stance in kb.stances],
        # Version 2, appended.
        "attributes": [_attribute_json(attribute, kb) for attribute in kb.attributes],
        "issues": [
            {
                "id": issue.id,
                "label": issue.label,
                "description": issue.description,
                "notes": issue.notes,
            }
            for issue in kb.issues
        ],
    }
    return {"": _dump_json(data, indent=2) + "\n"}


# --- csv (Kumu) ------------------------------------------------------------------------

ELEMENT_COLUMNS = (
    "Label",
    "Type",
    "Description",
    "Tags",
    "Actor ID",
    "Aliases",
    "Affiliation",
    "Identifiers",
    "Notes",
)
CONNECTION_COLUMNS = (
    "From",
    "To",
    "Type",
    "Direction",
    "Polarity",
    "Date",
    "Date precision",
    "Status",
    "Asserted by",
    "Confidence",
    "Summary",
    "Quotes",
    "Source citation",
    "ID",
    # Version 2, appended.
    "Kind",
    "Modality",
    "Verification",
    "Hedges",
    "Caveats",
    "Location",
    "Fatalities",
    "Participants",
    "Reported",
    "Valid from",
    "Valid to",
    "Notes",
    "Relation",
    "Edge role",
    # Many sources, appended: of the relation's quotes, how many sources and origins.
    "Sources",
    "Origins",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str | None) -> str:
    """A text cell: XML-illegal characters made visible, formulas defused."""
    if not text:
        return ""
    text = _xml_safe(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _number_cell(number: int | None) -> str:
    """A number cell: a plain signed integer, never guarded; empty when there is none."""
    return "" if number is None else str(int(number))


def _kumu_value(text: str) -> str:
    """One value of a Kumu multi-value cell, which Kumu splits on ``|``."""
    return text.replace("|", "¦")


def _kumu_values(values: Iterable[str]) -> str:
    """A Kumu multi-value cell; each value is guarded, as Kumu makes each its own cell."""
    return "|".join(_cell(_kumu_value(value)) for value in values)


def _kumu_labels(actors: Iterable[Actor]) -> dict[str, str]:
    """Unique element labels, by actor id (Kumu matches connections to elements by label)."""

    def key(label: str) -> str:
        return label.strip().casefold()

    actors = list(actors)
    names = {
        actor.id: _kumu_value(actor.name) if actor.name.strip() else actor.id for actor in actors
    }
    shared = Counter(key(name) for name in names.values())
    wanted = {
        actor_id: name if shared[key(name)] == 1 else f"{name} ({actor_id})"
        for actor_id, name in names.items()
    }
    # "Name (id)" may still equal another actor's own name: number whatever still collides.
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for actor_id, label in wanted.items():
        candidate, number = label, 2
        while key(candidate) in taken:
            candidate, number = f"{label} ({number})", number + 1
        taken.add(key(candidate))
        labels[actor_id] = candidate
    return labels


def _csv_text(rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _csv(kb: KnowledgeBase) -> dict[str, str]:
    labels = _kumu_labels(kb.actors)

    def label(actor_id: str | None) -> str | None:
        return None if actor_id is None else labels.get(actor_id, actor_id)

    elements = [ELEMENT_COLUMNS]
    for actor in kb.actors:
        issues = dict.fromkeys(stance.issue for stance in kb.stances_of(actor.id))
        elements.append(
            (
                _cell(labels[actor.id]),
                _cell(actor.kind),
                _cell(actor.description),
                _kumu_values(issues),
                _cell(actor.id),
                _kumu_values(actor.aliases),
                _cell(label(actor.affiliation)),
                _kumu_values(f"{scheme}:{value}" for scheme, value in actor.identifiers),
                _cell(actor.notes),
            )
        )
    connections = [CONNECTION_COLUMNS]
    for edge in _graph_edges(kb):
        relation = edge.relation
        precision = relation.date_precision
        citations = dict.fromkeys(_citation(kb, e.source) for e in relation.evidence)
        location = relation.location
        fatalities = relation.fatalities
        support = _support(kb, relation)
        connections.append(
            (
                _cell(label(edge.source)),
                _cell(label(edge.target)),
                _cell(relation.type),
                "directed",
                _number_cell(relation.polarity),  # a number: never guarded
                _cell(relation.date),
                _cell(_value(precision)),
                _cell(_value(relation.status)),
                _cell(label(relation.asserted_by)),
                _cell(relation.confidence.value),
                _cell(relation.summary),
                _cell("\n\n".join(evidence.quote for evidence in relation.evidence)),
                _cell("\n".join(citations)),
                _cell(edge.id),
                _cell(relation.kind.value),
                _cell(relation.modality.value),
                _cell(_value(relation.verification)),
                _cell(_hedges_text(kb, relation.hedges)),
                _cell("\n\n".join(caveat.quote for caveat in relation.caveats)),
                _cell(location.place if location is not None else None),
                _number_cell(fatalities.count if fatalities is not None else None),
                _kumu_values(label(p) or p for p in relation.participants),
                _cell(relation.reported),
                _cell(relation.valid_from),
                _cell(relation.valid_to),
                _cell(relation.notes),
                _cell(relation.id),
                _cell(edge.role),
                _number_cell(support.sources),
                _number_cell(support.origins),
            )
        )
    return dict(zip(CSV_SUFFIXES, (_csv_text(elements), _csv_text(connections)), strict=True))


# --- gexf and graphml ------------------------------------------------------------------


def _list_value(values: Iterable[str]) -> str:
    """A JSON array: its escapes carry even the characters XML cannot, so it reads back exact."""
    return _dump_json(list(values))


def _node_values(actor: Actor) -> dict[str, str | int | None]:
    return {
        "kind": actor.kind,
        "affiliation": actor.affiliation,
        "description": actor.description,
        "aliases": _list_value(actor.aliases),
        "identifiers": _dump_json(dict(actor.identifiers)) if actor.identifiers else None,
        "name_note": actor.name_note or None,
        "notes": actor.notes or None,
    }


def _edge_values(kb: KnowledgeBase, edge: _Edge) -> dict[str, str | int | None]:
    """An edge's attributes; None is a missing value, which is left out (so a tie with no
    valence has no polarity, never a made-up 0)."""
    relation = edge.relation
    precision = relation.date_precision
    location = relation.location
    fatalities = relation.fatalities
    support = _support(kb, relation)
    return {
        "type": relation.type,
        "polarity": relation.polarity,
        "date": relation.date,
        "date_precision": _value(precision),
        "date_phrase": relation.date_phrase,
        "status": _value(relation.status),
        "asserted_by": relation.asserted_by,
        "confidence": relation.confidence.value,
        "summary": relation.summary,
        "quotes": _list_value(evidence.quote for evidence in relation.evidence),
        "kind": relation.kind.value,
        "modality": relation.modality.value,
        "verification": _value(relation.verification),
        "hedges": _hedges_text(kb, relation.hedges) or None,
        "caveats": _list_value(caveat.quote for caveat in relation.caveats),
        "location": location.place if location is not None else None,
        "fatalities": fatalities.count if fatalities is not None else None,
        "participants": _list_value(relation.participants),
        "reported": relation.reported,
        "valid_from": relation.valid_from,
        "valid_to": relation.valid_to,
        "notes": relation.notes or None,
        "relation": relation.id,
        "edge_role": edge.role,
        "sources": support.sources,
        "origins": support.origins,
    }


_NODE_ATTRIBUTES = (
    "kind",
    "affiliation",
    "description",
    "aliases",
    "identifiers",
    "name_note",
    "notes",
)
_EDGE_ATTRIBUTES = (
    "type",
    "polarity",
    "date",
    "date_precision",
    "date_phrase",
    "status",
    "asserted_by",
    "confidence",
    "summary",
    "quotes",
    "kind",
    "modality",
    "verification",
    "hedges",
    "caveats",
    "location",
    "fatalities",
    "participants",
    "reported",
    "valid_from",
    "valid_to",
    "notes",
    "relation",
    "edge_role",
    "sources",
    "origins",
)
_INTEGER_ATTRIBUTES = {"polarity", "fatalities", "sources", "origins"}


def _xml_document(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    # ElementTree leaves CR raw in text content, where parsers normalise it to LF; a
    # character reference keeps it. Indentation holds no CR, so every CR here is data.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body.replace("\r", "&#13;") + "\n"


_GEXF_NS = "http://gexf.net/1.3"


def _gexf(kb: KnowledgeBase) -> dict[str, str]:
    root = ET.Element(
        "gexf",
        {
            "xmlns": _GEXF_NS,
            "xmlns:viz": f"{_GEXF_NS}/viz",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": f"{_GEXF_NS} {_GEXF_NS}/gexf.xsd",
            "version": "1.3",
        },
    )
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "Stakeholder Explorer"
    ET.SubElement(meta, "description").text = "Actors and the relations between them"
    graph = ET.SubElement(root, "graph", defaultedgetype="directed", mode="static")
    for attribute_class, names in (("node", _NODE_ATTRIBUTES), ("edge", _EDGE_ATTRIBUTES)):
        attributes = ET.SubElement(graph, "attributes", {"class": attribute_class})
        for name in names:
            kind = "integer" if name in _INTEGER_ATTRIBUTES else "string"
            ET.SubElement(attributes, "attribute", id=name, title=name, type=kind)

    def add_values(element: ET.Element, values: dict[str, str | int | None]) -> None:
        attvalues = ET.SubElement(element, "attvalues")
        for name, value in values.items():
            if value is not None:
                ET.SubElement(attvalues, "attvalue", {"for": name, "value": _xml_safe(str(value))})

    nodes = ET.SubElement(graph, "nodes")
    for actor in kb.actors:
        node = ET.SubElement(nodes, "node", id=_xml_safe(actor.id), label=_xml_safe(actor.name))
        add_values(node, _node_values(actor))
    edges = ET.SubElement(graph, "edges")
    # No `weight` is written: a polarity is signed and layouts want weights above zero, so
    # every edge keeps GEXF's default weight (1), the same whatever its valence.
    for found in _graph_edges(kb):
        relation = found.relation
        edge = ET.SubElement(
            edges,
            "edge",
            id=_xml_safe(found.id),
            source=_xml_safe(found.source),
            target=_xml_safe(found.target),
            label=_xml_safe(relation.type),
            kind=_xml_safe(relation.type),  # Gephi keeps parallel edges of different kinds
        )
        add_values(edge, _edge_values(kb, found))
        colour = _colour(relation.polarity)
        ET.SubElement(
            edge,
            "viz:color",
            r=str(int(colour[1:3], 16)),
            g=str(int(colour[3:5], 16)),
            b=str(int(colour[5:7], 16)),
        )
    return {"": _xml_document(root)}


def _graphml(kb: KnowledgeBase) -> dict[str, str]:
    namespace = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element(
        "graphml",
        {
            "xmlns": namespace,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": f"{namespace} {namespace}/1.0/graphml.xsd",
        },
    )
    for owner, names in (("node", ("name", *_NODE_ATTRIBUTES)), ("edge", _EDGE_ATTRIBUTES)):
        for name in names:
            kind = "int" if name in _INTEGER_ATTRIBUTES else "string"
            ET.SubElement(
                root,
                "key",
                {"id": f"{owner}-{name}", "for": owner, "attr.name": name, "attr.type": kind},
            )
    graph = ET.SubElement(root, "graph", id="stakeholders", edgedefault="directed")

    def add_values(element: ET.Element, owner: str, values: dict[str, str | int | None]) -> None:
        for name, value in values.items():
            if value is not None:
                data = ET.SubElement(element, "data", key=f"{owner}-{name}")
                data.text = _xml_safe(str(value))

    for actor in kb.actors:
        node = ET.SubElement(graph, "node", id=_xml_safe(actor.id))
        add_values(node, "node", {"name": actor.name, **_node_values(actor)})
    for found in _graph_edges(kb):
        edge = ET.SubElement(
            graph,
            "edge",
            id=_xml_safe(found.id),
            source=_xml_safe(found.source),
            target=_xml_safe(found.target),
        )
        add_values(edge, "edge", _edge_values(kb, found))
    return {"": _xml_document(root)}


# --- dot and mermaid -------------------------------------------------------------------


def _edge_label(relation: Relation, support: Support | None = None) -> str:
    """ "backs (+2)", "offers or intends to mediate (+1)", "meets (+1, unconfirmed)",
    "leads (no valence)": an offer never reads as the act. With ``support``, its counts
    end the label: "meets (+1, unconfirmed, 3 sources · 2 origins)"."""
    verb = relation.type
    if relation.modality is not Modality.ACTUAL:
        verb = modal_phrase(relation.type, relation.modality)
    facts = [_valence(relation.polarity)]
    if relation.verification is not None:
        facts.append(relation.verification.value)
    if support is not None:
        facts.append(support.describe())
    return f"{verb} ({', '.join(facts)})"


def _dot_string(text: str) -> str:
    """A DOT double-quoted string. Backslashes are doubled so label escapes like \\N stay
    text, and ``&`` is written ``&amp;`` because Graphviz decodes HTML entities in strings."""
    text = display(text).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return f'"{text}"'


def _dot(kb: KnowledgeBase) -> dict[str, str]:
    lines = [
        "digraph stakeholders {",
        '  graph [rankdir=LR, charset="UTF-8"];',
        "  node [shape=box, style=rounded];",
    ]
    for actor in kb.actors:
        lines.append(f"  {_dot_string(actor.id)} [label={_dot_string(actor.name)}];")
    for edge in _graph_edges(kb):
        relation = edge.relation
        colour = _colour(relation.polarity)
        style = "dashed" if relation.status == "past" else "solid"
        # The counts are attributes, not label text, so the drawing stays as legible as
        # before: numbers for tools, and a tooltip ("3 sources · 2 origins") in SVG.
        support = _support(kb, relation)
        lines.append(
            f"  {_dot_string(edge.source)} -> {_dot_string(edge.target)} ["
            f"id={_dot_string(edge.id)}, label={_dot_string(_edge_label(relation))}, "
            f'color="{colour}", fontcolor="{colour}", style={style}, '
            f"sources={support.sources}, origins={support.origins}, "
            f"tooltip={_dot_string(support.describe())}];"
        )
    lines.append("}")
    return {"": "\n".join(lines) + "\n"}


# Characters that could end a Mermaid label or be read as markup or an escape in it, as
# Mermaid's own entity codes (#quot; and #<decimal>;), which it turns back into the character.
_MERMAID_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    **{char: f"#{ord(char)};" for char in "[](){}|`\\"},
}
_MERMAID_TABLE = str.maketrans(_MERMAID_ENTITIES)


def _mermaid_label(text: str) -> str:
    return '"' + display(text).translate(_MERMAID_TABLE) + '"'


def _mermaid_ids(actor_ids: Iterable[str]) -> dict[str, str]:
    """Node ids from actor ids: prefixed (so never a keyword like ``end``) and unique."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for actor_id in actor_ids:
        base = "a_" + re.sub(r"[^A-Za-z0-9]", "_", actor_id)
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        taken.add(candidate)
        ids[actor_id] = candidate
    return ids


def _mermaid(kb: KnowledgeBase) -> dict[str, str]:
    edges = _graph_edges(kb)
    endpoints = (end for edge in edges for end in (edge.source, edge.target))
    node_ids = _mermaid_ids(dict.fromkeys([*(actor.id for actor in kb.actors), *endpoints]))
    lines = ["flowchart LR"]
    for actor in kb.actors:
        name = actor.name if actor.name.strip() else actor.id  # Mermaid rejects [""]
        lines.append(f"  {node_ids[actor.id]}[{_mermaid_label(name)}]")
    links_by_colour: dict[str, list[str]] = {}
    for index, edge in enumerate(edges):
        relation = edge.relation
        arrow = "-.->" if relation.status == "past" else "-->"
        # Mermaid has no attributes of its own on a link: the counts end its label.
        label = _edge_label(relation, _support(kb, relation))
        lines.append(
            f"  {node_ids[edge.source]} {arrow}|{_mermaid_label(label)}| {node_ids[edge.target]}"
        )
        links_by_colour.setdefault(_colour(relation.polarity), []).append(str(index))
    for colour, indexes in links_by_colour.items():
        lines.append(f"  linkStyle {','.join(indexes)} stroke:{colour},color:{colour}")
    return {"": "\n".join(lines) + "\n"}


# --- markdown --------------------------------------------------------------------------

# Backslash-escaped wherever they stand: emphasis, code, links, HTML, headings' closing
# hashes, tables, strikethrough, maths, entities.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$&])")


def _md(text: str, *, block: bool = False) -> str:
    """Data text as literal Markdown: nothing in it renders as markup or HTML.

    ``block`` text starts a line and may hold newlines (a quote, a description), so what
    is special at the start of a line is escaped too; other text sits inside a line.
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", display(text, keep_newlines=block))
    if not block:
        return text
    # List markers, setext underlines, ordered lists.
    text = re.sub(r"^([-+=])", r"\\\1", text, flags=re.MULTILINE)
    text = re.sub(r"^([0-9]+)([.)])", r"\1\\\2", text, flags=re.MULTILINE)
    # Leading blanks would make an indented code block; character references stay text.
    return re.sub(
        r"^ +",
        lambda match: "&#32;" * len(match.group()),
        text,
        flags=re.MULTILINE,
    )


def _md_citation(kb: KnowledgeBase, source_id: str) -> str:
    source = kb.source_by_id.get(source_id)
    if source is None:
        return f"({_md(source_id)})"
    return f"({_md(source.publisher)}, “{_md(source.title)}”, {_md(source.published_date)})"


def _md_quotes(kb: KnowledgeBase, evidence: Iterable[Evidence]) -> list[str]:
    lines: list[str] = []
    for item in evidence:
        lines.append("")
        lines.extend(f"  > {line}".rstrip() for line in _md(item.quote, block=True).split("\n"))
        lines.append("  >")
        lines.append(f"  > {_md_citation(kb, item.source)}")
    return lines


def _md_paragraph(lead: str, text: str) -> list[str]:
    """A paragraph of a list item: ``lead`` (Markdown already), then data text."""
    body = _md(text, block=True).split("\n")
    return ["", f"  {lead} {body[0]}".rstrip(), *(f"  {line}".rstrip() for line in body[1:])]


def _md_inline_quote(kb: KnowledgeBase, evidence: Evidence) -> str:
    return f"“{_md(evidence.quote)}” {_md_citation(kb, evidence.source)}"


def _md_claim_details(kb: KnowledgeBase, claim: Claim) -> list[str]:
    """What follows a claim's quotes: its hedges with their cue words, its caveats, its
    toll, and the analyst's note."""
    lines: list[str] = []
    for hedge in claim.hedges:
        lines += [
            "",
            f"  Hedge ({_md(hedge_phrase(kb, hedge))}): {_md_inline_quote(kb, hedge.evidence)}",
        ]
    if claim.caveats:
        word = "Caveat" if len(claim.caveats) == 1 else "Caveats"
        verification = getattr(claim, "verification", None)
        said = f" (the claim is {verification.value})" if verification is not None else ""
        lines += ["", f"  {word}{said}:", *_md_quotes(kb, claim.caveats)]
    fatalities = getattr(claim, "fatalities", None)
    if fatalities is not None:
        lines += ["", f"  Toll: {fatalities.count}, {_md_inline_quote(kb, fatalities.evidence)}"]
    decided = _md_decisions(kb, claim)
    if decided:
        lines += ["", f"  Disputes: {decided}"]
    if claim.notes:
        lines += _md_paragraph("Analyst's note:", claim.notes)
    return lines


def _section_of(claim: Claim) -> str:
    if isinstance(claim, Relation):
        return "relations"
    return "attributes" if isinstance(claim, Attribute) else "stances"


_superseding: tuple[KnowledgeBase, dict[tuple[str, str], list[str]]] | None = None


def _superseded_by(kb: KnowledgeBase, claim: Claim) -> list[str]:
    """The claims that say they supersede ``claim`` (an index made once per knowledge base)."""
    global _superseding
    if _superseding is None or _superseding[0] is not kb:
        index: dict[tuple[str, str], list[str]] = {}
        for later in (*kb.relations, *kb.attributes, *kb.stances):
            if later.supersedes:
                index.setdefault((_section_of(later), later.supersedes), []).append(later.id)
        _superseding = (kb, index)
    return _superseding[1].get((_section_of(claim), claim.id), [])


def _md_decisions(kb: KnowledgeBase, claim: Claim) -> str:
    """What the analyst decided of a claim's disputes, with the claims' ids: "supersedes
    a; superseded by b; contradicts c; consistent with d"."""
    parts = []
    if claim.supersedes:
        parts.append(f"supersedes {_md(claim.supersedes)}")
    later = _superseded_by(kb, claim)
    if later:
        parts.append("superseded by " + ", ".join(_md(claim_id) for claim_id in later))
    if claim.contradicts:
        parts.append("contradicts " + ", ".join(_md(other) for other in claim.contradicts))
    if claim.consistent_with:
        parts.append("consistent with " + ", ".join(_md(other) for other in claim.consistent_with))
    return "; ".join(parts)


def _md_facts(kb: KnowledgeBase, claim: Relation | Attribute) -> list[str]:
    """A claim's facts for its head line: date, status, then its qualifiers in the shared
    wording (who asserts it, hedges, modality, verification), place and toll."""
    facts = [
        _md(claim.date) if claim.date else "undated",
        _md(status_label(claim)),
        *(_md(qualifier) for qualifier in qualifiers(kb, claim)),
    ]
    if isinstance(claim, Relation) and (claim.valid_from or claim.valid_to):
        facts.append(f"{_md(claim.valid_from or '…')} to {_md(claim.valid_to or '…')}")
    if claim.location is not None:
        facts.append(f"in “{_md(claim.location.place)}”")
    if claim.fatalities is not None:
        facts.append(f"{claim.fatalities.count} killed")
    facts.append(_support(kb, claim).describe())
    return facts


def _md_relation(kb: KnowledgeBase, actor: Actor, relation: Relation) -> list[str]:
    arrow = "→" if relation.source == actor.id else "←"
    source_name = _md(_actor_name(kb, relation.source) or "")
    target_name = _md(_actor_name(kb, relation.target) or "")
    verb = _md(modal_phrase(relation.type, relation.modality))
    head = f"- {arrow} {source_name} **{verb}** {target_name}"
    if relation.participants:
        names = (_md(_actor_name(kb, party) or "") for party in relation.participants)
        head += ", with " + ", ".join(names)
    head += f" ({', '.join([_valence(relation.polarity), *_md_facts(kb, relation)])})"
    if relation.summary:
        head += f": {_md(relation.summary)}"
    return [head, *_md_quotes(kb, relation.evidence), *_md_claim_details(kb, relation), ""]


def _md_attribute(kb: KnowledgeBase, attribute: Attribute) -> list[str]:
    name = _md(_actor_name(kb, attribute.actor) or "")
    verb = _md(modal_phrase(attribute.type, attribute.modality))
    head = f"- {name} **{verb}** ({', '.join(_md_facts(kb, attribute))})"
    if attribute.summary:
        head += f": {_md(attribute.summary)}"
    return [head, *_md_quotes(kb, attribute.evidence), *_md_claim_details(kb, attribute), ""]


def _md_stance(kb: KnowledgeBase, stance: Stance) -> list[str]:
    issue = kb.issue_by_id.get(stance.issue)
    facts = [] if stance.stand is None else [f"stand {_signed(stance.stand)}"]
    if stance.date:
        facts.append(_md(stance.date))
    facts += [_md(qualifier) for qualifier in qualifiers(kb, stance)]
    facts.append(_support(kb, stance).describe())
    label = issue.label if issue is not None else stance.issue
    head = f"- **{_md(label)}** ({', '.join(facts)}): {_md(stance.position)}"
    return [head, *_md_quotes(kb, stance.evidence), *_md_claim_details(kb, stance), ""]


def _md_actor(kb: KnowledgeBase, actor: Actor) -> list[str]:
    facts = [_md(actor.kind)]
    if actor.affiliation is not None:
        facts.append(f"affiliated with {_md(_actor_name(kb, actor.affiliation) or '')}")
    if actor.aliases:
        facts.append("also called " + ", ".join(_md(alias) for alias in actor.aliases))
    if actor.identifiers:
        facts.append(
            ", ".join(f"{_md(scheme)} {_md(value)}" for scheme, value in actor.identifiers)
        )
    heading = _md(actor.name) if actor.name.strip() else _md(actor.id)
    lines = [f"### {heading}", "", " · ".join(facts), ""]
    if actor.description:
        lines += [_md(actor.description, block=True), ""]
    if actor.name_note:
        lines += [f"Name: {_md(actor.name_note)}", ""]
    if actor.memberships:
        posts = []
        for membership in actor.memberships:
            post = _md(membership.role or "member")
            post += f" of {_md(_actor_name(kb, membership.organisation) or '')}"
            if membership.start or membership.end:
                post += f" ({_md(membership.start or '…')} to {_md(membership.end or '…')})"
            posts.append(post)
        lines += ["Posts: " + "; ".join(posts), ""]
    members = kb.members_of(actor.id)
    if members:
        lines += ["Members: " + ", ".join(_md(member.name) for member in members), ""]
    if actor.notes:
        lines += [f"Analyst's note: {_md(actor.notes)}", ""]
    attributes = kb.attributes_of(actor.id)
    if attributes:
        lines += ["#### Attributes", ""]
        for attribute in attributes:
            lines += _md_attribute(kb, attribute)
    stances = kb.stances_of(actor.id)
    if stances:
        lines += ["#### Stances", ""]
        for stance in stances:
            lines += _md_stance(kb, stance)
    relations = kb.relations_of(actor.id)
    if relations:
        lines += ["#### Relations", ""]
        for relation in relations:
            lines += _md_relation(kb, actor, relation)
    return lines


def _md_source(source: Source) -> list[str]:
    where = f", {_md(source.dateline)}" if source.dateline else ""
    line = (
        f"- {_md(source.publisher)}, “{_md(source.title)}”, "
        f"{_md(source.published_date)}{where} (id {_md(source.id)})"
    )
    facts = []
    if source.byline:
        facts.append(f"by {_md(source.byline)}")
    if source.origin:
        facts.append(f"copy from {_md(source.origin)}")
    if source.syndicated_from:
        facts.append(f"a copy of {_md(source.syndicated_from)}")
    if source.language:
        facts.append(f"language {_md(source.language)}")
    if source.reliability:
        facts.append(f"reliability {_md(source.reliability)}")
    if source.retrieved:
        facts.append(f"retrieved {_md(source.retrieved)}")
    if source.url:
        facts.append(_md(source.url))
    if facts:
        line += " · " + " · ".join(facts)
    lines = [line]
    if source.notes:
        lines += _md_paragraph("Analyst's note:", source.notes)
        lines.append("")
    return lines


def _markdown(kb: KnowledgeBase) -> dict[str, str]:
    lines = [
        "# Stakeholder briefing",
        "",
        f"{counted(len(kb.actors), 'actor')}, {counted(len(kb.relations), 'relation')}, "
        f"{counted(len(kb.attributes), 'attribute')}, {counted(len(kb.stances), 'stance')}, "
        f"{counted(kb.quote_count, 'quote')} from {counted(len(kb.sources), 'source')}.",
        "",
        "## Sources",
        "",
    ]
    for source in kb.sources:
        lines += _md_source(source)
    if not kb.sources:
        lines.append("No sources.")
    while lines[-1] == "":
        lines.pop()
    if kb.issues:
        lines += ["", "## Issues", ""]
        for issue in kb.issues:
            line = f"- **{_md(issue.label)}** (id {_md(issue.id)})"
            if issue.description:
                line += f": {_md(issue.description)}"
            lines.append(line)
            if issue.notes:
                lines += [*_md_paragraph("Analyst's note:", issue.notes), ""]
    while lines[-1] == "":
        lines.pop()
    lines += ["", "## Actors", ""]
    for actor in kb.actors:
        lines += _md_actor(kb, actor)
    if not kb.actors:
        lines.append("No actors.")
    while lines[-1] == "":
        lines.pop()
    lines += _md_contested(kb)
    return {"": "\n".join(lines) + "\n"}


# The Contested section: each dispute still open, its two claims side by side.

_KIND_WORDS = {
    DATE: "dated differently",
    POLARITY: "opposite polarities",
    STAND: "opposite stands",
    "": "marked by the analyst",
}
_STATE_WORDS = {
    CANDIDATE: "open: found in the file, not yet decided",
    CONFLICT: "a conflict: both kept, each attributed",
}


def _md_claim_words(kb: KnowledgeBase, claim: Claim) -> str:
    """A claim in one line, as the briefing words it: "United States strikes ISIS (-2):
    summary"."""
    if isinstance(claim, Relation):
        verb = modal_phrase(claim.type, claim.modality)
        words = (
            f"{_md(_actor_name(kb, claim.source) or '')} {_md(verb)} "
            f"{_md(_actor_name(kb, claim.target) or '')} ({_valence(claim.polarity)})"
        )
        return f"{words}: {_md(claim.summary)}" if claim.summary else words
    if isinstance(claim, Attribute):
        verb = modal_phrase(claim.type, claim.modality)
        words = f"{_md(_actor_name(kb, claim.actor) or '')} {_md(verb)}"
        return f"{words}: {_md(claim.summary)}" if claim.summary else words
    issue = kb.issue_by_id.get(claim.issue)
    label = issue.label if issue is not None else claim.issue
    stand = "" if claim.stand is None else f" (stand {_signed(claim.stand)})"
    words = f"{_md(_actor_name(kb, claim.actor) or '')} on {_md(label)}{stand}"
    return f"{words}: {_md(claim.position)}" if claim.position else words


def _md_publishers(kb: KnowledgeBase, claim: Claim) -> list[str]:
    """The publishers of a claim's sources, each once (a source the knowledge base lacks by
    its id)."""
    sources = dict.fromkeys(evidence.source for evidence in claim.evidence)
    publishers = (
        kb.source_by_id[source_id].publisher if source_id in kb.source_by_id else source_id
        for source_id in sources
    )
    return [_md(publisher) for publisher in dict.fromkeys(publishers)]


def _md_who(kb: KnowledgeBase, claim: Claim) -> str:
    """Who says it: the actor it is attributed to, else its sources' publishers."""
    publishers = ", ".join(_md_publishers(kb, claim))
    if claim.asserted_by is None:
        return publishers
    name = _md(_actor_name(kb, claim.asserted_by) or "")
    return f"{name} ({claim.confidence.value}), reported by {publishers}"


def _md_when(kb: KnowledgeBase, claim: Claim) -> str:
    """When: the claim's date (with the source's words for it), then its sources'
    publication dates."""
    when = _md(claim.date) if claim.date else "undated"
    if claim.date_phrase:
        when += f" (“{_md(claim.date_phrase)}”)"
    if isinstance(claim, Relation) and (claim.valid_from or claim.valid_to):
        when += f", {_md(claim.valid_from or '…')} to {_md(claim.valid_to or '…')}"
    sources = dict.fromkeys(evidence.source for evidence in claim.evidence)
    published = dict.fromkeys(
        _md(kb.source_by_id[source_id].published_date)
        for source_id in sources
        if source_id in kb.source_by_id
    )
    if published:
        when += "; published " + ", ".join(published)
    return when


def _md_dispute(kb: KnowledgeBase, number: int, dispute: Dispute) -> list[str]:
    kind = _KIND_WORDS.get(dispute.kind, _md(dispute.kind))
    state = _STATE_WORDS.get(dispute.state, _md(dispute.state))
    ids = (dispute.first, dispute.second)
    claims = [claim_by_ref(kb, dispute.ref(claim_id)) for claim_id in ids]
    singular = KIND_OF.get(dispute.section, _md(dispute.section))
    header = [f"{singular} {_md(claim_id)}" for claim_id in ids]

    def row(name: str, cell: Callable[[Claim], str]) -> str:
        cells = [cell(claim) if claim is not None else "not in this export" for claim in claims]
        return f"| {name} | {cells[0]} | {cells[1]} |"

    def quotes(claim: Claim) -> str:
        return " · ".join(_md_inline_quote(kb, evidence) for evidence in claim.evidence)

    reason = dispute.reason[:1].upper() + dispute.reason[1:]
    return [
        f"{number}\\. **{_md(reason)}** ({kind}; {state})",
        "",
        f"| | {header[0]} | {header[1]} |",
        "|---|---|---|",
        row("Claim", lambda claim: _md_claim_words(kb, claim)),
        row("Who says it", lambda claim: _md_who(kb, claim)),
        row("When", lambda claim: _md_when(kb, claim)),
        row("Support", lambda claim: _support(kb, claim).describe()),
        row("Quotes", quotes),
        "",
    ]


def _md_contested(kb: KnowledgeBase) -> list[str]:
    """The disputes still open (`disputes.contested`: candidates and conflicts), each with
    its two claims side by side; then, in one line, how many were decided otherwise
    (supersessions, pairs marked both true), so that nothing is hidden."""
    found = disputes(kb)
    lines = ["", "## Contested", ""]
    if not found:
        return [*lines, "No disputes."]
    listed = contested(kb)
    superseded = sum(1 for dispute in found if dispute.state == SUPERSEDED)
    both_true = sum(1 for dispute in found if dispute.state == BOTH_TRUE)
    if listed:
        lines.append(
            f"{counted(len(listed), 'open dispute')} (found in the file and not yet decided, or "
            "marked as a conflict): the two claims side by side, who says each and when. The "
            "tool resolves none of them."
        )
    else:
        lines.append("No open disputes.")
    lines += [
        "",
        f"Decided by the analyst, so not listed: {counted(superseded, 'supersession')}, "
        f"{counted(both_true, 'pair')} marked both true.",
        "",
    ]
    for number, dispute in enumerate(listed, start=1):
        lines += _md_dispute(kb, number, dispute)
    while lines[-1] == "":
        lines.pop()
    return lines


# --- annotations (W3C Web Annotation) --------------------------------------------------

_TAG_PREFIX = "tag:stakeholder-explorer,2024:"
_CONTEXT_CHARS = 32


def _tag_uri(*parts: str) -> str:
    return _TAG_PREFIX + "/".join(percent_encode(part, safe="") for part in parts)


def _text_body(purpose: str, value: str) -> dict[str, str]:
    return {"type": "TextualBody", "purpose": purpose, "format": "text/plain", "value": value}


def _annotation(
    kb: KnowledgeBase,
    annotation_id: str,
    evidence: Evidence,
    motivation: str,
    bodies: list[dict[str, str]],
    tag: str,
) -> dict[str, object]:
    quote_selector: dict[str, object] = {"type": "TextQuoteSelector", "exact": evidence.quote}
    source: Source | None = kb.source_by_id.get(evidence.source)
    if source is not None:
        before = max(0, evidence.start - _CONTEXT_CHARS)
        quote_selector["prefix"] = source.text[before : evidence.start]
        quote_selector["suffix"] = source.text[evidence.end : evidence.end + _CONTEXT_CHARS]
    position_selector = {
        "type": "TextPositionSelector",
        "start": evidence.start,
        "end": evidence.end,
    }
    # The published page when its address is known, so that annotation tools can anchor
    # the quote on it (the quote selector first: offsets count the stored text's characters).
    target_source = source.url if source is not None and source.url else None
    return {
        "id": annotation_id,
        "type": "Annotation",
        "motivation": motivation,
        "body": [*bodies, {"type": "TextualBody", "purpose": "tagging", "value": tag}],
        "target": {
            "type": "SpecificResource",
            "source": target_source or _tag_uri("source", evidence.source),
            "selector": [quote_selector, position_selector],
        },
    }


def _claim_annotations(
    kb: KnowledgeBase, claim: Claim, section: str, description: str, tag: str
) -> list[dict[str, object]]:
    """A claim's quotes as annotations: its evidence ("describing"), then the words that
    hedge it and the caveats that qualify it ("assessing": they judge the claim's
    certainty), then the quote of its toll ("describing"). Each also carries, just before
    its tag, an "assessing" body with the claim's support: "3 sources · 2 origins"."""
    support = _text_body("assessing", _support(kb, claim).describe())
    items = []
    for number, evidence in enumerate(claim.evidence, start=1):
        annotation_id = _tag_uri(section, claim.id, "evidence", str(number))
        bodies = [_text_body("describing", description), support]
        items.append(_annotation(kb, annotation_id, evidence, "describing", bodies, tag))
    for number, hedge in enumerate(claim.hedges, start=1):
        annotation_id = _tag_uri(section, claim.id, "hedge", str(number))
        bodies = [
            _text_body("assessing", hedge_phrase(kb, hedge)),
            _text_body("describing", description),
            support,
        ]
        items.append(_annotation(kb, annotation_id, hedge.evidence, "assessing", bodies, tag))
    verification = getattr(claim, "verification", None)
    for number, caveat in enumerate(claim.caveats, start=1):
        annotation_id = _tag_uri(section, claim.id, "caveat", str(number))
        assessment = "caveat" + (f": {verification.value}" if verification is not None else "")
        bodies = [
            _text_body("assessing", assessment),
            _text_body("describing", description),
            support,
        ]
        items.append(_annotation(kb, annotation_id, caveat, "assessing", bodies, tag))
    fatalities = getattr(claim, "fatalities", None)
    if fatalities is not None:
        annotation_id = _tag_uri(section, claim.id, "fatalities")
        bodies = [_text_body("describing", f"fatalities: {fatalities.count}"), support]
        items.append(_annotation(kb, annotation_id, fatalities.evidence, "describing", bodies, tag))
    return items


def _annotations(kb: KnowledgeBase) -> dict[str, str]:
    items = []
    for relation in kb.relations:
        items += _claim_annotations(kb, relation, "relation", relation.summary, relation.type)
    for attribute in kb.attributes:
        items += _claim_annotations(kb, attribute, "attribute", attribute.summary, attribute.type)
    for stance in kb.stances:
        items += _claim_annotations(kb, stance, "stance", stance.position, stance.issue)
    for actor in kb.actors:
        for index, membership in enumerate(actor.memberships, start=1):
            post = membership.role or "member"
            description = f"{post} of {_actor_name(kb, membership.organisation)}"
            for number, evidence in enumerate(membership.evidence, start=1):
                annotation_id = _tag_uri(
                    "actor", actor.id, "membership", str(index), "evidence", str(number)
                )
                bodies = [_text_body("describing", f"{actor.name}: {description}")]
                items.append(
                    _annotation(kb, annotation_id, evidence, "describing", bodies, "membership")
                )
    collection = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": _tag_uri("annotations"),
        "type": "AnnotationCollection",
        "label": "Quotes behind the knowledge base's claims",
        "total": len(items),
        "first": {
            "id": _tag_uri("annotations", "page", "1"),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }
    return {"": _dump_json(collection, indent=2) + "\n"}


# --- events ----------------------------------------------------------------------------


def _cited(kb: KnowledgeBase, evidence: Evidence) -> dict[str, object]:
    return {**_evidence_json(evidence), "citation": _citation(kb, evidence.source)}


def _event(kb: KnowledgeBase, claim: Relation | Attribute) -> dict[str, object]:
    first = claim.evidence[0] if claim.evidence else None
    precision = claim.date_precision
    relation = claim if isinstance(claim, Relation) else None
    attribute = claim if isinstance(claim, Attribute) else None
    participants = relation.participants if relation is not None else ()
    hedges = [
        {**_hedge_json(hedge), "asserted_by_name": _actor_name(kb, hedge.asserted_by)}
        for hedge in claim.hedges
    ]
    fatalities = _fatalities_json(claim.fatalities)
    if fatalities is not None:
        fatalities["citation"] = _citation(kb, claim.fatalities.evidence.source)
    return {
        "date": claim.date,
        "date_precision": _value(precision),
        "actor": relation.source if relation is not None else claim.actor,
        "actor_name": _actor_name(kb, relation.source if relation is not None else claim.actor),
        "recipient": relation.target if relation is not None else None,
        "recipient_name": _actor_name(kb, relation.target) if relation is not None else None,
        "type": claim.type,
        "polarity": relation.polarity if relation is not None else None,
        "quote": first.quote if first else None,
        "source": first.source if first else None,
        "citation": _citation(kb, first.source) if first else None,
        "relation": relation.id if relation is not None else None,
        # Version 2, appended.
        "attribute": attribute.id if attribute is not None else None,
        "kind": claim.kind.value,
        "participants": list(participants),
        "participant_names": [_actor_name(kb, party) for party in participants],
        "summary": claim.summary,
        "date_phrase": claim.date_phrase,
        "reported": claim.reported,
        "status": _value(claim.status),
        "modality": claim.modality.value,
        "asserted_by": claim.asserted_by,
        "asserted_by_name": _actor_name(kb, claim.asserted_by),
        "confidence": claim.confidence.value,
        "hedges": hedges,
        "verification": _value(claim.verification),
        "caveats": [_cited(kb, caveat) for caveat in claim.caveats],
        "location": _location_json(claim.location),
        "fatalities": fatalities,
        "quotes": [_cited(kb, evidence) for evidence in claim.evidence],
        "notes": claim.notes,
        # Many sources, appended.
        **_support_json(kb, claim),
        **_links_json(claim),
    }


def _events(kb: KnowledgeBase) -> dict[str, str]:
    """Every dated relation (as the timeline shows them), then every dated attribute that is
    an event, in date order; the sort is stable, so equal dates keep that order."""
    claims: list[Relation | Attribute] = [r for r in kb.relations if r.date]
    claims += [a for a in kb.attributes if a.date and a.kind is ClaimKind.EVENT]
    dated = sorted(claims, key=lambda claim: claim.date or "")
    return {"": "".join(_dump_json(_event(kb, claim)) + "\n" for claim in dated)}


_BUILDERS: dict[str, Callable[[KnowledgeBase], dict[str, str]]] = {
    "json": _json,
    "csv": _csv,
    "gexf": _gexf,
    "graphml": _graphml,
    "dot": _dot,
    "mermaid": _mermaid,
    "markdown": _markdown,
    "annotations": _annotations,
    "events": _events,
}
