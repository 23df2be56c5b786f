"""The one TLS context every HTTP client of a process shares still verifies: a loopback
TLS server with a self-signed certificate is refused by the feeds' client and the pages'
client alike (fetching/client.py)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.config import Fetch, Source
from dashboard.fetching import FetchError, make_client, retrieve
from dashboard.fetching.client import tls_context

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@contextlib.contextmanager
def self_signed_server(tmp_path: Path) -> Iterator[int]:
    """A TLS server on 127.0.0.1 with a certificate no CA signed; yields its port."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with (contextlib.suppress(OSError, ssl.SSLError),
                  server_side.wrap_socket(conn, server_side=True) as tls):
                tls.recv(1024)
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_the_shared_context_verifies_certificates_and_host_names():
    context = tls_context()
    assert context is tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # a CA bundle is loaded


async def test_a_self_signed_server_is_refused_by_every_client(tmp_path: Path):
    fetch = Fetch(retries=0, deadline=10)
    with self_signed_server(tmp_path) as port:
        source = Source(id="tls", url=f"https://127.0.0.1:{port}/feed.xml")
        for client in (make_client(fetch), make_client(fetch, connections=2)):
            async with client:
                with pytest.raises(FetchError, match="certificate not accepted"):
                    await retrieve(source, client=client, fetch=fetch)
