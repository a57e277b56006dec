"""Likely duplicate actors (the palette's "Likely duplicates"): each pair with why it may
be one actor; Enter on one merges it one way or the other, or marks the two distinct, as
one change of the file (u undoes it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..duplicates import Duplicate, likely_duplicates
from ..sanitize import display

if TYPE_CHECKING:
    from ..model import KnowledgeBase


def _actor_label(kb: KnowledgeBase, actor_id: str) -> str:
    actor = kb.actor_by_id[actor_id]
    return f"{actor.name} ({actor.id})"


class DuplicatesScreen(ModalScreen[None]):
    """``DuplicatesScreen(kb)``: the likely duplicates of ``kb`` (the unfiltered one)."""

    CSS_PATH = "duplicates.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close"),
    ]

    def __init__(self, kb: KnowledgeBase) -> None:
        super().__init__()
        self.kb = kb
        self.pairs: list[Duplicate] = likely_duplicates(kb)

    def compose(self) -> ComposeResult:
        with Vertical(id="duplicates-dialog"):
            count = len(self.pairs)
            title = (f"Likely duplicates: {count} pair{'s' * (count != 1)}" if count
                     else "Likely duplicates: none")
            yield Static(Text(title, style="bold"), id="duplicates-title")
            why = self.app.why_read_only()
            if why is not None and self.pairs:
                yield Static(Text(display(f"Merging is off: {why}")), id="duplicates-why")
            if self.pairs:
                yield OptionList(*self._options(), id="duplicates-list")
            else:
                yield Static(Text("No two actors look like one."), id="duplicates-none")
            hint = ("Enter merge or mark distinct · Esc close" if why is None and self.pairs
                    else "Esc close")
            yield Static(Text(hint, style="dim"), id="duplicates-hint")

    def set_data(self, kb: KnowledgeBase, filters=None) -> None:
        """The file changed (a merge saved, a reload): the pairs of the whole file again."""
        full = getattr(self.app, "full_knowledge_base", None) or kb
        self.kb, self.pairs = full, likely_duplicates(full)
        found = self.query("#duplicates-list")
        if found:
            listed = found.first(OptionList)
            listed.set_options(self._options())
        count = len(self.pairs)
        title = (f"Likely duplicates: {count} pair{'s' * (count != 1)}" if count
                 else "Likely duplicates: none")
        self.query_one("#duplicates-title", Static).update(Text(title, style="bold"))

    def _options(self) -> list[Option]:
        options = []
        for pair in self.pairs:
            prompt = Text(display(f"{_actor_label(self.kb, pair.first)} · "
                                  f"{_actor_label(self.kb, pair.second)}"), style="bold")
            prompt.append("\n")
            prompt.append(display("; ".join(pair.reasons)), style="dim")
            options.append(Option(prompt))
        return options

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        if message.option_list.id != "duplicates-list":
            return
        message.stop()
        why = self.app.why_read_only()
        if why is not None:
            self.app.bell()
            self.notify(why, severity="warning", markup=False)
            return
        pair = self.pairs[message.option_index]
        self.app.push_screen(MergeChoiceScreen(self.kb, pair),
                             lambda choice: self._chosen(pair, choice))

    def _chosen(self, pair: Duplicate, choice: str | None) -> None:
        from ..changes import Change, Focus

        if choice is None:
            return
        kb = self.kb
        if choice == "distinct":
            first = kb.actor_by_id[pair.first]

            def apply(text: str) -> str:
                from .. import edit

                ids = [*first.distinct_from, pair.second]
                return edit.update_item(text, "actors", pair.first, {"distinct_from": ids})

            change = Change(f"marked {pair.first} distinct from {pair.second}", apply,
                            Focus(pair.first))
        else:
            old, new = (pair.first, pair.second) if choice == "first" else (
                pair.second, pair.first)

            def apply(text: str) -> str:
                from ..edit import ChangeRefused
                from ..merge import MergeRefused, merge_text

                try:
                    return merge_text(text, kb, old, new)
                except MergeRefused as refused:
                    raise ChangeRefused(f"Cannot merge: {refused}; nothing was written") from None

            change = Change(f"merged {old} into {new}", apply, Focus(new))
        self.app.change_file(change, on_saved=self.dismiss)


class MergeChoiceScreen(ModalScreen[str | None]):
    """Which way to merge a pair, or mark it distinct: dismisses with "first" (merge the
    first into the second), "second", "distinct", or None."""

    CSS_PATH = "duplicates.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, kb: KnowledgeBase, pair: Duplicate) -> None:
        super().__init__()
        self.kb = kb
        self.pair = pair

    def compose(self) -> ComposeResult:
        from ..edit import references_to

        first = _actor_label(self.kb, self.pair.first)
        second = _actor_label(self.kb, self.pair.second)
        named = {actor_id: len(references_to(self.kb, actor_id))
                 for actor_id in (self.pair.first, self.pair.second)}

        def said(actor_id: str) -> str:
            count = named[actor_id]
            return f"named {count} time{'s' * (count != 1)}"

        merges = [
            Option(Text(display(f"Merge {first} ({said(self.pair.first)}) into {second}")),
                   id="first"),
            Option(Text(display(f"Merge {second} ({said(self.pair.second)}) into {first}")),
                   id="second"),
        ]
        if named[self.pair.first] > named[self.pair.second]:
            merges.reverse()  # first, the one that keeps the more used actor
        with Vertical(id="merge-choice-dialog"):
            yield Static(Text(display(f"{first} and {second}"), style="bold"))
            yield OptionList(
                *merges,
                Option(Text("They are not the same: mark them distinct"), id="distinct"),
                Option(Text("Cancel"), id="cancel"),
                id="merge-choice-list",
            )
            yield Static(Text("Enter choose · Esc cancel · u undoes a merge", style="dim"))

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        choice = message.option.id
        self.dismiss(None if choice == "cancel" else choice)
