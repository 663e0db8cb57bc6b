"""GET /ready: is this replica ready for visitors? Answers 200 only when its database works.

For load balancers and process managers (nginx's sample, deploy/cluster.py, a rolling
restart): /_stcore/health only says the process runs; /ready also makes one round trip to the
database. The answer names no address or error (the replica's log has them).
"""

from __future__ import annotations

import logging
import threading

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ipm_model.db import StoreError
from ipm_model.storage.store import Store

log = logging.getLogger("ipm.ready")
_lock = threading.Lock()
_store: Store | None = None


def process_store() -> Store:
    """A store of this process for server-side checks (opened once, connections pooled)."""
    global _store
    with _lock:
        if _store is None:
            _store = Store.from_env()
        return _store


def _check() -> bool:
    try:
        process_store().ping()
    except StoreError as exc:
        log.warning("not ready: %s", exc)
        return False
    return True


async def ready(request: Request) -> JSONResponse:
    if await run_in_threadpool(_check):
        return JSONResponse({"status": "ready"}, headers={"Cache-Control": "no-store"})
    return JSONResponse(
        {"status": "database unavailable"}, status_code=503, headers={"Cache-Control": "no-store"}
    )
