"""Reliability (Cronbach's alpha, item-rest), misfits and response flags (ipm_model.quality)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from ipm_model import quality
from ipm_model.questionnaire import default_questionnaire
from ipm_model.results import response_quality, round_quality, statement_misfits

Q = default_questionnaire()


def _likert(rng: np.random.Generator, people: int, items: int, noise: float) -> np.ndarray:
    latent = rng.normal(3, 0.8, (people, 1))
    return np.clip(np.rint(latent + rng.normal(0, noise, (people, items))), 1, 5)


@pytest.mark.parametrize(("seed", "noise"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0)])
def test_alpha_agrees_with_pingouin(seed, noise):
    """pingouin (dev-only dependency) is the independent oracle."""
    pg = pytest.importorskip("pingouin")
    matrix = _likert(np.random.default_rng(seed), 40, 7, noise)
    expected, _ = pg.cronbach_alpha(data=pd.DataFrame(matrix), nan_policy="listwise")
    assert quality.cronbach_alpha(matrix) == pytest.approx(expected, abs=1e-12)


def test_alpha_on_pingouins_published_example():
    """pingouin's documented example data set, listwise: the same as its own function."""
    pg = pytest.importorskip("pingouin")
    data = pg.read_dataset("cronbach_alpha")
    wide = data.pivot_table(index="Subj", columns="Items", values="Scores").dropna()
    expected, _ = pg.cronbach_alpha(data=wide, nan_policy="listwise")
    assert quality.cronbach_alpha(wide.to_numpy()) == pytest.approx(expected, abs=1e-12)


def test_alpha_on_a_hand_worked_example():
    """Four people, three items, worked out by hand:
    item variances 11/12, 2/3, 11/12 (sum 5/2); sums 6, 9, 9, 12 have variance 6;
    alpha = 3/2 · (1 − (5/2)/6) = 0.875"""
    matrix = np.array([[2, 2, 2], [3, 3, 3], [4, 3, 2], [4, 4, 4]])
    assert quality.cronbach_alpha(matrix) == pytest.approx(0.875)


def test_item_rest_is_the_correlation_with_the_other_items():
    matrix = _likert(np.random.default_rng(5), 30, 5, 1.0)
    for j, r in enumerate(quality.item_rest(matrix)):
        rest = np.delete(matrix, j, axis=1).sum(axis=1)
        assert r == pytest.approx(np.corrcoef(matrix[:, j], rest)[0, 1])


@pytest.mark.parametrize(
    "matrix",
    [np.ones((12, 7)) * 3, np.ones((1, 7)), np.empty((0, 7)), np.ones((12, 1))],
    ids=["identical", "one person", "nobody", "one item"],
)
def test_degenerate_input_gives_no_figure_and_no_warning(matrix):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(quality.cronbach_alpha(matrix))
        assert np.isnan(quality.item_rest(matrix)).all()
    assert quality.verdict(float("nan"), 30) == quality.TOO_FEW


def test_verdicts_and_the_minimum_number_of_people():
    assert quality.verdict(0.85, 20) == "good"
    assert quality.verdict(0.72, 20) == "sufficient"
    assert quality.verdict(0.65, 20) == "doubtful"
    assert quality.verdict(0.3, 20) == "weak"
    assert quality.verdict(0.95, quality.MIN_RELIABILITY_N - 1) == quality.TOO_FEW


def _answers(workshop: int, people: int, seed: int, bad: str | None = None) -> pd.DataFrame:
    """A round of one chain; `bad` gets random answers (does not fit its phase)."""
    rng = np.random.default_rng(seed)
    rows = []
    for person in range(1, people + 1):
        level = rng.normal(3, 0.8)
        for s in Q.statements:
            x = rng.uniform(1, 5) if s.id == bad else level + rng.normal(0, 0.6)
            value = str(int(np.clip(np.rint(x), 1, 5)))
            rows.append((workshop, 1, f"w{workshop}p{person}", "r", "", s.id, value, person))
    columns = ["workshop_id", "chain_id", "participant", "role", "partner"]
    return pd.DataFrame(rows, columns=[*columns, "statement_id", "value", "finish_order"])


def test_a_statement_that_does_not_fit_across_rounds_is_flagged():
    bad = Q.phase("doen").statements[2].id
    answers = pd.concat([_answers(w, 30, w, bad) for w in (1, 2, 3)], ignore_index=True)
    rounds = [type("W", (), {"id": w, "min_group_size": 3})() for w in (1, 2, 3)]
    assert statement_misfits(answers, rounds, {1: Q, 2: Q, 3: Q}) == [bad]
    phases, items = round_quality(answers[answers["workshop_id"] == 1], Q, 3)
    assert set(phases["verdict"]) <= {"good", "sufficient"}
    assert items.set_index("statement_id").loc[bad, "item_rest"] < quality.MISFIT_ITEM_REST


def test_quality_of_a_tiny_round_or_only_dont_know_says_too_few():
    phases, items = round_quality(_answers(1, 4, 1), Q, 3)
    assert set(phases["verdict"]) == {quality.TOO_FEW} and items["item_rest"].isna().all()
    dk = _answers(1, 20, 2).assign(value="dk")
    assert set(round_quality(dk, Q, 3)[0]["verdict"]) == {quality.TOO_FEW}
    assert set(round_quality(dk.iloc[:0], Q, 3)[0]["verdict"]) == {quality.TOO_FEW}


def test_response_flags_count_straight_and_fast_answers_only():
    answers = _answers(1, 6, 3)
    answers.loc[answers["participant"] == "w1p2", "value"] = "4"  # straight
    seconds = pd.Series({"w1p1": 600.0, "w1p2": 700.0, "w1p3": 30.0, "w1p4": 0.0})
    counts = response_quality(answers, seconds)
    # w1p3: 49 answers in 30 s; w1p4: no real duration (loaded); w1p5, w1p6: unknown.
    assert counts == {"straight": 1, "fast": 1, "flagged": 2, "finished": 6}
    empty = response_quality(answers.iloc[:0], seconds)
    assert empty == {"straight": 0, "fast": 0, "flagged": 0, "finished": 0}
