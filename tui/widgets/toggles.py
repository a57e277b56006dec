"""Selection lists and radio buttons that read without colour.

Textual draws the same mark in every toggle (``X`` in a selection list and a checkbox, ``●``
in a radio button) and tells on from off by colour alone; these draw the mark only when on.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

OFF_MARK = " "


class MarkedSelectionList(SelectionList[str]):
    """``SelectionList`` whose unselected options show an empty box."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if option.value in self.selected:
            return strip
        segments = list(strip)
        # The line starts with the box Textual draws: left side, mark, right side.
        if len(segments) > 3 and segments[1].text == ToggleButton.BUTTON_INNER:
            segments[1] = Segment(OFF_MARK, segments[1].style)
        return Strip(segments, strip.cell_length)


class MarkedRadioButton(RadioButton):
    """``RadioButton`` whose mark shows only when it is pressed."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - the name ToggleButton reads
        return RadioButton.BUTTON_INNER if self.value else OFF_MARK


class MarkedCheckbox(Checkbox):
    """``Checkbox`` whose mark shows only when it is ticked."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - the name ToggleButton reads
        return Checkbox.BUTTON_INNER if self.value else OFF_MARK
