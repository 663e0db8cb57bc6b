"""The database schema as ordered migrations (both back-ends run the same steps).

The order of registration in MIGRATIONS is what counts; a new migration is appended.
"""

from __future__ import annotations

from typing import Any

from ipm_model.db import Conn, sqlite_migrations
from ipm_model.model import ACTION_STATUSES, DEFAULT_ROLES, new_token, now_iso, roles_to_json
from ipm_model.questionnaire import ANSWER_CODES
from ipm_model.storage.audit import m011_audit_log
from ipm_model.storage.exclusions import m012_exclusions, m014_leave_out_history
from ipm_model.storage.sandbox import m013_sandboxes
from ipm_model.storage.settings import m010_settings


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
    db.execute("UPDATE organisation SET roles = ?", [roles_to_json(DEFAULT_ROLES)])


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
    m014_leave_out_history,
)


def __getattr__(name: str) -> Any:
    """`migrations`: the same steps as a sqlite-utils migration set (what SQLite databases
    record); built on first use, so importing the store does not import sqlite-utils."""
    if name == "migrations":
        return sqlite_migrations(MIGRATIONS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
