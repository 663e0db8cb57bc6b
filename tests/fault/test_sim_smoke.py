"""CI smoke of the workshop simulation: 10 tablets answer one phase at once, nothing is lost.

Self-contained (bench/workshop_sim.py is the full load tool); no timing assertions, since a
CI machine's speed says nothing about the app.
"""

from __future__ import annotations

import asyncio
import random

from bench.stclient import StreamlitClientError
from ipm_model.questionnaire import ANSWER_CODES
from tests.fault.helpers import CHAINS, Q, Tablet, participant_row, run, stored_answers

PARTICIPANTS = 10


async def one_participant(url: str, index: int) -> tuple[str, dict[str, str], list[str]]:
    """Join, answer phase 1 without pausing; return token, acknowledged answers, errors."""
    rng = random.Random(index)
    tablet = Tablet()
    acknowledged: dict[str, str] = {}
    errors: list[str] = []
    token = ""
    try:
        token = await tablet.join(url, chain=CHAINS[index % len(CHAINS)])
        for statement in Q.phases[0].statements:
            code = rng.choice(ANSWER_CODES)
            result = await tablet.answer(statement.id, code)
            if result.ok:
                acknowledged[statement.id] = code
            else:
                errors.append(f"{statement.id}: status {result.status}, {result.exceptions}")
        errors += [f"exception element: {e.message}" for e in tablet.exceptions()]
    except (StreamlitClientError, AssertionError) as exc:
        errors.append(f"participant {index}: {exc!r}")
    finally:
        await tablet.close()
    return token, acknowledged, errors


def test_ten_tablets_answer_one_phase_without_errors_or_lost_answers(live):
    async def workshop():
        return await asyncio.gather(*(one_participant(live.url, i) for i in range(PARTICIPANTS)))

    outcomes = run(workshop())
    errors = [e for _, _, errs in outcomes for e in errs]
    assert errors == []
    acknowledged = sum(len(acked) for _, acked, _ in outcomes)
    assert acknowledged == PARTICIPANTS * len(Q.phases[0].statements)
    for token, acked, _ in outcomes:
        participant_id, _, _ = participant_row(live.db, token)
        assert stored_answers(live.db, participant_id) == acked
