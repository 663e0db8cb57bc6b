"""The only module that talks to the database: SQLite through sqlite-utils, or PostgreSQL.

Pages and the command line use the `Store` methods; none of them sees SQL. The interface is
narrow (plain dataclasses and DataFrames in and out). The SQL below is written once, in the
part of SQL both back-ends share; `ipm_model.db` supplies the connections, transactions,
locks and migrations of each back-end.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipm_model.access import LINK_EXPIRED as LINK_EXPIRED
from ipm_model.access import LINK_OK as LINK_OK
from ipm_model.access import LINK_REVOKED as LINK_REVOKED
from ipm_model.access import LINK_UNKNOWN, link_expires_at, link_status
from ipm_model.db import Conflict as Conflict
from ipm_model.db import Conn, open_backend, sqlite_migrations
from ipm_model.db import NotAllowed as NotAllowed
from ipm_model.db import StoreError as StoreError
from ipm_model.db import is_postgres_url as is_postgres_url
from ipm_model.questionnaire import ANSWER_CODES, Questionnaire
from ipm_model.storage.audit import m011_audit_log
from ipm_model.storage.exclusions import m012_exclusions
from ipm_model.storage.sandbox import m013_sandboxes
from ipm_model.storage.settings import m010_settings
from ipm_model.throttle import wait_after

if TYPE_CHECKING:  # imported where used: pandas costs ~0.4 s, too much for a fast CLI
    import pandas as pd

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "ipm-ketenscan.db"

# Codes people type are read without ambiguity: these characters are never generated.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
RESUME_CODE_LENGTH = 8
COMMENT_MAX_CHARS = 2000
NAME_MAX_CHARS = 120

_ROLE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ACTION_STATUSES: tuple[str, ...] = ("open", "busy", "done", "dropped")
ACTION_TEXT_MAX_CHARS = 500

WORKSHOP_OPEN = "open"
WORKSHOP_CLOSED = "closed"


def now_iso() -> str:
    """The current UTC time as ISO 8601 text, to the microsecond."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def normalize_code(text: str | None) -> str:
    """Read a typed join or resume code: case, spaces, dashes and 0/O, 1/I/L mix-ups ignored."""
    if not text:
        return ""
    cleaned = "".join(ch for ch in str(text).upper() if ch.isascii() and ch.isalnum())
    return cleaned.translate(str.maketrans({"0": "O", "1": "I"}))[:32]


def new_code(length: int) -> str:
    """A random code of unambiguous characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_token() -> str:
    """An unguessable link token (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def _nonce_hash(nonce: str) -> str:
    """Nonces are stored hashed: a copy of the table opens no session."""
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


def format_resume_code(code: str) -> str:
    """Show a resume code in two groups of four, easier to copy by hand."""
    return f"{code[:4]}-{code[4:]}" if len(code) == RESUME_CODE_LENGTH else code


def clean_text(text: str | None, limit: int) -> tuple[str, bool]:
    """Strip control characters and cut at `limit`; return (text, was_cut)."""
    if not text:
        return "", False
    kept = "".join(ch for ch in str(text) if ch in "\n\t" or ch.isprintable())
    kept = kept.strip()
    if len(kept) > limit:
        return kept[:limit], True
    return kept, False


@dataclass(frozen=True)
class Role:
    """A role participants can choose, e.g. MT or chain team member."""

    id: str
    nl: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


DEFAULT_ROLES: tuple[Role, ...] = (
    Role("mt", "MT / directie", "Management team / board"),
    Role("keteneigenaar", "Keteneigenaar", "Chain owner"),
    Role("ketenteam", "Lid van het ketenteam", "Chain team member"),
    Role("professional", "Professional (uitvoering)", "Professional (front line)"),
    Role("staf", "Staf (control, BI, HR)", "Staff (control, BI, HR)"),
    Role("partner", "Ketenpartner (andere organisatie)", "Chain partner (other organisation)"),
)


@dataclass(frozen=True)
class Chain:
    id: int
    organisation_id: int
    name: str


@dataclass(frozen=True)
class Workshop:
    """A workshop or measurement round: who may join, with which questionnaire."""

    id: int
    organisation_id: int
    code: str
    title: str
    date: str
    questionnaire_id: str
    questionnaire_version: int
    chains: tuple[Chain, ...]
    roles: tuple[Role, ...]
    partners: tuple[str, ...]
    min_group_size: int
    status: str
    facilitator_token: str = ""
    revealed: bool = False
    closed_at: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == WORKSHOP_OPEN

    def chain(self, chain_id: int) -> Chain | None:
        return next((c for c in self.chains if c.id == chain_id), None)

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)


@dataclass(frozen=True)
class Action:
    """An agreed step for one chain, made in a round, reviewed at the next one."""

    id: int
    chain_id: int
    workshop_id: int
    phase_id: str
    description: str
    owner: str
    due_date: str | None
    status: str
    created_at: str
    updated_at: str


LINK_FACILITATOR = "facilitator"
LINK_RESULTS = "results"
LINK_KINDS = (LINK_FACILITATOR, LINK_RESULTS)


@dataclass(frozen=True)
class Link:
    """A facilitator link (of one workshop) or a results link (of one organisation)."""

    kind: str  # LINK_FACILITATOR or LINK_RESULTS
    organisation_id: int
    organisation: str
    workshop_id: int | None  # facilitator links only
    workshop_code: str | None
    token: str
    created_at: str | None
    revoked_at: str | None
    closed_at: str | None  # the round's close; for a results link the organisation's last
    still_open: bool  # the round (for a results link: any round of the organisation) is open

    def status(self, days: int, now: datetime | None = None) -> str:
        """LINK_OK, LINK_REVOKED or LINK_EXPIRED (see ipm_model.access)."""
        return link_status(
            created_at=self.created_at,
            closed_at=self.closed_at,
            revoked_at=self.revoked_at,
            still_open=self.still_open,
            days=days,
            now=now,
        )

    def expires_at(self, days: int) -> datetime | None:
        return link_expires_at(self.created_at, self.closed_at, self.still_open, days)


@dataclass(frozen=True)
class Participant:
    """A pseudonymous participant. `token` and `resume_code` are their private keys."""

    id: int
    pid: str
    token: str
    resume_code: str
    workshop_id: int
    chain_id: int
    role: str
    partner: str
    current_step: int
    finished_at: str | None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


def m001_initial(db: Conn) -> None:
    db.execute(
        """CREATE TABLE organisation (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            is_demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE chain (
            id INTEGER PRIMARY KEY,
            organisation_id INTEGER NOT NULL REFERENCES organisation(id),
            name TEXT NOT NULL,
            archived INTEGER NOT NULL DEFAULT 0,
            UNIQUE (organisation_id, name)
        )"""
    )
    db.execute(
        """CREATE TABLE workshop (
            id INTEGER PRIMARY KEY,
            organisation_id INTEGER NOT NULL REFERENCES organisation(id),
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            date TEXT NOT NULL,
            questionnaire_id TEXT NOT NULL,
            questionnaire_version INTEGER NOT NULL,
            roles TEXT NOT NULL,
            partners TEXT NOT NULL DEFAULT '[]',
            min_group_size INTEGER NOT NULL DEFAULT 3 CHECK (min_group_size >= 1),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE workshop_chain (
            workshop_id INTEGER NOT NULL REFERENCES workshop(id),
            chain_id INTEGER NOT NULL REFERENCES chain(id),
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (workshop_id, chain_id)
        )"""
    )
    db.execute(
        """CREATE TABLE participant (
            id INTEGER PRIMARY KEY,
            pid TEXT NOT NULL UNIQUE,
            token TEXT NOT NULL UNIQUE,
            resume_code TEXT NOT NULL UNIQUE,
            workshop_id INTEGER NOT NULL REFERENCES workshop(id),
            chain_id INTEGER NOT NULL REFERENCES chain(id),
            role TEXT NOT NULL,
            partner TEXT NOT NULL DEFAULT '',
            current_step INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            finished_at TEXT
        )"""
    )
    db.execute("CREATE INDEX participant_workshop_chain ON participant (workshop_id, chain_id)")
    codes = ", ".join(f"'{c}'" for c in ANSWER_CODES)
    db.execute(
        f"""CREATE TABLE answer (
            participant_id INTEGER NOT NULL REFERENCES participant(id),
            statement_id TEXT NOT NULL,
            value TEXT NOT NULL CHECK (value IN ({codes})),
            answered_at TEXT NOT NULL,
            PRIMARY KEY (participant_id, statement_id)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE phase_comment (
            participant_id INTEGER NOT NULL REFERENCES participant(id),
            phase_id TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (participant_id, phase_id)
        ) WITHOUT ROWID"""
    )


def m002_access_and_reveal(db: Conn) -> None:
    """Link tokens for facilitators and management teams; the projector's reveal switch."""
    db.execute("ALTER TABLE organisation ADD COLUMN results_token TEXT")
    db.execute("ALTER TABLE workshop ADD COLUMN facilitator_token TEXT")
    db.execute("ALTER TABLE workshop ADD COLUMN revealed INTEGER NOT NULL DEFAULT 0")
    for (org_id,) in db.execute("SELECT id FROM organisation").fetchall():
        db.execute("UPDATE organisation SET results_token = ? WHERE id = ?", [new_token(), org_id])
    for (workshop_id,) in db.execute("SELECT id FROM workshop").fetchall():
        db.execute(
            "UPDATE workshop SET facilitator_token = ? WHERE id = ?", [new_token(), workshop_id]
        )
    db.execute("CREATE UNIQUE INDEX organisation_results_token ON organisation (results_token)")
    db.execute("CREATE UNIQUE INDEX workshop_facilitator_token ON workshop (facilitator_token)")


def m003_organisation_settings(db: Conn) -> None:
    """Roles and partner organisations as settings of the organisation (copied per workshop)."""
    db.execute("ALTER TABLE organisation ADD COLUMN roles TEXT")
    db.execute("ALTER TABLE organisation ADD COLUMN partners TEXT NOT NULL DEFAULT '[]'")
    db.execute("UPDATE organisation SET roles = ?", [_roles_json(DEFAULT_ROLES)])


def m004_actions(db: Conn) -> None:
    """Actions agreed in a chain conversation, followed up at the next measurement."""
    statuses = ", ".join(f"'{x}'" for x in ACTION_STATUSES)
    db.execute(
        f"""CREATE TABLE action (
            id INTEGER PRIMARY KEY,
            chain_id INTEGER NOT NULL REFERENCES chain(id),
            workshop_id INTEGER NOT NULL REFERENCES workshop(id),
            phase_id TEXT NOT NULL,
            description TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            due_date TEXT,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ({statuses})),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX action_chain ON action (chain_id, workshop_id)")


def m005_change_stamp(db: Conn) -> None:
    """When a finished participant last changed something: the results' data version."""
    db.execute("ALTER TABLE participant ADD COLUMN changed_at TEXT")
    db.execute("UPDATE participant SET changed_at = finished_at")


def m006_throttle(db: Conn) -> None:
    """Wrong codes and passwords per client address, shared by every app process."""
    db.execute(
        """CREATE TABLE throttle (
            kind TEXT NOT NULL,
            address TEXT NOT NULL,
            failures INTEGER NOT NULL,
            blocked_until BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (kind, address)
        )"""
    )


def m007_links(db: Conn) -> None:
    """Links that expire, can be revoked and rotated; the moment a round closed; wrong codes
    counted once per distinct code.

    Links and closed rounds that already exist count from now (the upgrade), so no link
    stops working at the moment of the upgrade.
    """
    db.execute("ALTER TABLE organisation ADD COLUMN results_token_created_at TEXT")
    db.execute("ALTER TABLE organisation ADD COLUMN results_token_revoked_at TEXT")
    db.execute("ALTER TABLE workshop ADD COLUMN facilitator_token_created_at TEXT")
    db.execute("ALTER TABLE workshop ADD COLUMN facilitator_token_revoked_at TEXT")
    db.execute("ALTER TABLE workshop ADD COLUMN closed_at TEXT")
    stamp = now_iso()
    db.execute("UPDATE organisation SET results_token_created_at = ?", [stamp])
    db.execute("UPDATE workshop SET facilitator_token_created_at = ?", [stamp])
    db.execute("UPDATE workshop SET closed_at = ? WHERE status = 'closed'", [stamp])
    db.execute(
        """CREATE TABLE throttle_code (
            kind TEXT NOT NULL,
            address TEXT NOT NULL,
            pattern TEXT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (kind, address, pattern)
        )"""
    )


def m008_sessions(db: Conn) -> None:
    """Session cookies: the installation's signing key, "log out everywhere" epochs, and the
    one-time nonces that let the browser pick up its cookie (shared by every replica)."""
    db.execute("CREATE TABLE app_secret (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("CREATE TABLE session_epoch (subject TEXT PRIMARY KEY, epoch INTEGER NOT NULL)")
    db.execute(
        """CREATE TABLE session_nonce (
            nonce_hash TEXT PRIMARY KEY,
            cookie TEXT NOT NULL,
            max_age INTEGER NOT NULL,
            expires_at BIGINT NOT NULL
        )"""
    )


def m009_benchmark_opt_out(db: Conn) -> None:
    """An organisation may keep its chains out of the peer benchmark (and then sees none)."""
    db.execute("ALTER TABLE organisation ADD COLUMN benchmark_opt_out INTEGER NOT NULL DEFAULT 0")


MIGRATIONS = (
    m001_initial,
    m002_access_and_reveal,
    m003_organisation_settings,
    m004_actions,
    m005_change_stamp,
    m006_throttle,
    m007_links,
    m008_sessions,
    m009_benchmark_opt_out,
    # The order of registration is what counts (numbers only keep the names apart).
    m010_settings,
    m011_audit_log,
    m012_exclusions,
    m013_sandboxes,
)


def __getattr__(name: str) -> Any:
    """`migrations`: the same steps as a sqlite-utils migration set (what SQLite databases
    record); built on first use, so importing the store does not import sqlite-utils."""
    if name == "migrations":
        return sqlite_migrations(MIGRATIONS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _roles_json(roles: Sequence[Role]) -> str:
    return json.dumps([r.__dict__ for r in roles], ensure_ascii=False)


class Store:
    """All reads and writes of the app. Thread-safe: each call borrows a pooled connection."""

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

    # -- organisations and chains --------------------------------------------------------------

    def create_organisation(self, name: str, *, is_demo: bool = False) -> int:
        """Create an organisation; return its id."""
        name, _ = clean_text(name, NAME_MAX_CHARS)
        if not name:
            raise NotAllowed("empty organisation name")
        with self._write(lock=True) as db:
            if db.execute("SELECT 1 FROM organisation WHERE name = ?", [name]).fetchone():
                raise NotAllowed(f"an organisation called {name!r} already exists")
            cur = db.execute(
                """INSERT INTO organisation (name, is_demo, created_at, results_token, roles,
                   results_token_created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                [name, int(is_demo), now_iso(), new_token(), _roles_json(DEFAULT_ROLES), now_iso()],
            )
            return int(cur.fetchone()[0])

    def organisation(self, organisation_id: int) -> dict[str, Any] | None:
        """id, name, is_demo, results_token of one organisation."""
        rows = self._query(
            """SELECT id, name, is_demo, results_token, roles, partners, created_at,
               benchmark_opt_out FROM organisation WHERE id = ?""",
            [organisation_id],
        )
        if not rows:
            return None
        row = rows[0]
        row["roles"] = tuple(Role(**x) for x in json.loads(row["roles"] or "[]"))
        row["partners"] = tuple(json.loads(row["partners"] or "[]"))
        row["benchmark_opt_out"] = bool(row["benchmark_opt_out"])
        return row

    def set_benchmark_opt_out(self, organisation_id: int, opt_out: bool) -> None:
        """Keep this organisation's chains out of the peer benchmark (it then sees none)."""
        with self._write() as db:
            db.execute(
                "UPDATE organisation SET benchmark_opt_out = ? WHERE id = ?",
                [int(bool(opt_out)), organisation_id],
            )

    def set_organisation_roles(self, organisation_id: int, roles: Sequence[Role]) -> None:
        """Replace the roles new workshops of this organisation offer (ids must be unique)."""
        roles = [
            Role(r.id, clean_text(r.nl, NAME_MAX_CHARS)[0], clean_text(r.en, NAME_MAX_CHARS)[0])
            for r in roles
        ]
        if any(not _ROLE_ID.fullmatch(r.id) for r in roles):
            raise NotAllowed("a role code may only hold lowercase letters, digits and dashes")
        ids = [r.id for r in roles]
        if not roles:
            raise NotAllowed("at least one role is needed")
        if len(set(ids)) != len(ids):
            raise NotAllowed("two roles have the same id")
        if any(not r.nl.strip() or not r.en.strip() for r in roles):
            raise NotAllowed("a role needs a name")
        with self._write() as db:
            db.execute(
                "UPDATE organisation SET roles = ? WHERE id = ?",
                [_roles_json(roles), organisation_id],
            )

    def set_organisation_partners(self, organisation_id: int, partners: Sequence[str]) -> None:
        """Replace the partner organisations participants can choose from."""
        cleaned = []
        for p in partners:
            name, _ = clean_text(p, NAME_MAX_CHARS)
            if name and name.casefold() not in {c.casefold() for c in cleaned}:
                cleaned.append(name)
        with self._write() as db:
            db.execute(
                "UPDATE organisation SET partners = ? WHERE id = ?",
                [json.dumps(cleaned, ensure_ascii=False), organisation_id],
            )

    def organisation_by_results_token(self, token: str | None) -> dict[str, Any] | None:
        """The organisation whose read-only results link carries this token, or None."""
        if not token or not isinstance(token, str) or len(token) > 64:
            return None
        rows = self._query(
            "SELECT id, name, is_demo, results_token FROM organisation WHERE results_token = ?",
            [token],
        )
        return rows[0] if rows else None

    def organisation_id(self, name: str) -> int | None:
        rows = self._query("SELECT id FROM organisation WHERE name = ?", [name])
        return rows[0]["id"] if rows else None

    def delete_organisation(self, organisation_id: int) -> None:
        """Remove an organisation with all its workshops, participants and answers."""
        with self._write(lock=True) as db:
            pids = (
                "SELECT p.id FROM participant p JOIN workshop w ON w.id = p.workshop_id "
                "WHERE w.organisation_id = ?"
            )
            db.execute(f"DELETE FROM answer WHERE participant_id IN ({pids})", [organisation_id])
            db.execute(
                f"DELETE FROM phase_comment WHERE participant_id IN ({pids})", [organisation_id]
            )
            db.execute(
                "DELETE FROM participant WHERE workshop_id IN "
                "(SELECT id FROM workshop WHERE organisation_id = ?)",
                [organisation_id],
            )
            db.execute(
                "DELETE FROM workshop_chain WHERE workshop_id IN "
                "(SELECT id FROM workshop WHERE organisation_id = ?)",
                [organisation_id],
            )
            db.execute(
                "DELETE FROM action WHERE workshop_id IN "
                "(SELECT id FROM workshop WHERE organisation_id = ?)",
                [organisation_id],
            )
            db.execute("DELETE FROM workshop WHERE organisation_id = ?", [organisation_id])
            db.execute("DELETE FROM chain WHERE organisation_id = ?", [organisation_id])
            db.execute("DELETE FROM organisation WHERE id = ?", [organisation_id])

    def add_chain(self, organisation_id: int, name: str) -> int:
        """Add a chain (keten) to an organisation; return its id."""
        name, _ = clean_text(name, NAME_MAX_CHARS)
        if not name:
            raise NotAllowed("empty chain name")
        with self._write(lock=True) as db:
            self._check_chain_name(db, organisation_id, name)
            cur = db.execute(
                "INSERT INTO chain (organisation_id, name) VALUES (?, ?) RETURNING id",
                [organisation_id, name],
            )
            return int(cur.fetchone()[0])

    @staticmethod
    def _check_chain_name(
        db: Conn, organisation_id: int, name: str, except_id: int | None = None
    ) -> None:
        for other_id, other in db.execute(
            "SELECT id, name FROM chain WHERE organisation_id = ?", [organisation_id]
        ).fetchall():
            if other.casefold() == name.casefold() and other_id != except_id:
                raise NotAllowed(f"a chain called {other!r} already exists")

    @staticmethod
    def _check_own_chains(db: Conn, organisation_id: int, chain_ids: Sequence[int]) -> None:
        """Refuse chain ids that are not chains of this organisation."""
        ids = list(dict.fromkeys(chain_ids))
        if not ids:
            return
        marks = ", ".join("?" for _ in ids)
        found = db.execute(
            f"SELECT count(*) FROM chain WHERE organisation_id = ? AND id IN ({marks})",
            [organisation_id, *ids],
        ).fetchone()[0]
        if found != len(ids):
            raise NotAllowed("a chain of another organisation cannot be used")

    def rename_chain(self, chain_id: int, name: str, *, organisation_id: int) -> None:
        """Give a chain of this organisation a new name (its answers stay with it).

        Refuses (changes nothing) when the chain is not the organisation's.
        """
        name, _ = clean_text(name, NAME_MAX_CHARS)
        if not name:
            raise NotAllowed("empty chain name")
        with self._write(lock=True) as db:
            self._check_own_chains(db, organisation_id, [chain_id])
            self._check_chain_name(db, organisation_id, name, except_id=chain_id)
            db.execute("UPDATE chain SET name = ? WHERE id = ?", [name, chain_id])

    def remove_chain(self, chain_id: int, *, organisation_id: int) -> str:
        """Remove a chain of this organisation: deleted when nobody answered for it,
        otherwise archived.

        Returns "deleted" or "archived". Answers are never lost. Refuses (changes nothing)
        when the chain is not the organisation's.
        """
        with self._write(lock=True) as db:
            self._check_own_chains(db, organisation_id, [chain_id])
            used = db.execute(
                "SELECT count(*) FROM participant WHERE chain_id = ?", [chain_id]
            ).fetchone()[0]
            in_workshop = db.execute(
                "SELECT count(*) FROM workshop_chain WHERE chain_id = ?", [chain_id]
            ).fetchone()[0]
            if used or in_workshop:
                db.execute("UPDATE chain SET archived = 1 WHERE id = ?", [chain_id])
                return "archived"
            db.execute("DELETE FROM chain WHERE id = ?", [chain_id])
            return "deleted"

    # -- workshops -----------------------------------------------------------------------------

    def create_workshop(
        self,
        organisation_id: int,
        *,
        title: str,
        workshop_date: str | date,
        chain_ids: Sequence[int],
        questionnaire: Questionnaire,
        roles: Sequence[Role] = DEFAULT_ROLES,
        partners: Sequence[str] = (),
        min_group_size: int = 3,
        code: str | None = None,
        status: str = WORKSHOP_OPEN,
    ) -> Workshop:
        """Create a workshop (round) with a join code; a random code when none is given."""
        title, _ = clean_text(title, NAME_MAX_CHARS)
        if not title:
            raise NotAllowed("empty title")
        if not chain_ids:
            raise NotAllowed("a workshop needs at least one chain")
        if min_group_size < 1:
            raise NotAllowed("the minimum group size must be 1 or more")
        day = date.fromisoformat(str(workshop_date)).isoformat()
        roles_json = _roles_json(roles)
        partners_json = json.dumps(list(partners), ensure_ascii=False)
        stamp = now_iso()
        with self._write(lock=True) as db:
            self._check_own_chains(db, organisation_id, chain_ids)
            if code is not None:
                code = normalize_code(code)
                if not code:
                    raise NotAllowed("empty join code")
                if db.execute("SELECT 1 FROM workshop WHERE code = ?", [code]).fetchone():
                    raise NotAllowed(f"the join code {code} is already in use")
            else:
                code = new_code(JOIN_CODE_LENGTH)
                while db.execute("SELECT 1 FROM workshop WHERE code = ?", [code]).fetchone():
                    code = new_code(JOIN_CODE_LENGTH)
            cur = db.execute(
                """INSERT INTO workshop (organisation_id, code, title, date, questionnaire_id,
                   questionnaire_version, roles, partners, min_group_size, status, created_at,
                   facilitator_token, facilitator_token_created_at, closed_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [
                    organisation_id,
                    code,
                    title,
                    day,
                    questionnaire.id,
                    questionnaire.version,
                    roles_json,
                    partners_json,
                    min_group_size,
                    status,
                    stamp,
                    new_token(),
                    stamp,
                    stamp if status == WORKSHOP_CLOSED else None,
                ],
            )
            workshop_id = int(cur.fetchone()[0])
            for position, chain_id in enumerate(chain_ids):
                db.execute(
                    "INSERT INTO workshop_chain (workshop_id, chain_id, position) VALUES (?, ?, ?)",
                    [workshop_id, chain_id, position],
                )
        workshop = self.workshop(workshop_id)
        assert workshop is not None
        return workshop

    def _workshops_where(self, where: str, params: Sequence[Any]) -> list[Workshop]:
        rows = self._query(f"SELECT * FROM workshop WHERE {where} ORDER BY date, id", params)
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ", ".join("?" for _ in ids)
        chain_rows = self._query(
            f"""SELECT wc.workshop_id, c.id, c.organisation_id, c.name FROM workshop_chain wc
                JOIN chain c ON c.id = wc.chain_id WHERE wc.workshop_id IN ({marks})
                ORDER BY wc.position, c.id""",
            ids,
        )
        chains: dict[int, list[Chain]] = {}
        for r in chain_rows:
            chains.setdefault(r["workshop_id"], []).append(
                Chain(r["id"], r["organisation_id"], r["name"])
            )
        return [
            Workshop(
                id=r["id"],
                organisation_id=r["organisation_id"],
                code=r["code"],
                title=r["title"],
                date=r["date"],
                questionnaire_id=r["questionnaire_id"],
                questionnaire_version=r["questionnaire_version"],
                chains=tuple(chains.get(r["id"], [])),
                roles=tuple(Role(**x) for x in json.loads(r["roles"])),
                partners=tuple(json.loads(r["partners"])),
                min_group_size=r["min_group_size"],
                status=r["status"],
                facilitator_token=r["facilitator_token"] or "",
                revealed=bool(r["revealed"]),
                closed_at=r["closed_at"],
            )
            for r in rows
        ]

    def workshop(self, workshop_id: int) -> Workshop | None:
        found = self._workshops_where("id = ?", [workshop_id])
        return found[0] if found else None

    def workshop_by_code(self, code: str | None) -> Workshop | None:
        """The workshop with this join code (typed codes are normalised), or None."""
        code = normalize_code(code)
        if not code:
            return None
        found = self._workshops_where("code = ?", [code])
        return found[0] if found else None

    def workshop_by_facilitator_token(self, token: str | None) -> Workshop | None:
        """The workshop whose facilitator link carries this token, or None."""
        if not token or not isinstance(token, str) or len(token) > 64:
            return None
        found = self._workshops_where("facilitator_token = ?", [token])
        return found[0] if found else None

    # -- links: expiry, revoking, rotating -------------------------------------------------------

    _LINK_SQL = {
        LINK_FACILITATOR: """SELECT 'facilitator' AS kind, o.id AS organisation_id,
            o.name AS organisation, w.id AS workshop_id, w.code AS workshop_code,
            w.facilitator_token AS token, w.facilitator_token_created_at AS created_at,
            w.facilitator_token_revoked_at AS revoked_at, w.closed_at,
            w.status = 'open' AS still_open
            FROM workshop w JOIN organisation o ON o.id = w.organisation_id""",
        LINK_RESULTS: """SELECT 'results' AS kind, o.id AS organisation_id,
            o.name AS organisation, NULL AS workshop_id, NULL AS workshop_code,
            o.results_token AS token, o.results_token_created_at AS created_at,
            o.results_token_revoked_at AS revoked_at,
            (SELECT max(w.closed_at) FROM workshop w WHERE w.organisation_id = o.id)
                AS closed_at,
            EXISTS (SELECT 1 FROM workshop w WHERE w.organisation_id = o.id
                AND w.status = 'open') AS still_open
            FROM organisation o""",
    }
    _LINK_TOKEN_COLUMN = {
        LINK_FACILITATOR: ("workshop", "facilitator_token"),
        LINK_RESULTS: ("organisation", "results_token"),
    }

    @staticmethod
    def _link(row: dict[str, Any]) -> Link:
        return Link(**{**row, "still_open": bool(row["still_open"])})

    def link_by_token(self, kind: str, token: str | None) -> Link | None:
        """The link of this kind carrying this token, also when revoked or expired; or None."""
        if kind not in LINK_KINDS or not token or not isinstance(token, str) or len(token) > 64:
            return None
        alias = "w" if kind == LINK_FACILITATOR else "o"
        column = self._LINK_TOKEN_COLUMN[kind][1]
        rows = self._query(f"{self._LINK_SQL[kind]} WHERE {alias}.{column} = ?", [token])
        return self._link(rows[0]) if rows else None

    def check_link(self, kind: str, token: str | None, days: int) -> tuple[str, Link | None]:
        """(status, link): LINK_OK, LINK_REVOKED, LINK_EXPIRED, or LINK_UNKNOWN with None."""
        link = self.link_by_token(kind, token)
        return (LINK_UNKNOWN, None) if link is None else (link.status(days), link)

    def links(self, organisation_id: int | None = None) -> list[Link]:
        """Every results link and facilitator link (of one organisation when given)."""
        found = []
        for kind in (LINK_RESULTS, LINK_FACILITATOR):
            where, params = "", []
            if organisation_id is not None:
                where, params = " WHERE o.id = ?", [organisation_id]
            order = "o.name" if kind == LINK_RESULTS else "o.name, w.date, w.id"
            rows = self._query(f"{self._LINK_SQL[kind]}{where} ORDER BY {order}", params)
            found += [self._link(r) for r in rows]
        return found

    def revoke_link(self, kind: str, owner_id: int) -> None:
        """Stop a link (of a workshop, or an organisation's results link) for good.

        The token is kept, marked revoked, so that whoever still uses it is told so.
        """
        table, column = self._LINK_TOKEN_COLUMN[kind]
        with self._write() as db:
            cur = db.execute(
                f"UPDATE {table} SET {column}_revoked_at = ? WHERE id = ?", [now_iso(), owner_id]
            )
            if cur.rowcount == 0:
                raise NotAllowed(f"unknown {table}")

    def rotate_link(self, kind: str, owner_id: int) -> str:
        """Give a workshop (or an organisation's results) a new link; the old one stops.

        Returns the new token. A revoked link becomes usable again this way.
        """
        table, column = self._LINK_TOKEN_COLUMN[kind]
        token = new_token()
        with self._write() as db:
            cur = db.execute(
                f"""UPDATE {table} SET {column} = ?, {column}_created_at = ?,
                    {column}_revoked_at = NULL WHERE id = ?""",
                [token, now_iso(), owner_id],
            )
            if cur.rowcount == 0:
                raise NotAllowed(f"unknown {table}")
        return token

    def update_workshop(
        self,
        workshop_id: int,
        *,
        title: str,
        workshop_date: str | date,
        min_group_size: int,
        chain_ids: Sequence[int],
    ) -> None:
        """Change a workshop's settings. A chain with participants cannot be taken out."""
        title, _ = clean_text(title, NAME_MAX_CHARS)
        if not title:
            raise NotAllowed("empty title")
        if min_group_size < 1:
            raise NotAllowed("the minimum group size must be 1 or more")
        if not chain_ids:
            raise NotAllowed("a workshop needs at least one chain")
        day = date.fromisoformat(str(workshop_date)).isoformat()
        with self._write(lock=True) as db:
            row = db.execute(
                "SELECT organisation_id FROM workshop WHERE id = ?", [workshop_id]
            ).fetchone()
            if row is None:
                raise NotAllowed("unknown workshop")
            self._check_own_chains(db, row[0], chain_ids)
            in_use = {
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT chain_id FROM participant WHERE workshop_id = ?",
                    [workshop_id],
                ).fetchall()
            }
            if in_use - set(chain_ids):
                raise NotAllowed("a chain that has participants cannot be taken out")
            db.execute(
                "UPDATE workshop SET title = ?, date = ?, min_group_size = ? WHERE id = ?",
                [title, day, min_group_size, workshop_id],
            )
            db.execute("DELETE FROM workshop_chain WHERE workshop_id = ?", [workshop_id])
            for position, chain_id in enumerate(chain_ids):
                db.execute(
                    "INSERT INTO workshop_chain (workshop_id, chain_id, position) VALUES (?, ?, ?)",
                    [workshop_id, chain_id, position],
                )

    def set_revealed(self, workshop_id: int, revealed: bool) -> None:
        """Show or hide the group results on the projector screen."""
        with self._write() as db:
            db.execute(
                "UPDATE workshop SET revealed = ? WHERE id = ?", [int(revealed), workshop_id]
            )

    def workshops(self, organisation_id: int | None = None) -> list[Workshop]:
        if organisation_id is None:
            return self._workshops_where("1 = 1", [])
        return self._workshops_where("organisation_id = ?", [organisation_id])

    def set_workshop_status(self, workshop_id: int, status: str) -> None:
        """Open or close a round; closing stamps closed_at (links expire from then on)."""
        if status not in (WORKSHOP_OPEN, WORKSHOP_CLOSED):
            raise NotAllowed(f"unknown status {status!r}")
        closed_at = now_iso() if status == WORKSHOP_CLOSED else None
        with self._write() as db:
            cur = db.execute(
                "UPDATE workshop SET status = ?, closed_at = ? WHERE id = ?",
                [status, closed_at, workshop_id],
            )
            if cur.rowcount == 0:
                raise NotAllowed("unknown workshop")

    # -- participants --------------------------------------------------------------------------

    def create_participant(
        self, workshop: Workshop, *, chain_id: int, role: str, partner: str = ""
    ) -> Participant:
        """Register a participant in an open workshop; their token and resume code are new."""
        with self._write() as db:
            row = db.execute("SELECT status FROM workshop WHERE id = ?", [workshop.id]).fetchone()
            if row is None:
                raise NotAllowed("unknown workshop")
            if row[0] != WORKSHOP_OPEN:
                raise NotAllowed("the workshop is closed")
            if workshop.chain(chain_id) is None:
                raise NotAllowed("this chain does not take part in the workshop")
            if workshop.role(role) is None:
                raise NotAllowed("unknown role")
            if partner and partner not in workshop.partners:
                raise NotAllowed("unknown partner organisation")
            for _ in range(20):
                pid = "p" + secrets.token_hex(6)
                token = secrets.token_urlsafe(16)
                resume = new_code(RESUME_CODE_LENGTH)
                clash = db.execute(
                    "SELECT 1 FROM participant WHERE pid = ? OR token = ? OR resume_code = ?",
                    [pid, token, resume],
                ).fetchone()
                if not clash:
                    break
            cur = db.execute(
                """INSERT INTO participant (pid, token, resume_code, workshop_id, chain_id, role,
                   partner, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [pid, token, resume, workshop.id, chain_id, role, partner, now_iso()],
            )
            participant_id = int(cur.fetchone()[0])
        found = self._participant_where("id = ?", [participant_id])
        assert found is not None
        return found

    def _participant_where(self, where: str, params: Sequence[Any]) -> Participant | None:
        rows = self._query(
            f"""SELECT id, pid, token, resume_code, workshop_id, chain_id, role, partner,
                current_step, finished_at FROM participant WHERE {where}""",
            params,
        )
        return Participant(**rows[0]) if rows else None

    def participant_by_token(self, token: str | None) -> Participant | None:
        """The participant with this private token, or None (also for malformed tokens)."""
        if not token or not isinstance(token, str) or len(token) > 64:
            return None
        return self._participant_where("token = ?", [token])

    def participant_by_resume_code(self, code: str | None) -> Participant | None:
        """The participant with this resume code (typed codes are normalised), or None."""
        code = normalize_code(code)
        if len(code) != RESUME_CODE_LENGTH:
            return None
        return self._participant_where("resume_code = ?", [code])

    def set_step(self, participant_id: int, step: int) -> None:
        """Remember which screen the participant is on, so a resume lands there."""
        with self._write() as db:
            db.execute(
                "UPDATE participant SET current_step = ? WHERE id = ?", [step, participant_id]
            )

    def finish(self, participant_id: int) -> None:
        """Mark the participant as finished (the first time only)."""
        with self._write() as db:
            stamp = now_iso()
            db.execute(
                """UPDATE participant SET finished_at = ?, changed_at = ?
                   WHERE id = ? AND finished_at IS NULL""",
                [stamp, stamp, participant_id],
            )

    # -- answers and comments ------------------------------------------------------------------

    def _check_open(self, db: Conn, participant_id: int) -> None:
        """Refuse writes to a closed workshop; mark a change by a finished participant.

        Results are cached by their data version (`results_version`): finished count and the
        last change of a finished participant, so an edit after finishing shows at once, in
        every app process.
        """
        row = db.execute(
            """SELECT w.status, p.finished_at FROM participant p
               JOIN workshop w ON w.id = p.workshop_id WHERE p.id = ?""",
            [participant_id],
        ).fetchone()
        if row is None:
            raise NotAllowed("unknown participant")
        if row[0] != WORKSHOP_OPEN:
            raise NotAllowed("the workshop is closed")
        if row[1] is not None:
            db.execute(
                "UPDATE participant SET changed_at = ? WHERE id = ?", [now_iso(), participant_id]
            )

    def save_answer(self, participant_id: int, statement_id: str, value: str) -> None:
        """Store (or replace) one answer at once. `value` is "1".."5", "dk" or "na"."""
        if value not in ANSWER_CODES:
            raise NotAllowed(f"unknown answer value {value!r}")
        with self._write() as db:
            self._check_open(db, participant_id)
            db.execute(
                """INSERT INTO answer (participant_id, statement_id, value, answered_at)
                   VALUES (?, ?, ?, ?)
                   ON CONFLICT (participant_id, statement_id)
                   DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at""",
                [participant_id, statement_id, value, now_iso()],
            )

    def answers(self, participant_id: int) -> dict[str, str]:
        """Map statement id -> answer code for one participant."""
        rows = self._query(
            "SELECT statement_id, value FROM answer WHERE participant_id = ?", [participant_id]
        )
        return {r["statement_id"]: r["value"] for r in rows}

    def save_comment(self, participant_id: int, phase_id: str, text: str) -> bool:
        """Store the participant's comment on a phase; return True when it was cut to size."""
        text, cut = clean_text(text, COMMENT_MAX_CHARS)
        with self._write() as db:
            self._check_open(db, participant_id)
            if text:
                db.execute(
                    """INSERT INTO phase_comment (participant_id, phase_id, text, updated_at)
                       VALUES (?, ?, ?, ?) ON CONFLICT (participant_id, phase_id)
                       DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at""",
                    [participant_id, phase_id, text, now_iso()],
                )
            else:
                db.execute(
                    "DELETE FROM phase_comment WHERE participant_id = ? AND phase_id = ?",
                    [participant_id, phase_id],
                )
        return cut

    def comments(self, participant_id: int) -> dict[str, str]:
        rows = self._query(
            "SELECT phase_id, text FROM phase_comment WHERE participant_id = ?", [participant_id]
        )
        return {r["phase_id"]: r["text"] for r in rows}

    # -- reading results -----------------------------------------------------------------------

    def group_answers(
        self, workshop_id: int, chain_id: int, first: int | None = None
    ) -> pd.DataFrame:
        """Answers of the finished participants of one workshop and chain.

        `first`: only of the first so many to finish (the projector's batches).
        Columns: participant (pseudonym), role, partner, statement_id, value.
        """
        where, params = "", [workshop_id, chain_id]
        if first is not None:
            where = """AND p.id IN (SELECT id FROM participant WHERE workshop_id = ?
                       AND chain_id = ? AND finished_at IS NOT NULL
                       ORDER BY finished_at, id LIMIT ?)"""
            params += [workshop_id, chain_id, int(first)]
        return self._frame(
            f"""SELECT p.pid AS participant, p.role, p.partner, a.statement_id, a.value
               FROM answer a JOIN participant p ON p.id = a.participant_id
               WHERE p.workshop_id = ? AND p.chain_id = ? AND p.finished_at IS NOT NULL
               {where}""",
            params,
            ["participant", "role", "partner", "statement_id", "value"],
        )

    def results_version(
        self, workshop_ids: Sequence[int], chain_id: int | None = None
    ) -> tuple[int, str]:
        """The data version of these workshops' results (optionally of one chain).

        (number of finished participants, last change by one of them): results only use
        finished participants, so a cache keyed by this is never stale, whichever app
        process wrote the change.
        """
        if not workshop_ids:
            return 0, ""
        marks = ", ".join("?" for _ in workshop_ids)
        where, params = f"workshop_id IN ({marks})", list(workshop_ids)
        if chain_id is not None:
            where += " AND chain_id = ?"
            params.append(chain_id)
        rows = self._query(
            f"""SELECT count(*) AS n, max(changed_at) AS last FROM participant
                WHERE {where} AND finished_at IS NOT NULL""",
            params,
        )
        return int(rows[0]["n"]), rows[0]["last"] or ""

    def finished_count(self, workshop_id: int, chain_id: int) -> int:
        rows = self._query(
            """SELECT count(*) AS n FROM participant WHERE workshop_id = ? AND chain_id = ?
               AND finished_at IS NOT NULL""",
            [workshop_id, chain_id],
        )
        return int(rows[0]["n"])

    def _frame(self, sql: str, params: Sequence[Any], columns: list[str]) -> pd.DataFrame:
        import pandas as pd

        with self._db() as db:
            cur = db.execute(sql, params)
            return pd.DataFrame(cur.fetchall(), columns=columns)

    RESULT_ANSWER_COLUMNS = (
        "workshop_id",
        "chain_id",
        "participant",
        "role",
        "partner",
        "statement_id",
        "value",
        "finish_order",
    )

    def result_answers(self, workshop_ids: Sequence[int]) -> pd.DataFrame:
        """Answers of finished participants in these workshops (RESULT_ANSWER_COLUMNS).

        One query; the frame is what scoring and the results pages aggregate. `finish_order`
        numbers the finished participants of each workshop and chain (1 = first to finish),
        for the disclosure rule's "first k finishers".
        """
        if not workshop_ids:
            return self._frame("SELECT 1 WHERE 1 = 0", [], list(self.RESULT_ANSWER_COLUMNS))
        marks = ", ".join("?" for _ in workshop_ids)
        return self._frame(
            f"""WITH p AS (SELECT id, workshop_id, chain_id, pid, role, partner,
                  ROW_NUMBER() OVER (PARTITION BY workshop_id, chain_id
                                     ORDER BY finished_at, id) AS finish_order
                  FROM participant
                  WHERE workshop_id IN ({marks}) AND finished_at IS NOT NULL)
                SELECT p.workshop_id, p.chain_id, p.pid, p.role, p.partner, a.statement_id,
                a.value, p.finish_order FROM answer a JOIN p ON p.id = a.participant_id""",
            list(workshop_ids),
            list(self.RESULT_ANSWER_COLUMNS),
        )

    def result_comments(
        self, workshop_id: int, chain_id: int, first: int | None = None
    ) -> pd.DataFrame:
        """Comments of finished participants of one workshop and chain: phase_id, text.

        `first`: only of the first so many to finish (the people a group figure covers).
        Ordered by phase and text (not by time or person), so nobody is singled out.
        """
        where, params = "", [workshop_id, chain_id]
        if first is not None:
            where = """AND p.id IN (SELECT id FROM participant WHERE workshop_id = ?
                       AND chain_id = ? AND finished_at IS NOT NULL
                       ORDER BY finished_at, id LIMIT ?)"""
            params += [workshop_id, chain_id, int(first)]
        return self._frame(
            f"""SELECT c.phase_id, c.text FROM phase_comment c
               JOIN participant p ON p.id = c.participant_id
               WHERE p.workshop_id = ? AND p.chain_id = ? AND p.finished_at IS NOT NULL
               {where}
               ORDER BY c.phase_id, c.text""",
            params,
            ["phase_id", "text"],
        )

    BENCHMARK_ANSWER_COLUMNS = ("organisation_id", "min_group_size", *RESULT_ANSWER_COLUMNS)

    def benchmark_answers(self, questionnaire_id: str, version: int) -> pd.DataFrame:
        """Answers for the peer benchmark (BENCHMARK_ANSWER_COLUMNS): per chain of every
        organisation that takes part, only its latest closed round on this questionnaire
        version. No names: organisations and chains are ids."""
        return self._frame(
            """WITH r AS (SELECT w.id AS workshop_id, w.organisation_id, w.min_group_size,
                  wc.chain_id, ROW_NUMBER() OVER (PARTITION BY wc.chain_id
                                                  ORDER BY w.date DESC, w.id DESC) AS latest
                  FROM workshop w JOIN workshop_chain wc ON wc.workshop_id = w.id
                  JOIN organisation o ON o.id = w.organisation_id
                  WHERE w.status = 'closed' AND o.benchmark_opt_out = 0
                  AND o.id NOT IN (SELECT organisation_id FROM sandbox)
                  AND w.questionnaire_id = ? AND w.questionnaire_version = ?
                  AND EXISTS (SELECT 1 FROM participant x WHERE x.workshop_id = w.id
                              AND x.chain_id = wc.chain_id AND x.finished_at IS NOT NULL)),
                p AS (SELECT p.id, p.workshop_id, p.chain_id, p.pid, p.role, p.partner,
                  ROW_NUMBER() OVER (PARTITION BY p.workshop_id, p.chain_id
                                     ORDER BY p.finished_at, p.id) AS finish_order
                  FROM participant p JOIN r ON r.workshop_id = p.workshop_id
                  AND r.chain_id = p.chain_id AND r.latest = 1
                  WHERE p.finished_at IS NOT NULL)
                SELECT r.organisation_id, r.min_group_size, p.workshop_id, p.chain_id, p.pid,
                p.role, p.partner, a.statement_id, a.value, p.finish_order
                FROM answer a JOIN p ON p.id = a.participant_id
                JOIN r ON r.workshop_id = p.workshop_id AND r.chain_id = p.chain_id""",
            [questionnaire_id, int(version)],
            list(self.BENCHMARK_ANSWER_COLUMNS),
        )

    def benchmark_version(self, questionnaire_id: str, version: int) -> tuple[Any, ...]:
        """What the benchmark depends on: closed rounds on this version, their last change,
        and the opt-outs (a cache keyed by it is never stale)."""
        rows = self._query(
            """SELECT count(p.id) AS n, max(p.changed_at) AS last,
               (SELECT coalesce(sum(benchmark_opt_out * id), 0) FROM organisation) AS out1,
               (SELECT coalesce(sum(benchmark_opt_out * id * id), 0) FROM organisation) AS out2
               FROM participant p JOIN workshop w ON w.id = p.workshop_id
               WHERE w.status = 'closed' AND w.questionnaire_id = ?
               AND w.questionnaire_version = ? AND p.finished_at IS NOT NULL""",
            [questionnaire_id, int(version)],
        )
        row = rows[0]
        return int(row["n"]), row["last"] or "", int(row["out1"]), int(row["out2"])

    def answer_seconds(self, workshop_id: int) -> pd.Series:
        """Seconds from joining to finishing per finished participant (index: pseudonym)."""
        import pandas as pd

        frame = self._frame(
            """SELECT pid, created_at, finished_at FROM participant
               WHERE workshop_id = ? AND finished_at IS NOT NULL""",
            [workshop_id],
            ["participant", "created_at", "finished_at"],
        )
        start = pd.to_datetime(frame["created_at"], utc=True, errors="coerce", format="ISO8601")
        end = pd.to_datetime(frame["finished_at"], utc=True, errors="coerce", format="ISO8601")
        return pd.Series(
            (end - start).dt.total_seconds().to_numpy(), index=frame["participant"], dtype=float
        )

    def participation(self, workshop_id: int) -> pd.DataFrame:
        """Per chain of a workshop: joined and finished counts (chain_id, joined, finished)."""
        return self._frame(
            """SELECT wc.chain_id, count(p.id) AS joined, count(p.finished_at) AS finished
               FROM workshop_chain wc LEFT JOIN participant p
               ON p.workshop_id = wc.workshop_id AND p.chain_id = wc.chain_id
               WHERE wc.workshop_id = ? GROUP BY wc.chain_id, wc.position
               ORDER BY wc.position""",
            [workshop_id],
            ["chain_id", "joined", "finished"],
        )

    def organisations(self) -> list[dict[str, Any]]:
        """Every organisation: id, name, is_demo."""
        return self._query("SELECT id, name, is_demo FROM organisation ORDER BY name")

    def chains(self, organisation_id: int) -> list[Chain]:
        """The organisation's chains that are not archived, by name."""
        rows = self._query(
            "SELECT id, organisation_id, name FROM chain WHERE organisation_id = ? "
            "AND archived = 0 ORDER BY name",
            [organisation_id],
        )
        return [Chain(r["id"], r["organisation_id"], r["name"]) for r in rows]

    def load_finished_participants(
        self,
        workshop: Workshop,
        participants: Sequence[dict[str, Any]],
    ) -> int:
        """Write many finished participants with their answers in one transaction.

        Each item: chain_id, role, partner, answers {statement_id: value}, comments
        {phase_id: text} (optional), finished_at (ISO text). For demo history, imports and
        benchmarks; the rules of the live flow (open workshop) do not apply. Returns the
        number of answers written. Nothing is written when any item is invalid.
        """
        chain_ids = {c.id for c in workshop.chains}
        role_ids = {r.id for r in workshop.roles}
        rows: list[tuple] = []
        with self._write() as db:
            for item in participants:
                if item["chain_id"] not in chain_ids or item["role"] not in role_ids:
                    raise NotAllowed("chain or role not offered by the workshop")
                finished = item["finished_at"]
                cur = db.execute(
                    """INSERT INTO participant (pid, token, resume_code, workshop_id, chain_id,
                       role, partner, current_step, created_at, finished_at, changed_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, 8, ?, ?, ?) RETURNING id""",
                    [
                        "p" + secrets.token_hex(6),
                        secrets.token_urlsafe(16),
                        new_code(RESUME_CODE_LENGTH),
                        workshop.id,
                        item["chain_id"],
                        item["role"],
                        item.get("partner", ""),
                        finished,
                        finished,
                        finished,
                    ],
                )
                pid = cur.fetchone()[0]
                for sid, value in item["answers"].items():
                    if value not in ANSWER_CODES:
                        raise NotAllowed(f"unknown answer value {value!r}")
                    rows.append((pid, sid, value, finished))
                for phase_id, text in (item.get("comments") or {}).items():
                    text, _ = clean_text(text, COMMENT_MAX_CHARS)
                    if text:
                        db.execute(
                            "INSERT INTO phase_comment VALUES (?, ?, ?, ?)",
                            [pid, phase_id, text, finished],
                        )
            db.executemany("INSERT INTO answer VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    EXPORT_ANSWER_COLUMNS = (
        "workshop_code",
        "workshop_date",
        "chain",
        "role",
        "partner",
        "participant",
        "phase_id",
        "statement_id",
        "value",
        "answered_at",
    )

    def export_answers(
        self, questionnaire_phase_of: dict[str, str], workshop_code: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every answer as one flat row (see EXPORT_ANSWER_COLUMNS); never tokens."""
        where, params = "1 = 1", []
        if workshop_code is not None:
            where, params = "w.code = ?", [normalize_code(workshop_code)]
        rows = self._query(
            f"""SELECT w.code AS workshop_code, w.date AS workshop_date, c.name AS chain,
                p.role, p.partner, p.pid AS participant, a.statement_id, a.value, a.answered_at
                FROM answer a JOIN participant p ON p.id = a.participant_id
                JOIN workshop w ON w.id = p.workshop_id JOIN chain c ON c.id = p.chain_id
                WHERE {where} ORDER BY w.date, w.code, c.name, p.pid, a.statement_id""",
            params,
        )
        for r in rows:
            r["phase_id"] = questionnaire_phase_of.get(r["statement_id"], "")
            yield {k: r[k] for k in self.EXPORT_ANSWER_COLUMNS}

    # -- actions -------------------------------------------------------------------------------

    def _clean_action(
        self,
        phase_id: str,
        description: str,
        owner: str,
        due_date: str | date | None,
        status: str,
    ) -> tuple[str, str, str | None]:
        from ipm_model.phases import PHASE_IDS

        if phase_id not in PHASE_IDS:
            raise NotAllowed("unknown phase")
        if status not in ACTION_STATUSES:
            raise NotAllowed(f"unknown status {status!r}")
        text, _ = clean_text(description, ACTION_TEXT_MAX_CHARS)
        if not text:
            raise NotAllowed("an action needs a description")
        who, _ = clean_text(owner, NAME_MAX_CHARS)
        due = date.fromisoformat(str(due_date)).isoformat() if due_date else None
        return text, who, due

    def create_action(
        self,
        *,
        chain_id: int,
        workshop_id: int,
        phase_id: str,
        description: str,
        owner: str = "",
        due_date: str | date | None = None,
        status: str = "open",
    ) -> int:
        """Record an action for a chain in a round; return its id."""
        text, who, due = self._clean_action(phase_id, description, owner, due_date, status)
        with self._write() as db:
            ok = db.execute(
                "SELECT 1 FROM workshop_chain WHERE workshop_id = ? AND chain_id = ?",
                [workshop_id, chain_id],
            ).fetchone()
            if not ok:
                raise NotAllowed("this chain does not take part in that workshop")
            stamp = now_iso()
            cur = db.execute(
                """INSERT INTO action (chain_id, workshop_id, phase_id, description, owner,
                   due_date, status, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [chain_id, workshop_id, phase_id, text, who, due, status, stamp, stamp],
            )
            return int(cur.fetchone()[0])

    def update_action(
        self,
        action_id: int,
        *,
        chain_id: int,
        workshop_id: int,
        phase_id: str,
        description: str,
        owner: str,
        due_date: str | date | None,
        status: str,
    ) -> None:
        """Change an action of one chain in one round (description, owner, due date, status).

        The scope is part of the update: an action of another chain or round (another
        organisation's) is refused with NotAllowed and nothing changes.
        """
        text, who, due = self._clean_action(phase_id, description, owner, due_date, status)
        with self._write() as db:
            cur = db.execute(
                """UPDATE action SET phase_id = ?, description = ?, owner = ?, due_date = ?,
                   status = ?, updated_at = ? WHERE id = ? AND chain_id = ? AND workshop_id = ?""",
                [phase_id, text, who, due, status, now_iso(), action_id, chain_id, workshop_id],
            )
            if cur.rowcount == 0:
                raise NotAllowed("unknown action")

    def action(self, action_id: int) -> Action | None:
        rows = self._query("SELECT * FROM action WHERE id = ?", [action_id])
        return Action(**rows[0]) if rows else None

    def actions(
        self, *, chain_id: int | None = None, workshop_ids: Sequence[int] | None = None
    ) -> list[Action]:
        """Actions, optionally of one chain and/or some workshops; by round, then id."""
        where, params = ["1 = 1"], []
        if chain_id is not None:
            where.append("a.chain_id = ?")
            params.append(chain_id)
        if workshop_ids is not None:
            if not workshop_ids:
                return []
            where.append(f"a.workshop_id IN ({', '.join('?' for _ in workshop_ids)})")
            params.extend(workshop_ids)
        rows = self._query(
            f"""SELECT a.* FROM action a JOIN workshop w ON w.id = a.workshop_id
                WHERE {" AND ".join(where)} ORDER BY w.date, a.workshop_id, a.id""",
            params,
        )
        return [Action(**r) for r in rows]

    # -- slowing down guessing, shared by all app processes ------------------------------------

    THROTTLE_FORGET_S = 24 * 3600

    def throttle_wait(self, kind: str, address: str, now: float | None = None) -> int:
        """Seconds before `address` may try a `kind` (code, login) again; 0 when allowed."""
        now = time.time() if now is None else now
        rows = self._query(
            "SELECT blocked_until FROM throttle WHERE kind = ? AND address = ?",
            [kind, address[:100]],
        )
        return max(0, int(rows[0]["blocked_until"] - now)) if rows else 0

    def throttle_failed(
        self,
        kind: str,
        address: str,
        free_tries: int,
        now: float | None = None,
        pattern: str | None = None,
    ) -> int:
        """Count a wrong try of `address`; past `free_tries` it has to wait, doubling.

        `pattern` (e.g. a hash of the wrong code): the same pattern from the same address
        counts once, so twenty tablets that misread the code on the screen in the same way
        are one wrong try, while a guesser's every new code counts. Returns the count.
        """
        now = time.time() if now is None else now
        address = address[:100]
        with self._write() as db:
            row = db.execute(
                "SELECT failures FROM throttle WHERE kind = ? AND address = ?", [kind, address]
            ).fetchone()
            failures = row[0] if row else 0
            if pattern is not None:
                key = [kind, address, pattern[:64]]
                seen = db.execute(
                    "SELECT 1 FROM throttle_code WHERE kind = ? AND address = ? AND pattern = ?",
                    key,
                ).fetchone()
                db.execute(
                    """INSERT INTO throttle_code (kind, address, pattern, updated_at)
                       VALUES (?, ?, ?, ?) ON CONFLICT (kind, address, pattern)
                       DO UPDATE SET updated_at = excluded.updated_at""",
                    [*key, int(now)],
                )
                if seen:  # a code this address already tried: no new guess
                    return failures
            failures += 1
            self._throttle_set(db, kind, address, failures, free_tries, now)
            # Addresses quiet for a day start afresh (keeps the tables small).
            cutoff = int(now - self.THROTTLE_FORGET_S)
            db.execute("DELETE FROM throttle WHERE updated_at < ?", [cutoff])
            db.execute("DELETE FROM throttle_code WHERE updated_at < ?", [cutoff])
            return failures

    def throttle_succeeded(
        self,
        kind: str,
        address: str,
        free_tries: int,
        now: float | None = None,
        reset: bool = False,
    ) -> None:
        """A right try from `address` halves its count of wrong tries (and so its wait);
        `reset`: clears it."""
        now = time.time() if now is None else now
        address = address[:100]
        with self._write() as db:
            row = db.execute(
                "SELECT failures FROM throttle WHERE kind = ? AND address = ?", [kind, address]
            ).fetchone()
            if row and row[0]:
                failures = 0 if reset else row[0] // 2
                self._throttle_set(db, kind, address, failures, free_tries, now)

    @staticmethod
    def _throttle_set(
        db: Conn, kind: str, address: str, failures: int, free_tries: int, now: float
    ) -> None:
        until = int(math.ceil(now + wait_after(failures, free_tries))) if failures else 0
        db.execute(
            """INSERT INTO throttle (kind, address, failures, blocked_until, updated_at)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, address) DO UPDATE SET
               failures = excluded.failures, blocked_until = excluded.blocked_until,
               updated_at = excluded.updated_at""",
            [kind, address, failures, until, int(now)],
        )

    # -- session cookies (ipm_model/session.py), shared by all app processes -----------------

    def installation_secret(self, name: str) -> str:
        """A random secret of this installation, made on first use; the same for every replica."""
        with self._write() as db:
            db.execute(
                "INSERT INTO app_secret (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                [name, secrets.token_hex(32)],
            )
            return db.execute("SELECT value FROM app_secret WHERE name = ?", [name]).fetchone()[0]

    def session_epochs(self, subjects: Sequence[str]) -> dict[str, int]:
        """The "log out everywhere" epoch of each subject (0 when never raised)."""
        subjects = list(dict.fromkeys(subjects))
        if not subjects:
            return {}
        rows = self._query(
            f"SELECT subject, epoch FROM session_epoch WHERE subject IN "
            f"({', '.join('?' for _ in subjects)})",
            subjects,
        )
        found = {r["subject"]: int(r["epoch"]) for r in rows}
        return {s: found.get(s, 0) for s in subjects}

    def raise_session_epochs(self, subjects: Sequence[str]) -> None:
        """End every session cookie of these subjects made so far ("log out everywhere")."""
        with self._write() as db:
            for subject in dict.fromkeys(subjects):
                db.execute(
                    """INSERT INTO session_epoch (subject, epoch) VALUES (?, 1)
                       ON CONFLICT (subject) DO UPDATE SET epoch = session_epoch.epoch + 1""",
                    [subject],
                )

    SESSION_NONCE_TTL_S = 120

    def create_session_nonce(self, cookie: str, max_age: int, now: float | None = None) -> str:
        """A one-time nonce under which the browser can pick up `cookie` for a short while."""
        now = time.time() if now is None else now
        nonce = secrets.token_urlsafe(24)
        with self._write() as db:
            db.execute("DELETE FROM session_nonce WHERE expires_at < ?", [int(now)])
            db.execute(
                """INSERT INTO session_nonce (nonce_hash, cookie, max_age, expires_at)
                   VALUES (?, ?, ?, ?)""",
                [_nonce_hash(nonce), cookie, int(max_age), int(now + self.SESSION_NONCE_TTL_S)],
            )
        return nonce

    def take_session_nonce(
        self, nonce: str | None, now: float | None = None
    ) -> tuple[str, int] | None:
        """(cookie, max_age) stored under `nonce`, once: the nonce is gone afterwards.

        None for an unknown, used or expired nonce."""
        if not nonce or not isinstance(nonce, str) or len(nonce) > 64:
            return None
        now = time.time() if now is None else now
        key = _nonce_hash(nonce)
        with self._write() as db:
            row = db.execute(
                "SELECT cookie, max_age, expires_at FROM session_nonce WHERE nonce_hash = ?",
                [key],
            ).fetchone()
            # Only the request whose DELETE removed the row may use it (two at once: one).
            taken = db.execute("DELETE FROM session_nonce WHERE nonce_hash = ?", [key]).rowcount
        if row is None or taken != 1 or row[2] < now:
            return None
        return str(row[0]), int(row[1])

    def actions_version(self, chain_id: int) -> tuple[int, str]:
        """(number of actions, last change) of one chain: keys cached reports."""
        rows = self._query(
            "SELECT count(*) AS n, max(updated_at) AS last FROM action WHERE chain_id = ?",
            [chain_id],
        )
        return int(rows[0]["n"]), rows[0]["last"] or ""

    def counts(self) -> dict[str, int]:
        """Row counts per table (for checks and the command line)."""
        tables = (
            "organisation",
            "chain",
            "workshop",
            "participant",
            "answer",
            "phase_comment",
            "action",
        )
        with self._db() as db:
            return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

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
