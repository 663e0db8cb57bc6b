"""Erasure and retention: remove one workshop's or one organisation's data completely.

For an erasure request or the end of a retention period (AVG/GDPR). A workshop goes with
its participants, answers, comments, actions, chain list and facilitator link; an
organisation with its chains, workshops (and all of theirs) and results link. What refers to
what is read from the database's foreign keys, so tables added later go too. One transaction:
everything or nothing. Open workshops are refused: close them first. The audit log keeps one
line about the deletion (code or id and counts, nothing of the content).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ipm_model.storage import audit, catalog

if TYPE_CHECKING:
    from ipm_model.storage.store import Store


UNKNOWN = "unknown"  # no such workshop or organisation (mistyped, or deleted meanwhile)
OPEN = "open"  # a workshop that is open, or an organisation with one: close it first


class ErasureRefused(ValueError):
    """Nothing was deleted: the message says why (unknown code, an open workshop); `reason`
    (UNKNOWN or OPEN) lets a screen say it in its own language."""

    def __init__(self, message: str, reason: str = UNKNOWN) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class Erasure:
    """What a deletion removed (or, in a dry run, would remove): rows per table."""

    what: str  # "workshop ABC123" or "organisation 3 (Name)"
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        parts = ", ".join(f"{n} {t}" for t, n in self.counts.items() if n)
        return f"{self.what}: {self.total} rows ({parts or 'none'})"


def workshop_plan(store: Store, code: str) -> tuple[int, str]:
    """(id, code) of the workshop to delete; refuses an unknown code or an open workshop."""
    from ipm_model.model import normalize_code

    rows = store._query(
        "SELECT id, code, status FROM workshop WHERE code = ?", [normalize_code(code)]
    )
    if not rows:
        raise ErasureRefused(f"no workshop with the code {code!r}")
    if rows[0]["status"] == "open":
        raise ErasureRefused(
            f"workshop {rows[0]['code']} is open: close it first (people may be answering)", OPEN
        )
    return int(rows[0]["id"]), str(rows[0]["code"])


def organisation_plan(store: Store, organisation_id: int) -> tuple[int, str]:
    """(id, name) of the organisation to delete; refuses unknown ids and open workshops."""
    org = store.organisation(organisation_id)
    if org is None:
        raise ErasureRefused(f"no organisation with the id {organisation_id}")
    open_codes = [
        r["code"]
        for r in store._query(
            "SELECT code FROM workshop WHERE organisation_id = ? AND status = 'open' ORDER BY code",
            [organisation_id],
        )
    ]
    if open_codes:
        raise ErasureRefused(
            f"organisation {organisation_id} has open workshops ({', '.join(open_codes)}): "
            "close them first",
            OPEN,
        )
    return organisation_id, str(org["name"])


def delete_workshop(store: Store, code: str, actor: str, *, dry_run: bool = False) -> Erasure:
    """Delete a closed workshop and everything of it; return the rows removed per table."""
    workshop_id, code = workshop_plan(store, code)
    return _erase(store, "workshop", workshop_id, f"workshop {code}", actor, dry_run)


def delete_organisation(
    store: Store, organisation_id: int, actor: str, *, dry_run: bool = False
) -> Erasure:
    """Delete an organisation without open workshops and everything of it."""
    organisation_id, name = organisation_plan(store, organisation_id)
    what = f"organisation {organisation_id} ({name})"
    return _erase(store, "organisation", organisation_id, what, actor, dry_run)


class _DryRun(Exception):
    """Rolls a dry run's transaction back."""


def _erase(store: Store, table: str, row_id: int, what: str, actor: str, dry_run: bool) -> Erasure:
    result = Erasure(what, dry_run=dry_run)
    try:
        with store._write(lock=True) as db:
            # Checked again inside the transaction: a round reopened meanwhile stays.
            if table == "workshop":
                status = db.execute("SELECT status FROM workshop WHERE id = ?", [row_id]).fetchone()
                if status is None:
                    raise ErasureRefused(f"{what} is gone: nothing deleted", UNKNOWN)
                if status[0] == "open":
                    raise ErasureRefused(f"{what} is open: nothing deleted", OPEN)
                organisation = db.execute(
                    "SELECT organisation_id FROM workshop WHERE id = ?", [row_id]
                ).fetchone()[0]
            else:
                if (
                    db.execute("SELECT 1 FROM organisation WHERE id = ?", [row_id]).fetchone()
                    is None
                ):
                    raise ErasureRefused(f"{what} is gone: nothing deleted", UNKNOWN)
                if db.execute(
                    "SELECT 1 FROM workshop WHERE organisation_id = ? AND status = 'open'", [row_id]
                ).fetchone():
                    raise ErasureRefused(f"{what} has an open workshop: nothing deleted", OPEN)
                organisation = row_id
            names = catalog.tables(db, store.kind)
            keys = catalog.foreign_keys(db, store.kind, names)
            delete_rows(db, keys, table, "id = ?", [row_id], result.counts, depth=0)
            if dry_run:
                raise _DryRun
            action = "delete.workshop" if table == "workshop" else "delete.organisation"
            # The organisation is named in the detail, so the audit log can still be
            # filtered by organisation once the workshop is gone (audit.organisation_targets).
            detail = f"{audit.ORGANISATION_DETAIL}{organisation}; {_summary(result)}"
            audit.write(db, actor, action, what.split(" (")[0], detail)
    except _DryRun:
        pass
    result.counts = {t: n for t, n in sorted(result.counts.items()) if n}
    return result


def _summary(result: Erasure) -> str:
    return ", ".join(f"{t}={n}" for t, n in sorted(result.counts.items()) if n)


def delete_rows(
    db: Any,
    keys: list[catalog.ForeignKey],
    table: str,
    where: str,
    params: list[Any],
    counts: dict[str, int],
    depth: int,
) -> None:
    """Delete the rows of `table` matching `where`, after every row that refers to them."""
    if depth > 10:  # the schema is a tree a few levels deep; a cycle would be a bug
        raise RuntimeError("foreign keys form a cycle")
    for key in keys:
        if key.parent != table or key.child == table:
            continue
        child_where = f"{key.column} IN (SELECT {key.parent_column} FROM {table} WHERE {where})"
        delete_rows(db, keys, key.child, child_where, params, counts, depth + 1)
    cur = db.execute(f"DELETE FROM {table} WHERE {where}", params)
    counts[table] = counts.get(table, 0) + max(cur.rowcount, 0)


# -- retention ---------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clipped to the month's end)."""
    month = moment.month - 1 - months
    year = moment.year + month // 12
    month = month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_for_deletion(store: Store, months: int, now: datetime | None = None) -> list[str]:
    """Codes of the closed workshops whose close lies more than `months` months back."""
    if months <= 0:
        return []
    limit = months_before(now or datetime.now(UTC), months).isoformat()
    rows = store._query(
        "SELECT code FROM workshop WHERE status = 'closed' AND closed_at IS NOT NULL "
        "AND closed_at < ? ORDER BY closed_at, code",
        [limit],
    )
    return [r["code"] for r in rows]


def apply_retention(
    store: Store, months: int, actor: str, *, dry_run: bool = False, now: datetime | None = None
) -> list[Erasure]:
    """Delete every workshop closed more than `months` months ago (each in its own
    transaction); return what was (or would be) removed."""
    done = []
    for code in due_for_deletion(store, months, now):
        try:
            done.append(delete_workshop(store, code, actor, dry_run=dry_run))
        except ErasureRefused:  # reopened or deleted meanwhile
            continue
    if done and not dry_run:
        audit.record(store, actor, "retention.apply", f"{months} months", f"{len(done)} workshops")
    return done


@dataclass(frozen=True)
class Scheduled:
    """A closed workshop and the moment the retention period deletes it."""

    code: str
    title: str
    organisation: str
    closed_at: str
    due_at: datetime
    participants: int


def retention_schedule(
    store: Store, months: int, now: datetime | None = None, *, upcoming: int = 5
) -> tuple[list[Scheduled], list[Scheduled]]:
    """What the retention period removes: the workshops due now (what `apply_retention`
    deletes), and the next `upcoming` ones with the moment they fall due."""
    if months <= 0:
        return [], []
    moment = now or datetime.now(UTC)
    limit = months_before(moment, months).isoformat()
    rows = store._query(
        """SELECT w.code, w.title, o.name AS organisation, w.closed_at,
                  (SELECT count(*) FROM participant p WHERE p.workshop_id = w.id) AS participants
           FROM workshop w JOIN organisation o ON o.id = w.organisation_id
           WHERE w.status = 'closed' AND w.closed_at IS NOT NULL
           ORDER BY w.closed_at, w.code"""
    )
    due, later = [], []
    for row in rows:
        closed = datetime.fromisoformat(row["closed_at"])
        item = Scheduled(
            code=row["code"],
            title=row["title"],
            organisation=row["organisation"],
            closed_at=row["closed_at"],
            due_at=months_before(closed, -months),
            participants=int(row["participants"]),
        )
        (due if row["closed_at"] < limit else later).append(item)
    return due, later[:upcoming]


HEADLINE_TABLES = {
    "workshops": "workshop",
    "participants": "participant",
    "answers": "answer",
    "comments": "phase_comment",
    "actions": "action",
    "chains": "chain",
}


def headline(result: Erasure) -> dict[str, int]:
    """The counts a person asks about before a deletion (workshops, participants, answers,
    comments, actions, chains), zeros included."""
    return {name: result.counts.get(table, 0) for name, table in HEADLINE_TABLES.items()}
