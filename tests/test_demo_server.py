"""`credstack demo` seeds and serves: a real server process, its pages fetched over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_serves_the_catalog_pages(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "CREDSTACK_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    cmd = [sys.executable, "-m", "credstack.cli", "demo", "--learners", "100", "--port", str(port)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"demo server did not come up:\n{out}")
            time.sleep(0.3)
        home = httpx.get(base + "/").text
        assert "Northbridge Institute of Applied Technology" in home
        frameworks = httpx.get(base + "/api/v1/frameworks").json()
        framework_id = frameworks[0]["id"]
        tree = httpx.get(f"{base}/frameworks/{framework_id}")
        assert tree.status_code == 200 and "Northbridge Digital Skills Framework" in tree.text
        catalog = httpx.get(base + "/achievements")
        assert catalog.status_code == 200 and "Certificate in Applied Data Analytics" in catalog.text
        certs = httpx.get(base + "/achievements", params={"kind": "certificate"}).text
        assert (
            "Diploma in Digital Business Technology" not in certs
            and "Certificate in Cloud Software Engineering" in certs
        )
        achievements = httpx.get(base + "/api/v1/achievements").json()
        first = next(a for a in achievements if a["kind"] == "micro-credential")
        page = httpx.get(f"{base}/achievements/{first['id']}")
        assert page.status_code == 200 and first["name"] in page.text and "ECTS" in page.text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
