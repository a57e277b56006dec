"""`pip install -e .` (what `make run` and `make test` do first) prints no packaging warning."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def test_every_package_lies_where_its_name_says():
    """setuptools installs an editable project with a plain .pth file only when every
    package sits at its own path under one root; otherwise it installs an import hook and
    warns on every install."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"": "."}
    for package in setuptools["packages"]:
        assert (ROOT / package.replace(".", "/")).is_dir(), package


@pytest.mark.skipif(sys.platform == "win32", reason="the scratch venv's layout is POSIX")
def test_an_editable_install_prints_no_packaging_warning(tmp_path):
    source = tmp_path / "project"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", "out", ".hypothesis"
        ),
    )
    scratch = tmp_path / "venv"
    venv.create(scratch, with_pip=False)
    # This interpreter's pip, installing into the scratch environment only.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(scratch / "bin" / "python"),
            "install",
            "--no-deps",
            "--no-input",
            "--editable",
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    assert "Successfully installed stakeholders" in printed
    # setuptools' warnings reach pip's output as "...Warning: ..." inside a "!!" block.
    assert "!!" not in printed and "Warning" not in printed, printed
