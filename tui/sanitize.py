"""Make untrusted text safe to draw on a terminal.

Knowledge bases are written by others. Their text must reach the screen as literal
characters: no escape sequence, carriage return or bidirectional override may act on the
terminal or reorder what is shown. Each such character is replaced by a visible stand-in of
the same meaning (``\\x1b``, ``\\r``, ``⟨RLO⟩``), so nothing is silently hidden.

Invisible characters get stand-ins too: Unicode's default-ignorable code points (drawn as
nothing) and the Hangul fillers, which Rich measures as zero cells while terminals draw them
one or two cells wide, so a row that holds one would overflow its pane. Only the joiners and
selectors that shape the character before them are kept (emoji sequences, variation
selectors).
"""

from __future__ import annotations

import unicodedata

# Bidirectional controls that can reorder text (Trojan Source, CVE-2021-42574).
_BIDI_NAMES = {
    "\u061c": "ALM",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}

# Invisible characters that would let two different strings look the same.
_INVISIBLE_NAMES = {
    "\u200b": "ZWSP",
    "\u200c": "ZWNJ",
    "\u2060": "WJ",
    "\ufeff": "BOM",
    "\u00ad": "SHY",
    "\u034f": "CGJ",  # combining grapheme joiner
    "\u180e": "MVS",  # Mongolian vowel separator
    # The Hangul fillers are letters (Lo) that draw nothing. Rich measures U+3164 and U+FFA0
    # as zero cells, terminals as two and one (East Asian width W and H): a name holding one
    # pushes the rest of its row out of line.
    "\u3164": "HF",  # HANGUL FILLER
    "\uffa0": "HHF",  # HALFWIDTH HANGUL FILLER
    "\u115f": "HCF",  # HANGUL CHOSEONG FILLER (two blank cells)
    "\u1160": "HJF",  # HANGUL JUNGSEONG FILLER
}
# Left alone on purpose:
# - U+2800 BRAILLE PATTERN BLANK draws a blank cell that Rich and terminals both count as
#   one; it is a visible blank like a space, and marking it would break Braille text.
# - Variation selectors (U+FE00-U+FE0F, U+E0100-U+E01EF, Mongolian U+180B-U+180D, U+180F)
#   choose the glyph of the character before them (emoji or text style, CJK variants);
#   both Rich and terminals draw them as part of that character.
# - U+200D ZERO WIDTH JOINER between two emoji (see _mark_stray_joiners).

# Default-ignorable code points (Unicode's DerivedCoreProperties) not already covered by
# their category (Cf) or by a name above: drawn as nothing, so shown as an escape. The
# unassigned ones are reserved as default-ignorable for future format characters.
_IGNORABLE_RANGES = (
    (0x17B4, 0x17B5),  # Khmer inherent vowels (Mn), not to be used
    (0x2065, 0x2065),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE00FF),  # the tag block's reserved code points (the tags themselves are Cf)
    (0xE01F0, 0xE0FFF),
)

_ZWJ = "\u200d"
# Emoji modifiers and presentation selectors that may sit between an emoji and its joiner.
_EMOJI_TRAILERS = frozenset("\ufe0e\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")


def _stand_in(char: str) -> str:
    if char in _BIDI_NAMES:
        return f"⟨{_BIDI_NAMES[char]}⟩"
    if char in _INVISIBLE_NAMES:
        return f"⟨{_INVISIBLE_NAMES[char]}⟩"
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"  # as Python writes it: "\\ue0001" would read as U+E000 and "1"


def _needs_stand_in(char: str) -> bool:
    if char in _BIDI_NAMES or char in _INVISIBLE_NAMES:
        return True
    # Cc: C0/C1 controls and DEL; Cf: other format characters; Cs: lone surrogates;
    # Zl/Zp: line and paragraph separators that would break a row.
    category = unicodedata.category(char)
    # ZWJ (U+200D) is judged by its neighbours: it joins emoji sequences.
    if category in ("Cc", "Cs", "Zl", "Zp") or (category == "Cf" and char != _ZWJ):
        return True
    if category in ("Mn", "Cn"):
        code = ord(char)
        return any(low <= code <= high for low, high in _IGNORABLE_RANGES)
    return False


def _is_emoji(char: str) -> bool:
    # Symbols (So) hold the emoji; emoji newer than this Python's Unicode data are unassigned
    # (Cn) to it, so the pictographic planes count as well.
    return 0x1F000 <= ord(char) <= 0x1FAFF or unicodedata.category(char) == "So"


def _joins_emoji(text: str, position: int) -> bool:
    """Whether the ZWJ at ``position`` stands between two emoji (skipping the modifiers and
    selectors after the first)."""
    after = position + 1
    if after >= len(text) or not _is_emoji(text[after]):
        return False
    before = position - 1
    while before >= 0 and text[before] in _EMOJI_TRAILERS:
        before -= 1
    return before >= 0 and _is_emoji(text[before])


def _mark_stray_joiners(text: str) -> str:
    """``text`` with every ZWJ that is not inside an emoji sequence shown as ``⟨ZWJ⟩``.

    Outside an emoji sequence a ZWJ is invisible, and Rich counts the character after it as
    part of the one before (zero cells) while a terminal draws both: the row overflows.
    """
    pieces: list[str] = []
    last = 0
    position = text.find(_ZWJ)
    while position != -1:
        if not _joins_emoji(text, position):
            pieces += (text[last:position], "⟨ZWJ⟩")
            last = position + 1
        position = text.find(_ZWJ, position + 1)
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


# Characters that are always safe are the common case: a translation table keeps the
# per-call cost at one C-level pass over the string.
_TABLE: dict[int, str] = {}
for _code in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):
    _TABLE[_code] = _stand_in(chr(_code))
for _char in (*_BIDI_NAMES, *_INVISIBLE_NAMES, "\u17b4", "\u17b5"):
    _TABLE[ord(_char)] = _stand_in(_char)


# The few characters the table stands in for although Python calls them printable: a
# printable text without any of them needs nothing done (a C-level test, where the table
# costs a dictionary lookup a character: 10 µs for a 150-character message).
_PRINTABLE_UNSAFE = tuple(chr(code) for code in _TABLE if chr(code).isprintable())


def _has_rare_unsafe(text: str) -> bool:
    return any(ord(char) > 0x9F and _needs_stand_in(char) for char in text)


def display(text: str, *, keep_newlines: bool = False) -> str:
    """Text safe for one terminal cell run: every unsafe character made visible.

    With ``keep_newlines`` a plain ``\\n`` stays a line break (for multi-line panes);
    everything else that is not printable is shown as an escape or a marker.
    """
    if text.isprintable():
        if text.isascii() or not any(char in text for char in _PRINTABLE_UNSAFE):
            return text
    if keep_newlines and "\n" in text:
        return "\n".join(display(line) for line in text.split("\n"))
    cleaned = text.translate(_TABLE)
    # What is left to stand in for is never printable (Cc, Cf, Cs, Cn, Zl, Zp): the table
    # holds the printable ones (Hangul fillers, CGJ, Khmer inherent vowels).
    if not cleaned.isprintable() and _has_rare_unsafe(cleaned):
        cleaned = "".join(_stand_in(c) if _needs_stand_in(c) else c for c in cleaned)
    if _ZWJ in cleaned:
        cleaned = _mark_stray_joiners(cleaned)
    return cleaned


# Typed or pasted text: tabs and line breaks become spaces, other C0/C1 controls go.
_INPUT_TABLE: dict[int, str | None] = dict.fromkeys(
    [*range(0x00, 0x20), *range(0x7F, 0xA0)], None
) | dict.fromkeys(map(ord, "\t\n\r\x0b\x0c\x85"), " ")


def plain_ascii(texts: list[str]) -> bool:
    """Whether every text is printable ASCII: ``display`` leaves it as it is, and a letter
    is a cell, so its length is its width. (One C-level test for a whole list, where a
    ``display`` call per text costs half a microsecond.)"""
    joined = "".join(texts)
    return joined.isascii() and joined.isprintable()


def display_all(texts: list[str]) -> list[str]:
    """``display`` of each text."""
    return texts if plain_ascii(texts) else list(map(display, texts))


def input_safe(text: str) -> str:
    """``text`` as a text input may hold it: tabs and line breaks as spaces, and every other
    character ``display`` would stand in for (controls, bidi and invisible characters)
    dropped. An input draws its value raw, so a pasted escape sequence would otherwise act
    on the terminal."""
    if text.isascii() and text.isprintable():
        return text
    text = text.translate(_INPUT_TABLE)
    if text.isascii() or not _has_rare_unsafe(text):
        return text
    return "".join(char for char in text if not _needs_stand_in(char))


def display_pieces(text: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
    """``text`` cut at the edges of ``spans``, each piece made display-safe, with whether it
    is inside a span.

    Each piece is sanitized on its own: ``display`` may lengthen text (``\\x1b`` is four
    characters), so offsets into the raw text would drift otherwise.
    """
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in spans:
        pieces.append((display(text[position:start]), False))
        pieces.append((display(text[start:end]), True))
        position = end
    pieces.append((display(text[position:]), False))
    return pieces


def truncate(text: str, width: int) -> str:
    """Cut display text to at most ``width`` characters, marking the cut with an ellipsis."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"
