"""One chain's findings and changes, decided once (results.chain_findings, shown_changes,
progress_changes) for the results page, the progress page and the report."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ipm_model.agenda import build_agenda
from ipm_model.handvatten import focus_phases, next_steps, phase_steps, statement_steps
from ipm_model.phases import PHASE_IDS
from ipm_model.questionnaire import default_questionnaire
from ipm_model.results import (
    chain_findings,
    chain_trend,
    previous_round,
    progress_changes,
    round_results,
    shown_changes,
    trend_changes,
)
from ipm_model.scoring import ambition_id, dont_know_hotspots, most_disagreement
from ipm_model.storage.store import Store

COLUMNS = list(Store.RESULT_ANSWER_COLUMNS)


def _answers(q, workshop_id: int, people: int, seed: int, *, shift: float = 0.0) -> pd.DataFrame:
    """A round of chain 1: every statement answered, some 'weet ik niet', scores that differ
    per statement (so the lowest statements and the focus phases are not ties), and an
    ambition per phase one point above the person's mean."""
    rng = np.random.default_rng(seed)
    level = {s.id: rng.uniform(1.5, 4.5) for s in q.statements}
    rows = []
    for order in range(1, people + 1):
        pid = f"w{workshop_id}p{order}"
        for s in q.statements:
            if rng.random() < 0.12:
                value = "dk"
            else:
                value = str(int(np.clip(round(level[s.id] + shift + rng.normal(0, 1.1)), 1, 5)))
            rows.append((workshop_id, 1, pid, "ketenteam", "", s.id, value, order))
        for p in PHASE_IDS:
            aim = str(int(np.clip(round(3 + shift + rng.normal(0.8, 0.6)), 1, 5)))
            rows.append((workshop_id, 1, pid, "ketenteam", "", ambition_id(p), aim, order))
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture(scope="module")
def two_rounds():
    q = default_questionnaire()
    rounds = (
        SimpleNamespace(id=1, date="2026-01-10", min_group_size=3),
        SimpleNamespace(id=2, date="2026-06-10", min_group_size=3),
    )
    answers = pd.concat(
        [_answers(q, 1, 9, seed=1), _answers(q, 2, 10, seed=1, shift=0.4)], ignore_index=True
    )
    versions = {w.id: q for w in rounds}
    trend, _, _ = chain_trend(answers, rounds, 1, versions)
    now = round_results(answers[answers["workshop_id"] == 2], q, 3)
    before = round_results(answers[answers["workshop_id"] == 1], q, 3)
    return SimpleNamespace(
        q=q,
        rounds=rounds,
        answers=answers,
        trend=trend,
        now=now,
        before=before,
        prev_shared=trend[trend["workshop_id"] == 1],
        now_shared=trend[trend["workshop_id"] == 2],
        noise=trend_changes(answers, rounds, 1, versions, 1, 2),
    )


def test_findings_are_the_agenda_handvatten_and_lists_of_the_chain(two_rounds):
    r, q = two_rounds, two_rounds.q
    assert previous_round(r.trend, r.rounds, r.rounds[1]) is r.rounds[0]
    stats, statements = r.now.chain(1), r.now.chain_statements(1)
    since = {
        "stats_now_shared": r.now_shared,
        "changes": r.noise,
        "ambition": r.now.chain_ambition(1),
    }
    found = chain_findings(stats, statements, q, r.prev_shared, **since)
    assert found.agenda == build_agenda(stats, statements, r.prev_shared, **since)
    assert found.agenda.gaps, "the ambition reaches the agenda"
    assert found.focus == focus_phases(stats) and found.focus
    assert found.lowest == statement_steps(statements, q) and found.lowest
    # The report lists per focus phase its own lowest statements; the page shows `lowest`
    # first and so leaves those out below the focus phases.
    assert found.steps == phase_steps(found.focus, statements, q)
    shown_first = {item.statement_id for item in found.lowest}
    below = [item.statement_id for items in found.focus_steps.values() for item in items]
    assert not shown_first & set(below)
    assert set(found.focus_steps) == {f.phase_id for f in found.focus}
    pd.testing.assert_frame_equal(found.disagreement, most_disagreement(statements))
    pd.testing.assert_frame_equal(found.dont_know, dont_know_hotspots(statements))
    scored = stats.dropna(subset=["mean"])
    assert found.weakest == scored.sort_values("mean", kind="stable")["phase_id"].iloc[0]


def test_every_step_shown_belongs_to_a_low_shown_statement(two_rounds):
    r, q = two_rounds, two_rounds.q
    statements = r.now.chain_statements(1)
    found = chain_findings(r.now.chain(1), statements, q)
    means = statements.set_index("statement_id")["mean"]
    steps = next_steps(q)
    for item in (*found.lowest, *(i for items in found.focus_steps.values() for i in items)):
        assert item.steps == steps[item.statement_id]
        assert item.mean == pytest.approx(means[item.statement_id])
    assert [i.mean for i in found.lowest] == sorted(i.mean for i in found.lowest)
    # Without a previous round there are no drops, and nothing else is made up.
    assert found.agenda.drops == ()


def test_a_hidden_chain_has_no_findings_to_show(questionnaire_v2):
    q = questionnaire_v2
    small = round_results(_answers(q, 1, 2, seed=3), q, 3)
    found = chain_findings(small.chain(1), small.chain_statements(1), q)
    assert found.focus == () and found.lowest == () and found.weakest is None
    assert found.disagreement.empty and found.dont_know.empty


def test_shown_changes_add_up_on_the_screen(two_rounds):
    changes = shown_changes(two_rounds.prev_shared, two_rounds.now_shared)
    assert sorted(changes["phase_id"]) == sorted(PHASE_IDS)
    shown = changes.dropna(subset=["mean_before", "mean_after"])  # hidden phases stay NaN
    assert len(shown) >= 3
    for row in shown.itertuples():
        assert row.mean_before == round(row.mean_before, 1)
        assert row.change == pytest.approx(row.mean_after - row.mean_before, abs=1e-9)
        assert row.change == round(row.change, 1)


def test_progress_changes_carry_the_verdict_and_the_earlier_ambition(two_rounds):
    r = two_rounds
    before, after = r.prev_shared, r.now_shared
    changes = progress_changes(before, after, r.noise, r.before, 1)
    pd.testing.assert_frame_equal(
        changes[["phase_id", "mean_before", "mean_after", "change"]],
        shown_changes(before, after)[["phase_id", "mean_before", "mean_after", "change"]],
    )
    shown = changes.dropna(subset=["change"])  # a phase hidden in either round has none
    assert len(shown) >= 3
    assert set(shown["verdict"]) <= {"up", "down", "noise", "unknown"}
    assert shown["change_low"].notna().all()
    aims = r.before.chain_ambition(1).set_index("phase_id")["ambition"].round(1)
    assert changes.set_index("phase_id")["aimed"].to_dict() == aims.to_dict()
    to_go = (changes["aimed"] - changes["mean_after"]).round(1)
    assert changes["to_go"].tolist() == pytest.approx(to_go.tolist(), nan_ok=True)
