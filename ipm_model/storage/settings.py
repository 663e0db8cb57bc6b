"""Operator settings kept in the database: retention, the admin password hash, set-up links.

One key/value table (`setting`, migration m010), shared by every replica. Values are text;
the helpers below give them their types.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipm_model.db import Conn
    from ipm_model.storage.store import Store

ADMIN_PASSWORD_HASH = "admin_password_hash"
RETENTION_MONTHS = "retention_months"
SETUP_PREFIX = "setup_token."  # + sha256 of the token; the value is its expiry (ISO 8601)
SETUP_HOURS = 24
PASSWORD_MIN_CHARS = 10

# scrypt: memory-hard, in the standard library; n=2**14, r=8 is OpenSSL's and Python's guidance
# for interactive logins (~16 MB, ~50 ms).
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def m010_settings(db: Conn) -> None:
    """Operator settings (retention, admin password hash, one-time set-up links)."""
    db.execute(
        """CREATE TABLE setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )


def get(store: Store, key: str) -> str | None:
    """The value of a setting, or None."""
    with store._db() as db:
        row = db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def put(db: Conn, key: str, value: str | None) -> None:
    """Set (or with None remove) a setting, inside the caller's transaction."""
    from ipm_model.model import now_iso

    if value is None:
        db.execute("DELETE FROM setting WHERE key = ?", [key])
        return
    db.execute(
        """INSERT INTO setting (key, value, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value,
           updated_at = excluded.updated_at""",
        [key, value, now_iso()],
    )


# -- admin password ----------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """A salted scrypt hash of a password: scrypt$n$r$p$salt$hash (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT, dklen=32)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_hash_matches(password: str | None, stored: str | None) -> bool:
    """Check a typed password against a stored hash (constant time); False for anything odd."""
    if not password or not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        given = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(bytes.fromhex(digest)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, bytes.fromhex(digest))


def admin_password_set(store: Store) -> bool:
    return get(store, ADMIN_PASSWORD_HASH) is not None


def admin_password_matches(store: Store, password: str | None) -> bool:
    return password_hash_matches(password, get(store, ADMIN_PASSWORD_HASH))


def check_new_password(password: str, again: str) -> str | None:
    """Why a new admin password is refused (an i18n key), or None when it is fine."""
    if password != again:
        return "setup.password_mismatch"
    if len(password) < PASSWORD_MIN_CHARS:
        return "setup.password_short"
    return None


# -- first run ---------------------------------------------------------------------------------


def first_run(store: Store) -> bool:
    """An empty installation: no organisation and no admin password in the database."""
    with store._db() as db:
        orgs = db.execute("SELECT count(*) FROM organisation").fetchone()[0]
    return orgs == 0 and not admin_password_set(store)


def _token_key(token: str) -> str:
    return SETUP_PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_setup_token(store: Store, now: datetime | None = None) -> str:
    """A one-time set-up token, valid SETUP_HOURS; only its hash is stored."""
    token = secrets.token_urlsafe(24)
    until = (now or datetime.now(UTC)) + timedelta(hours=SETUP_HOURS)
    with store._write() as db:
        put(db, _token_key(token), until.isoformat())
    return token


def setup_token_valid(store: Store, token: str | None, now: datetime | None = None) -> bool:
    if not token or not isinstance(token, str) or len(token) > 64:
        return False
    until = get(store, _token_key(token))
    return until is not None and (now or datetime.now(UTC)) < datetime.fromisoformat(until)


def complete_setup(
    store: Store, token: str, organisation: str, password: str, now: datetime | None = None
) -> int:
    """Use a set-up token: store the admin password hashed, end every set-up token, and
    create the first organisation. Returns the organisation's id.

    The token is checked and spent in one transaction, so two people cannot both use it.
    Raises NotAllowed when the token is unknown, used or expired, or the name is empty.
    """
    from ipm_model.db import NotAllowed
    from ipm_model.model import NAME_MAX_CHARS, clean_text

    if not isinstance(token, str) or not token or len(token) > 64:
        raise NotAllowed("this set-up link is not valid (used, expired or mistyped)")
    if not clean_text(organisation, NAME_MAX_CHARS)[0]:
        raise NotAllowed("empty organisation name")
    moment = now or datetime.now(UTC)
    with store._write(lock=True) as db:
        row = db.execute("SELECT value FROM setting WHERE key = ?", [_token_key(token)]).fetchone()
        if row is None or moment >= datetime.fromisoformat(row[0]):
            raise NotAllowed("this set-up link is not valid (used, expired or mistyped)")
        if db.execute("SELECT 1 FROM setting WHERE key = ?", [ADMIN_PASSWORD_HASH]).fetchone():
            raise NotAllowed("the admin password has been set already")
        put(db, ADMIN_PASSWORD_HASH, hash_password(password))
        db.execute("DELETE FROM setting WHERE key LIKE ?", [SETUP_PREFIX + "%"])
    return store.create_organisation(organisation)


# -- retention ---------------------------------------------------------------------------------


def retention_months(store: Store) -> int:
    """Months after a round closes that its data is kept; 0: no retention period set."""
    raw = get(store, RETENTION_MONTHS) or "0"
    return int(raw) if raw.isdigit() else 0


def set_retention_months(store: Store, months: int) -> None:
    if not 0 <= months <= 1200:
        raise ValueError("the retention period is 0 (none) to 1200 months")
    with store._write() as db:
        put(db, RETENTION_MONTHS, str(months) if months else None)
