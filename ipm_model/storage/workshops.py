"""Workshops (rounds) and links: the Store's queries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from ipm_model.access import LINK_UNKNOWN
from ipm_model.db import NotAllowed
from ipm_model.model import (
    DEFAULT_ROLES,
    JOIN_CODE_LENGTH,
    LINK_FACILITATOR,
    LINK_KINDS,
    LINK_RESULTS,
    NAME_MAX_CHARS,
    WORKSHOP_CLOSED,
    WORKSHOP_OPEN,
    Chain,
    Link,
    Role,
    Workshop,
    clean_text,
    new_code,
    new_token,
    normalize_code,
    now_iso,
    roles_to_json,
)
from ipm_model.questionnaire import Questionnaire
from ipm_model.storage.base import StoreBase


class Workshops(StoreBase):
    """Workshops (rounds) and the facilitator and results links that open them."""

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
        roles_json = roles_to_json(roles)
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
