"""The disputes view (`!`, or "Disputes" in the palette): where sources, or the people they
quote, disagree. Each dispute shows both claims side by side: their quotes, who says each
and when. The analyst marks an open one as a conflict (`c`), a supersession (`s`: the later
report replaces the earlier) or both true (`b`); the mark is saved in the file by the one
write path, as any edit (`u` undoes it). Nothing is decided by the tool."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..claims import ItemRef, claim_by_ref
from ..disputes import (
    BOTH_TRUE,
    CANDIDATE,
    CONFLICT,
    SUPERSEDED,
    Dispute,
    decision_change,
    disputes,
)
from ..sanitize import display
from ..widgets.fitting_footer import FittingFooter

if TYPE_CHECKING:
    from ..filters import Filters
    from ..model import KnowledgeBase

_STATE_MARK = {CANDIDATE: "open", CONFLICT: "conflict", SUPERSEDED: "superseded",
               BOTH_TRUE: "both true"}


def _who(kb: KnowledgeBase, claim) -> str:
    """Who says it: the actor the source quotes, else the source itself."""
    asserter = kb.actor_by_id.get(claim.asserted_by) if claim.asserted_by else None
    publishers = dict.fromkeys(
        kb.source_by_id[e.source].publisher for e in claim.evidence if e.source in kb.source_by_id
    )
    via = ", ".join(publishers)
    return f"{asserter.name} (via {via})" if asserter is not None else via


def _when(kb: KnowledgeBase, claim) -> str:
    published = sorted({kb.source_by_id[e.source].published_date for e in claim.evidence
                        if e.source in kb.source_by_id})
    dated = f"dated {claim.date}" if getattr(claim, "date", None) else "undated"
    return f"{dated}; reported {', '.join(published)}"


def claim_panel(kb: KnowledgeBase, ref: ItemRef) -> Text:
    """One side of a dispute: the claim, who says it and when, and its quotes."""
    claim = claim_by_ref(kb, ref)
    if claim is None:
        return Text(display(f"{ref.id}: not shown (the filters hide it)"), style="dim")
    text = Text()
    text.append(display(ref.id), style="bold")
    summary = getattr(claim, "summary", None) or getattr(claim, "position", "")
    text.append("\n" + display(summary))
    text.append("\nsays: ", style="dim")
    text.append(display(_who(kb, claim)))
    text.append("\nwhen: ", style="dim")
    text.append(display(_when(kb, claim)))
    for evidence in claim.evidence:
        source = kb.source_by_id.get(evidence.source)
        text.append("\n“")
        text.append(display(evidence.quote), style="italic")
        text.append("”")
        if source is not None:
            text.append(display(f" ({source.publisher}, {source.published_date})"), style="dim")
    return text


class DisputesScreen(ModalScreen[None]):
    """``DisputesScreen(kb, pair=None)``: the disputes of ``kb``; ``pair`` (two actor ids,
    from a ± cell of the matrix) keeps those between them."""

    CSS_PATH = "disputes.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("c", "decide('conflict')", "Conflict", id="dispute-conflict",
                tooltip="Mark it a conflict: both claims stay, each attributed"),
        Binding("s", "decide('superseded')", "Supersedes", id="dispute-supersedes",
                tooltip="The later report replaces the earlier one"),
        Binding("b", "decide('both true')", "Both true", id="dispute-both",
                tooltip="Checked: the two claims do not disagree"),
    ]

    def __init__(self, kb: KnowledgeBase, pair: frozenset[str] | None = None) -> None:
        super().__init__()
        self.kb = kb
        self.pair = pair
        self.items: list[Dispute] = []

    def _listed(self, kb: KnowledgeBase) -> list[Dispute]:
        found = disputes(kb)
        if self.pair is None:
            return found
        return [d for d in found if d.section == "relations"
                and self.pair <= _parties(kb, d)]

    def compose(self) -> ComposeResult:
        with Vertical(id="disputes-dialog"):
            yield Static(id="disputes-title")
            yield OptionList(id="disputes-list")
            with Horizontal(id="disputes-sides"):
                with VerticalScroll(classes="disputes-side"):
                    yield Static(id="disputes-first")
                with VerticalScroll(classes="disputes-side"):
                    yield Static(id="disputes-second")
            yield Static(id="disputes-why")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.set_data(self.kb)
        self.query_one(OptionList).focus()

    def set_data(self, kb: KnowledgeBase, filters: Filters | None = None) -> None:
        """The app's knowledge base changed (a decision saved, a reload, new filters)."""
        self.kb = kb
        self.items = self._listed(kb)
        counts = {state: sum(d.state == state for d in self.items) for state in _STATE_MARK}
        title = Text("Disputes", style="bold")
        between = ""
        if self.pair is not None:
            names = sorted(kb.actor_by_id[a].name if a in kb.actor_by_id else a
                           for a in self.pair)
            between = f" between {' and '.join(names)}"
        title.append(display(between))
        title.append(": " + " · ".join(f"{counts[s]} {_STATE_MARK[s]}" for s in _STATE_MARK),
                     style="dim")
        self.query_one("#disputes-title", Static).update(title)
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.set_options([self._option(d) for d in self.items])
        if self.items:
            options.highlighted = min(highlighted or 0, len(self.items) - 1)
        self._show(options.highlighted)

    def _option(self, dispute: Dispute) -> Option:
        label = Text()
        label.append(f"{_STATE_MARK[dispute.state]:<10}", style="bold" if
                     dispute.state == CANDIDATE else "dim")
        label.append(display(f" {dispute.first} · {dispute.second}: {dispute.reason}"))
        return Option(label)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    def _show(self, index: int | None) -> None:
        first = self.query_one("#disputes-first", Static)
        second = self.query_one("#disputes-second", Static)
        why = self.query_one("#disputes-why", Static)
        if index is None or not self.items:
            first.update(Text("No disputes: no two claims disagree on a date, a polarity or "
                              "a stand, and none is marked as contradicting another.",
                              style="dim"))
            second.update("")
            why.update("")
            return
        dispute = self.items[index]
        first.update(claim_panel(self.kb, dispute.ref(dispute.first)))
        second.update(claim_panel(self.kb, dispute.ref(dispute.second)))
        if dispute.state == CANDIDATE:
            hint = "c conflict · s the later supersedes · b both true · Esc close"
        else:
            hint = (f"Marked {_STATE_MARK[dispute.state]} in the file; edit the claim (E) to "
                    "change it")
        why.update(Text(hint, style="dim"))

    def action_decide(self, state: str) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or not self.items:
            self.app.bell()
            self.notify("No dispute to mark: the list is empty.", markup=False)
            return
        dispute = self.items[index]
        if dispute.state != CANDIDATE:
            self.app.bell()
            self.notify(f"Already marked {_STATE_MARK[dispute.state]}.", markup=False)
            return
        why = self.app.why_read_only()
        if why is not None:
            self.app.bell()
            self.notify(why, severity="warning", markup=False)
            return
        from ..changes import Change, Focus
        from ..edit import update_item

        # Decided on the whole file: a claim the filters hide is still the file's.
        full = getattr(self.app, "full_knowledge_base", None) or self.kb
        section, claim_id, fields = decision_change(full, dispute, state)
        ref = dispute.ref(claim_id)
        claim = claim_by_ref(full, ref)
        actor = getattr(claim, "source", None) or getattr(claim, "actor", None)
        focus = Focus(actor, ref.kind, claim_id)
        what = {CONFLICT: "a conflict", SUPERSEDED: "a supersession", BOTH_TRUE: "both true"}
        self.app.change_file(Change(
            f"marked {dispute.first} / {dispute.second} as {what[state]}",
            lambda text: update_item(text, section, claim_id, fields), focus,
        ))


def _parties(kb: KnowledgeBase, dispute: Dispute) -> set[str]:
    parties: set[str] = set()
    for claim_id in (dispute.first, dispute.second):
        claim = claim_by_ref(kb, dispute.ref(claim_id))
        if claim is not None:
            parties |= {claim.source, claim.target}
    return parties
