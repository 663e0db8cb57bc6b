"""How long a store call takes to fail while PostgreSQL is down, and to work once it is back.

    python bench/pg_reconnect.py [--rounds 3]

Starts a throwaway PostgreSQL server (deploy/pgserver.py), opens a Store, then per round:
stops the server (fast shutdown: every connection is cut, like a restart), times one call
until its StoreError, starts the server again and times the calls until one succeeds.
The figures of psycopg_pool that led to the store's own pool (8 s to an error, 12 s more to
recover, with an 8 s pool timeout) came from the same steps with psycopg_pool in its place.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from deploy.pgserver import PgServer  # noqa: E402
from ipm_model.db import StoreError  # noqa: E402
from ipm_model.storage.store import Store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    server = PgServer.start()
    store = Store(server.url)
    try:
        store.create_organisation("bench")
        print("| round | call while down: error after | after restart: first success after |")
        print("|---|---|---|")
        for n in range(1, args.rounds + 1):
            server.stop("fast")
            started = time.perf_counter()
            try:
                store.counts()
                failed_after = None
            except StoreError:
                failed_after = time.perf_counter() - started
            server.restart()
            started = time.perf_counter()
            while True:
                try:
                    store.counts()
                    break
                except StoreError:
                    time.sleep(0.01)
            recovered = time.perf_counter() - started
            down = "no error (!)" if failed_after is None else f"{failed_after * 1000:.0f} ms"
            print(f"| {n} | {down} | {recovered * 1000:.0f} ms |")
    finally:
        store.close()
        server.stop("immediate", remove=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
