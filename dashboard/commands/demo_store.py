"""The demo's temporary store, removed however the demo ends.

`flashpoint demo` writes a real store in a temporary folder. Quitting (q, ctrl+q) leaves
the folder's `with` block, which removes it. A SIGTERM or a SIGHUP (a closed terminal, or
`hangup.watch_terminal` seeing it close) ends the process by the signal's default action
(the dashboard's terminal may be gone, so it cannot wind down through the event loop),
and then no `finally` runs: the store was left in /tmp. So a small reaper process, in a
session of its own (a hangup does not reach it), holds the read end of a pipe whose other
end only the demo holds; when the demo process is gone, however it went (SIGKILL too),
the kernel closes that end and the reaper removes the folder.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "flashpoint-demo-"
# The reaper: wait for the end of stdin (the demo process is gone), then remove the folder
# given, which must be a demo folder (a guard against ever removing anything else).
_REAPER = """
import shutil, sys
from pathlib import Path
sys.stdin.buffer.read()
folder = Path(sys.argv[1])
if folder.name.startswith(sys.argv[2]):
    shutil.rmtree(folder, ignore_errors=True)
"""


@contextlib.contextmanager
def demo_folder() -> Iterator[Path]:
    """A new temporary folder for the demo's store, removed when the block ends or, if the
    process ends without leaving it (a signal's default action, a kill), by the reaper."""
    folder = tempfile.TemporaryDirectory(prefix=PREFIX)
    with contextlib.ExitStack() as stack:
        stack.callback(folder.cleanup)  # if the reaper cannot start
        reaper = subprocess.Popen(
            [sys.executable, "-c", _REAPER, folder.name, PREFIX], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        stack.callback(_release, reaper)  # runs last: the block removed the folder itself
        stack.enter_context(folder)
        yield Path(folder.name)


def _release(reaper: subprocess.Popen) -> None:
    assert reaper.stdin is not None
    reaper.stdin.close()  # the reaper finds the folder gone and ends
    with contextlib.suppress(subprocess.TimeoutExpired):
        reaper.wait(timeout=5)
