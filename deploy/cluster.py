"""Start and stop app replicas behind nginx on one machine: the trial, the tests, the benchmark.

    with running_cluster("postgresql://ipm@127.0.0.1:5432/ipm", replicas=2) as cluster:
        cluster.url              # http://127.0.0.1:PORT, nginx (sticky route cookie)
        cluster.replica_urls     # the replicas themselves, e.g. for a facilitator's screen
        cluster.requests()       # nginx's access log: route cookie and replica per request

Every replica is `streamlit run app.py --server.port P --server.address 127.0.0.1` with
``IPM_DB`` set to the shared database (a postgresql:// URL, or for a quick try one SQLite
file); each applies the migrations itself when it first opens the database (they take a lock).
nginx runs in the foreground with deploy/nginx.conf.template rendered into a private prefix
folder (pid file, logs, temporary files), so it also runs as a normal user. Everything listens
on 127.0.0.1 only and everything started here is stopped on exit, also after an error.
"""

from __future__ import annotations

import grp
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
ROUTE_COOKIE = "ipm_route"
STARTUP_TIMEOUT_S = 90.0
PORT_ATTEMPTS = 3
_CLK_TCK = os.sysconf("SC_CLK_TCK")
_PLACEHOLDER = re.compile(r"\{\{[A-Z_]+\}\}")
# One access log line (log_format ketenscan in the template).
_ACCESS_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+)[^"]*" (?P<status>\d{3}) \d+ '
    r"route=(?P<route>\S+) upstream=(?P<upstream>.*?) upstream_status="
)


class ClusterError(RuntimeError):
    """A replica or nginx did not start."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when GET ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def nginx_binary() -> str | None:
    """The nginx executable (PATH, or Debian's /usr/sbin/nginx), or None."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def _stop_process(process: subprocess.Popen[bytes], sig: int, timeout: float) -> None:
    """Send ``sig``, wait up to ``timeout`` s, then SIGKILL. Only this one process."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


# --------------------------------------------------------------------------- nginx config


def worker_user_directive() -> str:
    """nginx's ``user`` line: only when it starts as root (workers then drop to nobody)."""
    if os.geteuid() != 0:
        return "# (no `user` directive: nginx runs as the user who starts it)"
    groups = {g.gr_name for g in grp.getgrall()}
    group = "nogroup" if "nogroup" in groups else "nobody"
    return f"user nobody {group};"


def upstream_lines(addresses: Sequence[str]) -> str:
    """The ``server`` lines of the upstream block, one per replica ("127.0.0.1:8601")."""
    return "\n".join(f"        server {a} max_fails=1 fail_timeout=10s;" for a in addresses)


SITE_START = "# >>> ketenscan"
SITE_END = "# <<< ketenscan"


def render_nginx_conf(
    addresses: Sequence[str],
    listen: str,
    prefix: Path | str,
    user_directive: str | None = None,
    access_log: str | None = None,
    *,
    site_only: bool = False,
) -> str:
    """deploy/nginx.conf.template with the replicas' addresses, the listen address and prefix.

    ``access_log`` defaults to PREFIX/logs/access.log. ``site_only``: only the part between
    the ">>> ketenscan" and "<<< ketenscan" markers (for a distribution's conf.d folder).
    """
    if not addresses:
        raise ValueError("at least one replica address is needed")
    prefix = str(prefix).rstrip("/")
    values = {
        "{{USER_DIRECTIVE}}": user_directive if user_directive is not None else "",
        "{{PREFIX}}": prefix,
        "{{ACCESS_LOG}}": access_log or f"{prefix}/logs/access.log",
        "{{LISTEN}}": listen,
        "{{UPSTREAM_SERVERS}}": upstream_lines(addresses),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")  # the header comment names the placeholders
    if site_only:
        start = body.rindex("\n", 0, body.index(SITE_START)) + 1
        end = body.index("\n", body.index(SITE_END))
        head = "# iPM Ketenscan site for nginx, from deploy/nginx.conf.template (inside http {})"
        body = body[start:end] + "\n"
    for key, value in values.items():
        body = body.replace(key, value)
    if site_only:
        body = textwrap.dedent(body)
    left = _PLACEHOLDER.findall(body)
    if left:
        raise ValueError(f"unfilled placeholders in {TEMPLATE.name}: {sorted(set(left))}")
    return f"{head}\n\n{body}"


def prepare_prefix(prefix: Path) -> None:
    """The folders nginx needs under its prefix, reachable by nobody when run as root."""
    for sub in ("logs", "temp", "conf"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # The workers run as nobody: they must reach the temp folders (nginx chowns those).
        for folder in (prefix, prefix / "temp"):
            folder.chmod(0o755)


def check_nginx_conf(conf: Path, prefix: Path) -> str:
    """``nginx -t`` on a rendered file; returns its output, raises ClusterError when invalid."""
    binary = nginx_binary()
    if binary is None:
        raise ClusterError("nginx is not installed (apt-get install -y nginx)")
    done = subprocess.run(
        [binary, "-t", "-p", str(prefix), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ClusterError(f"nginx -t failed:\n{done.stderr}")
    return done.stderr


# --------------------------------------------------------------------------- processes


@dataclass
class Replica:
    """One `streamlit run app.py` on 127.0.0.1:port."""

    index: int
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ClusterError(f"replica {self.index} is not running")
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, env: Mapping[str, str], extra_args: Sequence[str] = ()) -> None:
        command = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            *extra_args,
        ]  # fmt: skip
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the trial, which stops us in order
            )

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the replica process (/proc/<pid>/stat)."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / _CLK_TCK

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is not None:
            _stop_process(self.process, signal.SIGTERM, timeout)
            self.process = None

    def kill(self) -> None:
        """SIGKILL, like a crashed process (for fail-over tests)."""
        if self.process is not None:
            _stop_process(self.process, signal.SIGKILL, 10.0)
            self.process = None


def start_replicas(
    count: int,
    env: Mapping[str, str],
    log_dir: Path,
    extra_args: Sequence[str] = (),
    timeout: float = STARTUP_TIMEOUT_S,
) -> list[Replica]:
    """Start ``count`` replicas at once and wait until each answers /ready (database too).

    A replica that lost its free port to another process is started again on a new one.
    On failure every replica started here is stopped again.
    """
    replicas = [Replica(i + 1, free_port(), log_dir / f"replica-{i + 1}.log") for i in range(count)]
    try:
        for replica in replicas:
            replica.start(env, extra_args)
        deadline = time.monotonic() + timeout
        attempts = dict.fromkeys(range(count), 1)
        waiting = list(replicas)
        while waiting:
            if time.monotonic() > deadline:
                names = ", ".join(f"replica {r.index} ({r.log})" for r in waiting)
                raise ClusterError(f"no /ready answer within {timeout:.0f} s: {names}")
            for replica in list(waiting):
                # /ready (ui/ready.py): the process runs and its database answers.
                if http_ok(f"{replica.url}/ready", timeout=1.0):
                    waiting.remove(replica)
                elif replica.process is not None and replica.process.poll() is not None:
                    tail = log_tail(replica.log)
                    slot = replica.index - 1
                    if "already in use" not in tail or attempts[slot] >= PORT_ATTEMPTS:
                        raise ClusterError(
                            f"replica {replica.index} exited with {replica.process.returncode}"
                            f" during start-up; {replica.log}:\n{tail}"
                        )
                    attempts[slot] += 1
                    replica.port = free_port()
                    replica.start(env, extra_args)
            time.sleep(0.2)
    except BaseException:
        for replica in replicas:
            replica.stop()
        raise
    return replicas


@dataclass
class Nginx:
    """nginx in the foreground (``daemon off``) with a rendered config in its own prefix."""

    prefix: Path
    conf: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "access.log"

    @property
    def error_log(self) -> Path:
        return self.prefix / "logs" / "error.log"

    def start(self, listen_url: str, timeout: float = 15.0) -> None:
        binary = nginx_binary()
        if binary is None:
            raise ClusterError("nginx is not installed (apt-get install -y nginx)")
        check_nginx_conf(self.conf, self.prefix)
        output = self.prefix / "logs" / "stderr.log"
        with open(output, "ab") as log:
            self.process = subprocess.Popen(
                [binary, "-p", str(self.prefix), "-c", str(self.conf), "-g", "daemon off;"],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not http_ok(f"{listen_url}/_stcore/health", timeout=1.0):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                logs = f"{log_tail(output)}\n{log_tail(self.error_log)}"
                raise ClusterError(f"nginx did not start; {output}:\n{logs}")
            time.sleep(0.1)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM: nginx's fast shutdown (open websockets are cut); SIGKILL after timeout."""
        if self.process is not None:
            _stop_process(self.process, signal.SIGTERM, timeout)
            self.process = None


@dataclass(frozen=True)
class LoggedRequest:
    """One line of nginx's access log."""

    method: str
    path: str
    status: int
    route: str
    upstream: str  # the replica that answered ("127.0.0.1:8601"), "-" when none

    @property
    def is_websocket(self) -> bool:
        return self.path.startswith("/_stcore/stream")


def parse_access_log(text: str) -> list[LoggedRequest]:
    """The requests of an access log in the template's ``ketenscan`` format."""
    found = []
    for line in text.splitlines():
        match = _ACCESS_LINE.search(line)
        if match is None:
            continue
        # After a fail-over nginx lists every replica it tried: the last one answered.
        upstream = match["upstream"].replace(" : ", ", ").split(",")[-1].strip()
        found.append(
            LoggedRequest(
                match["method"], match["path"], int(match["status"]), match["route"], upstream
            )
        )
    return found


@dataclass
class Cluster:
    """Running replicas behind nginx. ``url`` is nginx; the replicas are also reachable."""

    url: str
    replicas: list[Replica]
    nginx: Nginx
    prefix: Path

    @property
    def replica_urls(self) -> list[str]:
        return [r.url for r in self.replicas]

    def cpu_seconds(self) -> float:
        """CPU seconds of all running replicas together."""
        return sum(r.cpu_seconds() for r in self.replicas if r.running)

    def requests(self) -> list[LoggedRequest]:
        """nginx's access log so far (websocket requests appear when they close)."""
        try:
            text = self.nginx.access_log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return parse_access_log(text)

    def replica_of(self, address: str) -> Replica | None:
        return next((r for r in self.replicas if r.address == address), None)

    def upstreams_by_route(self) -> dict[str, set[str]]:
        """Route cookie -> the replicas that answered its requests (one each when sticky)."""
        found: dict[str, set[str]] = {}
        for request in self.requests():
            if request.upstream not in ("", "-"):
                found.setdefault(request.route, set()).add(request.upstream)
        return found


@contextmanager
def running_cluster(
    db: str | Path,
    replicas: int = 2,
    *,
    port: int = 0,
    demo: bool = False,
    env: Mapping[str, str] | None = None,
    extra_args: Sequence[str] = (),
    keep_prefix: bool = False,
) -> Iterator[Cluster]:
    """``replicas`` app processes on database ``db`` behind nginx on 127.0.0.1:``port``.

    ``port`` 0 picks a free one. ``demo`` turns demo mode on (IPM_DEMO=1). ``env`` adds
    variables for the replicas. Logs are in ``cluster.prefix/logs`` (replica-N.log,
    access.log, error.log); the prefix folder is removed on exit unless ``keep_prefix``.
    """
    if replicas < 1:
        raise ValueError("at least one replica")
    prefix = Path(tempfile.mkdtemp(prefix="ipm-cluster-"))
    prepare_prefix(prefix)
    replica_env = {
        "IPM_DB": str(db),
        "IPM_DEMO": "1" if demo else "",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with ExitStack() as stack:
        if not keep_prefix:
            stack.callback(shutil.rmtree, prefix, ignore_errors=True)
        started = start_replicas(replicas, replica_env, prefix / "logs", extra_args)
        for replica in started:
            stack.callback(replica.stop)
        nginx = None
        for attempt in range(PORT_ATTEMPTS):
            listen_port = port or free_port()
            conf = prefix / "conf" / "nginx.conf"
            conf.write_text(
                render_nginx_conf(
                    [r.address for r in started],
                    f"127.0.0.1:{listen_port}",
                    prefix,
                    worker_user_directive(),
                ),
                encoding="utf-8",
            )
            candidate = Nginx(prefix, conf)
            try:
                candidate.start(f"http://127.0.0.1:{listen_port}")
            except ClusterError:
                if port or attempt == PORT_ATTEMPTS - 1:
                    raise
                continue  # the free port was taken meanwhile: another one
            nginx = candidate
            stack.callback(nginx.stop)  # runs first: nginx stops before the replicas
            break
        assert nginx is not None
        yield Cluster(f"http://127.0.0.1:{listen_port}", started, nginx, prefix)
