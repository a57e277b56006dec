"""Many sources (issue 19): corroboration counted by independent origin, disputes kept and
shown (never resolved by the tool), and the as-of date. The sources are the bundled article
and the made-up test texts of tests/data/many_sources (see its README)."""

from __future__ import annotations

import dataclasses

import pytest
from many_sources import COPY, MEETING_QUOTE, build

from tui.cli import main
from tui.corroboration import Origins, likely_copies, reliability_at_least
from tui.disputes import (
    BOTH_TRUE,
    CANDIDATE,
    CONFLICT,
    DATE,
    POLARITY,
    STAND,
    SUPERSEDED,
    candidates,
    contested,
    decision_change,
    disputes,
)
from tui.filters import Filters, apply
from tui.loader import LoadError, load_knowledge_base
from tui.model import ClaimKind, Evidence, KnowledgeBase, Relation, Source, Stance

MEETING = "haftar-meets-pinotti"


def _support(kb, claim_id: str) -> tuple[int, int]:
    support = Origins(kb).support(kb.relation_by_id[claim_id])
    return support.sources, support.origins


# --- corroboration ---------------------------------------------------------------------


def test_an_article_and_its_copy_are_two_sources_of_one_origin(copy):
    kb = load_knowledge_base(build(copy, with_herald_meeting=False))
    assert _support(kb, MEETING) == (2, 1)
    support = Origins(kb).support(kb.relation_by_id[MEETING])
    assert support.describe() == "2 sources · 1 origin"


def test_an_independent_report_adds_an_origin(copy):
    kb = load_knowledge_base(build(copy))
    assert _support(kb, MEETING) == (3, 2)


def test_a_copy_that_does_not_say_so_counts_apart_and_check_warns(copy, capsys):
    path = build(copy, copy_says_so=False)
    kb = load_knowledge_base(path)
    assert _support(kb, MEETING) == (3, 3)
    (found,) = likely_copies(kb)
    assert {found.first, found.second} == {"news24-haftar-rome", COPY}
    assert found.share > 0.9
    assert main(["check", str(path)]) == 0  # a warning: the status is unchanged
    err = capsys.readouterr().err
    line = path.read_text(encoding="utf-8").splitlines().index(f"  - id: {COPY}") + 1
    assert f"{path}:{line}:9: warning: sources 'news24-haftar-rome' (News24) and " in err
    assert f"`syndicated_from: news24-haftar-rome` on '{COPY}'" in err


def test_a_copy_that_says_so_or_shares_the_origin_is_not_warned_about(copy, capsys):
    path = build(copy)
    assert likely_copies(load_knowledge_base(path)) == []
    text = path.read_text(encoding="utf-8").replace(
        "    syndicated_from: news24-haftar-rome\n", "    origin: afp\n")
    path.write_text(text, encoding="utf-8")
    kb = load_knowledge_base(path)
    assert likely_copies(kb) == [] and _support(kb, MEETING) == (3, 2)  # "afp" is "AFP"
    assert main(["check", str(path)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_independent_texts_are_not_copies(copy):
    assert likely_copies(load_knowledge_base(build(copy))) == []


def test_filters_by_origins_and_reliability(copy):
    kb = load_knowledge_base(build(copy))
    two = apply(kb, Filters(min_origins=2))
    assert [r.id for r in two.relations] == [MEETING]
    assert "≥ 2 origins" in Filters(min_origins=2).describe()
    graded = apply(kb, Filters(min_reliability="B"))
    ids = {r.id for r in graded.relations}
    assert MEETING in ids and "us-strikes-isis" in ids  # News24 is graded B
    assert "us-strikes-isis-herald" not in ids  # the Herald is not graded
    assert not any(r.id == MEETING for r in apply(kb, Filters(min_reliability="A")).relations)
    assert reliability_at_least("B", "C") and not reliability_at_least("F", "E")
    with pytest.raises(ValueError, match="reliability is one of"):
        Filters(min_reliability="Z")


# --- disputes ---------------------------------------------------------------------------


def test_the_date_disagreement_is_a_candidate_with_both_quotes(copy):
    kb = load_knowledge_base(build(copy, supersede=False))
    found = [d for d in disputes(kb) if d.kind == DATE and d.state == CANDIDATE]
    pairs = {d.pair for d in found}
    assert frozenset(("us-strikes-isis", "us-strikes-isis-herald")) in pairs
    assert frozenset(("us-strikes-isis", "us-strikes-isis-corrected")) in pairs
    # The Herald and the correction agree (both Friday): no dispute between them.
    assert frozenset(("us-strikes-isis-herald", "us-strikes-isis-corrected")) not in pairs
    dispute = next(d for d in found if "us-strikes-isis-herald" in d.pair)
    assert "2017-09-24" in dispute.reason and "2017-09-22" in dispute.reason


def test_a_supersession_is_listed_decided_and_no_longer_contested(copy):
    kb = load_knowledge_base(build(copy))
    listed = {d.pair: d for d in disputes(kb)}
    superseded = listed[frozenset(("us-strikes-isis", "us-strikes-isis-corrected"))]
    assert (superseded.state, superseded.first, superseded.second) == (
        SUPERSEDED, "us-strikes-isis-corrected", "us-strikes-isis")
    assert superseded.pair not in {d.pair for d in contested(kb)}
    assert frozenset(("us-strikes-isis", "us-strikes-isis-herald")) in {
        d.pair for d in contested(kb)}


def test_one_source_quoting_one_voice_is_no_dispute(copy):
    # Two readings of one report by one voice are the coder's to reconcile, not a dispute.
    kb = load_knowledge_base(copy)
    assert candidates(kb) == []


def _claim_kb(*claims, stances=()) -> KnowledgeBase:
    sources = tuple(
        Source(id=s, title=s, publisher=s.upper(), published="2020-01-0" + str(n),
               dateline=None, path=f"{s}.txt", text="words")
        for n, s in enumerate(("a", "b"), 1)
    )
    from tui.model import Actor, Issue

    actors = tuple(Actor(id=i, name=i.upper(), kind="state") for i in ("x", "y"))
    return KnowledgeBase(sources=sources, actors=actors, relations=tuple(claims),
                         stances=tuple(stances), issues=(Issue(id="war", label="War"),))


def _relation(claim_id, source, polarity, **extra) -> Relation:
    fields = dict(id=claim_id, source="x", target="y", type="backs", polarity=polarity,
                  summary="s", evidence=(Evidence(source, "words", 0, 5),))
    return Relation(**{**fields, **extra})


def test_opposite_polarities_from_different_sources_over_overlapping_dates():
    kb = _claim_kb(_relation("backs", "a", 2, valid_from="2019"),
                   _relation("opposes", "b", -1, type="opposes", valid_from="2019-06"))
    (dispute,) = candidates(kb)
    assert (dispute.kind, dispute.pair) == (POLARITY, frozenset(("backs", "opposes")))
    # Over periods that do not meet, or from one source and voice: no dispute.
    apart = _claim_kb(_relation("backs", "a", 2, valid_to="2018"),
                      _relation("opposes", "b", -1, valid_from="2019"))
    assert candidates(apart) == []
    same = _claim_kb(_relation("backs", "a", 2), _relation("opposes", "a", -1))
    assert candidates(same) == []
    event = _claim_kb(_relation("backs", "a", 2),
                      _relation("hit", "b", -2, type="strikes", kind=ClaimKind.EVENT,
                                status=None, date="2019-05-01"))
    assert candidates(event) == []  # an event is not a standing tie


def test_opposite_stands_on_one_issue():
    stance = dict(actor="x", issue="war", position="p")
    kb = _claim_kb(stances=(
        Stance(id="for", stand=2, evidence=(Evidence("a", "words", 0, 5),), **stance),
        Stance(id="against", stand=-1, evidence=(Evidence("b", "words", 0, 5),), **stance),
    ))
    (dispute,) = candidates(kb)
    assert (dispute.section, dispute.kind) == ("stances", STAND)


def test_decisions_become_one_field_on_one_claim(copy):
    kb = load_knowledge_base(build(copy, supersede=False))
    dispute = next(d for d in disputes(kb) if "us-strikes-isis-herald" in d.pair)
    assert decision_change(kb, dispute, CONFLICT) == (
        "relations", dispute.first, {"contradicts": [dispute.second]})
    assert decision_change(kb, dispute, BOTH_TRUE) == (
        "relations", dispute.first, {"consistent_with": [dispute.second]})
    # A supersession goes on the later report's claim.
    assert decision_change(kb, dispute, SUPERSEDED) == (
        "relations", "us-strikes-isis-herald", {"supersedes": "us-strikes-isis"})


@pytest.mark.parametrize(
    ("line", "said", "below"),
    [
        ("    contradicts: [no-such-claim]\n", "unknown relation 'no-such-claim'", 1),
        ("    supersedes: us-strikes-isis-herald\n", "`supersedes` names the item itself", 1),
        ("    contradicts: [us-strikes-isis]\n    consistent_with: [us-strikes-isis]\n",
         "both `contradicts` 'us-strikes-isis' and is `consistent_with` it", 2),
    ],
)
def test_bad_dispute_marks_are_reported_at_their_place(copy, line, said, below):
    path = build(copy, supersede=False)
    text = path.read_text(encoding="utf-8")
    anchor = "  - id: us-strikes-isis-herald\n"
    path.write_text(text.replace(anchor, anchor + line, 1), encoding="utf-8")
    with pytest.raises(LoadError) as raised:
        load_knowledge_base(path)
    (problem,) = raised.value.problems
    assert said in problem.message
    assert problem.line == text.splitlines().index(anchor.rstrip("\n")) + 1 + below


def test_a_syndicated_from_names_a_known_source(copy):
    path = build(copy)
    text = path.read_text(encoding="utf-8").replace(
        "syndicated_from: news24-haftar-rome", "syndicated_from: news42")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match="unknown source 'news42'"):
        load_knowledge_base(path)


# --- as of a date -----------------------------------------------------------------------


def test_as_of_a_date_hides_a_claim_reported_after_it(copy):
    kb = load_knowledge_base(build(copy))
    shown = apply(kb, Filters(as_of="2017-09-27"))
    ids = {r.id for r in shown.relations}
    assert "us-strikes-isis" in ids
    assert "us-strikes-isis-herald" not in ids  # the Herald published on the 28th
    assert "us-strikes-isis-corrected" not in ids
    # The meeting keeps only what had been published: the article and its same-day copy.
    assert _support(shown, MEETING) == (2, 1)
    assert [e.quote for e in shown.relation_by_id[MEETING].evidence
            if e.source != "news24-haftar-rome"] == [MEETING_QUOTE]
    # Events after the day are gone too; before the meeting (the 25th) it is not yet.
    assert MEETING not in {r.id for r in apply(kb, Filters(as_of="2017-09-25")).relations}
    assert MEETING in {r.id for r in apply(kb, Filters(as_of="2017-09")).relations}
    assert "as of 2017-09-27" in Filters(as_of="2017-09-27").describe()
    with pytest.raises(ValueError):
        Filters(as_of="2017-13")


def test_as_of_hides_a_tie_no_longer_valid(copy):
    kb = load_knowledge_base(copy)
    tie = next(r for r in kb.relations if r.kind is ClaimKind.TIE)
    ended = dataclasses.replace(kb, relations=(dataclasses.replace(
        tie, valid_from="2015", valid_to="2016-06"),))
    assert apply(ended, Filters(as_of="2018")).relations == ()
    assert len(apply(ended, Filters(as_of="2016-12-31")).relations) == 0
    # Gaddafi's rule (a tie to 2011) did not hold in 2017.
    as_of_article = {r.id for r in apply(kb, Filters(as_of="2017-09-27")).relations}
    assert {r.id for r in kb.relations} - as_of_article == {"gaddafi-ruled-libya"}
    # In 2010 it held, but no source had said so yet: nothing is known as of then.
    assert apply(kb, Filters(as_of="2010")).relations == ()


def test_sources_of_the_test_texts_are_marked_as_made_up():
    from many_sources import TEXTS

    for path in TEXTS.glob("*.txt"):
        assert path.read_text(encoding="utf-8").startswith("(Made-up test text"), path
    assert "Made-up test texts" in (TEXTS / "README.md").read_text(encoding="utf-8")
