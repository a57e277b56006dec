"""The evidence of the highlighted relation or stance, highlighted inside its source text."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from ..claims import ItemRef
from ..model import Evidence, KnowledgeBase
from ..recent import Recent
from ..sanitize import display
from .claim_block import ClaimBlock
from .items import describe_item, evidence_of, is_caveat, why_no_items
from .source_text import SourceText

NOTHING_SELECTED = "Highlight a relation or a stance to read the source that backs it."
WHOLE_SOURCE = "the whole text: select words (v) to capture a claim (c)"
DESCRIBED_KEPT = 16  # claims whose description is kept, to move back onto at once


class SourceView(Vertical):
    """``SourceView(kb, unfiltered=None)``: shows quote ``evidence_index`` of ``item`` with its
    citation; with no item, why: ``actor_id`` has none, or the filters hid them all (``kb``
    being ``unfiltered`` filtered). ``show_source(id)`` shows a source whole, no quote in it
    (a source just added), until the selection moves."""

    ALLOW_MAXIMIZE = True  # zooming the text zooms the pane, citation included

    actor_id: reactive[str | None] = reactive(None, init=False)
    item: reactive[ItemRef | None] = reactive(None, init=False)
    evidence_index: reactive[int] = reactive(0, init=False)

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        unfiltered: KnowledgeBase | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.kb = kb
        self.unfiltered = unfiltered or kb
        self._update_pending = False
        self._whole_source: str | None = None  # the id of a source shown whole
        # After `D`: (section, id) -> what changed since the revision ("" when nothing).
        self._change_note: Callable[[str, str], str] | None = None
        # item -> describe_item(kb, item), for this kb: the last few claims shown (a claim
        # of an actor with thousands of relations compares it with them for disputes).
        self._described: Recent[str] = Recent(DESCRIBED_KEPT)
        self._described_kb = kb
        self._claim = ClaimBlock(id="claim")
        self._citation = Static(id="citation", markup=False)
        self._text = SourceText(id="source-text")

    def compose(self) -> ComposeResult:
        yield self._claim
        yield self._citation
        yield self._text

    def on_mount(self) -> None:
        self.border_title = "Source"
        self._update()

    def show_data(self, kb: KnowledgeBase, unfiltered: KnowledgeBase) -> None:
        """Show another (re-filtered or changed) knowledge base in place."""
        self.kb, self.unfiltered = kb, unfiltered
        self._text.clear()  # a selection made in the old text is not carried over
        self._schedule_update()

    @property
    def evidence(self) -> Evidence | None:
        """The quote on show, or None (a source shown whole has none)."""
        if self._whole_source is not None:
            return None
        found = evidence_of(self.kb, self.item)
        return found[self.evidence_index] if 0 <= self.evidence_index < len(found) else None

    @property
    def source_id(self) -> str | None:
        """The id of the source on show: the quote's, or the one shown whole."""
        if self._whole_source is not None:
            return self._whole_source
        evidence = self.evidence
        return evidence.source if evidence is not None else None

    def show_changes(self, note_of: Callable[[str, str], str] | None) -> None:
        """Say above the claim what changed in it since a revision (`D`); None: no more."""
        self._change_note = note_of
        self._schedule_update()

    def show_source(self, source_id: str) -> None:
        """Show the source ``source_id`` whole, from its start, with no quote in it."""
        self._whole_source = source_id
        self._text.clear()
        self._schedule_update()

    def watch_actor_id(self) -> None:
        # Only an empty pane tells of the actor (why it is empty): a quote on show stays.
        if self.item is None or self._whole_source is not None:
            self._whole_source = None
            self._schedule_update()

    def watch_item(self) -> None:
        self._whole_source = None
        self._schedule_update()

    def watch_evidence_index(self) -> None:
        self._whole_source = None
        self._schedule_update()

    def _schedule_update(self) -> None:
        # The item and its quote index change together: draw once, after both are set.
        if not self._update_pending:
            self._update_pending = True
            self.call_next(self._update)

    def _describe(self, item: ItemRef | None) -> str:
        """``describe_item(self.kb, item)``, worked out once while it is among the last few."""
        if self._described_kb is not self.kb:
            self._described_kb = self.kb
            self._described.clear()
        return self._described.get(item, lambda: describe_item(self.kb, item))

    def _update(self) -> None:
        self._update_pending = False
        text, citation = self._text, self._citation
        whole = self.kb.source_by_id.get(self._whole_source or "")
        if whole is not None:
            self._claim.show("")
            citation.display = True
            citation.update(Content(display(whole.citation())))
            self.border_subtitle = WHOLE_SOURCE
            text.show(whole.text, 0, 0)
            return
        self._whole_source = None  # gone (an undo): back to the quote
        found = evidence_of(self.kb, self.item)
        evidence = self.evidence
        claim = self._describe(self.item)
        if self._change_note is not None and self.item is not None:
            note = self._change_note(f"{self.item.kind}s", self.item.id)
            claim = f"{display(note)}\n{claim}" if note else claim
        self._claim.show(claim)
        if evidence is None:
            citation.update("")
            citation.display = False
            self.border_subtitle = ""
            text.clear(why_no_items(self.kb, self.unfiltered, self.actor_id) or NOTHING_SELECTED)
            return
        source = self.kb.source_by_id[evidence.source]
        citation.display = True
        citation.update(Content(display(source.citation())))
        caveat = is_caveat(self.kb, self.item, self.evidence_index)
        what = "caveat" if caveat else "quote"
        self.border_subtitle = f"{what} {self.evidence_index + 1} of {len(found)}"
        text.show(source.text, evidence.start, evidence.end, caveat=caveat)
