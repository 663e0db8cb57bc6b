"""Start and stop a `streamlit run` server for benchmarks, and read its CPU and memory.

The server runs with ``cwd=/work/main`` (the project root) so the project's
``.streamlit/config.toml`` is in effect: Streamlit reads ``$CWD/.streamlit/config.toml``
(plus ``~/.streamlit/config.toml`` and a ``.streamlit/config.toml`` next to the main
script, which the bench apps do not have).

    with StreamlitServer("bench/bare_app.py") as srv:
        print(srv.base_url, srv.pid)
        before = srv.cpu_seconds()
        ...
        print(srv.cpu_seconds() - before, srv.rss_bytes())

Only ever binds 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_NODELAY_LAUNCHER = Path(__file__).resolve().parent / "streamlit_nodelay.py"
_CLK_TCK = os.sysconf("SC_CLK_TCK")
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def health_ok(base_url: str, timeout: float = 1.0) -> bool:
    """True when ``GET /_stcore/health`` answers 200."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, from /proc/<pid>/stat (fields 14, 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) may contain spaces; split after its closing paren.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _CLK_TCK


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from VmRSS in /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    # A zombie has no VmRSS line; fall back to statm.
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_SIZE


@dataclass
class StreamlitServer:
    """A `streamlit run` subprocess on 127.0.0.1; usable as a context manager.

    ``env`` is merged over ``os.environ`` (pass ``STREAMLIT_...`` variables to override
    config options, or app-specific variables). ``extra_args`` go after the script path's
    flags, e.g. ``["--runner.postScriptGC", "true"]``. ``tcp_nodelay=True`` launches via
    ``bench/streamlit_nodelay.py`` (TCP_NODELAY on the server's sockets, see there);
    the default is stock ``python -m streamlit``.
    """

    script: str | Path
    env: dict[str, str] = field(default_factory=dict)
    extra_args: list[str] = field(default_factory=list)
    cwd: Path = PROJECT_ROOT
    port: int = 0
    startup_timeout: float = 60.0
    log_path: Path | None = None
    tcp_nodelay: bool = False
    process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("server not started")
        return self.process.pid

    def command(self) -> list[str]:
        launcher = [str(_NODELAY_LAUNCHER)] if self.tcp_nodelay else ["-m", "streamlit"]
        return [
            sys.executable,
            *launcher,
            "run",
            str(self.script),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *self.extra_args,
        ]

    def start(self) -> StreamlitServer:
        if self.process is not None:
            raise RuntimeError("server already started")
        if not self.port:
            self.port = free_port()
        env = {**os.environ, **self.env}
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command(), cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        if self.log_path:
            log.close()  # type: ignore[union-attr]
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self.process.returncode} during startup"
                )
            if health_ok(self.base_url):
                return
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(
            f"streamlit did not answer /_stcore/health within {self.startup_timeout}s"
        )

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate (SIGTERM), then kill (SIGKILL) if it has not exited in ``timeout`` s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        self.process = None

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def rss_bytes(self) -> int:
        return rss_bytes(self.pid)

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
