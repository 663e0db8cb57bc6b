"""The audit log: who changed what, and when. Never answers, comments or passwords.

Every change of a round's state, import, export, report, link change, deletion, retention
run, backup, restore, first-run set-up and failed login is one row: when (UTC), who (the
actor: "admin", "admin:anna@example.org" for an OIDC login, "facilitator:ABC123" for a
workshop's facilitator link, "results:<organisation id>" for a results link, "cli:<user>" for
the command line, "visitor" for someone not logged in), what (an action name from ACTIONS),
on what (a workshop code, an organisation id) and a short detail made by the code (counts,
formats). Details are never typed text of participants.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipm_model.db import Conn
    from ipm_model.storage.store import Store

ACTIONS = (
    "workshop.create",
    "workshop.close",
    "workshop.reopen",
    "workshop.reveal",
    "workshop.hide",
    "organisation.create",
    "import",
    "export",
    "report",
    "link.revoke",
    "link.rotate",
    "delete.workshop",
    "delete.organisation",
    "retention.set",
    "retention.apply",
    "backup",
    "restore",
    "setup",
    "login.failed",
    "results.leave_out",
)
COLUMNS = ("id", "at", "actor", "action", "target", "detail")
DETAIL_MAX_CHARS = 300
# A workshop's deletion names its organisation at the start of the detail, so that the log
# can still be filtered by organisation once the workshop is gone.
ORGANISATION_DETAIL = "organisation="


def m011_audit_log(db: Conn) -> None:
    """The audit log (no foreign keys: it outlives what it names, e.g. a deleted workshop)."""
    db.execute(
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute("CREATE INDEX audit_log_at ON audit_log (at)")


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    actor: str
    action: str
    target: str
    detail: str


def cli_actor() -> str:
    """The actor of a command-line call: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def write(db: Conn, actor: str, action: str, target: str = "", detail: str = "") -> None:
    """Record one entry inside the caller's transaction (so it commits with the change)."""
    from ipm_model.model import now_iso

    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        [now_iso(), actor[:200], action, str(target)[:200], str(detail)[:DETAIL_MAX_CHARS]],
    )


def record(store: Store, actor: str, action: str, target: str = "", detail: str = "") -> None:
    """Record one entry in a transaction of its own (after a change made elsewhere)."""
    with store._write() as db:
        write(db, actor, action, target, detail)


def entries(store: Store, *, since: str | None = None, limit: int | None = None) -> list[Entry]:
    """The newest entries first; `since`: only from this ISO date or time on."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log"
    params: list[Any] = []
    if since:
        sql += " WHERE at >= ?"
        params.append(since)
    sql += " ORDER BY id DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    with store._db() as db:
        rows = db.execute(sql, params).fetchall()
    return [Entry(*row) for row in rows]


def organisation_targets(store: Store, organisation_id: int) -> set[str]:
    """Every target (upper case) under which the log names this organisation or one of its
    workshops: codes, "workshop <code|id>", "organisation <id|name>", and the codes of its
    workshops deleted earlier (read from their deletion lines)."""
    org = store.organisation(organisation_id)
    targets = {f"ORGANISATION {organisation_id}"}
    if org is not None:
        targets.add(f"ORGANISATION {org['name']}".upper())
    rows = store._query(
        "SELECT id, code FROM workshop WHERE organisation_id = ?", [organisation_id]
    )
    deleted = store._query(
        "SELECT target AS code FROM audit_log WHERE action = 'delete.workshop' "
        "AND (detail = ? OR detail LIKE ?)",
        [f"{ORGANISATION_DETAIL}{organisation_id}", f"{ORGANISATION_DETAIL}{organisation_id};%"],
    )
    for row in rows:
        targets |= {row["code"], f"WORKSHOP {row['code']}", f"WORKSHOP {row['id']}"}
    for row in deleted:  # "workshop ABC123"
        code = row["code"].removeprefix("workshop ").upper()
        targets |= {code, f"WORKSHOP {code}"}
    return {t.upper() for t in targets}


@dataclass(frozen=True)
class Page:
    """One page of a filtered audit log, and how many entries match in all."""

    entries: list[Entry]
    total: int


def search(
    store: Store,
    *,
    organisation_id: int | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Page:
    """Entries newest first, filtered by organisation (its workshops too), action and date
    (`since` and `until` ISO dates, both included), `limit` from `offset` on."""
    where: list[str] = []
    params: list[Any] = []
    if organisation_id is not None:
        targets = sorted(organisation_targets(store, organisation_id))
        where.append(f"upper(target) IN ({', '.join('?' for _ in targets)})")
        params += targets
    if action:
        where.append("action = ?")
        params.append(action)
    if since:
        where.append("at >= ?")
        params.append(since)
    if until:  # the whole day: up to the start of the next
        from datetime import date, timedelta

        where.append("at < ?")
        params.append((date.fromisoformat(until[:10]) + timedelta(days=1)).isoformat())
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log{clause} ORDER BY id DESC"
    page_params = list(params)
    if limit:
        sql += " LIMIT ? OFFSET ?"
        page_params += [int(limit), max(0, int(offset))]
    with store._db() as db:
        rows = db.execute(sql, page_params).fetchall()
        total = db.execute(f"SELECT count(*) FROM audit_log{clause}", params).fetchone()[0]
    return Page([Entry(*row) for row in rows], int(total))


def to_csv(rows: Sequence[Entry]) -> str:
    """The entries as CSV text (with the spreadsheet formula guard of the exports)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_neutral(v) for v in asdict(row).values()])
    return out.getvalue()


def _neutral(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a quote in front."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
