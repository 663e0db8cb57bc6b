"""Participants, answers and comments: the Store's queries."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from ipm_model.db import Conn, NotAllowed
from ipm_model.model import (
    COMMENT_MAX_CHARS,
    RESUME_CODE_LENGTH,
    WORKSHOP_OPEN,
    Participant,
    Workshop,
    clean_text,
    new_code,
    normalize_code,
    now_iso,
)
from ipm_model.questionnaire import ANSWER_CODES
from ipm_model.storage.base import StoreBase


class Participants(StoreBase):
    """Participants, their answers and their comments."""

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

    def finish(self, participant_id: int, step: int | None = None) -> None:
        """Mark the participant as finished (the first time only); with `step`, also
        remember that screen (set_step) in the same write."""
        with self._write() as db:
            stamp = now_iso()
            db.execute(
                """UPDATE participant SET finished_at = ?, changed_at = ?
                   WHERE id = ? AND finished_at IS NULL""",
                [stamp, stamp, participant_id],
            )
            if step is not None:
                db.execute(
                    "UPDATE participant SET current_step = ? WHERE id = ?", [step, participant_id]
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
