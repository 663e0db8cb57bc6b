"""A throwaway PostgreSQL server on 127.0.0.1, for the tests, the trial and the benchmarks.

    server = PgServer.start(folder)   # initdb + pg_ctl start on a free port
    url = server.url                  # postgresql://ipm@127.0.0.1:PORT/ipm
    server.stop()

The tests use the server named by IPM_TEST_PG_URL instead when it is set. The binaries
come from Debian's postgresql package (/usr/lib/postgresql/<version>/bin). As root the
server runs as the `postgres` user, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

USER = "ipm"
DATABASE = "ipm"


def pg_bin() -> Path | None:
    """The folder with initdb and pg_ctl of the newest PostgreSQL installed, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@dataclass
class PgServer:
    url: str
    folder: Path | None = None
    bin: Path | None = None
    port: int = 0

    @classmethod
    def start(cls, folder: Path | None = None) -> PgServer:
        """initdb a new cluster in `folder` (a new folder under /tmp by default; the server
        user must be able to reach it) and start it on a free port of 127.0.0.1."""
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install -y postgresql)")
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="ipm-pg-"))
        folder.mkdir(parents=True, exist_ok=True)
        data = folder / "data"
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            os.chmod(folder, 0o700)
        subprocess.run(
            _as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
            cwd="/",
        )
        port = free_port()
        server = cls(f"postgresql://{USER}@127.0.0.1:{port}/postgres", folder, bindir, port)
        server.restart()
        server.execute(f"CREATE DATABASE {DATABASE}")
        server.url = f"postgresql://{USER}@127.0.0.1:{port}/{DATABASE}"
        return server

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def stop(self, mode: str = "fast", remove: bool = False) -> None:
        """Stop the server (when started here); `remove` deletes its folder too."""
        if self.folder is None or self.bin is None:
            return
        subprocess.run(
            _as_server_user(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.folder / "data"),
                    "-m",
                    mode,
                    "-w",
                    "stop",
                ]
            ),
            capture_output=True,
            cwd="/",
        )
        if remove:
            shutil.rmtree(self.folder, ignore_errors=True)

    def restart(self) -> None:
        """Start the server (again) on its port, on 127.0.0.1 only (also for fault tests)."""
        assert self.folder is not None and self.bin is not None
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            _as_server_user(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.folder / "data"),
                    "-o",
                    options,
                    "-l",
                    str(self.folder / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            cwd="/",
        )

    def new_schema(self) -> tuple[str, str]:
        """A new empty schema; returns (name, URL whose connections use only that schema)."""
        name = "t_" + secrets.token_hex(5)
        self.execute(f"CREATE SCHEMA {name}")
        sep = "&" if "?" in self.url else "?"
        return name, f"{self.url}{sep}options={quote(f'-csearch_path={name}')}"

    def drop_schema(self, name: str) -> None:
        self.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def require_postgres() -> None:
    """Skip the calling test without PostgreSQL installed; in CI (CI=true) fail instead."""
    import pytest

    if pg_bin() is not None:
        return
    if os.environ.get("CI"):
        pytest.fail("PostgreSQL is not installed; .ci/run installs it (package postgresql)")
    pytest.skip("PostgreSQL is not installed (apt-get install -y postgresql)")
