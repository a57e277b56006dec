"""Write a knowledge base in the formats other tools and people read.

``export(kb, fmt)`` returns the files of one export as ``{suffix: text}``; ``write_export``
puts them on standard output or on disk. Filtering is the caller's business: pass the
narrowed knowledge base. Every text comes from untrusted files, so each format escapes it by
its own rules, and the tests read every format back with a real parser.

Conventions a user should know:

- ``json``: the interchange shape (see ``_json``); ``source.text[start:end] == quote``,
  offsets in Unicode code points, end exclusive. Keys are only ever appended.
- ``csv``: two Kumu tables, ``-elements.csv`` and ``-connections.csv``. Kumu links
  connections to elements by Label, so labels are made unique: actors that share a name
  (ignoring case and surrounding spaces) are labelled ``Name (actor-id)``; an empty name
  becomes the id; ``|``, Kumu's separator of several values, becomes ``¦`` in labels, tags
  and aliases. The actor id column is called ``Actor ID``, not ``ID``, because an element
  ``ID`` column would make Kumu link by ids instead of labels; connections keep ``ID`` (the
  relation id) so that re-importing updates them. Tags are the actor's stance issues. Any
  text cell starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` so
  spreadsheets do not run it as a formula; Polarity is a number and is written as a plain
  signed integer (``-2``), never guarded. On standard output the two tables follow each
  other, separated by one empty line: a CSV reader sees it as the one empty record.
- ``gexf`` (1.3) and ``graphml``: directed multigraphs, one edge per relation with the
  relation id as edge id; list values (aliases, quotes) are JSON arrays in a string
  attribute, exact to the character; missing values are left out.
- ``dot``, ``mermaid``, ``markdown``: for people. Their text goes through
  ``sanitize.display``, so control characters and bidirectional overrides show as
  ``\\x1b`` or ``⟨RLO⟩`` instead of acting.
- XML and CSV never hold characters XML 1.0 forbids (controls other than tab, newline and
  carriage return, lone surrogates, U+FFFE, U+FFFF): each is written as a visible escape
  like ``\\x1b``. JSON keeps every character, escaping what a line-based reader could split
  on.
- ``annotations``: a W3C Web Annotation ``AnnotationCollection`` (JSON-LD), one annotation
  per quote, ids as ``tag:`` URIs.
- ``events``: JSON Lines, one per dated relation, sorted by date (coarser dates first:
  ``2017`` < ``2017-09`` < ``2017-09-26``), then file order.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import stat
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO
from urllib.parse import quote as percent_encode

from .model import Actor, Evidence, KnowledgeBase, Relation, Source, Stance
from .sanitize import display

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
    if out is None:
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
                written.append((_write_beside(target, files[suffix]), target))
            except OSError as error:
                raise WriteError(f"Could not write {target}: {_reason(error)}.") from error
        for temporary, target in written:
            try:
                os.replace(temporary, target)
            except OSError as error:
                raise WriteError(f"Could not write {target}: {_reason(error)}.") from error
    finally:
        for temporary, _target in written:
            temporary.unlink(missing_ok=True)  # none left once renamed
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
        if target.is_dir():
            raise WriteError(f"{target} is a folder: give the name of a file to write.")
    return targets


def _output_path(out: Path, suffix: str) -> Path:
    if not suffix:
        return out
    return out.with_name(out.with_suffix("").name + suffix)


def _protected_paths(kb: KnowledgeBase) -> list[Path]:
    if not kb.path:
        return []
    kb_file = Path(kb.path)
    return [kb_file] + [kb_file.parent / source.path for source in kb.sources]


def _same_file(first: Path, second: Path) -> bool:
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)  # hard links
    except OSError:
        return False


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _write_beside(target: Path, text: str) -> Path:
    """``text`` in a new temporary file beside ``target``, synced to disk; its path."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    # os.open honours the umask, so the file gets the same mode a plain write would give it.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


# --- shared helpers --------------------------------------------------------------------


def _signed(polarity: int) -> str:
    return f"{polarity:+d}" if polarity else "0"


def _colour(polarity: int) -> str:
    return _POLARITY_COLOURS[max(-2, min(2, polarity))]


def _actor_name(kb: KnowledgeBase, actor_id: str | None) -> str | None:
    """The name of an actor, or its id when the (filtered) knowledge base lacks it."""
    if actor_id is None:
        return None
    actor = kb.actor_by_id.get(actor_id)
    return actor.name if actor is not None else actor_id


def _citation(kb: KnowledgeBase, source_id: str) -> str:
    source = kb.source_by_id.get(source_id)
    return source.citation() if source is not None else source_id


def _escape_code(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


# Characters no XML 1.0 document may hold. CSV gets the same treatment: NUL and friends
# break spreadsheet importers, and a lone surrogate cannot even be encoded as UTF-8.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub(lambda match: _escape_code(match.group()), text)


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


def _relation_json(relation: Relation) -> dict[str, object]:
    precision = relation.date_precision
    return {
        "id": relation.id,
        "source": relation.source,
        "target": relation.target,
        "type": relation.type,
        "polarity": int(relation.polarity),
        "date": relation.date,
        "date_precision": str(precision) if precision else None,
        "summary": relation.summary,
        "evidence": [_evidence_json(evidence) for evidence in relation.evidence],
        "date_phrase": relation.date_phrase,
        "status": str(relation.status),
        "asserted_by": relation.asserted_by,
        "confidence": str(relation.confidence),
    }


def _json(kb: KnowledgeBase) -> dict[str, str]:
    data = {
        "sources": [
            {
                "id": source.id,
                "title": source.title,
                "publisher": source.publisher,
                "published": source.published,
                "text": source.text,
                "dateline": source.dateline,
            }
            for source in kb.sources
        ],
        "actors": [
            {
                "id": actor.id,
                "name": actor.name,
                "aliases": list(actor.aliases),
                "kind": actor.kind,
                "affiliation": actor.affiliation,
                "description": actor.description,
            }
            for actor in kb.actors
        ],
        "relations": [_relation_json(relation) for relation in kb.relations],
        "stances": [
            {
                "id": stance.id,
                "actor": stance.actor,
                "issue": stance.issue,
                "position": stance.position,
                "evidence": [_evidence_json(evidence) for evidence in stance.evidence],
            }
            for stance in kb.stances
        ],
    }
    return {"": _dump_json(data, indent=2) + "\n"}


# --- csv (Kumu) ------------------------------------------------------------------------

ELEMENT_COLUMNS = ("Label", "Type", "Description", "Tags", "Actor ID", "Aliases", "Affiliation")
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
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str | None) -> str:
    """A text cell: XML-illegal characters made visible, formulas defused."""
    if not text:
        return ""
    text = _xml_safe(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


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
            )
        )
    connections = [CONNECTION_COLUMNS]
    for relation in kb.relations:
        precision = relation.date_precision
        citations = dict.fromkeys(_citation(kb, e.source) for e in relation.evidence)
        connections.append(
            (
                _cell(label(relation.source)),
                _cell(label(relation.target)),
                _cell(relation.type),
                "directed",
                str(int(relation.polarity)),  # a number: never guarded
                _cell(relation.date),
                _cell(str(precision) if precision else None),
                _cell(str(relation.status)),
                _cell(label(relation.asserted_by)),
                _cell(str(relation.confidence)),
                _cell(relation.summary),
                _cell("\n\n".join(evidence.quote for evidence in relation.evidence)),
                _cell("\n".join(citations)),
                _cell(relation.id),
            )
        )
    return dict(zip(CSV_SUFFIXES, (_csv_text(elements), _csv_text(connections)), strict=True))


# --- gexf and graphml ------------------------------------------------------------------


def _list_value(values: Iterable[str]) -> str:
    """A JSON array: its escapes carry even the characters XML cannot, so it reads back exact."""
    return _dump_json(list(values))


def _node_values(actor: Actor) -> dict[str, str | None]:
    return {
        "kind": actor.kind,
        "affiliation": actor.affiliation,
        "description": actor.description,
        "aliases": _list_value(actor.aliases),
    }


def _edge_values(relation: Relation) -> dict[str, str | int | None]:
    precision = relation.date_precision
    return {
        "type": relation.type,
        "polarity": int(relation.polarity),
        "date": relation.date,
        "date_precision": str(precision) if precision else None,
        "date_phrase": relation.date_phrase,
        "status": str(relation.status),
        "asserted_by": relation.asserted_by,
        "confidence": str(relation.confidence),
        "summary": relation.summary,
        "quotes": _list_value(evidence.quote for evidence in relation.evidence),
    }


_NODE_ATTRIBUTES = ("kind", "affiliation", "description", "aliases")
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
)
_INTEGER_ATTRIBUTES = {"polarity"}


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
    for relation in kb.relations:
        edge = ET.SubElement(
            edges,
            "edge",
            id=_xml_safe(relation.id),
            source=_xml_safe(relation.source),
            target=_xml_safe(relation.target),
            label=_xml_safe(relation.type),
            kind=_xml_safe(relation.type),  # Gephi keeps parallel edges of different kinds
        )
        add_values(edge, _edge_values(relation))
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
    for relation in kb.relations:
        edge = ET.SubElement(
            graph,
            "edge",
            id=_xml_safe(relation.id),
            source=_xml_safe(relation.source),
            target=_xml_safe(relation.target),
        )
        add_values(edge, "edge", _edge_values(relation))
    return {"": _xml_document(root)}


# --- dot and mermaid -------------------------------------------------------------------


def _edge_label(relation: Relation) -> str:
    return f"{relation.type} ({_signed(relation.polarity)})"


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
    for relation in kb.relations:
        colour = _colour(relation.polarity)
        style = "dashed" if relation.status == "past" else "solid"
        lines.append(
            f"  {_dot_string(relation.source)} -> {_dot_string(relation.target)} ["
            f"id={_dot_string(relation.id)}, label={_dot_string(_edge_label(relation))}, "
            f'color="{colour}", fontcolor="{colour}", style={style}];'
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
    endpoints = (end for relation in kb.relations for end in (relation.source, relation.target))
    node_ids = _mermaid_ids(dict.fromkeys([*(actor.id for actor in kb.actors), *endpoints]))
    lines = ["flowchart LR"]
    for actor in kb.actors:
        name = actor.name if actor.name.strip() else actor.id  # Mermaid rejects [""]
        lines.append(f"  {node_ids[actor.id]}[{_mermaid_label(name)}]")
    links_by_colour: dict[str, list[str]] = {}
    for index, relation in enumerate(kb.relations):
        arrow = "-.->" if relation.status == "past" else "-->"
        lines.append(
            f"  {node_ids[relation.source]} {arrow}|{_mermaid_label(_edge_label(relation))}| "
            f"{node_ids[relation.target]}"
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


def _md_relation(kb: KnowledgeBase, actor: Actor, relation: Relation) -> list[str]:
    arrow = "→" if relation.source == actor.id else "←"
    source_name = _md(_actor_name(kb, relation.source) or "")
    target_name = _md(_actor_name(kb, relation.target) or "")
    if relation.asserted_by is None:
        voice = "in the source's own voice"
    else:
        voice = f"asserted by {_md(_actor_name(kb, relation.asserted_by) or '')}"
    facts = [
        _signed(relation.polarity),
        _md(relation.date) if relation.date else "undated",
        _md(str(relation.status)),
        _md(str(relation.confidence)),
        voice,
    ]
    head = f"- {arrow} {source_name} **{_md(relation.type)}** {target_name} ({', '.join(facts)})"
    if relation.summary:
        head += f": {_md(relation.summary)}"
    return [head, *_md_quotes(kb, relation.evidence), ""]


def _md_stance(kb: KnowledgeBase, stance: Stance) -> list[str]:
    head = f"- **{_md(stance.issue)}**: {_md(stance.position)}"
    return [head, *_md_quotes(kb, stance.evidence), ""]


def _md_actor(kb: KnowledgeBase, actor: Actor) -> list[str]:
    facts = [_md(actor.kind)]
    if actor.affiliation is not None:
        facts.append(f"affiliated with {_md(_actor_name(kb, actor.affiliation) or '')}")
    if actor.aliases:
        facts.append("also called " + ", ".join(_md(alias) for alias in actor.aliases))
    heading = _md(actor.name) if actor.name.strip() else _md(actor.id)
    lines = [f"### {heading}", "", " · ".join(facts), ""]
    if actor.description:
        lines += [_md(actor.description, block=True), ""]
    members = kb.members_of(actor.id)
    if members:
        lines += ["Members: " + ", ".join(_md(member.name) for member in members), ""]
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


def _markdown(kb: KnowledgeBase) -> dict[str, str]:
    def count(number: int, noun: str) -> str:
        return f"{number} {noun}{'' if number == 1 else 's'}"

    lines = [
        "# Stakeholder briefing",
        "",
        f"{count(len(kb.actors), 'actor')}, {count(len(kb.relations), 'relation')}, "
        f"{count(len(kb.stances), 'stance')}, {count(kb.quote_count, 'quote')} "
        f"from {count(len(kb.sources), 'source')}.",
        "",
        "## Sources",
        "",
    ]
    for source in kb.sources:
        where = f", {_md(source.dateline)}" if source.dateline else ""
        lines.append(
            f"- {_md(source.publisher)}, “{_md(source.title)}”, "
            f"{_md(source.published_date)}{where} (id {_md(source.id)})"
        )
    if not kb.sources:
        lines.append("No sources.")
    lines += ["", "## Actors", ""]
    for actor in kb.actors:
        lines += _md_actor(kb, actor)
    if not kb.actors:
        lines.append("No actors.")
    while lines[-1] == "":
        lines.pop()
    return {"": "\n".join(lines) + "\n"}


# --- annotations (W3C Web Annotation) --------------------------------------------------

_TAG_PREFIX = "tag:stakeholder-explorer,2024:"
_CONTEXT_CHARS = 32


def _tag_uri(*parts: str) -> str:
    return _TAG_PREFIX + "/".join(percent_encode(part, safe="") for part in parts)


def _annotation(
    kb: KnowledgeBase,
    claim: tuple[str, str],
    number: int,
    evidence: Evidence,
    description: str,
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
    return {
        "id": _tag_uri(*claim, "evidence", str(number)),
        "type": "Annotation",
        "motivation": "describing",
        "body": [
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "text/plain",
                "value": description,
            },
            {"type": "TextualBody", "purpose": "tagging", "value": tag},
        ],
        "target": {
            "type": "SpecificResource",
            "source": _tag_uri("source", evidence.source),
            "selector": [quote_selector, position_selector],
        },
    }


def _annotations(kb: KnowledgeBase) -> dict[str, str]:
    items = []
    for relation in kb.relations:
        for number, evidence in enumerate(relation.evidence, start=1):
            claim = ("relation", relation.id)
            items.append(_annotation(kb, claim, number, evidence, relation.summary, relation.type))
    for stance in kb.stances:
        for number, evidence in enumerate(stance.evidence, start=1):
            claim = ("stance", stance.id)
            items.append(_annotation(kb, claim, number, evidence, stance.position, stance.issue))
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


def _events(kb: KnowledgeBase) -> dict[str, str]:
    dated = sorted((r for r in kb.relations if r.date), key=lambda relation: relation.date or "")
    lines = []
    for relation in dated:
        first = relation.evidence[0] if relation.evidence else None
        precision = relation.date_precision
        event = {
            "date": relation.date,
            "date_precision": str(precision) if precision else None,
            "actor": relation.source,
            "actor_name": _actor_name(kb, relation.source),
            "recipient": relation.target,
            "recipient_name": _actor_name(kb, relation.target),
            "type": relation.type,
            "polarity": int(relation.polarity),
            "quote": first.quote if first else None,
            "source": first.source if first else None,
            "citation": _citation(kb, first.source) if first else None,
            "relation": relation.id,
        }
        lines.append(_dump_json(event) + "\n")
    return {"": "".join(lines)}


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
