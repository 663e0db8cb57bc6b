"""The faster paths of the round results give exactly what the old ones gave, bit for bit
(issue 16): uncertainty.interval_frame's numpy grouping against its pandas groupby loop,
the uint32 bootstrap indexes against the int64 ones, and the figures of whole rounds,
trends and periods computed both ways on seeded data."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest

from ipm_model import results as r
from ipm_model import uncertainty as u
from ipm_model.disclosure import ladder_rungs, nested_shown
from ipm_model.questionnaire import default_questionnaire
from ipm_model.scoring import participant_phase_scores
from tests.unit.test_round_parts import _round

Q = default_questionnaire()


def _old_interval_frame(scores, keys, context=(), seed_columns=None):
    """interval_frame as it was (a pandas groupby loop): the reference."""
    group = [*keys, "phase_id"]
    seed_columns = list(keys if seed_columns is None else seed_columns)
    rows = []
    scored = scores.dropna(subset=["score"])
    for values, cell in scored.groupby(group, sort=False):
        values = values if isinstance(values, tuple) else (values,)
        seed = u.cell_seed(context, [cell[c].iloc[0] for c in seed_columns], values[-1])
        rows.append((*values, *u.interval(cell["score"].to_numpy(), seed)))
    return pd.DataFrame(rows, columns=[*group, *u.INTERVAL_COLUMNS])


def _old_hidden_over_rungs(answers, q, minimum, statement_ids=None, scores=None):
    """results._hidden_over_rungs as it was (a pandas groupby loop, scoring the people
    itself; `scores` ignored): the reference."""
    if answers.empty:
        return set()
    last = answers.groupby(["workshop_id", "chain_id"])["finish_order"].max()
    least = minimum if isinstance(minimum, Mapping) else None
    rungs = {
        key: ladder_rungs(int(n), int(least[key[0]] if least else minimum))
        for key, n in last.items()
    }
    busy = [key for key, rr in rungs.items() if len(rr) > 1]
    if not busy:
        return set()
    keyed = answers.set_index(["workshop_id", "chain_id"]).index
    answers = answers[keyed.isin(busy)]
    people = answers.drop_duplicates("participant").set_index("participant")
    scores = participant_phase_scores(answers, q, statement_ids=statement_ids)
    scores = scores.dropna(subset=["score"]).join(
        people[["workshop_id", "chain_id", "finish_order"]], on="participant"
    )
    rated = answers[pd.to_numeric(answers["value"], errors="coerce").notna()]
    hidden = set()
    for frame, key in ((scores, "phase_id"), (rated, "statement_id")):
        groups = frame.groupby(["workshop_id", "chain_id", key])["finish_order"]
        for (wid, cid, k), positions in groups:
            chain_rungs = rungs[(wid, cid)]
            m = int(least[wid] if least else minimum)
            positions = positions.astype(int).to_numpy()
            cells = [frozenset(positions[positions <= rr].tolist()) for rr in chain_rungs]
            if not nested_shown(cells, m)[-1]:
                hidden.add((int(wid), int(cid), str(k)))
    return hidden


def _old_mean_draws(values, seed, resamples=u.RESAMPLES):
    """mean_draws as it was before the uint32 indexes (the reference)."""
    scores = np.asarray(values, dtype=float)
    scores = np.sort(scores[~np.isnan(scores)])
    n = len(scores)
    if n < u.MIN_N:
        return None
    rng = np.random.default_rng(seed)
    mean = float(scores.mean())
    if n < u.SMALL_N:
        sd = float(scores.std(ddof=1))
        return mean + sd / math.sqrt(n) * rng.standard_t(n - 1, resamples)
    means = scores[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
    widen = math.sqrt(n / (n - 1)) * u.t_quantile(n - 1) / u._Z
    return mean + (means - mean) * widen


@pytest.mark.parametrize("n", [0, 1, 2, 3, 9, 10, 11, 20, 37, 64, 800, 1500])
def test_mean_draws_are_the_draws_of_the_int64_indexes(n):
    values = np.random.default_rng(n).uniform(1, 5, n)
    if n > 3:
        values[1] = np.nan  # a person without a score in the phase
    for seed in (0, 1, u.group_seed(12, 3, "doen"), 2**32 - 1):
        old, new = _old_mean_draws(values, seed), u.mean_draws(values, seed)
        if old is None:
            assert new is None
        else:
            np.testing.assert_array_equal(new, old)


def _scores(seed: int, cells: int = 60) -> pd.DataFrame:
    """Participant scores of many cells: sizes from 0 to 30 (t draws below SMALL_N, none
    below MIN_N), NaN scores, rows of the cells interleaved as a database returns them."""
    rng = np.random.default_rng(seed)
    rows = []
    phases = ["hc", "doen", "plan", "check"]
    for cell in range(cells):
        chain, phase = 1 + cell // len(phases), phases[cell % len(phases)]
        for person in range(int(rng.integers(0, 31))):
            score = np.nan if rng.random() < 0.1 else float(rng.integers(4, 21)) / 4
            rows.append((int(rng.integers(1, 4)), chain, f"p{chain}-{person}", phase, score))
    frame = pd.DataFrame(
        rows, columns=["workshop_id", "chain_id", "participant", "phase_id", "score"]
    )
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    ("keys", "context", "seed_columns"),
    [
        (["chain_id"], (7,), None),
        ([], (7, "all"), None),
        (["workshop_id"], (), ["workshop_id", "chain_id"]),
        (["workshop_id", "chain_id"], (3, 4), None),
    ],
)
def test_interval_frame_equals_the_groupby_loop(seed, keys, context, seed_columns):
    scores = _scores(seed)
    if seed_columns == ["workshop_id", "chain_id"]:
        scores = scores.assign(chain_id=5)  # constant within a cell, as trend_round has it
    if seed == 2:  # string columns as the database frames hold them
        scores = scores.astype({"phase_id": "string[pyarrow]", "participant": "string[pyarrow]"})
    new = u.interval_frame(scores, keys, context, seed_columns)
    old = _old_interval_frame(scores, keys, context, seed_columns)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert new[list(u.INTERVAL_COLUMNS)].notna().any().all()  # not all empty by accident


def test_interval_frame_of_nothing_and_of_missing_keys():
    empty = _scores(0).iloc[0:0]
    pd.testing.assert_frame_equal(
        u.interval_frame(empty, ["chain_id"]), _old_interval_frame(empty, ["chain_id"])
    )
    scores = _scores(1).astype({"chain_id": float})
    scores.loc[::7, "chain_id"] = np.nan  # groupby leaves rows with a missing key out
    scores.loc[::5, "score"] = np.nan
    pd.testing.assert_frame_equal(
        u.interval_frame(scores, ["chain_id"], (1,)),
        _old_interval_frame(scores, ["chain_id"], (1,)),
        check_exact=True,
    )


def _old_paths(monkeypatch):
    monkeypatch.setattr(u, "interval_frame", _old_interval_frame)
    monkeypatch.setattr(u, "mean_draws", _old_mean_draws)
    monkeypatch.setattr(r, "_hidden_over_rungs", _old_hidden_over_rungs)


def _assert_results_equal(a: r.RoundResults, b: r.RoundResults) -> None:
    for name in ("phases", "statements", "overall", "scores", "ambition"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert (a.finished, a.flagged, a.left_out) == (b.finished, b.flagged, b.left_out)


@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.parametrize("minimum", [3, 5])
def test_round_results_equal_the_old_paths(monkeypatch, seed, minimum):
    # Chains below the minimum (hidden), on the ladder's rungs, with people left out.
    answers = _round(Q, {1: 2, 2: 4, 3: 7, 4: 12, 5: 19, 6: 26}, seed=seed)
    answers["left_out"] = (answers["chain_id"] == 6) & answers["finish_order"].isin([2, 9])
    # Flagged in a round whose switch was on once and is off now (chain 5).
    answers["flagged"] = answers["left_out"] | (
        (answers["chain_id"] == 5) & answers["finish_order"].isin([4])
    )
    fast = r.round_results(answers, Q, minimum)
    with monkeypatch.context() as m:
        _old_paths(m)
        slow = r.round_results(answers, Q, minimum)
    _assert_results_equal(fast, slow)
    assert fast.phases["ci_low"].notna().any()


def test_trend_and_period_figures_equal_the_old_paths(monkeypatch):
    rounds, frames = [], []
    for wid in (1, 2, 3):
        frame = _round(Q, {1: 6 + wid, 2: 11, 3: 3 * wid}, seed=wid).assign(workshop_id=wid)
        frame["left_out"] = False
        frame["flagged"] = False
        frames.append(frame)
        rounds.append(type("W", (), {"id": wid, "min_group_size": 3, "date": f"2026-0{wid}"}))
    answers = pd.concat(frames, ignore_index=True)
    qs = {w.id: Q for w in rounds}

    def compute():
        trend = r.chain_trend_parts(answers, rounds, 1, qs)
        return trend, r.period_results(answers, rounds, qs), r.trend_difference(trend, 1, 3)

    fast = compute()
    with monkeypatch.context() as m:
        _old_paths(m)
        slow = compute()
    pd.testing.assert_frame_equal(fast[0].stats, slow[0].stats, check_exact=True)
    pd.testing.assert_frame_equal(fast[0].scores, slow[0].scores, check_exact=True)
    pd.testing.assert_frame_equal(fast[1], slow[1], check_exact=True)
    pd.testing.assert_frame_equal(fast[2], slow[2], check_exact=True)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_hidden_over_rungs_equals_the_groupby_loop(seed):
    frames = [
        _round(Q, {1: 4, 2: 9, 3: 17, 4: 26}, seed=seed).assign(workshop_id=wid) for wid in (1, 2)
    ]
    answers = pd.concat(frames, ignore_index=True)
    answers["participant"] = answers["workshop_id"].astype(str) + "-" + answers["participant"]
    for minimum in (3, 5, {1: 3, 2: 5}):
        new = r._hidden_over_rungs(answers, Q, minimum)
        assert new == _old_hidden_over_rungs(answers, Q, minimum)
        assert new  # the ladder hides something here, so the comparison means something
    shared = [s.id for s in Q.statements][::2]
    assert r._hidden_over_rungs(answers, Q, 3, shared) == _old_hidden_over_rungs(
        answers, Q, 3, shared
    )


def test_disclosed_answers_decide_each_chain_as_the_row_by_row_rule():
    from ipm_model.disclosure import disclosed_size

    frames = [
        _round(Q, {1: 2, 2: 5, 3: 9, 4: 14, 5: 23}, seed=wid).assign(workshop_id=wid)
        for wid in (1, 2)
    ]
    answers = pd.concat(frames, ignore_index=True)
    for minimum in (3, 5, {1: 3, 2: 5}):
        least = (
            answers["workshop_id"].map(minimum)
            if isinstance(minimum, Mapping)
            else pd.Series(minimum, index=answers.index)
        )
        order = answers["finish_order"].astype(int)
        finished = order.groupby([answers["workshop_id"], answers["chain_id"]]).transform("max")
        sizes = [disclosed_size(int(f), int(m)) or 0 for f, m in zip(finished, least, strict=True)]
        expected = answers[order.to_numpy() <= np.array(sizes)].reset_index(drop=True)
        pd.testing.assert_frame_equal(r.disclosed_answers(answers, minimum), expected)


@pytest.mark.parametrize("seed", [3, 4])
def test_scores_of_everyone_once_equal_the_scores_of_each_subset(seed):
    # _chain_figures scores every person once and hands the scores to the ladder's check
    # and to the shown cells' scores, which used to score their own subsets of people.
    from ipm_model.scoring import group_phase_stats, suppress_small_groups

    answers = _round(Q, {1: 2, 2: 4, 3: 9, 4: 17, 5: 26}, seed=seed)
    everyone = participant_phase_scores(answers, Q)
    for minimum in (3, 5):
        busy = answers[answers["chain_id"] != 2]
        assert r._hidden_over_rungs(busy, Q, minimum, scores=everyone) == r._hidden_over_rungs(
            busy, Q, minimum
        )
        counted = r.disclosed_answers(answers, minimum)
        phases = suppress_small_groups(group_phase_stats(counted, Q, by=("chain_id",)), minimum)
        shown = r._shown_scores(counted, Q, phases, ["chain_id"], everyone)
        pd.testing.assert_frame_equal(
            shown, r._shown_scores(counted, Q, phases, ["chain_id"]), check_exact=True
        )
        assert len(shown)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_quantiles_of_all_cells_at_once_equal_each_cells_own(seed):
    rng = np.random.default_rng(seed)
    draws = []
    for n in [0, 1, 2, 3, 9, 10, 11, 25, 40, 200, *rng.integers(2, 60, 40).tolist()]:
        values = rng.integers(4, 21, n) / 4
        if n == 25:
            values[:] = 5.0  # every draw at the top: the interval clipped to the scale
        draws.append(u.mean_draws(values, int(rng.integers(2**32))))
    assert any(d is None for d in draws) and any(d is not None for d in draws)
    assert u._many_bounds(draws) == [u._bounds(d) for d in draws]
    assert u._many_bounds([]) == [] and u._many_bounds([None]) == [u._bounds(None)]


def test_quantiles_in_blocks_equal_each_cells_own(monkeypatch):
    """Cells past one block (and a block of only missing cells) are each their own."""
    rng = np.random.default_rng(7)
    draws = [
        None if k % 4 == 0 else u.mean_draws(rng.integers(4, 21, 12) / 4, k) for k in range(11)
    ]
    monkeypatch.setattr(u, "_QUANTILE_BLOCK", 3)
    assert u._many_bounds(draws) == [u._bounds(d) for d in draws]


def test_numeric_rows_are_the_rows_to_numeric_reads_as_numbers():
    values = pd.Series(["1", "5", "dk", "na", None, "2.5", "x", "", " 3", "1e1", "5"] * 3)
    for frame in (values, values.astype("string[pyarrow]"), values.astype(object)):
        expected = pd.to_numeric(frame, errors="coerce").notna().to_numpy()
        np.testing.assert_array_equal(r._numeric(frame), expected)
    assert r._numeric(values.iloc[0:0]).shape == (0,)
