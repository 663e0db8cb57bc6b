"""Leaving careless answers out of a round's results: the facilitator's switch per round.

One row per round in `leave_out` (migration m012) means: participants flagged by
`quality.response_flags` (the same answer to every statement, or implausibly fast) do not
count in that round's figures. Only the switch is stored, never who is flagged: the flags
are worked out from the answers each time (`ipm_model.results.load_answers`), and which of
them may be left out without exposing anyone is decided by `ipm_model.disclosure.leave_out`.
Every switch is one line in the audit log, in the same transaction.

Switching off keeps the row with `active` 0 (migration m014): a round whose switch was ever
on may have shown its figures with people left out, and the figures shown without leaving
out are decided after those too (`ipm_model.results`), so switching back reveals no one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ipm_model.storage import audit

if TYPE_CHECKING:
    from ipm_model.db import Conn
    from ipm_model.storage.store import Store

ACTION = "results.leave_out"


def m012_exclusions(db: Conn) -> None:
    """Rounds whose flagged participants are left out of the results (row present: on)."""
    db.execute(
        """CREATE TABLE leave_out (
            workshop_id INTEGER PRIMARY KEY REFERENCES workshop(id),
            set_at TEXT NOT NULL,
            set_by TEXT NOT NULL
        )"""
    )


def m014_leave_out_history(db: Conn) -> None:
    """Switching off keeps the round's row (`active` 0): the round's switch was on once."""
    db.execute("ALTER TABLE leave_out ADD COLUMN active INTEGER NOT NULL DEFAULT 1")


def rounds_left_out(store: Store, workshop_ids: Sequence[int]) -> tuple[int, ...]:
    """Of these rounds, the ones whose flagged participants are left out (sorted)."""
    return tuple(r for r, active in switch_states(store, workshop_ids) if active)


def rounds_ever_left_out(store: Store, workshop_ids: Sequence[int]) -> tuple[int, ...]:
    """Of these rounds, the ones whose switch was ever on, also when it is off now (sorted)."""
    return tuple(r for r, _ in switch_states(store, workshop_ids))


def switch_states(store: Store, workshop_ids: Sequence[int]) -> list[tuple[int, bool]]:
    """(round, switch on now) for these rounds whose switch was ever on, sorted: what a
    results cache key needs (both change the figures; see ipm_model.results)."""
    if not workshop_ids:
        return []
    marks = ", ".join("?" for _ in workshop_ids)
    with store._db() as db:
        rows = db.execute(
            f"SELECT workshop_id, active FROM leave_out WHERE workshop_id IN ({marks})",
            [int(w) for w in workshop_ids],
        ).fetchall()
    return sorted((int(r[0]), bool(r[1])) for r in rows)


def is_left_out(store: Store, workshop_id: int) -> bool:
    return bool(rounds_left_out(store, [workshop_id]))


def set_left_out(store: Store, workshop_id: int, on: bool, actor: str, target: str) -> bool:
    """Switch leaving out on or off; True when it changed. Logged as `results.leave_out`
    with target (the round's code) and detail "on"/"off"."""
    from ipm_model.model import now_iso

    with store._write() as db:
        held = db.execute(
            "SELECT active FROM leave_out WHERE workshop_id = ?", [int(workshop_id)]
        ).fetchone()
        if bool(held and held[0]) == bool(on):
            return False
        if held is None:
            db.execute(
                "INSERT INTO leave_out (workshop_id, set_at, set_by, active) VALUES (?, ?, ?, 1)",
                [int(workshop_id), now_iso(), actor[:200]],
            )
        else:
            db.execute(
                "UPDATE leave_out SET active = ?, set_at = ?, set_by = ? WHERE workshop_id = ?",
                [int(bool(on)), now_iso(), actor[:200], int(workshop_id)],
            )
        audit.write(db, actor, ACTION, target, "on" if on else "off")
    return True
