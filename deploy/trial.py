"""Try several app replicas behind nginx on this machine, with one command.

    python deploy/trial.py --replicas 3 [--demo] [--db URL] [--port 8600]
    python deploy/trial.py --print-config [--site] --replicas 3 [--listen 127.0.0.1:8600]

Starts a throwaway PostgreSQL server (deploy/pgserver.py; needs Debian's postgresql package)
unless ``--db`` names a database (a postgresql:// URL, or a SQLite file for a quick look),
then the replicas (`streamlit run app.py` on free 127.0.0.1 ports; each applies the
migrations itself), then nginx in the foreground with deploy/nginx.conf.template, and prints
the URL. Ctrl-C or SIGTERM stops everything again (nginx, the replicas, the throwaway
database) and removes the folders it made in the temp directory (``--keep-logs`` keeps the
logs). ``--demo`` turns demo mode on and creates the demo before it says so: the demo
workshop is at ``/?code=DEMO``. The replicas' process ids are printed (for failover drills:
``kill -9 PID``).

``--print-config`` only prints the rendered nginx configuration for replicas on ports
8601, 8602, ... (``--first-port``): a complete nginx.conf, or with ``--site`` only the part
for a distribution's /etc/nginx/conf.d/ (production, see deploy/README.md). The ``--prefix``
folder (with its logs/ and temp/) is created when missing.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from deploy.cluster import (  # noqa: E402
    Cluster,
    ClusterError,
    nginx_binary,
    render_nginx_conf,
    running_cluster,
    worker_user_directive,
)

DEFAULT_PORT = 8600


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--db", help="database: postgresql://... URL or SQLite file")
    parser.add_argument("--demo", action="store_true", help="demo mode (IPM_DEMO=1)")
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the log folder when stopping"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"nginx port (default {DEFAULT_PORT})"
    )
    parser.add_argument("--print-config", action="store_true", help="print the nginx config")
    parser.add_argument("--listen", default=f"127.0.0.1:{DEFAULT_PORT}", help="with --print-config")
    parser.add_argument("--first-port", type=int, default=8601, help="with --print-config")
    parser.add_argument(
        "--prefix", default="/var/lib/ketenscan-nginx", help="with --print-config: nginx folder"
    )
    parser.add_argument(
        "--site", action="store_true", help="with --print-config: only the conf.d part"
    )
    parser.add_argument(
        "--access-log",
        default="/var/log/nginx/ketenscan.access.log",
        help="with --print-config: the access log file",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 32:
        parser.error("--replicas must be 1..32")
    return args


def print_config(args: argparse.Namespace) -> int:
    from deploy.cluster import prepare_prefix

    if not args.site:  # a complete nginx.conf runs in its prefix: make the folders it needs
        try:
            prepare_prefix(Path(args.prefix))
        except OSError as exc:
            print(f"cannot create {args.prefix}: {exc.strerror}", file=sys.stderr)
            return 2
    addresses = [f"127.0.0.1:{args.first_port + i}" for i in range(args.replicas)]
    user = "user www-data;" if os.path.exists("/etc/debian_version") else worker_user_directive()
    text = render_nginx_conf(
        addresses, args.listen, args.prefix, user, args.access_log, site_only=args.site
    )
    print(text, end="")
    return 0


class Stop(Exception):
    """SIGTERM arrived."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Stop


def run_trial(args: argparse.Namespace) -> int:
    if nginx_binary() is None:
        print("nginx is not installed: apt-get install -y nginx", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _on_sigterm)
    pg = None
    try:
        db = args.db
        if not db:
            from deploy.pgserver import PgServer, pg_bin

            if pg_bin() is None:
                print(
                    "PostgreSQL is not installed (apt-get install -y postgresql); "
                    "or pass --db with a postgresql:// URL or a SQLite file",
                    file=sys.stderr,
                )
                return 2
            print("starting a throwaway PostgreSQL server ...", flush=True)
            pg = PgServer.start(Path(tempfile.mkdtemp(prefix="ipm-trial-pg-")))  # removed below
            db = pg.url
        if args.demo:
            print("creating the demo ...", flush=True)
            ensure_demo(db)
        print(f"starting {args.replicas} replica(s) on {db_label(db)} ...", flush=True)
        with running_cluster(
            db, args.replicas, port=args.port, demo=args.demo, keep_prefix=args.keep_logs
        ) as cluster:
            print()
            for replica in cluster.replicas:
                print(
                    f"  replica {replica.index}: {replica.url}  pid {replica.pid}  "
                    f"(log {replica.log})"
                )
            print(f"  nginx:     {cluster.url}  (logs in {cluster.prefix / 'logs'})")
            print()
            link = f"{cluster.url}/?code=DEMO" if args.demo else cluster.url
            print(f"Open {link}   (Ctrl-C stops everything)", flush=True)
            code = watch(cluster)
            # Stopping takes a few seconds: do not let a second Ctrl-C cut it short.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            print("stopping ...", flush=True)
        if args.keep_logs:
            print(f"stopped; logs kept in {cluster.prefix / 'logs'}")
        else:
            print("stopped; logs removed (--keep-logs keeps them)")
        return code
    except (KeyboardInterrupt, Stop):
        return 0  # before the cluster was up; everything started is stopped already
    except ClusterError as exc:
        print(f"could not start: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if pg is not None:
            pg.stop("fast", remove=True)


def ensure_demo(db: str) -> None:
    """Create the demo organisation and its open workshop DEMO unless it exists, under the
    same lock the replicas use (ui/access.py), so /?code=DEMO works at once."""
    from ipm_model.demo import DEMO_ORGANISATION, create_demo
    from ipm_model.questionnaire import default_questionnaire
    from ipm_model.storage.store import Store

    store = Store(db)
    try:
        with store.exclusive("demo"):
            if store.organisation_id(DEMO_ORGANISATION) is None:
                create_demo(store, default_questionnaire())
    finally:
        store.close()


def watch(cluster: Cluster) -> int:
    """Wait for Ctrl-C or SIGTERM (0), or for a process of the cluster to die (1)."""
    try:
        while True:
            time.sleep(1)
            dead = [f"replica {r.index} ({r.log})" for r in cluster.replicas if not r.running]
            nginx = cluster.nginx.process
            if nginx is None or nginx.poll() is not None:
                dead.append(f"nginx ({cluster.nginx.error_log})")
            if dead:
                print(f"stopped by itself: {', '.join(dead)}", file=sys.stderr)
                return 1
    except (KeyboardInterrupt, Stop):
        print()
        return 0


def db_label(db: str) -> str:
    """The database without a password, for printing."""
    if not db.startswith(("postgresql://", "postgres://")):
        return db
    parts = urlsplit(db)
    host = parts.hostname or ""
    return f"postgresql://{parts.username or ''}@{host}:{parts.port or 5432}{parts.path}"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return print_config(args) if args.print_config else run_trial(args)


if __name__ == "__main__":
    sys.exit(main())
