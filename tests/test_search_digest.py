"""The word digest that lets long-text scans skip chunks finds exactly what a full scan does.

Each search is run twice on the same knowledge base: with the digests (``prepare``), and
without them (every scan reads the whole haystack, as before they existed). Hits (items,
order, labels, spans, scores) must be equal. Small chunks make many of them, so that the
skipping, the chunk edges and the resumption inside a chunk are all exercised.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tui.search
from tests.search_kb import HOSTILE_QUOTE, make_kb, ready, sample_kb, synthetic_kb
from tui.model import Actor
from tui.search import SearchIndex, _Digest

QUERIES = (
    "t",
    "ta",
    "talks",
    "tal",
    "i",
    "it",
    "ite",
    "item",
    "ov",
    "ove",
    "over",
    "over the",
    "the",
    "a",
    "of",
    "qzx",
    "q",
    "port 42",
    "item 4242",
    "42",
    "4242",
    "ceasefire",
    "cease",
    "fire",
    "eas",
    "talks support",
    "support talks",
    "border oil",
    "oil",
    "ministe",
    "minister forces",
    "ré",
    "gouvernement",
    "élection",
    "Élec",
    "ELEC",
    "o'neil",
    "'s",
    "-",
    "(",
    "[b]",
    "quit",
    "[/]",
    "x1b",
    "31m",
    "red",
    "\x1b",
    "arms.",
    "arms",
    ".",
    "troops coast",
    "coast troops guard",
    "rivals!",
    "a b c",
    "zz zz",
    "_",
    "ka_ha",
    "défense",
    "defence",
    "the the",
    "   talks   ",
    "ßtraße",
    "strasse",
    "Ka",
    "kaha",
)


def _hostile_kb():  # noqa: ANN202 - a KnowledgeBase
    quotes = [
        HOSTILE_QUOTE,
        "ite ite item itemize (item 4242) item_4242 4242x x4242",
        "O'Neil's défense — « Élection » l'élection; Straße strasse ßtraße",
        "over\tthe\x1cover\u2028the over_the over-the overthe",
        "a" * 3000 + " a " + "ab " * 900 + "ab",
        "Yardsticks at the yard " + "yardstick " * 300 + "yard",
        "",
        "   ",
        "\n\n",
        "talks talks talks",
    ]
    actors = [
        Actor(f"actor-{i}", name, "other", (f"alias {name}",))
        for i, name in enumerate(
            [
                "Actor 0 talks",
                "Élection Commission d'Ité",
                "ka_ha " + "over " * 60 + "the item 4242",
                "x" * 300 + " ite",
            ]
        )
    ]
    relations = [
        (
            f"relation-{i}",
            f"actor-{i % 4}",
            f"actor-{(i + 1) % 4}",
            "supports",
            quotes[(i + 3) % len(quotes)] or "summary",
            [quote],
        )
        for i, quote in enumerate(quotes * 3)
    ]
    return make_kb(actors, relations)


@pytest.fixture(scope="module", params=["sample", "synthetic", "hostile"])
def kb(request: pytest.FixtureRequest):  # noqa: ANN201 - a KnowledgeBase
    if request.param == "sample":
        return sample_kb()
    if request.param == "synthetic":
        return synthetic_kb(actors=600, relations=2_500, stances=100)
    return _hostile_kb()


def _both(kb, monkeypatch: pytest.MonkeyPatch, chunk: int) -> tuple[SearchIndex, SearchIndex]:  # noqa: ANN001
    """An index with its digests (of ``chunk`` characters a piece), and one without."""
    monkeypatch.setattr(tui.search, "_DIGEST_CHUNK", chunk)
    with_digest = SearchIndex(kb)
    with_digest.prepare()
    return with_digest, SearchIndex(kb)


# Chunk sizes down to one character on the small files; the big one is slow to digest in
# tiny chunks, and one size is enough there.
@pytest.mark.parametrize(
    ("kb", "chunk"),
    [(name, size) for name in ("sample", "hostile") for size in (1, 64, 2048)]
    + [("synthetic", 2048)],
    indirect=["kb"],
)
def test_digest_finds_what_a_full_scan_finds(kb, monkeypatch, chunk) -> None:  # noqa: ANN001
    with_digest, plain = _both(kb, monkeypatch, chunk)
    for query in QUERIES:
        for limit in (1, 5, 26):
            expected = plain.search(query, limit=limit)
            assert with_digest.search(query, limit=limit) == expected, (query, limit)
        assert with_digest.relations(query, limit=7) == plain.relations(query, limit=7)
        for kinds in (("quote",), ("relation", "stance"), ("actor", "quote")):
            assert with_digest.search(query, limit=9, kinds=kinds) == plain.search(
                query, limit=9, kinds=kinds
            )


def test_digest_lines_hold_every_word_between_spaces(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(tui.search, "_DIGEST_CHUNK", 8)
    text = "ab cd\nx(y)z\u2028w\n\ncd_e ab"
    digest = _Digest(text)
    assert len(digest.starts) == len(digest.chunk_starts) == len(digest.chunk_ends)
    for start, end, line_start in zip(
        digest.chunk_starts, digest.chunk_ends, digest.starts, strict=True
    ):
        line_end = digest.text.find("\n", line_start)
        line = digest.text[line_start : None if line_end == -1 else line_end]
        assert line.startswith(" ") and line.endswith(" ")
        assert set(line.split()) == set(re.findall(r"\w+", text[start:end]))
        assert end == len(text) or text[end] == "\n"
    for word in set(re.findall(r"\w+", text)):
        assert digest._holds(word)
    for word in ("a", "x(y", "(", "yz", "cd_", "d"):
        assert not digest._holds(word)


_ALPHABET = "abé Éß_'-.( )\t\u2028\x1c42"


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.text(_ALPHABET, max_size=40), min_size=1, max_size=12),
    query=st.text(_ALPHABET, min_size=1, max_size=6),
)
def test_digest_matches_scan_on_generated_text(texts: list[str], query: str) -> None:
    actors = [Actor("actor-0", "Somebody", "other"), Actor("actor-1", "Other", "other")]
    relations = [
        (f"relation-{i}", "actor-0", "actor-1", "supports", text or "x", [text or "y"])
        for i, text in enumerate(texts)
    ]
    kb = make_kb(actors, relations)
    saved = tui.search._DIGEST_CHUNK
    tui.search._DIGEST_CHUNK = 16
    try:
        with_digest = SearchIndex(kb)
        with_digest.prepare()
    finally:
        tui.search._DIGEST_CHUNK = saved
    plain = SearchIndex(kb)
    assert with_digest.search(query, limit=5) == plain.search(query, limit=5)
    assert with_digest.search(query, limit=50) == plain.search(query, limit=50)


def test_prepare_is_idempotent() -> None:
    index = SearchIndex(sample_kb())
    assert index._quotes.digest is None and not index.prepared  # a one-off search: no cost
    index.prepare()
    digest = index._quotes.digest
    assert digest is not None and index._names.digest is not None and index.prepared
    index.prepare()
    assert index._quotes.digest is digest


async def test_the_search_overlay_builds_the_digests_in_a_thread_and_answers_meanwhile(
    monkeypatch,
) -> None:
    """The overlay opens at once; the digests are built in a worker thread, and a search
    typed meanwhile gets the same hits from whole scans."""
    import threading

    from textual.app import App

    from tui.screens.search import SearchScreen

    index = SearchIndex(sample_kb())
    expected = SearchIndex(sample_kb()).search("haftar", limit=26)
    assert expected
    started, release, threads = threading.Event(), threading.Event(), []
    real = SearchIndex.prepare

    def held(self: SearchIndex) -> None:
        threads.append(threading.current_thread())
        started.set()
        assert release.wait(10)
        real(self)

    monkeypatch.setattr(SearchIndex, "prepare", held)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(SearchScreen(ready(index)))

    async with Host().run_test() as pilot:
        for _ in range(100):
            if started.is_set():
                break
            await pilot.pause(0.01)
        assert started.is_set() and threads[0] is not threading.main_thread()
        assert not index.prepared
        assert index.search("haftar", limit=26) == expected  # before the digests
        release.set()
        for _ in range(200):
            if index.prepared:
                break
            await pilot.pause(0.01)
        assert index.prepared
        assert index.search("haftar", limit=26) == expected
