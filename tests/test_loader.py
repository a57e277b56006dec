"""The loader: valid files load, and each kind of error is reported with its place."""

from __future__ import annotations

import io
import textwrap
import tracemalloc

import pytest

from tests.kb_files import HEADER, SOURCE_TEXT, write_bytes, write_kb
from tui import loader
from tui.loader import LoadError, load_knowledge_base
from tui.model import ClaimKind, Confidence, DatePrecision, Modality

RELATION = """\
relations:
  - id: haftar-meets-italy
    source: haftar
    target: italy
    type: meets
    polarity: 1
    date: "2017-09-26"
    date_phrase: on Tuesday
    status: current
    confidence: stated
    summary: Haftar met Italy's defence minister.
    evidence:
      - source: s1
        quote: "met Italy's defence minister in Rome on Tuesday"
"""
STANCE = """\
stances:
  - id: italy-on-unity
    actor: italy
    issue: unity-government
    position: Backs the unity government.
    evidence:
      - source: s1
        quote: Italy backs the unity government.
        occurrence: 1
"""


def problems_of(path) -> list[tuple[int, int, str]]:
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(path)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def only_problem(path) -> tuple[int, int, str]:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


def test_valid_file_loads_with_offsets(tmp_path):
    kb = load_knowledge_base(write_kb(tmp_path, RELATION))
    assert [a.id for a in kb.actors] == ["haftar", "italy"]
    (relation,) = kb.relations
    (evidence,) = relation.evidence
    assert SOURCE_TEXT[evidence.start : evidence.end] == evidence.quote
    assert relation.polarity == 1 and isinstance(relation.polarity, int)
    assert relation.date == "2017-09-26"
    assert relation.date_precision is DatePrecision.DAY
    # A v1 `meets` is read as an event, which has no status in v2.
    assert relation.kind is ClaimKind.EVENT and relation.status is None
    assert relation.confidence is Confidence.STATED
    assert kb.sources[0].text == SOURCE_TEXT


def test_defaults_for_optional_relation_fields(tmp_path):
    body = RELATION.replace('    date: "2017-09-26"\n', "").replace("    status: current\n", "")
    body = body.replace("    confidence: stated\n", "").replace("    date_phrase: on Tuesday\n", "")
    (relation,) = load_knowledge_base(write_kb(tmp_path, body)).relations
    assert relation.date is None and relation.date_precision is None
    assert relation.status is None and relation.confidence is Confidence.STATED
    assert relation.modality is Modality.ACTUAL and relation.hedges == ()
    assert relation.reported == "2017-09-27"  # the source's publication date


@pytest.mark.parametrize(
    ("date", "precision"),
    [("2017-08", DatePrecision.MONTH), ("2011", DatePrecision.YEAR), ("2017-09-24", "day")],
)
def test_date_precision_is_read_from_the_form(tmp_path, date, precision):
    body = RELATION.replace('"2017-09-26"', f'"{date}"')
    (relation,) = load_knowledge_base(write_kb(tmp_path, body)).relations
    assert relation.date == date and relation.date_precision == precision


def test_yaml_11_values_stay_text(tmp_path):
    header = HEADER.replace("title: A title", "title: NO").replace(
        "name: Italy", "name: on"
    )
    kb = load_knowledge_base(write_kb(tmp_path, header=header))
    assert kb.sources[0].title == "NO"
    assert kb.actor_by_id["italy"].name == "on"


def test_unknown_key_with_suggestion(tmp_path):
    body = RELATION.replace("    summary:", "    sumary: x\n    summary:")
    line, column, message = problems_of(write_kb(tmp_path, body))[0]
    assert (line, column) == (25, 5)
    assert "unknown key 'sumary'" in message and "did you mean 'summary'" in message


def test_missing_field(tmp_path):
    body = RELATION.replace("    polarity: 1\n", "")
    line, column, message = only_problem(write_kb(tmp_path, body))
    assert (line, column) == (16, 5)
    assert "missing `polarity`" in message


def test_wrong_type_list_where_text_goes(tmp_path):
    body = RELATION.replace("summary: Haftar met Italy's defence minister.", "summary: [a, b]")
    line, column, message = only_problem(write_kb(tmp_path, body))
    assert (line, column) == (25, 14)
    assert "`summary` must be text, found a list" in message


def test_duplicate_key_names_both_lines(tmp_path):
    body = RELATION.replace("    polarity: 1\n", "    polarity: 1\n    polarity: 2\n")
    line, column, message = only_problem(write_kb(tmp_path, body))
    assert (line, column) == (21, 5)
    assert "duplicate key 'polarity'" in message and "line 20" in message


def test_duplicate_id(tmp_path):
    header = HEADER + "  - id: italy\n    name: Italia\n    kind: state\n"
    line, column, message = only_problem(write_kb(tmp_path, header=header))
    assert (line, column) == (15, 5)
    assert "duplicate id 'italy'" in message and "line 12" in message


def test_unknown_actor_reference(tmp_path):
    body = RELATION.replace("target: italy", "target: itlay")
    line, column, message = only_problem(write_kb(tmp_path, body))
    assert (line, column) == (18, 13)
    assert "unknown actor 'itlay'" in message and "did you mean 'italy'" in message


def test_unknown_source_reference(tmp_path):
    body = RELATION.replace("      - source: s1", "      - source: s2")
    line, column, message = only_problem(write_kb(tmp_path, body))
    assert (line, column) == (27, 17)
    assert "unknown source 's2'" in message


def test_quote_not_in_source(tmp_path):
    body = RELATION.replace("in Rome on Tuesday", "in Rome on Monday")
    line, column, message = only_problem(write_kb(tmp_path, body))
    assert (line, column) == (28, 16)
    assert "is not in source 's1'" in message


def test_quote_differing_only_in_apostrophe_gets_a_hint(tmp_path):
    body = RELATION.replace("Italy's defence", "Italy\u2019s defence")
    _, _, message = only_problem(write_kb(tmp_path, body))
    assert "differs only in case, spacing or quote marks" in message


def test_ambiguous_quote_needs_occurrence(tmp_path):
    body = RELATION.replace(
        "quote: \"met Italy's defence minister in Rome on Tuesday\"",
        "quote: Italy backs the unity government.",
    )
    line, column, message = only_problem(write_kb(tmp_path, body))
    assert (line, column) == (28, 16)
    assert "occurs 2 times" in message and "occurrence" in message


def test_occurrence_picks_the_second(tmp_path):
    body = RELATION.replace(
        "quote: \"met Italy's defence minister in Rome on Tuesday\"",
        "quote: Italy backs the unity government.\n        occurrence: 2",
    )
    (relation,) = load_knowledge_base(write_kb(tmp_path, body)).relations
    (evidence,) = relation.evidence
    assert evidence.start == SOURCE_TEXT.rindex("Italy backs")
    assert SOURCE_TEXT[evidence.start : evidence.end] == evidence.quote


def test_occurrence_beyond_the_count(tmp_path):
    body = RELATION.replace(
        "quote: \"met Italy's defence minister in Rome on Tuesday\"",
        "quote: Italy backs the unity government.\n        occurrence: 3",
    )
    _, _, message = only_problem(write_kb(tmp_path, body))
    assert "occurs only 2 time(s)" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("polarity: 1", "polarity: 3", "must be from -2 to 2"),
        ("polarity: 1", "polarity: strong", "must be a whole number"),
        ('date: "2017-09-26"', 'date: "2017-02-30"', "is not a calendar date"),
        ('date: "2017-09-26"', "date: Tuesday", "is not a date"),
        ("type: meets", "type: meet", "did you mean 'meets'"),
        ("status: current", "status: hitherto", "`status`"),
        ("confidence: stated", "confidence: sure", "`confidence`"),
        ("id: haftar-meets-italy", "id: Haftar_Meets", "is not a valid id"),
        ("id: haftar-meets-italy", "id: haftar\u200bmeets", "is not a valid id"),
    ],
)
def test_invalid_values(tmp_path, old, new, expected):
    _, _, message = only_problem(write_kb(tmp_path, RELATION.replace(old, new)))
    assert expected in message


def test_zero_width_id_is_shown_visibly(tmp_path):
    body = RELATION.replace("id: haftar-meets-italy", "id: haftar\u200bmeets")
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(write_kb(tmp_path, body))
    assert "haftar⟨ZWSP⟩meets" in str(caught.value)


def test_every_problem_in_one_run(tmp_path):
    body = RELATION.replace("polarity: 1", "polarity: 9").replace("target: italy", "target: x")
    body = body.replace("in Rome on Tuesday", "nowhere")
    found = problems_of(write_kb(tmp_path, body))
    assert len(found) == 3
    assert [line for line, _, _ in found] == sorted(line for line, _, _ in found)


def test_report_format_and_count(tmp_path):
    body = RELATION.replace("polarity: 1", "polarity: 9")
    path = write_kb(tmp_path, body)
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(path)
    report = caught.value.report().splitlines()
    assert report[0].startswith(f"{path}:20:15: [haftar-meets-italy] ")
    assert report[-1] == "1 problem found."


def test_anchor_and_alias_rejected(tmp_path):
    header = HEADER.replace("name: Khalifa Haftar", "name: &n Khalifa Haftar").replace(
        "name: Italy", "name: *n"
    )
    found = problems_of(write_kb(tmp_path, header=header))
    assert [(line, column) for line, column, _ in found] == [(10, 11), (13, 11)]
    assert all("anchors and aliases are not allowed" in message for _, _, message in found)


def test_tag_rejected(tmp_path):
    header = HEADER.replace("name: Italy", "name: !!binary SXRhbHk=")
    line, column, message = only_problem(write_kb(tmp_path, header=header))
    assert (line, column) == (13, 11)
    assert "tags are not allowed" in message


def test_source_path_must_stay_inside(tmp_path):
    header = HEADER.replace("path: s1.txt", "path: ../../etc/passwd")
    _, _, message = only_problem(write_kb(tmp_path, header=header))
    assert "must stay inside" in message


def test_missing_source_text(tmp_path):
    header = HEADER.replace("path: s1.txt", "path: gone.txt")
    line, column, message = only_problem(write_kb(tmp_path, RELATION, header=header))
    assert (line, column) == (7, 11)
    assert "cannot read the file" in message


def test_source_text_encoding_error_points_into_the_text(tmp_path):
    path = write_kb(tmp_path)
    (tmp_path / "s1.txt").write_bytes(b"fine\ncaf\xe9\n")
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(path)
    places = {(p.path, p.line, p.column) for p in caught.value.problems}
    assert (str(tmp_path / "s1.txt"), 2, 4) in places


def test_tab_indentation_hint(tmp_path):
    path = write_bytes(tmp_path, b"sources:\n\t- id: s1\n")
    line, column, message = only_problem(path)
    assert (line, column) == (2, 1)
    assert "indent with spaces" in message


def test_latin1_bytes(tmp_path):
    path = write_bytes(tmp_path, HEADER.replace("Italy", "Itali\xe9").encode("latin-1"))
    line, column, message = only_problem(path)
    assert (line, column) == (13, 16)
    assert "0xe9 is not valid UTF-8" in message


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_byte_order_marks_load(tmp_path, encoding):
    path = write_bytes(tmp_path, HEADER.encode(encoding))
    assert load_knowledge_base(path).actor_by_id["italy"].name == "Italy"


def test_size_cap_refused_before_parsing(tmp_path):
    path = write_bytes(tmp_path, b"[" * 2000)
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(path, max_bytes=1000)
    assert "over the 1,000-byte cap" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "holds no YAML document"),
        (b"# only a comment\n", "holds no YAML document"),
        (b"- a\n- b\n", "expected the knowledge base (a mapping), found a list"),
        (b"just text\n", "found the text 'just text'"),
        (b"sources: []\n---\nactors: []\n", "more than one YAML document"),
    ],
)
def test_wrong_documents(tmp_path, data, expected):
    _, _, message = only_problem(write_bytes(tmp_path, data))
    assert expected in message


def test_missing_file():
    with pytest.raises(LoadError) as caught:
        load_knowledge_base("/nonexistent/kb.yaml")
    assert "cannot read the file" in str(caught.value)


def test_empty_sections_are_allowed(tmp_path):
    kb = load_knowledge_base(write_kb(tmp_path, "relations:\nstances: []\n"))
    assert kb.relations == () and kb.stances == ()


def test_stance_loads(tmp_path):
    (stance,) = load_knowledge_base(write_kb(tmp_path, STANCE)).stances
    assert stance.issue == "unity-government"
    assert stance.evidence[0].start == SOURCE_TEXT.index("Italy backs")


def test_progress_is_reported(tmp_path):
    seen = []
    load_knowledge_base(write_kb(tmp_path, RELATION), progress=lambda d, t, s: seen.append(s))
    assert seen[0] == "reading" and seen[-1] == "done"


def test_progress_runs_through_the_file_to_its_end(tmp_path):
    """Progress counts lines of the file as its items are read, each item (one may take long:
    its quotes checked in a long source text), ending at the last line."""
    actor = "  - id: actor-{0}\n    name: Actor {0}\n    kind: state\n"
    actors = "".join(actor.format(n) for n in range(1100))
    path = write_kb(tmp_path, RELATION, header=HEADER.replace("actors:\n", "actors:\n" + actors))
    seen = []
    load_knowledge_base(path, progress=lambda d, t, s: seen.append((d, t, s)))
    lines = path.read_text().count("\n") + 1
    checking = [done for done, total, stage in seen if stage == "checking"]
    assert len(checking) == 1 + 1102 + 1  # the source, the actors, the relation
    assert checking == sorted(checking) and checking[-1] < lines
    assert seen[-1] == (lines, lines, "done")


def test_a_long_file_is_read_piece_by_piece_with_its_progress_in_bytes(tmp_path, monkeypatch):
    """So that the loading screen moves while one long YAML file or source text is read."""
    (tmp_path / "whole").mkdir()
    whole = load_knowledge_base(write_kb(tmp_path / "whole", RELATION))
    piece = 64
    monkeypatch.setattr(loader, "READ_CHUNK_BYTES", piece)
    path = write_kb(tmp_path, RELATION)
    seen = []
    kb = load_knowledge_base(path, progress=lambda *report: seen.append(report))
    assert kb.sources[0].text == whole.sources[0].text == SOURCE_TEXT
    assert kb.relations == whole.relations

    def read(stage: str, size: int) -> None:
        reports = [(done, total) for done, total, at in seen if at == stage]
        pieces = range(piece, size + piece, piece)
        assert reports[-len(pieces) :] == [(min(done, size), size) for done in pieces]

    assert seen[0] == (0, 1, "reading")
    read("reading", path.stat().st_size)
    read("reading s1.txt", len(SOURCE_TEXT.encode()))
    assert seen[-1][2] == "done"


@pytest.mark.parametrize("size_seen", [50, 100, 200])
def test_reading_piece_by_piece_gives_what_the_file_holds_now(monkeypatch, size_seen):
    """The file may have grown or shrunk since its size was taken: the reader then returns
    one byte more than that size (the caller reads on) or what there is."""
    monkeypatch.setattr(loader, "READ_CHUNK_BYTES", 16)
    reports = []
    stream = io.BytesIO(b"x" * 100)
    data = loader._read_sized(stream, size_seen + 1, lambda *report: reports.append(report))
    assert data == b"x" * min(100, size_seen + 1)
    assert reports[-1] == (min(100, size_seen), size_seen)


def test_sections_in_any_order_give_the_same_model(tmp_path):
    """Relations written before the actors and sources they name wait for them."""
    (tmp_path / "first").mkdir()
    (tmp_path / "last").mkdir()
    usual = load_knowledge_base(write_kb(tmp_path / "first", RELATION + STANCE))
    reordered = load_knowledge_base(
        write_kb(tmp_path / "last", HEADER, header=textwrap.dedent(RELATION + STANCE))
    )
    assert reordered.relations == usual.relations and reordered.stances == usual.stances
    assert reordered.actors == usual.actors and reordered.sources == usual.sources


def test_relations_before_their_actors_still_report_unknown_actors(tmp_path):
    body = RELATION.replace("target: italy", "target: itlay")
    path = write_kb(tmp_path, HEADER, header=textwrap.dedent(body))
    ((line, column, message),) = problems_of(path)
    assert line == 4 and "unknown actor 'itlay'" in message and "'italy'" in message


def test_reading_a_file_does_not_reserve_the_size_cap(tmp_path):
    """A small file under a large cap costs its own size, not the cap, while read."""
    path = write_kb(tmp_path, RELATION)
    tracemalloc.start()
    try:
        load_knowledge_base(path, max_bytes=100 * 1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_the_model_indexes_who_asserts_each_relation(tmp_path):
    body = RELATION.replace(
        "    confidence: stated\n", "    asserted_by: italy\n    confidence: attributed\n"
    )
    kb = load_knowledge_base(write_kb(tmp_path, body))
    assert [relation.id for relation in kb.asserted_by("italy")] == ["haftar-meets-italy"]
    assert kb.asserted_by("haftar") == ()
