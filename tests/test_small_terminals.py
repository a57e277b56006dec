"""Small and odd terminals: the stacked layout from 60x20, a message below it that goes when
the terminal grows again, and nothing stale on screen after a resize."""

from __future__ import annotations

from fixtures_kb import explorer_kb
from textual.widgets import Input

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.widgets.relation_table import RelationTable
from tui.widgets.source_text import SourceText
from tui.widgets.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmall

THREATENS = ItemRef("relation", "haftar-threatens-italy")


def app_for() -> StakeholderApp:
    return StakeholderApp(knowledge_base=explorer_kb())


def screen_lines(app: StakeholderApp) -> list[str]:
    """The text on screen, a line per row, as the terminal shows it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def said(app: StakeholderApp) -> str:
    """The words on screen, wrapped lines joined."""
    return " ".join(" ".join(screen_lines(app)).split())


def lines_in(app: StakeholderApp, region) -> list[str]:
    lines = screen_lines(app)
    return [line[region.x : region.right] for line in lines[region.y : region.bottom]]


async def highlight_threatens(pilot, screen, settle) -> None:
    screen.actor_id = "khalifa-haftar"
    await pilot.press("2")
    for _ in range(10):
        if screen.item == THREATENS:
            break
        await pilot.press("j")
    await settle(pilot, lambda: screen.item == THREATENS)
    await pilot.pause()


async def test_minimum_size_is_60x20():
    assert (MIN_WIDTH, MIN_HEIGHT) == (60, 20)


async def test_the_source_pane_shows_article_text_at_the_minimum_size(explorer, settle):
    async with app_for().run_test(size=(MIN_WIDTH, MIN_HEIGHT)) as pilot:
        screen = await explorer(pilot)
        await highlight_threatens(pilot, screen, settle)
        assert "-too-small" not in screen.classes
        assert not screen.query_one(TooSmall).display
        text = screen.query_one(SourceText)
        assert text.content_region.height >= 2
        shown = " ".join(lines_in(pilot.app, text.content_region))
        assert "Italian ships" in shown
        # The other panes keep a row of content each.
        for pane in ("#actors", "#relations", "#detail"):
            assert screen.query_one(pane).content_region.height >= 1, pane


async def test_too_small_shows_the_size_needed_and_goes_when_enlarged(explorer, settle):
    async with app_for().run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await highlight_threatens(pilot, screen, settle)
        focused = screen.focused
        assert isinstance(focused, RelationTable)

        await pilot.resize_terminal(50, 14)
        await settle(pilot, lambda: "-too-small" in screen.classes)
        await pilot.pause()
        text = said(pilot.app)
        assert "The terminal is 50x14; the explorer needs at least 60x20" in text
        assert "Actors" not in text  # the message covers the panes

        await pilot.resize_terminal(59, 30)  # tall enough, too narrow
        await pilot.pause()
        assert "The terminal is 59x30" in said(pilot.app)

        await pilot.resize_terminal(120, 40)
        await settle(pilot, lambda: "-too-small" not in screen.classes)
        await pilot.pause()
        text = said(pilot.app)
        assert "needs at least" not in text
        assert "Actors (" in text
        assert screen.actor_id == "khalifa-haftar"
        assert screen.item == THREATENS
        assert screen.focused is focused


async def test_z_zooms_the_focused_pane_in_a_too_small_terminal(explorer, settle):
    async with app_for().run_test(size=(50, 14)) as pilot:
        screen = await explorer(pilot)
        assert "-too-small" in screen.classes
        assert "needs at least" in said(pilot.app)
        await pilot.press("z")
        await settle(pilot, lambda: screen.maximized is not None)
        await pilot.pause()
        text = said(pilot.app)
        assert "needs at least" not in text
        assert "Actors (" in text
        await pilot.press("z")
        await settle(pilot, lambda: screen.maximized is None)
        await pilot.pause()
        assert "needs at least" in said(pilot.app)


async def test_the_footer_keeps_no_stale_character_after_resizes(explorer):
    async with app_for().run_test(size=(120, 40)) as pilot:
        await explorer(pilot)
        for size in [(80, 24), (50, 20), (120, 40), (40, 20), (64, 24), (120, 40)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            footer = screen_lines(pilot.app)[-1]
            assert len(footer) == size[0]
            # The palette key ends the row; no key that overflows under it shows past it.
            assert footer.endswith("^p palette "), (size, footer)


def test_snapshot_too_small_message(snap_compare):
    async def run_before(pilot) -> None:
        for _ in range(100):
            screen = pilot.app.screen
            if getattr(screen, "actor_id", None):
                break
            await pilot.pause()
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app_for(), terminal_size=(50, 14), run_before=run_before)
