"""Command palette entries that jump to an actor or a relation.

Register ``GoToProvider`` in the ``COMMANDS`` of a screen that has ``go_to_hit(hit)``; the
app must offer ``search_index`` (a ``SearchIndex``). Candidates come from the search
index, which stays fast on large files, rather than from the palette's own fuzzy matcher.
"""

from __future__ import annotations

import heapq
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

from .sanitize import display, truncate
from .screens.search import highlighted
from .search import Hit as SearchHit
from .search import SearchIndex

ACTOR_LIMIT = 20
RELATION_LIMIT = 20
DISCOVERY_COUNT = 8  # best-connected actors offered before anything is typed
MAX_CONTEXT = 80
_CONTEXT_STYLE = "dim"
_DEFAULT_MATCH_STYLE = Style(bold=True, underline=True)


class GoToProvider(Provider):
    """ "Go to actor: <name>" and "Go to relation: <summary>"."""

    @property
    def _index(self) -> SearchIndex | None:
        index = getattr(self.app, "search_index", None)
        return index if isinstance(index, SearchIndex) else None

    async def discover(self) -> Hits:
        index = self._index
        if index is None:
            return
        kb = index.kb
        central = heapq.nlargest(
            DISCOVERY_COUNT, kb.actors, key=lambda actor: len(kb.relations_of(actor.id))
        )
        for actor in central:
            hit = SearchHit(
                kind="actor",
                actor_id=actor.id,
                relation_id=None,
                stance_id=None,
                evidence_index=0,
                label=actor.name,
                spans=(),
                score=0.0,
                context=actor.kind,
            )
            prompt, text = self._entry("Go to actor: ", hit)
            yield DiscoveryHit(prompt, partial(self._go_to, hit), text=text)

    async def search(self, query: str) -> Hits:
        index = self._index
        if index is None:
            return
        # Scores keep the search index's order: actors above relations, best match first.
        for rank, hit in enumerate(index.actors(query, limit=ACTOR_LIMIT)):
            prompt, text = self._entry("Go to actor: ", hit)
            yield Hit(1 - rank / 100, prompt, partial(self._go_to, hit), text=text)
        for rank, hit in enumerate(index.relations(query, limit=RELATION_LIMIT)):
            prompt, text = self._entry("Go to relation: ", hit)
            yield Hit(0.5 - rank / 100, prompt, partial(self._go_to, hit), text=text)

    def _entry(self, verb: str, hit: SearchHit) -> tuple[Content, str]:
        """The palette's prompt (label highlighted, context dimmed) and its plain text."""
        prompt = Content.assemble(
            verb,
            highlighted(hit.label, hit.spans, self.match_style or _DEFAULT_MATCH_STYLE),
            (f"  {truncate(display(hit.context), MAX_CONTEXT)}", _CONTEXT_STYLE),
        )
        return prompt, verb + display(hit.label)

    def _go_to(self, hit: SearchHit) -> None:
        go_to_hit = getattr(self.screen, "go_to_hit", None)
        if callable(go_to_hit):
            go_to_hit(hit)
