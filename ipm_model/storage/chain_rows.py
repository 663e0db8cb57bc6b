"""One chain's result rows: what a chain's trend over its rounds needs, and nothing more.

A chain's trend, its change between two rounds and the ambition it set read only that
chain's answers. `chain_answers` is Store.result_answers limited to one chain (the same
columns and the same `finish_order`: finishers are numbered per workshop and chain, so
leaving the other chains out changes no number). `round_versions` gives each round's own
data version for that chain in one query, so a cache keyed per round is invalidated by a
change in that round only: closed rounds keep their cached rows, and a page that shows
eight rounds re-reads the one that changed. The version is exact (each finisher's id and own
stamp), so such a cache may live long: its time to live only bounds memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ipm_model.storage.store import Store


def chain_answers(store: Store, workshop_ids: Sequence[int], chain_id: int) -> pd.DataFrame:
    """Answers of one chain's finished participants in these workshops
    (Store.RESULT_ANSWER_COLUMNS; finish_order as Store.result_answers numbers it)."""
    columns = list(store.RESULT_ANSWER_COLUMNS)
    if not workshop_ids:
        return store._frame("SELECT 1 WHERE 1 = 0", [], columns)
    marks = ", ".join("?" for _ in workshop_ids)
    return store._frame(
        f"""WITH p AS (SELECT id, workshop_id, chain_id, pid, role, partner,
              ROW_NUMBER() OVER (PARTITION BY workshop_id, chain_id
                                 ORDER BY finished_at, id) AS finish_order
              FROM participant
              WHERE workshop_id IN ({marks}) AND chain_id = ? AND finished_at IS NOT NULL)
            SELECT p.workshop_id, p.chain_id, p.pid, p.role, p.partner, a.statement_id,
            a.value, p.finish_order FROM answer a JOIN p ON p.id = a.participant_id""",
        [*workshop_ids, chain_id],
        columns,
    )


def round_versions(
    store: Store, workshop_ids: Sequence[int], chain_id: int
) -> dict[int, tuple[int, str, str]]:
    """Per workshop: the exact version of one chain's results in it, in one query:
    (finished participants, their last change, a digest of each one's id and own stamp).

    The digest makes the version exact like storage.groups.group_key: an edit stamped by a
    server whose clock runs behind (not the latest stamp), or someone erased while another
    finished, still moves it."""
    versions = {int(w): (0, "", "") for w in workshop_ids}
    if not workshop_ids:
        return versions
    marks = ", ".join("?" for _ in workshop_ids)
    rows = store._query(
        f"""SELECT workshop_id, id, changed_at FROM participant
            WHERE workshop_id IN ({marks}) AND chain_id = ? AND finished_at IS NOT NULL
            ORDER BY workshop_id, id""",
        [*workshop_ids, chain_id],
    )
    people: dict[int, list[tuple[int, str]]] = {}
    for r in rows:
        people.setdefault(int(r["workshop_id"]), []).append(
            (int(r["id"]), str(r["changed_at"] or ""))
        )
    for wid, stamps in people.items():
        digest = hashlib.blake2b(repr(stamps).encode(), digest_size=16).hexdigest()
        versions[wid] = (len(stamps), max(s for _, s in stamps), digest)
    return versions


def chain_versions(store: Store, workshop_id: int) -> dict[int, tuple[int, str, str]]:
    """Per chain with finishers in one workshop: round_versions' version of that chain in
    it, every chain in one query (a round's figures are put together from its chains'
    parts, each cached per its chain's version)."""
    rows = store._query(
        """SELECT chain_id, id, changed_at FROM participant
           WHERE workshop_id = ? AND finished_at IS NOT NULL
           ORDER BY chain_id, id""",
        [int(workshop_id)],
    )
    people: dict[int, list[tuple[int, str]]] = {}
    for r in rows:
        people.setdefault(int(r["chain_id"]), []).append((int(r["id"]), str(r["changed_at"] or "")))
    return {
        chain_id: (
            len(stamps),
            max(s for _, s in stamps),
            hashlib.blake2b(repr(stamps).encode(), digest_size=16).hexdigest(),
        )
        for chain_id, stamps in people.items()
    }
