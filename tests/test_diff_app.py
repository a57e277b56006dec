"""`D` in the explorer (issue 19, point 3): what changed since a git revision, marked in the
actor list and the relations pane; `D` again (or Esc in the actor list) clears the marks.
`delete` deletes (it was `D`; see test_capture_app)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tui.app import StakeholderApp
from tui.claims import ItemRef
from tui.widgets.actor_detail import ActorDetail
from tui.widgets.actor_list import ActorList
from tui.widgets.claim_block import ClaimBlock
from tui.widgets.relation_table import RelationTable
from tui.widgets.source_view import SourceView

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
         "-c", "commit.gpgsign=false", *args],
        cwd=folder, check=True, capture_output=True,
    )


@pytest.fixture
def changed(copy) -> Path:
    """The bundled knowledge base committed, then changed: one polarity, one actor added."""
    git(copy.parent, "init", "-q")
    git(copy.parent, "add", "-A")
    git(copy.parent, "commit", "-q", "-m", "first")
    text = copy.read_text(encoding="utf-8")
    at = text.index("  - id: us-strikes-isis\n")
    field = text.index("    polarity: -2\n", at)
    text = text[:field] + "    polarity: -1\n" + text[field + len("    polarity: -2\n") :]
    text = text.replace(
        "actors:\n",
        "actors:\n  - id: new-actor\n    name: A New Actor\n    kind: person\n",
        1,
    )
    copy.write_text(text, encoding="utf-8")
    return copy


def notified(pilot, words: str) -> bool:
    return any(words in notification.message for notification in pilot.app._notifications)


async def test_d_marks_what_changed_since_head_and_d_again_clears(changed, explorer, settle):
    async with StakeholderApp(changed, watch=False).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        table = screen.query_one(RelationTable)
        await pilot.press("D")
        await settle(pilot, lambda: pilot.app.screen is not screen)
        await pilot.press("enter")  # the default: HEAD
        await settle(pilot, lambda: screen.changes_since is not None)
        assert screen.changes_since[0] == "HEAD"
        assert actors.marks == {"new-actor": "+", "united-states": "~", "isis": "~"}
        assert table.marks == {("relation", "us-strikes-isis"): "~"}
        assert notified(pilot, "1 actor added; 1 relation changed")
        # The relations pane of the United States: the changed row marked, the others not.
        await pilot.press("slash", *"united states", "enter")
        await settle(pilot, lambda: screen.actor_id == "united-states")
        await settle(pilot, lambda: table.row_count > 0)
        rows = {item.id: str(table.cells_at(row)[0]) for row, item in enumerate(table.items)}
        assert rows["us-strikes-isis"] == "~ → −"
        assert all(sign.startswith("  ") for key, sign in rows.items() if key != "us-strikes-isis")
        # The detail and source panes say what changed in the actor and the claim on show.
        detail = screen.query_one(ActorDetail)
        assert detail.text.startswith("~ 1 claim of it changed since HEAD")
        screen.item = ItemRef("relation", "us-strikes-isis")
        claim = screen.query_one(SourceView).query_one(ClaimBlock)
        await settle(pilot, lambda: claim.text.startswith("~ since HEAD: polarity -2 → -1"))
        await pilot.press("D")  # again: the marks go
        await settle(pilot, lambda: screen.changes_since is None)
        assert actors.marks == {} and table.marks == {}
        await settle(pilot, lambda: not claim.text.startswith("~"))
        assert not detail.text.startswith("~")
        assert str(table.cells_at(table.items.index(
            next(item for item in table.items if item.id == "us-strikes-isis")))[0]) == "→ −"



async def test_the_marks_follow_a_change_saved_while_they_are_on_show(changed, explorer,
                                                                     settle):
    """A claim deleted with the marks on show: its actors are marked at once, without D
    again; and a change that leaves nothing changed since the revision clears them."""
    async with StakeholderApp(changed, watch=False).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        actors = screen.query_one(ActorList)
        await pilot.press("D")
        await settle(pilot, lambda: pilot.app.screen is not screen)
        await pilot.press("enter")
        await settle(pilot, lambda: screen.changes_since is not None)
        assert "italy" not in actors.marks
        pilot.app.delete_item("relation", "italy-former-colonial-power", None)
        await settle(pilot, lambda: actors.marks.get("italy") == "~")
        assert actors.marks["libya"] == "~" and actors.marks["new-actor"] == "+"
        screen.actor_id = "italy"
        detail = screen.query_one(ActorDetail)
        await settle(pilot, lambda: detail.text.startswith("~ 1 claim of it removed since HEAD"))
        assert screen.changes_since[0] == "HEAD"
        # The file as it was at HEAD again: nothing left to mark, and the marks go.
        subprocess.run(["git", "checkout", "-q", "--", changed.name], cwd=changed.parent,
                       check=True)
        pilot.app.action_reload(quietly=True)
        await settle(pilot, lambda: screen.changes_since is None)
        assert actors.marks == {}
        assert notified(pilot, "No changes since HEAD.")

async def test_esc_in_the_actor_list_clears_the_marks(changed, explorer, settle):
    async with StakeholderApp(changed, watch=False).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("D")
        await settle(pilot, lambda: pilot.app.screen is not screen)
        await pilot.press("enter")
        await settle(pilot, lambda: screen.changes_since is not None)
        await pilot.press("2", "escape")  # from the relations pane: back to the actor list
        await settle(pilot, lambda: screen.focused is screen.query_one(ActorList))
        assert screen.changes_since is not None
        await pilot.press("escape")
        await settle(pilot, lambda: screen.changes_since is None)


async def test_an_unknown_revision_is_said_and_nothing_marked(changed, explorer, settle):
    async with StakeholderApp(changed, watch=False).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("D")
        await settle(pilot, lambda: pilot.app.screen is not screen)
        await pilot.press(*"HEAD~5", "enter")  # one commit only: there is no HEAD~5
        await settle(pilot, lambda: notified(pilot, "no revision 'HEAD~5'"))
        assert screen.changes_since is None
        assert screen.query_one(ActorList).marks == {}


async def test_escape_in_the_question_cancels(changed, explorer, settle):
    async with StakeholderApp(changed, watch=False).run_test(size=(120, 40)) as pilot:
        screen = await explorer(pilot)
        await pilot.press("D")
        await settle(pilot, lambda: pilot.app.screen is not screen)
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is screen)
        assert screen.changes_since is None
