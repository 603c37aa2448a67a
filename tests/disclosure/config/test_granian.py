"""The production server's configuration (disclosure/config/granian.py): read from the
environment, and the README's command serves the app, streaming /all.csv as it is made."""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

from granian.constants import Interfaces

from tests.disclosure.config.test_deploy import PRODUCTION_ENV
from tests.disclosure.config.test_serving import manage

ROOT = Path(__file__).resolve().parents[3]


def test_the_configuration_comes_from_the_environment(monkeypatch):
    from disclosure.config import granian

    monkeypatch.setenv("GRANIAN_PORT", "8123")
    monkeypatch.setenv("GRANIAN_WORKERS", "3")
    monkeypatch.setenv("GRANIAN_BLOCKING_THREADS", "6")
    server = granian.server()
    assert server.interface == Interfaces.WSGI
    assert (server.bind_addr, server.bind_port) == ("127.0.0.1", 8123)
    assert (server.workers, server.blocking_threads) == (3, 6)
    assert server.respawn_failed_workers and server.workers_lifetime
    assert not server.websockets


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, timeout: float = 90) -> http.client.HTTPResponse:
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Host": "juesuan.example.cn"})
            return connection.getresponse()
        except OSError:
            # Listening before its workers have imported Django: the first answers wait.
            assert time.monotonic() < deadline, "granian did not answer"
            time.sleep(0.5)


def test_the_readme_command_serves_and_streams_the_csv(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "HTTPS": "0",  # plain HTTP here, no proxy in front
        "CACHE_SECONDS": "0",  # a kept /all.csv is answered whole; the streaming is the point
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    manage("migrate", "-v0", env=env)
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "disclosure.config.granian"],
        cwd=ROOT,
        env={**base, **env, "GRANIAN_PORT": str(port), "GRANIAN_WORKERS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = _get(port, "/all.csv")
        body = response.read().decode("utf-8-sig")
        assert response.status == 200, body[:500]
        assert response.getheader("Transfer-Encoding") == "chunked"
        assert response.getheader("Content-Length") is None
        assert len(body.splitlines()) == 1  # the header row: no data yet
        assert body.startswith("单位,年度,报表")
    finally:
        server.terminate()
        server.wait(timeout=30)
