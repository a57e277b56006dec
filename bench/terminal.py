"""A small terminal for the pseudo-terminal start-up row: keeps the screen, answers queries.

The bench starts a program on a pseudo-terminal and reads what it writes. ``Terminal`` plays
the other end the way a terminal emulator does: it keeps a grid of characters (cursor moves,
text, erasing, the alternate screen, scrolling at the bottom line; colours and styles are
read and dropped), and it answers the queries a program may send, with the replies of a
modern xterm-compatible terminal (``replies()`` hands them out, to be written to the pty
master). A terminal that supports synchronized output (mode 2026) shows nothing of a frame
until its end; so does this one: ``shown`` is the count of complete screens shown so far,
and ``lines`` the screen as last shown.

Queries answered. Textual 8 sends two, both DECRQM (``CSI ? Pm $ p``), for 2026
synchronized output and 2048 in-band resize: both are known here and reset
(``CSI ? Pm ; 2 $ y``), as in a terminal that supports them; enabling 2048 then sends the
size report at once (``CSI 48 ; rows ; cols ; height px ; width px t``), as that protocol
says. Other private modes: 1 or 2 for those this terminal keeps, else 0 (not recognised).
For other programs: DA1 ``CSI c`` (a VT220 with ANSI colour), DA2 ``CSI > c``, DSR
``CSI 5 n`` and the cursor position ``CSI 6 n``, the kitty keyboard flags ``CSI ? u`` (0:
none set), XTWINOPS size reports ``CSI 14/16/18 t``, and the colour queries
``OSC 10/11/12 ; ?`` (light grey on black). Anything else is read and ignored, as terminals
ignore what they do not know (Textual's kitty keyboard push ``CSI > 25 u`` and its pointer
shape ``OSC 22`` ask for no answer).

Pure: no process, no clock; the bench feeds it bytes and writes its replies.
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rich.cells import get_character_cell_size

CELL_PIXELS = (10, 20)  # width, height of a character cell, for the pixel-size reports
DEVICE_ATTRIBUTES = "\x1b[?62;22c"  # VT220 with ANSI colour
SECONDARY_ATTRIBUTES = "\x1b[>1;10;0c"
FOREGROUND, BACKGROUND, CURSOR = "rgb:d0d0/d0d0/d0d0", "rgb:0000/0000/0000", "rgb:d0d0/d0d0/d0d0"
# Private modes this terminal knows: DECRQM answers 1 (set) or 2 (reset) for them, 0 (not
# recognised) for the others. Every private mode is kept; all start reset but these:
KNOWN_MODES = frozenset({
    "1", "7", "25", "47", "1000", "1002", "1003", "1004", "1006", "1015", "1016", "1047",
    "1049", "2004", "2026", "2048",
})
SET_AT_START = ("7", "25")  # autowrap, cursor shown
_CSI = re.compile(r"\x1b\[([0-?]*)([ -/]*)([@-~])")
_SGR = re.compile(r"\x1b\[[0-9;:]*m")


@lru_cache(maxsize=4096)
def _single_cells(text: str) -> bool:
    """Whether each character of ``text`` takes one cell (most runs Textual writes do)."""
    return all(get_character_cell_size(char) == 1 for char in text)


@dataclass
class Terminal:
    columns: int
    rows: int
    known_modes: frozenset[str] = KNOWN_MODES
    queries: list[str] = field(default_factory=list)  # every query seen, in order
    shown: int = 0  # complete screens shown (see the module's docstring)

    def __post_init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # an escape sequence cut by the end of a read
        self._replies: list[str] = []
        self.modes: defaultdict[str, bool] = defaultdict(bool, dict.fromkeys(SET_AT_START, True))
        self._main = self._blank()
        self._alternate = self._blank()
        self.grid = self._main
        self.x = self.y = 0
        self._saved = (0, 0)
        self.lines = self.text_lines()

    # --- reading the program's output ---------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Take the next bytes the program wrote."""
        # Colours and styles change nothing kept here: dropped first, in one pass.
        text = _SGR.sub("", self._pending + self._decoder.decode(data))
        self._pending = ""
        i, end = 0, len(text)
        while i < end:
            char = text[i]
            if char == "\x1b":
                consumed = self._escape(text, i)
                if consumed is None:  # cut short: wait for the rest
                    self._pending = text[i:]
                    break
                i = consumed
                continue
            if char >= " " and char != "\x7f":
                start = i
                while i < end and text[i] >= " " and text[i] != "\x7f" and text[i] != "\x1b":
                    i += 1
                self._print(text[start:i])
                continue
            self._control(char)
            i += 1
        if not self.modes["2026"]:
            self._show()

    def replies(self) -> bytes:
        """What the terminal answers to the queries read so far (then forgotten)."""
        out, self._replies = "".join(self._replies), []
        return out.encode()

    def text_lines(self) -> list[str]:
        """The screen as it is now (shown or not), one string a row, trailing spaces kept."""
        return ["".join(row) for row in self.grid]

    def _show(self) -> None:
        self.lines = self.text_lines()
        self.shown += 1

    # --- the grid -----------------------------------------------------------------------

    def _blank(self) -> list[list[str]]:
        return [[" "] * self.columns for _ in range(self.rows)]

    def _print(self, text: str) -> None:
        row = self.grid[self.y]
        if self.x + len(text) <= self.columns and (text.isascii() or _single_cells(text)):
            end = self.x + len(text)
            row[self.x : end] = text
            self.x = end if self.modes["7"] else min(end, self.columns - 1)
            return
        for char in text:
            width = get_character_cell_size(char)
            if width == 0:  # combining: joins the cell before
                if self.x > 0:
                    row[self.x - 1] += char
                continue
            if self.x + width > self.columns:
                if self.modes["7"]:
                    self.x = 0
                    self._line_feed()
                    row = self.grid[self.y]
                else:
                    self.x = self.columns - width
            row[self.x] = char
            if width == 2:
                row[self.x + 1] = ""
            self.x = min(self.x + width, self.columns) if self.modes["7"] else min(
                self.x + width, self.columns - 1
            )

    def _line_feed(self) -> None:
        if self.y == self.rows - 1:
            del self.grid[0]
            self.grid.append([" "] * self.columns)
        else:
            self.y += 1

    def _control(self, char: str) -> None:
        if char == "\r":
            self.x = 0
        elif char in "\n\x0b\x0c":
            self._line_feed()
        elif char == "\b":
            self.x = max(0, self.x - 1)
        elif char == "\t":
            self.x = min(self.columns - 1, (self.x // 8 + 1) * 8)
        # BEL and the other C0 controls change nothing on the screen

    def _erase(self, row: int, start: int, stop: int) -> None:
        self.grid[row][start:stop] = [" "] * (stop - start)

    # --- escape sequences ---------------------------------------------------------------

    def _escape(self, text: str, i: int) -> int | None:
        """Handle the escape sequence at ``i``; where the text goes on, None if cut short."""
        if i + 1 >= len(text):
            return None
        kind = text[i + 1]
        if kind == "[":
            match = _CSI.match(text, i)
            if match is None:
                rest = text[i + 2 :]
                if all("\x20" <= c <= "\x3f" for c in rest) and len(rest) < 64:
                    return None
                return i + 2  # malformed: drop the introducer
            self._csi(*match.groups())
            return match.end()
        if kind in "]P_^X":  # OSC, DCS, APC, PM, SOS: up to BEL (OSC) or ST
            for stop in range(i + 2, len(text)):
                if text[stop] == "\x07" and kind == "]":
                    self._string(kind, text[i + 2 : stop])
                    return stop + 1
                if text[stop] == "\x1b" and stop + 1 < len(text) and text[stop + 1] == "\\":
                    self._string(kind, text[i + 2 : stop])
                    return stop + 2
            return None
        if kind in "()*+#%":  # character sets and the like: one more character
            return None if i + 2 >= len(text) else i + 3
        if kind == "7":
            self._saved = (self.x, self.y)
        elif kind == "8":
            self.x, self.y = self._saved
        elif kind == "D":
            self._line_feed()
        elif kind == "E":
            self.x = 0
            self._line_feed()
        elif kind == "M":
            self.y = max(0, self.y - 1)
        elif kind == "c":
            self.__post_init__()
        return i + 2

    def _string(self, kind: str, body: str) -> None:
        if kind == "]":
            number, _, value = body.partition(";")
            if number in ("10", "11", "12") and value == "?":
                self.queries.append(f"OSC {number} ; ?")
                colour = {"10": FOREGROUND, "11": BACKGROUND, "12": CURSOR}[number]
                self._replies.append(f"\x1b]{number};{colour}\x1b\\")

    def _csi(self, params: str, intermediates: str, final: str) -> None:
        private = params[:1] if params[:1] in "?<=>" else ""
        values = params[len(private) :].split(";") if params[len(private) :] else []

        def number(index: int, default: int) -> int:
            try:
                value = int(values[index].split(":")[0])
            except (IndexError, ValueError):
                return default
            return value or default

        if intermediates == "$" and final == "p" and private == "?":
            self._mode_report(values[0] if values else "")
        elif intermediates:
            return
        elif final in "Hf" and not private:
            self.y = min(self.rows, number(0, 1)) - 1
            self.x = min(self.columns, number(1, 1)) - 1
        elif final in "hl" and private == "?":
            for mode in values:
                self._set_mode(mode, final == "h")
        elif final == "c" and private in ("", ">") and number(0, 0) == 0:
            self.queries.append(f"DA{'2' if private else '1'}: CSI {private}c")
            self._replies.append(SECONDARY_ATTRIBUTES if private else DEVICE_ATTRIBUTES)
        elif final == "n" and not private:
            if number(0, 0) == 6:
                self.queries.append("DSR cursor position: CSI 6 n")
                self._replies.append(f"\x1b[{self.y + 1};{self.x + 1}R")
            elif number(0, 0) == 5:
                self.queries.append("DSR status: CSI 5 n")
                self._replies.append("\x1b[0n")
        elif final == "u" and private == "?":
            self.queries.append("kitty keyboard flags: CSI ? u")
            self._replies.append("\x1b[?0u")
        elif final == "t" and not private and number(0, 0) in (14, 16, 18):
            request = number(0, 0)
            self.queries.append(f"XTWINOPS: CSI {request} t")
            width, height = CELL_PIXELS
            self._replies.append(
                {
                    14: f"\x1b[4;{height * self.rows};{width * self.columns}t",
                    16: f"\x1b[6;{height};{width}t",
                    18: f"\x1b[8;{self.rows};{self.columns}t",
                }[request]
            )
        elif private:
            return  # kitty keyboard push/pop (CSI > u, CSI < u) and the like: no answer
        elif final == "A":
            self.y = max(0, self.y - number(0, 1))
        elif final == "B":
            self.y = min(self.rows - 1, self.y + number(0, 1))
        elif final == "C":
            self.x = min(self.columns - 1, self.x + number(0, 1))
        elif final == "D":
            self.x = max(0, self.x - number(0, 1))
        elif final == "G":
            self.x = min(self.columns, number(0, 1)) - 1
        elif final == "d":
            self.y = min(self.rows, number(0, 1)) - 1
        elif final == "J":
            how = number(0, 0) if values and values[0] else 0
            if how == 0:
                self._erase(self.y, self.x, self.columns)
                for row in range(self.y + 1, self.rows):
                    self._erase(row, 0, self.columns)
            elif how == 1:
                for row in range(self.y):
                    self._erase(row, 0, self.columns)
                self._erase(self.y, 0, self.x + 1)
            else:
                for row in range(self.rows):
                    self._erase(row, 0, self.columns)
        elif final == "K":
            how = number(0, 0) if values and values[0] else 0
            start, stop = {0: (self.x, self.columns), 1: (0, self.x + 1)}.get(
                how, (0, self.columns)
            )
            self._erase(self.y, start, stop)
        # SGR (m) and the rest: nothing to keep

    def _mode_report(self, mode: str) -> None:
        self.queries.append(f"DECRQM: CSI ? {mode} $ p")
        setting = (1 if self.modes[mode] else 2) if mode in self.known_modes else 0
        self._replies.append(f"\x1b[?{mode};{setting}$y")

    def _set_mode(self, mode: str, on: bool) -> None:
        if mode not in self.known_modes:
            return  # unknown to this terminal: no effect, as DECRQM said
        was = self.modes[mode]
        self.modes[mode] = on
        if mode in ("1049", "1047", "47") and on != was:
            if on:
                self._saved = (self.x, self.y)
                self._alternate = self._blank()
                self.grid = self._alternate
            else:
                self.grid = self._main
                self.x, self.y = self._saved
        elif mode == "2026" and was and not on:
            self._show()  # the end of a synchronized update: the frame appears
        elif mode == "2048" and on and not was:
            width, height = CELL_PIXELS
            self._replies.append(
                f"\x1b[48;{self.rows};{self.columns};{height * self.rows};{width * self.columns}t"
            )
