"""A knowledge base of several sources for the tests of issue 19: the bundled one, plus the
made-up test texts of tests/data/many_sources (see its README): a syndicated copy of the
article under another headline, an independent report that dates the US strikes on Friday,
and a later report whose claim supersedes the Sunday date."""

from __future__ import annotations

import shutil
from pathlib import Path

TEXTS = Path(__file__).parent / "data" / "many_sources"
COPY, INDEPENDENT, LATER = "daily-example-copy", "herald-report", "later-report"

MEETING_QUOTE = ("Libyan military strongman Khalifa Haftar met Italy's defence minister and "
                 "security chiefs in Rome on Tuesday")
HERALD_MEETING = ("Khalifa Haftar held talks with Italian Defence Minister Roberta Pinotti in "
                  "Rome on Tuesday")
HERALD_STRIKES = ("The US military said on Sunday that drone strikes it carried out on Friday "
                  "killed 17 militants at an Islamic State camp south of Sirte")
HERALD_OPPOSES = "Italy now opposes the unity government in Tripoli"
LATER_STRIKES = ("its drone strikes south of Sirte took place on Friday, September 22, and "
                 "were announced on the Sunday")


def _source(source_id: str, title: str, publisher: str, published: str, path: str,
            extra: str = "") -> str:
    return (f"  - id: {source_id}\n    title: {title}\n    publisher: {publisher}\n"
            f'    published: "{published}"\n    path: sources/{path}\n{extra}')


def build(kb_path: Path, *, copy_says_so: bool = True, with_herald_meeting: bool = True,
          supersede: bool = True, opposed: bool = False) -> Path:
    """Add the test sources and their claims to ``kb_path`` (a copy of the bundled KB)."""
    sources = kb_path.parent / "sources"
    for name in ("copy-under-another-headline.txt", "independent-report.txt",
                 "later-report.txt"):
        shutil.copy(TEXTS / name, sources / name)
    text = kb_path.read_text(encoding="utf-8")
    said = "    syndicated_from: news24-haftar-rome\n" if copy_says_so else ""
    new_sources = (
        _source(COPY, "Haftar's Rome visit raises his profile", "Daily Example",
                "2017-09-27T14:00", "copy-under-another-headline.txt", said)
        + _source(INDEPENDENT, "Libyan commander holds Rome talks", "Example Herald",
                  "2017-09-28", "independent-report.txt")
        + _source(LATER, "US command corrects strike date", "Example Herald",
                  "2017-10-02", "later-report.txt")
    )
    text = text.replace("\nissues:\n", "\n" + new_sources + "issues:\n", 1)
    # The meeting: quoted in the article and in its copy (and, independently, the Herald).
    meeting_evidence = (
        '      - source: news24-haftar-rome\n'
        f'        quote: "{MEETING_QUOTE}"\n'
    )
    extra = f'      - source: {COPY}\n        quote: "{MEETING_QUOTE}"\n'
    if with_herald_meeting:
        extra += f'      - source: {INDEPENDENT}\n        quote: "{HERALD_MEETING}"\n'
    assert meeting_evidence in text
    text = text.replace(meeting_evidence, meeting_evidence + extra, 1)
    supersedes = "    supersedes: us-strikes-isis\n" if supersede else ""
    relations = (
        "  - id: us-strikes-isis-herald\n    kind: event\n    source: united-states\n"
        "    target: isis\n    type: strikes\n    polarity: -2\n"
        '    date: "2017-09-22"\n    date_phrase: on Friday\n    asserted_by: us-military\n'
        "    confidence: attributed\n    summary: US drone strikes on Friday killed 17 "
        "militants south of Sirte, the US military said.\n    evidence:\n"
        f'      - source: {INDEPENDENT}\n        quote: "{HERALD_STRIKES}"\n'
        "  - id: us-strikes-isis-corrected\n    kind: event\n    source: united-states\n"
        "    target: isis\n    type: strikes\n    polarity: -2\n"
        '    date: "2017-09-22"\n    date_phrase: on Friday, September 22\n'
        "    asserted_by: us-military\n    confidence: attributed\n"
        f"{supersedes}"
        "    summary: The US military corrected the date of the strikes to Friday 22 "
        "September.\n    evidence:\n"
        f'      - source: {LATER}\n        quote: "{LATER_STRIKES}"\n'
    )
    if opposed:  # against italy-backs-gna: a polarity dispute
        relations += (
            "  - id: italy-opposes-gna\n    kind: tie\n    source: italy\n    target: gna\n"
            "    type: opposes\n    polarity: -1\n    confidence: attributed\n"
            "    summary: Italy now opposes the unity government, a diplomat said.\n"
            f'    evidence:\n      - source: {INDEPENDENT}\n        quote: "{HERALD_OPPOSES}"\n'
        )
    text = text.replace("\nattributes:\n", "\n" + relations + "attributes:\n", 1)
    kb_path.write_text(text, encoding="utf-8")
    return kb_path
