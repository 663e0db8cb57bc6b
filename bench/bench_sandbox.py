"""Demo sandboxes: how long making one takes, how much disk it uses, how fast cleanup is.

    python bench/bench_sandbox.py [--sandboxes 20] [--db URL|pg]

On a new SQLite file (or --db: a PostgreSQL URL with an empty schema) it builds the hosted
demo (history, open DEMO with simulated people), then makes `--sandboxes` sandboxes one
after another and removes them all through `cleanup` (as if they had expired). Printed:

- create: median and worst seconds per sandbox (target: under 1 s);
- disk: growth of the SQLite file (after a WAL checkpoint) per sandbox (target: under 5 MB);
- cleanup: seconds per sandbox removed, and the file back to its size class (freed pages are
  reused by the next sandboxes);
- baselines measured in the same run: reading every row of the demo organisation once (the
  least a copy must do) and rebuilding the whole demo (`create_demo --reset`: what each
  visitor would cost without sandboxes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ipm_model.demo import DEMO_SIMULATED, create_demo  # noqa: E402
from ipm_model.questionnaire import default_questionnaire  # noqa: E402
from ipm_model.storage import sandbox  # noqa: E402
from ipm_model.storage.store import Store  # noqa: E402

MB = 1024 * 1024


def file_bytes(store: Store) -> int:
    """The SQLite file's size after moving the WAL into it (0 for PostgreSQL)."""
    if store.kind != "sqlite":
        return 0
    with store._write() as db:
        pass
    with store._db() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return os.path.getsize(store.path)


def read_organisation(store: Store, organisation_id: int) -> int:
    """Read every row of one organisation once (the baseline a copy cannot beat)."""
    q = store._query
    ws = "SELECT id FROM workshop WHERE organisation_id = ?"
    ps = f"SELECT id FROM participant WHERE workshop_id IN ({ws})"
    rows = 0
    for sql in (
        "SELECT * FROM chain WHERE organisation_id = ?",
        f"SELECT * FROM workshop WHERE id IN ({ws})",
        f"SELECT * FROM workshop_chain WHERE workshop_id IN ({ws})",
        f"SELECT * FROM participant WHERE id IN ({ps})",
        f"SELECT * FROM answer WHERE participant_id IN ({ps})",
        f"SELECT * FROM phase_comment WHERE participant_id IN ({ps})",
        f"SELECT * FROM action WHERE workshop_id IN ({ws})",
    ):
        rows += len(q(sql, [organisation_id]))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sandboxes", type=int, default=20)
    parser.add_argument(
        "--db",
        help="a PostgreSQL URL with an empty schema, or `pg`: a throwaway PostgreSQL server "
        "of Debian's package (default: a new SQLite file)",
    )
    args = parser.parse_args()
    q = default_questionnaire()
    server = None
    if args.db == "pg":
        from deploy.pgserver import PgServer

        server = PgServer.start()
        args.db = server.url
    try:
        return run(args, q)
    finally:
        if server is not None:
            server.stop(remove=True)


def run(args: argparse.Namespace, q) -> int:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(args.db or str(Path(folder) / "bench.db"))
        started = time.perf_counter()
        demo = create_demo(store, q, simulated=DEMO_SIMULATED)
        build = time.perf_counter() - started
        rows = read_organisation(store, demo.organisation_id)
        reads = []
        for _ in range(5):
            started = time.perf_counter()
            read_organisation(store, demo.organisation_id)
            reads.append(time.perf_counter() - started)
        rebuilds = []
        for _ in range(3):
            started = time.perf_counter()
            demo = create_demo(store, q, reset=True, simulated=DEMO_SIMULATED)
            rebuilds.append(time.perf_counter() - started)
        size_before = file_bytes(store)
        made, creates, cpu = [], [], []
        past = datetime.now(UTC) - timedelta(hours=sandbox.SANDBOX_HOURS + 1)
        for i in range(args.sandboxes):
            started, cpu_start = time.perf_counter(), time.process_time()
            # Made "25 hours ago": they are all expired for the cleanup below, and making
            # them never removes one another (each cleanup runs at its own creation time).
            box, _ = sandbox.create_sandbox(
                store, demo.organisation_id, now=past + timedelta(seconds=i)
            )
            creates.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_start)
            made.append(box)
        size_after = file_bytes(store)
        started = time.perf_counter()
        removed = sandbox.cleanup(store)
        cleanup = time.perf_counter() - started
        size_clean = file_bytes(store)
        store.close()
    per_mb = (size_after - size_before) / max(1, len(made)) / MB
    print(f"back-end: {store.kind}; demo: {rows:,} rows; first build {build:.2f} s")
    print(
        f"baseline: read the demo's rows once: median {statistics.median(reads) * 1000:.0f} ms; "
        f"rebuild the demo: median {statistics.median(rebuilds):.2f} s"
    )
    print(
        f"create: {len(creates)} sandboxes, median {statistics.median(creates) * 1000:.0f} ms, "
        f"worst {max(creates) * 1000:.0f} ms (target < 1000 ms), CPU median "
        f"{statistics.median(cpu) * 1000:.0f} ms; "
        f"{statistics.median(creates) / statistics.median(rebuilds):.2f}x a rebuild, "
        f"{statistics.median(creates) / statistics.median(reads):.1f}x a read"
    )
    if store.kind == "sqlite":
        print(
            f"disk: {per_mb:.2f} MB per sandbox (target < 5 MB); file {size_before / MB:.1f} MB "
            f"-> {size_after / MB:.1f} MB, after cleanup {size_clean / MB:.1f} MB (pages reused)"
        )
    print(
        f"cleanup: {removed} expired sandboxes in {cleanup:.2f} s "
        f"({cleanup / max(1, removed) * 1000:.0f} ms each)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
