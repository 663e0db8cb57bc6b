"""Phase scores with hand-computed expected values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ipm_model.scoring import (
    answered_count,
    group_phase_summary,
    open_statements,
    own_phase_scores,
    participant_phase_scores,
)


def _ids(questionnaire, phase_id):
    return [s.id for s in questionnaire.phase(phase_id).statements]


def test_own_score_is_mean_of_answered_values_without_dk_and_na(questionnaire):
    ids = _ids(questionnaire, "inzicht")  # 7 statements
    answers = dict(zip(ids, ["1", "2", "4", "5", "3", "dk", "na"], strict=True))
    row = own_phase_scores(answers, questionnaire).set_index("phase_id").loc["inzicht"]
    assert row["score"] == pytest.approx((1 + 2 + 4 + 5 + 3) / 5)
    assert (row["answered"], row["dont_know"], row["not_applicable"]) == (5, 1, 1)


def test_too_few_answers_gives_no_score_not_zero(questionnaire):
    ids = _ids(questionnaire, "doen")
    # 4 of 7 answered with a value: 57% < 60%
    answers = dict(zip(ids, ["5", "5", "5", "5", "dk", "dk", "na"], strict=True))
    row = own_phase_scores(answers, questionnaire).set_index("phase_id").loc["doen"]
    assert math.isnan(row["score"])
    assert row["answered"] == 4


def test_exactly_enough_answers_gives_a_score(questionnaire):
    ids = _ids(questionnaire, "doen")
    answers = dict(zip(ids[:5], ["2", "2", "3", "3", "5"], strict=True))
    row = own_phase_scores(answers, questionnaire).set_index("phase_id").loc["doen"]
    assert row["score"] == pytest.approx(3.0)


def test_no_answers_gives_seven_phases_without_scores(questionnaire):
    frame = own_phase_scores({}, questionnaire)
    assert list(frame["phase_id"]) == [p.id for p in questionnaire.phases]
    assert frame["score"].isna().all()


def test_unknown_statements_are_ignored(questionnaire):
    ids = _ids(questionnaire, "borgen")
    answers = {sid: "4" for sid in ids} | {"made-up": "1"}
    row = own_phase_scores(answers, questionnaire).set_index("phase_id").loc["borgen"]
    assert row["score"] == 4.0


def test_group_summary_is_mean_of_participant_scores(questionnaire):
    ids = _ids(questionnaire, "structuur")
    rows = []
    for person, value in (("a", "2"), ("b", "4"), ("c", "5")):
        rows += [(person, sid, value) for sid in ids]
    rows += [("d", sid, "dk") for sid in ids]  # no score for d: not counted in n
    frame = pd.DataFrame(rows, columns=["participant", "statement_id", "value"])
    summary = group_phase_summary(participant_phase_scores(frame, questionnaire))
    row = summary.set_index("phase_id").loc["structuur"]
    assert row["n"] == 3
    assert row["participants"] == 4
    assert row["mean"] == pytest.approx(11 / 3)
    assert row["sd"] == pytest.approx(pd.Series([2, 4, 5]).std(ddof=1))


def test_answered_and_open_counts(questionnaire):
    ids = questionnaire.statement_ids
    answers = {ids[0]: "dk", ids[1]: "3", "not-a-statement": "1"}
    assert answered_count(answers, questionnaire) == 2
    assert open_statements(answers, questionnaire) == list(ids[2:])
