"""A modal with the quotes behind one relation, each highlighted in its source text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..model import KnowledgeBase
from ..sanitize import display
from ..widgets.fitting_footer import FittingFooter
from .render import evidence_block, relation_headline


class QuoteScreen(ModalScreen[None]):
    """``QuoteScreen(kb, relation_id)``: the relation, its summary and every quote in context."""

    CSS_PATH = "quote_screen.tcss"
    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, kb: KnowledgeBase, relation_id: str) -> None:
        super().__init__()
        self.kb = kb
        self.relation = kb.relation_by_id[relation_id]

    def compose(self) -> ComposeResult:
        relation = self.relation
        with Vertical(id="quote-dialog"):
            yield Static(relation_headline(self.kb, relation), id="quote-headline")
            yield Static(Text(display(relation.summary)), id="quote-summary")
            with VerticalScroll(id="quote-body"):
                for evidence in relation.evidence:
                    yield Static(evidence_block(self.kb, evidence), classes="quote-evidence")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#quote-body").focus()
