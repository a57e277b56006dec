"""A plain (non-editable) install carries the bundled knowledge base and its sources."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> tuple[Path, str]:
    """The wheel, and everything the build printed."""
    # Build from a copy so that the build's own folders never land in the checkout.
    source = tmp_path_factory.mktemp("src") / "project"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", "out", ".hypothesis"
        ),
    )
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("stakeholders-*.whl")
    return built, result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel(build) -> Path:
    return build[0]


def test_the_build_gives_no_warning(build):
    # setuptools turns its deprecation warnings into errors on a date it announces.
    printed = build[1]
    assert "Successfully built stakeholders" in printed
    assert "Warning" not in printed and "is absent from" not in printed, printed


def test_wheel_ships_the_bundled_data_and_styles(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tui/bundled/actors.yaml" in names
    assert "tui/bundled/sources/news24-haftar-rome.txt" in names
    assert "tui/app.tcss" in names
    assert {"tui/views/matrix.tcss", "tui/screens/search.tcss"} <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "stakeholders = tui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_package_checks_its_bundled_data_from_any_directory(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main(['check']))"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert str(target / "tui" / "bundled" / "actors.yaml") in result.stdout
    assert ": OK: " in result.stdout
