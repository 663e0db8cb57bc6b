"""The server process is killed (SIGKILL) mid-workshop and restarted on the same database.

20 tablets join and answer at once. When about half of all planned answers are acknowledged,
the server gets SIGKILL: no shutdown, no flush. A new server starts on the same file (on
another port) and every tablet reopens its personal link. Nothing acknowledged may be lost,
each tablet lands on the screen the database holds for it (the phase it was on, or the next
one if its "next" tap was on the wire), and everyone can answer on.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

from ipm_model.questionnaire import ANSWER_CODES
from tests.fault.helpers import (
    CHAINS,
    CONNECTION_LOST,
    Q,
    Tablet,
    assert_no_duplicate_answers,
    create_demo_db,
    participant_row,
    run,
    stored_answers,
)

PARTICIPANTS = 20
PHASES = 3  # each tablet goes through phases 1-3, then stops
THINK_S = (0.0, 0.02)  # a little random think time


def plan(index: int) -> list[tuple]:
    """What tablet `index` will do: answer some statements of each phase, then tap next.

    Tablets skip different shares of the statements, so they are on different phases (and
    some between two phases) when the server dies.
    """
    rng = random.Random(index)
    keep = 0.3 + 0.7 * index / (PARTICIPANTS - 1)
    steps: list[tuple] = []
    for phase_index in range(PHASES):
        for statement in Q.phases[phase_index].statements:
            if rng.random() < keep:
                steps.append(("answer", statement.id, rng.choice(ANSWER_CODES)))
        steps.append(("next", phase_index + 1))
    return steps


PLANS = [plan(i) for i in range(PARTICIPANTS)]
PLANNED = sum(step[0] == "answer" for p in PLANS for step in p)


@dataclass
class Run:
    """What one tablet did before the kill, as the tablet saw it."""

    index: int
    token: str = ""
    acknowledged: dict[str, str] = field(default_factory=dict)
    step: int = 0  # screen index (phase - 1) of the last acknowledged "next"
    on_the_wire: tuple | None = None  # the interaction that got no answer
    error: str = ""  # a failure before the kill


@dataclass
class Workshop:
    runs: list[Run]
    acknowledged: int = 0
    killed: bool = False


async def tablet_until_killed(url: str, run_: Run, workshop: Workshop) -> None:
    rng = random.Random(-run_.index)
    tablet = Tablet()
    try:
        run_.token = await tablet.join(url, chain=CHAINS[run_.index % len(CHAINS)])
        for step in PLANS[run_.index]:
            await asyncio.sleep(rng.uniform(*THINK_S))
            run_.on_the_wire = step
            if step[0] == "answer":
                result = await tablet.answer(step[1], step[2])
            else:
                result = await tablet.next()
            if not result.ok:
                run_.error = f"{step} not ok: {result.status} {result.exceptions}"
                return
            if step[0] == "answer":
                run_.acknowledged[step[1]] = step[2]
                workshop.acknowledged += 1
            else:
                run_.step = step[1]
            run_.on_the_wire = None
    except (*CONNECTION_LOST, AssertionError) as exc:
        if not workshop.killed:
            run_.error = f"{exc!r}"
    finally:
        await tablet.close()


async def workshop_until_kill(server, runs: list[Run]) -> Workshop:
    workshop = Workshop(runs)
    tablets = [asyncio.create_task(tablet_until_killed(server.url, r, workshop)) for r in runs]
    while workshop.acknowledged < PLANNED // 2:
        if all(t.done() for t in tablets):
            break  # every tablet stopped early: the assertions below say why
        await asyncio.sleep(0.005)
    workshop.killed = True
    server.kill()
    await asyncio.gather(*tablets)
    return workshop


async def reconnect_and_continue(url: str, run_: Run) -> dict:
    tablet = Tablet()
    try:
        await tablet.resume(url, run_.token)
        seen = {"progress": tablet.progress()}
        phase_index = (seen["progress"] or (0, 0))[0] - 1
        seen["shown"] = tablet.shown_answers(phase_index) if phase_index >= 0 else {}
        # Answer on: the first open statement of this phase (or change the first one).
        open_ = [sid for sid, code in seen["shown"].items() if code is None]
        target = open_[0] if open_ else next(iter(seen["shown"]))
        seen["continued"] = (target, "dk", (await tablet.answer(target, "dk")).ok)
        seen["exceptions"] = tablet.exceptions()
    except (*CONNECTION_LOST, AssertionError) as exc:
        seen = {"error": repr(exc)}
    finally:
        await tablet.close()
    return seen


async def reconnect_all(url: str, runs: list[Run]) -> list[dict]:
    return await asyncio.gather(*(reconnect_and_continue(url, r) for r in runs))


def test_sigkill_mid_workshop_loses_no_acknowledged_answer(tmp_path, start_server):
    db = create_demo_db(tmp_path / "ipm.db")
    first = start_server(db, "before-kill")
    runs = [Run(i) for i in range(PARTICIPANTS)]
    workshop = run(workshop_until_kill(first, runs), timeout=120)
    assert [r.error for r in runs if r.error] == []
    assert all(r.token for r in runs), "every tablet joined before the kill"
    acknowledged = sum(len(r.acknowledged) for r in runs)
    assert PLANNED // 2 <= acknowledged < PLANNED, "the kill came mid-workshop"
    assert workshop.acknowledged == acknowledged

    # On disk, before any restart: everything acknowledged, nothing else, no duplicates.
    assert_no_duplicate_answers(db)
    before_restart = {}
    for r in runs:
        participant_id, step, _ = participant_row(db, r.token)
        stored = stored_answers(db, participant_id)
        for sid, code in r.acknowledged.items():
            assert stored.get(sid) == code, f"tablet {r.index} lost {sid}"
        unacknowledged = set(stored) - set(r.acknowledged)
        wire = r.on_the_wire or ()
        assert unacknowledged <= ({wire[1]} if wire[:1] == ("answer",) else set())
        next_on_the_wire = wire[:1] == ("next",)
        assert step == r.step or (next_on_the_wire and step == r.step + 1)
        before_restart[r.index] = (participant_id, step, stored)

    second = start_server(db, "after-restart")
    seen = run(reconnect_all(second.url, runs))
    for r, after in zip(runs, seen, strict=True):
        participant_id, step, stored = before_restart[r.index]
        assert "error" not in after, f"tablet {r.index}: {after}"
        assert after["exceptions"] == []
        # Lands on the screen the database holds: phase step + 1, with the stored count.
        assert after["progress"] == (step + 1, len(stored)), f"tablet {r.index}"
        phase = Q.phases[step]
        assert after["shown"] == {s.id: stored.get(s.id) for s in phase.statements}
        target, code, ok = after["continued"]
        assert ok
        assert stored_answers(db, participant_id) == {**stored, target: code}
        assert participant_row(db, r.token)[1] == step
    assert_no_duplicate_answers(db)
    assert "Traceback (most recent call last)" not in second.log_since(0)
