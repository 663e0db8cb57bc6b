"""The result screen's own radar series (ui/result.py own_radar_frame): the same figures,
radar and table as the pandas frame it was built as before, on seeded answers."""

from __future__ import annotations

import random

import pandas as pd
from pandas.testing import assert_frame_equal

from ipm_model import charts
from ipm_model.formats import for_display
from ipm_model.questionnaire import default_questionnaire
from ipm_model.scoring import ambition_id, own_phase_scores
from ui.charts import radar_key
from ui.result import own_radar_frame, own_radar_rows

Q = default_questionnaire()
VALUES = ["1", "2", "3", "4", "5", "dk", "na", ""]


def _reference(answers, role, partner, me, mine):
    """The frame as show_result built it before (dict rows through pandas)."""
    own = own_phase_scores(answers, Q, role=role, partner=partner)
    rows = [
        {"series": me, "phase_id": r.phase_id, "score": r.score, "n": 1, "sd": float("nan")}
        for r in own.itertuples()
    ]
    aims = {ph.id: answers.get(ambition_id(ph.id)) for ph in Q.phases}
    if any(v in {"1", "2", "3", "4", "5"} for v in aims.values()):
        rows += [
            {
                "series": mine,
                "phase_id": pid,
                "score": float(v) if v in {"1", "2", "3", "4", "5"} else float("nan"),
                "n": 1,
                "sd": float("nan"),
            }
            for pid, v in aims.items()
        ]
    return for_display(pd.DataFrame(rows))


def _new(answers, role, partner, me, mine):
    """The frame as show_result builds it now."""
    own = own_phase_scores(answers, Q, role=role, partner=partner)
    return for_display(own_radar_frame(own_radar_rows(own, answers, Q, me, mine)))


def _with_intervals(frame):
    return frame.assign(**{c: frame.get(c, float("nan")) for c in charts.INTERVAL_COLUMNS})


def test_own_series_gives_the_same_radar_and_table_as_before():
    rng = random.Random(16)
    roles = [("ketenteam", ""), ("partner", "gemeente"), ("mt", ""), ("professional", "")]
    labels = Q.phase_names("nl")
    for case in range(60):
        role, partner = roles[case % len(roles)]
        answers = {s.id: rng.choice(VALUES) for s in Q.statements if rng.random() < 0.9}
        if case % 3:
            for ph in Q.phases:
                answers[ambition_id(ph.id)] = rng.choice(VALUES)
        old = _reference(answers, role, partner, "Ik", "Mijn ambitie")
        new = _new(answers, role, partner, "Ik", "Mijn ambitie")
        assert_frame_equal(new, old, check_dtype=False)
        assert new["phase_id"].dtype == object
        assert radar_key(_with_intervals(new), labels, "nl", "t") == radar_key(
            _with_intervals(old), labels, "nl", "t"
        )
        assert_frame_equal(
            charts.radar_table(_with_intervals(new), labels),
            charts.radar_table(_with_intervals(old), labels),
        )
