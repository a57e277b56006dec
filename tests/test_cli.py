"""The command line: exit codes and what it prints."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.kb_files import write_kb
from tui.cli import main


def test_check_ok_prints_counts(tmp_path, capsys):
    path = write_kb(tmp_path)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "OK: 2 actors, 0 relations, 0 attributes, 0 stances, 0 quotes, 1 source" in out


def test_check_failure_exit_1_with_places(tmp_path, capsys):
    path = write_kb(tmp_path, "relations: 5\n")
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:15:12: expected `relations` (a list), found the text '5'" in err
    assert err.rstrip().endswith("1 problem found.")


def test_check_bundled_by_default(capsys):
    assert main(["check"]) == 0
    assert "OK:" in capsys.readouterr().out


def test_max_size_option(tmp_path, capsys):
    path = write_kb(tmp_path)
    assert main(["check", "--max-size", "100", str(path)]) == 1
    assert "over the 100-byte cap" in capsys.readouterr().err


def test_export_json_to_stdout(tmp_path, capsys):
    path = write_kb(tmp_path)
    assert main(["export", "--format", "json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [actor["id"] for actor in data["actors"]] == ["haftar", "italy"]


def test_export_of_a_broken_file_fails(tmp_path, capsys):
    path = write_kb(tmp_path, "relations: 5\n")
    assert main(["export", str(path)]) == 1


def test_open_a_broken_file_prints_problems_and_exits_1(tmp_path):
    """`stakeholders FILE` on a file that fails check: the problems, status 1, no app."""
    path = write_kb(tmp_path, "relations: 5\n")
    result = subprocess.run(
        [sys.executable, "-m", "tui", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert f"{path}:15:12:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_option_is_a_usage_error(capsys):
    try:
        main(["check", "--max-size", "lots"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "not a size" in capsys.readouterr().err
