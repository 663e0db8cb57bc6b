"""What the database holds: its tables, their columns and foreign keys, on either back-end.

Backups and erasure read the schema from the database itself rather than from a list in
the code, so a table a later migration adds is backed up and erased with the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Bookkeeping and short-lived counters: never backed up, never erased per organisation.
SKIPPED_TABLES = ("_sqlite_migrations", "ipm_migrations", "throttle", "throttle_code")


@dataclass(frozen=True)
class ForeignKey:
    """`child.column` refers to `parent.parent_column`."""

    child: str
    column: str
    parent: str
    parent_column: str


def tables(db: Any, kind: str) -> list[str]:
    """The data tables of the database, parents before children (foreign-key order)."""
    if kind == "postgresql":
        sql = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    else:
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    names = [row[0] for row in db.execute(sql).fetchall() if row[0] not in SKIPPED_TABLES]
    keys = foreign_keys(db, kind, names)
    return _parents_first(names, keys)


def foreign_keys(db: Any, kind: str, names: Sequence[str]) -> list[ForeignKey]:
    """The (single-column) foreign keys between these tables."""
    found = []
    for name in names:
        if kind == "postgresql":
            rows = db.execute(
                """SELECT parent.relname, a.attname, pa.attname
                   FROM pg_constraint c
                   JOIN pg_class child ON child.oid = c.conrelid
                   JOIN pg_namespace n ON n.oid = child.relnamespace
                   JOIN pg_class parent ON parent.oid = c.confrelid
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                   JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
                   WHERE c.contype = 'f' AND child.relname = ? AND n.nspname = current_schema()""",
                [name],
            ).fetchall()
        else:
            rows = db.execute(
                'SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)', [name]
            ).fetchall()
        found += [ForeignKey(name, col, parent, pcol or "id") for parent, col, pcol in rows]
    return [k for k in found if k.parent in names]


def columns(db: Any, table: str) -> list[str]:
    """The columns of a table in their order; `table` comes from `tables()`."""
    cur = db.execute(f"SELECT * FROM {table} LIMIT 0")
    names = [d[0] for d in cur.description]
    cur.fetchall()
    return names


def count(db: Any, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _parents_first(names: Sequence[str], keys: Sequence[ForeignKey]) -> list[str]:
    """Tables ordered so that every table comes after the tables it refers to."""
    parents = {n: {k.parent for k in keys if k.child == n and k.parent != n} for n in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:  # a cycle: cannot happen with this schema; keep the rest as they are
            ready = [n for n in names if n not in ordered]
        ordered += ready
    return ordered
