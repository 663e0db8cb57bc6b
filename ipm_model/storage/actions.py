"""Actions: the Store's queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ipm_model.db import NotAllowed
from ipm_model.model import (
    ACTION_STATUSES,
    ACTION_TEXT_MAX_CHARS,
    NAME_MAX_CHARS,
    Action,
    clean_text,
    now_iso,
)
from ipm_model.storage.base import StoreBase


class Actions(StoreBase):
    """The actions a chain agrees on after a round."""

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

    def actions_version(self, chain_id: int) -> tuple[int, str]:
        """(number of actions, last change) of one chain: keys cached reports."""
        rows = self._query(
            "SELECT count(*) AS n, max(updated_at) AS last FROM action WHERE chain_id = ?",
            [chain_id],
        )
        return int(rows[0]["n"]), rows[0]["last"] or ""
