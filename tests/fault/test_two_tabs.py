"""One participant in two tabs, tapping different answers on the same statements at once.

The database must end with one row per statement, holding one of the two tapped values: the
write that came last. Every write is logged by a trigger (test-only, removed afterwards), so
"last" is the commit order, which is also the order of answered_at (taken under the write
lock). Taps that are not concurrent must follow the order of their acknowledgements.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.fault.helpers import Q, Tablet, participant_row, query, run, stored_answers

AUDIT = """
CREATE TABLE answer_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER, statement_id TEXT, value TEXT, answered_at TEXT
);
CREATE TRIGGER answer_audit_insert AFTER INSERT ON answer BEGIN
    INSERT INTO answer_audit (participant_id, statement_id, value, answered_at)
    VALUES (NEW.participant_id, NEW.statement_id, NEW.value, NEW.answered_at);
END;
CREATE TRIGGER answer_audit_update AFTER UPDATE ON answer BEGIN
    INSERT INTO answer_audit (participant_id, statement_id, value, answered_at)
    VALUES (NEW.participant_id, NEW.statement_id, NEW.value, NEW.answered_at);
END;
"""
UNAUDIT = """
DROP TRIGGER IF EXISTS answer_audit_insert;
DROP TRIGGER IF EXISTS answer_audit_update;
DROP TABLE IF EXISTS answer_audit;
"""


def _script(db: Path, sql: str) -> None:
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        conn.executescript(sql)


@pytest.fixture
def audited(live):
    """The shared server, with every answer write logged in answer_audit."""
    _script(live.db, UNAUDIT + AUDIT)
    yield live
    _script(live.db, UNAUDIT)


def test_two_tabs_tapping_at_once_leave_one_answer_per_statement_the_last_write(audited):
    live = audited
    statements = [s.id for s in Q.phases[0].statements]
    tapped_a = ["1", "2", "3", "4", "5", "dk", "na"]
    tapped_b = ["5", "4", "na", "2", "1", "3", "dk"]  # always different from tab A's

    async def scenario():
        a, b = Tablet(), Tablet()
        token = await a.join(live.url)
        assert (await b.resume(live.url, token)).ok
        assert b.phase() == 1
        results = []
        for sid, va, vb in zip(statements, tapped_a, tapped_b, strict=True):
            # Both taps on the wire before either answer comes back.
            results += await asyncio.gather(a.answer(sid, va), b.answer(sid, vb))
        # Sequential taps: the acknowledged order decides, for both orders.
        results.append(await a.answer(statements[0], "3"))
        results.append(await b.answer(statements[0], "na"))
        results.append(await b.answer(statements[1], "1"))
        results.append(await a.answer(statements[1], "dk"))
        # Later work in a tab must not write its stale view back.
        results.append(await a.next())
        results.append(await b.next())
        fresh = Tablet()
        await fresh.resume(live.url, token)
        await fresh.session.click("scan-back")
        shown = fresh.shown_answers(0)
        for tab in (a, b, fresh):
            await tab.close()
        return token, results, shown, a.exceptions() + b.exceptions() + fresh.exceptions()

    token, results, shown, exceptions = run(scenario())
    assert exceptions == []
    assert all(r.ok for r in results)
    participant_id, _, _ = participant_row(live.db, token)
    rows = query(
        live.db,
        "SELECT statement_id, value, answered_at FROM answer WHERE participant_id = ?",
        (participant_id,),
    )
    assert sorted(r[0] for r in rows) == sorted(statements)  # one row per statement
    audit = query(
        live.db,
        "SELECT statement_id, value, answered_at FROM answer_audit "
        "WHERE participant_id = ? ORDER BY seq",
        (participant_id,),
    )
    final = {sid: (value, at) for sid, value, at in rows}
    for index, sid in enumerate(statements):
        writes = [(value, at) for s, value, at in audit if s == sid]
        concurrent = writes[:2]
        assert sorted(v for v, _ in concurrent) == sorted([tapped_a[index], tapped_b[index]])
        assert [at for _, at in writes] == sorted(at for _, at in writes)  # commit order
        assert final[sid] == writes[-1]  # the last write wins, nothing rewrote it later
        expected_writes = 4 if index < 2 else 2  # + the two sequential taps on 0 and 1
        assert len(writes) == expected_writes
    assert final[statements[0]][0] == "na"
    assert final[statements[1]][0] == "dk"
    assert shown == stored_answers(live.db, participant_id)
