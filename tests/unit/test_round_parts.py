"""A round's results put together from its chains' parts (results.round_part +
combine_round) equal the results computed from scratch on the whole round (round_results):
what the results pages rely on when they cache each chain's part per its own version."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ipm_model.results import (
    RoundResults,
    breakdowns,
    combine_round,
    disclosed_answers,
    round_part,
    round_parts,
    round_results,
)
from ipm_model.scoring import ambition_id
from ipm_model.storage.store import Store

ROLES = ("mt", "keteneigenaar", "ketenteam", "medewerker")


def _round(questionnaire, sizes: dict[int, int], *, seed: int = 7) -> pd.DataFrame:
    """A result_answers frame of one round: per chain `sizes[chain]` finishers with
    roles, partners, don't-knows, gaps, ambitions and `left_out` flags; the chains' rows
    interleaved the way a database returns people who joined at the same time."""
    rng = np.random.default_rng(seed)
    rows = []
    pid = 0
    for order in range(1, max(sizes.values()) + 1):
        for chain_id, size in sizes.items():
            if order > size:
                continue
            pid += 1
            role = ROLES[int(rng.integers(len(ROLES)))]
            partner = "Partner B" if rng.random() < 0.25 else ""
            sparse = rng.random() < 0.15  # answers too few statements in some phases
            for s in questionnaire.statements:
                if sparse and rng.random() < 0.6:
                    continue
                value = str(int(rng.integers(1, 6))) if rng.random() > 0.1 else "dk"
                rows.append((1, chain_id, pid, role, partner, s.id, value, order))
            for phase in questionnaire.phases:
                if rng.random() < 0.8:
                    ambition = str(int(rng.integers(2, 6)))
                    rows.append(
                        (1, chain_id, pid, role, partner, ambition_id(phase.id), ambition, order)
                    )
    frame = pd.DataFrame(rows, columns=list(Store.RESULT_ANSWER_COLUMNS))
    frame["participant"] = frame["participant"].astype(str)
    return frame


def _parts(answers, q, minimum) -> RoundResults:
    """Parts computed one chain at a time, and several together (round_parts), put together;
    both ways give the same result."""
    chains = sorted(set(answers["chain_id"]))
    parts = [round_part(answers, q, minimum, c) for c in chains]
    wid = int(answers["workshop_id"].iloc[0])
    one_by_one = combine_round(parts[::-1], q, minimum, wid)
    half = set(chains[::2])
    together = {
        **round_parts(answers[answers["chain_id"].isin(half)], q, minimum),
        **round_parts(answers[~answers["chain_id"].isin(half)], q, minimum),
    }
    assert sorted(together) == chains
    _assert_same(combine_round(list(together.values()), q, minimum, wid), one_by_one)
    for part in parts:
        mine = together[part.chain_id]
        for name in ("phases", "statements", "scores", "ambition"):
            a, b = getattr(mine.results, name), getattr(part.results, name)
            if len(a) or len(b):  # an empty frame's columns may differ; combine_round's not
                pd.testing.assert_frame_equal(a, b, obj=name)
        assert (mine.results.finished, mine.results.flagged, mine.results.left_out) == (
            part.results.finished,
            part.results.flagged,
            part.results.left_out,
        )
        if len(mine.counted) or len(part.counted):
            pd.testing.assert_frame_equal(mine.counted, part.counted)
    return one_by_one


def _assert_same(a: RoundResults, b: RoundResults) -> None:
    for name in ("phases", "statements", "overall", "scores", "ambition"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    for name in ("finished", "flagged", "left_out", "minimum", "workshop_id"):
        assert getattr(a, name) == getattr(b, name), name


@pytest.mark.parametrize("left_out", [False, True])
def test_pooled_from_chain_parts_equals_from_scratch(questionnaire_v2, left_out):
    q = questionnaire_v2
    # Chains below the minimum (hidden), at a rung, between rungs (figures kept hidden over
    # the ladder), and large ones.
    sizes = {11: 2, 12: 3, 13: 4, 14: 7, 15: 9, 16: 13, 17: 20, 18: 1}
    answers = _round(q, sizes)
    flagged = {"3", "9", "17", "30", "41", "52"} if left_out else set()
    answers["left_out"] = answers["participant"].isin(flagged)
    whole = round_results(answers, q, 3)
    assert whole.phases["scores_hidden"].any() and not whole.phases["suppressed"].all()
    assert whole.ambition["n"].sum() > 0
    if left_out:
        assert sum(whole.left_out.values()) > 0
    _assert_same(_parts(answers, q, 3), whole)
    # The breakdowns by role and partner come from the chain's rows alone as well.
    for chain_id in (15, 17):
        mine = answers[answers["chain_id"] == chain_id].reset_index(drop=True)
        split, full = breakdowns(mine, q, chain_id, 3), breakdowns(answers, q, chain_id, 3)
        for by in ("role", "partner"):
            pd.testing.assert_frame_equal(split[by], full[by])


def test_all_chains_pool_only_shown_chains(questionnaire_v2):
    """A hidden chain stays out of "all chains" when pooled from parts too."""
    q = questionnaire_v2
    answers = _round(q, {21: 2, 22: 6, 23: 8}, seed=3).assign(left_out=False)
    pooled = _parts(answers, q, 3)
    counted = disclosed_answers(answers[answers["chain_id"] != 21], 3)
    assert int(pooled.overall["participants"].iloc[0]) == counted["participant"].nunique()
    _assert_same(pooled, round_results(answers, q, 3))


def test_one_chain_alone(questionnaire_v2):
    q = questionnaire_v2
    answers = _round(q, {31: 5}, seed=5).assign(left_out=False)
    _assert_same(_parts(answers, q, 3), round_results(answers, q, 3))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_database_row_order_changes_nothing(questionnaire_v2, seed):
    """PostgreSQL returns a join's rows in no fixed order (a hash join, a per-chain read):
    the same round read in another order gives the same figures, the people's scores in the
    same order too, so a page, its cache and a report agree row for row."""
    q = questionnaire_v2
    answers = _round(q, {41: 4, 42: 9, 43: 13}, seed=11)
    answers["left_out"] = answers["participant"].isin({"5", "12"})
    shuffled = answers.sample(frac=1, random_state=seed).reset_index(drop=True)
    whole = round_results(answers, q, 3)
    assert len(whole.scores)
    _assert_same(round_results(shuffled, q, 3), whole)
    _assert_same(_parts(shuffled, q, 3), whole)
