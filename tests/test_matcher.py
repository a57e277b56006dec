"""The one quote matcher (issue 18): verified, repaired to the source's own characters, or
rejected with a reason; the loader's reports use it too."""

from __future__ import annotations

import pytest

from tui.matcher import (
    AMBIGUOUS,
    NOT_CONTIGUOUS,
    NOT_IN_SOURCE,
    REJECTED,
    REPAIRED,
    VERIFIED,
    Matcher,
    loosen,
)

TEXT = (
    "Rome - Libyan military strongman Khalifa Haftar met Italy's defence minister and "
    "security chiefs in Rome on Tuesday.\n\n"
    "The meeting was not immediately confirmed by Italian officials but reporters said "
    "Haftar had spent three hours inside.\n\n"
    "“Remember the threats he made in August,” Toaldo said — they have  all but gone.\n"
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(TEXT)


def test_an_exact_quote_is_verified_with_its_offsets(matcher):
    quote = "met Italy's defence minister"
    verdict = matcher.verify(quote)
    assert verdict.status == VERIFIED and verdict.accepted
    assert TEXT[verdict.start:verdict.end] == quote == verdict.quote
    assert verdict.occurrence == 1 and verdict.count == 1


def test_a_curly_apostrophe_is_repaired_to_the_sources_straight_one(matcher):
    verdict = matcher.verify("met Italy’s defence minister")
    assert verdict.status == REPAIRED
    assert verdict.quote == "met Italy's defence minister"
    assert TEXT[verdict.start:verdict.end] == verdict.quote
    assert verdict.start == TEXT.index("met Italy's")
    assert "the source has \"met Italy's defence minister\"" in verdict.detail


@pytest.mark.parametrize(
    ("proposed", "exact"),
    [
        ("MET ITALY'S DEFENCE MINISTER", "met Italy's defence minister"),
        ("security chiefs\nin   Rome", "security chiefs in Rome"),
        ('"Remember the threats he made in August,"', "“Remember the threats he made in August,”"),
        ("Toaldo said - they have all but gone", "Toaldo said — they have  all but gone"),
        ("  Haftar had spent three hours inside. ", "Haftar had spent three hours inside."),
    ],
)
def test_case_spacing_quote_marks_and_dashes_are_repaired_to_the_source(
    matcher, proposed, exact
):
    verdict = matcher.verify(proposed)
    assert verdict.status == REPAIRED
    assert verdict.quote == exact == TEXT[verdict.start:verdict.end]


def test_a_repair_across_a_paragraph_break_keeps_the_sources_newlines(matcher):
    verdict = matcher.verify("in Rome on Tuesday. The meeting was")
    assert verdict.status == REPAIRED
    assert verdict.quote == "in Rome on Tuesday.\n\nThe meeting was"
    assert TEXT[verdict.start:verdict.end] == verdict.quote


def test_two_sentences_glued_together_are_not_contiguous(matcher):
    glued = "Khalifa Haftar met Italy's defence minister. Haftar had spent three hours inside."
    verdict = matcher.verify(glued)
    assert (verdict.status, verdict.reason) == (REJECTED, NOT_CONTIGUOUS)
    assert not verdict.accepted and verdict.start == -1
    # Glued without a full stop, or with an ellipsis, just the same.
    for quote in (
        "Khalifa Haftar met Italy's defence minister and Haftar had spent three hours inside",
        "Haftar met Italy's defence minister ... reporters said Haftar had spent",
    ):
        assert matcher.verify(quote).reason == NOT_CONTIGUOUS, quote


def test_a_paraphrase_is_not_in_the_source(matcher):
    verdict = matcher.verify("Haftar held talks with the Italian defence minister in Rome")
    assert (verdict.status, verdict.reason) == (REJECTED, NOT_IN_SOURCE)


@pytest.mark.parametrize(
    "fabricated",
    [
        "Haftar met the Italian prime minister",
        "Haftar met Italys defence minister",  # a letter dropped is not a typographic variant
        "Khalifa Hafter met Italy's defence minister",  # another spelling of a name
        "",
        "   ",
    ],
)
def test_fabrications_and_other_spellings_are_rejected(matcher, fabricated):
    verdict = matcher.verify(fabricated)
    assert verdict.status == REJECTED and verdict.reason == NOT_IN_SOURCE


def test_a_quote_that_occurs_twice_is_ambiguous_unless_a_place_is_given(matcher):
    assert matcher.verify("Haftar").reason == AMBIGUOUS
    assert matcher.verify("HAFTAR").reason == AMBIGUOUS  # loosely twice: ambiguous too
    second = TEXT.index("Haftar had")
    verdict = matcher.verify("Haftar", near=second - 3)
    assert (verdict.status, verdict.start, verdict.occurrence, verdict.count) == (
        VERIFIED, second, 2, 2
    )
    repaired = matcher.verify("HAFTAR", near=second)
    assert (repaired.status, repaired.quote, repaired.start, repaired.occurrence) == (
        REPAIRED, "Haftar", second, 2
    )


def test_loosen_folds_only_case_spacing_quote_marks_and_dashes():
    assert loosen("  “Élan”\u00a0—\tDONE ") == '"élan" - done'


def test_a_long_text_is_matched_in_one_pass():
    text = "word " * 200_000 + "the needle, said Haftar’s aide."
    verdict = Matcher(text).verify("The needle, said Haftar's aide.")
    assert verdict.status == REPAIRED and text[verdict.start:verdict.end] == verdict.quote
