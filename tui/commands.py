"""Command palette entries that jump to an actor or a relation.

Register ``GoToProvider`` in the ``COMMANDS`` of a screen that has ``go_to_hit(hit)``; the
app must offer ``search_index_soon()`` (a Future of a ``SearchIndex``). Candidates come from
the search index, which stays fast on large files, rather than from the palette's own fuzzy
matcher.
"""

from __future__ import annotations

import asyncio
import heapq
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

from .sanitize import display, display_pieces, truncate

if TYPE_CHECKING:
    from .search import Hit as SearchHit
    from .search import SearchIndex

ACTOR_LIMIT = 20
RELATION_LIMIT = 20
DISCOVERY_COUNT = 8  # best-connected actors offered before anything is typed
MAX_CONTEXT = 80
_CONTEXT_STYLE = "dim"
_DEFAULT_MATCH_STYLE = Style(bold=True, underline=True)


def highlighted(label: str, spans: tuple[tuple[int, int], ...], style: Style | str) -> Content:
    """``label`` made display-safe, with ``style`` on the matched ``spans``."""
    return Content.assemble(
        *((piece, style) if matched else piece for piece, matched in display_pieces(label, spans))
    )


ACTOR_VERB = "Go to actor: "
RELATION_VERB = "Go to relation: "


def _split_verb(query: str) -> tuple[tuple[str, ...], str]:
    """Which commands a query asks for, and what to search them for.

    "Go to actor: ital" (or "go to actor ital") searches actors for "ital"; a start of a
    verb ("go t") lists what each verb it could be offers; anything else searches both.
    """
    words = query.replace(":", " ").split()
    folded = [word.casefold() for word in words]
    for verb in (ACTOR_VERB, RELATION_VERB):
        verb_words = verb.replace(":", " ").casefold().split()
        if folded[: len(verb_words)] == verb_words:
            return (verb,), " ".join(words[len(verb_words) :])
    typed = " ".join(folded)
    starting = tuple(v for v in (ACTOR_VERB, RELATION_VERB) if v.casefold().startswith(typed))
    if len(typed) >= 3 and starting:
        return starting, ""
    return (ACTOR_VERB, RELATION_VERB), query


class GoToProvider(Provider):
    """ "Go to actor: <name>" and "Go to relation: <summary>"."""

    async def _index(self) -> SearchIndex | None:
        """The app's search index, waited for without holding up the screen (it is built
        in a thread on first use); None if the app offers none or it could not be built."""
        index_soon = getattr(self.app, "search_index_soon", None)
        if index_soon is None:
            return None
        soon = asyncio.wrap_future(index_soon())
        await asyncio.wait({soon})
        return None if soon.exception() is not None else soon.result()

    async def discover(self) -> Hits:
        index = await self._index()
        for hit in self._central_actors(index) if index is not None else ():
            prompt, text = self._entry(ACTOR_VERB, hit)
            yield DiscoveryHit(prompt, partial(self._go_to, hit), text=text)

    def _central_actors(self, index: SearchIndex) -> list[SearchHit]:
        from .search import Hit as SearchHit

        kb = index.kb
        central = heapq.nlargest(
            DISCOVERY_COUNT, kb.actors, key=lambda actor: len(kb.relations_of(actor.id))
        )
        return [
            SearchHit(
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
            for actor in central
        ]

    async def search(self, query: str) -> Hits:
        index = await self._index()
        if index is None:
            return
        verbs, rest = _split_verb(query)
        # Scores keep the search index's order: actors above relations, best match first.
        if ACTOR_VERB in verbs:
            actors = index.actors(rest, limit=ACTOR_LIMIT) if rest else self._central_actors(index)
            for rank, hit in enumerate(actors):
                prompt, text = self._entry(ACTOR_VERB, hit)
                yield Hit(1 - rank / 100, prompt, partial(self._go_to, hit), text=text)
        if RELATION_VERB in verbs and rest:
            for rank, hit in enumerate(index.relations(rest, limit=RELATION_LIMIT)):
                prompt, text = self._entry(RELATION_VERB, hit)
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
