"""The capture form: a new relation, attribute or stance from words selected in a source.

The quote, its source and its occurrence come from the selection and cannot be typed. The
rest is filled in from what the words suggest (``tui.capture``): the actors the sentence
names first in the pickers, a date resolved from its phrase, a hedge from a cue word, the
modality, a type from the verb. Nothing is written until Save, and then through the app's
one write path, checked by the loader first: a refusal is shown here, the form kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Select, Static

from ..capture import Cue, Draft, cue_location, evidence_entry, new_id
from ..edit import SECTION_OF
from ..model import (
    ACTOR_KINDS,
    EVENT_TYPES,
    RELATION_TYPES,
    UNVALENCED_TYPES,
    Actor,
    Attribute,
    ClaimKind,
    Confidence,
    KnowledgeBase,
    Modality,
    Relation,
    Stance,
    Status,
)
from ..sanitize import display, truncate
from ..widgets.capped_input import CappedInput

CLAIMS = ("relation", "attribute", "stance")
# Form fields whose key in the file is not their id less "cf-".
FIELD_KEYS = {"cf-attribute-type": "type", "cf-asserted-by": "asserted_by",
              "cf-date-phrase": "date_phrase", "cf-claim-id": "id"}
# A starting polarity for a type; the analyst sets what the quote supports.
TYPE_POLARITY = {
    "backs": 2, "invests-in": 2, "opposes": -2, "threatens": -2, "strikes": -2,
    "meets": 1, "hosts": 1, "visits": 1, "agrees": 1, "recognises": 1, "trains": 1,
    "deals-with": 1, "mediates": 1,
}  # fmt: skip
NONE = "none"
TEXT_LIMIT = 4000  # characters of a summary or a position typed in the form


@dataclass(frozen=True)
class ClaimEdit:
    """What the form saves when it edits a claim: its changed fields (None: removed), and
    its new id if it was renamed (every reference follows)."""

    section: str
    claim: str
    claim_id: str
    new_id: str
    fields: dict
    actor_id: str

    @property
    def description(self) -> str:
        renamed = f" (now {self.new_id})" if self.new_id != self.claim_id else ""
        return f"edited {self.claim} {self.claim_id}{renamed}"


@dataclass(frozen=True)
class Capture:
    """What the form saves: new actors first, then the claim, in the sections they go to."""

    items: tuple[tuple[str, dict], ...]  # (section, item)
    claim: str  # "relation", "attribute" or "stance"
    claim_id: str
    actor_id: str  # whose pane shows it after the save

    @property
    def description(self) -> str:
        return f"{self.claim} {self.claim_id}"


def _claim_kind(claim: Relation | Attribute | Stance) -> str:
    if isinstance(claim, Relation):
        return "relation"
    return "attribute" if isinstance(claim, Attribute) else "stance"


def _options(pairs: list[tuple[str, str]]) -> list[tuple[Text, str]]:
    return [(Text(label), value) for label, value in pairs]


class CaptureScreen(ModalScreen[str | None]):
    """``CaptureScreen(kb, draft, save)``: ``save(capture, on_refused, on_saved)`` is the
    app's write path; it calls ``on_refused(report)`` if the change is refused (the form
    stays, to mend), else ``on_saved()`` (the form closes with the claim's id)."""

    CSS_PATH = "capture.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close the form; nothing is written"),
        Binding("ctrl+s", "save", "Save", tooltip="Check the claim and write it to the file"),
        Binding(
            "ctrl+t",
            "cycle_claim",
            "Relation/attribute/stance",
            tooltip="Capture a relation, an attribute or a stance from these words",
        ),
        Binding("ctrl+n", "new_actor", "New actor", tooltip="An actor the file lacks"),
    ]

    def __init__(
        self,
        kb: KnowledgeBase,
        draft: Draft,
        save: Callable[[Capture | ClaimEdit, Callable[[str], None], Callable[[], None]], None],
        *,
        editing: Relation | Attribute | Stance | None = None,
    ) -> None:
        super().__init__()
        self.kb = kb
        self.draft = draft
        self.save = save
        self.editing = editing  # the claim the form edits; None: a new one
        self.claim = _claim_kind(editing) if editing is not None else "relation"
        self.new_actors: list[dict] = []
        self._saving = False

    # --- the form -----------------------------------------------------------------------

    def _actor_options(self, with_none: bool = False) -> list[tuple[Text, str]]:
        named = [actor_id for actor_id in self.draft.parties if actor_id in self.kb.actor_by_id]
        others = sorted(
            (actor for actor in self.kb.actors if actor.id not in named),
            key=lambda actor: actor.name.casefold(),
        )
        pairs = [(f"{display(self.kb.actor_by_id[a].name)} (in the sentence)", a) for a in named]
        pairs += [(display(actor.name), actor.id) for actor in others]
        pairs += [(f"{display(actor['name'])} (new)", actor["id"]) for actor in self.new_actors]
        return _options([("— nobody —", NONE)] if with_none else []) + _options(pairs)

    def compose(self) -> ComposeResult:
        draft = self.draft
        source = self.kb.source_by_id[draft.source]
        parties = list(draft.parties) + [actor.id for actor in self.kb.actors]
        first = parties[0] if parties else NONE
        second = next((p for p in parties[1:] if p != first), first)
        relation_type = draft.type or "other"
        cue = draft.cues[0] if draft.cues else None
        with Vertical(id="capture-dialog"):
            yield Static(id="capture-title")
            quoted = Text("“")
            quoted.append(display(truncate(draft.quote, 400)), style="italic")
            quoted.append("”")
            where = f" {display(source.publisher)}, {source.published_date}"
            if draft.occurrence is not None:
                where += f" · occurrence {draft.occurrence}"
            quoted.append(where, style="dim")
            yield Static(quoted, id="capture-quote")
            with VerticalScroll(id="capture-fields"):
                yield from self._row("Claim", Select(
                    _options([(claim, claim) for claim in CLAIMS]), value="relation",
                    allow_blank=False, compact=True, id="cf-claim",
                ))
                yield from self._row("Source", Select(
                    self._actor_options(), value=first, allow_blank=False, compact=True,
                    id="cf-source",
                ), "relation")
                yield from self._row("Target", Select(
                    self._actor_options(), value=second, allow_blank=False, compact=True,
                    id="cf-target",
                ), "relation")
                yield from self._row("Actor", Select(
                    self._actor_options(), value=first, allow_blank=False, compact=True,
                    id="cf-actor",
                ), "attribute stance")
                yield from self._row("Type", Select(
                    _options([(t, t) for t in RELATION_TYPES]), value=relation_type,
                    allow_blank=False, compact=True, id="cf-type",
                ), "relation")
                yield from self._row("Type", CappedInput(
                    placeholder="a short slug: controls-territory", compact=True,
                    id="cf-attribute-type",
                ), "attribute")
                yield from self._row("Issue", Select(
                    _options([(display(i.label), i.id) for i in self.kb.issues]),
                    compact=True, id="cf-issue", prompt="an issue of the file",
                ), "stance")
                yield from self._row("Position", CappedInput(
                    placeholder="the actor's position, in one line", compact=True,
                    id="cf-position", max_length=TEXT_LIMIT,
                ), "stance")
                yield from self._row("Kind", Select(
                    _options([("event", "event"), ("tie", "tie")]),
                    value="event" if relation_type in EVENT_TYPES else "tie",
                    allow_blank=False, compact=True, id="cf-kind",
                ), "relation attribute")
                yield from self._row("Polarity", Select(
                    _options([(f"{v:+d}" if v else "0", str(v)) for v in (2, 1, 0, -1, -2)]
                             + [("no valence", NONE)]),
                    value=self._polarity_for(relation_type),
                    allow_blank=False, compact=True, id="cf-polarity",
                ), "relation")
                yield from self._row("Stand", Select(
                    _options([(f"{v:+d}" if v else "0", str(v)) for v in (2, 1, 0, -1, -2)]
                             + [("none", NONE)]),
                    value=NONE, allow_blank=False, compact=True, id="cf-stand",
                ), "stance")
                yield from self._row("Status", Select(
                    _options([("current", "current"), ("past", "past")]), value="current",
                    allow_blank=False, compact=True, id="cf-status",
                ), "relation attribute", tie_only=True)
                yield from self._row("Modality", Select(
                    _options([(m.value, m.value) for m in Modality]),
                    value=draft.modality.value, allow_blank=False, compact=True, id="cf-modality",
                ))
                yield from self._row("Confidence", Select(
                    _options([(c.value, c.value) for c in Confidence]),
                    value=draft.confidence.value, allow_blank=False, compact=True,
                    id="cf-confidence",
                ))
                yield from self._row("Per", Select(
                    self._actor_options(with_none=True),
                    value=draft.asserted_by or NONE, allow_blank=False, compact=True,
                    id="cf-asserted-by",
                ))
                hedge_label = (
                    f"hedge: “{display(truncate(cue.words, 50))}” ({cue.confidence.value})"
                    if cue is not None
                    else "no hedge word in the sentence"
                )
                yield from self._row("", Checkbox(
                    hedge_label, value=cue is not None, disabled=cue is None, compact=True,
                    id="cf-hedge",
                ))
                yield from self._row("Date", CappedInput(
                    draft.date or "", placeholder="YYYY-MM-DD, YYYY-MM or YYYY",
                    compact=True, id="cf-date",
                ))
                yield from self._row("Date words", CappedInput(
                    draft.date_phrase or "", placeholder="the words it is resolved from",
                    compact=True, id="cf-date-phrase",
                ))
                yield from self._row("Summary", CappedInput(
                    placeholder="one line, in your words", compact=True, id="cf-summary",
                    max_length=TEXT_LIMIT,
                ), "relation attribute")
                yield from self._row("Id", CappedInput(compact=True, id="cf-claim-id"))
            yield Static(id="capture-problems")
            yield Static(
                Text("Ctrl+S save · Ctrl+T relation/attribute/stance · Ctrl+N new actor · "
                     "Esc cancel", style="dim"),
                id="capture-hint",
            )

    def _row(
        self, label: str, widget, claims: str = "relation attribute stance", tie_only=False
    ):
        classes = ["capture-row", *(f"-for-{c}" for c in claims.split())]
        row = Horizontal(classes=" ".join(classes + (["-tie-only"] if tie_only else [])))
        with row:
            yield Static(label, classes="capture-label")
            yield widget
        yield row

    def _polarity_for(self, relation_type: str) -> str:
        if relation_type in UNVALENCED_TYPES:
            return NONE
        return str(TYPE_POLARITY.get(relation_type, 0))

    def on_mount(self) -> None:
        if self.editing is not None:
            self._fill_from(self.editing)
        self._show_claim()
        self._suggest_id()
        self.query_one("#cf-summary" if self.claim != "stance" else "#cf-position", Input).focus()

    def _fill_from(self, claim: Relation | Attribute | Stance) -> None:
        """The form as the claim is: to edit it (its kind of claim cannot change)."""
        selects = {
            "cf-claim": self.claim,
            "cf-modality": claim.modality.value,
            "cf-confidence": claim.confidence.value,
            "cf-asserted-by": claim.asserted_by or NONE,
        }
        inputs = {"cf-claim-id": claim.id, "cf-date": claim.date or "",
                  "cf-date-phrase": claim.date_phrase or ""}
        if isinstance(claim, Relation):
            selects |= {"cf-source": claim.source, "cf-target": claim.target,
                        "cf-type": claim.type, "cf-kind": claim.kind.value,
                        "cf-polarity": NONE if claim.polarity is None else str(claim.polarity),
                        "cf-status": (claim.status or Status.CURRENT).value}
            inputs["cf-summary"] = claim.summary
        elif isinstance(claim, Attribute):
            selects |= {"cf-actor": claim.actor, "cf-kind": claim.kind.value,
                        "cf-status": (claim.status or Status.CURRENT).value}
            inputs |= {"cf-summary": claim.summary, "cf-attribute-type": claim.type}
        else:
            selects |= {"cf-actor": claim.actor, "cf-issue": claim.issue,
                        "cf-stand": NONE if claim.stand is None else str(claim.stand)}
            inputs["cf-position"] = claim.position
        for widget_id, value in selects.items():
            select = self.query_one(f"#{widget_id}", Select)
            with select.prevent(Select.Changed):
                select.value = value
        for widget_id, value in inputs.items():
            field = self.query_one(f"#{widget_id}", Input)
            with field.prevent(Input.Changed):
                field.value = value
        self.query_one("#cf-claim-id", Input).add_class("-typed")
        # What the form shows of the claim: a field left as it was is not rewritten (an
        # input shows a multi-line text on one line; that alone is no edit).
        self._as_filled = self._values()
        self.query_one("#cf-claim", Select).disabled = True
        hedge = self.query_one("#cf-hedge", Checkbox)
        hedge.value, hedge.disabled = False, True
        hedge.label = "hedges and quotes are kept as they are"

    def _show_claim(self) -> None:
        """Only the fields of the kind of claim chosen (a status only for a tie)."""
        tie = self._value("cf-kind") == "tie"
        for row in self.query(".capture-row"):
            row.display = row.has_class(f"-for-{self.claim}") and (
                tie or not row.has_class("-tie-only")
            )
        if self.editing is not None:
            title = Content.from_markup("[b]Edit $claim[/b] $id", claim=self.claim,
                                        id=self.editing.id)
        else:
            title = Content.from_markup("[b]Capture a $claim[/b] from the selected words",
                                        claim=self.claim)
        self.query_one("#capture-title", Static).update(title)

    def _value(self, widget_id: str) -> str:
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.BLANK else str(widget.value)
        if isinstance(widget, Checkbox):
            return "yes" if widget.value else ""
        return widget.value.strip()

    def _suggest_id(self) -> None:
        """An id from the parties and the type, until the user types one."""
        if self.claim == "relation":
            words = [self._short(self._value("cf-source")), self._value("cf-type"),
                     self._short(self._value("cf-target"))]
        elif self.claim == "attribute":
            words = [self._short(self._value("cf-actor")), self._value("cf-attribute-type")]
        else:
            words = [self._short(self._value("cf-actor")), self._value("cf-issue")]
        taken = {actor["id"] for actor in self.new_actors}
        suggestion = new_id(self.kb, *words)
        while suggestion in taken:
            suggestion = new_id(self.kb, *words, str(len(taken) + 2))
        field = self.query_one("#cf-claim-id", Input)
        if not field.has_class("-typed"):
            with field.prevent(Input.Changed):
                field.value = suggestion

    def _short(self, actor_id: str) -> str:
        """The last word of an actor's id ("pinotti" for "roberta-pinotti")."""
        return actor_id.rsplit("-", 1)[-1] if actor_id and actor_id != NONE else ""

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "cf-claim" and event.value in CLAIMS:
            self.claim = str(event.value)
            self._show_claim()
        if event.select.id == "cf-kind":
            self._show_claim()
        if event.select.id == "cf-type" and isinstance(event.value, str):
            self.query_one("#cf-polarity", Select).value = self._polarity_for(event.value)
            kind = "event" if event.value in EVENT_TYPES else "tie"
            self.query_one("#cf-kind", Select).value = kind
        self._suggest_id()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "cf-claim-id":
            event.input.set_class(bool(event.value.strip()), "-typed")
        elif event.input.id == "cf-attribute-type":
            self._suggest_id()

    def action_cycle_claim(self) -> None:
        select = self.query_one("#cf-claim", Select)
        select.value = CLAIMS[(CLAIMS.index(self.claim) + 1) % len(CLAIMS)]

    def action_cancel(self) -> None:
        self.dismiss(None)

    # --- new actors ---------------------------------------------------------------------

    def action_new_actor(self) -> None:
        def added(actor: dict | None) -> None:
            if actor is None:
                return
            self.new_actors.append(actor)
            for select_id in ("cf-source", "cf-target", "cf-actor"):
                select = self.query_one(f"#{select_id}", Select)
                value = select.value
                select.set_options(self._actor_options())
                select.value = value
            per = self.query_one("#cf-asserted-by", Select)
            value = per.value
            per.set_options(self._actor_options(with_none=True))
            per.value = value
            self.notify(f"New actor {display(actor['name'])}: pick it in the form.")

        self.app.push_screen(NewActorScreen(self.kb, self.new_actors), added)

    # --- saving -------------------------------------------------------------------------

    def capture(self) -> Capture | str:
        """What the form says, or why it cannot be saved yet."""
        claim_id = self._value("cf-claim-id")
        if not claim_id:
            return "Give the claim an id."
        draft, kb = self.draft, self.kb
        evidence = [evidence_entry(kb, draft.source, draft.start, draft.end)]
        item: dict = {"id": claim_id}
        confidence = self._value("cf-confidence")
        asserted_by = self._value("cf-asserted-by")
        if self.claim == "relation":
            source, target = self._value("cf-source"), self._value("cf-target")
            if source == target:
                return "The source and the target are the same actor: pick two."
            relation_type = self._value("cf-type")
            kind = self._value("cf-kind")
            item |= {"kind": kind, "source": source, "target": target, "type": relation_type}
            polarity = self._value("cf-polarity")
            if polarity != NONE:
                item["polarity"] = int(polarity)
            if kind == "tie" and self._value("cf-status") == "past":
                item["status"] = "past"
            actor = source
        elif self.claim == "attribute":
            attribute_type = self._value("cf-attribute-type")
            if not attribute_type:
                return "Give the attribute a type: a short slug such as controls-territory."
            actor = self._value("cf-actor")
            item |= {"kind": self._value("cf-kind"), "actor": actor, "type": attribute_type}
            if self._value("cf-kind") == "tie" and self._value("cf-status") == "past":
                item["status"] = "past"
        else:
            actor, issue, position = self._value("cf-actor"), self._value("cf-issue"), self._value(
                "position"
            )
            if not issue:
                return "Pick the issue the stance is on."
            if not position:
                return "Write the position, in one line."
            item |= {"actor": actor, "issue": issue, "position": position}
            stand = self._value("cf-stand")
            if stand != NONE:
                item["stand"] = int(stand)
        date, phrase = self._value("cf-date"), self._value("cf-date-phrase")
        item |= {"date": date or None, "date_phrase": phrase or None}
        if self._value("cf-modality") != Modality.ACTUAL.value:
            item["modality"] = self._value("cf-modality")
        if confidence != Confidence.STATED.value:
            item["confidence"] = confidence
        if asserted_by != NONE:
            item["asserted_by"] = asserted_by
        if self.claim != "stance":
            summary = self._value("cf-summary")
            if not summary:
                return "Write a summary, in one line."
            item["summary"] = summary
        hedge = self._hedge() if self.editing is None else None
        if hedge is not None:
            item["hedges"] = [hedge]
        item["evidence"] = evidence
        items = [("actors", actor_item) for actor_item in self.new_actors]
        if self.editing is not None:
            return self._edit_of(item, actor)
        return Capture((*items, (SECTION_OF[self.claim], item)), self.claim, claim_id, actor)

    def _edit_of(self, item: dict, actor: str) -> ClaimEdit | str:
        """The fields that differ from the claim edited (the quotes and hedges stay)."""
        if self.new_actors:
            return "A new actor is for a new claim: capture one, or pick a known actor."
        claim = self.editing
        touched = {
            FIELD_KEYS.get(widget_id, widget_id.removeprefix("cf-").replace("-", "_"))
            for widget_id, value in self._values().items()
            if value != self._as_filled.get(widget_id)
        }
        scalar_keys = ("kind", "source", "target", "actor", "type", "issue", "position",
                       "polarity", "stand", "status", "date", "date_phrase", "modality",
                       "confidence", "asserted_by", "summary")
        fields = {
            key: item.get(key) for key in scalar_keys if hasattr(claim, key) and key in touched
        }
        if "kind" in fields and fields["kind"] == ClaimKind.EVENT.value:
            fields["status"] = None  # an event has no status
        return ClaimEdit(SECTION_OF[self.claim], self.claim, claim.id, item["id"], fields, actor)

    def _values(self) -> dict[str, str]:
        """Every field's value as the form shows it, by widget id."""
        return {
            widget.id: self._value(widget.id)
            for widget in self.query("#capture-fields Select, #capture-fields Input")
            if widget.id is not None
        }

    def _hedge(self) -> dict | None:
        if not self._value("cf-hedge") or not self.draft.cues:
            return None
        cue: Cue = self.draft.cues[0]
        text = self.kb.source_by_id[self.draft.source].text
        sentence_start = text.find(self.draft.sentence)
        place = cue_location(text, max(0, sentence_start), cue.words)
        if place is None:
            return None
        hedge = {"applies_to": "claim", "cue": cue.confidence.value}
        if cue.asserted_by is not None:
            hedge["asserted_by"] = cue.asserted_by
        return hedge | evidence_entry(self.kb, self.draft.source, *place)

    def action_save(self) -> None:
        if self._saving:
            return
        capture = self.capture()
        if isinstance(capture, str):
            self.show_problem(capture)
            return
        self._saving = True
        self.show_problem("Checking and saving…", muted=True)
        self.save(capture, self._refused, lambda: self.dismiss(capture.claim_id))

    def _refused(self, report: str) -> None:
        self._saving = False
        self.show_problem(report)

    def show_problem(self, message: str, *, muted: bool = False) -> None:
        self.query_one("#capture-problems", Static).update(
            Text(display(message, keep_newlines=True), style="dim" if muted else "bold")
        )


class NewActorScreen(ModalScreen[dict | None]):
    """A small form for an actor the file lacks (name, kind, aliases), or, with
    ``editing``, for an actor's id, name, kind and aliases."""

    CSS_PATH = "capture.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "add", "Add"),
    ]

    def __init__(
        self, kb: KnowledgeBase, pending: list[dict], *, editing: Actor | None = None
    ) -> None:
        super().__init__()
        self.kb = kb
        self.pending = pending
        self.editing = editing

    def compose(self) -> ComposeResult:
        actor = self.editing
        with Vertical(id="new-actor-dialog"):
            title = f"Edit actor {actor.id}" if actor is not None else "A new actor"
            yield Static(Text(display(title), style="bold"))
            if actor is not None:
                with Horizontal(classes="capture-row"):
                    yield Static("Id", classes="capture-label")
                    yield CappedInput(actor.id, compact=True, id="actor-id")
            with Horizontal(classes="capture-row"):
                yield Static("Name", classes="capture-label")
                yield CappedInput(actor.name if actor else "", compact=True, id="actor-name")
            with Horizontal(classes="capture-row"):
                yield Static("Kind", classes="capture-label")
                yield Select(_options([(k, k) for k in ACTOR_KINDS]),
                             value=actor.kind if actor else "person",
                             allow_blank=False, compact=True, id="actor-kind")
            with Horizontal(classes="capture-row"):
                yield Static("Also", classes="capture-label")
                yield CappedInput("; ".join(actor.aliases) if actor else "",
                                  placeholder="aliases, separated by ;", compact=True,
                                  id="actor-aliases")
            yield Static(id="new-actor-problem")
            yield Static(Text("Ctrl+S add · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#actor-name", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_add(self) -> None:
        name = self.query_one("#actor-name", Input).value.strip()
        if not name:
            self.query_one("#new-actor-problem", Static).update(Text("Give it a name."))
            return
        if self.editing is not None:
            actor_id = self.query_one("#actor-id", Input).value.strip()
            if not actor_id:
                self.query_one("#new-actor-problem", Static).update(Text("Give it an id."))
                return
        else:
            taken = {actor["id"] for actor in self.pending}
            actor_id = new_id(self.kb, name)
            number = 2
            while actor_id in taken:
                actor_id, number = new_id(self.kb, name, str(number)), number + 1
        aliases = [
            alias.strip()
            for alias in self.query_one("#actor-aliases", Input).value.split(";")
            if alias.strip()
        ]
        kind = str(self.query_one("#actor-kind", Select).value)
        self.dismiss({"id": actor_id, "name": name, "kind": kind, "aliases": aliases})
