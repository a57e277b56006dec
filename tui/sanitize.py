"""Make untrusted text safe to draw on a terminal.

Knowledge bases are written by others. Their text must reach the screen as literal
characters: no escape sequence, carriage return or bidirectional override may act on the
terminal or reorder what is shown. Each such character is replaced by a visible stand-in of
the same meaning (``\\x1b``, ``\\r``, ``⟨RLO⟩``), so nothing is silently hidden.
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
}


def _stand_in(char: str) -> str:
    if char in _BIDI_NAMES:
        return f"⟨{_BIDI_NAMES[char]}⟩"
    if char in _INVISIBLE_NAMES:
        return f"⟨{_INVISIBLE_NAMES[char]}⟩"
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def _needs_stand_in(char: str) -> bool:
    if char in _BIDI_NAMES or char in _INVISIBLE_NAMES:
        return True
    # Cc: C0/C1 controls and DEL; Cf: other format characters; Cs: lone surrogates;
    # Zl/Zp: line and paragraph separators that would break a row.
    category = unicodedata.category(char)
    # ZWJ (U+200D) is left alone: it joins emoji sequences.
    return category in ("Cc", "Cs", "Zl", "Zp") or (category == "Cf" and char != "\u200d")


# Characters that are always safe are the common case: a translation table keeps the
# per-call cost at one C-level pass over the string.
_TABLE: dict[int, str] = {}
for _code in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):
    _TABLE[_code] = _stand_in(chr(_code))
for _char in (*_BIDI_NAMES, *_INVISIBLE_NAMES):
    _TABLE[ord(_char)] = _stand_in(_char)


def _has_rare_unsafe(text: str) -> bool:
    return any(ord(char) > 0x9F and _needs_stand_in(char) for char in text)


def display(text: str, *, keep_newlines: bool = False) -> str:
    """Text safe for one terminal cell run: every unsafe character made visible.

    With ``keep_newlines`` a plain ``\\n`` stays a line break (for multi-line panes);
    everything else that is not printable is shown as an escape or a marker.
    """
    if text.isascii() and text.isprintable():
        return text
    if keep_newlines and "\n" in text:
        return "\n".join(display(line) for line in text.split("\n"))
    cleaned = text.translate(_TABLE)
    if not cleaned.isascii() and _has_rare_unsafe(cleaned):
        cleaned = "".join(_stand_in(c) if _needs_stand_in(c) else c for c in cleaned)
    return cleaned


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
