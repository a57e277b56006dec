"""Hostile input, round 2: reporting problems is linear in their number.

5,000 unknown actor ids took 275 s and 2,000 failing quotes over 300 s: every unknown id was
compared with every known one for a "did you mean", and the whole source was loosened again
for each quote that failed. Each case here is complete and exact (every problem, each at its
line and column) and counts the costly work instead of timing it; the timings are in
``bench`` (``make bench``).
"""

from __future__ import annotations

import difflib

import pytest

from tui import loader
from tui.loader import SUGGESTION_BUDGET, LoadError, load_knowledge_base

HEADER = """\
sources:
  - id: s1
    title: A title
    publisher: Example
    published: "2017-09-27T10:00"
    path: s1.txt
actors:
"""
HEADER_LINES = HEADER.count("\n")
ACTOR_LINES = 3


def actors(count: int, affiliation: str | None = None) -> str:
    extra = f"    affiliation: {affiliation}-{{i}}\n" if affiliation else ""
    one = "  - id: actor-{i}\n    name: Actor {i}\n    kind: person\n" + extra
    return "".join(one.format(i=i) for i in range(count))


RELATION = """\
  - id: r-{i}
    source: {source}
    target: actor-1
    type: meets
    polarity: 1
    summary: They met.
    evidence:
      - source: s1
        quote: "{quote}"
"""
RELATION_LINES = RELATION.count("\n")


def write(tmp_path, text: str, source_text: str = "Actor 0 met Actor 1.\n"):
    (tmp_path / "s1.txt").write_text(source_text, encoding="utf-8")
    path = tmp_path / "kb.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def relations(count: int, source="ghost-{i}", quote="met Actor 1") -> str:
    return "relations:\n" + "".join(
        RELATION.format(i=i, source=source.format(i=i), quote=quote.format(i=i))
        for i in range(count)
    )


def report_of(path) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(path)
    return caught.value


@pytest.fixture
def compared(monkeypatch) -> list[int]:
    """How many known words each did-you-mean lookup compares with, one entry a lookup."""
    sizes: list[int] = []
    original = difflib.get_close_matches

    def counting(word, possibilities, *args, **kwargs):
        possibilities = list(possibilities)
        sizes.append(len(possibilities))
        return original(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(loader.difflib, "get_close_matches", counting)
    loader._closest.cache_clear()
    return sizes


def test_five_thousand_unknown_actor_ids_are_each_reported_at_their_place(tmp_path, compared):
    known, unknown = 300, 5000
    text = HEADER + actors(known) + relations(unknown, source="ghost-{i}")
    # The first relation misspells a known id: it gets its suggestion.
    text = text.replace("source: ghost-0\n", "source: actr-7\n")
    path = write(tmp_path, text)
    error = report_of(path)
    assert len(error.problems) == unknown
    first_relation = HEADER_LINES + known * ACTOR_LINES + 2  # after `relations:`
    for i, problem in enumerate(error.problems):
        assert (problem.path, problem.line, problem.column) == (
            str(path),
            first_relation + i * RELATION_LINES + 1,  # the `source:` line
            13,
        )
        assert problem.item_id == f"r-{i}"
        expected = "unknown actor 'actr-7'" if i == 0 else f"unknown actor 'ghost-{i}'"
        assert problem.message.startswith(expected + "; ")
        assert problem.message.endswith(" the actors section") or "did you mean" in problem.message
    assert error.problems[0].message == "unknown actor 'actr-7'; did you mean 'actor-7'?"
    report = error.report().splitlines()
    assert len(report) == unknown + 1 and report[-1] == f"{unknown} problems found."
    assert report[1] == f"{path}:{first_relation + RELATION_LINES + 1}:13: [r-1] " + (
        error.problems[1].message
    )
    # Linear: the did-you-mean lookups compared, in all, no more known ids than the budget.
    assert sum(compared) <= SUGGESTION_BUDGET
    assert sum(compared) >= SUGGESTION_BUDGET - known  # and the budget was used, not skipped


def test_one_misspelt_id_used_everywhere_is_looked_up_once(tmp_path, compared):
    path = write(tmp_path, HEADER + actors(300) + relations(2000, source="actr-10"))
    error = report_of(path)
    assert len(error.problems) == 2000
    messages = {problem.message for problem in error.problems}
    assert messages == {"unknown actor 'actr-10'; did you mean 'actor-10'?"}
    assert compared == [300]


def test_the_same_unknown_key_in_every_item_is_looked_up_once(tmp_path, compared):
    text = HEADER + actors(2) + relations(2000, source="actor-0")
    text = text.replace("    summary: They met.\n", "    summary: They met.\n    summray: x\n")
    error = report_of(write(tmp_path, text))
    assert len(error.problems) == 2000
    assert all("unknown key 'summray'" in p.message and "did you mean 'summary'?" in p.message
               for p in error.problems)
    assert len(compared) == 1


def test_thousands_of_unknown_affiliations_stay_within_the_budget(tmp_path, compared):
    count = 3000
    path = write(tmp_path, HEADER + actors(count, affiliation="nowhere"))
    error = report_of(path)
    assert len(error.problems) == count
    for i, problem in enumerate(error.problems):
        assert problem.line == HEADER_LINES + i * (ACTOR_LINES + 1) + ACTOR_LINES + 1
        assert problem.column == 18 and problem.item_id == f"actor-{i}"
        assert problem.message.startswith(f"unknown actor 'nowhere-{i}'; ")
    assert sum(compared) <= SUGGESTION_BUDGET
    # Past the budget the hint still says what to do, without claiming nothing is close.
    assert error.problems[-1].message.endswith(
        "; check the spelling, or add it to the actors section"
    )


def test_two_thousand_failing_quotes_loosen_the_source_once(tmp_path, monkeypatch):
    paragraph = "Actor 0 met Actor 1 on Tuesday, officials said in a statement. " * 20 + "\n"
    source_text = paragraph * 200  # about 250 KB
    count = 2000
    # Every tenth quote differs from the text only in case: it gets the hint that says so.
    text = HEADER + actors(2) + relations(count, source="actor-0", quote="no such words {i}")
    for i in range(0, count, 10):
        text = text.replace(f'quote: "no such words {i}"\n', 'quote: "OFFICIALS SAID"\n', 1)
    loosened: list[int] = []
    original = loader.Matcher

    def counting(value: str) -> loader.Matcher:
        loosened.append(len(value))
        return original(value)

    monkeypatch.setattr(loader, "Matcher", counting)
    path = write(tmp_path, text, source_text)
    error = report_of(path)
    assert len(error.problems) == count
    first_relation = HEADER_LINES + 2 * ACTOR_LINES + 2
    for i, problem in enumerate(error.problems):
        assert (problem.line, problem.column) == (first_relation + i * RELATION_LINES + 8, 16)
        if i % 10 == 0:
            assert problem.message == (
                "quote 'OFFICIALS SAID' is not in source 's1' word for word; it differs only "
                "in case, spacing or quote marks: the source has 'officials said'; copy the "
                "exact words from the source"
            )
        else:
            assert problem.message == (
                f"quote 'no such words {i}' is not in source 's1'; copy the exact words from "
                "the source text"
            )
    assert sorted(loosened)[-1] == len(source_text)
    assert [size for size in loosened if size > 1000] == [len(source_text)]  # once in all


def test_past_the_cache_of_loosened_texts_every_report_is_still_right(tmp_path, monkeypatch):
    (tmp_path / "s2.txt").write_text("Actor 1 SAID NOTHING.\n", encoding="utf-8")
    header = HEADER.replace(
        "actors:\n",
        '  - id: s2\n    title: B\n    publisher: Example\n    published: "2017-09-28"\n'
        "    path: s2.txt\nactors:\n",
    )
    # Quotes alternate between the two sources, each differing from its text only in case:
    # with room for one loosened text, each source pushes the other out of the cache.
    body = "relations:\n" + "".join(
        RELATION.format(i=i, source="actor-0", quote="ACTOR 0 MET").replace(
            "      - source: s1\n        quote: \"ACTOR 0 MET\"",
            "      - source: s2\n        quote: \"actor 1 said nothing\"",
            i % 2,
        )
        for i in range(40)
    )
    monkeypatch.setattr(loader, "LOOSE_CACHE_CHARS", 30)
    error = report_of(write(tmp_path, header + actors(2) + body))
    assert len(error.problems) == 40
    for i, problem in enumerate(error.problems):
        assert "differs only in case, spacing or quote marks" in problem.message
        assert f"is not in source 's{1 + i % 2}'" in problem.message
