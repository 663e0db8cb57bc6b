"""Handvatten: next steps per statement, which of them a chain sees first, and the texts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ipm_model.handvatten import (
    Focus,
    focus_phases,
    focus_reason,
    handvatten_markdown,
    next_steps,
    phase_steps,
    statement_steps,
    statement_steps_markdown,
)
from ipm_model.i18n import escape_markdown
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import QUESTIONNAIRE_DIR


def _statements(q, means: dict[str, float], hidden: tuple[str, ...] = ()) -> pd.DataFrame:
    """One chain's statement rows as suppress_small_groups leaves them (others score 4.0)."""
    return pd.DataFrame(
        {
            "chain_id": 1,
            "phase_id": [s.phase_id for s in q.statements],
            "statement_id": list(q.statement_ids),
            "mean": [math.nan if s.id in hidden else means.get(s.id, 4.0) for s in q.statements],
            "scores_hidden": [s.id in hidden for s in q.statements],
        }
    )


# -- the steps live on the statements --------------------------------------------------------------


def test_every_v2_statement_has_one_or_two_steps_for_named_roles(questionnaire_v2):
    steps = next_steps(questionnaire_v2)
    assert set(steps) == set(questionnaire_v2.statement_ids)
    assert all(1 <= len(v) <= 2 for v in steps.values())


def test_there_is_no_separate_per_phase_handvatten_file_any_more():
    assert not (QUESTIONNAIRE_DIR / "handvatten").exists()


def test_a_v1_statement_takes_the_steps_of_its_kept_id_in_v2(questionnaire, questionnaire_v2):
    v1, v2 = next_steps(questionnaire), next_steps(questionnaire_v2)
    kept = set(questionnaire.statement_ids) & set(questionnaire_v2.statement_ids)
    assert kept and set(v1) == kept  # v1 has no steps of its own; dropped ids get none
    assert all(v1[sid] == v2[sid] for sid in kept)


def test_the_lowest_statements_come_first_and_hidden_means_never_count(questionnaire_v2):
    q = questionnaire_v2
    low, lower, hidden = q.statement_ids[10], q.statement_ids[3], q.statement_ids[0]
    stats = _statements(q, {low: 2.5, lower: 1.8, hidden: 1.0}, hidden=(hidden,))
    items = statement_steps(stats, q, top=2)
    assert [i.statement_id for i in items] == [lower, low]
    assert items[0].mean == pytest.approx(1.8) and items[0].steps == q.statement(lower).steps


def test_ties_keep_questionnaire_order(questionnaire_v2):
    q = questionnaire_v2
    items = statement_steps(_statements(q, {}), q, top=3)
    assert [i.statement_id for i in items] == list(q.statement_ids[:3])


def test_phase_steps_are_the_phases_own_lowest_statements_without_repeats(questionnaire_v2):
    q = questionnaire_v2
    doen = [s.id for s in q.phase("doen").statements]
    stats = _statements(q, {doen[5]: 2.0, doen[2]: 2.2, doen[0]: 2.4})
    steps = phase_steps((Focus("doen", weakest=True),), stats, q, skip={doen[5]})
    assert [i.statement_id for i in steps["doen"]] == [doen[2], doen[0]]


# -- which phases get their handvatten shown ---------------------------------------------------


def _stats(
    means: dict[str, float], hidden: tuple[str, ...] = (), other: float = 3.0
) -> pd.DataFrame:
    """One chain's phase rows as suppress_small_groups leaves them."""
    return pd.DataFrame(
        {
            "chain_id": 1,
            "phase_id": list(PHASE_IDS),
            "participants": 6,
            "n": [2 if p in hidden else 6 for p in PHASE_IDS],
            "mean": [math.nan if p in hidden else means.get(p, other) for p in PHASE_IDS],
            "sd": 0.5,
            "suppressed": False,
            "scores_hidden": [p in hidden for p in PHASE_IDS],
        }
    )


def test_focus_is_the_two_weakest_phases_in_model_order():
    focus = focus_phases(_stats({"borgen": 2.5, "toekomst": 2.7, "groeien": 2.8}))
    assert focus == (Focus("toekomst", weakest=True), Focus("borgen", weakest=True))


def test_focus_adds_the_weak_foundation_of_an_order_signal():
    # Doen (4.2) and groeien (4.0) score high on structuur (2.8): structuur is their foundation.
    means = {"inzicht": 3.4, "structuur": 2.8, "doen": 4.2, "groeien": 4.0, "borgen": 2.6}
    focus = focus_phases(_stats(means), weakest=1)
    assert focus == (
        Focus("structuur", weakest=False, foundation_for=("doen", "groeien")),
        Focus("borgen", weakest=True),
    )


def test_focus_marks_a_phase_that_is_both_weakest_and_a_foundation():
    # Every later phase (3.5) is 1.5 above structuur (2.0).
    focus = focus_phases(_stats({"structuur": 2.0}, other=3.5), weakest=1)
    assert focus == (
        Focus("structuur", weakest=True, foundation_for=("doen", "groeien", "borgen")),
    )


def test_hidden_scores_never_become_a_focus():
    stats = _stats({"inzicht": 1.5, "borgen": 2.0}, hidden=("inzicht",))
    assert [f.phase_id for f in focus_phases(stats, weakest=1)] == ["borgen"]


def test_no_focus_without_shown_scores():
    stats = _stats({}, hidden=PHASE_IDS)
    assert focus_phases(stats) == ()


# -- texts -----------------------------------------------------------------------------------


def test_focus_reason_names_why(questionnaire):
    assert focus_reason(Focus("borgen", weakest=True), questionnaire, "nl") == (
        "een van de zwakste fases"
    )
    both = Focus("structuur", weakest=True, foundation_for=("doen", "groeien", "borgen"))
    assert focus_reason(both, questionnaire, "en") == (
        "one of the weakest phases; the foundation for Do, Grow and Sustain"
    )


def test_markdown_opens_with_the_key_question_and_lists_the_steps_per_role(questionnaire_v2):
    q = questionnaire_v2
    doen = q.phase("doen").statements[1]
    focus = (Focus("doen", foundation_for=("groeien",)),)
    steps = phase_steps(focus, _statements(q, {doen.id: 1.5}), q, per_phase=1)
    text = handvatten_markdown(focus, q, "nl", steps=steps)
    assert "### Doen (de basis onder Groeien)" in text
    key_question = q.phase("doen").key_question.nl
    assert f"**Openingsvraag:** _{escape_markdown(key_question)}_" in text
    assert f"**{escape_markdown(doen.text.nl)}** (1,5)" in text
    for step in doen.steps:
        assert escape_markdown(step.text.nl) in text
    english = statement_steps_markdown(
        statement_steps(_statements(q, {doen.id: 1.5}), q, 1), q, "en"
    )
    assert (
        f"({escape_markdown('1.5')})" in english
        and escape_markdown(doen.steps[0].text.en) in english
    )


def test_markdown_without_focus_says_why(questionnaire):
    assert (
        handvatten_markdown((), questionnaire, "en", steps={})
        == "No next steps yet\\: they need scores\\.\n"
    )
