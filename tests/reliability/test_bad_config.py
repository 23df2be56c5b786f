"""Bad configs at the command line: exit 2, one screen naming file, line and key, no trace.

The 24 broken files of tests/data/config/bad go through `flashpoint check-config` in
process (main() is exactly what the script runs, and an escaping exception fails the
test as a traceback would); unreadable files go through a real process.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.cli import main
from tests.reliability.conftest import REPO, flashpoint, no_traceback

BAD = sorted((REPO / "tests" / "data" / "config" / "bad").glob("*.toml"))
SCREEN = 24  # lines


def problem_lines(stderr: str, path: Path) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"{path}:")]


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_each_bad_config_is_exit_2_with_file_line_and_key(path, capsys):
    code = main(["check-config", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.splitlines()) <= SCREEN, err
    problems = problem_lines(err, path)
    assert problems, err
    for line in problems:
        # <file>:<line>: <key or (syntax)>: <what is wrong>
        assert re.match(rf"{re.escape(str(path))}:\d+: \S+: \S", line), line


def test_there_are_24_bad_configs():
    assert len(BAD) >= 24


def test_the_bad_configs_as_a_real_process_too():
    out = flashpoint("check-config", str(BAD[0]))
    assert out.returncode == 2 and no_traceback(out.stderr)
    assert problem_lines(out.stderr, BAD[0])


def unreadable_cases(tmp: Path) -> dict[str, Path]:
    """Files root cannot read as a config even though it ignores permission bits."""
    directory = tmp / "a-directory.toml"
    directory.mkdir()
    binary = tmp / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage\x80")
    huge_line = tmp / "huge-line.toml"
    huge_line.write_text("title = '" + "x" * 2_000_000)
    return {"missing": tmp / "nope.toml", "directory": directory, "binary": binary,
            "huge-line": huge_line}


@pytest.mark.parametrize("case", ["missing", "directory", "binary", "huge-line"])
def test_unreadable_config_files_are_exit_2_on_one_screen(tmp_path, case, capsys):
    path = unreadable_cases(tmp_path)[case]
    out = flashpoint("check-config", str(path))
    code = main(["status", "--config", str(path)])  # every command loads the same way
    for returncode, stderr in ((out.returncode, out.stderr), (code, capsys.readouterr().err)):
        print(stderr)
        assert returncode == 2, stderr
        assert no_traceback(stderr)
        assert len(stderr.splitlines()) <= SCREEN
        assert sum(len(line) for line in stderr.splitlines()) < 2_000, "not one screen"
        assert problem_lines(stderr, path)
