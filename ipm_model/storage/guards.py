"""Slowing down guessing and session cookies: the Store's queries, shared by all app
processes."""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Sequence

from ipm_model.db import Conn
from ipm_model.storage.base import StoreBase
from ipm_model.throttle import wait_after


def _nonce_hash(nonce: str) -> str:
    """Nonces are stored hashed: a copy of the table opens no session."""
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


class Guards(StoreBase):
    """Slowing down guessing and session cookies, shared by all app processes."""

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
        # Nearly always there is nothing to halve: then a plain read, no write transaction
        # (SQLite takes its one write lock for it; a room joining together queued on it).
        # A wrong try counted after this read is as if the right one came a moment earlier.
        rows = self._query(
            "SELECT failures FROM throttle WHERE kind = ? AND address = ?", [kind, address]
        )
        if not rows or not rows[0]["failures"]:
            return
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
