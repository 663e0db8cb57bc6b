"""Leaving careless-looking answers out: the rule, the switch, and the figures it changes."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from ipm_model.disclosure import disclosed_size, exposed_groups, leave_out
from ipm_model.results import (
    chain_comments,
    chain_round_states,
    chain_snapshot,
    load_answers,
    results_state,
    round_results,
)
from ipm_model.storage import audit, exclusions

# -- the rule ------------------------------------------------------------------------------------


def test_nobody_flagged_leaves_the_ladder_as_it_is():
    plan = leave_out([False] * 7, 3)
    assert plan.counted == frozenset(range(1, 7))  # the ladder: 3, 6


def test_the_flagged_are_left_out_and_the_rest_is_re_laddered():
    plan = leave_out([False, True, False, False, False, False, False], 3)
    assert plan.counted == frozenset({1, 3, 4, 5, 6, 7})  # six kept: a rung of 3, 6


def test_never_the_group_minus_one():
    """A group shown with 6 and then with the flagged one left out is never shown with 5:
    the leave-out set always sits on the ladder of the people kept."""
    for flags in ([True] + [False] * 5, [False] * 5 + [True], [False, False, True, False, False]):
        plan = leave_out(flags, 3)
        if plan.counted is not None:
            assert len(plan.counted) in (3, 6, 9)


def test_too_few_kept_means_not_yet():
    assert leave_out([True, False, False], 3).counted is None
    assert leave_out([True, True, True, True], 3).counted is None


def test_a_late_flagged_finisher_keeps_the_last_safe_set():
    # Finisher 4 is flagged; 5 and 6 follow. Without leaving out: 1..6. With it: 1..3 until
    # three more unflagged people have finished (nobody's score is one subtraction away).
    plan = leave_out([False, False, False, True, False, False], 3)
    assert plan.counted == frozenset({1, 2, 3})


@pytest.mark.parametrize("minimum", [3, 4, 5])
def test_over_a_rounds_life_no_small_group_follows(minimum):
    """Every set shown with or without leaving out, after every finisher, together."""
    rng = random.Random(minimum)
    for _ in range(120):
        n = rng.randint(minimum, 24)
        flags = [rng.random() < rng.choice((0.05, 0.2, 0.4)) for _ in range(n)]
        shown = set()
        for moment in range(1, n + 1):
            size = disclosed_size(moment, minimum)
            if size:
                shown.add(frozenset(range(1, size + 1)))
            counted = leave_out(flags[:moment], minimum).counted
            if counted:
                assert not any(flags[p - 1] for p in counted)
                shown.add(counted)
            assert exposed_groups(list(shown), minimum) == [], (flags, moment)


def test_most_flagged_people_can_be_left_out_in_a_usual_round():
    """Usefulness, not only safety: one or two careless people among 10-20 are left out."""
    rng = random.Random(7)
    applied = 0
    for _ in range(100):
        n = rng.randint(10, 20)
        flags = [False] * n
        for i in rng.sample(range(n), rng.choice((1, 2))):
            flags[i] = True
        applied += leave_out(flags, 5).counted is not None
    assert applied >= 80


# -- the switch ----------------------------------------------------------------------------------


def _round(store, questionnaire, people=7, straight=(2,), minimum=3):
    org = store.create_organisation("Org")
    chain = store.add_chain(org, "Keten A")
    w = store.create_workshop(
        org,
        title="Ronde",
        workshop_date="2026-03-01",
        chain_ids=[chain],
        questionnaire=questionnaire,
        min_group_size=minimum,
        code="LEAVE1",
    )
    rng = random.Random(1)
    for i in range(1, people + 1):
        p = store.create_participant(w, chain_id=chain, role="ketenteam")
        for s in questionnaire.statements:
            value = "4" if i in straight else str(rng.randint(1, 5))
            store.save_answer(p.id, s.id, value)
        store.save_comment(p.id, questionnaire.phases[0].id, f"opmerking {i}")
        store.finish(p.id)
    return store.workshop(w.id), chain


@pytest.fixture
def slow(monkeypatch):
    """Everyone took ten minutes (tests finish in milliseconds: all would look fast)."""

    def seconds(store, workshop_id):
        people = store.result_answers([workshop_id])["participant"].unique()
        return pd.Series(600.0, index=people)

    monkeypatch.setattr("ipm_model.storage.store.Store.answer_seconds", seconds)


def test_the_switch_is_stored_reversible_and_logged(store, questionnaire):
    w, _ = _round(store, questionnaire)
    assert exclusions.rounds_left_out(store, [w.id]) == ()
    assert exclusions.set_left_out(store, w.id, True, "facilitator:ABC", w.code)
    assert not exclusions.set_left_out(store, w.id, True, "facilitator:ABC", w.code)
    assert exclusions.is_left_out(store, w.id)
    assert exclusions.set_left_out(store, w.id, False, "admin", w.code)
    assert not exclusions.is_left_out(store, w.id)
    lines = [(e.actor, e.action, e.target, e.detail) for e in audit.entries(store)]
    assert lines == [
        ("admin", "results.leave_out", w.code, "off"),
        ("facilitator:ABC", "results.leave_out", w.code, "on"),
    ]


def test_switching_changes_the_results_version(store, questionnaire):
    w, chain = _round(store, questionnaire)
    before = results_state(store, [w.id])
    per_round = chain_round_states(store, [w.id], chain)
    exclusions.set_left_out(store, w.id, True, "admin", w.code)
    on = results_state(store, [w.id])
    assert on != before
    # Off again is a third state: its breakdowns are decided after what was shown with it.
    exclusions.set_left_out(store, w.id, False, "admin", w.code)
    assert len({before, on, results_state(store, [w.id])}) == 3
    assert chain_round_states(store, [w.id], chain) != per_round


def test_left_out_answers_leave_every_figure(store, questionnaire, slow):
    w, chain = _round(store, questionnaire, people=7, straight=(2,))
    plain = round_results(load_answers(store, [w.id]), questionnaire, 3)
    assert plain.counted(chain) == 6 and plain.left_out == {}
    exclusions.set_left_out(store, w.id, True, "admin", w.code)
    answers = load_answers(store, [w.id])
    assert answers.groupby("participant")["left_out"].first().sum() == 1
    results = round_results(answers, questionnaire, 3)
    assert results.counted(chain) == 6 and results.left_out == {chain: 1}
    # The figures are those of the six others: recompute them by hand.
    others = answers[~answers["left_out"]]
    first = questionnaire.phases[0]
    ids = {s.id for s in first.statements}
    mine = others[others["statement_id"].isin(ids)]
    per_person = mine.assign(v=mine["value"].astype(float)).groupby("participant")["v"].mean()
    shown = results.chain(chain).set_index("phase_id").loc[first.id, "mean"]
    assert shown == pytest.approx(per_person.mean())
    size, snapshot = chain_snapshot(answers, questionnaire, chain, 3)
    assert size == 6
    assert snapshot.set_index("phase_id").loc[first.id, "mean"] == pytest.approx(shown)
    # Comments do not change with the switch (they follow the ladder without leaving out).
    comments = chain_comments(store, w, chain, results)
    assert len(comments) == len(chain_comments(store, w, chain, plain)) == 6


def test_only_rounds_switched_on_lose_their_flagged(store, questionnaire, slow):
    w, _ = _round(store, questionnaire)
    assert not load_answers(store, [w.id])["left_out"].any()


def test_switching_off_remembers_the_round_was_left_out(store, questionnaire, slow):
    """Off again, the round's flagged stay known (`flagged`), so the figures shown without
    leaving out are decided after those that were shown with it (results.breakdowns)."""
    w, _ = _round(store, questionnaire, people=7, straight=(2,))
    assert not load_answers(store, [w.id])["flagged"].any()
    exclusions.set_left_out(store, w.id, True, "admin", w.code)
    exclusions.set_left_out(store, w.id, False, "admin", w.code)
    assert exclusions.rounds_left_out(store, [w.id]) == ()
    assert exclusions.rounds_ever_left_out(store, [w.id]) == (w.id,)
    answers = load_answers(store, [w.id])
    assert not answers["left_out"].any()
    assert answers.groupby("participant")["flagged"].first().sum() == 1
    assert exclusions.set_left_out(store, w.id, True, "admin", w.code)
    assert exclusions.rounds_left_out(store, [w.id]) == (w.id,)
    assert load_answers(store, [w.id])["left_out"].equals(load_answers(store, [w.id])["flagged"])
