"""Save the README's screenshots: the app draws itself (App.save_screenshot) on the bundled data.

Run with `make screenshots`; writes SVG files into docs/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
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
        screen.item = ItemRef("relation", next(r.id for r in kb.relations_of("italy")
                                               if r.type == "hosts"))
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


async def main() -> None:
    os.environ.setdefault("STAKEHOLDERS_CACHE_DIR", tempfile.mkdtemp())
    OUT.mkdir(exist_ok=True)
    await shoot("explorer-120x40", (120, 40))
    await shoot("explorer-80x24", (80, 24))
    await shoot("search", (100, 30), ("slash",), "drone")
    await shoot("matrix", (100, 30), ("m",))
    await shoot("neighbourhood", (100, 30), ("n", "t"))
    await shoot("timeline", (100, 30), ("t",))


if __name__ == "__main__":
    asyncio.run(main())
