"""Alert sinks: a command (argv, never a shell, the event as JSON on stdin) and a webhook.

Every delivery is bounded: the command's whole run and each webhook exchange have a
deadline, and a webhook's reply is read only up to `REPLY_CAP` bytes. Outcomes are
strings for the log, never exceptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from dashboard import config as cfg
from dashboard.textclean import strip_controls

if TYPE_CHECKING:
    from dashboard.alerts import AlertEvent

REPLY_CAP = 64 * 1024
"""At most this many bytes of a webhook's reply are read; the rest is never received."""


def make_alert_client(*, retries: int = 2) -> httpx.AsyncClient:
    """An AsyncClient for webhooks: connection failures retried by httpcore (`retries`),
    no redirects followed, nothing taken from the environment."""
    transport = httpx.AsyncHTTPTransport(retries=retries, trust_env=False)
    return httpx.AsyncClient(
        transport=transport,
        trust_env=False,
        follow_redirects=False,
        headers={"User-Agent": "flashpoint-alerts"},
    )


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    # the command runs in its own session, so its children die with it
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        with contextlib.suppress(ProcessLookupError):
            proc.kill()


class AlertDispatcher:
    """Delivers events to an alert's command and webhook; outcomes are strings, never raised.

    `timeout` bounds the command's whole run and each webhook attempt as a whole (connect,
    send, headers and reply together: a receiver dripping a byte at a time cannot stretch
    it); at most `REPLY_CAP` bytes of a reply are read. `retry_pause` is the wait before
    the one extra attempt after a 5xx, so one delivery lasts at most
    2 × timeout + retry_pause.
    """

    def __init__(self, client: httpx.AsyncClient, *, timeout: float = 10.0,
                 retry_pause: float = 2.0):
        self.client = client
        self.timeout = timeout
        self.retry_pause = retry_pause

    async def dispatch(self, event: AlertEvent, alert: cfg.Alert) -> list[str]:
        """Run the alert's sinks for this event concurrently; one outcome line per sink."""
        payload = event.to_bytes()
        jobs = []
        if alert.command:
            jobs.append(self._run_command(alert.command, payload))
        if alert.webhook is not None:
            jobs.append(self._post(str(alert.webhook), payload))
        outcomes = list(await asyncio.gather(*jobs))
        if alert.notify:
            outcomes.append("notify: for the TUI")
        return outcomes

    async def _run_command(self, argv: Sequence[str], payload: bytes) -> str:
        name = Path(argv[0]).name
        try:
            # argv as configured, never a shell; the event only travels on stdin
            proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            return f"command {name}: cannot start: {exc}"
        try:
            _, err = await asyncio.wait_for(proc.communicate(payload), self.timeout)
        except TimeoutError:
            _kill_group(proc)
            await proc.wait()
            return f"command {name}: killed after {self.timeout:g} s"
        except (BrokenPipeError, ConnectionResetError):
            # it exited without reading stdin; its exit status still tells
            await proc.wait()
            err = b""
        if proc.returncode != 0:
            tail = strip_controls((err or b"").decode(errors="replace"))[-200:]
            return f"command {name}: exit {proc.returncode}" + (f": {tail}" if tail else "")
        return f"command {name}: ok"

    async def _post_once(self, url: str, payload: bytes) -> httpx.Response:
        # httpx's timeout is per read; the deadline is on the whole exchange
        async with asyncio.timeout(self.timeout), self.client.stream(
            "POST",
            url,
            content=payload,
            headers={"Content-Type": "application/json"},
            timeout=self.timeout,
        ) as response:
            received = 0
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received >= REPLY_CAP:
                    break  # leaving the block closes the connection: the rest is not read
            return response

    async def _post(self, url: str, payload: bytes) -> str:
        host = httpx.URL(url).host
        try:
            response = await self._post_once(url, payload)
            if response.is_server_error:
                # httpx retries only connection failures. A 5xx is often a receiver
                # restarting; one more attempt after a short pause is bounded (at most two
                # posts, a few seconds) and the receiver must accept a duplicate anyway.
                await asyncio.sleep(self.retry_pause)
                response = await self._post_once(url, payload)
        except TimeoutError:
            return f"webhook {host}: failed: no complete answer within {self.timeout:g} s"
        except httpx.HTTPError as exc:
            return f"webhook {host}: failed: {type(exc).__name__}: {exc}"
        if response.is_success:
            return f"webhook {host}: {response.status_code}"
        return f"webhook {host}: failed: HTTP {response.status_code}"


__all__ = ["REPLY_CAP", "AlertDispatcher", "make_alert_client"]
