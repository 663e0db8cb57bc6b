"""The base of the `Store`: opening a database (SQLite or PostgreSQL) and borrowing its
connections. Every part of the Store (one module per aggregate under ipm_model/storage/)
works through these.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipm_model.db import Conn, open_backend
from ipm_model.storage.schema import MIGRATIONS

if TYPE_CHECKING:
    from ipm_model.storage.store import Store


DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "ipm-ketenscan.db"


class StoreBase:
    """Opening the database and borrowing its connections: what every part of the Store uses."""

    def __init__(self, target: str | Path):
        """Open a SQLite file (or ":memory:") or a postgresql:// URL; migrate it."""
        self._backend = open_backend(target, MIGRATIONS)
        self.kind = self._backend.kind
        # A SQLite path, or the PostgreSQL URL (with its password: never show it; see label).
        self.path = str(target) if self.kind == "postgresql" else self._backend.path
        self.label = self._backend.label

    @classmethod
    def from_env(cls, override: str | None = None) -> Store:
        """Open the database named by `override`, IPM_DB, or the default file under data/."""
        target = override or os.environ.get("IPM_DB") or str(DEFAULT_DB_PATH)
        return cls(target.strip())

    # -- connections ---------------------------------------------------------------------------

    def _db(self) -> AbstractContextManager[Conn]:
        """Borrow a pooled connection for reading."""
        return self._backend.connection()

    def _write(self, lock: bool = False) -> AbstractContextManager[Conn]:
        """A write transaction. `lock`: serialise with other check-then-write transactions
        (SQLite serialises every write anyway; PostgreSQL takes an advisory lock)."""
        return self._backend.transaction(lock=lock)

    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """A named lock shared by every process using this database (e.g. the demo reset)."""
        return self._backend.exclusive(name)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._db() as db:
            return db.query(sql, params)

    def close(self) -> None:
        """Close every pooled connection."""
        self._backend.close()

    def ping(self) -> None:
        """One round trip to the database (readiness checks); StoreError when it fails."""
        with self._db() as db:
            db.execute("SELECT 1").fetchone()
