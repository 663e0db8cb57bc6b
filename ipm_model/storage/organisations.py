"""Organisations and chains: the Store's queries."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from ipm_model.db import Conn, NotAllowed
from ipm_model.model import (
    DEFAULT_ROLES,
    NAME_MAX_CHARS,
    Chain,
    Role,
    clean_text,
    new_token,
    now_iso,
    roles_to_json,
)
from ipm_model.storage.base import StoreBase

_ROLE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class Organisations(StoreBase):
    """Organisations, their roles and partners, and their chains."""

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
                [
                    name,
                    int(is_demo),
                    now_iso(),
                    new_token(),
                    roles_to_json(DEFAULT_ROLES),
                    now_iso(),
                ],
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
                [roles_to_json(roles), organisation_id],
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
