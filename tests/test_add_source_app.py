"""Adding a source in the app (issue 18): the palette's "Add source..." form, keys only; the
new source opens whole in the source pane, ready to capture from; refusals are shown in the
form with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from tui.app import StakeholderApp
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.screens.add_source import AddSourceScreen
from tui.screens.capture import CaptureScreen
from tui.widgets.source_text import SourceText
from tui.widgets.source_view import SourceView

BUNDLED = Path(bundled_knowledge_base_path())
ARTICLE = "Haftar flies home\n\nKhalifa Haftar flew back to Benghazi on Friday.\n"
NEW_ID = "afp-2017-09-29-haftar-flies-home"

pytestmark = pytest.mark.skipif(not BUNDLED.is_file(), reason="no bundled knowledge base")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


async def open_form(pilot, explorer, settle) -> AddSourceScreen:
    await explorer(pilot)
    await pilot.press("ctrl+p", *"add source")
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot, lambda: isinstance(pilot.app.screen, AddSourceScreen))
    return pilot.app.screen


async def fill(pilot, path: Path, title: str = "Haftar flies home") -> None:
    await pilot.press(*str(path), "tab", *title, "tab", *"AFP", "tab", *"2017-09-29")


async def test_add_a_source_from_the_palette_with_keys_only(copy, tmp_path, explorer, settle):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, explorer, settle)
        await fill(pilot, article)
        await pilot.press("enter")
        await settle(pilot, lambda: not isinstance(pilot.app.screen, AddSourceScreen))
        screen = pilot.app.screen
        view = screen.query_one(SourceView)
        text = screen.query_one(SourceText)
        await settle(pilot, lambda: view.source_id == NEW_ID and pilot.app.focused is text)
        assert text.text == ARTICLE and view.evidence is None
        assert "AFP, “Haftar flies home”, 2017-09-29" in str(
            view.query_one("#citation", Static).render()
        )
        assert form.is_attached is False
        # Words of the new source can be captured at once.
        await pilot.press("v", "e", "e", "c")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaptureScreen))
        assert pilot.app.screen.draft.source == NEW_ID
        assert pilot.app.screen.draft.quote == "Haftar flies"
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is screen)
        kb = load_knowledge_base(copy)  # checks clean, the pin verified
        source = kb.source_by_id[NEW_ID]
        assert source.path == f"sources/{NEW_ID}.txt" and source.sha256 is not None
        assert (copy.parent / source.path).read_bytes() == article.read_bytes()
        # u takes the entry out again; the pane goes back to the highlighted claim's quote.
        await pilot.press("u")
        await settle(pilot, lambda: NEW_ID not in pilot.app.full_knowledge_base.source_by_id
                     and view.source_id not in (None, NEW_ID))
    assert NEW_ID not in load_knowledge_base(copy).source_by_id
    assert (copy.parent / source.path).is_file()  # the copied text stays, for a redo


async def test_a_refused_text_is_said_in_the_form_and_nothing_written(copy, tmp_path, explorer,
                                                                      settle):
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\n\x00\x01\x02 binary")
    before = _files(copy.parent)
    async with StakeholderApp(copy).run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, explorer, settle)
        problem = form.query_one("#add-source-problem", Static)
        await pilot.press("enter")  # no path yet
        await settle(pilot, lambda: "path" in str(problem.render()))
        await fill(pilot, binary)
        await pilot.press("enter")
        await settle(pilot, lambda: "binary file" in str(problem.render()))
        assert pilot.app.screen is form
        form.query_one("#as-published").value = "2017-09-31"
        await pilot.press("enter")
        await settle(pilot, lambda: "not a calendar date" in str(problem.render()))
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(pilot.app.screen, AddSourceScreen))
    assert _files(copy.parent) == before


async def test_a_refused_entry_removes_the_copied_text(copy, tmp_path, explorer, settle):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    async with StakeholderApp(copy, watch=False).run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, explorer, settle)
        await fill(pilot, article)
        copy.write_text(copy.read_text(encoding="utf-8") + "# edited elsewhere\n",
                        encoding="utf-8")
        outside = _files(copy.parent)
        await pilot.press("enter")
        problem = form.query_one("#add-source-problem", Static)
        await settle(pilot, lambda: "was removed again" in str(problem.render()))
        assert "changed on disk" in str(problem.render())
        assert pilot.app.screen is form
        assert _files(copy.parent) == outside


async def test_read_only_says_why_and_opens_no_form(copy, explorer, settle):
    before = _files(copy.parent)
    async with StakeholderApp(copy, read_only=True).run_test(size=(80, 24)) as pilot:
        await explorer(pilot)
        await pilot.press("ctrl+p", *"add source")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, lambda: any("--read-only" in str(n.message)
                                        for n in pilot.app._notifications))
        assert not isinstance(pilot.app.screen, AddSourceScreen)
    assert _files(copy.parent) == before
