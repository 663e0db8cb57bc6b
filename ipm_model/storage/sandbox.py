"""Demo sandboxes: a visitor's own copy of the demo organisation, for 24 hours.

On a hosted demo (`IPM_DEMO=1`) the shared demo organisation is read-only for visitors,
except for answering the scan. A visitor's first facilitating or editing action gives them
a *sandbox*: a copy of the demo organisation (chains, history rounds, the open workshop and
its simulated participants, actions) that only their browser session can reach, through a
random key named in their signed session cookie (ipm_model/session.py, claim kind "sb").

- The copy is generic: every table that refers (through foreign keys read from the database,
  `catalog`) to a copied row is copied with new ids, so tables a later migration adds (or
  another questionnaire version's answers) come along without a change here. Columns that
  must be unique or secret (join codes, link tokens, participant pseudonyms, resume codes)
  get fresh values; everything else is copied as it is. One transaction: all or nothing.
- Only generated data is copied: participants whose pseudonym starts with `demo-` (the demo's
  history and its simulated participants, see `mark_generated`). Answers that real visitors
  gave in the shared demo never reach a sandbox, where its owner could lower the minimum
  group size and see one person's radar.
- Bounded: at most `limit` sandboxes (default 200, IPM_DEMO_SANDBOXES); making room removes
  the oldest, unless it is younger than PROTECTED_MINUTES: then no sandbox is made
  (SandboxesFull) and the visitor is told to try again a little later.
- Each lives `hours` (default 24); `cleanup` removes expired ones (the app calls it while
  running; nothing stops).
- Sandboxes never count in the peer benchmark (Store.benchmark_answers leaves them out).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ipm_model.storage import catalog

if TYPE_CHECKING:
    from ipm_model.db import Conn
    from ipm_model.storage.store import Store

SANDBOX_HOURS = 24
MAX_SANDBOXES_DEFAULT = 200
GENERATED_PREFIX = "demo-"  # pseudonyms of generated (history and simulated) participants
_LOCK = "demo-sandboxes"


class SandboxError(ValueError):
    """No sandbox was made: the message says why (unknown demo, nothing to copy)."""


class SandboxesFull(SandboxError):
    """The maximum is reached and even the oldest sandbox is younger than PROTECTED_MINUTES:
    a flood of new visitors does not push out someone who is still at work."""


# The oldest sandbox makes room for a new one only when it is at least this old.
PROTECTED_MINUTES = 15


@dataclass(frozen=True)
class Sandbox:
    organisation_id: int
    source_id: int
    key_digest: str
    created_at: str
    expires_at: str

    def expired(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(UTC)) >= datetime.fromisoformat(self.expires_at)


def m013_sandboxes(db: Conn) -> None:
    """Visitors' sandboxes on a hosted demo. No foreign key to the demo it was copied from:
    the demo is rebuilt every day while its sandboxes live on."""
    db.execute(
        """CREATE TABLE sandbox (
            organisation_id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL,
            key_digest TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX sandbox_created ON sandbox (created_at)")


def key_digest(key: str) -> str:
    """The SHA-256 of a sandbox key (hex, 32 characters): names the sandbox, cannot open it."""
    return hashlib.sha256(("sandbox\0" + key).encode("utf-8")).hexdigest()[:32]


def max_sandboxes(raw: object) -> int:
    """The configured maximum (a whole number >= 1), else the default."""
    text = str(raw).strip() if raw is not None else ""
    if text.isascii() and text.isdigit() and int(text) >= 1:
        return int(text)
    return MAX_SANDBOXES_DEFAULT


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


# -- marking generated data --------------------------------------------------------------------


def mark_generated(store: Store, organisation_id: int) -> int:
    """Mark every participant of an organisation as generated (pseudonym `demo-…`); return
    how many were marked. The demo calls it once its history and simulated people exist:
    people who answer later keep their ordinary pseudonym and are never copied."""
    with store._write() as db:
        cur = db.execute(
            f"""UPDATE participant SET pid = '{GENERATED_PREFIX}' || pid
                WHERE pid NOT LIKE '{GENERATED_PREFIX}%' AND workshop_id IN
                (SELECT id FROM workshop WHERE organisation_id = ?)""",
            [organisation_id],
        )
        return max(cur.rowcount, 0)


def simulated_counts(store: Store, workshop_id: int) -> dict[int, int]:
    """Finished generated participants per chain of one workshop (for the demo labels)."""
    rows = store._query(
        f"""SELECT chain_id, count(*) AS n FROM participant WHERE workshop_id = ?
            AND finished_at IS NOT NULL AND pid LIKE '{GENERATED_PREFIX}%' GROUP BY chain_id""",
        [workshop_id],
    )
    return {int(r["chain_id"]): int(r["n"]) for r in rows}


# -- copying -----------------------------------------------------------------------------------


def _fresh_code(db: Conn, length: int) -> str:
    from ipm_model.model import new_code

    for _ in range(50):
        code = new_code(length)
        if not db.execute("SELECT 1 FROM workshop WHERE code = ?", [code]).fetchone():
            return code
    raise SandboxError("no free join code found")


def _fresh_values(db: Conn, table: str, name: str, stamp: str) -> dict[str, Any]:
    """Columns of a copied row that must be new: unique, secret or about the copy itself."""
    from ipm_model.model import RESUME_CODE_LENGTH, new_code, new_token

    if table == "organisation":
        return {
            "name": name,
            "is_demo": 1,
            "created_at": stamp,
            "results_token": new_token(),
            "results_token_created_at": stamp,
            "results_token_revoked_at": None,
            "benchmark_opt_out": 0,
        }
    if table == "workshop":
        return {
            "code": _fresh_code(db, 6),
            "facilitator_token": new_token(),
            "facilitator_token_created_at": stamp,
            "facilitator_token_revoked_at": None,
        }
    if table == "participant":
        return {
            "pid": GENERATED_PREFIX + "p" + secrets.token_hex(6),
            "token": secrets.token_urlsafe(16),
            "resume_code": new_code(RESUME_CODE_LENGTH),
        }
    return {}


# Rows of these tables are copied only when they match (only generated people).
_ONLY = {"participant": f"pid LIKE '{GENERATED_PREFIX}%'"}
# Never copied: bookkeeping and the sandbox list itself.
_NEVER = {"sandbox", "setting", "audit_log", "app_secret", "session_epoch", "session_nonce"}
_CHUNK = 500


def copy_organisation(store: Store, source_id: int, name: str, db: Conn | None = None) -> int:
    """Copy an organisation and everything that refers to it; return the copy's id.

    Generic: tables and foreign keys are read from the database. Only generated
    participants are copied (see the module's docstring). Runs in one transaction (the
    caller's `db`, or a new one).
    """
    if db is None:
        with store._write(lock=True) as own:
            return copy_organisation(store, source_id, name, own)
    stamp = datetime.now(UTC).isoformat()
    names = [n for n in catalog.tables(db, store.kind) if n not in _NEVER]
    keys = catalog.foreign_keys(db, store.kind, names)
    mapped: dict[str, dict[Any, Any]] = {}  # table -> {old id: new id}
    for table in names:
        if table == "organisation":
            where, params = "id = ?", [source_id]
        else:
            refs = [k for k in keys if k.child == table and k.parent in mapped]
            if not refs:
                continue
            # A row is copied when it refers to a copied row; all its references must map.
            first = refs[0]
            olds = list(mapped[first.parent])
            if not olds:
                mapped[table] = {}
                continue
            where, params = "", []
        columns = catalog.columns(db, table)
        rows: list[tuple] = []
        if table == "organisation":
            rows = [
                tuple(r)
                for r in db.execute(
                    f"SELECT {', '.join(columns)} FROM {table} WHERE {where}", params
                ).fetchall()
            ]
            if not rows:
                raise SandboxError(f"no organisation with the id {source_id}")
        else:
            extra = f" AND {_ONLY[table]}" if table in _ONLY else ""
            for i in range(0, len(olds), _CHUNK):
                part = olds[i : i + _CHUNK]
                marks = ", ".join("?" * len(part))
                rows += [
                    tuple(r)
                    for r in db.execute(
                        f"SELECT {', '.join(columns)} FROM {table} "
                        f"WHERE {first.column} IN ({marks}){extra}",
                        part,
                    ).fetchall()
                ]
        mapped[table] = _insert_copies(
            db, table, columns, rows, refs_of(keys, table), mapped, name, stamp
        )
    return int(next(iter(mapped["organisation"].values())))


def refs_of(keys: list[catalog.ForeignKey], table: str) -> list[catalog.ForeignKey]:
    return [k for k in keys if k.child == table]


def _insert_copies(
    db: Conn,
    table: str,
    columns: list[str],
    rows: list[tuple],
    refs: list[catalog.ForeignKey],
    mapped: dict[str, dict[Any, Any]],
    name: str,
    stamp: str,
) -> dict[Any, Any]:
    """Insert copies of `rows` with references moved to the copies; {old id: new id}."""
    has_id = "id" in columns
    out_columns = [c for c in columns if c != "id"]
    plain: list[tuple] = []
    ids: dict[Any, Any] = {}
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        skip = False
        for ref in refs:
            old = values.get(ref.column)
            if old is None:
                continue
            target = mapped.get(ref.parent, {}).get(old)
            if target is None:  # refers to something not copied (e.g. a real person)
                skip = True
                break
            values[ref.column] = target
        if skip:
            continue
        values.update(_fresh_values(db, table, name, stamp))
        out = tuple(values[c] for c in out_columns)
        if has_id:
            cur = db.execute(
                f"INSERT INTO {table} ({', '.join(out_columns)}) "
                f"VALUES ({', '.join('?' * len(out_columns))}) RETURNING id",
                out,
            )
            ids[values["id"]] = int(cur.fetchone()[0])
        else:
            plain.append(out)
    if plain:
        db.executemany(
            f"INSERT INTO {table} ({', '.join(out_columns)}) "
            f"VALUES ({', '.join('?' * len(out_columns))})",
            plain,
        )
    return ids


# -- sandboxes ---------------------------------------------------------------------------------


def _row(row: dict[str, Any]) -> Sandbox:
    return Sandbox(
        int(row["organisation_id"]),
        int(row["source_id"]),
        str(row["key_digest"]),
        str(row["created_at"]),
        str(row["expires_at"]),
    )


def create_sandbox(
    store: Store,
    source_id: int,
    *,
    hours: float = SANDBOX_HOURS,
    limit: int = MAX_SANDBOXES_DEFAULT,
    now: datetime | None = None,
) -> tuple[Sandbox, str]:
    """Copy the demo organisation `source_id` into a new sandbox; return it and its key.

    The key goes (only) into the visitor's signed session cookie. Expired sandboxes are
    removed first; when `limit` sandboxes still exist the oldest go, so there is room.
    """
    moment = _now(now)
    key = secrets.token_urlsafe(24)
    with store.exclusive(_LOCK):
        cleanup(store, now=moment)
        held = list_sandboxes(store)
        going = held[: max(0, len(held) - limit + 1)]  # oldest first
        young = moment - timedelta(minutes=PROTECTED_MINUTES)
        if going and datetime.fromisoformat(going[-1].created_at) > young:
            raise SandboxesFull(f"{len(held)} sandboxes, the oldest less than 15 minutes old")
        for old in going:
            remove(store, old.organisation_id)
        source = store.organisation(source_id)
        if source is None:
            raise SandboxError(f"no organisation with the id {source_id}")
        with store._write(lock=True) as db:
            suffix = secrets.token_hex(3)
            base = str(source["name"])
            label = f"{base} · kopie {suffix}"
            org_id = copy_organisation(store, source_id, label, db)
            row = Sandbox(
                org_id,
                source_id,
                key_digest(key),
                moment.isoformat(),
                (moment + timedelta(hours=hours)).isoformat(),
            )
            db.execute(
                "INSERT INTO sandbox VALUES (?, ?, ?, ?, ?)",
                [
                    row.organisation_id,
                    row.source_id,
                    row.key_digest,
                    row.created_at,
                    row.expires_at,
                ],
            )
    return row, key


def list_sandboxes(store: Store) -> list[Sandbox]:
    """Every sandbox, oldest first."""
    rows = store._query(
        "SELECT organisation_id, source_id, key_digest, created_at, expires_at FROM sandbox "
        "ORDER BY created_at, organisation_id"
    )
    return [_row(r) for r in rows]


def sandbox_ids(store: Store) -> set[int]:
    return {int(r["organisation_id"]) for r in store._query("SELECT organisation_id FROM sandbox")}


def find(
    store: Store, organisation_id: int, key_proof: str, now: datetime | None = None
) -> Sandbox | None:
    """The sandbox whose key has the digest `key_proof`, when it exists and has not expired.

    Compared in constant time; any other organisation id (a real organisation, another
    visitor's sandbox) gives None.
    """
    rows = store._query(
        "SELECT organisation_id, source_id, key_digest, created_at, expires_at FROM sandbox "
        "WHERE organisation_id = ?",
        [int(organisation_id)],
    )
    if not rows:
        return None
    found = _row(rows[0])
    if not hmac.compare_digest(found.key_digest.encode(), str(key_proof).encode()):
        return None
    if found.expired(now) or store.organisation(found.organisation_id) is None:
        return None
    return found


def remove(store: Store, organisation_id: int) -> dict[str, int]:
    """Delete one sandbox with everything in it (one transaction); rows removed per table.

    Only sandboxes: any other organisation id raises SandboxError and deletes nothing.
    """
    from ipm_model.storage.erasure import delete_rows

    counts: dict[str, int] = {}
    with store._write(lock=True) as db:
        if not db.execute(
            "SELECT 1 FROM sandbox WHERE organisation_id = ?", [int(organisation_id)]
        ).fetchone():
            raise SandboxError(f"organisation {organisation_id} is not a sandbox")
        names = catalog.tables(db, store.kind)
        keys = catalog.foreign_keys(db, store.kind, names)
        delete_rows(db, keys, "organisation", "id = ?", [int(organisation_id)], counts, depth=0)
        db.execute("DELETE FROM sandbox WHERE organisation_id = ?", [int(organisation_id)])
    return {t: n for t, n in counts.items() if n}


def cleanup(store: Store, now: datetime | None = None) -> int:
    """Remove expired sandboxes (and list rows whose organisation is gone); return how many."""
    moment = _now(now).isoformat()
    gone = 0
    for row in store._query(
        "SELECT organisation_id FROM sandbox WHERE expires_at <= ? ORDER BY created_at",
        [moment],
    ):
        try:
            remove(store, int(row["organisation_id"]))
            gone += 1
        except SandboxError:  # removed meanwhile by another process
            continue
    orphans = (
        "SELECT organisation_id FROM sandbox WHERE organisation_id NOT IN "
        "(SELECT id FROM organisation)"
    )
    if store._query(orphans):  # a write (and its sync to disk) only when there is work
        with store._write() as db:
            db.execute(f"DELETE FROM sandbox WHERE organisation_id IN ({orphans})")
    return gone
