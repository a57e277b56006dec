"""Shared fixtures: private cache, config and screenshot folders for every test, and Pilot
helpers."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from views_host import settle as wait_until

Settle = Callable[..., Awaitable[None]]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's real cache directory."""
    monkeypatch.setenv("STAKEHOLDERS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _private_settings(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's real settings, nor leave screenshots in their
    Downloads folder or in the checkout."""
    monkeypatch.setenv("STAKEHOLDERS_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("TEXTUAL_SCREENSHOT_LOCATION", str(tmp_path_factory.mktemp("shots")))


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the bundled knowledge base and its sources, to change."""
    from tui.loader import bundled_knowledge_base_path

    bundled = Path(bundled_knowledge_base_path())
    shutil.copytree(bundled.parent, tmp_path / "kb")
    return tmp_path / "kb" / bundled.name


@pytest.fixture
def settle() -> Settle:
    """``await settle(pilot, condition)``: pause until ``condition()`` holds, or fail."""
    return wait_until


@pytest.fixture
def explorer(settle: Settle):
    """``await explorer(pilot)``: the app's ExplorerScreen once it is up and its panes filled."""
    from tui.screens.explorer import ExplorerScreen

    async def opened(pilot) -> ExplorerScreen:
        await settle(pilot, lambda: isinstance(pilot.app.screen, ExplorerScreen))
        screen = pilot.app.screen
        await settle(pilot, lambda: screen.actor_id is not None and screen.focused is not None)
        await pilot.pause()
        return screen

    return opened
