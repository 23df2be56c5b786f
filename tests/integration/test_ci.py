"""`.ci/run` refuses to run without the team's shared folder beside the repo."""

from __future__ import annotations

import shutil
import subprocess

from tests.conftest import REPO


def test_ci_run_stops_with_a_clear_message_when_shared_is_missing(tmp_path):
    # a copy of the CI entry point in a checkout with no ../shared beside it
    (tmp_path / "repo" / ".ci").mkdir(parents=True)
    script = shutil.copy(REPO / ".ci" / "run", tmp_path / "repo" / ".ci" / "run")
    ran = tmp_path / "suite-ran"
    (tmp_path / "repo" / "Makefile").write_text(f"test:\n\ttouch {ran}\n")
    done = subprocess.run(["bash", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert f"{tmp_path}/shared/samples/kfor-request.txt is missing" in done.stderr
    assert not ran.exists(), "the suite ran (and would only have skipped) without ../shared"
