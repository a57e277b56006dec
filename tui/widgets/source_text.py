"""A source text, word-wrapped, with one span highlighted, drawn line by line; a caret
and a selection, keyboard first, to capture a claim from the words themselves.

Sources and quotes can be megabytes on one line, so nothing builds a renderable of the
whole text: the text is sanitized once, wrapped into line offsets, and only the lines in
view are drawn.

``v`` starts a selection at the caret (at first, the start of the highlighted quote);
``h``/``l`` (a character), ``w``/``b``/``e`` (a word), ``(``/``)`` (a sentence), ``0``/``$``
(the line) and the arrows move its end; ``v`` again starts it afresh where the caret is,
``o`` moves the other end; ``Esc`` drops it. Shift and an arrow, or a mouse
drag, select too. A selection made with word or sentence moves covers whole words.
While no selection is being made, these keys are the screen's (``b`` goes back, ``e``
exports) and the arrows scroll.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..sanitize import display
from .row_cursor import SCROLL_BINDINGS, SteadyScrollbars


def sanitized_with_span(text: str, start: int, end: int) -> tuple[str, int, int]:
    """``text`` made terminal-safe, and where ``text[start:end]`` lies in the result.

    The three parts are sanitized separately: a stand-in such as ``\\x1b`` is longer than
    the character it replaces, so offsets into the raw text would drift. A Windows line end
    is a line end; a lone carriage return is shown as ``\\x0d``.
    """

    def shown(part: str) -> str:
        return display(part.replace("\r\n", "\n"), keep_newlines=True)

    before, quote, after = shown(text[:start]), shown(text[start:end]), shown(text[end:])
    return before + quote + after, len(before), len(before) + len(quote)


def shown_positions(raw: str) -> array:
    """Where each offset of ``raw`` (and its end) lands in the text ``sanitized_with_span``
    shows: a control shown as ``\\x1b`` takes four places, a ``\\r\\n`` one."""
    positions, at, index = array("q"), 0, 0
    while index < len(raw):
        positions.append(at)
        if raw.startswith("\r\n", index):
            positions.append(at)
            index += 2
            at += 1
            continue
        at += len(display(raw[index], keep_newlines=True))
        index += 1
    positions.append(at)
    return positions


def _chars_within(text: str, start: int, limit: int, width: int) -> int:
    """How many characters from ``start`` (at most ``limit - start``) fit in ``width`` cells."""
    count = limit - start
    while count > 1:
        over = cell_len(text[start : start + count]) - width
        if over <= 0:
            break
        count -= max(1, over // 2)
    return max(1, count)


def wrap_offsets(text: str, width: int) -> tuple[array, array]:
    """Start and end offsets of each line of ``text`` word-wrapped to ``width`` cells.

    Lines break at newlines, then at the last space that fits; a word longer than the
    width is cut. The space a line breaks at belongs to no line.
    """
    width = max(1, width)
    starts, ends = array("q"), array("q")
    length = len(text)
    position = 0
    while True:
        newline = text.find("\n", position)
        stop = length if newline == -1 else newline
        single_cells = text[position:stop].isascii()  # controls are already stand-ins
        if position == stop:
            starts.append(position)
            ends.append(stop)
        while position < stop:
            limit = min(stop, position + width)
            if not single_cells:
                limit = position + _chars_within(text, position, limit, width)
            if limit == stop:
                starts.append(position)
                ends.append(stop)
                position = stop
                break
            space = text.rfind(" ", position + 1, limit + 1)
            line_end, position_next = (space, space + 1) if space != -1 else (limit, limit)
            starts.append(position)
            ends.append(line_end)
            position = position_next
        if newline == -1:
            return starts, ends
        position = newline + 1


WORD_START = re.compile(r"(?<![\w'’-])[\w'’-]")
WORD_END = re.compile(r"(?<=[\w'’-])(?![\w'’-])")
SENTENCE_END = re.compile(r"[.?!][\"'”’)]*(?=\s|$)|\n")


def _selecting(key: str, action: str, description: str, **extra) -> Binding:
    return Binding(key, action, description, show=False, **extra)


class SourceText(SteadyScrollbars, ScrollView, can_focus=True):
    """Shows ``show(text, start, end)``: the text wrapped to the width, the span highlighted;
    ``selection`` is what the user selected, in offsets of the raw text given to ``show``."""

    ALLOW_SELECT = False  # its own selection, in offsets of the source: Textual's is not
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "source-text--quote",
        "source-text--caveat",
        "source-text--selection",
        "source-text--caret",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        *SCROLL_BINDINGS,
        Binding(
            "v",
            "select",
            "Select",
            tooltip="Select words of the source to capture a claim from (c), or to add to "
            "the highlighted one (a: a quote, A: a caveat)",
            id="select-text",
        ),
        _selecting("escape", "cancel_selection", "Drop the selection"),
        _selecting("o", "swap_ends", "Other end", tooltip="Move the other end of the selection"),
        _selecting("h", "move('char', -1)", "Back a character"),
        _selecting("l", "move('char', 1)", "On a character"),
        # The arrows, Home and End scroll as in any pane unless a selection is being made.
        _selecting("left", "move_or_scroll('char', -1, 'scroll_left')", "Back a character"),
        _selecting("right", "move_or_scroll('char', 1, 'scroll_right')", "On a character"),
        _selecting("up", "move_or_scroll('row', -1, 'scroll_up')", "Up a line"),
        _selecting("down", "move_or_scroll('row', 1, 'scroll_down')", "Down a line"),
        _selecting("home", "move_or_scroll('line', -1, 'scroll_home')", "Start of the line"),
        _selecting("end", "move_or_scroll('line', 1, 'scroll_end')", "End of the line"),
        _selecting("w", "move('word', 1)", "Next word"),
        _selecting("b", "move('word', -1)", "Previous word"),
        _selecting("e", "move('word_end', 1)", "End of the word"),
        _selecting("left_parenthesis", "move('sentence', -1)", "Previous sentence"),
        _selecting("right_parenthesis", "move('sentence', 1)", "Next sentence"),
        _selecting("0", "move('line', -1)", "Start of the line"),
        _selecting("dollar_sign", "move('line', 1)", "End of the line"),
        _selecting("k", "move('row', -1)", "Up a line"),
        _selecting("j", "move('row', 1)", "Down a line"),
        Binding("shift+left", "extend('char', -1)", "Select left", show=False),
        Binding("shift+right", "extend('char', 1)", "Select right", show=False),
        Binding("shift+up", "extend('row', -1)", "Select up", show=False),
        Binding("shift+down", "extend('row', 1)", "Select down", show=False),
        _selecting("c", "capture", "Capture", tooltip="A new claim from the selection"),
        _selecting("a", "add_quote(False)", "Add quote",
                   tooltip="Add the selection as a quote of the highlighted claim"),
        _selecting("A", "add_quote(True)", "Add caveat",
                   tooltip="Add the selection as a caveat of the highlighted claim"),
    ]

    class Selected(Message):
        """``c``, ``a`` or ``A`` on a selection: what to do with it, and where it is in the
        raw text (``start``, ``end``)."""

        def __init__(self, text: SourceText, what: str, start: int, end: int) -> None:
            super().__init__()
            self.source_text = text
            self.what = what  # "capture", "quote" or "caveat"
            self.start = start
            self.end = end

        @property
        def control(self) -> SourceText:
            return self.source_text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""
        self._span = (0, 0)
        self._span_class = "source-text--quote"
        self._raw: str | None = None  # the text last given to show(), kept to compare
        self._raw_span = (0, 0)
        self._starts, self._ends = array("q", [0]), array("q", [0])
        self._wrapped_width = -1
        self._caret = 0  # where the selection's moving end is, in ``text``
        self._anchor: int | None = None  # its fixed end while selecting
        self._by_character = False  # moved a character at a time: not snapped to words
        self._raw_positions: array | None = None  # ``text`` offset of each raw offset

    @property
    def text(self) -> str:
        """The sanitized text shown."""
        return self._text

    @property
    def span(self) -> tuple[int, int]:
        """Offsets of the highlighted span in ``text``."""
        return self._span

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, index: int) -> int:
        """Where wrapped line ``index`` starts in ``text``."""
        return self._starts[index]

    def line_of(self, offset: int) -> int:
        """The wrapped line that holds ``offset`` of ``text``."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def show(self, text: str, start: int, end: int, *, caveat: bool = False) -> None:
        """Show ``text`` with ``start:end`` highlighted: as evidence, or as a caveat."""
        self._span_class = "source-text--caveat" if caveat else "source-text--quote"
        if text is not self._raw or (start, end) != self._raw_span:
            if text is not self._raw:
                self._raw_positions = None
            self._raw, self._raw_span = text, (start, end)
            self._text, shown_start, shown_end = sanitized_with_span(text, start, end)
            self._span = (shown_start, shown_end)
            self._wrapped_width = -1
            self._caret = shown_start
            self._drop_selection()
        self._wrap()
        self.scroll_to_span()

    def clear(self, message: str = "") -> None:
        self._raw = None
        self._raw_positions = None
        self._text, self._span = display(message, keep_newlines=True), (0, 0)
        self._caret = 0
        self._drop_selection()
        self._wrapped_width = -1
        self._wrap()
        self.scroll_home(animate=False, immediate=True)

    def _drop_selection(self) -> None:
        # The footer is rebuilt only when its keys change: not on every new quote shown.
        if self._anchor is not None:
            self._anchor = None
            self.refresh_bindings()

    # --- the selection ------------------------------------------------------------------

    @property
    def selecting(self) -> bool:
        return self._anchor is not None

    @property
    def caret(self) -> int:
        return self._caret

    @property
    def selected_span(self) -> tuple[int, int] | None:
        """The selection in ``text`` offsets, snapped to whole words unless it was moved a
        character at a time; None when nothing is selected."""
        if self._anchor is None or self._anchor == self._caret:
            return None
        start, end = sorted((self._anchor, self._caret))
        if not self._by_character:  # an end inside a word takes the whole word
            start, end = _word_start(self._text, start), _word_end(self._text, end)
        while start < end and self._text[start].isspace():
            start += 1
        while end > start and self._text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selection in offsets of the raw text given to ``show`` (what a quote is cut
        from), or None."""
        span = self.selected_span
        if span is None or self._raw is None:
            return None
        return self._raw_offset(span[0]), self._raw_offset(span[1])

    def _raw_offset(self, shown: int) -> int:
        """The raw offset that ``text`` offset ``shown`` stands for: the same unless the
        sanitizing lengthened a character (a control as ``\\x1b``) or joined ``\\r\\n``."""
        raw = self._raw or ""
        if self._text == raw:
            return shown
        if self._raw_positions is None:
            self._raw_positions = shown_positions(raw)
        return bisect_left(self._raw_positions, shown)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cancel_selection", "move", "capture", "add_quote", "swap_ends"):
            return self.selecting and self._raw is not None
        if action in ("select", "extend"):
            return self._raw is not None
        if action.startswith("scroll_"):
            return not self.selecting  # while selecting, j/k and the arrows move the caret
        return True

    def action_select(self) -> None:
        # Again while selecting: start afresh at the caret (move there first, then v).
        self._anchor, self._by_character = self._caret, False
        self._after_move()

    def action_swap_ends(self) -> None:
        self._anchor, self._caret = self._caret, self._anchor or 0
        self._after_move()

    def action_cancel_selection(self) -> None:
        self._anchor = None
        self._after_move()

    def action_move(self, unit: str, step: int) -> None:
        self._caret = self._moved(unit, step)
        if unit == "char":
            self._by_character = True
        self._after_move()

    def action_move_or_scroll(self, unit: str, step: int, scroll: str) -> None:
        if self.selecting:
            self.action_move(unit, step)
        else:
            getattr(self, f"action_{scroll}")()

    def action_extend(self, unit: str, step: int) -> None:
        if self._anchor is None:
            self._anchor, self._by_character = self._caret, True
        self.action_move(unit, step)

    def _moved(self, unit: str, step: int) -> int:
        text, caret = self._text, self._caret
        if unit == "char":
            return max(0, min(len(text), caret + step))
        if unit == "word":
            if step > 0:
                found = WORD_START.search(text, caret + 1)
                return found.start() if found else len(text)
            window = max(0, caret - 400)  # a word is never longer than that, in practice
            starts = [m.start() for m in WORD_START.finditer(text, window, caret)]
            return starts[-1] if starts else window
        if unit == "word_end":
            found = WORD_END.search(text, caret + 1)
            return found.start() if found else len(text)
        if unit == "sentence":
            if step > 0:
                found = SENTENCE_END.search(text, caret + 1)
                return found.end() if found else len(text)
            ends = [m.end() for m in SENTENCE_END.finditer(text, 0, max(0, caret - 1))]
            start = ends[-1] if ends else 0
            while start < len(text) and text[start].isspace():
                start += 1
            return start
        line = self.line_of(caret)
        if unit == "line":
            return self._starts[line] if step < 0 else self._ends[line]
        # "row": the same column a line up or down
        target = max(0, min(len(self._starts) - 1, line + step))
        column = caret - self._starts[line]
        return min(self._starts[target] + column, self._ends[target])

    def _after_move(self) -> None:
        self.refresh_bindings()
        self.refresh()
        line = self.line_of(self._caret)
        self.scroll_to_region(Region(0, line, 1, 1), animate=False, immediate=True, x_axis=False)
        self.post_message(self.SelectionChanged(self))

    class SelectionChanged(Message):
        """The caret moved or the selection changed (for the pane's hint)."""

        def __init__(self, text: SourceText) -> None:
            super().__init__()
            self.source_text = text

    def action_capture(self) -> None:
        self._post_selection("capture")

    def action_add_quote(self, caveat: bool) -> None:
        self._post_selection("caveat" if caveat else "quote")

    def _post_selection(self, what: str) -> None:
        selection = self.selection
        if selection is None:
            self.app.bell()
            self.notify("Select some words first: v, then w, e or l.", severity="warning")
            return
        self.post_message(self.Selected(self, what, *selection))

    def _offset_at(self, offset: Offset) -> int:
        """The ``text`` offset under a point of the widget (its padding left out)."""
        line = max(0, min(len(self._starts) - 1, self.scroll_offset.y + offset.y))
        start, end = self._starts[line], self._ends[line]
        column = max(0, offset.x - self.styles.padding.left)
        chars = 0
        while start + chars < end and cell_len(self._text[start : start + chars + 1]) <= column:
            chars += 1
        return start + chars

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if self._raw is None or event.button != 1:
            return
        self._caret = self._anchor = self._offset_at(event.offset)
        self._by_character = True
        self.capture_mouse()
        self._after_move()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._anchor is not None and self.app.mouse_captured is self and event.button == 1:
            caret = self._offset_at(event.offset)
            if caret != self._caret:
                self._caret = caret
                self._after_move()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self.app.mouse_captured is self:
            self.release_mouse()
            if self._anchor == self._caret:
                self._anchor = None  # a click, not a drag: no selection
                self._after_move()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width or self.size.width or 80
        if width != self._wrapped_width:
            self._wrapped_width = width
            self._starts, self._ends = wrap_offsets(self._text, width)
            self.virtual_size = Size(width, len(self._starts))
        self.refresh()

    def scroll_to_span(self) -> None:
        """Scroll so the highlighted span starts a third of the way down the view."""
        if self._span[1] > self._span[0]:
            first = self.line_of(self._span[0])
            height = self.scrollable_content_region.height or self.size.height
            self.scroll_to(y=max(0, first - height // 3), animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._wrapped_width:
            self._wrap()
            self.scroll_to_span()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.visual_style.rich_style
        if index >= len(self._starts):
            return Strip.blank(width, base)
        start, end = self._starts[index], self._ends[index]
        span_start, span_end = self._span
        text = self._text
        if span_end <= start or span_start >= end:
            segments = [Segment(text[start:end], base)]
        else:
            quote = base + self.get_component_rich_style(self._span_class, partial=True)
            cut_start, cut_end = max(start, span_start), min(end, span_end)
            segments = [
                Segment(text[start:cut_start], base),
                Segment(text[cut_start:cut_end], quote),
                Segment(text[cut_end:end], base),
            ]
        if self._anchor is not None:  # the caret shows while a selection is being made
            segments = self._with_selection(segments, start, end)
        return Strip(segments).crop_extend(0, width, base)

    def _with_selection(self, segments: list[Segment], start: int, end: int) -> list[Segment]:
        """The line's segments with the selection and its caret (its moving end) styled."""
        selection = self.get_component_rich_style("source-text--selection", partial=True)
        caret = self.get_component_rich_style("source-text--caret", partial=True)
        low, high = sorted((self._anchor or 0, self._caret))
        caret_at = self._caret if start <= self._caret <= end else -1
        styled: list[Segment] = []
        position = start
        for segment in segments:
            text = segment.text
            cuts = sorted(
                {0, len(text)}
                | {
                    at - position
                    for at in (low, high, caret_at, caret_at + 1)
                    if position < at < position + len(text)
                }
            )
            for left, right in zip(cuts, cuts[1:], strict=False):
                at = position + left
                style = segment.style
                if low <= at < high:
                    style = style + selection if style else selection
                if at == caret_at:
                    style = style + caret if style else caret
                styled.append(Segment(text[left:right], style))
            position += len(text)
        if caret_at == end:  # the caret after the line's last character
            styled.append(Segment(" ", caret))
        return styled


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "'’-_"


def _word_start(text: str, at: int) -> int:
    """``at``, or the start of the word ``at`` is inside of."""
    if 0 < at < len(text) and _in_word(text[at]):
        while at > 0 and _in_word(text[at - 1]):
            at -= 1
    return at


def _word_end(text: str, at: int) -> int:
    """``at``, or the end of the word ``at`` is inside of (not of one it starts)."""
    if 0 < at and _in_word(text[at - 1]):
        while at < len(text) and _in_word(text[at]):
            at += 1
    return at
