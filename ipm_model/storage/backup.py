"""Backup and restore in one portable format that either back-end can read and write.

A backup file is gzip-compressed JSON lines:

    {"format": "ipm-ketenscan-backup", "version": 1, "created_at": ..., "source": "sqlite",
     "migrations": [...], "tables": [{"name": ..., "columns": [...]}, ...]}
    {"table": "organisation", "rows": 2}
    [1, "Gemeente A", 0, ...]                      one line per row, columns as in the header
    ...
    {"end": true, "counts": {...}, "sha256": "..."}   sha256 of every line before this one

The source is read in one consistent state: SQLite through its online backup API (a copy in
a temporary file, taken while the app keeps running), PostgreSQL in one REPEATABLE READ
snapshot. A restore checks the whole file first (format, schema version, checksum, counts),
then writes everything in one transaction, verifies the counts, and moves PostgreSQL's id
sequences on. Not in a backup: the wrong-tries counters (throttle) and the migration
bookkeeping (the header lists the migrations instead).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipm_model.storage import audit, catalog

if TYPE_CHECKING:
    from ipm_model.storage.store import Store

FORMAT = "ipm-ketenscan-backup"
FORMAT_VERSION = 1
BATCH = 5000
# Kept in a backup, but not what makes a database "in use by data": an empty installation
# has set-up links and may have audit lines. They are replaced by the backup's.
BOOKKEEPING_TABLES = ("setting", "audit_log")
APP_NAME = "ipm-ketenscan"  # PostgreSQL application_name prefix of the app's connections


class BackupError(ValueError):
    """The backup cannot be made or restored; nothing was changed. The message says why."""


@dataclass
class BackupReport:
    path: str
    source: str
    counts: dict[str, int] = field(default_factory=dict)
    migrations: list[str] = field(default_factory=list)
    bytes: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass
class RestoreReport:
    path: str
    target: str
    counts: dict[str, int] = field(default_factory=dict)  # rows in the backup = restored
    replaced: dict[str, int] = field(default_factory=dict)  # rows the target held before
    created_at: str = ""

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


# -- backup ------------------------------------------------------------------------------------


def migrations_of(db: Any, kind: str) -> list[str]:
    """The names of the migrations a database records, in the order applied."""
    from ipm_model.db import MIGRATION_SET, SQLITE_MIGRATIONS_TABLE

    if kind == "postgresql":
        sql = "SELECT name FROM ipm_migrations WHERE migration_set = ? ORDER BY applied_at, name"
    else:
        sql = f"SELECT name FROM {SQLITE_MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid"
    return [row[0] for row in db.execute(sql, [MIGRATION_SET]).fetchall()]


@contextmanager
def _consistent(store: Store) -> Iterator[Any]:
    """A connection that sees one consistent state of the database."""
    if store.kind == "postgresql":
        with store._snapshot() as db:
            yield db
        return
    # SQLite's online backup API: a consistent copy, made in steps, while writers go on.
    with tempfile.TemporaryDirectory(prefix="ipm-backup-") as folder:
        copy = sqlite3.connect(Path(folder) / "snapshot.db")
        try:
            with store._db() as db:
                db.raw.backup(copy, pages=1024)
            yield copy
        finally:
            copy.close()


def backup(store: Store, out: str | Path, actor: str) -> BackupReport:
    """Write a backup of the whole database to `out` (written to a temporary file first, so
    `out` never holds half a backup)."""
    out = Path(out)
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    report = BackupReport(str(out), store.label)
    partial = out.with_name(out.name + ".partial")
    digest = hashlib.sha256()
    try:
        with _consistent(store) as db, gzip.open(partial, "wb") as handle:

            def line(value: object) -> None:
                text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
                data = (text + "\n").encode()
                digest.update(data)
                handle.write(data)

            names = catalog.tables(db, store.kind)
            cols = {t: catalog.columns(db, t) for t in names}
            report.migrations = migrations_of(db, store.kind)
            line(
                {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "source": store.kind,
                    "migrations": report.migrations,
                    "tables": [{"name": t, "columns": cols[t]} for t in names],
                }
            )
            for table in names:
                n = catalog.count(db, table)
                line({"table": table, "rows": n})
                cur = db.execute(f"SELECT {', '.join(cols[table])} FROM {table}")
                written = 0
                while rows := cur.fetchmany(BATCH):
                    for row in rows:
                        line([_plain(v) for v in row])
                    written += len(rows)
                if written != n:  # cannot happen in a snapshot; a check all the same
                    raise BackupError(f"table {table} changed while it was read")
                report.counts[table] = written
            end = {"end": True, "counts": report.counts, "sha256": digest.hexdigest()}
            handle.write((json.dumps(end) + "\n").encode())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    report.bytes = out.stat().st_size
    audit.record(store, actor, "backup", "", f"{report.rows} rows")
    return report


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    raise BackupError(f"a value of type {type(value).__name__} cannot be backed up")


# -- reading a backup --------------------------------------------------------------------------


@dataclass
class Backup:
    """A backup file that was read through and checked."""

    path: Path
    header: dict[str, Any]
    counts: dict[str, int]

    @property
    def tables(self) -> list[tuple[str, list[str]]]:
        return [(t["name"], list(t["columns"])) for t in self.header["tables"]]

    def rows(self, table: str) -> Iterator[list[Any]]:
        """The rows of one table, as stored."""
        with gzip.open(self.path, "rb") as handle:
            current = None
            for raw in handle:
                item = json.loads(raw)
                if isinstance(item, dict):
                    if "table" in item:
                        current = item["table"]
                    elif current == table:
                        return
                    continue
                if current == table:
                    yield item


def read_backup(path: str | Path) -> Backup:
    """Read a backup file through and check it; BackupError when it cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    digest = hashlib.sha256()
    header: dict[str, Any] | None = None
    counts: dict[str, int] = {}
    declared: dict[str, int] = {}
    table = None
    end = None
    try:
        with gzip.open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if end is not None:
                    raise BackupError(f"{path}: data after the end mark (line {number})")
                item = json.loads(raw)
                if isinstance(item, dict) and item.get("end"):
                    end = item
                    continue
                digest.update(raw)
                if header is None:
                    header = _check_header(path, item)
                elif isinstance(item, dict) and "table" in item:
                    table = item["table"]
                    declared[table] = int(item["rows"])
                    counts[table] = 0
                elif isinstance(item, list) and table is not None:
                    counts[table] += 1
                else:
                    raise BackupError(f"{path}: line {number} is not part of a backup")
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise BackupError(f"{path} does not exist") from exc
        raise BackupError(f"{path} is truncated or damaged ({exc}); nothing restored") from exc
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"{path} is not a readable backup ({exc}); nothing restored") from exc
    if header is None:
        raise BackupError(f"{path} is empty; nothing restored")
    if end is None:
        raise BackupError(f"{path} is truncated (no end mark); nothing restored")
    if end.get("sha256") != digest.hexdigest() or end.get("counts") != counts:
        raise BackupError(f"{path} is damaged (checksum or counts differ); nothing restored")
    if declared != counts:
        raise BackupError(f"{path} is damaged (row counts differ); nothing restored")
    return Backup(path, header, counts)


def _check_header(path: Path, item: Any) -> dict[str, Any]:
    from ipm_model.storage.schema import MIGRATIONS

    if not isinstance(item, dict) or item.get("format") != FORMAT:
        raise BackupError(f"{path} is not an iPM Ketenscan backup")
    if int(item.get("version", 0)) > FORMAT_VERSION:
        raise BackupError(
            f"{path} was written by a newer version of the app (backup format "
            f"{item['version']}): update the app first; nothing restored"
        )
    known = {m.__name__ for m in MIGRATIONS}
    newer = [m for m in item.get("migrations", []) if m not in known]
    if newer:
        raise BackupError(
            f"{path} comes from a newer database schema ({', '.join(newer)}): update the app "
            "first; nothing restored"
        )
    return item


# -- restore -----------------------------------------------------------------------------------


def in_use(store: Store) -> str | None:
    """Why the database seems in use by a running app (a sentence), or None."""
    if store.kind == "postgresql":
        with store._db() as db:
            rows = db.execute(
                """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                   AND pid <> pg_backend_pid() AND application_name LIKE ?
                   AND application_name <> ?""",
                [f"{APP_NAME}%", f"{APP_NAME}:{os.getpid()}"],
            ).fetchone()
        if rows[0]:
            return f"{rows[0]} connections of a running app are open on {store.label}"
        return None
    if store.path.startswith("file:"):
        return None  # in memory: this process only
    store.close()  # our own pooled connections would look like another user
    probe = sqlite3.connect(store.path, timeout=0.5, isolation_level=None)
    try:
        # Leaving WAL mode needs the file to itself: it fails while another process has it open.
        mode = probe.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            return f"another program has {store.path} open"
        probe.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError:
        return f"another program has {store.path} open"
    finally:
        probe.close()
    return None


def restore(store: Store, path: str | Path, actor: str, *, replace: bool = False) -> RestoreReport:
    """Restore a backup into `store` in one transaction; BackupError and nothing changed when
    the file, the target or its state do not allow it."""
    found = read_backup(path)
    busy = in_use(store)
    if busy:
        raise BackupError(f"the database is in use: {busy}. Stop the app first; nothing restored")
    report = RestoreReport(str(path), store.label, created_at=found.header.get("created_at", ""))
    with store._write(lock=True) as db:
        names = catalog.tables(db, store.kind)
        for table, cols in found.tables:
            if table not in names:
                raise BackupError(f"the database has no table {table}; nothing restored")
            missing = set(cols) - set(catalog.columns(db, table))
            if missing:
                raise BackupError(
                    f"table {table} lacks the columns {', '.join(sorted(missing))}; nothing "
                    "restored"
                )
        held = {t: catalog.count(db, t) for t in names}
        data = {t: n for t, n in held.items() if n and t not in BOOKKEEPING_TABLES}
        if data and not replace:
            listed = ", ".join(f"{t} {n}" for t, n in data.items())
            raise BackupError(
                f"the database is not empty ({listed}); restore into an empty database, or "
                "add --replace to delete its data first; nothing restored"
            )
        for table in reversed(names):  # children first
            if held[table]:
                db.execute(f"DELETE FROM {table}")
                report.replaced[table] = held[table]
        for table, cols in found.tables:
            batch: list[list[Any]] = []
            for row in found.rows(table):
                batch.append(row)
                if len(batch) >= BATCH:
                    db.insert_rows(table, cols, batch)
                    batch = []
            if batch:
                db.insert_rows(table, cols, batch)
            report.counts[table] = catalog.count(db, table)
        if report.counts != found.counts:
            raise BackupError("the restored counts differ from the backup's; nothing restored")
        if store.kind == "postgresql":
            _move_sequences(db, [t for t in names if "id" in catalog.columns(db, t)])
        detail = f"{report.rows} rows from a backup of {report.created_at}"
        audit.write(db, actor, "restore", Path(path).name[:100], detail)
    return report


def _move_sequences(db: Any, names: list[str]) -> None:
    """Move PostgreSQL's identity sequences past the highest restored id (tables with an
    `id` column)."""
    for table in names:
        sequence = db.execute("SELECT pg_get_serial_sequence(?, 'id')", [table]).fetchone()
        if not sequence or sequence[0] is None:
            continue
        highest = db.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
        if highest is not None:
            db.execute("SELECT setval(CAST(? AS regclass), ?)", [sequence[0], highest])
