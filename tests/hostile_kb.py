"""A knowledge base whose every text field is hostile, for the UI half of the battery.

Each case is a name, a description, a relation summary, a stance, a quote and a stretch of
source text at once, so that it reaches every place text from data can show: the actor
list, the relation list, the detail pane, the source pane, search results, notifications.
"""

from __future__ import annotations

from pathlib import Path

# name -> text. Each must be drawn literally (markup) or visibly (controls), never acted on.
CASES: dict[str, str] = {
    "close-tag": "[/]",
    "stray-close": "a [/bold] b",
    "open-bracket": "[/",
    "link": "[link='https://example.org']x[/link]",
    "click-quit": "[@click=app.quit]",
    "click-screenshot": "[@click=app.screenshot('actors.yaml','.')]",
    "minister": "[Minister] said",
    "clear-screen": "wipe\x1b[2J\x1b[Hout",
    "osc52-clipboard": "copy\x1b]52;c;aGVsbG8=\x07me",
    "osc8-hyperlink": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "window-title": "\x1b]0;pwned\x07title",
    "carriage-return": "over\rwrite",
    "nul": "nul\x00here",
    "del": "del\x7fhere",
    "c1-csi": "c1\x9b31mred",
    "rlo": "abc\u202edcba",
    "zero-width": "zero\u200bwidth",
    # Drawn as nothing, yet Rich and a terminal disagree on their width (U+3164: Rich 0,
    # terminal 2; U+FFA0: 0 and 1; a ZWJ between letters: Rich skips the next letter).
    "hangul-filler": "blank\u3164name",
    "halfwidth-fillers": "half\uffa0width\u115f\u1160fill",
    "stray-joiner": "join\u200dme\u034fcgj",
    "cjk": "汉字" * 60,
    "emoji": "👨\u200d👩\u200d👧🔥" * 40,
}
BIG_QUOTE_LENGTH = 1_000_000


def _q(text: str) -> str:
    """A YAML double-quoted scalar; characters YAML may not hold raw are escaped."""

    def escape(char: str) -> str:
        if char in '"\\':
            return "\\" + char
        if char.isprintable():
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return '"' + "".join(escape(char) for char in text) + '"'


def build(folder: Path, *, big_quote: bool = True) -> Path:
    """Write the hostile knowledge base into ``folder``; return the YAML path."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    parts = ["Hostile dispatch\n"]
    for index, (case, text) in enumerate(CASES.items()):
        parts.append(f"Case {index} {case}: {text} (end {index}).\n")
    if big_quote:
        parts.append("Big: " + "long line of words " * (BIG_QUOTE_LENGTH // 19) + "end.\n")
    source_text = "".join(parts)
    (folder / "sources" / "hostile.txt").write_text(source_text, encoding="utf-8")

    lines = [
        "sources:",
        "  - id: hostile",
        f"    title: {_q('Hostile [b]title[/b] ' + CASES['click-quit'])}",
        f"    publisher: {_q('Wire ' + CASES['clear-screen'])}",
        '    published: "2020-01-02"',
        "    path: sources/hostile.txt",
        "actors:",
        "  - id: anchor",
        "    name: Anchor actor",
        "    kind: other",
    ]
    for case, text in CASES.items():
        lines += [
            f"  - id: {case}",
            f"    name: {_q(text)}",
            "    kind: person",
            f"    aliases: [{_q(text + ' alias')}]",
            f"    description: {_q('Described as ' + text)}",
            "    affiliation: anchor",
        ]
    lines.append("relations:")
    for index, (case, text) in enumerate(CASES.items()):
        lines += [
            f"  - id: rel-{case}",
            f"    source: {case}",
            "    target: anchor",
            "    type: other",
            f"    polarity: {index % 5 - 2}",
            f"    summary: {_q('Summary ' + text)}",
            f"    date_phrase: {_q(text)}",
            "    evidence:",
            "      - source: hostile",
            f"        quote: {_q(f'Case {index} {case}: {text} (end {index}).')}",
        ]
    if big_quote:
        big = source_text[source_text.index("Big: ") : -1]
        lines += [
            "  - id: rel-big-quote",
            "    source: anchor",
            "    target: cjk",
            "    type: other",
            "    polarity: 0",
            "    summary: A one-megabyte quote",
            "    evidence:",
            "      - source: hostile",
            f"        quote: {_q(big)}",
        ]
    lines.append("stances:")
    for case, text in CASES.items():
        lines += [
            f"  - id: stance-{case}",
            f"    actor: {case}",
            f"    issue: {_q(text)}",
            f"    position: {_q('Position ' + text)}",
            "    evidence:",
            "      - source: hostile",
            f"        quote: {_q(f'{case}: {text}')}",
        ]
    path = folder / "actors.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
