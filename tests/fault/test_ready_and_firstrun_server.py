"""A real server: /ready checks the database, and an empty installation prints its one-time
set-up link on the console (and nowhere else)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from deploy.cluster import free_port, http_ok

ROOT = Path(__file__).resolve().parents[2]


def _start(tmp_path: Path, db: str, name: str) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    log = tmp_path / f"{name}.log"
    env = {**os.environ, "IPM_DB": db, "PYTHONUNBUFFERED": "1"}
    env.pop("IPM_ADMIN_PASSWORD", None)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 90
    while not http_ok(f"http://127.0.0.1:{port}/_stcore/health"):
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.3)
    return process, port, log


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_ready_checks_the_database_and_first_run_prints_a_link(tmp_path):
    process, port, log = _start(tmp_path, str(tmp_path / "app.db"), "ok")
    try:
        assert _status(f"http://127.0.0.1:{port}/ready") == 200
        link = re.search(r"http://localhost:\d+/\?setup=(\S+)", log.read_text())
        assert link, log.read_text()
        from ipm_model.storage.settings import setup_token_valid
        from ipm_model.storage.store import Store

        assert setup_token_valid(Store(tmp_path / "app.db"), link.group(1))
    finally:
        process.terminate()
        process.wait(timeout=20)
    # A database that cannot be reached: the process runs, but it is not ready.
    down = f"postgresql://nobody@127.0.0.1:{free_port()}/none"
    process, port, log = _start(tmp_path, down, "down")
    try:
        assert _status(f"http://127.0.0.1:{port}/ready") == 503
        assert "setup=" not in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=20)
