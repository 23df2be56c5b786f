"""A dashboard whose terminal is gone ends as a hangup ends it.

When an SSH session drops, the kernel hangs up the terminal and sends SIGHUP to the
session's leader. Usually that is the shell, which passes it on, or `flashpoint` itself.
But a program in between may keep it: `make demo` is such a program (make catches SIGHUP
and waits for its child). Then nothing reaches the dashboard. Textual's input thread then
spins on the dead terminal (about 40 % of a core). Its output thread dies of the first
failed write, and the event loop blocks for good on the output queue. So the dashboard
stopped collecting and repainting, yet it kept the CPU and the store's writer lock.

`watch_terminal` waits in a thread for the terminal's hangup (poll reports POLLHUP with no
cost until then). It then sends the process the SIGHUP that a dropped session sends. The
dashboard ends exactly as it does over SSH. The store is made to survive a kill at any
instant (docs/RELIABILITY.md), and the worker processes end with their parent. Where
SIGHUP is ignored (`nohup`), there is no one left to watch the screen, so the process
exits with the status a hangup gives.
"""

from __future__ import annotations

import os
import select
import signal
import threading

HANGUP_STATUS = 128 + signal.SIGHUP  # what a shell reports for a process ended by SIGHUP


def watch_terminal(fd: int) -> threading.Thread | None:
    """Start watching the terminal on `fd` for its hangup (no thread if it is no terminal).

    The thread is a daemon: a dashboard that ends normally does not wait for it.
    """
    if not os.isatty(fd):
        return None
    watcher = threading.Thread(target=_wait_for_hangup, args=(fd,), name="terminal-hangup",
                               daemon=True)
    watcher.start()
    return watcher


def _wait_for_hangup(fd: int) -> None:
    poll = select.poll()
    poll.register(fd, 0)  # no events asked for: poll still reports POLLHUP and POLLERR
    while True:
        masks = [mask for _, mask in poll.poll()]  # blocks until the terminal changes
        if any(mask & select.POLLNVAL for mask in masks):
            return  # the descriptor was closed here: nothing left to watch
        if any(mask & (select.POLLHUP | select.POLLERR) for mask in masks):
            break
    hang_up()


def hang_up() -> None:
    """End this process as a SIGHUP would, even where SIGHUP is ignored."""
    if signal.getsignal(signal.SIGHUP) == signal.SIG_IGN:
        os._exit(HANGUP_STATUS)
    os.kill(os.getpid(), signal.SIGHUP)
