"""Role routing: a participant sees, and is scored on, only the statements of their role kind."""

from __future__ import annotations

import pandas as pd
import pytest

from ipm_model.phases import PHASE_IDS
from ipm_model.scoring import (
    answered_count,
    group_phase_stats,
    open_statements,
    own_phase_scores,
    participant_phase_scores,
    statement_stats,
)


def _answers(q, people: dict[str, tuple[str, str, str]]) -> pd.DataFrame:
    """people: {pid: (role, partner, value)}: every shown statement answered with value."""
    rows = []
    for pid, (role, partner, value) in people.items():
        from ipm_model.questionnaire import role_kind

        for s in q.statements_for(role_kind(role, partner)):
            rows.append((pid, role, partner, s.id, value))
    return pd.DataFrame(rows, columns=["participant", "role", "partner", "statement_id", "value"])


def test_a_partner_sees_fewer_statements_and_progress_counts_them(questionnaire_v2):
    q = questionnaire_v2
    shown = q.statements_for("partner")
    assert 28 <= len(shown) < len(q.statements)
    answers = {s.id: "4" for s in shown}
    assert answered_count(answers, q, "partner") == len(shown)
    assert open_statements(answers, q, "partner") == []
    # The same answers leave the MT-only statements open for an MT member.
    assert set(open_statements(answers, q, "mt")) == {s.id for s in q.statements if s not in shown}


def test_a_partner_gets_a_score_on_every_phase(questionnaire_v2):
    q = questionnaire_v2
    answers = {s.id: "2" for s in q.statements_for("partner")}
    scores = own_phase_scores(answers, q, role="partner", partner="Werkbedrijf")
    assert list(scores["phase_id"]) == list(PHASE_IDS)
    assert scores["score"].tolist() == [2.0] * 7
    # statements = what the partner was shown, per phase
    assert scores["statements"].tolist() == [
        len(q.phase_statements(p, "partner")) for p in PHASE_IDS
    ]


def test_the_minimum_answered_rule_uses_the_shown_statements(questionnaire_v2):
    q = questionnaire_v2
    shown = q.phase_statements("toekomst", "medewerker")  # 4 statements
    assert len(shown) == 4
    # 3 of 4 shown answered (75 %): a score, although 3 of 7 would be too few.
    answers = {s.id: "3" for s in shown[:3]}
    mine = own_phase_scores(answers, q, role="professional").set_index("phase_id")
    assert mine.loc["toekomst", "score"] == 3.0
    everyone = own_phase_scores(answers, q).set_index("phase_id")
    assert pd.isna(everyone.loc["toekomst", "score"])


def test_answers_to_statements_not_shown_do_not_count(questionnaire_v2):
    q = questionnaire_v2
    frame = _answers(q, {"p1": ("partner", "Werkbedrijf", "2")})
    hidden = [s.id for s in q.statements if not s.shown_to("partner")]
    extra = pd.DataFrame(
        [("p1", "partner", "Werkbedrijf", sid, "5") for sid in hidden], columns=frame.columns
    )
    scores = participant_phase_scores(pd.concat([frame, extra]), q)
    assert scores["score"].tolist() == [2.0] * 7


def test_rates_use_the_slots_each_person_was_shown(questionnaire_v2):
    q = questionnaire_v2
    frame = _answers(
        q,
        {
            "a": ("mt", "", "dk"),
            "b": ("partner", "Werkbedrijf", "dk"),
            "c": ("professional", "", "4"),
        },
    )
    stats = group_phase_stats(frame, q, by=()).set_index("phase_id")
    for p in PHASE_IDS:
        mt, partner, staff = (
            len(q.phase_statements(p, k)) for k in ("mt", "partner", "medewerker")
        )
        assert stats.loc[p, "dont_know_rate"] == pytest.approx(
            (mt + partner) / (mt + partner + staff)
        )
        assert stats.loc[p, "n"] == 1 and stats.loc[p, "mean"] == 4.0


def test_statement_participants_are_those_shown_it(questionnaire_v2):
    q = questionnaire_v2
    frame = _answers(q, {"a": ("mt", "", "4"), "b": ("professional", "", "4")})
    stats = statement_stats(frame, q, by=()).set_index("statement_id")
    for s in q.statements:
        expected = 1 + (1 if s.shown_to("mt") else 0) - 1 + (1 if s.shown_to("medewerker") else 0)
        assert stats.loc[s.id, "participants"] == expected
    assert list(stats.index) == list(q.statement_ids)


def test_version_1_is_not_routed(questionnaire):
    assert not questionnaire.routed
    answers = {s.id: "4" for s in questionnaire.statements}
    scores = own_phase_scores(answers, questionnaire, role="partner", partner="X")
    assert scores["statements"].tolist() == [7] * 7
