"""The README's run command (`make run`) really serves the app on the default dataset."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.app, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8", "replace")


def test_make_run_serves_the_app(default_database_dir):
    port = _free_port()
    env = dict(os.environ, EXPLORER_DATA_DIR=str(default_database_dir), PORT=str(port))
    server = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = _get(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except OSError:
                time.sleep(0.5)
        assert health == (200, "ok"), f"app did not answer; make run exited {server.poll()}"
        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<div id=\"root\">" in page.replace("'", '"')
        assert server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            output, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            output, _ = server.communicate()
    assert "not rebuilding" in output, output[-2000:]
