"""Hostile input, round 2: dates and numbers the loader accepts are ones every view can use.

Python's ``fromisoformat`` takes week dates (``2017W393``), the basic format (``20170927``),
time zones and fractions of a second; ``float`` takes ``nan``, ``1e400`` and digits of other
scripts; ``int`` refuses more than 4,300 digits with a traceback. The loader takes exactly
the forms docs/schema.md lists, and says what to write instead.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.kb_files import HEADER, write_kb
from tui.filters import DateWindow, date_span
from tui.loader import MAX_DIGITS, LoadError, load_knowledge_base

PUBLISHED = 'published: "2017-09-27T10:00"'
PUBLISHED_AT = (5, 16)  # line and column of its value in HEADER
assert HEADER.splitlines()[PUBLISHED_AT[0] - 1].strip() == PUBLISHED

HUGE = "9" * 4400

V2_HEADER = 'version: "2"\n' + HEADER
V2_AT = (PUBLISHED_AT[0] + 1, PUBLISHED_AT[1])

EVERY_INTEGER = """\
issues:
  - id: unity
    label: Unity
relations:
  - id: strike
    source: haftar
    target: italy
    kind: event
    type: strikes
    polarity: {polarity}
    summary: Haftar struck.
    fatalities:
      count: "{count}"
      source: s1
      quote: Italy backs
      occurrence: "{occurrence}"
    evidence:
      - source: s1
        quote: "met Italy's defence minister"
stances:
  - id: italy-on-unity
    actor: italy
    issue: unity
    stand: "{stand}"
    position: Backs the unity government.
    evidence:
      - source: s1
        quote: Italy backs the unity government.
        occurrence: {occurrence}
"""
INTEGER_FIELDS = ("polarity", "count", "occurrence", "stand")


def with_published(tmp_path, value: str):
    return write_kb(tmp_path, header=HEADER.replace(PUBLISHED, f"published: {value!r}"))


def problems_of(path) -> list[tuple[int, int, str]]:
    with pytest.raises(LoadError) as caught:
        load_knowledge_base(path)
    return [(p.line, p.column, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2017W393", "is not a date: write it as YYYY-MM-DD, or with the time of day as "
         "YYYY-MM-DDTHH:MM[:SS] (e.g. 2017-09-27 or 2017-09-27T10:00)"),
        ("2017-W39-3", "is not a date: write it as YYYY-MM-DD"),
        ("20170927", "is not a date: write it as YYYY-MM-DD"),
        ("20170927T1000", "is not a date"),
        ("2017-09-27T1000", "is not a date"),
        ("2017-270", "is not a date"),
        ("2017-09", "is not a date"),
        ("2017", "is not a date"),
        ("2017-09-27T10", "is not a date"),
        ("2017-09-27T10:00:0", "is not a date"),
        ("\uff12\uff10\uff11\uff17-09-27", "is not a date"),  # full-width digits
        (" 2017-09-27", "is not a date"),
        ("2017-09-27 10:00", "put a T between the date and the time"),
        ("2017-09-27T10:00+02:00", "leave out the time zone and any fraction of a second"),
        ("2017-09-27T10:00Z", "leave out the time zone"),
        ("2017-09-27T10:00:00.5", "fraction of a second"),
        ("2017-02-29", "is not a calendar date (no such month or day)"),
        ("2017-13-01T10:00", "is not a calendar date"),
        ("0000-01-01", "is not a calendar date"),
        ("2017-09-27T24:00", "is not a time of day"),
        ("2017-09-27T10:60", "is not a time of day"),
        ("2017-09-27T10:00:60", "is not a time of day"),
        (HUGE, "is not a date"),
    ],
)
def test_a_publication_date_is_a_day_or_a_day_and_time_and_nothing_else(tmp_path, value, words):
    ((line, column, message),) = problems_of(with_published(tmp_path, value))
    assert (line, column) == PUBLISHED_AT
    assert message.startswith("`published` ") and words in message
    assert len(message) < 250


@pytest.mark.parametrize(
    "value", ["2017-09-27", "2017-09-27T10:00", "2017-09-27T10:00:00", "2017-09-27T23:59:59"]
)
def test_the_accepted_forms_load_as_written_and_every_view_can_use_them(tmp_path, value):
    (source,) = load_knowledge_base(with_published(tmp_path, value)).sources
    assert source.published == value and source.published_date == "2017-09-27"
    assert date_span(source.published_date) == ("2017-09-27", "2017-09-27")
    assert DateWindow("2017-09", "2017").overlaps(source.published_date)


def test_a_leap_day_is_a_calendar_date(tmp_path):
    (source,) = load_knowledge_base(with_published(tmp_path, "2016-02-29T12:00")).sources
    assert source.published_date == "2016-02-29"


@pytest.mark.parametrize("value", ["2017W393", "20170927", "2017-09-27T10:00", "2017-13"])
def test_a_date_window_refuses_what_is_not_a_date_of_any_precision(value):
    with pytest.raises(ValueError, match="not a date"):
        DateWindow(value)


def integers(**values: str) -> str:
    written = dict.fromkeys(INTEGER_FIELDS, "1") | values
    return EVERY_INTEGER.format(**written)


def test_the_body_with_every_integer_field_loads(tmp_path):
    kb = load_knowledge_base(write_kb(tmp_path, integers(), header=V2_HEADER))
    (strike,) = kb.relations
    assert strike.polarity == 1 and strike.fatalities.count == 1
    assert kb.stances[0].stand == 1


@pytest.mark.parametrize("sign", ["", "+", "-"])
@pytest.mark.parametrize("field", INTEGER_FIELDS)
def test_thousands_of_digits_in_any_integer_field_is_one_clear_problem(tmp_path, field, sign):
    path = write_kb(tmp_path, integers(**{field: sign + HUGE}), header=V2_HEADER)
    found = problems_of(path)
    expected = 2 if field == "occurrence" else 1  # the toll's and the stance's
    assert len(found) == expected, found
    for _, _, message in found:
        assert message.startswith(f"`{field}` ") and len(message) < 120
        if sign == "-" or field in ("polarity", "stand"):
            assert "must be" in message  # out of its range
        else:
            assert f"has 4,400 digits; write a whole number of at most {MAX_DIGITS}" in message


@pytest.mark.parametrize("field", INTEGER_FIELDS)
def test_the_digit_bound_is_exact(tmp_path, field):
    low = {"polarity": "-2", "stand": "-2"}.get(field)
    if low is not None:  # a bounded field says its range, however many digits
        ((_, _, message),) = problems_of(
            write_kb(tmp_path, integers(**{field: "9" * (MAX_DIGITS + 1)}), header=V2_HEADER)
        )
        assert "must be from -2 to 2, not 9999" in message
        return
    longest = "9" * MAX_DIGITS
    if field == "count":
        kb = load_knowledge_base(write_kb(tmp_path, integers(count=longest), header=V2_HEADER))
        assert kb.relations[0].fatalities.count == int(longest)
    found = problems_of(write_kb(tmp_path, integers(**{field: longest + "9"}), header=V2_HEADER))
    assert all(f"has {MAX_DIGITS + 1} digits" in message for _, _, message in found), found


def test_leading_zeros_do_not_count_as_digits(tmp_path):
    kb = load_knowledge_base(
        write_kb(tmp_path, integers(count="0" * 4400 + "17"), header=V2_HEADER)
    )
    assert kb.relations[0].fatalities.count == 17


@pytest.mark.parametrize(
    "value", ["1e1", "nan", "inf", "-inf", "1_0", "\u0664\u0665", "0x1f", HUGE, "4" + "0" * 39]
)
def test_a_coordinate_is_a_plain_decimal_number(tmp_path, value):
    body = integers().replace(
        "    summary: Haftar struck.\n",
        f"    summary: Haftar struck.\n    location:\n      place: Rome\n"
        f"      geo: {{lat: {value!r}, lon: \"12.5\"}}\n",
    ).replace("quote: \"met Italy's defence minister\"", "quote: \"in Rome on Tuesday\"")
    ((_, _, message),) = problems_of(write_kb(tmp_path, body, header=V2_HEADER))
    assert message.startswith("`lat` must be a number from -90 to 90 (decimal degrees)")
    assert len(message) < 120


@pytest.mark.parametrize(("value", "number"), [("41.9", 41.9), ("-41", -41.0), (".5", 0.5),
                                               ("41.", 41.0), (" +12.25 ", 12.25)])
def test_plain_decimal_coordinates_load(tmp_path, value, number):
    body = integers().replace(
        "    summary: Haftar struck.\n",
        f"    summary: Haftar struck.\n    location:\n      place: Rome\n"
        f"      geo: {{lat: {value!r}, lon: \"12.5\"}}\n",
    ).replace("quote: \"met Italy's defence minister\"", "quote: \"in Rome on Tuesday\"")
    (strike,) = load_knowledge_base(write_kb(tmp_path, body, header=V2_HEADER)).relations
    assert strike.location.lat == pytest.approx(number)


def test_check_reports_them_all_without_a_traceback(tmp_path):
    body = integers(polarity=HUGE, count=HUGE, occurrence=HUGE, stand="-" + HUGE)
    path = write_kb(tmp_path, body, header=V2_HEADER.replace(PUBLISHED, 'published: "2017W393"'))
    result = subprocess.run(
        [sys.executable, "-m", "tui", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    report = result.stderr.splitlines()
    assert report[-1] == "6 problems found."
    assert report[0].startswith(f"{path}:{V2_AT[0]}:{V2_AT[1]}: [s1] `published` '2017W393'")
    assert all(len(line) < 300 for line in report)
