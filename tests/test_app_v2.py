"""What the app shows of the v2 model: caveats apart from evidence, notes, name notes,
offers read as offers."""

from __future__ import annotations

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.widgets.actor_detail import ActorDetail
from tui.widgets.items import describe_item
from tui.widgets.source_text import SourceText
from tui.widgets.source_view import SourceView


def bundled():
    return load_knowledge_base(bundled_knowledge_base_path())


async def test_a_caveat_is_stepped_to_and_highlighted_apart_from_the_evidence(explorer):
    kb = bundled()
    meeting = kb.relation_by_id["haftar-meets-pinotti"]
    app = StakeholderApp(knowledge_base=kb)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = meeting.source
        screen.item = ItemRef("relation", meeting.id)
        await pilot.pause()
        view, text = screen.query_one(SourceView), screen.query_one(SourceText)
        assert view.border_subtitle.startswith("quote 1 of")
        assert text._span_class == "source-text--quote"
        screen.evidence_index = len(meeting.evidence)  # the first caveat
        await pilot.pause()
        assert view.border_subtitle.startswith("caveat")
        assert text._span_class == "source-text--caveat"
        start, end = text.span
        assert text.text[start:end] == meeting.caveats[0].quote
        quote_style = text.get_component_rich_style("source-text--quote", partial=True)
        caveat_style = text.get_component_rich_style("source-text--caveat", partial=True)
        assert quote_style != caveat_style


async def test_the_detail_shows_name_notes_posts_and_attributes(explorer):
    kb = bundled()
    app = StakeholderApp(knowledge_base=kb)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = "gna"
        await pilot.pause()
        detail = screen.query_one(ActorDetail).text
        assert "Name: " + kb.actor_by_id["gna"].name_note in detail
        assert "About it (" in detail
        screen.actor_id = "roberta-pinotti"
        await pilot.pause()
        assert "Post: Defence Minister of Italy" in screen.query_one(ActorDetail).text


def test_an_offer_reads_as_an_offer_and_notes_are_shown():
    kb = bundled()
    claim = describe_item(kb, ItemRef("relation", "essebsi-offers-mediation"))
    assert "offers or intends to mediate" in claim and " mediates " not in claim
    assert "an offer or intent, not an act" in claim.splitlines()[0]
    noted = next(r for r in kb.relations if r.notes)
    assert "Coder's note: " in describe_item(kb, ItemRef("relation", noted.id))


async def test_an_attribute_is_a_row_of_its_actor_and_enter_reads_its_quote(explorer):
    kb = bundled()
    attribute = kb.attribute_by_id["isis-expelled-from-sirte"]
    app = StakeholderApp(knowledge_base=kb)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        screen.actor_id = attribute.actor
        await pilot.pause()
        table = screen.query_one("RelationTable")
        assert "attribute" in str(table.border_title)
        screen.item = ItemRef("attribute", attribute.id)
        await pilot.pause()
        text = screen.query_one(SourceText)
        start, end = text.span
        assert text.text[start:end] == attribute.evidence[0].quote
        claim = describe_item(kb, ItemRef("attribute", attribute.id))
        assert "ISIS" in claim and "expelled" in claim and "in “Sirte”" in claim
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.item == ItemRef("attribute", attribute.id)
        assert screen.focused is text


def test_an_offer_is_marked_in_every_view_that_names_a_type():
    from tui.analysis import neighbourhood
    from tui.views.render import relation_headline

    kb = bundled()
    offer = kb.relation_by_id["essebsi-offers-mediation"]
    assert "mediates (intent)" in relation_headline(kb, offer).plain
    tree = neighbourhood(kb, offer.source, 1)
    (edge,) = [e for n in tree.neighbours for e in n.edges if e.relation_id == offer.id]
    assert edge.type == "mediates (intent)"


def test_the_neighbourhood_links_an_event_s_source_to_each_of_its_parties_once():
    from tui.analysis import neighbourhood

    kb = bundled()
    around_haftar = neighbourhood(kb, "khalifa-haftar", 1)
    meeting = {
        n.actor_id
        for n in around_haftar.neighbours
        if any(e.relation_id == "haftar-meets-pinotti" for e in n.edges)
    }
    assert meeting == {"roberta-pinotti", "italian-security-chiefs"}
    around_chiefs = neighbourhood(kb, "italian-security-chiefs", 1)
    assert [n.actor_id for n in around_chiefs.neighbours] == ["khalifa-haftar"]


def test_the_timeline_and_the_quote_screen_say_every_qualifier_of_a_claim():
    from tui.views.render import relation_details

    kb = bundled()
    strike = relation_details(kb, kb.relation_by_id["us-strikes-isis"]).plain
    for words in ("2017-09-24", "“on Sunday”", "per US military (attributed)", "alleged: target",
                  "in “south of the city of Sirte”", "17 killed"):
        assert words in strike
    meeting = relation_details(kb, kb.relation_by_id["haftar-meets-pinotti"]).plain
    for words in ("unconfirmed", "1 caveat", "with Italian security chiefs", "in “Rome”"):
        assert words in meeting
    offer = relation_details(kb, kb.relation_by_id["essebsi-offers-mediation"]).plain
    assert "an offer or intent, not an act" in offer
