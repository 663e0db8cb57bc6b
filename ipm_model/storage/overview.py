"""What an operator lists from the shell: organisations and workshops with their counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipm_model.storage.store import Store

ORGANISATION_COLUMNS = ("id", "name", "demo", "workshops", "open", "participants", "created")
WORKSHOP_COLUMNS = (
    "code",
    "date",
    "title",
    "organisation",
    "state",
    "participants",
    "finished",
    "answers",
)


def organisations(store: Store) -> list[dict[str, Any]]:
    """Every organisation with its number of workshops (open ones) and participants."""
    rows = store._query(
        """SELECT o.id, o.name, o.is_demo AS demo, o.created_at AS created,
                  (SELECT count(*) FROM workshop w WHERE w.organisation_id = o.id) AS workshops,
                  (SELECT count(*) FROM workshop w WHERE w.organisation_id = o.id
                     AND w.status = 'open') AS open,
                  (SELECT count(*) FROM participant p JOIN workshop w ON w.id = p.workshop_id
                     WHERE w.organisation_id = o.id) AS participants
           FROM organisation o ORDER BY o.name"""
    )
    for row in rows:
        row["demo"] = "yes" if row["demo"] else ""
        row["created"] = (row["created"] or "")[:10]
    return [{c: row[c] for c in ORGANISATION_COLUMNS} for row in rows]


def workshops(store: Store, organisation_id: int | None = None) -> list[dict[str, Any]]:
    """Every workshop (open ones too, also without answers), newest first, with counts."""
    where, params = (
        ("WHERE w.organisation_id = ?", [organisation_id])
        if organisation_id
        else (
            "",
            [],
        )
    )
    return store._query(
        f"""SELECT w.code, w.date, w.title, o.name AS organisation, w.status AS state,
                   (SELECT count(*) FROM participant p WHERE p.workshop_id = w.id)
                     AS participants,
                   (SELECT count(*) FROM participant p WHERE p.workshop_id = w.id
                     AND p.finished_at IS NOT NULL) AS finished,
                   (SELECT count(*) FROM answer a JOIN participant p ON p.id = a.participant_id
                     WHERE p.workshop_id = w.id) AS answers
            FROM workshop w JOIN organisation o ON o.id = w.organisation_id {where}
            ORDER BY w.date DESC, w.code""",
        params,
    )
