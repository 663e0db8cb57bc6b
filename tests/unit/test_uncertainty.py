"""Intervals of group scores and the change-versus-noise rule (ipm_model.uncertainty)."""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ipm_model import uncertainty as u
from ipm_model.questionnaire import default_questionnaire
from ipm_model.results import (
    chain_differences,
    chain_trend,
    for_display,
    period_results,
    radar_frame,
    round_results,
    trend_changes,
)
from ipm_model.scoring import participant_phase_scores

Q = default_questionnaire()
PHASES = [p.id for p in Q.phases]


def _phase_scores(rng: np.random.Generator, n: int, level: float = 3.1) -> np.ndarray:
    """Phase scores like the scan's: the mean of seven 1..5 answers per person."""
    latent = level + rng.normal(0, 0.5, (n, 1)) + rng.normal(0, 0.6, (n, 7))
    return np.clip(np.rint(latent), 1, 5).mean(axis=1)


@pytest.mark.parametrize("n", [3, 6, 12, 40])
def test_intervals_cover_the_true_mean_about_90_percent_of_the_time(n):
    rng = np.random.default_rng(n)
    true = _phase_scores(np.random.default_rng(0), 200_000).mean()
    repeats = 300
    hits = sum(
        lo <= true <= hi
        for lo, hi in (u.interval(_phase_scores(rng, n), seed) for seed in range(repeats))
    )
    assert 0.84 <= hits / repeats <= 0.96


def test_the_same_group_gives_the_same_interval_every_time():
    values = _phase_scores(np.random.default_rng(1), 25)
    seed = u.group_seed(7, 3, "doen")
    assert u.group_seed(7, 3, "doen") == seed  # stable across processes: crc32, not hash()
    assert u.interval(values, seed) == u.interval(values, seed)


def test_the_interval_does_not_depend_on_the_order_of_the_people():
    # PostgreSQL and SQLite return a group's rows in different orders; a report and a page
    # on either back-end must give the same interval (the bootstrap draws indexes).
    values = _phase_scores(np.random.default_rng(2), 25)
    seed = u.group_seed(7, 3, "doen")
    shuffled = np.random.default_rng(3).permutation(values)
    assert not np.array_equal(values, shuffled)
    assert u.interval(shuffled, seed) == u.interval(values, seed)
    assert u.difference(values, values[::-1] + 0.5, seed, seed + 1) == u.difference(
        shuffled, values + 0.5, seed, seed + 1
    )


def test_small_groups_reveal_nothing_beyond_mean_and_spread():
    """Below SMALL_N the interval depends only on n, mean and sd: the extremes stay hidden."""
    assert u.interval([2, 2, 5], 11) == u.interval([1, 4, 4], 11)  # same mean 3, same sd


def test_more_people_give_a_narrower_interval_and_wide_ones_are_flagged():
    rng = np.random.default_rng(2)
    small = u.interval(_phase_scores(rng, 4), 1)
    large = u.interval(_phase_scores(rng, 120), 1)
    assert small[1] - small[0] > large[1] - large[0]
    assert u.is_wide(2.0, 3.2) and not u.is_wide(*large)
    assert u.interval_note(3.0, 2.0, 3.2, "nl") == "weinig deelnemers: voorzichtig lezen"
    assert u.interval_note(3.0, 2.0, 3.2, "en") == "few participants: read with care"


@pytest.mark.parametrize(
    "values",
    [[], [3.0], [float("nan")] * 4, [4.0] * 5, [4.0] * 30, [1.0, float("nan")]],
)
def test_bad_input_never_crashes_or_divides_by_zero(values):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, high = u.interval(values, 5)
        d_low, d_high = u.difference(values, values, 1, 2)
    clean = [v for v in values if not math.isnan(v)]
    if len(clean) < u.MIN_N:
        assert math.isnan(low) and math.isnan(high)
        assert u.verdict(d_low, d_high) == u.UNKNOWN
        assert u.interval_note(3.0, low, high, "nl") == "te weinig gegevens"
    else:  # all identical: a zero-width interval, and no change
        assert low == high == clean[0]
        assert u.verdict(d_low, d_high) == u.NOISE


def test_the_change_rule():
    assert u.verdict(0.1, 0.6) == u.UP
    assert u.verdict(-0.6, -0.05) == u.DOWN
    assert u.verdict(-0.2, 0.4) == u.NOISE
    assert u.verdict(math.nan, 0.4) == u.UNKNOWN
    rng = np.random.default_rng(3)
    before, after = _phase_scores(rng, 40, 2.6), _phase_scores(rng, 40, 3.4)
    assert u.verdict(*u.difference(before, after, 1, 2)) == u.UP
    assert u.verdict(*u.difference(after, before, 1, 2)) == u.DOWN
    # A 0.3 move of eight people is within the noise.
    small_before, small_after = _phase_scores(rng, 8, 3.0), _phase_scores(rng, 8, 3.3)
    assert u.verdict(*u.difference(small_before, small_after, 1, 2)) == u.NOISE


def test_noise_changes_are_rarely_called_real():
    """Two rounds from the same population: about 10 % false alarms, not more."""
    rng = np.random.default_rng(4)
    calls = [
        u.verdict(*u.difference(_phase_scores(rng, 12), _phase_scores(rng, 12), s, s + 1))
        for s in range(200)
    ]
    assert sum(c != u.NOISE for c in calls) / len(calls) <= 0.16


# -- through results.py: the same people as the shown mean ------------------------------------


def _answers(sizes: dict[tuple[int, int], int], seed: int = 0, level: float = 3.0):
    """Answer frame of result_answers' shape; (workshop, chain) -> finished participants."""
    rng = np.random.default_rng(seed)
    rows = []
    for (workshop, chain), size in sizes.items():
        for order in range(1, size + 1):
            person = f"w{workshop}c{chain}p{order}"
            own = level + rng.normal(0, 0.6)
            for s in Q.statements:
                value = str(int(np.clip(np.rint(own + rng.normal(0, 0.7)), 1, 5)))
                rows.append((workshop, chain, person, "r", "", s.id, value, order))
    columns = [
        "workshop_id",
        "chain_id",
        "participant",
        "role",
        "partner",
        "statement_id",
        "value",
        "finish_order",
    ]
    return pd.DataFrame(rows, columns=columns)


def test_round_intervals_cover_only_the_counted_people_and_hidden_cells_get_none():
    answers = _answers({(1, 1): 8, (1, 2): 2, (1, 3): 12})  # minimum 3: 1 -> 6, 2 hidden, 3 -> 12
    results = round_results(answers, Q, 3)
    phases = results.phases
    hidden = phases[phases["chain_id"] == 2]
    assert hidden["ci_low"].isna().all() and hidden["ci_high"].isna().all()
    counted = answers[(answers["chain_id"] == 1) & (answers["finish_order"] <= 6)]
    scores = participant_phase_scores(counted, Q)
    for row in phases[phases["chain_id"] == 1].itertuples():
        own = scores[scores["phase_id"] == row.phase_id]["score"]
        assert row.mean == pytest.approx(own.mean())
        seed = u.cell_seed((1,), (1,), row.phase_id)
        assert (row.ci_low, row.ci_high) == pytest.approx(u.interval(own.to_numpy(), seed))
        assert row.ci_low <= row.mean <= row.ci_high
    assert results.overall["ci_low"].notna().all()


def test_a_phase_with_only_dont_know_answers_has_no_interval():
    answers = _answers({(1, 1): 6})
    dk = answers["statement_id"].isin([s.id for s in Q.phase("borgen").statements])
    answers.loc[dk, "value"] = "dk"
    phases = round_results(answers, Q, 3).phases
    borgen = phases[phases["phase_id"] == "borgen"].iloc[0]
    assert math.isnan(borgen["mean"]) and math.isnan(borgen["ci_low"])
    assert phases[phases["phase_id"] == "doen"]["ci_low"].notna().all()


def test_a_round_with_a_single_chain_and_an_empty_round_do_not_crash():
    results = round_results(_answers({(1, 1): 3}), Q, 3)
    assert results.phases["ci_low"].notna().all()
    empty = round_results(_answers({}), Q, 3)
    assert empty.phases.empty
    assert chain_differences(results, 1, 2)["verdict"].eq(u.UNKNOWN).all()


def test_intervals_reach_a_screen_rounded_like_the_mean():
    phases = round_results(_answers({(1, 1): 9}), Q, 3).phases
    frame = radar_frame(phases, "Keten")
    assert (frame["ci_low"] * 10 % 1).abs().max() < 1e-9
    assert for_display(phases)["ci_high"].equals(phases["ci_high"].round(1))


def test_trend_and_round_give_the_same_interval_and_changes_follow_the_rule():
    answers = pd.concat(
        [_answers({(1, 1): 30}, seed=1, level=2.2), _answers({(2, 1): 30}, seed=2, level=3.6)],
        ignore_index=True,
    )
    rounds = [SimpleNamespace(id=i, date=f"2025-0{i}-01", min_group_size=3) for i in (1, 2)]
    questionnaires = {1: Q, 2: Q}
    trend, _, _ = chain_trend(answers, rounds, 1, questionnaires)
    alone = round_results(answers[answers["workshop_id"] == 2], Q, 3).phases
    later = trend[trend["workshop_id"] == 2].reset_index(drop=True)
    assert later["ci_low"].to_numpy() == pytest.approx(alone["ci_low"].to_numpy())
    changes = trend_changes(answers, rounds, 1, questionnaires, 1, 2)
    assert set(changes["verdict"]) == {u.UP}
    same = trend_changes(answers, rounds, 1, questionnaires, 2, 2)
    assert set(same["verdict"]) == {u.NOISE}


def test_period_results_carry_intervals_and_two_chains_compare_by_the_rule():
    answers = pd.concat(
        [_answers({(1, 1): 20}, seed=3, level=2.0), _answers({(1, 2): 20}, seed=4, level=4.0)],
        ignore_index=True,
    )
    rounds = [SimpleNamespace(id=1, date="2025-01-01", min_group_size=3)]
    stats = period_results(answers, rounds, {1: Q})
    assert stats["ci_low"].notna().all()
    results = round_results(answers, Q, 3)
    assert set(chain_differences(results, 1, 2)["verdict"]) == {u.UP}
    assert set(chain_differences(results, 2, 1)["verdict"]) == {u.DOWN}
