"""Copying a whole database to another (`python -m ipm_model migrate`): SQLite to
PostgreSQL and back, ids kept, all or nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ipm_model.db import Conflict, Conn, NotAllowed
from ipm_model.storage.base import StoreBase

if TYPE_CHECKING:
    from ipm_model.storage.store import Store


@dataclass
class TableCopy:
    """The counts of one table in a copy (`Store.copy_to`)."""

    table: str
    source: int = 0
    target_before: int = 0
    copied: int = 0  # rows written (in a dry run: rows that would be written)
    present: int = 0  # identical rows the target already held (skipped)
    target_after: int | None = None  # counted after the commit; None in a dry run


@dataclass
class CopyReport:
    """What `Store.copy_to` did: counts per table, and a conflict or verification problems."""

    source_kind: str
    source: str  # labels: never a password
    target_kind: str
    target: str
    dry_run: bool
    tables: list[TableCopy]
    problems: list[str]  # verification failures after the copy
    conflict: str = ""  # why nothing was written
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.conflict and not self.problems

    @property
    def copied(self) -> int:
        return sum(t.copied for t in self.tables)


class Copying(StoreBase):
    """Copying every row to another database (SQLite to PostgreSQL and back)."""

    # -- copying to another database -----------------------------------------------------------

    # Every table of the schema with its key, parents before children (foreign-key order).
    # Not copied: throttle (counts of wrong tries per address; they start afresh) and the
    # session tables (the copy gets a signing key of its own: everyone logs in again).
    NOT_COPIED = ("throttle", "throttle_code", "app_secret", "session_epoch", "session_nonce")
    COPY_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("organisation", ("id",)),
        ("chain", ("id",)),
        ("workshop", ("id",)),
        ("workshop_chain", ("workshop_id", "chain_id")),
        ("leave_out", ("workshop_id",)),
        ("participant", ("id",)),
        ("answer", ("participant_id", "statement_id")),
        ("phase_comment", ("participant_id", "phase_id")),
        ("action", ("id",)),
        ("setting", ("key",)),
        ("audit_log", ("id",)),
        ("sandbox", ("organisation_id",)),
    )
    COPY_BATCH = 5000

    def copy_to(self, target: Store, *, dry_run: bool = False) -> CopyReport:
        """Copy every row of this database into `target` (e.g. SQLite to PostgreSQL).

        Ids are kept, so every link stays right. The source is read in one consistent
        snapshot; the target is written in one transaction under the write lock (two copies
        at once cannot interleave), so it gets everything or nothing. A row the target
        already holds with the same key and content is skipped, so copying twice writes
        nothing the second time. A row whose key the target holds with other content is a
        conflict: nothing is written and `CopyReport.conflict` names the table and key.
        Afterwards PostgreSQL's identity sequences are moved past the copied ids, and a
        second pass checks that the target holds every source row (`CopyReport.problems`).
        `dry_run`: do all of it but roll the target's transaction back, so every rule of the
        target is checked and nothing is written. Raises NotAllowed when both are the same
        database, StoreError when either cannot be used.
        """

        class RolledBack(Exception):
            """Ends a dry run: the target's transaction is rolled back."""

        if self._identity() == target._identity():
            raise NotAllowed(f"{target.label} is the source database itself")
        started = time.perf_counter()
        report = CopyReport(self.kind, self.label, target.kind, target.label, dry_run, [], [])
        with self._snapshot() as src:
            columns = {t: self._columns(src, t) for t, _ in self.COPY_TABLES}
            for table, _ in self.COPY_TABLES:
                count = src.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                report.tables.append(TableCopy(table, source=int(count)))
            table = ""
            try:
                with target._write(lock=True) as dst:
                    for (table, key), row in zip(self.COPY_TABLES, report.tables, strict=True):
                        row.target_before = int(
                            dst.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                        )
                        row.copied, row.present = self._copy_table(
                            src, dst, table, key, columns[table]
                        )
                    table = ""
                    if dry_run:
                        raise RolledBack
                    if target.kind == "postgresql":  # setval is not undone by a rollback
                        self._move_sequences(dst)
            except RolledBack:
                pass
            except Conflict as exc:  # a unique or foreign key rule of the target
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else "conflict"
                report.conflict = f"table {table}: {first}" if table else first
            except NotAllowed as exc:  # a key with other content, found by _copy_table
                report.conflict = str(exc)
            if report.conflict:
                for row in report.tables:
                    row.copied = 0
            elif not dry_run:
                report.problems = self._verify_copy(src, target, columns, report.tables)
        report.seconds = time.perf_counter() - started
        return report

    def _identity(self) -> tuple[Any, ...]:
        """What tells two databases apart (a file, or a server's database and schema)."""
        return self._backend.identity()

    def _snapshot(self) -> AbstractContextManager[Conn]:
        """A read-only connection that sees one consistent state until it is given back."""
        return self._backend.snapshot()

    @staticmethod
    def _columns(db: Conn, table: str) -> list[str]:
        cur = db.execute(f"SELECT * FROM {table} LIMIT 0")
        names = [d[0] for d in cur.description]  # type: ignore[attr-defined]
        cur.fetchall()
        return names

    def _source_pages(
        self, db: Conn, table: str, key: Sequence[str], columns: Sequence[str]
    ) -> Iterator[list[tuple]]:
        """The rows of a table in key order, a batch at a time (keyset pagination)."""
        select = f"SELECT {', '.join(columns)} FROM {table}"
        order = ", ".join(key)
        after = f"{key[0]} > ?" if len(key) == 1 else f"({order}) > ({', '.join('?' * len(key))})"
        where = [columns.index(k) for k in key]
        last: list[Any] | None = None
        while True:
            if last is None:
                sql, params = f"{select} ORDER BY {order} LIMIT ?", [self.COPY_BATCH]
            else:
                sql = f"{select} WHERE {after} ORDER BY {order} LIMIT ?"
                params = [*last, self.COPY_BATCH]
            rows = [tuple(r) for r in db.execute(sql, params).fetchall()]
            if rows:
                yield rows
            if len(rows) < self.COPY_BATCH:
                return
            last = [rows[-1][i] for i in where]

    @staticmethod
    def _held_rows(
        db: Conn, table: str, key: Sequence[str], columns: Sequence[str], rows: list[tuple]
    ) -> dict[tuple, tuple]:
        """The target's rows in the key range of a batch of source rows (in key order)."""
        first = columns.index(key[0])
        found = db.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {key[0]} BETWEEN ? AND ?",
            [rows[0][first], rows[-1][first]],
        ).fetchall()
        where = [columns.index(k) for k in key]
        return {tuple(r[i] for i in where): tuple(r) for r in found}

    def _copy_table(
        self,
        src: Conn,
        dst: Conn,
        table: str,
        key: Sequence[str],
        columns: Sequence[str],
    ) -> tuple[int, int]:
        """Copy the rows the target lacks; return (copied, already present).

        Raises NotAllowed, naming the table and key, at the first key the target holds
        with other content.
        """
        where = [columns.index(k) for k in key]
        copied = present = 0
        for rows in self._source_pages(src, table, key, columns):
            held = self._held_rows(dst, table, key, columns, rows)
            missing = []
            for row in rows:
                other = held.get(tuple(row[i] for i in where))
                if other is None:
                    missing.append(row)
                elif other == row:
                    present += 1
                else:
                    differ = [c for c, a, b in zip(columns, row, other, strict=True) if a != b]
                    ids = ", ".join(f"{k}={row[i]!r}" for k, i in zip(key, where, strict=True))
                    raise NotAllowed(
                        f"table {table}, {ids}: the target holds this row with other content "
                        f"({', '.join(differ)})"
                    )
            if missing:
                dst.insert_rows(table, columns, missing)
            copied += len(missing)
        return copied, present

    def _move_sequences(self, db: Conn) -> None:
        """Move PostgreSQL's identity sequences past the highest id (never backwards)."""
        for table, key in self.COPY_TABLES:
            if key != ("id",):
                continue
            sequence = db.execute("SELECT pg_get_serial_sequence(?, 'id')", [table]).fetchone()[0]
            highest = db.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
            if sequence is None or highest is None:
                continue
            last, called = db.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
            if highest > last or (highest == last and not called):
                db.execute("SELECT setval(CAST(? AS regclass), ?)", [sequence, highest])

    def _verify_copy(
        self,
        src: Conn,
        target: Store,
        columns: dict[str, list[str]],
        tables: list[TableCopy],
    ) -> list[str]:
        """After the commit: does the target hold every source row? Fills target_after."""
        problems = []
        with target._db() as dst:
            for (table, key), row in zip(self.COPY_TABLES, tables, strict=True):
                where = [columns[table].index(k) for k in key]
                missing = changed = 0
                for rows in self._source_pages(src, table, key, columns[table]):
                    held = self._held_rows(dst, table, key, columns[table], rows)
                    for r in rows:
                        other = held.get(tuple(r[i] for i in where))
                        missing += other is None
                        changed += other is not None and other != r
                row.target_after = int(dst.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                if missing or changed:
                    problems.append(
                        f"table {table}: {missing} source rows missing and {changed} different "
                        "in the target"
                    )
                elif row.target_before == 0 and row.target_after != row.source:
                    problems.append(
                        f"table {table}: {row.target_after} rows in the target, "
                        f"{row.source} in the source"
                    )
        return problems
