"""A tablet loses its connection mid-phase: reopening the personal link loses nothing.

The tablet answers phase 1, moves on, answers part of phase 2 and writes a comment; then its
websocket goes away (a clean close, or cut without a goodbye as when wifi drops). A new tab
with the token lands on phase 2 with every stored answer selected.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.fault.helpers import (
    LABEL,
    Q,
    Tablet,
    participant_row,
    run,
    stored_answers,
)

PHASE_1 = ["4", "3", "5", "dk", "na", "2", "1"]
PHASE_2 = ["5", "dk", "2"]  # three of seven: the tablet is mid-phase
COMMENT = "Goed overleg, maar **te** weinig tijd <b>echt</b>"


async def drop(tablet: Tablet, how: str) -> None:
    if how == "close":
        await tablet.close()
    else:  # the network is gone: no close frame, the server just sees the socket die
        tablet.session._ws.transport.abort()
        await asyncio.sleep(0.1)
        await tablet.close()


@pytest.mark.parametrize("how", ["close", "abort"])
def test_reconnect_mid_phase_keeps_answers_screen_and_comment(live, how):
    async def scenario():
        first = Tablet()
        token = await first.join(live.url)
        for statement, code in zip(Q.phases[0].statements, PHASE_1, strict=True):
            assert (await first.answer(statement.id, code)).ok
        assert (await first.next()).ok
        for statement, code in zip(Q.phases[1].statements, PHASE_2, strict=False):
            assert (await first.answer(statement.id, code)).ok
        assert (await first.comment("toekomst", COMMENT)).ok
        assert first.exceptions() == []
        await drop(first, how)

        again = Tablet()
        assert (await again.resume(live.url, token)).ok
        landed = again.progress(), again.shown_answers(1)
        comment = again.session.current_value("scan-c-toekomst")
        # Still usable: go back and see phase 1, then answer on.
        back = await again.session.click("scan-back")
        phase_1 = again.phase(), again.shown_answers(0)
        await again.next()
        more = await again.answer(Q.phases[1].statements[3].id, "4")
        await again.close()
        return token, landed, comment, back, phase_1, more, again.exceptions()

    token, landed, comment, back, phase_1, more, exceptions = run(scenario())
    participant_id, step, _ = participant_row(live.db, token)
    stored = stored_answers(live.db, participant_id)

    progress, shown = landed
    assert progress == (2, 7 + len(PHASE_2))
    expected_2 = dict(zip([s.id for s in Q.phases[1].statements], PHASE_2, strict=False))
    assert shown == {s.id: expected_2.get(s.id) for s in Q.phases[1].statements}
    assert comment == COMMENT
    assert back.ok and phase_1 == (1, dict(zip(shown_ids(0), PHASE_1, strict=True)))
    assert more.ok and exceptions == []
    assert step == 1
    assert stored == {
        **dict(zip(shown_ids(0), PHASE_1, strict=True)),
        **expected_2,
        Q.phases[1].statements[3].id: "4",
    }


def shown_ids(phase_index: int) -> list[str]:
    return [s.id for s in Q.phases[phase_index].statements]


def test_connection_cut_during_a_tap_shows_what_is_stored(live):
    """A tap whose answer never came back: the new tab shows exactly what the database holds."""
    target = Q.phases[0].statements[2].id

    async def scenario():
        first = Tablet()
        token = await first.join(live.url)
        assert (await first.answer(Q.phases[0].statements[0].id, "2")).ok
        tap = asyncio.create_task(first.session.choose(first.radio(target), LABEL["5"]))
        while first.session._pending is None:  # the rerun is on the wire
            await asyncio.sleep(0.001)
        first.session._ws.transport.abort()
        with pytest.raises(Exception):  # noqa: B017 - any way of losing the reply will do
            await tap
        await first.close()
        participant_id, _, _ = participant_row(live.db, token)
        # The server may still finish the orphaned run: wait until the database settles.
        deadline = time.monotonic() + 3
        while target not in stored_answers(live.db, participant_id):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        again = Tablet()
        assert (await again.resume(live.url, token)).ok
        shown = again.shown_answers(0)
        await again.close()
        return participant_id, shown, again.exceptions()

    participant_id, shown, exceptions = run(scenario())
    stored = stored_answers(live.db, participant_id)
    assert exceptions == []
    assert stored.get(target) in (None, "5")
    assert shown == {sid: stored.get(sid) for sid in shown_ids(0)}
    assert stored[Q.phases[0].statements[0].id] == "2"
