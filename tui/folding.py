"""Text folded for matching: lower case, no accents, typographic quotes and dashes as a
keyboard types them; one character for one character, so that a match's offsets in the
folded text are its offsets in the original."""

from __future__ import annotations

import unicodedata

# Typographic forms that text copied from a web page brings, folded to what a keyboard types.
_TYPOGRAPHIC = dict.fromkeys("‘’‚‛′", "'") | dict.fromkeys("“”„‟″", '"') | dict.fromkeys(
    "‐‑‒–—", "-"
) | {"\u00a0": " "}


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding one character to exactly one character.

    Filled on demand: only characters that actually occur are ever computed.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char == "\n":
            folded = " "  # newlines separate entries in the joined haystacks
        elif char in _TYPOGRAPHIC:
            folded = _TYPOGRAPHIC[char]
        else:
            base = unicodedata.normalize("NFD", char)[0]
            lowered = base.lower()
            folded = lowered if len(lowered) == 1 else base
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower case without accents or typographic quotes and dashes, one character per
    character, and no newlines."""
    if text.isascii():
        folded = text.lower()
        return folded.replace("\n", " ") if "\n" in folded else folded
    return text.translate(_FOLD)
