"""Connections for the store: SQLite through sqlite-utils (default) or PostgreSQL (psycopg 3).

Only the storage package (`ipm_model.storage`) opens connections here; other modules take only
its errors (StoreError, NotAllowed, Conflict). It hides what differs between the two
back-ends: opening and pooling connections, transactions, parameter style, schema DDL,
migrations with a lock, a lock across processes, and turning driver errors into messages.
The SQL in the store is written once, with `?` parameters, in the part of SQL both back-ends
share.
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:  # imported when needed: sqlite-utils costs ~0.2 s, too much for the CLI
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

BUSY_TIMEOUT_S = 15.0
PG_CONNECT_TIMEOUT_S = 5
PG_POOL_TIMEOUT_S = 10.0
PG_POOL_SIZE_DEFAULT = 10
PG_APPLICATION_NAME = "ipm-ketenscan"
MIGRATION_SET = "ipm_ketenscan"
SQLITE_MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' record of applied migrations


class StoreError(RuntimeError):
    """The database cannot be used (missing folder, read-only, locked, server down)."""


class NotAllowed(ValueError):
    """A write that the rules forbid (closed workshop, unknown chain, bad value)."""


class Conflict(NotAllowed):
    """A write clashes with data already stored (a unique or foreign key rule)."""


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Conn(Protocol):
    """What the store's SQL runs on, the same for both back-ends."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None: ...


Migration = Callable[[Conn], None]


def is_postgres_url(target: str) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def open_backend(target: str | Path, migrations: Sequence[Migration]) -> SqliteBackend | PgBackend:
    """The back-end for a SQLite path or a PostgreSQL URL, with the schema up to date."""
    target = str(target)
    if is_postgres_url(target):
        return PgBackend(target, migrations)
    if "://" in target:
        scheme = target.split("://", 1)[0]
        raise StoreError(
            f"IPM_DB holds an address of type {scheme!r}. Use a file path for SQLite or "
            "postgresql://user:password@host:port/database for PostgreSQL."
        )
    return SqliteBackend(target, migrations)


def safe_label(url: str) -> str:
    """A PostgreSQL URL without its password, for messages and logs."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        user = f"{parts.username}@" if parts.username else ""
        return f"postgresql://{user}{host}{port}{parts.path}"
    except ValueError:
        return "postgresql://(unreadable address)"


# -- SQLite ------------------------------------------------------------------------------------


class _SqliteConn:
    """A pooled SQLite connection seen through the shared Conn interface.

    Plain sqlite3 for every query; the sqlite-utils `Database` around it (`db`) is made only
    when something needs it (applying migrations), so a command that only reads starts fast.
    """

    def __init__(self, raw: sqlite3.Connection):
        self.raw = raw
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.raw)
        return self._db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.raw.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.raw.execute(sql, params)
        keys = [d[0] for d in cur.description or ()]
        return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert many rows (bulk copies); `table` and `columns` come from the code."""
        marks = ", ".join("?" for _ in columns)
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


class SqliteBackend:
    """SQLite through sqlite-utils: WAL, busy timeout, pooled connections, IMMEDIATE writes."""

    kind = "sqlite"

    def __init__(self, path: str, migrations: Sequence[Migration]):
        self.path = path
        self._pool: queue.SimpleQueue[_SqliteConn] = queue.SimpleQueue()
        self._thread_lock = threading.Lock()
        if self.path != ":memory:":
            folder = Path(self.path).resolve().parent
            if not folder.is_dir():
                raise StoreError(
                    f"The folder for the database does not exist: {folder}. "
                    "Create it, or point IPM_DB at another file."
                )
        else:
            # One shared in-memory database for every pooled connection (tests).
            self.path = f"file:ipm-{secrets.token_hex(6)}?mode=memory&cache=shared"
            self._keepalive = self._connect()
        self._writer = _writer_lock(self.path)
        if not self._pending(migrations):
            return  # the usual case: no write lock, no sqlite-utils import
        steps = sqlite_migrations(migrations)
        # One write transaction around all pending migrations: a second process starting at
        # the same moment waits for the lock and then finds nothing left to apply.
        with self.transaction() as conn:
            steps.apply(conn.db)

    def _pending(self, migrations: Sequence[Migration]) -> list[str]:
        """The names of the migrations this database has not recorded yet."""
        with self.connection() as conn:
            if not conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                [SQLITE_MIGRATIONS_TABLE],
            ).fetchone():
                return [m.__name__ for m in migrations]
            done = {
                row[0]
                for row in conn.execute(
                    f"SELECT name FROM {SQLITE_MIGRATIONS_TABLE} WHERE migration_set = ?",
                    [MIGRATION_SET],
                ).fetchall()
            }
        return [m.__name__ for m in migrations if m.__name__ not in done]

    @property
    def label(self) -> str:
        return self.path

    def _connect(self) -> _SqliteConn:
        uri = self.path.startswith("file:")
        try:
            # isolation_level None: no implicit transactions; a write outside transaction()
            # commits at once (as sqlite-utils' execute did), BEGIN ... COMMIT are explicit.
            raw = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_S,
                check_same_thread=False,
                uri=uri,
                isolation_level=None,
            )
            raw.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            raw.execute("PRAGMA foreign_keys = ON")
            if not uri:
                _use_wal(raw)
                raw.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(_explain_sqlite(exc, self.path)) from exc
        return _SqliteConn(raw)

    @contextmanager
    def connection(self) -> Iterator[_SqliteConn]:
        """Borrow a connection from the pool (a new one when all are in use)."""
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            yield conn
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc
        except sqlite3.OperationalError as exc:
            raise StoreError(_explain_sqlite(exc, self.path)) from exc
        finally:
            if conn.raw.in_transaction:
                conn.raw.rollback()
            self._pool.put(conn)

    @contextmanager
    def transaction(self, lock: bool = False) -> Iterator[_SqliteConn]:
        """A write transaction that takes the write lock at once (no lock-upgrade deadlocks).

        Writers are serialised by SQLite anyway, so `lock` changes nothing here. The threads
        of this process queue for the file's write lock on a thread lock first (_writer_gate):
        a waiter is woken the moment the writer before it commits, instead of polling in
        SQLite's busy handler, which sleeps up to 100 ms between tries. When 120 tablets
        finish at once, their writes no longer sleep past each other. Other processes are
        still kept out by SQLite itself (BEGIN IMMEDIATE, busy timeout).
        """
        with _writer_gate(self._writer), self.connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.raw.rollback()
                raise

    def identity(self) -> tuple[Any, ...]:
        """What tells two databases apart: the real path of the file."""
        path = self.path
        return ("sqlite", path if path.startswith("file:") else os.path.realpath(path))

    @contextmanager
    def snapshot(self) -> Iterator[_SqliteConn]:
        """A connection that reads one consistent state until it is given back."""
        with self.connection() as conn:  # given back, the open transaction is rolled back
            conn.execute("BEGIN")  # deferred: the snapshot starts with the first read
            yield conn

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold a named lock across threads and processes that use this database file."""
        with self._thread_lock:
            if self.path.startswith("file:"):
                yield
                return
            import fcntl

            lock_path = f"{self.path}.{re.sub(r'[^a-z0-9]+', '-', name.lower())}.lock"
            with open(lock_path, "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        while True:
            try:
                self._pool.get_nowait().raw.close()
            except queue.Empty:
                break


_WRITER_LOCKS: dict[str, threading.RLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(path: str) -> threading.RLock:
    """The thread lock of one SQLite file in this process (shared by every Store on it)."""
    key = path if path.startswith("file:") else os.path.realpath(path)
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(key, threading.RLock())


@contextmanager
def _writer_gate(gate: threading.RLock) -> Iterator[None]:
    """One writer at a time per SQLite file within this process (see transaction).

    Reentrant: a thread that nests a write in a write is not held up by itself (SQLite would
    then wait for its own lock, as before). A thread that waits longer than the busy timeout
    goes on to SQLite without the gate, which waits its own busy timeout: a writer queued
    behind one that is stuck (on another process's lock) gets the "locked" error after up
    to twice the busy timeout instead of once. The gate only orders; SQLite decides what is
    written.
    """
    held = gate.acquire(timeout=BUSY_TIMEOUT_S)
    try:
        yield
    finally:
        if held:
            gate.release()


def sqlite_migrations(steps: Sequence[Migration]) -> Migrations:
    """The migrations as a sqlite-utils set (recorded in its _sqlite_migrations table)."""
    from sqlite_utils.migrations import Migrations

    found = Migrations(MIGRATION_SET)
    for step in steps:
        found(name=step.__name__)(_sqlite_step(step))
    return found


def _sqlite_step(step: Migration) -> Callable[[Database], None]:
    def run(db: Database) -> None:
        conn = _SqliteConn(db.conn)
        conn._db = db
        step(conn)

    run.__name__ = step.__name__
    return run


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch the file to WAL mode (once per file; a no-op when it already is).

    Changing the journal mode needs the file to itself and does not wait on the busy timeout:
    when several processes open a new database at the same moment, all but one get
    "database is locked". So check first, and retry for a while with growing pauses.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.01
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            db.execute("PRAGMA journal_mode = WAL")  # autocommit connection: no transaction open
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def _explain_sqlite(exc: sqlite3.Error, path: str) -> str:
    """Turn an SQLite error into a sentence an administrator can act on."""
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return f"The database {path} is read-only. Give the app write access to it."
    if "locked" in text or "busy" in text:
        return f"The database {path} is locked by another program. Try again in a moment."
    if "unable to open" in text:
        return f"The database {path} cannot be opened. Check that the folder exists."
    if "not a database" in text:
        return f"The file {path} is not an SQLite database. Point IPM_DB at another file."
    return f"The database {path} cannot be used: {exc}"


# -- PostgreSQL --------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def to_pg(sql: str) -> str:
    """The store's SQL with psycopg's parameter style (`?` -> `%s`, `%` -> `%%`)."""
    return sql.replace("%", "%%").replace("?", "%s")


def to_pg_ddl(sql: str) -> str:
    """SQLite table definitions for PostgreSQL: identity keys, no WITHOUT ROWID."""
    sql = re.sub(
        r"\bINTEGER PRIMARY KEY\b", "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql
    )
    return re.sub(r"\)\s*WITHOUT ROWID\s*$", ")", sql.strip())


class _PgConn:
    """A psycopg connection seen through the shared Conn interface."""

    def __init__(self, conn: Any, ddl: bool = False):
        self.conn = conn
        self.ddl = ddl

    def _sql(self, sql: str) -> str:
        return to_pg(to_pg_ddl(sql) if self.ddl else sql)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.conn.execute(self._sql(sql), list(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        from psycopg.rows import dict_row

        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(self._sql(sql), list(params))
            return cur.fetchall()

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert many rows with COPY: six times faster than executemany here (300k answers
        0.85 s against 5.2 s); `table` and `columns` come from the code."""
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.conn.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def _lock_key(name: str) -> int:
    """A stable 63-bit key for PostgreSQL's advisory locks."""
    import hashlib

    digest = hashlib.blake2b(f"ipm-ketenscan:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


class PgBackend:
    """PostgreSQL through psycopg 3, with pooled connections.

    Reads run in autocommit; writes in a transaction. Writes that check and then insert
    (names, codes) take a transaction-scoped advisory lock, the counterpart of SQLite's
    IMMEDIATE transactions. Pooled connections are checked before use, so after a restart
    of the server broken connections are replaced instead of handed out.
    """

    kind = "postgresql"

    def __init__(self, url: str, migrations: Sequence[Migration]):
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - requirements.txt installs both
            raise StoreError(
                "PostgreSQL needs the psycopg package: pip install -r requirements.txt"
            ) from exc
        self.url = url
        self.label = safe_label(url)
        self._psycopg = psycopg
        try:
            urlsplit(url).port  # noqa: B018 - a bad port raises ValueError here
        except ValueError as exc:
            raise StoreError(f"The PostgreSQL address in IPM_DB is not valid: {exc}.") from exc
        # The first connection tells precisely what is wrong (address, password, database).
        try:
            with self._connect() as conn:
                self._migrate(conn, migrations)
                missing = self._missing_privilege(conn)
        except psycopg.Error as exc:
            raise StoreError(self._explain(exc)) from exc
        except ValueError as exc:
            raise StoreError(f"The PostgreSQL address in IPM_DB is not valid: {exc}") from exc
        if missing:
            raise StoreError(missing)
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(_pool_size())

    def _connect(self) -> Any:
        return self._psycopg.connect(
            self.url,
            autocommit=True,
            connect_timeout=PG_CONNECT_TIMEOUT_S,
            # Tells a restore that a running app has the database open (pg_stat_activity).
            application_name=f"{PG_APPLICATION_NAME}:{os.getpid()}",
        )

    def _who(self) -> tuple[str, str]:
        """(user, database) named in the URL, for hints."""
        parts = urlsplit(self.url)
        return parts.username or "ketenscan", parts.path.lstrip("/") or "ketenscan"

    def _missing_privilege(self, conn: Any) -> str | None:
        """One sentence naming the first privilege the app's user lacks, or None.

        The app needs to read and write every table of its schema and to use the tables' id
        sequences (deploy/README.md has the SQL that grants exactly that).
        """
        row = conn.execute(
            """SELECT current_user, c.relname, p.priv, c.relkind
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) AS p(priv)
               WHERE n.nspname = current_schema() AND (
                 (c.relkind IN ('r', 'p') AND NOT has_table_privilege(c.oid, p.priv))
                 OR (c.relkind = 'S' AND p.priv = 'SELECT'
                     AND NOT has_sequence_privilege(c.oid, 'USAGE')))
               ORDER BY c.relname, p.priv LIMIT 1"""
        ).fetchone()
        if row is None:
            return None
        user, relation, privilege, relkind = row
        _, database = self._who()
        if relkind == "S":
            return (
                f"The PostgreSQL user {user} lacks USAGE on the sequence {relation} in "
                f"{self.label}: as the database owner run GRANT USAGE ON ALL SEQUENCES IN "
                f"SCHEMA public TO {user}; (see deploy/README.md)."
            )
        return (
            f"The PostgreSQL user {user} lacks the privilege {privilege} on the table "
            f"{relation} in {self.label}: as the database owner run GRANT SELECT, INSERT, "
            f"UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {user}; (see deploy/README.md)."
        )

    def _explain(self, exc: BaseException) -> str:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        lower = text.lower()
        where = self.label
        if "permission denied for schema" in lower:
            user, database = self._who()
            schema = text.rsplit(" ", 1)[-1]
            return (
                f"The PostgreSQL user {user} may not create tables in schema {schema} of "
                f"{where} (since PostgreSQL 15 only the database owner may in public): as a "
                f"superuser run ALTER DATABASE {database} OWNER TO {user}; or GRANT CREATE "
                f"ON SCHEMA {schema} TO {user}; (see deploy/README.md)."
            )
        if "permission denied" in lower:
            user, _ = self._who()
            return (
                f"The PostgreSQL user {user} lacks a privilege in {where} ({text}); "
                "deploy/README.md lists the SQL that grants what the app needs."
            )
        if "password authentication failed" in lower or "no password supplied" in lower:
            return f"PostgreSQL at {where} refused the user name or password. Check IPM_DB."
        if "does not exist" in lower and "database" in lower:
            return f"The database in {where} does not exist. Create it (createdb) first."
        if (
            "connection refused" in lower
            or "could not connect" in lower
            or "timeout" in lower
            or "connection is lost" in lower
            or "connection failed" in lower
            or "server closed the connection" in lower
            or "terminating connection" in lower
            or "couldn't get a connection" in lower
            or "the connection is closed" in lower
        ):
            return (
                f"The PostgreSQL server at {where} cannot be reached. Check that it runs "
                "and that the address is right."
            )
        if "read-only" in lower or "read only" in lower:
            return f"The PostgreSQL database at {where} is read-only. Use a primary server."
        return f"The PostgreSQL database at {where} cannot be used: {text}"

    def _migrate(self, conn: Any, migrations: Sequence[Migration]) -> None:
        """Apply pending migrations in one transaction under an advisory lock.

        Replicas starting at the same moment queue on the lock; the later ones find nothing
        left to apply.
        """
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key("migrations")])
            # Only when missing: CREATE ... IF NOT EXISTS needs the CREATE privilege even
            # when the table exists, and a user that only reads and writes has none.
            exists = conn.execute("SELECT to_regclass('ipm_migrations')").fetchone()[0]
            if not exists:
                conn.execute(
                    """CREATE TABLE ipm_migrations (
                        migration_set TEXT NOT NULL,
                        name TEXT NOT NULL,
                        applied_at TEXT NOT NULL,
                        PRIMARY KEY (migration_set, name))"""
                )
            done = {
                row[0]
                for row in conn.execute(
                    "SELECT name FROM ipm_migrations WHERE migration_set = %s", [MIGRATION_SET]
                ).fetchall()
            }
            ddl = _PgConn(conn, ddl=True)
            for step in migrations:
                if step.__name__ in done:
                    continue
                step(ddl)
                conn.execute(
                    "INSERT INTO ipm_migrations VALUES (%s, %s, %s)",
                    [MIGRATION_SET, step.__name__, datetime.now(UTC).isoformat()],
                )

    def _take(self) -> Any:
        """An idle pooled connection that still works, or a new one."""
        psycopg = self._psycopg
        while True:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                return self._connect()
            try:
                conn.execute("SELECT 1")  # a server restart leaves broken connections behind
                return conn
            except psycopg.Error:
                conn.close()

    def _give_back(self, conn: Any) -> None:
        from psycopg.pq import TransactionStatus

        if not conn.closed and conn.info.transaction_status != TransactionStatus.IDLE:
            try:
                conn.rollback()
            except self._psycopg.Error:
                conn.close()
        if conn.closed or conn.broken:
            return
        self._idle.put(conn)

    @contextmanager
    def _borrow(self) -> Iterator[Any]:
        """A connection for one store call; at most `IPM_DB_POOL_SIZE` at a time.

        Hand-written rather than psycopg_pool: measured with it (timeout 8 s), a call while
        the server was down waited the whole 8 s for its error, and after the server was back
        the first call succeeded only 12 s later (its reconnects back off). Here a call fails
        at once while the server is down and works with the first call after it is back.
        """
        psycopg = self._psycopg
        if not self._slots.acquire(timeout=PG_POOL_TIMEOUT_S):
            raise StoreError(
                f"All connections to {self.label} are busy. Try again in a moment, or raise "
                "IPM_DB_POOL_SIZE."
            )
        try:
            try:
                conn = self._take()
            except psycopg.Error as exc:
                raise StoreError(self._explain(exc)) from exc
            try:
                yield conn
            except psycopg.errors.IntegrityError as exc:
                raise Conflict(str(exc)) from exc
            except psycopg.errors.DataError as exc:
                raise Conflict(str(exc)) from exc
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                raise StoreError(self._explain(exc)) from exc
            finally:
                self._give_back(conn)
        finally:
            self._slots.release()

    @contextmanager
    def connection(self) -> Iterator[_PgConn]:
        with self._borrow() as conn:
            yield _PgConn(conn)

    @contextmanager
    def transaction(self, lock: bool = False) -> Iterator[_PgConn]:
        with self._borrow() as conn, conn.transaction():
            if lock:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key("writes")])
            yield _PgConn(conn)

    def identity(self) -> tuple[Any, ...]:
        """What tells two databases apart: server, its start, database and schema."""
        with self.connection() as conn:
            row = conn.execute(
                """SELECT current_database(), current_schema(), inet_server_addr()::text,
                   inet_server_port(), pg_postmaster_start_time()::text"""
            ).fetchone()
        return ("postgresql", *row)

    @contextmanager
    def snapshot(self) -> Iterator[_PgConn]:
        """A read-only transaction that sees one consistent state until it is given back."""
        with self.connection() as conn:  # given back, the open transaction is rolled back
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield conn

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold a named lock across every replica that uses this database."""
        with self._borrow() as conn:
            key = _lock_key(f"exclusive:{name}")
            conn.execute("SELECT pg_advisory_lock(%s)", [key])
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", [key])

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                break


def _pool_size() -> int:
    raw = os.environ.get("IPM_DB_POOL_SIZE", "")
    # At least 2: a cross-process lock (exclusive) holds one connection while the work
    # inside it uses another.
    return max(2, int(raw)) if raw.isdigit() else PG_POOL_SIZE_DEFAULT
