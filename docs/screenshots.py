"""Save the README's screenshots: the app draws itself (App.save_screenshot) on the bundled data.

Run with `make screenshots`; writes SVG files into docs/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from textual.widgets import Input

from tui.app import StakeholderApp
from tui.loader import bundled_knowledge_base_path, load_knowledge_base
from tui.screens.explorer import ExplorerScreen
from tui.widgets.items import ItemRef

OUT = Path(__file__).parent / "screenshots"


async def settle(pilot, condition) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause()
    raise RuntimeError("the app did not get there")


async def shoot(name: str, size: tuple[int, int], keys: tuple[str, ...] = (), query: str = ""):
    kb = load_knowledge_base(bundled_knowledge_base_path())
    app = StakeholderApp(knowledge_base=kb)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, ExplorerScreen))
        screen = app.screen
        await settle(pilot, lambda: screen.actor_id is not None)
        screen.actor_id = "italy"
        screen.item = ItemRef("relation", "italy-backs-gna")
        await pilot.press("2")
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        if query:
            app.screen.query_one(Input).value = query
        for _ in range(10):
            await pilot.pause()
        for input_ in app.screen.query(Input):
            input_.cursor_blink = False
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))


async def shoot_capture(name: str, size: tuple[int, int]) -> None:
    """The capture form, on a copy of the bundled data (nothing is saved)."""
    folder = Path(tempfile.mkdtemp()) / "kb"
    shutil.copytree(bundled_knowledge_base_path().parent, folder)
    app = StakeholderApp(folder / bundled_knowledge_base_path().name)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, ExplorerScreen))
        await pilot.press("slash", *"met italy's defence", "enter", "4")
        await pilot.press("v", *"wwwww", "v", *"e" * 11, "c")
        await settle(pilot, lambda: not isinstance(app.screen, ExplorerScreen))
        await pilot.press(*"Haftar met Pinotti and Italy's security chiefs in Rome.")
        for _ in range(10):
            await pilot.pause()
        for input_ in app.screen.query(Input):
            input_.cursor_blink = False
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))


async def shoot_disputes(name: str, size: tuple[int, int]) -> None:
    """The disputes view, on the bundled data plus the made-up test texts of the tests
    (tests/data/many_sources: a copy, an independent report, a later correction)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from many_sources import build

    folder = Path(tempfile.mkdtemp()) / "kb"
    shutil.copytree(bundled_knowledge_base_path().parent, folder)
    path = build(folder / bundled_knowledge_base_path().name)
    app = StakeholderApp(path, watch=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, ExplorerScreen))
        await pilot.press("exclamation_mark")
        await settle(pilot, lambda: not isinstance(app.screen, ExplorerScreen))
        for _ in range(10):
            await pilot.pause()
        app.save_screenshot(filename=f"{name}.svg", path=str(OUT))


async def main() -> None:
    os.environ.setdefault("STAKEHOLDERS_CACHE_DIR", tempfile.mkdtemp())
    OUT.mkdir(exist_ok=True)
    await shoot("explorer-120x40", (120, 40))
    await shoot("explorer-80x24", (80, 24))
    await shoot("search", (100, 30), ("slash",), "drone")
    await shoot("matrix", (100, 30), ("m",))
    await shoot("neighbourhood", (100, 30), ("n", "t"))
    await shoot("timeline", (100, 30), ("t",))
    await shoot_capture("capture", (100, 32))
    await shoot_disputes("disputes", (100, 30))


if __name__ == "__main__":
    asyncio.run(main())
