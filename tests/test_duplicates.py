"""Duplicate actors (issue 18, part 4): `check` warns about actors that may be one (equal
names, transliteration variants, an acronym and its expansion) unless `distinct_from` says
they are not; `stakeholders merge OLD --into NEW` makes them one, the old id kept in
`merged_from` so that it still finds the actor."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from kb_files import SOURCE_TEXT
from text_changes import changes

from tui import edit
from tui.cli import main
from tui.duplicates import likely_duplicates, skeleton
from tui.loader import LoadError, bundled_knowledge_base_path, load_knowledge_base
from tui.lookup import show_lines
from tui.merge import MergeRefused, merge_text
from tui.model import Actor, KnowledgeBase

# A Khalifa Haftar written twice (hifter), named in every place an actor can be named.
KB = """\
version: "2"
sources:
  - id: s1
    title: A title
    publisher: Example
    published: "2017-09-27T10:00"
    dateline: Rome
    path: s1.txt
issues:
  - id: talks
    label: Talks
actors:
  - id: haftar
    name: Khalifa Haftar
    kind: person
    aliases: [Haftar]
    description: The general.
  - id: italy
    name: Italy
    kind: state
  - id: hifter
    name: Khalifa Hifter
    kind: person
    # a comment inside the duplicate
    description: >-
      Libyan commander,
      as one article spells him.
    identifiers: {wikidata: Q1}
    notes: Spelt so by one article.
  - id: pinotti
    name: Roberta Pinotti
    kind: person
    affiliation: hifter
    memberships:
      - organisation: hifter
        role: guest
  - id: gna
    name: Government of National Accord
    kind: government
    distinct_from: [italy]
relations:
  - id: hifter-meets-italy
    source: hifter
    target: italy
    type: meets
    kind: event
    polarity: 1
    summary: Hifter met Italy's defence minister.
    participants: [pinotti]
    evidence:
      - source: s1
        quote: "met Italy's defence minister"
  - id: italy-backs-hifter
    source: italy
    target: hifter
    type: backs
    kind: tie
    polarity: 1
    summary: Italy backs him.
    asserted_by: hifter
    hedges:
      - applies_to: claim
        cue: attributed
        source: s1
        quote: "in Rome on Tuesday"
        asserted_by: hifter
    evidence:
      - source: s1
        quote: "Rome - Haftar met"
  - id: talks-in-rome
    source: italy
    target: gna
    type: meets
    kind: event
    polarity: 0
    summary: Talks in Rome.
    participants: [hifter]
    evidence:
      - source: s1
        quote: "in Rome on Tuesday"
attributes:
  - id: hifter-in-rome
    actor: hifter
    type: visited
    kind: event
    summary: In Rome.
    evidence:
      - source: s1
        quote: "in Rome on Tuesday"
stances:
  - id: hifter-on-talks
    actor: hifter
    issue: talks
    position: For talks.
    evidence:
      - source: s1
        quote: "met Italy's defence minister"
"""


def write(tmp_path: Path, text: str = KB) -> Path:
    (tmp_path / "s1.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def actors(*specs: tuple[str, str, tuple[str, ...]]) -> KnowledgeBase:
    return KnowledgeBase(
        sources=(), relations=(), stances=(),
        actors=tuple(Actor(id=i, name=n, kind="person", aliases=a) for i, n, a in specs),
    )


def pairs(kb: KnowledgeBase) -> set[tuple[str, str]]:
    return {(pair.first, pair.second) for pair in likely_duplicates(kb)}


# --- finding them ------------------------------------------------------------------------


def test_names_equal_once_folded_are_duplicates():
    kb = actors(("a", "Fayez al-Sarraj", ()), ("b", "F. Sarraj", ("fayez AL SARRAJ",)),
                ("c", "Minister", ("“the general”",)), ("d", "The General", ()))
    found = {(p.first, p.second): p.reasons for p in likely_duplicates(kb)}
    assert set(found) == {("a", "b"), ("c", "d")}
    assert "'Fayez al-Sarraj' and 'fayez AL SARRAJ' are the same name" in found["a", "b"]


@pytest.mark.parametrize("one, other", [
    ("Haftar", "Hifter"), ("Haftar", "Heftar"), ("Hifter", "Heftar"), ("Sarraj", "Serraj"),
    ("Khalifa Haftar", "Khalifa Hifter"), ("Fayez al-Sarraj", "Fayez Serraj"),
    ("Gaddafi", "Gadafi"), ("Qadhafi", "Kadhafi"),
])
def test_transliteration_variants_are_duplicates(one, other):
    found = likely_duplicates(actors(("a", one, ()), ("b", other, ())))
    assert [(p.first, p.second) for p in found] == [("a", "b")]
    assert found[0].reasons == (f"{one!r} and {other!r} may be spellings of one name",)


@pytest.mark.parametrize("one, other", [
    ("Italy", "Libya"), ("Tunisia", "Tobruk"), ("Mali", "Malawi"), ("Khalifa Haftar",
    "Khalifa Ghwell"), ("Haftar forces", "Haftar"), ("US", "UN"), ("Iran", "Oman"),
    ("Roberta Pinotti", "Marco Minniti"),
])
def test_different_names_are_not(one, other):
    assert pairs(actors(("a", one, ()), ("b", other, ()))) == set()


def test_skeletons_drop_vowels_and_doubled_letters():
    assert {skeleton(w) for w in ("Haftar", "Hifter", "Heftar")} == {"hftr"}
    assert skeleton("Sarraj") == skeleton("Serraj") == "srj"
    assert skeleton("Italy") != skeleton("Libya")


def test_an_acronym_and_its_expansion_are_duplicates():
    kb = actors(("gna", "GNA", ()), ("accord", "Government of National Accord", ()),
                ("un", "United Nations", ()), ("un2", "U.N.", ()),
                ("isis", "Islamic State (ISIS)", ()),
                ("isil", "Islamic State in Iraq and Syria", ()),
                ("nato", "NATO", ()), ("nt", "National Television", ()))
    found = {(p.first, p.second): p.reasons for p in likely_duplicates(kb)}
    assert set(found) == {("gna", "accord"), ("un", "un2"), ("isis", "isil")}
    assert found["gna", "accord"] == ("'GNA' may stand for 'Government of National Accord'",)


def test_an_actors_own_acronym_is_no_duplicate():
    assert pairs(actors(("un", "United Nations", ("UN",)), ("us", "United States", ("US",)))) \
        == set()


def test_distinct_from_either_side_silences_a_pair():
    kb = KnowledgeBase(sources=(), relations=(), stances=(), actors=(
        Actor(id="a", name="Haftar", kind="person", distinct_from=("b",)),
        Actor(id="b", name="Hifter", kind="person"),
        Actor(id="c", name="Sarraj", kind="person"),
        Actor(id="d", name="Serraj", kind="person", distinct_from=("c",)),
    ))
    assert pairs(kb) == set()


def test_the_bundled_knowledge_base_has_no_likely_duplicates():
    kb = load_knowledge_base(bundled_knowledge_base_path())
    assert likely_duplicates(kb) == []


def test_ten_thousand_actors_take_well_under_a_second():
    words = ["Haftar", "Sarraj", "Minniti", "Pinotti", "Toaldo", "Essebsi", "Trump",
             "Johnson", "Gaddafi", "Italy"]
    specs = [(f"a{i}", f"{words[i % 10]}{i} {words[(i // 10) % 10]} Council {i // 100}",
              (f"Alias {i}", f"C{i}")) for i in range(10_000)]
    kb = actors(*specs)
    start = time.perf_counter()
    likely_duplicates(kb)
    assert time.perf_counter() - start < 1.0


# --- the schema --------------------------------------------------------------------------


def test_distinct_from_and_merged_from_load(tmp_path):
    text = KB.replace("    distinct_from: [italy]\n", "    distinct_from: [italy]\n"
                      "    merged_from: [old-gna, older-gna]\n")
    kb = load_knowledge_base(write(tmp_path, text))
    gna = kb.actor_by_id["gna"]
    assert gna.distinct_from == ("italy",)
    assert gna.merged_from == ("old-gna", "older-gna")
    assert kb.resolve_actor("old-gna") is gna
    assert kb.resolve_actor("gna") is gna
    assert kb.resolve_actor("nobody") is None


@pytest.mark.parametrize("added, message", [
    ("    distinct_from: [nobody]\n", "unknown actor 'nobody'"),
    ("    distinct_from: [gna]\n", "`distinct_from` names 'gna'"),
    ("    merged_from: [italy]\n", "`merged_from` names 'italy', which is an actor"),
    ("    merged_from: [gna]\n", "`merged_from` names 'gna'"),
    ("    merged_from: [Not A Slug]\n", "is not a valid id"),
])
def test_bad_distinct_from_and_merged_from_are_refused_where_written(tmp_path, added, message):
    text = KB.replace("    distinct_from: [italy]\n", added)
    with pytest.raises(LoadError) as raised:
        load_knowledge_base(write(tmp_path, text))
    report = raised.value.report()
    assert message in report
    assert "kb.yaml:4" in report  # the line of the key, in the gna item


def test_an_old_id_claimed_by_two_actors_is_refused(tmp_path):
    text = KB.replace("    distinct_from: [italy]\n", "    merged_from: [old]\n").replace(
        "    kind: state\n", "    kind: state\n    merged_from: [old]\n")
    with pytest.raises(LoadError, match="'old' was merged into 'italy' already"):
        load_knowledge_base(write(tmp_path, text))


def test_the_new_keys_are_version_2_keys(tmp_path):
    text = KB.replace('version: "2"\n', "").replace("    distinct_from: [italy]\n", "")
    text = text.split("issues:")[0] + "actors:" + text.split("actors:")[1].split("relations:")[0]
    text = text.replace("    kind: state\n", "    kind: state\n    distinct_from: [haftar]\n")
    text = text.replace("    identifiers: {wikidata: Q1}\n", "").replace(
        "    notes: Spelt so by one article.\n", "")
    text = text.replace("    memberships:\n      - organisation: hifter\n"
                        "        role: guest\n", "")
    with pytest.raises(LoadError, match="it is a version 2 key"):
        load_knowledge_base(write(tmp_path, text))


def test_a_saved_change_to_one_actor_checks_merged_from_as_a_full_load_does(tmp_path):
    path = write(tmp_path, KB.replace("    kind: state\n", "    kind: state\n"
                                      "    merged_from: [old-italy]\n"))
    state = edit.FileState.read(path)
    kb = load_knowledge_base(path)
    claimed = edit.update_item(state.text, "actors", "gna", {"merged_from": ["old-italy"]})
    with pytest.raises(edit.ChangeRefused) as refused:
        edit.save(state, claimed, kb=kb)
    assert "'old-italy' was merged into" in refused.value.report()
    added = edit.append_item(state.text, "actors",
                             {"id": "old-italy", "name": "Old Italy", "kind": "state"})
    with pytest.raises(edit.ChangeRefused) as refused:
        edit.save(state, added, kb=kb)
    assert "old-italy" in refused.value.report()
    assert path.read_text(encoding="utf-8") == state.text


# --- check -------------------------------------------------------------------------------


def test_check_warns_at_the_actors_id_and_still_exits_0(tmp_path, capsys):
    path = write(tmp_path)
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert ": OK: 5 actors" in out
    line = KB.splitlines().index("  - id: haftar") + 1
    assert err.splitlines() == [
        f"{path}:{line}:9: warning: actors 'haftar' and 'hifter' may be the same: "
        "'Khalifa Haftar' and 'Khalifa Hifter' may be spellings of one name; if they are "
        "not, add distinct_from: [hifter] to 'haftar'"
    ]


def test_distinct_from_silences_the_warning(tmp_path, capsys):
    text = KB.replace("    aliases: [Haftar]\n", "    aliases: [Haftar]\n"
                      "    distinct_from: [hifter]\n")
    assert main(["check", str(write(tmp_path, text))]) == 0
    assert capsys.readouterr().err == ""


def test_check_of_the_bundled_knowledge_base_warns_of_nothing(capsys):
    assert main(["check"]) == 0
    assert capsys.readouterr().err == ""


# --- merge -------------------------------------------------------------------------------


def test_merge_rewrites_every_reference_and_checks_clean(tmp_path, capsys):
    path = write(tmp_path)
    before = load_knowledge_base(path)
    assert main(["merge", "hifter", "--into", "haftar", str(path)]) == 0
    assert "hifter merged into haftar" in capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    kb = load_knowledge_base(path)  # checks clean
    assert len(kb.relations) == len(before.relations)
    # No reference to the old id is left: it is only in `merged_from` (and in item ids).
    data = "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("    notes:"))  # (which say what was merged)
    assert re.findall(r"(?<![\w-])hifter(?![\w-])", data) == ["hifter"]
    assert "    merged_from: [hifter]\n" in text
    assert edit.references_to(kb, "hifter") == []
    relations = kb.relation_by_id
    assert relations["hifter-meets-italy"].source == "haftar"  # source
    assert relations["italy-backs-hifter"].target == "haftar"  # target
    assert relations["italy-backs-hifter"].asserted_by == "haftar"  # asserter
    assert relations["italy-backs-hifter"].hedges[0].asserted_by == "haftar"  # a hedge's
    assert relations["talks-in-rome"].participants == ("haftar",)  # participants
    assert kb.attribute_by_id["hifter-in-rome"].actor == "haftar"  # attribute
    assert kb.stance_by_id["hifter-on-talks"].actor == "haftar"  # stance
    pinotti = kb.actor_by_id["pinotti"]
    assert pinotti.affiliation == "haftar"  # affiliation
    assert pinotti.memberships[0].organisation == "haftar"  # post
    haftar = kb.actor_by_id["haftar"]
    assert haftar.aliases == ("Haftar", "Khalifa Hifter")
    assert haftar.merged_from == ("hifter",)
    assert haftar.identifiers == (("wikidata", "Q1"),)  # carried over
    assert haftar.description == "The general."
    assert "Libyan commander, as one article spells him." in haftar.notes  # kept
    assert "Spelt so by one article." in haftar.notes
    assert "hifter" not in kb.actor_by_id
    # The old id still finds the actor.
    assert show_lines(kb, "hifter")[0] == "actor haftar (merged from hifter)"
    assert main(["export", "-f", "json", str(path)]) == 0
    exported = json.loads(capsys.readouterr().out)
    record = next(a for a in exported["actors"] if a["id"] == "haftar")
    assert record["merged_from"] == ["hifter"]


def test_merge_changes_only_the_changed_lines(tmp_path):
    path = write(tmp_path)
    before = path.read_text(encoding="utf-8")
    kb = load_knowledge_base(path)
    after = merge_text(before, kb, "hifter", "haftar")
    changed = changes(before, after)
    removed = [line for _, old, _ in changed for line in old]
    added = [line for _, _, new in changed for line in new]
    assert all("hifter" in line or "Hifter" in line for line in removed if "- id:" not in line
               and line.strip() and not line.startswith(("    name", "    kind", "    #",
                                                         "    description", "      ",
                                                         "    identifiers", "    notes",
                                                         "    aliases")))
    assert "    merged_from: [hifter]" in added
    assert "    aliases: [Haftar, Khalifa Hifter]" in added
    assert len(after.splitlines()) < len(before.splitlines())


def test_merge_the_other_way_unions_aliases_and_old_ids(tmp_path):
    text = KB.replace("    notes: Spelt so by one article.\n",
                      "    aliases: [Hifter, haftar]\n    merged_from: [khalifa]\n")
    path = write(tmp_path, text)
    kb = load_knowledge_base(path)
    path.write_text(merge_text(text, kb, "haftar", "hifter"), encoding="utf-8")
    hifter = load_knowledge_base(path).actor_by_id["hifter"]
    assert hifter.aliases == ("Hifter", "haftar", "Khalifa Haftar")  # "Haftar" once
    assert hifter.merged_from == ("khalifa", "haftar")
    assert hifter.description.startswith("Libyan commander")


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path)
    assert main(["merge", "hifter", "--into", "haftar", str(path), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert path.read_text(encoding="utf-8") == KB
    assert out.startswith(f"--- {path}\n+++ {path} (merged)\n@@ ")
    assert "-    source: hifter\n+    source: haftar\n" in out
    assert "dry run" in err and "nothing was written" in err


@pytest.mark.parametrize("argv, message", [
    (["nobody", "--into", "haftar"], "no actor has the id 'nobody'"),
    (["haftar", "--into", "haftar"], "'haftar' is the same actor"),
    (["italy", "--into", "gna"], "'gna' says it is distinct from 'italy'"),
    (["italy", "--into", "hifter"], "relations hifter-meets-italy, italy-backs-hifter would be "
                                    "between 'hifter' and itself"),
    (["pinotti", "--into", "hifter"], "relation hifter-meets-italy would name 'hifter' twice"),
])
def test_a_merge_that_cannot_be_made_changes_nothing(tmp_path, capsys, argv, message):
    path = write(tmp_path)
    assert main(["merge", *argv, str(path)]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert path.read_text(encoding="utf-8") == KB


def test_a_self_relation_is_refused_not_dropped(tmp_path):
    path = write(tmp_path)
    kb = load_knowledge_base(path)
    with pytest.raises(MergeRefused, match="hifter-meets-italy, italy-backs-hifter"):
        merge_text(KB, kb, "hifter", "italy")


def test_a_file_changed_during_the_merge_is_not_overwritten(tmp_path, monkeypatch, capsys):
    import tui.merge

    path = write(tmp_path)
    real = tui.merge.merge_text

    def meanwhile(text, kb, old, new):
        path.write_text(KB + "\n# edited elsewhere\n", encoding="utf-8")
        return real(text, kb, old, new)

    monkeypatch.setattr(tui.merge, "merge_text", meanwhile)
    assert main(["merge", "hifter", "--into", "haftar", str(path)]) == 1
    assert "changed on disk" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8").endswith("# edited elsewhere\n")


def test_merge_of_a_file_that_does_not_check_is_refused(tmp_path, capsys):
    path = write(tmp_path, KB.replace("target: italy", "target: nowhere", 1))
    assert main(["merge", "hifter", "--into", "haftar", str(path)]) == 1
    assert "does not check clean" in capsys.readouterr().err


def test_merge_on_the_bundled_copy_keeps_the_relations(copy, capsys):
    # The US military is not the United States, but merging them must still check clean.
    before = load_knowledge_base(copy)
    assert main(["merge", "us-military", "--into", "united-states", str(copy)]) == 0
    kb = load_knowledge_base(copy)
    assert len(kb.relations) == len(before.relations)
    assert edit.references_to(kb, "us-military") == []
    assert kb.resolve_actor("us-military").id == "united-states"
    assert "US military" in kb.actor_by_id["united-states"].aliases
    assert edit.references_to(before, "us-military")  # it was named, and is no more
    assert set(edit.references_to(before, "us-military")) <= set(
        edit.references_to(kb, "united-states"))
