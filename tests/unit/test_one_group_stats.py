"""group_phase_stats for one group (by=()) takes a numpy path of its own; it must give the
grouped path's figures bit for bit, or the projector and the results page could round one
chain's score differently (3,4 against 3,5)."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from ipm_model.questionnaire import QUESTIONNAIRE_DIR, default_questionnaire, load_questionnaire
from ipm_model.scoring import GROUP_STAT_COLUMNS, group_phase_stats, suppress_small_groups

ROLES = ("medewerker", "ketenpartner", "mt", "keteneigenaar", "ketenteam", "", None)
VALUES = ("1", "2", "3", "4", "5", "dk", "na", "x")


def _questionnaires():
    return [default_questionnaire(), load_questionnaire(QUESTIONNAIRE_DIR / "ipm-ketenscan.toml")]


def _answers(seed: int, questionnaire) -> pd.DataFrame:
    """A seeded group: any size (also none), partial answers, unknown statements and
    values, roles with and without a partner, rows in any order."""
    rng = random.Random(seed)
    rows = []
    for person in range(rng.randint(0, 14)):
        role, partner = rng.choice(ROLES), rng.choice(("", "Zorg BV", None))
        share = rng.random()
        for statement in questionnaire.statements:
            if rng.random() < share:
                rows.append((f"p{person}", role, partner, statement.id, rng.choice(VALUES)))
        if rng.random() < 0.2:
            rows.append((f"p{person}", role, partner, "not-a-statement", "3"))
    if seed % 2:
        rng.shuffle(rows)
    return pd.DataFrame(rows, columns=["participant", "role", "partner", "statement_id", "value"])


def _grouped(answers: pd.DataFrame, questionnaire, **kwargs) -> pd.DataFrame:
    """The same figures through pandas' grouping: one constant group key."""
    stats = group_phase_stats(answers.assign(_g=0), questionnaire, by=("_g",), **kwargs)
    return stats.drop(columns="_g")


@pytest.mark.parametrize("seed", range(120))
def test_one_group_equals_the_grouped_figures_exactly(seed):
    questionnaire = _questionnaires()[seed % 2]
    answers = _answers(seed, questionnaire)
    if seed % 5 == 1:
        answers = answers.astype({c: "string[pyarrow]" for c in ("statement_id", "value")})
    if seed % 7 == 2:
        answers = answers.drop(columns=["role", "partner"])
    ids = None
    if seed % 3 == 0:
        ids = [s.id for s in questionnaire.statements if random.Random(seed).random() < 0.7]
    ours = group_phase_stats(answers, questionnaire, by=(), statement_ids=ids)
    theirs = _grouped(answers, questionnaire, statement_ids=ids)
    assert list(ours.columns) == GROUP_STAT_COLUMNS
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
    for minimum in (1, 3, 5):
        pd.testing.assert_frame_equal(
            suppress_small_groups(ours, minimum),
            suppress_small_groups(theirs, minimum),
            check_exact=True,
        )


def test_one_group_counts_a_routed_partner_on_their_own_statements():
    questionnaire = default_questionnaire()
    partner_only = [s for s in questionnaire.statements if s.shown_to("partner")]
    rows = [("p1", "ketenpartner", "Zorg BV", s.id, "4") for s in partner_only]
    rows += [("p2", "medewerker", "", s.id, "2") for s in questionnaire.statements]
    answers = pd.DataFrame(
        rows, columns=["participant", "role", "partner", "statement_id", "value"]
    )
    stats = group_phase_stats(answers, questionnaire, by=()).set_index("phase_id")
    assert (stats["n"] == 2).all()
    assert (stats["mean"] == 3.0).all()
    assert (stats["dont_know_rate"] == 0).all()
    pd.testing.assert_frame_equal(
        stats.reset_index(), _grouped(answers, questionnaire), check_exact=True
    )


def test_no_answers_give_no_rows_with_the_documented_columns():
    questionnaire = default_questionnaire()
    empty = pd.DataFrame(columns=["participant", "role", "partner", "statement_id", "value"])
    stats = group_phase_stats(empty, questionnaire, by=())
    assert stats.empty and list(stats.columns) == GROUP_STAT_COLUMNS
