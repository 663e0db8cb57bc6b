"""A chain's group in a round: who counts, the exact version of its figure, its answers.

A chain's group figure in a round covers its first `disclosed_size` finishers
(ipm_model.disclosure). The figure changes only when that set of people changes (the
ladder reaches its next rung, someone is erased) or one of them changes an answer after
finishing (Store stamps `changed_at`). `chain_finishers` reads the finishers in finishing
order in one small query; `group_key` is the exact identity of the figure over the first
`size` of them: their ids and each one's stamp. A cache keyed by it is shared by every
participant and screen of the chain, is not invalidated by finishers who are not (yet)
counted, and is never stale, whichever app process (or replica) wrote the change: the key
is read fresh from the database.
`counted_answers` reads the answers of exactly the people in a key, so a figure computed
from them belongs to that key, also when someone finishes or edits in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ipm_model.storage.store import Store


@dataclass(frozen=True)
class Finisher:
    """A finished participant of one chain: database id and last change after finishing."""

    id: int
    changed_at: str


def chain_finishers(store: Store, workshop_id: int, chain_id: int) -> list[Finisher]:
    """The finished participants of one workshop and chain, first to finish first.

    The same order as everywhere a group's "first k finishers" are chosen
    (Store.group_answers, Store.result_answers): finished_at, then id.
    """
    rows = store._query(
        """SELECT id, changed_at FROM participant
           WHERE workshop_id = ? AND chain_id = ? AND finished_at IS NOT NULL
           ORDER BY finished_at, id""",
        [workshop_id, chain_id],
    )
    return [Finisher(int(r["id"]), str(r["changed_at"] or "")) for r in rows]


def group_key(finishers: Sequence[Finisher], size: int) -> tuple[tuple[int, str], ...]:
    """The identity of the group figure over the first `size` finishers: who they are and
    each one's last change (an answer edited after finishing moves it). Each person's own
    stamp, not only the latest of them: a stamp written by an app server whose clock runs
    behind still changes the key."""
    return tuple((f.id, f.changed_at) for f in finishers[:size])


def key_ids(key: Sequence[tuple[int, str]]) -> list[int]:
    """The participant ids of a group_key."""
    return [participant_id for participant_id, _ in key]


GROUP_ANSWER_COLUMNS = ["participant", "role", "partner", "statement_id", "value"]


def counted_answers(store: Store, participant_ids: Sequence[int]) -> pd.DataFrame:
    """The answers of these participants (the ids of a group_key), with the columns of
    Store.group_answers: participant (pseudonym), role, partner, statement_id, value."""
    if not participant_ids:
        return store._frame("SELECT 1 WHERE 1 = 0", [], GROUP_ANSWER_COLUMNS)
    marks = ", ".join("?" for _ in participant_ids)
    return store._frame(
        f"""SELECT p.pid AS participant, p.role, p.partner, a.statement_id, a.value
            FROM answer a JOIN participant p ON p.id = a.participant_id
            WHERE p.id IN ({marks})""",
        [int(i) for i in participant_ids],
        GROUP_ANSWER_COLUMNS,
    )
